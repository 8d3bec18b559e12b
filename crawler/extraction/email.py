"""E-mail addresses: plain, ``mailto:``, obfuscated, and Cloudflare-protected.

The domain must end in a known public suffix, so ``logo@2x.png`` is not an
address. Labels are lower-case. Placeholders (``you@domain.com``, the
reserved example domains: ``data/email_placeholders.txt``) and ``user@host``
in a URL's authority (a Sentry DSN key) are no contacts.

>>> [f.label for f in emails("Mail: Kefu.LEB@Leb-Card.COM; logo@2x.png")]
['email:kefu.leb@leb-card.com']
>>> [(f.label, f.confidence) for f in emails("kefu [at] leb-card [dot] com, shop(at)mail.leb-card.org")]
[('email:kefu@leb-card.com', 0.8), ('email:shop@mail.leb-card.org', 0.8)]
>>> [f.label for f in emails("kefu[@]leb-card.com kefu2 [ at ] leb-card [ . ] net kefu3 @ leb-card . org")]
['email:kefu@leb-card.com', 'email:kefu2@leb-card.net', 'email:kefu3@leb-card.org']
>>> [f.label for f in mailto_links("mailto:A%40b.leb-card.net?subject=hi mailto: kefu @leb-card.com")]
['email:a@b.leb-card.net', 'email:kefu@leb-card.com']
>>> list(emails("user@localhost, a@b.c, @esim1088, x@y..com, you@domain.com, kefu@example.com"))
[]
>>> list(emails("https://0123abcd@o12345.ingest.sentry.io/42 ftp://user:pw@files.leb-card.com/"))
[]
>>> list(emails("deals @ shop.com"))  # a spaced "@" needs an obfuscated dot too
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote

from ..domains import EXTRACTOR
from .datafile import data_words
from .found import LINK, MARKED, TEXT_LINK, Found, anchored, lowered

__all__ = ["emails", "mailto_links", "is_mail_domain", "cloudflare_links", "cf_decode"]

# Only the common local-part characters: every one of them is also in the
# lookbehind, so a match can only start where a run starts (linear time).
_LOCAL = r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_BRACKET_AT = r"\s*(?:\[\s*(?:at|@)\s*\]|\(\s*(?:at|@)\s*\)|\{\s*(?:at|@)\s*\}|<at>)\s*"
_BRACKET_DOT = r"\s*(?:\[\s*(?:dot|\.)\s*\]|\(\s*(?:dot|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*"
_DOTS = rf"(?:\.|{_BRACKET_DOT})"
_END = r"(?![a-z0-9-]|\.[a-z0-9])"
_EMAIL_RE = re.compile(
    rf"(?<![a-z0-9._%+-])(?P<local>{_LOCAL})(?P<at>@|{_BRACKET_AT})(?P<domain>{_LABEL}(?:{_DOTS}{_LABEL})+){_END}",
)  # matched against lower-case text
#: ``name @ host . com``: a spaced ``@`` or dot (an obfuscation, checked in code).
_SPACED_RE = re.compile(
    rf"(?<![a-z0-9._%+-])(?P<local>{_LOCAL})(?P<at>\s*@\s*|{_BRACKET_AT})"
    rf"(?P<domain>{_LABEL}(?:(?:{_DOTS}|[ \t]+\.[ \t]*|[ \t]*\.[ \t]+){_LABEL})+){_END}",
)
_DOT_WORDS_RE = re.compile(rf"{_BRACKET_DOT}|\s*\.\s*", re.I)
_MAILTO_RE = re.compile(r"mailto:\s*([^?\s\"'<>@]+(?:\s*@\s*[^?\s\"'<>]+)?)", re.I)
#: A URL's scheme and authority up to where a ``user@`` would start.
_AUTHORITY_RE = re.compile(r"[a-z][a-z0-9+.-]*://(?:[^\s/?#@\"'<>]*:)?$")
#: Hex runs long enough to hold a Cloudflare-encoded address (a key byte, then ``a@b.cc``).
_HEX_RE = re.compile(r"\b[0-9a-f]{14,508}\b")
_CF_LINK = "/cdn-cgi/l/email-protection#"
_PLAIN_DOMAIN_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


@lru_cache(maxsize=8192)
def is_mail_domain(domain: str) -> bool:
    """Whether ``domain`` ends in a known public suffix and has a name before it.

    >>> is_mail_domain("qq.com"), is_mail_domain("2x.png"), is_mail_domain("com")
    (True, False, False)
    """
    ext = EXTRACTOR.extract_str(domain)
    return bool(ext.suffix and ext.domain)


def is_placeholder(local: str, domain: str) -> bool:
    """Whether ``local@domain`` is a placeholder (``data/email_placeholders.txt``).

    >>> is_placeholder("yourname", "gmail.com"), is_placeholder("info", "mail.example.org")
    (True, True)
    >>> is_placeholder("info", "leb-card.com")
    False
    """
    words = data_words("email_placeholders.txt")
    if local + "@" in words:
        return True
    labels = domain.split(".")
    return any("@" + ".".join(labels[i:]) in words for i in range(len(labels)))


def _label(local: str, domain: str) -> str | None:
    domain = _DOT_WORDS_RE.sub(".", domain).lower()
    local = local.lower()
    if ".." in domain or not is_mail_domain(domain) or is_placeholder(local, domain):
        return None
    return f"email:{local}@{domain}"


_ANCHORS = ("@", "at]", "at ]", "at)", "at )", "at}", "at }", "<at>")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")


def _starts(low: str) -> Iterator[int]:
    """Where an address could start: the local part before each ``@`` or ``[at]``."""
    for anchor in _ANCHORS:
        at = low.find(anchor)
        while at >= 0:
            i = at
            if anchor[0] == "a":  # back over "[ " to the local part
                while i > 0 and low[i - 1] == " ":
                    i -= 1
                i = i - 1 if i > 0 and low[i - 1] in "[({" else -1
            elif anchor == "@" and i > 0 and low[i - 1] in "[({":
                i -= 1
            while i > 0 and low[i - 1] == " ":
                i -= 1
            end = i
            lo = max(0, i - 64)
            while i > lo and low[i - 1] in _LOCAL_CHARS:
                i -= 1
            if 0 <= i < end:
                yield i
            at = low.find(anchor, at + 1)


def _in_authority(low: str, start: int) -> bool:
    """Whether an address at ``start`` is a URL's ``user@host`` (``https://key@o1.sentry.io``)."""
    return _AUTHORITY_RE.search(low, max(0, start - 200), start) is not None


