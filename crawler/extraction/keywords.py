"""Keyword matching as a reader sees it: NFKC, no invisible characters, casefolded.

>>> match_keywords("ＬＥＢ卡怎么续\u200b费？", ["leb卡", "续费", "esim"])
['leb卡', '续费']
>>> match_keywords("", ["x"])
[]
>>> match_keywords("abc", ["", "B", "b"])
['B', 'b']
"""

from __future__ import annotations

from collections.abc import Sequence

from .text import fold

__all__ = ["match_keywords"]


def match_keywords(text: str, keywords: Sequence[str]) -> list[str]:
    """The keywords (as given, in order) that occur in ``text``, case-insensitively."""
    if not text or not keywords:
        return []
    haystack = fold(text)
    matched = []
    for kw in keywords:
        needle = fold(kw)
        if needle and needle in haystack:
            matched.append(kw)
    return matched
