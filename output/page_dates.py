"""A page's own date (when it says it was published), from its HTML or its URL.

The report's timeline plots this date where a page has one and its fetch time
otherwise, and says which is which. Sources, most trusted first:

- ``meta``: ``<meta property="article:published_time" content="...">`` and its
  kin (``og:published_time``, ``itemprop="datePublished"``, ``pubdate``, ...);
- ``json-ld``: ``"datePublished": "..."`` in a JSON-LD block;
- ``time``: the first ``<time datetime="...">``;
- ``url``: a ``/2024/03/15/`` or ``2024-03-15`` date in the URL's path.

Only the start of the HTML is read (:data:`HEAD_CHARS`), with regular
expressions: the date sits in the ``<head>`` or near the top of the article,
and a report over a million pages cannot parse each one. A date before 1995 or
after ``not_after`` (the fetch time) is not a publication date and is ignored.

>>> page_date('<meta property="article:published_time" content="2024-03-15T10:00:00+08:00">', "")
PageDate(when='2024-03-15T02:00:00Z', source='meta')
>>> page_date('<meta content="2024-01-02T03:04:05-05:00" property="article:published_time">', "")
PageDate(when='2024-01-02T08:04:05Z', source='meta')
>>> page_date('<script type="application/ld+json">{"datePublished": "2023-12-01"}</script>', "")
PageDate(when='2023-12-01T00:00:00Z', source='json-ld')
>>> page_date('<p>Posted <time datetime="2022-05-06 08:09">May 6</time></p>', "")
PageDate(when='2022-05-06T08:09:00Z', source='time')
>>> page_date(None, "http://a.example.com/news/2021/07/09/renew-esim.html")
PageDate(when='2021-07-09T00:00:00Z', source='url')
>>> page_date("<time datetime='2030-01-01'>", "http://a.com/", not_after="2026-11-01T00:00:00Z") is None
True
>>> page_date("<p>no date</p>", "http://a.com/p/12345678") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, NamedTuple

__all__ = ["PageDate", "DateSource", "page_date", "parse_date", "HEAD_CHARS"]

DateSource = Literal["meta", "json-ld", "time", "url"]

#: How much of the HTML is searched for a date.
HEAD_CHARS = 64_000
_EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.timezone.utc)

_META_NAMES = (
    r"article:published_time|og:published_time|datePublished|pubdate|publishdate|publish[-_]date"
    r"|date\.issued|dc\.date(?:\.issued)?|dcterms\.date|sailthru\.date|parsely-pub-date"
)
_META = re.compile(
    r"<meta\b[^>]*?(?:property|name|itemprop)\s*=\s*[\"']?(?:" + _META_NAMES + r")[\"']?"
    r"[^>]*?\bcontent\s*=\s*[\"']([^\"'>]{8,40})[\"']"
    r"|<meta\b[^>]*?\bcontent\s*=\s*[\"']([^\"'>]{8,40})[\"'][^>]*?"
    r"(?:property|name|itemprop)\s*=\s*[\"']?(?:" + _META_NAMES + r")[\"'\s/>]",
    re.I,
)
_JSON_LD = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]{8,40})\"")
_TIME = re.compile(r"<time\b[^>]*?\bdatetime\s*=\s*[\"']?([^\"'>\s][^\"'>]{7,40})", re.I)
_URL = re.compile(r"/((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")
_ISO = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)


class PageDate(NamedTuple):
    """A page's own date, ISO 8601 in UTC (``...Z``), and where it was found."""

    when: str
    source: DateSource


def parse_date(value: str) -> dt.datetime | None:
    """The leading ISO 8601 date or date-time of ``value`` as aware UTC, else ``None``.

    >>> parse_date("2024-03-15T10:00:00+0800"), parse_date("2024-02-30"), parse_date("March")
    (datetime.datetime(2024, 3, 15, 2, 0, tzinfo=datetime.timezone.utc), None, None)
    """
    m = _ISO.match(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, zone = m.groups()
    try:
        when = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                           int(second or 0), tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        when -= sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when


def _plausible(when: dt.datetime | None, not_after: dt.datetime | None) -> bool:
    if when is None or when < _EARLIEST:
        return False
    return not_after is None or when <= not_after + dt.timedelta(days=1)


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_date(html: str | None, url: str, *, not_after: str | None = None) -> PageDate | None:
    """The page's own publication date, or ``None`` when it states none (see the module)."""
    limit = parse_date(not_after) if not_after else None
    if html:
        head = html[:HEAD_CHARS]
        for source, pattern in (("meta", _META), ("json-ld", _JSON_LD), ("time", _TIME)):
            for m in pattern.finditer(head):
                when = parse_date(next(g for g in m.groups() if g))
                if _plausible(when, limit):
                    return PageDate(_iso(when), source)  # type: ignore[arg-type]
                break  # the first such mark is the page's; a bad one is not retried
    path = url.split("?", 1)[0].split("#", 1)[0]
    for m in _URL.finditer(path):
        when = parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
        if _plausible(when, limit):
            return PageDate(_iso(when), "url")
    return None
