"""Phone numbers to E.164 digits, and phones next to a marker in text.

A number in text counts only next to a marker (电话, 手机, Tel, Phone, Τηλ,
WhatsApp, ...: ``data/phone_markers.txt``) before it, right after it
(``202-555-0143 tel``), or alone on the line after a line that ends in one (a
label and its value: ``電話番号`` then ``03-1234-5678``): a bare number is never a
contact, unless it is offered next to an e-mail address (``N or a@b.com``) or
written in international format on a line of such numbers only. The marker
decides the platform: WhatsApp markers give ``whatsapp:``
handles, the others ``phone:``; a fax marker (``data/fax_markers.txt``) makes
the number no contact.

A number without ``+`` gets its country from the number itself or from the
page, never from a fixed default: first each of the page's regions
(:func:`page_regions`), then NANP when written as one (``(202) 555-0143``),
then as international (``85261234567``); a Chinese mobile number
(``1[3-9]`` and 9 digits) after a Chinese marker is Chinese.

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
>>> [f.label for f in marked_phones("Tel. 020 7946 0000 Fax 020 7946 0001", regions=("GB",))]
['phone:442079460000']
>>> [f.label for f in marked_phones("(202) 555-0143 tel / 202-555-0199 fax")]
['phone:12025550143']
>>> [f.label for f in tel_links("tel:+85261234567 tel:%2B442079460000")]
['phone:85261234567', 'phone:442079460000']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import phonenumbers

from .datafile import data_lines, data_words, marker_lines
from .found import LINK, MARKED, Found, anchored, lowered

__all__ = ["e164_digits", "marked_phones", "tel_links", "page_regions", "NUMBER_BUDGET"]

logger = logging.getLogger(__name__)


def _marker_pattern(entries: tuple[str, ...]) -> str:
    """An alternation of marker words: alphabetic ones (Latin, Greek, Cyrillic)
    as whole words, an entry ending in ``:`` only before a colon.

    >>> re.findall(_marker_pattern(("tel", "t:", "电话")), "hotel tel t: t 电话")
    ['tel', 't', '电话']
    """
    alts = []
    for entry in sorted(entries, key=len, reverse=True):
        colon = entry.endswith(":")
        word = entry[:-1] if colon else entry
        alt = re.escape(word).replace(r"\ ", r"\s*")
        if all(ord(c) < 0x0530 for c in word) and word[0].isalpha():
            alt = rf"(?<![^\W\d_]){alt}" + (r"(?=\s*[:：])" if colon else r"(?![^\W\d_])")
        alts.append(alt)
    return "|".join(alts)


_WHATSAPP_MARKER = r"whats\s*app|whatsapp|(?<![a-z])wa(?![a-z])(?=\s*[:：])|瓦次普"
_PHONE_MARKER = _marker_pattern(marker_lines("phone_markers.txt"))
_FAX_MARKER = _marker_pattern(marker_lines("fax_markers.txt"))
_MARKER_ONLY_RE = re.compile(rf"(?:{_WHATSAPP_MARKER}|{_FAX_MARKER}|{_PHONE_MARKER})", re.I)


def _first_chars(entries: tuple[str, ...]) -> str:
    """The characters a marker can start with: the first letter of each entry,
    and of the WhatsApp marker's spellings.

    >>> _first_chars(("tel", "电话", "t:"))
    'tw瓦电'
    """
    return "".join(sorted({e[0].lower() for e in entries} | {"w", "瓦"}))


#: One character a marker may start with. Python's ``re`` tries every
#: alternative of :data:`_MARKER_ONLY_RE` at every position (its branches start
#: with look-behinds, so it cannot skip ahead by their first letters): it is
#: only tried where this class matches, and so costs nothing on runs of digits.
_MARKER_FIRST_RE = re.compile(
    "[" + re.escape(_first_chars(data_lines("phone_markers.txt") + data_lines("fax_markers.txt"))) + "]", re.I)
_WA_RE = re.compile(_WHATSAPP_MARKER, re.I)
_FAX_RE = re.compile(_FAX_MARKER, re.I)
#: A phone or fax marker right after a number: ``202-555-0143 tel``, ``… (fax)``.
_AFTER_RE = re.compile(rf"[ \t(（\[]{{0,3}}(?:{_FAX_MARKER}|{_PHONE_MARKER})(?![^\W\d_])", re.I)
#: A label line that ends in a marker: ``電話番号``, ``Phone number:``.
_LABEL_RE = re.compile(rf"(?:{_FAX_MARKER}|{_PHONE_MARKER})(?:\s*(?:number|no\.?|番号))?\s*[:：]?\s*$", re.I)
_TEL_RE = re.compile(r"(?<![a-z])tel:\s*((?:\+|%2b)?[\d\s\-().%20]{6,30}\d)", re.I)
_NON_DIGITS = re.compile(r"\D+")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
#: Ten digits written the NANP way: ``(202) 555-0143``, ``202.555.0143``, ``202-555-0143``.
_NANP_LAYOUT_RE = re.compile(r"\(?[2-9]\d\d\)?[\s.\-]?[2-9]\d\d[\s.\-]\d{4}")
_CN_MOBILE_RE = re.compile(r"1[3-9]\d{9}")


@lru_cache(maxsize=4096)
def e164_digits(raw: str, regions: tuple[str, ...] = ()) -> str | None:
    """E.164 digits (no ``+``) of a valid number, or ``None``.

    Tried in order: as written if it starts with ``+`` or ``00``; else in each
    of ``regions``, then as NANP if written as one, then with a ``+`` in front.

    >>> e164_digits("(202) 555-0143"), e164_digits("202 5550143")
    ('12025550143', None)
    >>> e164_digits("03-6717-0000", ("JP",)), e164_digits("03-6717-0000")
    ('81367170000', None)
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
        candidates = [(digits, r) for r in regions]
        if _NANP_LAYOUT_RE.fullmatch(raw):
            candidates.append(("+1" + digits, None))
        candidates.append(("+" + digits, None))
    for number, region in candidates:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return f"{parsed.country_code}{parsed.national_number}"
    return None