def _spaced(m: re.Match[str]) -> str | None:
    """The label of a spaced match: a spaced ``@`` needs an obfuscated dot too
    (``deals @ shop.com`` is prose); a spaced domain is cut to its longest
    valid start (``a @ b . com . It`` is ``a@b.com``)."""
    domain = m.group("domain")
    if m.group("at").strip() == "@" and _PLAIN_DOMAIN_RE.fullmatch(domain):
        return None
    labels = _DOT_WORDS_RE.split(domain)
    for n in range(len(labels), 1, -1):
        label = _label(m.group("local"), ".".join(labels[:n]))
        if label is not None:
            return label
    return None


def _match(low: str, start: int) -> tuple[re.Match[str], str | None] | None:
    m = _EMAIL_RE.match(low, start, start + 330)
    if m is not None:
        return m, _label(m.group("local"), m.group("domain"))
    m = _SPACED_RE.match(low, start, start + 330)
    if m is not None and m.group("at") != "@":
        return m, _spaced(m)
    return None


def emails(text: str, low: str | None = None) -> Iterator[Found]:
    """Addresses written in ``text``; obfuscated spellings get a lower confidence.

    An address that is another one on the page with a capitalised word glued
    before it (``Claudia Tan`` then ``claudiat@…`` read as ``Tanclaudiat@…``,
    when a layout joins text nodes) is that other one. Cloudflare-encoded
    addresses (hex runs, see :func:`cf_decode`) are read when the page shows
    Cloudflare's ``[email protected]``.

    >>> [f.label for f in emails("Claudia Tanclaudiat@leb-card.com mailto:claudiat@leb-card.com")]
    ['email:claudiat@leb-card.com']
    >>> [(f.label, f.confidence) for f in emails("[email protected]\\n3a515f5c4f7a565f5817595b485e14595557")]
    [('email:kefu@leb-card.com', 0.9)]
    """
    low = lowered(text) if low is None else low
    found: list[tuple[Found, str, str]] = []  # (found, local as written, domain)
    seen = -1
    for start in sorted(set(_starts(low))):
        if start < seen:
            continue
        hit = _match(low, start)
        if hit is None:
            continue
        m, label = hit
        seen = m.end()
        if label is None or _in_authority(low, start):
            continue
        plain = m.group("at") == "@" and "[" not in m.group(0) and "(" not in m.group(0)
        local_end = m.start() + len(m.group("local"))
        f = Found("handle", label, TEXT_LINK if plain else MARKED, m.start())
        found.append((f, text[m.start() : local_end], label.partition("@")[2]))
    yield from _unglued(found)
    if "[email" in low:
        yield from _cf_hex(low)


