"""Parse a page once with lxml: title, text, links, images, and the raw material of extraction.

:func:`parse_page` walks the tree a handful of times in C (XPath) and keeps,
besides the public fields, the pieces that :func:`~crawler.extraction.extract_artifacts`
reads: text, attribute values, scripts and style sheets, each flagged visible
or hidden. An element is hidden when it, or an ancestor, has the ``hidden``
attribute, an inline ``display:none`` / ``visibility:hidden`` style, or a class
or id that a ``<style>`` block hides with a simple selector.

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
[('text', False), ('text', True), ('script', False), ('attr', False)]
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple
from urllib.parse import urljoin

from lxml import etree

from .redirects import js_location_targets, meta_refresh_target
from .text import normalize, tidy_whitespace

__all__ = ["ParsedPage", "Chunk", "Ref", "parse_page", "absolute_url"]

ChunkSource = Literal["text", "attr", "script", "css"]
RefRole = Literal["link", "image", "refresh", "js"]


class Chunk(NamedTuple):
    """A piece of page material that extractors scan, with where it came from."""

    source: ChunkSource
    content: str
    hidden: bool


class Ref(NamedTuple):
    """An absolute URL the page references, and how."""

    role: RefRole
    url: str
    source: Literal["href", "attr", "script", "css"]
    hidden: bool


@dataclass(slots=True)
class ParsedPage:
    """What a page says: title, text (NFKC, whitespace tidied, hidden text
    last), absolute link and image URLs in document order without duplicates.

    ``chunks`` and ``refs`` are the raw material of artifact extraction; a
    ``ParsedPage`` built by hand has none, and extraction then parses the HTML.
    """

    title: str = ""
    text: str = ""
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    base_url: str = field(default="", repr=False, compare=False)
    chunks: list[Chunk] = field(default_factory=list, repr=False, compare=False)
    refs: list[Ref] = field(default_factory=list, repr=False, compare=False)
    complete: bool = field(default=False, repr=False, compare=False)


# --- the parser -------------------------------------------------------------

_local = threading.local()


def _parser() -> etree.HTMLParser:
    p = getattr(_local, "parser", None)
    if p is None:
        p = _local.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
        )
    return p


def _root(html: str):
    data = html.encode("utf-8", "replace")
    try:
        return etree.fromstring(data, _parser())
    except (etree.LxmlError, ValueError):
        return None


# --- XPath, compiled once ---------------------------------------------------

def _xp(expr: str) -> etree.XPath:
    return etree.XPath(expr, smart_strings=False)


_HREFS = _xp("descendant-or-self::a/@href | descendant-or-self::area/@href")
_IMG_ATTRS = _xp(
    " | ".join(
        f"descendant-or-self::{tag}/@{attr}"
        for tag, attr in (
            ("img", "src"),
            ("img", "data-src"),
            ("img", "data-original"),
            ("img", "data-lazy-src"),
            ("input", "src"),
            ("video", "poster"),
            ("*", "background"),
        )
    )
)
_SRCSETS = _xp("descendant-or-self::*/@srcset | descendant-or-self::*/@data-srcset")
_STYLES = _xp("descendant-or-self::*/@style")
_OG_IMAGES = _xp(
    "descendant-or-self::meta[@property='og:image' or @name='twitter:image']/@content"
)
_REFRESH = _xp(
    "descendant-or-self::meta[translate(@http-equiv,'REFSH','refsh')='refresh']/@content"
)
#: Attribute values worth scanning for contacts, tracking IDs and JS targets.
_SKIPPED_ATTRS = (
    "href", "style", "class", "id", "srcset", "data-srcset", "width", "height", "target",
    "rel", "type", "lang", "dir", "align", "border", "role", "tabindex", "loading",
    "decoding", "crossorigin", "integrity", "async", "defer", "charset", "media", "sizes",
    "colspan", "rowspan", "valign", "cellpadding", "cellspacing", "for", "method",
)
_ATTRS = _xp(
    "descendant-or-self::*/@*[not("
    + " or ".join(f"name()='{a}'" for a in _SKIPPED_ATTRS)
    + ")]"
)
_INLINE_HIDDEN = (
    "@hidden"
    " or contains(translate(@style,'DISPLAYNOEVISBLTH \t\n','displaynoevisblth'),'display:none')"
    " or contains(translate(@style,'DISPLAYNOEVISBLTH \t\n','displaynoevisblth'),'visibility:hidden')"
)
_HIDDEN = _xp(f"//*[{_INLINE_HIDDEN}]")

#: Elements whose end separates text into lines.
_BLOCKS = (
    "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title",
    "section", "article", "header", "footer", "aside", "nav", "blockquote", "pre", "dt",
    "dd", "table", "ul", "ol", "option", "hr", "figcaption", "address", "main", "form",
)

_CSS_HIDING_RE = re.compile(
    r"([^{}]+)\{[^}]*?(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I
)
_SIMPLE_SELECTOR_RE = re.compile(r"[.#][A-Za-z_][\w-]*\s*$")
_CSS_URL_RE = re.compile(r"""url\(\s*(["']?)([^"')]+?)\1\s*\)""", re.I)
_NOT_IMAGE_EXT = (".woff", ".woff2", ".ttf", ".otf", ".eot", ".css", ".svgz#")
_WS_IN_URL_RE = re.compile(r"[\t\n\r]")


@lru_cache(maxsize=256)
def _hidden_xpath(selectors: tuple[str, ...]) -> etree.XPath:
    tests = [_INLINE_HIDDEN]
    for sel in selectors:
        name = sel[1:]
        if "'" in name:
            continue
        if sel[0] == ".":
            tests.append(f"contains(concat(' ',normalize-space(@class),' '),' {name} ')")
        else:
            tests.append(f"@id='{name}'")
    return _xp(f"//*[{' or '.join(tests)}]")


def _css_hidden_selectors(css: str) -> tuple[str, ...]:
    found = []
    for m in _CSS_HIDING_RE.finditer(css):
        for part in m.group(1).split(","):
            sm = _SIMPLE_SELECTOR_RE.search(part)
            if sm and sm.start() == len(part) - len(part.lstrip()):
                found.append(sm.group(0).strip())
    return tuple(sorted(set(found)))


# --- URLs -------------------------------------------------------------------

def absolute_url(base: str, ref: str) -> str | None:
    """Resolve ``ref`` against ``base`` and drop the fragment; ``None`` if empty.

    >>> absolute_url("http://a.example/x/y.html", "../z.png#f")
    'http://a.example/z.png'
    >>> absolute_url("http://a.example/", "mailto:Ab@c.example")
    'mailto:Ab@c.example'
    >>> absolute_url("http://a.example/", "#top") is None
    True
    """
    ref = ref.strip()
    if not ref or ref[0] == "#":
        return None
    if "\n" in ref or "\t" in ref or "\r" in ref:
        ref = _WS_IN_URL_RE.sub("", ref)
    if not ref.startswith(("http://", "https://")):
        try:
            ref = urljoin(base, ref)
        except ValueError:
            return None
    hash_at = ref.find("#")
    if hash_at >= 0:
        ref = ref[:hash_at]
    return ref or None


def _is_image_url(url: str) -> bool:
    if not url.startswith(("http://", "https://")):
        return False
    path = url.split("?", 1)[0].lower()
    return not path.endswith(_NOT_IMAGE_EXT)


# --- the walk ---------------------------------------------------------------

class _Collector:
    __slots__ = ("base", "chunks", "refs")

    def __init__(self, base: str) -> None:
        self.base = base
        self.chunks: list[Chunk] = []
        self.refs: list[Ref] = []

    def add_ref(self, role: RefRole, raw: str, source, hidden: bool) -> None:
        url = absolute_url(self.base, raw)
        if url is None:
            return
        if role == "image" and not _is_image_url(url):
            return
        self.refs.append(Ref(role, url, source, hidden))

    def css_images(self, css: str, hidden: bool) -> None:
        if "url(" not in css and "URL(" not in css:
            return
        for m in _CSS_URL_RE.finditer(css):
            raw = m.group(2)
            if not raw.startswith("data:"):
                self.add_ref("image", raw, "css", hidden)

    def subtree(self, el, hidden: bool) -> None:
        """References and attribute text of ``el`` and its descendants."""
        add = self.add_ref
        for href in _HREFS(el):
            add("link", href, "href", hidden)
        for content in _REFRESH(el):
            target = meta_refresh_target(content)
            if target:
                add("refresh", target, "attr", hidden)
        for src in _IMG_ATTRS(el):
            if not src.startswith("data:"):
                add("image", src, "attr", hidden)
        for srcset in _SRCSETS(el):
            for candidate in srcset.split(","):
                parts = candidate.split()
                if parts and not parts[0].startswith("data:"):
                    add("image", parts[0], "attr", hidden)
        for src in _OG_IMAGES(el):
            add("image", src, "attr", hidden)
        styles = _STYLES(el)
        if styles:
            css = "\n".join(styles)
            self.css_images(css, hidden)
        attrs = _ATTRS(el)
        if attrs:
            attr_text = normalize("\n".join(attrs))
            self.chunks.append(Chunk("attr", attr_text, hidden))
            if "location" in attr_text:
                for target in js_location_targets(attr_text):
                    add("link", target, "attr", hidden)


def _text_of(el) -> str:
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def _drop(el) -> None:
    """Remove ``el`` from the tree, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _dedupe(urls) -> list[str]:
    return list(dict.fromkeys(urls))


def parse_page(html: str, url: str) -> ParsedPage:
    """Parse ``html`` fetched from ``url``; never raises on malformed input."""
    root = _root(html) if html else None
    if root is None:
        return ParsedPage(base_url=url, complete=True)

    base = url
    base_el = root.find(".//base[@href]")
    if base_el is not None:
        base = absolute_url(url, base_el.get("href", "")) or url
    title = tidy_whitespace(normalize(root.findtext(".//title") or ""))

    col = _Collector(base)
    scripts: list[str] = []
    styles: list[str] = []
    for el in list(root.iter("script", "style", "template")):
        content = el.text
        if content:
            (styles if el.tag == "style" else scripts).append(content)
        _drop(el)

    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + el.tail if el.tail else "\n"

    css = "\n".join(styles)
    selectors = _css_hidden_selectors(css) if css else ()
    hidden_els = (_hidden_xpath(selectors) if selectors else _HIDDEN)(root)
    hidden_texts: list[str] = []
    if hidden_els:
        marked = set(hidden_els)
        for el in hidden_els:
            if el is root or any(a in marked for a in el.iterancestors()):
                continue
            col.subtree(el, True)
            hidden_texts.append(_text_of(el))
            _drop(el)

    col.subtree(root, False)
    visible = tidy_whitespace(normalize(_text_of(root)))
    hidden_text = tidy_whitespace(normalize("\n".join(hidden_texts))) if hidden_texts else ""

    chunks = [Chunk("text", visible, False)]
    if hidden_text:
        chunks.append(Chunk("text", hidden_text, True))
    if scripts:
        script_text = normalize("\n".join(scripts))
        chunks.append(Chunk("script", script_text, False))
        if "location" in script_text:
            for target in js_location_targets(script_text):
                col.add_ref("js", target, "script", False)
    # Attribute chunks: visible before hidden, in the order collected.
    chunks.extend(sorted(col.chunks, key=lambda c: c.hidden))
    if css:
        css = normalize(css)
        chunks.append(Chunk("css", css, False))
        col.css_images(css, False)

    refs = sorted(col.refs, key=lambda r: r.hidden)
    text = visible + "\n" + hidden_text if hidden_text else visible
    return ParsedPage(
        title=title,
        text=text,
        links=_dedupe(r.url for r in refs if r.role != "image"),
        images=_dedupe(r.url for r in refs if r.role == "image"),
        base_url=base,
        chunks=chunks,
        refs=refs,
        complete=True,
    )