def _read(raw: str, regions: tuple[str, ...], chinese: bool) -> str | None:
    """E.164 digits of a number after a marker: a Chinese mobile number after a
    Chinese marker is Chinese; any other as :func:`e164_digits` reads it.

    >>> _read("130 1234 5678", (), True), _read("130 1234 5678", (), False)
    ('8613012345678', '13012345678')
    """
    if chinese and _CN_MOBILE_RE.fullmatch(_NON_DIGITS.sub("", raw)):
        return e164_digits(raw, ("CN",))
    return e164_digits(raw, regions)


# --- the page's regions -----------------------------------------------------

#: ccTLDs whose ISO 3166 code differs.
_TLD_REGION = {"uk": "GB"}
_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-z]{2,3})(?:[-_]([a-z]{2}))?\b", re.I)


def _region(code: str) -> str | None:
    """``code`` upper-cased if libphonenumber knows it as a region."""
    code = code.upper()
    return code if phonenumbers.country_code_for_region(code) else None


@lru_cache(maxsize=1024)
def _tld_region(host: str) -> str | None:
    tld = host.rstrip(".").rpartition(".")[2].lower()
    if len(tld) != 2 or tld in data_words("generic_cctlds.txt"):
        return None
    return _region(_TLD_REGION.get(tld, tld))


def page_regions(url: str, html: str = "") -> tuple[str, ...]:
    """Where the page at ``url`` is, for reading national numbers: the region of
    its country-code TLD (generic TLDs and ccTLDs used as generic: none), then
    that of its ``<html lang>`` (a region subtag, or a language spoken mainly in
    one country: ``data/lang_regions.txt``).

    >>> page_regions("https://www.news.gr/a"), page_regions("https://shop.co.uk/")
    (('GR',), ('GB',))
    >>> page_regions("https://x.com/", '<html lang="en-US">'), page_regions("https://x.io/", "<html lang=ja>")
    (('US',), ('JP',))
    >>> page_regions("https://x.com/", '<html lang="es">'), page_regions("http://10.0.0.1/")
    ((), ())
    """
    out: list[str] = []
    host = urlsplit(url).hostname or ""
    if not host.replace(".", "").isdigit():
        region = _tld_region(host)
        if region:
            out.append(region)
    m = _LANG_RE.search(html, 0, 4096) if "lang" in html[:4096] else None
    if m is not None:
        lang, sub = m.group(1).lower(), m.group(2)
        region = _region(sub) if sub else _lang_region(lang)
        if region and region not in out:
            out.append(region)
    return tuple(out)


