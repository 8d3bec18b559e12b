"""Keyword matching as a reader sees it: NFKC, no invisible characters, any case, either script.

Text and keywords are compared folded (:func:`crawler.extraction.folding.fold_script`),
so ``续费`` finds ``續費`` and ``ＬＥＢ卡`` finds ``LEB卡``, and the reverse. The page is
NFKC-normalized and casefolded; its script is not converted: each keyword becomes a
pattern of its characters in either script (:func:`~crawler.extraction.folding.keyword_pattern`).
:func:`keyword_matches` also says how the page wrote each keyword it found:
the page's own spelling after NFKC (script and case kept).

>>> match_keywords("ＬＥＢ卡怎么续\u200b费？", ["leb卡", "续费", "esim"])
['leb卡', '续费']
>>> keyword_matches("LEB卡怎麼續費？", ["leb卡", "续费"])
[('leb卡', 'LEB卡'), ('续费', '續費')]
>>> match_keywords("", ["x"])
[]
>>> match_keywords("abc", ["", "B", "b"])
['B', 'b']
"""

from __future__ import annotations

from collections.abc import Sequence

from .folding import keyword_pattern
from .text import normalize

__all__ = ["match_keywords", "keyword_matches"]


def keyword_matches(text: str, keywords: Sequence[str]) -> list[tuple[str, str]]:
    """``(keyword as given, the form the page writes it in)`` for each keyword in ``text``.

    The form is the page's text at the first match, NFKC-normalized (so a
    full-width ``ＬＥＢ`` reads ``LEB``) but in the page's script and case.

    >>> keyword_matches("STRASSE 續費", ["straße"])
    [('straße', 'STRASSE')]
    """
    if not text or not keywords:
        return []
    written = normalize(text)
    lowered = written.casefold()
    aligned = len(lowered) == len(written)
    found = []
    for kw in keywords:
        pattern = keyword_pattern(kw)
        m = pattern.search(lowered) if pattern is not None else None
        if m is None:
            continue
        at, end = m.span()
        found.append((kw, written[at:end] if aligned else _written_span(written, at, end)))
    return found


def match_keywords(text: str, keywords: Sequence[str]) -> list[str]:
    """The keywords (as given, in order) that occur in ``text``, in any case and script."""
    return [kw for kw, _ in keyword_matches(text, keywords)]


def _written_span(written: str, start: int, end: int) -> str:
    """The characters of ``written`` whose casefolded forms cover ``start:end`` of its casefold.

    Casefolding is per character, but some characters grow (``ß`` -> ``ss``).

    >>> _written_span("Maße x", 2, 4), _written_span("Maße x", 5, 6)
    ('ß', ' ')
    """
    pos, begin = 0, None
    for i, ch in enumerate(written):
        if pos >= end:
            return written[begin:i]
        width = len(ch.casefold())
        if begin is None and pos + width > start:
            begin = i
        pos += width
    return written[begin:] if begin is not None else ""
