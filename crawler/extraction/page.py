"""Parse a page once with lxml: title, text, links, images, and the raw material of extraction.

:func:`parse_page` parses once and walks the tree once, in document order, and
keeps, besides the public fields, the pieces that
:func:`~crawler.extraction.extract_artifacts` reads: text, attribute values,
scripts and style sheets, each flagged visible or hidden. An element is hidden
when it, or an ancestor, has the ``hidden`` attribute, an inline
``display:none`` / ``visibility:hidden`` style, or a class or id that an
earlier ``<style>`` block hides with a simple selector (``.x``, ``#y``).
Text is NFKC-normalized, one line per block element; scripts and styles are
left out of it, hidden text comes last. The walk is
:func:`crawler.extraction.walk.walk_tree`, compiled when the package was
built with a C compiler (:data:`COMPILED_WALK`).

>>> p = parse_page('''<html><head><title>LEB卡 续费</title>
...   <script>gtag('config', 'G-ABC123XY');</script></head><body>
...   <p>加<b>飞机</b>：<a href="https://t.me/s/esim1088#top">@esim1088</a></p>
...   <div style="display: none">秘密 <a href="/hidden">x</a></div>
...   <img src="//i.postimg.cc/a.png" srcset="b.png 2x, c.png 3x">
...   <p style="background: url('/bg.jpg')">尾</p></body></html>''', "http://spam.example/p/1.html")
>>> p.title
'LEB卡 续费'
>>> p.text.splitlines()
['LEB卡 续费', '加飞机:@esim1088', '尾', '秘密 x']
>>> p.links
['https://t.me/s/esim1088', 'http://spam.example/hidden']
>>> p.images
['http://i.postimg.cc/a.png', 'http://spam.example/p/b.png', 'http://spam.example/p/c.png', 'http://spam.example/bg.jpg']
>>> [(c.source, c.hidden) for c in p.chunks]
[('text', False), ('text', True), ('script', False)]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from lxml import etree

from .decode import utf8_of
from .flatten import FLATTEN_DEPTH, flatten_deep
from .redirects import js_location_targets
from .text import normalize, tidy_whitespace
from .walk import Collector, Ref

try:  # the compiled walk, when the package was built with it
    from ._fastwalk import walk_tree
except (ImportError, TypeError, ValueError):  # not built, or built against an incompatible lxml
    from .walk import walk_tree

__all__ = ["ParsedPage", "Chunk", "Ref", "parse_page", "COMPILED_WALK"]

#: Whether pages go through the compiled walk (:mod:`crawler.extraction._fastwalk`).
COMPILED_WALK = walk_tree.__module__.endswith("_fastwalk")

ChunkSource = Literal["text", "attr", "script", "css"]


class Chunk(NamedTuple):
    """A piece of page material that extractors scan, with where it came from."""

    source: ChunkSource
    content: str
    hidden: bool


@dataclass(slots=True)
class ParsedPage:
    """What a page says: title, text (NFKC, whitespace tidied, hidden text
    last), absolute link and image URLs in document order without duplicates.

    ``chunks``, ``hrefs`` and ``refs`` are the raw material of artifact
    extraction: ``hrefs`` holds the plain links (visible ``href`` links, most of
    a page's references) in document order, ``refs`` every other reference. A
    ``ParsedPage`` built by hand has none, and extraction then parses the HTML.
    """

    title: str = ""
    text: str = ""
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    base_url: str = field(default="", repr=False, compare=False)
    chunks: list[Chunk] = field(default_factory=list, repr=False, compare=False)
    hrefs: list[str] = field(default_factory=list, repr=False, compare=False)
    refs: list[Ref] = field(default_factory=list, repr=False, compare=False)
    complete: bool = field(default=False, repr=False, compare=False)


# --- the parser -------------------------------------------------------------

_local = threading.local()


def _parser() -> etree.HTMLParser:
    p = getattr(_local, "parser", None)
    if p is None:
        # No ID table and no default DOCTYPE: nothing here looks them up, and
        # building them costs a fifth of the parse. huge_tree: without it
        # libxml2 stops reading at 256 nested elements, and sloppy pages reach
        # that with unclosed <div>s (everything after would be lost); with it,
        # at 2048; deeper pages are read again flattened (see _root). Bodies are
        # already capped in size by the crawler.
        p = _local.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
            collect_ids=False, default_doctype=False, huge_tree=True,
        )
    return p


def _root(html: str):
    parser = _parser()
    try:
        root = etree.fromstring(utf8_of(html), parser)
        if _too_deep(parser):  # read again, flattened past a depth the parser reads
            root = etree.fromstring(utf8_of(flatten_deep(html)), parser)
            if _too_deep(parser):  # nested in ways the flattener does not count
                root = etree.fromstring(utf8_of(flatten_deep(html, FLATTEN_DEPTH // 8)), parser)
        return root
    except (etree.LxmlError, ValueError):
        return None


def _too_deep(parser: etree.HTMLParser) -> bool:
    """Whether the parser stopped at its nesting limit (the rest of the page unread)."""
    last = parser.error_log.last_error
    return last is not None and last.type_name == "ERR_RESOURCE_LIMIT" and "depth" in last.message


def _dedupe(urls) -> list[str]:
    return list(dict.fromkeys(urls))


def _hidden(ref: Ref) -> bool:
    return ref[3]


def _link_urls(hrefs: list[str], refs: list[Ref]) -> list[str]:
    """Link URLs without duplicates: the visible ones in document order, then the hidden ones.

    ``refs`` lists the visible references first; each knows how many plain
    links (``hrefs``) precede it.

    >>> _link_urls(["a", "b", "a"], [("image", "i", "attr", False, 1), ("refresh", "r", "attr", False, 2),
    ...                              ("link", "h", "href", True, 0)])
    ['a', 'b', 'r', 'h']
    """
    out: list[str] = []
    done = 0
    for role, url, _source, hidden, at in refs:
        if role == "image":
            continue
        if hidden:
            at = len(hrefs)
        out += hrefs[done:at]
        done = at
        out.append(url)
    out += hrefs[done:]
    return _dedupe(out)


def parse_page(html: str, url: str) -> ParsedPage:
    """Parse ``html`` fetched from ``url``; never raises on malformed input."""
    root = _root(html) if html else None
    if root is None:
        return ParsedPage(base_url=url, complete=True)

    col = Collector(url)
    w = walk_tree(root, col, url)
    visible = tidy_whitespace(normalize(w.text))
    hidden_text = tidy_whitespace(normalize(w.hidden_text)) if w.hidden_text else ""

    chunks = [Chunk("text", visible, False)]
    if hidden_text:
        chunks.append(Chunk("text", hidden_text, True))
    if w.scripts:
        script_text = normalize("\n".join(w.scripts))
        chunks.append(Chunk("script", script_text, False))
        if "location" in script_text:
            for target in js_location_targets(script_text):
                col.add_ref("js", target, "script", False)
    for attrs, hidden in ((col.attrs, False), (col.hidden_attrs, True)):
        if attrs:
            attr_text = normalize("\n".join(attrs))
            chunks.append(Chunk("attr", attr_text, hidden))
            if "location" in attr_text:
                for target in js_location_targets(attr_text):
                    col.add_ref("link", target, "attr", hidden)
    if w.styles:
        css = normalize("\n".join(w.styles))
        chunks.append(Chunk("css", css, False))
        col.css_images(css, False)

    refs = sorted(col.refs, key=_hidden) if w.any_hidden else col.refs
    text = visible + "\n" + hidden_text if hidden_text else visible
    return ParsedPage(
        title=tidy_whitespace(normalize(w.title)),
        text=text,
        links=_link_urls(col.hrefs, refs),
        images=_dedupe([r[1] for r in refs if r[0] == "image"]),
        base_url=col.base,
        chunks=chunks,
        hrefs=col.hrefs,
        refs=refs,
        complete=True,
    )