def _lang_region(lang: str) -> str | None:
    for line in data_lines("lang_regions.txt"):
        code, region = line.split()
        if code == lang:
            return region
    return None


# --- numbers next to markers ------------------------------------------------

# Numbers are rarer than marker letters, so scanning starts from numbers: a
# pattern that starts with a character class lets the engine skip fast.
_NUMBER_RE = re.compile(r"[+(0-9][\d \t\-().]{5,23}\d")
_SEPARATOR_CHARS = " /、,，&+和或|:：-"
#: How far before a number its marker may start.
MARKER_REACH = 32
#: Numbers next to a marker read (with libphonenumber) per text, at most: past
#: this many, a page is a list of numbers, not a contact block, and the rest
#: of it is not read (the page's extraction budget for phones).
NUMBER_BUDGET = 2000


def _groups(number: str) -> list[str]:
    """The number, then the number without its trailing space-separated groups."""
    out = [number]
    while " " in number.strip():
        number = number.strip().rsplit(" ", 1)[0]
        out.append(number)
    return out


def _platform(marker: str) -> str:
    if _WA_RE.fullmatch(marker):
        return "whatsapp"
    return "fax" if _FAX_RE.fullmatch(marker) else "phone"


def _markers_in(text: str, lo: int, hi: int, tried: dict[int, re.Match[str] | None] | None = None
                ) -> list[re.Match[str]]:
    """``_MARKER_ONLY_RE.finditer(text, lo, hi)``, tried only where a marker may
    start; ``tried`` remembers the tries by position (the windows of
    neighbouring numbers overlap).

    >>> [m.group(0) for m in _markers_in("0123 hotel tel 电话 4567", 0, 22)]
    ['tel', '电话']
    """
    out: list[re.Match[str]] = []
    at = lo
    while True:
        first = _MARKER_FIRST_RE.search(text, at, hi)
        if first is None:
            return out
        pos = first.start()
        if tried is None:
            mk = _MARKER_ONLY_RE.match(text, pos, hi)
        else:
            mk = tried.get(pos, _UNTRIED)
            if mk is _UNTRIED or (mk is not None and mk.end() > hi):
                mk = tried[pos] = _MARKER_ONLY_RE.match(text, pos, hi)
        if mk is None:
            at = pos + 1
        else:
            out.append(mk)
            at = max(mk.end(), pos + 1)


_UNTRIED: Any = object()


def _markers_before(text: str, start: int, tried: dict[int, re.Match[str] | None] | None = None
                    ) -> list[re.Match[str]]:
    """The markers before a number: the nearest (at most 12 non-digits before
    it), and earlier ones joined to it by separators (``WhatsApp/电话：N``)."""
    lo = max(start - MARKER_REACH, 0)
    lo = text.rfind("\n", lo, start) + 1 or lo
    chain: list[re.Match[str]] = []
    end = start
    for mk in reversed(_markers_in(text, lo, start, tried)):
        between = text[mk.end() : end]
        if chain and between.strip(_SEPARATOR_CHARS):
            break
        if not chain and (len(between) > 12 or any(c.isdigit() for c in between)):
            break
        chain.append(mk)
        end = mk.start()
    return chain[::-1]


#: How much blank space may stand around a number alone on its line.
_LINE_MARGIN = 64


