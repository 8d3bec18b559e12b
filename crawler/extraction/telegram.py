"""Telegram handles and invite links.

Usernames follow Telegram's rules: 5 to 32 characters of ``[a-z0-9_]``,
starting with a letter, not ending with ``_``, case-insensitive (labels are
lower-case). Reserved paths of ``t.me`` are never handles. Invite links
(``t.me/+HASH``, ``t.me/joinchat/HASH``, ``tg://join?invite=HASH``) are
artifacts of kind ``invite`` and keep their case.

>>> [f.label for f in telegram_links("see https://t.me/s/ESIM1088 and t . me / other_one /12")]
['telegram:esim1088', 'telegram:other_one']
>>> [f.label for f in telegram_links("https://t.me/share/url?url=x https://t.me/+AbCdEf123456xyz")]
['telegram:+AbCdEf123456xyz']
>>> [f.kind for f in telegram_links("t.me/joinchat/AAAAAEHbBnQ7x1Ym")]
['invite']
>>> [f.label for f in telegram_links("tg://resolve?domain=Esim1088&post=1 esim_bot.t.me")]
['telegram:esim1088', 'telegram:esim_bot']
>>> [(f.label, f.confidence) for f in telegram_mentions("TG💪+ @esim1088 and @someone_else")]
[('telegram:esim1088', 0.8)]
>>> list(telegram_mentions("mail esim1088@gmail.com, @media screen, logo@2x.png, @abc"))
[]
>>> [f.label for f in telegram_mentions("飞机号：esim1088")]
['telegram:esim1088']
>>> is_username("esim1088"), is_username("1088esim"), is_username("esim_"), is_username("abcd")
(True, False, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .found import DOT, HOST_START, LINK, MARKED, SLASH, Found, anchored, lowered

__all__ = ["telegram_links", "telegram_mentions", "is_username", "RESERVED", "TG_MARKER_RE"]

_USERNAME_RE = re.compile(r"[a-z][a-z0-9_]{3,30}[a-z0-9]")

#: First path segments of t.me that are not usernames, and placeholder names.
RESERVED = frozenset(
    """share joinchat addstickers addemoji addtheme addlist proxy socks login iv
    setlanguage confirmphone bg invoice boost giftcode contact nft m c s k a z
    username yourusername your_username yourname channel_name channelname example
    telegram_username""".split()
)

#: Words that mark a Telegram contact.
TG_MARKER_RE = re.compile(
    r"(?<![a-z])(?:tg|telegram|telegarm|teiegram)(?![a-z])|纸飞机|小飞机|飞机|電報|电报|飛機|紙飛機|纸↑飞机",
    re.I,
)

_LINK_RE = re.compile(
    HOST_START
    + r"(?:(?:https?\s*:\s*//\s*)?(?:www" + DOT + r")?"
    + r"(?:t" + DOT + r"me|telegram" + DOT + r"(?:me|dog))" + SLASH
    + r"(?:(?:\+|%2b|joinchat" + SLASH + r")(?P<invite>[a-z0-9_-]{10,64})"
    + r"|(?:s" + SLASH + r")?(?P<name>[a-z0-9_]{1,64})(?![a-z0-9_]))"
    + r"|tg://resolve\?(?:[^\s\"'<>]*?&)?domain=(?P<tgname>[a-z0-9_]{1,64})(?![a-z0-9_])"
    + r"|tg://join\?invite=(?P<tginvite>[a-z0-9_-]{10,64})"
    + r"|(?<![a-z0-9_.-])(?P<sub>[a-z][a-z0-9_]{3,31})\.t\.me(?![a-z0-9_.-]))",
    re.I,
)

# A bare @mention: not inside a word, an e-mail or a URL path; not followed by
# a domain (``@gmail.com``) or a hyphenated word (``@font-face``).
_MENTION_RE = re.compile(
    r"(?<![a-z0-9_.@/+\-=])@(?P<name>[a-z][a-z0-9_]*+)(?!\.[a-z0-9]|@|-[a-z0-9]|/)", re.I
)
# A marker followed by a separator and a username without @.
_MARKED_NAME_RE = re.compile(
    r"(?:(?<![a-z])(?:tg|telegram)(?![a-z])\s*(?:号|id|账号|帐号|username)?|飞机号|电报号|飛機號|電報號|纸飞机号)"
    r"\s*[:：]\s*(?P<name>[a-z][a-z0-9_]*+)(?![@.\-][a-z0-9])",
    re.I,
)
_MARKED_NAME_ANCHORS = ("tg", "telegram", "飞机号", "电报号", "飛機號", "電報號")
#: Words after ``@`` that are CSS at-rules, decorators or e-mail-ish noise.
_NOT_HANDLES = frozenset(
    """media import charset keyframes supports namespace document layer property
    container fontface counterstyle viewport override param return returns throws
    example author version""".split()
)
#: How far a marker may be from an @mention (characters before, after).
MARKER_BEFORE = 24
MARKER_AFTER = 12


def is_username(name: str) -> bool:
    """Whether ``name`` (lower-case) obeys Telegram's username rules."""
    return _USERNAME_RE.fullmatch(name) is not None


