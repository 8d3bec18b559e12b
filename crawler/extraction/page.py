"""Parse a page once with lxml: title, text, links, images, and the raw material of extraction.

:func:`parse_page` parses once and walks the tree once, in document order, and
keeps, besides the public fields, the pieces that
:func:`~crawler.extraction.extract_artifacts` reads: text, attribute values,
scripts and style sheets, each flagged visible or hidden. An element is hidden
when it, or an ancestor, has the ``hidden`` attribute, an inline
``display:none`` / ``visibility:hidden`` style, or a class or id that an
earlier ``<style>`` block hides with a simple selector (``.x``, ``#y``).
Text is NFKC-normalized, one line per block element; scripts and styles are
left out of it, hidden text comes last.

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

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple
from urllib.parse import urljoin

from lxml import etree

from .decode import utf8_of
from .redirects import js_location_targets, meta_refresh_target
from .text import normalize, tidy_whitespace

__all__ = ["ParsedPage", "Chunk", "Ref", "parse_page", "absolute_url", "url_origin"]

ChunkSource = Literal["text", "attr", "script", "css"]
RefRole = Literal["link", "image", "refresh", "js"]


class Chunk(NamedTuple):
    """A piece of page material that extractors scan, with where it came from."""

    source: ChunkSource
    content: str
    hidden: bool


#: An absolute URL the page references, and how: ``(role, url, source, hidden,
#: at)`` with role ``link``, ``image``, ``refresh`` or ``js``, source ``href``,
#: ``attr``, ``script`` or ``css``, and ``at`` the number of plain links (see
#: :class:`ParsedPage`) before it in the document. Plain tuples: pages have hundreds.
Ref = tuple[str, str, str, bool, int]


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
        # building them costs a fifth of the parse.
        p = _local.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
            collect_ids=False, default_doctype=False,
        )
    return p


def _root(html: str):
    try:
        return etree.fromstring(utf8_of(html), _parser())
    except (etree.LxmlError, ValueError):
        return None


# --- what each tag and attribute means -------------------------------------

#: Elements whose end separates text into lines.
_BLOCKS = frozenset(
    """p div br li tr td th h1 h2 h3 h4 h5 h6 title section article header footer aside
    nav blockquote pre dt dd table ul ol option hr figcaption address main form""".split()
)
#: Attributes that hold an image URL, by element ("*": any element).
_IMAGE_ATTRS = {
    "src": frozenset({"img", "input"}),
    "data-src": frozenset({"*"}),
    "data-original": frozenset({"*"}),
    "data-lazy-src": frozenset({"*"}),
    "poster": frozenset({"video"}),
    "background": frozenset({"*"}),
}
#: Attributes never worth scanning for contacts or tracking IDs.
_SKIPPED_ATTRS = frozenset(
    """href style class id srcset data-srcset width height target rel type lang dir align
    border role tabindex loading decoding crossorigin integrity async defer charset media
    sizes colspan rowspan valign cellpadding cellspacing for method hidden name
    http-equiv property itemprop itemtype itemscope xmlns""".split()
)
_HIDING_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")  # on lower-case
_SIMPLE_SELECTOR_RE = re.compile(r"^\s*([.#])([A-Za-z_][\w-]*)\s*$")
_CSS_URL_RE = re.compile(r"""url\(\s*(["']?)([^"')]+?)\1\s*\)""", re.I)
_NOT_IMAGE_EXT = (".woff", ".woff2", ".ttf", ".otf", ".eot", ".css", ".js")
_SCHEME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


# Matched against lower-case CSS: a literal first word lets the engine skip fast.
_HIDING_DECL_RES = (
    re.compile(r"display\s*:\s*none"),
    re.compile(r"visibility\s*:\s*hidden"),
)


@lru_cache(maxsize=64)
def _hidden_selectors(css: str) -> tuple[frozenset[str], frozenset[str]]:
    """The classes and ids that simple ``display:none`` rules in ``css`` hide.

    Cached, like :func:`_css_urls`: a site's pages repeat its inline style
    sheet, often tens of kilobytes that each take several passes to read.

    >>> _hidden_selectors(".a{color:red} .h, #x { display : none } div .y{display:none}")
    (frozenset({'h'}), frozenset({'x'}))
    """
    classes: set[str] = set()
    ids: set[str] = set()
    low = css.lower()
    if "none" in low or "hidden" in low:
        for m in (m for r in _HIDING_DECL_RES for m in r.finditer(low)):
            open_at = css.rfind("{", 0, m.start())
            if open_at < 0 or css.find("}", open_at, m.start()) >= 0:
                continue
            selector_start = css.rfind("}", 0, open_at) + 1
            for part in css[selector_start:open_at].split(","):
                sm = _SIMPLE_SELECTOR_RE.match(part)
                if sm:
                    (classes if sm.group(1) == "." else ids).add(sm.group(2))
    return frozenset(classes), frozenset(ids)


@lru_cache(maxsize=64)
def _css_urls(css: str) -> tuple[str, ...]:
    """The URLs in ``url()`` in a style sheet, as written, except ``data:`` URIs.

    >>> _css_urls("a{background:url('/x.png')} b{background:URL(data:image/png;base64,AA)}")
    ('/x.png',)
    """
    if "url(" not in css and "URL(" not in css:
        return ()
    return tuple(m.group(2) for m in _CSS_URL_RE.finditer(css) if not m.group(2).startswith("data:"))


# --- URLs -------------------------------------------------------------------

def absolute_url(base: str, ref: str) -> str | None:
    """Resolve ``ref`` against ``base`` and drop the fragment; ``None`` if empty.

    >>> absolute_url("http://a.example/x/y.html", "../z.png#f")
    'http://a.example/z.png'
    >>> absolute_url("http://a.example/", "mailto:Ab@c.example")
    'mailto:Ab@c.example'
    >>> absolute_url("https://a.example/x", "//cdn.example/i.png")
    'https://cdn.example/i.png'
    >>> absolute_url("http://a.example/", "#top") is None
    True
    """
    ref = ref.strip()
    if not ref or ref[0] == "#":
        return None
    if "\n" in ref or "\t" in ref or "\r" in ref:
        ref = ref.replace("\n", "").replace("\t", "").replace("\r", "")
    if ref.startswith(("http://", "https://")):
        pass
    elif ref[0] == "/" and ref[1:2] != "/" and "/." not in ref and "\\" not in ref:
        origin = url_origin(base)
        ref = origin + ref if origin else _join(base, ref)
    elif ref[0] == "/" or "./" in ref or _SCHEME_RE.match(ref) is None:
        ref = _join(base, ref)
    if ref is None:
        return None
    hash_at = ref.find("#")
    if hash_at >= 0:
        ref = ref[:hash_at]
    return ref or None


@lru_cache(maxsize=1024)
def url_origin(base: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, or ``""``.

    >>> url_origin("https://a.example:8443/x/y?z"), url_origin("mailto:x@y.example")
    ('https://a.example:8443', '')
    """
    if base.startswith(("http://", "https://")):
        parts = base.split("/", 3)
        if parts[2] and "\\" not in parts[2]:
            return f"{parts[0]}//{parts[2]}"
    return ""


def _join(base: str, ref: str) -> str | None:
    try:
        return urljoin(base, ref)
    except ValueError:
        return None


def _plain_url(raw: str, origin: str) -> str | None:
    """``raw`` as an absolute URL in the common cases, which need no ``urljoin``:
    an absolute http(s) URL, or ``/path`` on an http(s) page (``origin``); else ``None``.

    >>> _plain_url("/a/b.png", "http://x.example"), _plain_url("../b.png", "http://x.example")
    ('http://x.example/a/b.png', None)
    """
    if "#" in raw or " " in raw or not raw.isprintable():
        return None
    first = raw[:1]
    if first == "/":
        if raw[1:2] != "/" and origin and "/." not in raw and "\\" not in raw:
            return origin + raw
    elif first == "h" and raw.startswith(("http://", "https://")):
        return raw
    return None


def _is_image_url(url: str) -> bool:
    if not url.startswith(("http://", "https://")):
        return False
    path = url.split("?", 1)[0].lower()
    return not path.endswith(_NOT_IMAGE_EXT)


# --- the walk ---------------------------------------------------------------

class _Collector:
    """Accumulates references and scannable attribute values during the walk."""

    __slots__ = ("base", "origin", "hrefs", "refs", "attrs", "hidden_attrs")

    def __init__(self, base: str) -> None:
        self.set_base(base)
        self.hrefs: list[str] = []
        self.refs: list[Ref] = []
        self.attrs: list[str] = []
        self.hidden_attrs: list[str] = []

    def set_base(self, base: str) -> None:
        self.base = base
        self.origin = url_origin(base)

    def add_ref(self, role: RefRole, raw: str, source, hidden: bool) -> None:
        url = _plain_url(raw, self.origin) or absolute_url(self.base, raw)
        if url is None:
            return
        if role == "image" and not _is_image_url(url):
            return
        if source == "href" and not hidden:
            self.hrefs.append(url)
        else:
            self.refs.append((role, url, source, hidden, len(self.hrefs)))

    def css_images(self, css: str, hidden: bool) -> None:
        for raw in _css_urls(css):
            self.add_ref("image", raw, "css", hidden)

    def element(
        self,
        tag: str,
        items: list[tuple[str, str]],
        inherited: bool,
        hide_classes: set[str],
        hide_ids: set[str],
    ) -> bool:
        """Collect one element's references and attribute text; return whether it is hidden.

        Whether the element hides itself is only known after reading all its
        attributes, so what it references is collected first and committed
        after.
        """
        hidden = inherited
        refs: list[tuple[str, str, str]] = []
        texts: list[str] = []
        roles = _ATTR_ROLES
        for name, value in items:
            role = roles.get(name)
            if role is None:
                if value:
                    texts.append(value)
            elif role == "skip":
                continue
            elif role == "href":
                if tag == "a" or tag == "area":
                    refs.append(("link", value, "href"))
            elif role == "class":
                if hide_classes and _has_class(value, hide_classes):
                    hidden = True
            elif role == "id":
                if value in hide_ids:
                    hidden = True
            elif role == "hidden":
                hidden = True
            elif role == "style":
                low = value.lower()
                if ("none" in low or "hidden" in low) and _HIDING_STYLE_RE.search(low):
                    hidden = True
                if "url(" in low:
                    for m in _CSS_URL_RE.finditer(value):
                        raw = m.group(2)
                        if not raw.startswith("data:"):
                            refs.append(("image", raw, "css"))
            elif role == "image":
                tags = _IMAGE_ATTRS[name]
                if tag in tags or "*" in tags:
                    if not value.startswith("data:"):
                        refs.append(("image", value, "attr"))
                elif value:
                    texts.append(value)
            elif role == "srcset":
                for candidate in value.split(","):
                    parts = candidate.split()
                    if parts and not parts[0].startswith("data:"):
                        refs.append(("image", parts[0], "attr"))
            elif role == "content":
                if tag != "meta":
                    texts.append(value)
                    continue
                attrib = dict(items)
                equiv = attrib.get("http-equiv")
                if equiv is not None and equiv.lower() == "refresh":
                    target = meta_refresh_target(value)
                    if target:
                        refs.append(("refresh", target, "attr"))
                elif attrib.get("property") == "og:image" or attrib.get("name") == "twitter:image":
                    refs.append(("image", value, "attr"))
                elif value:
                    texts.append(value)
        for role, raw, source in refs:
            self.add_ref(role, raw, source, hidden)  # type: ignore[arg-type]
        if texts:
            (self.hidden_attrs if hidden else self.attrs).extend(texts)
        return hidden


#: How the walk treats an attribute; absent: scan its value as text.
_ATTR_ROLES: dict[str, str] = {
    **{name: "skip" for name in _SKIPPED_ATTRS},
    "class": "class",
    "id": "id",
    "hidden": "hidden",
    **{name: "image" for name in _IMAGE_ATTRS},
    "href": "href",
    "style": "style",
    "srcset": "srcset",
    "data-srcset": "srcset",
    "content": "content",
}


def _has_class(value: str, classes: set[str]) -> bool:
    """Whether the ``class`` attribute ``value`` names one of ``classes``.

    >>> _has_class("menu hide", {"hide"}), _has_class("hidden-xs", {"hide"})
    (True, False)
    >>> _has_class("menu hide", {"a", "b", "c", "hide"}), _has_class("hidden-xs", {"a", "b", "c", "hide"})
    (True, False)
    """
    if len(classes) > 3:
        return not classes.isdisjoint(value.split())
    for c in classes:  # few: a substring test first, several times cheaper than splitting
        if c in value and c in value.split():
            return True
    return False


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


class _Walk:
    """What one pass over the tree gathers, besides the collector's references and attributes."""

    __slots__ = ("title", "scripts", "styles", "hidden_roots", "hide_classes", "hide_ids", "base_seen")

    def __init__(self) -> None:
        self.title = ""
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.hidden_roots: list = []  # outermost hidden elements, in document order
        self.hide_classes: set[str] = set()
        self.hide_ids: set[str] = set()
        self.base_seen = False

    def raw(self, el, tag: str, col: _Collector, url: str) -> None:
        """A ``<script>``, ``<style>`` or ``<base>`` element."""
        if tag == "base":
            if not self.base_seen:  # in <head>, before the links it governs
                self.base_seen = True
                col.set_base(absolute_url(url, el.get("href") or "") or url)
            return
        content = el.text
        if content:
            if tag == "style":
                self.styles.append(content)
                classes, ids = _hidden_selectors(content)
                self.hide_classes |= classes  # in place: the walk holds these sets
                self.hide_ids |= ids
            else:
                self.scripts.append(content)
            el.text = None  # out of the page text (the parser reads their content as text)


_RAW_TAGS = frozenset({"script", "style", "base"})


def _following(el, root):
    """The first element after ``el`` and its descendants, in document order; ``None`` if none."""
    while el is not root:
        nxt = el.getnext()
        if nxt is not None:
            return nxt
        el = el.getparent()
    return None


def _walk(root, col: _Collector, url: str) -> _Walk:
    """One pass in document order: references, attribute text, scripts, styles, hidden elements.

    Most elements carry nothing but a link and attributes that neither hide
    them nor hold anything to extract; they take the short loop below. The
    others go through :meth:`_Collector.element`. Elements inside a hidden
    one are known by position: hidden until the walk reaches the element
    that follows the hidden one's subtree.
    """
    w = _Walk()
    blocks, raw_tags, roles = _BLOCKS, _RAW_TAGS, _ATTR_ROLES
    hide_classes, hide_ids = w.hide_classes, w.hide_ids
    add_ref, element, hrefs = col.add_ref, col.element, col.hrefs
    origin = col.origin
    hidden = False  # inside a hidden element ...
    hidden_until = None  # ... until this one
    for el in root.iter():
        if hidden and el is hidden_until:
            hidden = False
        tag = el.tag
        if tag in blocks:  # a line break in the text after it
            tail = el.tail
            el.tail = "\n" + tail if tail else "\n"
            if tag == "title" and not w.title:
                w.title = el.text or ""
        elif tag in raw_tags:
            w.raw(el, tag, col, url)
            origin = col.origin
        items = el.items()
        if not items:
            continue
        href = None
        for name, value in items:
            if name == "href":  # the two commonest attributes, without a lookup
                href = value
                continue
            if name == "class":
                if hide_classes and _has_class(value, hide_classes):
                    break
                continue
            role = roles.get(name)
            if role == "skip":
                continue
            if role == "style":
                low = value.lower()
                if "none" in low or "hidden" in low or "url(" in low:
                    break
            elif role == "id":
                if value in hide_ids:
                    break
            else:
                break
        else:
            if href is not None and (tag == "a" or tag == "area"):
                if (  # /path: _plain_url inline, for the commonest link
                    not hidden and origin and href[:1] == "/" and href[1:2] != "/" and "#" not in href
                    and " " not in href and "/." not in href and "\\" not in href and href.isprintable()
                ):
                    hrefs.append(origin + href)
                else:
                    add_ref("link", href, "href", hidden)
            continue
        if element(tag, items, hidden, hide_classes, hide_ids) and not hidden:
            hidden = True
            hidden_until = _following(el, root)
            w.hidden_roots.append(el)
    return w


def parse_page(html: str, url: str) -> ParsedPage:
    """Parse ``html`` fetched from ``url``; never raises on malformed input."""
    root = _root(html) if html else None
    if root is None:
        return ParsedPage(base_url=url, complete=True)

    col = _Collector(url)
    w = _walk(root, col, url)
    hidden_texts = []
    for el in w.hidden_roots:
        if el is not root:
            hidden_texts.append(_text_of(el))
            _drop(el)
    visible = tidy_whitespace(normalize(_text_of(root)))
    hidden_text = tidy_whitespace(normalize("\n".join(hidden_texts))) if hidden_texts else ""

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

    refs = sorted(col.refs, key=_hidden) if w.hidden_roots else col.refs
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