def _line_around(text: str, start: int, end: int, reach: int) -> tuple[int, int] | None:
    r"""Start and end of the line holding ``text[start:end]``, or None when the
    line reaches further than ``reach`` characters on either side: every look
    at a number's line is bounded, never a scan of a page-long line.

    >>> _line_around("a\nb 123 c\nd", 4, 7, 8), _line_around("x" * 20 + "123", 20, 23, 8)
    ((2, 9), None)
    """
    lo = max(start - reach, 0)
    nl = text.rfind("\n", lo, start)
    if nl < 0 and lo > 0:
        return None
    line_end = text.find("\n", end, end + reach + 1)
    if line_end < 0:
        if end + reach < len(text):
            return None
        line_end = len(text)
    return nl + 1, line_end


def _label_line(text: str, start: int, end: int) -> re.Match[str] | None:
    """The label of a number alone on its line, on the line before."""
    line = _line_around(text, start, end, _LINE_MARGIN)
    if line is None:
        return None
    line_start, line_end = line
    if line_start == 0 or text[line_start:start].strip() or text[end:line_end].strip():
        return None
    lo = max(line_start - 42, 0)
    before = text.rfind("\n", lo, line_start - 1)
    if before < 0 and lo > 0:
        return None
    prev = text[before + 1 : line_start - 1]
    if len(prev) > 40:
        return None
    return _LABEL_RE.search(prev)


#: An e-mail address offered as the alternative: ``N or a@b.com``, ``a@b.com | N``.
# (a local part has at most 64 characters: the pattern never runs along a
# page-long word)
_EMAIL_AFTER_RE = re.compile(r"[ \t]{0,8}(?:or|o|ou|oder|od|/|\||,|;)[ \t]{0,8}[\w.%+-]{1,64}@[\w-]+\.\w", re.I)
#: How far after a number the ``@`` of an e-mail offered after it may be.
_EMAIL_AFTER_REACH = 90
_EMAIL_BEFORE_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+[ \t]*(?:or|o|ou|oder|od|/|\||,|;)[ \t]*$", re.I)
#: How far an e-mail address offered before a number may start.
_EMAIL_REACH = 80
#: The longest line of international numbers read as a contact block.
_INTL_LINE_REACH = 512
#: A line of international numbers only: ``+374 10 123456, +374 10 654321``.
_INTL_LINE_RE = re.compile(r"(?:\+\d[\d \t\-().]{5,23}\d[ \t]*(?:[,;/|][ \t]*|$))+")


def _listed(text: str, start: int, end: int) -> bool:
    """Whether a number with no marker is still written as a contact: next to
    an e-mail address as its alternative, or in international format on a line
    of such numbers only (a contact block).

    >>> _listed("Jo Doe: 202-555-0143 or jo@leb-card.com", 8, 20), _listed("+44 20 7946 0000", 0, 16)
    (True, True)
    >>> _listed("score 202-555-0143 today", 6, 18), _listed("+44 20 7946 0000 points", 0, 16)
    (False, False)
    """
    if _EMAIL_AFTER_RE.match(text, end):
        return True
    lo = max(0, start - _EMAIL_REACH)
    if text.find("@", lo, start) >= 0 and _EMAIL_BEFORE_RE.search(text, lo, start):
        return True
    if text[start] != "+":
        return False
    line = _line_around(text, start, end, _INTL_LINE_REACH)
    return line is not None and _INTL_LINE_RE.fullmatch(text[line[0] : line[1]].strip()) is not None


def _platforms(text: str, start: int, end: int, after_prev: int,
               tried: dict[int, re.Match[str] | None] | None = None) -> tuple[list[tuple[str, int]], bool, bool]:
    """``(platform, position)`` of the markers of the number at ``start:end``
    (fax numbers have none), whether the deciding marker is Chinese, and
    whether a marker came before the number.

    ``after_prev``: where the previous number on the line ended, if it had no
    marker before it (-1 otherwise): a marker right after it is its own
    (``202-555-0143 tel / …``), not this number's.
    """
    chain = _markers_before(text, start, tried)
    if chain and after_prev >= 0 and not text[after_prev : chain[0].start()].strip(" \t(（["):
        chain = []
    if chain:
        marks = [(_platform(mk.group(0)), mk.start()) for mk in chain]
        chinese = _CJK_RE.search(text, chain[0].start(), start) is not None
    else:
        mk = (_AFTER_RE.match(text, end) if _MARKER_FIRST_RE.search(text, end, end + 5) else None) \
            or _label_line(text, start, end)
        if mk is None:
            return ([("phone", start)] if _listed(text, start, end) else []), False, False
        marks = [(_platform(mk.group(0).strip(" \t(（[:：")), mk.start())]
        chinese = _CJK_RE.search(mk.group(0)) is not None
    phones = [(p, at) for p, at in marks if p != "fax"] if any(p != "fax" for p, _ in marks) else []
    return phones, chinese, bool(chain)


