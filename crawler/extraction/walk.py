"""One pass over a parsed page, in document order: references, attribute text,
scripts, style sheets, hidden elements and the page text.

Pure Python; ``crawler/extraction/_fastwalk.pyx`` is the same walk compiled
(Cython), used when the package was built with it (see
:data:`crawler.extraction.page.COMPILED_WALK`). Both share this module's
rules (:class:`Collector`, :class:`Walk`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from lxml import etree

from .page_urls import absolute_url, is_image_url, plain_url, url_origin
from .redirects import meta_refresh_target

__all__ = ["Collector", "Walk", "walk_tree", "Ref", "RefRole", "BLOCK_TAGS", "RAW_TAGS", "ATTR_ROLES", "has_class",
           "hidden_selectors", "css_urls"]

RefRole = Literal["link", "image", "refresh", "js"]

#: An absolute URL the page references, and how: ``(role, url, source, hidden,
#: at)`` with role ``link``, ``image``, ``refresh`` or ``js``, source ``href``,
#: ``attr``, ``script`` or ``css``, and ``at`` the number of plain links (see
#: :class:`~crawler.extraction.page.ParsedPage`) before it in the document.
#: Plain tuples: pages have hundreds.
Ref = tuple[str, str, str, bool, int]

#: Elements whose end separates text into lines.
BLOCK_TAGS = frozenset(
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


# Matched against lower-case CSS: a literal first word lets the engine skip fast.
_HIDING_DECL_RES = (
    re.compile(r"display\s*:\s*none"),
    re.compile(r"visibility\s*:\s*hidden"),
)


@lru_cache(maxsize=64)
def hidden_selectors(css: str) -> tuple[frozenset[str], frozenset[str]]:
    """The classes and ids that simple ``display:none`` rules in ``css`` hide.

    Cached, like :func:`css_urls`: a site's pages repeat its inline style
    sheet, often tens of kilobytes that each take several passes to read.

    >>> hidden_selectors(".a{color:red} .h, #x { display : none } div .y{display:none}")
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
def css_urls(css: str) -> tuple[str, ...]:
    """The URLs in ``url()`` in a style sheet, as written, except ``data:`` URIs.

    >>> css_urls("a{background:url('/x.png')} b{background:URL(data:image/png;base64,AA)}")
    ('/x.png',)
    """
    if "url(" not in css and "URL(" not in css:
        return ()
    return tuple(m.group(2) for m in _CSS_URL_RE.finditer(css) if not m.group(2).startswith("data:"))


# --- the walk ---------------------------------------------------------------

class Collector:
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
        url = plain_url(raw, self.origin) or absolute_url(self.base, raw)
        if url is None:
            return
        if role == "image" and not is_image_url(url):
            return
        if source == "href" and not hidden:
            self.hrefs.append(url)
        else:
            self.refs.append((role, url, source, hidden, len(self.hrefs)))

    def css_images(self, css: str, hidden: bool) -> None:
        for raw in css_urls(css):
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
        roles = ATTR_ROLES
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
                if hide_classes and has_class(value, hide_classes):
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
ATTR_ROLES: dict[str, str] = {
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


def has_class(value: str, classes: set[str]) -> bool:
    """Whether the ``class`` attribute ``value`` names one of ``classes``.

    >>> has_class("menu hide", {"hide"}), has_class("hidden-xs", {"hide"})
    (True, False)
    >>> has_class("menu hide", {"a", "b", "c", "hide"}), has_class("hidden-xs", {"a", "b", "c", "hide"})
    (True, False)
    """
    if len(classes) > 3:
        return not classes.isdisjoint(value.split())
    for c in classes:  # few: a substring test first, several times cheaper than splitting
        if c in value and c in value.split():
            return True
    return False


class Walk:
    """What one pass over the tree gathers, besides the collector's references
    and attribute text: the title, scripts, style sheets, and the page text,
    visible and hidden (raw: not yet normalized)."""

    __slots__ = ("title", "scripts", "styles", "hide_classes", "hide_ids", "base_seen", "any_hidden", "text",
                 "hidden_text")

    def __init__(self) -> None:
        self.title = ""
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.hide_classes: set[str] = set()
        self.hide_ids: set[str] = set()
        self.base_seen = False
        #: Whether any element is hidden (its references are flagged so).
        self.any_hidden = False
        #: The text outside hidden elements, a line break after each block element.
        self.text = ""
        #: The text of the outermost hidden elements, one after another, a line break between.
        self.hidden_text = ""

    def raw(self, el, tag: str, col: Collector, url: str) -> None:
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
                classes, ids = hidden_selectors(content)
                self.hide_classes |= classes  # in place: the walk holds these sets
                self.hide_ids |= ids
            else:
                self.scripts.append(content)
            el.text = None  # out of the page text (the parser reads their content as text)


RAW_TAGS = frozenset({"script", "style", "base"})


def walk_tree(root, col: Collector, url: str) -> Walk:
    r"""Walk the tree under ``root`` (parsed from ``url``) once, collecting into ``col``.

    Changes the tree: script and style elements lose their text, block
    elements' tails start with a line break, hidden elements are removed.

    >>> root = etree.fromstring("<html><body><p>a<span hidden>b</span>c</p><p>d</p></body></html>", etree.HTMLParser())
    >>> w = walk_tree(root, Collector("http://x.example/"), "http://x.example/")
    >>> w.text, w.hidden_text, w.any_hidden
    ('ac\nd\n', 'b', True)
    """
    w, hidden_roots = _walk(root, col, url)
    hidden_texts = []
    for el in hidden_roots:
        if el is not root:
            hidden_texts.append(_text_of(el))
            _drop(el)
    w.text = _text_of(root)
    w.hidden_text = "\n".join(hidden_texts)
    return w


def _walk(root, col: Collector, url: str) -> tuple[Walk, list]:
    """One pass in document order: references, attribute text, scripts,
    styles, the outermost hidden elements (returned, in document order).

    Most elements carry nothing but a link and attributes that neither hide
    them nor hold anything to extract; they take the short loop below. The
    others go through :meth:`Collector.element`. Elements inside a hidden
    one are known by position: hidden until the walk reaches the element
    that follows the hidden one's subtree.
    """
    w = Walk()
    hidden_roots = []
    blocks, raw_tags, roles = BLOCK_TAGS, RAW_TAGS, ATTR_ROLES
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
                if hide_classes and has_class(value, hide_classes):
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
                if (  # /path: plain_url inline, for the commonest link
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
            hidden_roots.append(el)
            w.any_hidden = True
    return w, hidden_roots




def _following(el, root):
    """The first element after ``el`` and its descendants, in document order; ``None`` if none."""
    while el is not root:
        nxt = el.getnext()
        if nxt is not None:
            return nxt
        el = el.getparent()
    return None


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
