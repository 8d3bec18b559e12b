"""Flatten markup nested past a depth, so that a parser with a depth limit reads all of it.

libxml2 stops reading a document nested deeper than 2,048 elements (with
``huge_tree``; 256 without): everything after that point is lost, the text
after the deep part included. A page can hide from the crawler that way.
:func:`flatten_deep` rewrites such a page in one linear pass: an element that
opens deeper than ``limit`` is closed right after its start tag (its
attributes, so its links and images, stay; its content follows it as text of
its parent) and its end tag is dropped. Nothing is removed from the text.

Only pages that hit the parser's limit go through it (see
:mod:`crawler.extraction.page`), so the tokenizer is a simple one: tags,
comments, and the raw text of ``<script>``, ``<style>``, ``<textarea>`` and
``<title>``. The output is at most a constant times the input: memory stays
bounded by the body cap.

>>> flatten_deep("<div><div><p>a<a href=x>b</a></p></div></div>after", 2)
'<div><div><p></p>a<a href=x></a>b</div></div>after'
>>> flatten_deep("<div><br><img src=i.png><p>x</p></div>", 1)
'<div><br><img src=i.png><p></p>x</div>'
"""

from __future__ import annotations

import re

__all__ = ["flatten_deep", "FLATTEN_DEPTH"]

#: Elements deeper than this are flattened; well below libxml2's 2,048, for
#: the elements the parser adds or keeps open that the tokenizer does not count.
FLATTEN_DEPTH = 1000

#: Elements without an end tag.
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
#: Elements whose content is text up to their end tag.
_RAW = frozenset({"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe"})
#: How far down the open elements an end tag looks for its start tag.
_END_TAG_REACH = 64

# A tag stops at the next ">" or "<", so an unclosed one costs no scan to the end.
_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][^\s/<>]*)[^<>]*>?", re.S)


def _raw_end(html: str, name: str, at: int) -> int:
    """Where the end tag of raw-text element ``name`` starts (or the end of ``html``)."""
    m = re.compile(rf"</{re.escape(name)}\b", re.I).search(html, at)
    return m.start() if m else len(html)


def flatten_deep(html: str, limit: int = FLATTEN_DEPTH) -> str:
    """``html`` with every element that opens deeper than ``limit`` flattened (see the module)."""
    out: list[str] = []
    names: list[str] = []  # the open elements ...
    flat: list[bool] = []  # ... and whether each was flattened
    last = 0
    at = 0
    while True:
        m = _TOKEN.search(html, at)
        if m is None:
            break
        at = m.end() if m.end() > m.start() else m.start() + 1
        name = m.group(2)
        if name is None:  # a comment
            continue
        name = name.lower()
        if m.group(1):  # an end tag: close down to its element, if open and near
            for i in range(len(names) - 1, max(len(names) - 1 - _END_TAG_REACH, -1), -1):
                if names[i] == name:
                    if flat[i]:
                        out.append(html[last : m.start()])
                        last = m.end()
                    del names[i:], flat[i:]
                    break
            continue
        if name in _RAW:
            at = _raw_end(html, name, at)
            continue
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        deep = len(names) >= limit
        names.append(name)
        flat.append(deep)
        if deep:
            out.append(html[last : m.end()])
            out.append(f"</{name}>")
            last = m.end()
    out.append(html[last:])
    return "".join(out)