def _unmarked(text: str, start: int, end: int) -> bool:
    """Whether a number surely has no marker and is no listed contact: no
    letter a marker starts with before or right after it, no ``@`` near it,
    not in international format, not alone on its line. (The fast path of
    :func:`marked_phones`: most numbers on a page are no contact.)"""
    return (text[start] != "+"
            and _MARKER_FIRST_RE.search(text, max(start - MARKER_REACH, 0), start) is None
            and _MARKER_FIRST_RE.search(text, end, end + 5) is None
            and start > 0 and not text[start - 1].isspace()
            and text.find("@", max(0, start - _EMAIL_REACH), end + _EMAIL_AFTER_REACH) < 0)


def marked_phones(text: str, low: str | None = None, regions: tuple[str, ...] = (),
                  cut_short: list[str] | None = None) -> Iterator[Found]:
    """Phones that a phone or WhatsApp marker labels (see the module's doc);
    ``regions``: the page's, for national numbers (:func:`page_regions`).

    Several markers before one number (``WhatsApp/电话：N``) each count.
    Linear in the text, and at most :data:`NUMBER_BUDGET` numbers are read
    (past it, a line goes to ``cut_short``).
    """
    after_prev = -1
    budget = NUMBER_BUDGET
    tried: dict[int, re.Match[str] | None] = {}
    for m in _NUMBER_RE.finditer(text):
        start, end = m.span()
        if _unmarked(text, start, end):
            after_prev = end
            continue
        marks, chinese, prefixed = _platforms(text, start, end, after_prev, tried)
        after_prev = -1 if prefixed else end
        if not marks:
            continue
        budget -= 1
        if budget < 0:
            logger.info("phones: more than %d marked numbers in one text, the rest not read", NUMBER_BUDGET)
            if cut_short is not None:
                cut_short.append(f"phones: more than {NUMBER_BUDGET} marked numbers, the rest of the page not read")
            return
        digits = None
        for candidate in _groups(m.group(0)):
            digits = _read(candidate, regions, chinese)
            if digits is not None:
                break
        if digits is None:
            continue
        for platform, at in marks:
            yield Found("handle", f"{platform}:{digits}", MARKED, at)


def _tel_digits(raw: str, regions: tuple[str, ...] = ()) -> str | None:
    """E.164 digits of a ``tel:`` number: its country from the number itself
    or the page's ``regions``, never a fixed default.

    Read as :func:`e164_digits` does (``1-877-394-2155`` is NANP, never
    China); only a Chinese mobile number (11 digits, ``1[3-9]…``) that reads
    as no other number is taken as Chinese.

    >>> _tel_digits("1-877-394-2155"), _tel_digits("13800138000"), _tel_digits("6123 4567")
    ('18773942155', '8613800138000', None)
    >>> _tel_digits("2025550143"), _tel_digits("2025550143", ("US",))
    (None, '12025550143')
    """
    digits = e164_digits(raw, regions)
    if digits is None and _CN_MOBILE_RE.fullmatch(_NON_DIGITS.sub("", raw)):
        digits = e164_digits(raw, ("CN",))
    return digits


def tel_links(
    text: str, confidence: float = LINK, low: str | None = None, regions: tuple[str, ...] = ()
) -> Iterator[Found]:
    """Phones from ``tel:`` URLs; ``regions``: the page's (:func:`page_regions`)."""
    low = lowered(text) if low is None else low
    for m in anchored(_TEL_RE, text, low, ("tel:",), 0, 64):
        raw = unquote(m.group(1))
        digits = _tel_digits(raw, regions)
        if digits is not None:
            yield Found("handle", f"phone:{digits}", confidence, m.start())
