"""Crawl progress: a live line on a terminal, a line every N seconds in a log.

:class:`Progress` rewrites one line on stderr every ``COBWEB_PROGRESS_INTERVAL``
seconds while the crawl runs, when stderr is a terminal::

    0:41  fetched 1204/5000 (24%)  ETA 1:32  hits 87  queued 3311  41.3 pages/s  dropped: HTTP error 9, timed out 3

and writes such a line every ``COBWEB_PROGRESS_LOG_INTERVAL`` seconds when it
is not (the logs of long crawls on servers). The rate is the one of the last
``COBWEB_PROGRESS_WINDOW`` seconds; progress and ETA are shown against
``--max-pages`` when there is one.

Counts come from the crawl's stats: ``response_received_count`` less
robots.txt responses (fetched), ``cobweb/pages_stored`` (hits),
``cobweb/frontier/queued``, ``cobweb/frontier/finished_before`` (URLs a resumed
run had finished before) and ``cobweb/dropped/<reason>``. The final summary is
built by :func:`crawler.runner.summarize` from the same stats.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["Progress", "progress_line", "dropped_total", "dropped_by_reason", "drops_in_words",
           "pages_fetched", "clock", "REASON_WORDS"]


def pages_fetched(stats: dict[str, Any]) -> int:
    """Responses received, robots.txt files aside.

    >>> pages_fetched({"response_received_count": 12, "robotstxt/response_count": 2})
    10
    """
    return int(stats.get("response_received_count", 0)) - int(stats.get("robotstxt/response_count", 0))


def dropped_total(stats: dict[str, Any]) -> int:
    """How many requests were dropped, all reasons together.

    >>> dropped_total({"cobweb/dropped/timeout": 2, "cobweb/dropped/not_html": 1, "x": 5})
    3
    """
    return sum(v for k, v in stats.items() if k.startswith("cobweb/dropped/"))


#: Drop reason codes in words (progress line and summary).
REASON_WORDS: dict[str, str] = {
    "forbidden_address": "private address", "forbidden_scheme": "not http(s)",
    "robots_txt": "robots.txt", "too_large": "too large", "not_html": "not a page",
    "too_deep": "too deep", "url_too_long": "URL too long", "site_budget": "site budget",
    "max_pages": "--max-pages", "redirect_loop": "redirect loop",
    "too_many_redirects": "too many redirects", "http_error": "HTTP error",
    "timeout": "timed out", "connection_error": "unreachable", "duplicate": "duplicate",
    "offsite": "offsite", "bad_url": "bad URL",
}


def drops_in_words(counts: dict[str, int]) -> str:
    """Drop counts by reason, most first, in words.

    >>> drops_in_words({"timeout": 2, "http_error": 5, "not_html": 2})
    'HTTP error 5, not a page 2, timed out 2'
    """
    items = sorted(((n, REASON_WORDS.get(r, r)) for r, n in counts.items() if n),
                   key=lambda x: (-x[0], x[1]))
    return ", ".join(f"{words} {n}" for n, words in items)


def dropped_by_reason(stats: dict[str, Any]) -> dict[str, int]:
    """This run's drops by reason code.

    >>> dropped_by_reason({"cobweb/dropped/timeout": 2, "x": 1})
    {'timeout': 2}
    """
    prefix = "cobweb/dropped/"
    return {k[len(prefix):]: int(v) for k, v in stats.items() if k.startswith(prefix)}


def clock(seconds: float) -> str:
    """Seconds as ``M:SS`` or ``H:MM:SS``.

    >>> clock(5), clock(75.4), clock(3 * 3600 + 62)
    ('0:05', '1:15', '3:01:02')
    """
    s = int(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


def progress_line(stats: dict[str, Any], elapsed: float, rate: float | None = None,
                  max_pages: int = 0) -> str:
    """The progress line for ``stats`` after ``elapsed`` seconds.

    ``rate`` is the recent rate in pages/s (the average since start when None);
    with ``max_pages`` the line shows progress against it and an ETA.

    >>> progress_line({"response_received_count": 50, "cobweb/pages_stored": 7}, 10.0)
    '0:10  fetched 50  hits 7  queued 0  5.0 pages/s'
    >>> progress_line({"response_received_count": 50, "cobweb/dropped/http_error": 3,
    ...                "cobweb/frontier/finished_before": 50}, 10.0, rate=2.0, max_pages=400)
    '0:10  fetched 50 (100/400, 25%, ETA 2:30)  hits 0  queued 0  2.0 pages/s  dropped: HTTP error 3'
    """
    fetched = pages_fetched(stats)
    if rate is None:
        rate = fetched / elapsed if elapsed > 0 else 0.0
    line = f"{clock(elapsed)}  fetched {fetched}"
    if max_pages > 0:
        done = fetched + int(stats.get("cobweb/frontier/finished_before", 0))
        eta = f", ETA {clock((max_pages - done) / rate)}" if rate > 0 and done < max_pages else ""
        line += f" ({done}/{max_pages}, {min(100, 100 * done // max_pages)}%{eta})"
    line += (f"  hits {int(stats.get('cobweb/pages_stored', 0))}"
             f"  queued {int(stats.get('cobweb/frontier/queued', 0))}  {rate:.1f} pages/s")
    drops = drops_in_words(dropped_by_reason(stats))
    return line + (f"  dropped: {drops}" if drops else "")


class Progress:
    """Write :func:`progress_line` on ``stream`` while the spider runs.

    Parameters
    ----------
    crawler : Crawler
    interval : float
        Seconds between updates of the live line (on a terminal).
    stream : text stream, optional
        Where to write (stderr).
    log_interval : float
        Seconds between lines when ``stream`` is no terminal (0: none).
    window : float
        Seconds over which the rate is measured.
    """

    def __init__(self, crawler: Crawler, interval: float = 1.0, stream: TextIO | None = None,
                 log_interval: float = 30.0, window: float = 10.0) -> None:
        self.crawler = crawler
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if self.live else log_interval
        self.window = window
        self.max_pages = 0
        self._start = time.monotonic()
        self._width = 0
        self._samples: deque[tuple[float, int]] = deque()
        self._loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        if not settings.getbool("COBWEB_PROGRESS_ENABLED", True):
            raise NotConfigured("COBWEB_PROGRESS_ENABLED is off")
        ext = cls(crawler, settings.getfloat("COBWEB_PROGRESS_INTERVAL", 1.0),
                  log_interval=settings.getfloat("COBWEB_PROGRESS_LOG_INTERVAL", 30.0),
                  window=settings.getfloat("COBWEB_PROGRESS_WINDOW", 10.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self._start = time.monotonic()
        self.max_pages = int(getattr(self.crawler.spider, "max_pages", 0) or 0)
        if self.interval > 0:
            self._loop = create_looping_call(self.update)
            self._loop.start(self.interval, now=self.live)

    def rate(self, now: float, fetched: int) -> float:
        """Pages per second since the newest update at least ``window`` seconds old
        (since the start early on)."""
        samples = self._samples
        if not samples:
            samples.append((self._start, 0))
        samples.append((now, fetched))
        while len(samples) > 2 and samples[1][0] <= now - self.window:
            samples.popleft()
        t0, n0 = samples[0]
        return (fetched - n0) / (now - t0) if now > t0 else 0.0

    def line(self) -> str:
        now = time.monotonic()
        stats = self.crawler.stats.get_stats()
        return progress_line(stats, now - self._start, self.rate(now, pages_fetched(stats)),
                             self.max_pages)

    def update(self) -> None:
        line = self.line()
        if self.live:
            pad = max(0, self._width - len(line))
            self._width = len(line)
            self.stream.write("\r" + line + " " * pad)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def break_line(self) -> None:
        """End the live line, so a message written next starts on its own line."""
        if self.live and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.live:
            self.update()
            self.stream.write("\n")
            self.stream.flush()
