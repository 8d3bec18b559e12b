"""WhatsApp numbers from links: ``wa.me/N``, ``api.whatsapp.com/send?phone=N``,
``whatsapp://send?phone=N``. Labels are E.164 digits without ``+``. Phones
written in text next to a WhatsApp marker are read by
:func:`crawler.extraction.phones.marked_phones`.

>>> [f.label for f in whatsapp_links("https://wa.me/85261234567?text=hi")]
['whatsapp:85261234567']
>>> [f.label for f in whatsapp_links("api.whatsapp.com/send?text=x&phone=%2B44 20 7946 0000")]
['whatsapp:442079460000']
>>> [f.label for f in whatsapp_links("whatsapp://send?phone=+8613800138000 wa . me / 852 6123 4567")]
['whatsapp:8613800138000', 'whatsapp:85261234567']
>>> list(whatsapp_links("wa.me/123 https://wa.me/message/ABCDEF"))
[]

The link itself says the number is a WhatsApp contact, so a number in a range
libphonenumber does not know yet (new or reserved) is kept if its length is
possible for its country code:

>>> [f.label for f in whatsapp_links("https://wa.me/85240000000 wa.me/999123456789 wa.me/447000000000000")]
['whatsapp:85240000000']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from .found import DOT, HOST_START, LINK, SLASH, Found, anchored, lowered
from .phones import e164_digits

__all__ = ["whatsapp_links"]

_NUMBER = r"(?:\+|%2b)?\s*(?P<{}>\d(?:[\d\-]|\s(?=\d)|%20(?=\d)){{5,22}})(?!\d)"
_LINK_RE = re.compile(
    HOST_START + r"wa" + DOT + r"me" + SLASH + _NUMBER.format("wa")
    + r"|(?:api|web)" + DOT + r"whatsapp" + DOT + r"com" + SLASH + r"send/?\?(?:[^\s\"'<>]*?&)?phone="
    + _NUMBER.format("api")
    + r"|whatsapp://send/?\?(?:[^\s\"'<>]*?&)?phone=" + _NUMBER.format("app"),
    re.I,
)


_LINK_NEXT = frozenset(".。 [(:/")


def _link_like(low: str, i: int) -> bool:
    """Cheap test before any regex: ``wa`` then a dot, or ``whatsapp`` then ``:``/dot."""
    n = 8 if low.startswith("whatsapp", i) else 2
    return low[i + n : i + n + 1] in _LINK_NEXT and i + n < len(low)


def _possible_digits(number: str) -> str | None:
    """E.164 digits of a number of a possible length for its country code
    (its range may be unknown to libphonenumber).

    >>> _possible_digits("+852 4000 0000"), _possible_digits("+852 12"), _possible_digits("+999 1234567")
    ('85240000000', None, None)
    """
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number(parsed):
        return f"{parsed.country_code}{parsed.national_number}"
    return None


def whatsapp_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """WhatsApp handles from link forms in ``text``."""
    low = lowered(text) if low is None else low
    for m in anchored(_LINK_RE, text, low, ("wa", "whatsapp"), 32, 220, _link_like):
        raw = (m.group("wa") or m.group("api") or m.group("app")).replace("%20", "")
        digits = e164_digits("+" + raw) or _possible_digits("+" + raw)
        if digits is not None:
            yield Found("handle", f"whatsapp:{digits}", confidence, m.start())