def _handle(name: str, confidence: float, pos: int) -> Found | None:
    name = name.lower()
    if name in RESERVED or not is_username(name):
        return None
    return Found("handle", f"telegram:{name}", confidence, pos)


_CLOSERS = {"]": "[", ")": "(", "}": "{"}
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


#: What :func:`_link_start` accepts right before ``me``/``dog``: a space, or
#: the last character of a dot as spammers write it (``dot`` ends in ``t``).
_BEFORE_HOST_END = frozenset(" .。])}t")


def _link_start(low: str, i: int) -> int:
    """Where a Telegram link whose ``me``/``dog``/``tg:`` is at ``i`` starts; -1 if none.

    Walks back over the dot as spammers write it (``.``, ``。``, ``[.]``,
    ``(dot)``, with spaces) to ``t`` or ``telegram``, and over ``www.`` or a
    ``username.`` subdomain. The link pattern then matches at that one place.
    """
    if low[i] == "t":  # tg:
        return i
    j = i
    while j > 0 and i - j < 3 and low[j - 1] == " ":
        j -= 1
    if j == 0:
        return -1
    c = low[j - 1]
    if c == "." or c == "。":
        k = j - 1
    elif c in _CLOSERS:
        k = low.rfind(_CLOSERS[c], max(0, j - 6), j)
        if k < 0:
            return -1
    elif low.endswith("dot", 0, j):
        k = j - 3
    else:
        return -1
    while k > 0 and j - k < 8 and low[k - 1] == " ":
        k -= 1
    if low.endswith("telegram", 0, k):
        start = k - 8
    elif k > 0 and low[k - 1] == "t":
        start = k - 1
    else:
        return -1
    if low.endswith("www.", 0, start):
        return start - 4
    if start > 0 and low[start - 1] == ".":  # username.t.me
        u = start - 1
        while u > 0 and start - u < 34 and low[u - 1] in _NAME_CHARS:
            u -= 1
        if u < start - 1:
            return u
    return start


def telegram_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """Handles and invites from Telegram link forms in ``text`` (URLs or prose)."""
    low = lowered(text) if low is None else low
    starts = set()
    for anchor in ("me", "dog", "tg:"):
        i = low.find(anchor)
        while i >= 0:
            # Most "me"s end a word (name, time): cheaper to rule out here.
            if anchor == "tg:" or i > 0 and low[i - 1] in _BEFORE_HOST_END:
                start = _link_start(low, i)
                if start >= 0:
                    starts.add(start)
            i = low.find(anchor, i + 1)
    done = -1
    for start in sorted(starts):
        if start < done:
            continue
        m = _LINK_RE.match(text, start, start + 160)
        if m is None:
            continue
        done = m.end()
        invite = m.group("invite") or m.group("tginvite")
        if invite:
            yield Found("invite", f"telegram:+{invite}", confidence, m.start())
            continue
        f = _handle(m.group("name") or m.group("tgname") or m.group("sub"), confidence, m.start())
        if f is not None:
            yield f


def _marked(text: str, start: int, end: int, prev_end: int) -> bool:
    """A marker on the same line, near, and not beyond a neighbouring mention."""
    lo = max(text.rfind("\n", 0, start) + 1, start - MARKER_BEFORE, prev_end)
    hi = end + MARKER_AFTER
    for stop in (text.find("\n", end, hi), text.find("@", end, hi)):
        if stop >= 0:
            hi = min(hi, stop)
    return TG_MARKER_RE.search(text, lo, hi) is not None


def telegram_mentions(text: str, low: str | None = None) -> Iterator[Found]:
    """``@username`` in prose next to a Telegram marker, and names after a marker.

    A bare ``@word`` belongs to no platform: it is never a Telegram handle.
    """
    low = lowered(text) if low is None else low
    if "@" in text:
        prev_end = 0
        for m in anchored(_MENTION_RE, text, low, ("@",), 0, 72):
            name = m.group("name").lower()
            if name in _NOT_HANDLES:
                continue
            marked = _marked(text, m.start(), m.end(), prev_end)
            prev_end = m.end()
            if not marked:  # a bare @word is anybody's: a Twitter name, a decorator, a first name
                continue
            f = _handle(name, MARKED, m.start())
            if f is not None:
                yield f
    for m in anchored(_MARKED_NAME_RE, text, low, _MARKED_NAME_ANCHORS, 0, 96):
        f = _handle(m.group("name"), MARKED, m.start())
        if f is not None:
            yield f