_NAME_RE = re.compile(r"[A-Z][a-z]+|[A-Z]{2,}")


def _unglued(found: list[tuple[Found, str, str]]) -> Iterator[Found]:
    """``found`` without addresses that are another one with a name glued before."""
    by_domain: dict[str, set[str]] = {}
    for f, written, domain in found:
        by_domain.setdefault(domain, set()).add(written.lower())
    for f, written, domain in found:
        local = written.lower()
        glued = any(
            len(other) < len(local) and local.endswith(other)
            and _NAME_RE.fullmatch(written[: len(local) - len(other)])
            for other in by_domain[domain]
        )
        if not glued:
            yield f


def cf_decode(hexed: str) -> str | None:
    """A Cloudflare-protected address (``data-cfemail``, ``/cdn-cgi/l/email-protection#HEX``):
    hex bytes, the first the key, each next one XOR the key; ``None`` if no
    valid address.

    >>> cf_decode("3a515f5c4f7a565f5817595b485e14595557"), cf_decode("0011"), cf_decode("zz")
    ('kefu@leb-card.com', None, None)
    """
    if len(hexed) % 2 or len(hexed) < 14:
        return None
    try:
        data = bytes.fromhex(hexed)
        address = bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except ValueError:
        return None
    local, at, domain = address.lower().rpartition("@")
    if not at or not re.fullmatch(_LOCAL, local) or not _PLAIN_DOMAIN_RE.fullmatch(domain):
        return None
    label = _label(local, domain)
    return label[6:] if label else None


def _cf_hex(low: str) -> Iterator[Found]:
    for m in _HEX_RE.finditer(low):
        address = cf_decode(m.group(0))
        if address is not None:
            yield Found("handle", f"email:{address}", TEXT_LINK, m.start())


def cloudflare_links(html: str) -> Iterator[Found]:
    """Addresses in Cloudflare's ``/cdn-cgi/l/email-protection#HEX`` links of
    raw ``html`` (a link's fragment is dropped when the page is parsed).

    >>> [f.label for f in cloudflare_links('<a href="/cdn-cgi/l/email-protection#3a515f5c4f7a565f5817595b485e14595557">')]
    ['email:kefu@leb-card.com']
    """
    at = html.find(_CF_LINK)
    while at >= 0:
        start = at + len(_CF_LINK)
        end = start
        while end < len(html) and html[end] in "0123456789abcdefABCDEF":
            end += 1
        address = cf_decode(html[start:end].lower())
        if address is not None:
            yield Found("handle", f"email:{address}", LINK, at)
        at = html.find(_CF_LINK, end)


def mailto_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """Addresses from ``mailto:`` URLs (several may share one URL)."""
    low = lowered(text) if low is None else low
    for m in anchored(_MAILTO_RE, text, low, ("mailto:",), 0, 2000):
        for address in "".join(unquote(m.group(1)).split()).split(","):
            local, at, domain = address.rpartition("@")
            if at and local and re.fullmatch(_LOCAL, local, re.I):
                label = _label(local, domain)
                if label is not None:
                    yield Found("handle", label, confidence, m.start())
