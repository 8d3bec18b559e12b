"""The common currency of extractors: ``Found(kind, label, confidence)``.

Extractors read one string and yield :class:`Found`; the orchestrator
(:mod:`crawler.extraction.artifacts`) adds where the string came from
(``source``) and whether it was hidden.

Confidence levels (see ``docs/extraction.md``):

>>> LINK, TEXT_LINK, MARKED
(1.0, 0.9, 0.8)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

__all__ = [
    "Found", "LINK", "TEXT_LINK", "MARKED", "DOT", "SLASH", "HOST_START",
    "lowered", "anchored",
]

#: A link: an ``href``, an attribute or script URL, a checksummed wallet in a link.
LINK = 1.0
#: A link or an unambiguous identifier (e-mail, checksummed wallet) written in text.
TEXT_LINK = 0.9
#: An identifier next to a marker that names the platform (``飞机：@x``, ``微信：x``).
MARKED = 0.8

#: A dot inside a link, as spammers write it: ``.``, ``。``, ``[.]``, ``(dot)``, with spaces.
DOT = r"\s*(?:\.|。|\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{dot\})\s*"
#: A slash inside a link, with spaces.
SLASH = r"\s*/\s*"
#: Nothing host-like right before a host name (so ``at.me`` is not ``t.me``).
HOST_START = r"(?<![a-z0-9_.\-@])"


class Found(NamedTuple):
    kind: str
    label: str
    confidence: float
    #: Where the match starts in the scanned string (-1: not from a scan).
    pos: int = -1


def lowered(text: str) -> str:
    """``text.lower()`` with the same length, so positions line up.

    Only U+0130 (İ) lower-cases to two characters; it becomes ``i``.

    >>> lowered("T.ME/İx")
    't.me/ix'
    """
    low = text.lower()
    if len(low) != len(text):
        low = text.replace("\u0130", "I").lower()
    return low


def anchored(
    pattern: re.Pattern[str],
    text: str,
    low: str,
    anchors: tuple[str, ...],
    before: int,
    after: int,
    accept: Callable[[str, int], bool] | None = None,
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in ``text`` near an anchor only.

    Python's regex engine tries a pattern that starts with a lookbehind or an
    alternation at every position, at tens of nanoseconds each; ``str.find``
    of a literal anchor is a hundred times faster. Every match must contain
    one of ``anchors`` (found in ``low``, normally ``text`` lower-cased, with
    the same positions), start at most
    ``before`` characters before it and end at most ``after`` characters after
    it. Lookbehinds still see the text before a window. ``accept(low, i)``,
    if given, rejects hits at ``i`` cheaply before any regex runs. With
    ``before == 0`` a match starts at an anchor, so the pattern is tried there
    only.

    >>> r = re.compile(r"(?<![a-z])t\\.me/(\\w+)", re.I)
    >>> [m.group(1) for m in anchored(r, "x T.me/Ab y t.me/c", "x t.me/ab y t.me/c", ("me",), 5, 20)]
    ['Ab', 'c']
    """
    hits = _anchor_hits(low, anchors)
    if accept is not None and hits:
        hits = [i for i in hits if accept(low, i)]
    if not hits:
        return
    n = len(text)
    if before == 0:
        yield from _at_hits(pattern, text, hits, after, n)
        return
    start = max(0, hits[0] - before)
    end = hits[0] + after
    for h in hits[1:]:
        if h - before <= end:
            end = h + after
            continue
        yield from pattern.finditer(text, start, min(end, n))
        start, end = h - before, h + after
    yield from pattern.finditer(text, start, min(end, n))


def _anchor_hits_py(low: str, anchors: tuple[str, ...]) -> list[int]:
    """Where each of ``anchors`` occurs in ``low``, sorted.

    >>> _anchor_hits_py("a.me b.me", ("me", "b"))
    [2, 5, 7]
    """
    hits = []
    for anchor in anchors:
        i = low.find(anchor)
        while i >= 0:
            hits.append(i)
            i = low.find(anchor, i + 1)
    hits.sort()
    return hits


try:  # the same search compiled, when the package was built with it
    from ._fasttext import anchor_hits as _anchor_hits
except ImportError:
    _anchor_hits = _anchor_hits_py


def _at_hits(pattern: re.Pattern[str], text: str, hits: list[int], after: int, n: int) -> Iterator[re.Match[str]]:
    """What :func:`anchored` finds when matches start at an anchor (``before == 0``).

    The same windows (a hit, up to ``after`` past the last hit within reach), but
    the pattern is tried at the hits only, not at every position between them.
    """
    i = 0
    while i < len(hits):
        end = hits[i] + after
        k = i + 1
        while k < len(hits) and hits[k] <= end:
            end = hits[k] + after
            k += 1
        end = min(end, n)
        pos = 0
        for h in hits[i:k]:
            if h < pos:
                continue
            m = pattern.match(text, h, end)
            if m is not None:
                yield m
                pos = max(m.end(), h + 1)
        i = k
