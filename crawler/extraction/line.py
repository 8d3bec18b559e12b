"""LINE IDs: ``line.me/R/ti/p/@id``, ``line.me/ti/p/~id``, ``lin.ee/code``,
and ``LINE ID`` (or ``LINE:``) followed by an ID in text. Labels drop the
leading ``@``/``~`` and are lower-case.

>>> [f.label for f in line_links("https://line.me/R/ti/p/@ESIM88 https://lin.ee/AbC12dE")]
['line:esim88', 'line:abc12de']
>>> [f.label for f in line_ids("LINE ID：@leb_card 或 Line id: shop.tw")]
['line:leb_card', 'line:shop.tw']
>>> list(line_ids("the line between us; online: yes; LINE 123"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import DOT, HOST_START, LINK, MARKED, SLASH, Found, anchored, lowered

__all__ = ["line_links", "line_ids"]

_LINE_ID = r"(?P<id>[a-z0-9][a-z0-9._-]{2,19})(?![a-z0-9_-]|\.[a-z0-9])"
_LINK_RE = re.compile(
    HOST_START + r"(?:line" + DOT + r"me" + SLASH + r"(?:r" + SLASH + r")?ti" + SLASH + r"p"
    + SLASH + r"(?:@|%40|~)?" + _LINE_ID
    + r"|lin" + DOT + r"ee" + SLASH + r"(?P<code>[a-z0-9]{4,20})(?![a-z0-9]))",
    re.I,
)
_TEXT_RE = re.compile(
    r"(?:(?<![A-Za-z])(?:LINE|Line)(?![A-Za-z])\s*(?:[Ii][Dd])?\s*[:：]"
    r"|(?<![A-Za-z])(?i:line\s*id)(?![A-Za-z])\s*[:：]?"
    r"|ライン\s*ID\s*[:：]?)"
    r"\s*[@~]?(?=[A-Za-z0-9._-]*[A-Za-z])"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9._-]{2,19})(?![A-Za-z0-9_-]|\.[A-Za-z0-9])"
)


def line_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """LINE handles from line.me and lin.ee links."""
    low = lowered(text) if low is None else low
    for m in anchored(_LINK_RE, text, low, ("lin",), 0, 80):
        yield Found("handle", f"line:{(m.group('id') or m.group('code')).lower()}", confidence, m.start())


def line_ids(text: str, low: str | None = None) -> Iterator[Found]:
    """LINE handles after a ``LINE ID`` marker in ``text``."""
    low = lowered(text) if low is None else low
    for m in anchored(_TEXT_RE, text, low, ("line", "ライン"), 0, 48):
        yield Found("handle", f"line:{m.group('id').lower()}", MARKED, m.start())
