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
>>> [(f.label, f.confidence) for f in telegram_mentions("TG💪+ @esim1088, ask @someone_else")]
[('telegram:esim1088', 0.8)]
>>> [f.label for f in telegram_mentions("Twitter @nytimes, 电报 @esim1088 / @esim_two, @esim3 (TG)")]
['telegram:esim1088', 'telegram:esim_two', 'telegram:esim3']
>>> list(telegram_mentions("mail esim1088@gmail.com, @media screen, logo@2x.png, @abcdef"))
[]
>>> [f.label for f in telegram_mentions("飞机号：esim1088")]
['telegram:esim1088']
>>> is_username("esim1088"), is_username("1088esim"), is_username("esim_"), is_username("abcd")
(True, False, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .datafile import data_words, marker_words
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



def _words_re(words: frozenset[str]) -> str:
    """An alternation of ``words`` (longest first), ASCII ones as whole words.

    >>> re.findall(_words_re(frozenset({"tg", "飞机"})), "tg, stg, 纸飞机")
    ['tg', '飞机']
    """
    return "|".join(
        rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w)
        for w in sorted(words, key=lambda w: (-len(w), w))
    )


#: Words that mark a Telegram contact (``data/telegram_markers.txt``).
TG_MARKER_RE = re.compile(_words_re(marker_words("telegram_markers.txt")), re.I)
#: Telegram's words or another platform's (``data/platform_names.txt``).
_PLATFORM_RE = re.compile(
    rf"(?P<tg>{TG_MARKER_RE.pattern})|{_words_re(data_words('platform_names.txt'))}", re.I
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
# A marker followed by a separator and a username without @, on one line.
_MARKED_NAME_RE = re.compile(
    r"(?:(?<![a-z])(?:tg|telegram)(?![a-z])[^\S\n]*(?:号|號|id|账号|帐号|賬號|帳號|username)?|飞机号|电报号|飛機號|電報號|纸飞机号)"
    r"[^\S\n]*[:：][^\S\n]*(?P<name>[a-z][a-z0-9_]*+)(?![@.\-][a-z0-9])",
    re.I,
)
_MARKED_NAME_ANCHORS = ("tg", "telegram", "飞机号", "电报号", "飛機號", "電報號")
#: Words after ``@`` that are syntax (CSS, decorators, directives), never handles.
_AT_WORDS = data_words("at_words.txt")
#: How far a marker may be before an @mention on its line (characters).
MARKER_BEFORE = 24
#: A marker right after a mention: ``@x (TG)``, ``@x - 电报``, ``@x on Telegram``.
_AFTER_RE = re.compile(
    rf"[^\S\n]*[-–—:：|/(\[（【]?[^\S\n]*(?:(?:on|via|en|sur|auf)[^\S\n]+)?(?:{TG_MARKER_RE.pattern})", re.I
)
#: Between two mentions of one list: ``@a, @b``, ``@a / @b``, ``@a、@b`` (not words:
#: ``TG @a and @b`` gives the marker to its neighbour only).
_LIST_GAP_RE = re.compile(r"[^\S\n]*[,，、/|;；]?[^\S\n]*")
#: A line with at most this much besides its mention is a list item, which the
#: line before it introduces (``Telegram 频道推荐：`` then ``@a`` then ``@b``).
ITEM_LINE = 24
#: How many list items may stand between an item and the line introducing them.
MAX_ITEMS = 30
#: Words that announce a list (``data/list_intros.txt``); a line ending in a colon does too.
_LIST_INTRO_RE = re.compile(rf"(?:{_words_re(data_words('list_intros.txt'))})|[:：][^\S\n]*$", re.I)
#: A line that looks like code introduces no list (``from telegram import x`` / ``@decorator``).
_CODE_RE = re.compile(r"[={};]|^\s*(?:from|import|def|class|#|//)(?![a-z])", re.I)


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


def _platform_before(text: str, lo: int, hi: int) -> bool | None:
    """Whether the last platform word in ``text[lo:hi]`` is Telegram's (None: no word)."""
    last = None
    for last in _PLATFORM_RE.finditer(text, lo, hi):
        pass
    return None if last is None else last.group("tg") is not None


def _names_telegram(text: str, lo: int, hi: int) -> bool:
    """``text[lo:hi]`` names Telegram and no other platform."""
    words = {w.group("tg") is not None for w in _PLATFORM_RE.finditer(text, lo, hi)}
    return words == {True}


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _introduced(text: str, start: int) -> bool:
    """Whether the list item whose line starts at ``start`` follows a line that
    names Telegram and announces a list, maybe over other short items with a mention."""
    for _ in range(MAX_ITEMS):
        if start == 0:
            return False
        prev = _line_start(text, start - 1)
        if _CODE_RE.search(text, prev, start - 1):
            return False
        if _names_telegram(text, prev, start - 1):
            return _LIST_INTRO_RE.search(text, prev, start - 1) is not None
        if start - 1 - prev > ITEM_LINE + 33 or "@" not in text[prev:start - 1]:
            return False
        start = prev
    return False


def _is_telegram(text: str, m: re.Match[str], prev: tuple[int, bool]) -> bool:
    """Whether the mention ``m`` has Telegram's evidence around it.

    ``prev`` is (end, verdict) of the mention before. Evidence, in order: a
    list after a Telegram mention (``TG: @a, @b``); the nearest platform word
    before it on its line, within :data:`MARKER_BEFORE` and not beyond the
    mention before (``Twitter @a``: not Telegram); a marker right after it; a
    list item introduced by a line naming Telegram; a bot's name (Telegram
    bots' names end in ``bot``) on or next to a line naming Telegram.
    """
    start, end = m.start(), m.end()
    line = _line_start(text, start)
    prev_end, prev_tg = prev
    if prev_end > line:
        if prev_tg and _LIST_GAP_RE.fullmatch(text, prev_end, start):
            return True
        line = prev_end
    word = _platform_before(text, max(line, start - MARKER_BEFORE), start)
    if word is not None:
        return word
    if _AFTER_RE.match(text, end):
        return True
    line, line_end = _line_start(text, start), _line_end(text, end)
    if line_end - line - (end - start) <= ITEM_LINE and _introduced(text, line):
        return True
    if m.group("name").lower().endswith("bot"):
        lo = _line_start(text, line - 1) if line else 0
        hi = _line_end(text, line_end + 1) if line_end < len(text) else line_end
        return _names_telegram(text, lo, hi)
    return False


def telegram_mentions(text: str, low: str | None = None) -> Iterator[Found]:
    """``@username`` in prose with Telegram's evidence next to it (see
    :func:`_is_telegram`), and usernames right after ``TG:``/``飞机号：``.

    A bare ``@word`` is nobody's handle: twitter names, CSS at-rules,
    decorators and template directives look the same.
    """
    low = lowered(text) if low is None else low
    if "@" in text:
        prev = (0, False)
        for m in anchored(_MENTION_RE, text, low, ("@",), 0, 72):
            name = m.group("name").lower()
            if name in _AT_WORDS or text.startswith("(", m.end()) and not _AFTER_RE.match(text, m.end()):
                continue
            tg = _is_telegram(text, m, prev)
            prev = (m.end(), tg)
            f = _handle(name, MARKED, m.start()) if tg else None
            if f is not None:
                yield f
    for m in anchored(_MARKED_NAME_RE, text, low, _MARKED_NAME_ANCHORS, 0, 96):
        f = _handle(m.group("name"), MARKED, m.start())
        if f is not None:
            yield f
