"""E-mail addresses: plain, ``mailto:``, and ``[at]`` / ``(at)`` / ``[dot]`` spellings.

The domain must end in a known public suffix, so ``logo@2x.png`` is not an
address. Labels are lower-case.

>>> [f.label for f in emails("Mail: Kefu.LEB@Example.COM; logo@2x.png")]
['email:kefu.leb@example.com']
>>> [(f.label, f.confidence) for f in emails("kefu [at] example [dot] com, shop(at)mail.example.org")]
[('email:kefu@example.com', 0.8), ('email:shop@mail.example.org', 0.8)]
>>> [f.label for f in mailto_links("mailto:A%40b.example.net?subject=hi")]
['email:a@b.example.net']
>>> list(emails("user@localhost, a@b.c, @esim1088, x@y..com"))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote

from ..domains import EXTRACTOR
from .found import LINK, MARKED, TEXT_LINK, Found, anchored, lowered

__all__ = ["emails", "mailto_links", "is_mail_domain"]

# Only the common local-part characters: every one of them is also in the
# lookbehind, so a match can only start where a run starts (linear time).
_LOCAL = r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_AT = r"(?:@|\s*(?:\[at\]|\(at\)|\{at\}|\[@\]|\(@\)|<at>)\s*)"
_DOTS = r"(?:\.|\s*(?:\[dot\]|\(dot\)|\{dot\}|\[\.\]|\(\.\))\s*)"
_EMAIL_RE = re.compile(
    rf"(?<![a-z0-9._%+-])(?P<local>{_LOCAL}){_AT}(?P<domain>{_LABEL}(?:{_DOTS}{_LABEL})+)(?![a-z0-9-]|\.[a-z0-9])",
)  # matched against lower-case text
_DOT_WORDS_RE = re.compile(r"\s*(?:\[dot\]|\(dot\)|\{dot\}|\[\.\]|\(\.\))\s*", re.I)
_MAILTO_RE = re.compile(r"mailto:([^?\s\"'<>]+)", re.I)


@lru_cache(maxsize=8192)
def is_mail_domain(domain: str) -> bool:
    """Whether ``domain`` ends in a known public suffix and has a name before it.

    >>> is_mail_domain("qq.com"), is_mail_domain("2x.png"), is_mail_domain("com")
    (True, False, False)
    """
    ext = EXTRACTOR.extract_str(domain)
    return bool(ext.suffix and ext.domain)


def _label(local: str, domain: str) -> str | None:
    domain = _DOT_WORDS_RE.sub(".", domain).lower()
    if ".." in domain or not is_mail_domain(domain):
        return None
    return f"email:{local.lower()}@{domain}"


_ANCHORS = ("@", "[at]", "(at)", "{at}", "<at>")


_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")


def _starts(low: str) -> Iterator[int]:
    """Where an address could start: the local part before each ``@`` or ``[at]``."""
    for anchor in _ANCHORS:
        at = low.find(anchor)
        while at >= 0:
            i = at
            if anchor != "@":
                while i > 0 and low[i - 1] == " ":
                    i -= 1
            end = i
            lo = max(0, i - 64)
            while i > lo and low[i - 1] in _LOCAL_CHARS:
                i -= 1
            if i < end:
                yield i
            at = low.find(anchor, at + 1)


def emails(text: str, low: str | None = None) -> Iterator[Found]:
    """Addresses written in ``text``; obfuscated spellings get a lower confidence."""
    low = lowered(text) if low is None else low
    seen = -1
    for start in sorted(set(_starts(low))):
        if start < seen:
            continue
        m = _EMAIL_RE.match(low, start, start + 330)
        if m is None:
            continue
        seen = m.end()
        label = _label(m.group("local"), m.group("domain"))
        if label is not None:
            plain = "@" in m.group(0) and "[" not in m.group(0) and "(" not in m.group(0)
            yield Found("handle", label, TEXT_LINK if plain else MARKED, m.start())


def mailto_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """Addresses from ``mailto:`` URLs (several may share one URL)."""
    low = lowered(text) if low is None else low
    for m in anchored(_MAILTO_RE, text, low, ("mailto:",), 0, 2000):
        for address in unquote(m.group(1)).split(","):
            local, at, domain = address.strip().rpartition("@")
            if at and local and re.fullmatch(_LOCAL, local, re.I):
                label = _label(local, domain)
                if label is not None:
                    yield Found("handle", label, confidence, m.start())
