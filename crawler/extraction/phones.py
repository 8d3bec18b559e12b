"""Phone numbers to E.164 digits, and phones next to a marker in text.

A number in text counts only next to a marker (电话, 手机, Tel, Phone,
WhatsApp, ...): a bare number is never a contact. The marker decides the
platform: WhatsApp markers give ``whatsapp:`` handles, the others ``phone:``.
Numbers without a country code are read as international first
(``85261234567``), then as Chinese (``13800138000``) after a Chinese marker.

>>> e164_digits("+852 6123 4567")
'85261234567'
>>> e164_digits("13800138000", regions=("CN",))
'8613800138000'
>>> e164_digits("12345") is None
True
>>> [f.label for f in marked_phones("WhatsApp/电话：+852 6123-4567")]
['whatsapp:85261234567', 'phone:85261234567']
>>> [f.label for f in marked_phones("联系电话 138 0013 8000")]
['phone:8613800138000']
>>> list(marked_phones("订单号 13800138000，价格 +852 6123 4567"))
[]
>>> [f.label for f in tel_links("tel:+85261234567 tel:%2B442079460000")]
['phone:85261234567', 'phone:442079460000']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote

import phonenumbers

from .found import LINK, MARKED, Found, anchored, lowered

__all__ = ["e164_digits", "marked_phones", "tel_links"]


_WHATSAPP_MARKER = r"whats\s*app|whatsapp|(?<![a-z])wa(?![a-z])(?=\s*[:：])|瓦次普"
_PHONE_MARKER = (
    r"电话|電話|手机|手機|手机号|联系电话|聯繫電話|热线|熱線|客服热线|座机|"
    r"(?<![a-z])(?:tel|phone|mobile|cell|call|hotline)(?![a-z])|☎|📞|📱"
)
_MARKER_ONLY_RE = re.compile(rf"(?:{_WHATSAPP_MARKER}|{_PHONE_MARKER})", re.I)
_WA_RE = re.compile(_WHATSAPP_MARKER, re.I)
_TEL_RE = re.compile(r"(?<![a-z])tel:\s*((?:\+|%2b)?[\d\s\-().%20]{6,30}\d)", re.I)
_NON_DIGITS = re.compile(r"\D+")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=4096)
def e164_digits(raw: str, regions: tuple[str, ...] = ()) -> str | None:
    """E.164 digits (no ``+``) of a valid number, or ``None``.

    Tried in order: as written if it starts with ``+`` or ``00``; then with a
    ``+`` in front; then in each of ``regions``.
    """
    raw = raw.strip()
    digits = _NON_DIGITS.sub("", raw)
    if not 7 <= len(digits) <= 17:
        return None
    if raw.startswith("+"):
        candidates = [("+" + digits, None)]
    elif raw.startswith("00"):
        candidates = [("+" + digits[2:], None)]
    else:
        candidates = [("+" + digits, None)] + [(digits, r) for r in regions]
        if regions:  # national numbers are far more common than bare country codes
            candidates = candidates[1:] + candidates[:1]
    for number, region in candidates:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return f"{parsed.country_code}{parsed.national_number}"
    return None


# Numbers are rarer than marker letters, so scanning starts from numbers: a
# pattern that starts with a character class lets the engine skip fast.
_NUMBER_RE = re.compile(r"[+(0-9][\d\s\-().]{5,23}\d")
_SEPARATOR_CHARS = " /、,，&+和或|:：-"
#: How far before a number its marker may start.
MARKER_REACH = 32


def _groups(number: str) -> list[str]:
    """The number, then the number without its trailing space-separated groups."""
    out = [number]
    while " " in number.strip():
        number = number.strip().rsplit(" ", 1)[0]
        out.append(number)
    return out


def marked_phones(text: str, low: str | None = None) -> Iterator[Found]:
    """Phones that follow a phone or WhatsApp marker on the same line.

    Several markers before one number (``WhatsApp/电话：N``) each count.
    """
    for m in _NUMBER_RE.finditer(text):
        start = m.start()
        lo = max(text.rfind("\n", 0, start) + 1, start - MARKER_REACH)
        markers = list(_MARKER_ONLY_RE.finditer(text, lo, start))
        if not markers:
            continue
        # The nearest marker: at most 12 non-digits between it and the number;
        # earlier ones only if separated from the next by separators.
        chain = []
        end = start
        for mk in reversed(markers):
            between = text[mk.end() : end]
            if chain and between.strip(_SEPARATOR_CHARS):
                break
            if not chain and (len(between) > 12 or any(c.isdigit() for c in between)):
                break
            chain.append(mk)
            end = mk.start()
        if not chain:
            continue
        chinese = _CJK_RE.search(text, max(0, lo - 8), start) is not None
        digits = None
        for candidate in _groups(m.group(0)):
            digits = e164_digits(candidate, ("CN",) if chinese else ())
            if digits is not None:
                break
        if digits is None:
            continue
        for mk in reversed(chain):
            platform = "whatsapp" if _WA_RE.fullmatch(mk.group(0)) else "phone"
            yield Found("handle", f"{platform}:{digits}", MARKED, mk.start())


_CN_MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def _tel_digits(raw: str) -> str | None:
    """E.164 digits of a ``tel:`` number: its country from the number itself.

    Read as international first (``1-877-394-2155`` is NANP, never China);
    only a Chinese mobile number (11 digits, ``1[3-9]…``) that reads as no
    international number is taken as Chinese.

    >>> _tel_digits("1-877-394-2155"), _tel_digits("13800138000"), _tel_digits("6123 4567")
    ('18773942155', '8613800138000', None)
    """
    digits = e164_digits(raw)
    if digits is None and _CN_MOBILE_RE.fullmatch(_NON_DIGITS.sub("", raw)):
        digits = e164_digits(raw, ("CN",))
    return digits


def tel_links(text: str, confidence: float = LINK, low: str | None = None) -> Iterator[Found]:
    """Phones from ``tel:`` URLs."""
    low = lowered(text) if low is None else low
    for m in anchored(_TEL_RE, text, low, ("tel:",), 0, 64):
        raw = unquote(m.group(1))
        digits = _tel_digits(raw)
        if digits is not None:
            yield Found("handle", f"phone:{digits}", confidence, m.start())
