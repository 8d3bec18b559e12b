"""The common currency of extractors: ``Found(kind, label, confidence)``.

Extractors read one string and yield :class:`Found`; the orchestrator
(:mod:`crawler.extraction.artifacts`) adds where the string came from
(``source``) and whether it was hidden.

Confidence levels (see ``docs/extraction.md``):

>>> LINK, TEXT_LINK, MARKED, BARE
(1.0, 0.9, 0.8, 0.4)
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Found", "LINK", "TEXT_LINK", "MARKED", "BARE", "DOT", "SLASH", "HOST_START"]

#: A link: an ``href``, an attribute or script URL, a checksummed wallet in a link.
LINK = 1.0
#: A link or an unambiguous identifier (e-mail, checksummed wallet) written in text.
TEXT_LINK = 0.9
#: An identifier next to a marker that names the platform (``飞机：@x``, ``微信：x``).
MARKED = 0.8
#: A bare ``@word`` with no marker near it.
BARE = 0.4

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
