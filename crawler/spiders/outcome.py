"""The marker a spider yields when it has finished with a response.

The frontier marks a URL done only once everything the spider produced for it
is safe: its links queued and its page stored. A :class:`~crawler.records.PageRecord`
is a page's last output when the page matches; otherwise the spider ends with
a :class:`FetchOutcome`, which the store pipeline records (a drop when
``reason`` is set) and then drops quietly. See ``docs/crawling.md``.

>>> FetchOutcome("http://a.example/", "http_error", "HTTP 404").reason
'http_error'
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.records import DropReason

__all__ = ["FetchOutcome"]


@dataclass(slots=True, frozen=True)
class FetchOutcome:
    """A fetched URL that yields no page: ``reason`` is None when it simply did
    not match, a drop code when it failed."""

    url: str
    reason: DropReason | None = None
    detail: str = ""
