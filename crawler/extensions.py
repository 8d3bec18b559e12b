"""Crawl progress: a live line on a terminal, quiet otherwise.

:class:`Progress` rewrites one line on stderr every ``COBWEB_PROGRESS_INTERVAL``
seconds while the crawl runs, when stderr is a terminal::

    fetched 1204  hits 87  queued 3311  errors 12  41.3 pages/s

Counts come from the crawl's stats: ``response_received_count`` less
robots.txt responses (fetched),
``cobweb/pages_stored`` (hits), ``cobweb/frontier/queued`` and
``cobweb/dropped/<reason>`` (errors). The final summary is built by
:func:`crawler.runner.summarize` from the same stats.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["Progress", "progress_line", "dropped_total", "pages_fetched"]


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


def progress_line(stats: dict[str, Any], elapsed: float) -> str:
    """The progress line for ``stats`` after ``elapsed`` seconds.

    >>> progress_line({"response_received_count": 50, "cobweb/pages_stored": 7}, 10.0)
    'fetched 50  hits 7  queued 0  errors 0  5.0 pages/s'
    """
    fetched = pages_fetched(stats)
    rate = fetched / elapsed if elapsed > 0 else 0.0
    return (f"fetched {fetched}  hits {int(stats.get('cobweb/pages_stored', 0))}"
            f"  queued {int(stats.get('cobweb/frontier/queued', 0))}"
            f"  errors {dropped_total(stats)}  {rate:.1f} pages/s")


class Progress:
    """Write :func:`progress_line` on ``stream`` while the spider runs.

    Parameters
    ----------
    crawler : Crawler
    interval : float
        Seconds between updates.
    stream : text stream, optional
        Where to write (stderr). Nothing is written unless it is a terminal.
    """

    def __init__(self, crawler: Crawler, interval: float = 1.0, stream: TextIO | None = None) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = 0.0
        self._width = 0
        self._loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        if not settings.getbool("COBWEB_PROGRESS_ENABLED", True):
            raise NotConfigured("COBWEB_PROGRESS_ENABLED is off")
        ext = cls(crawler, settings.getfloat("COBWEB_PROGRESS_INTERVAL", 1.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self._start = time.monotonic()
        if self.live:
            self._loop = create_looping_call(self.update)
            self._loop.start(self.interval, now=True)

    def update(self) -> None:
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self._start)
        pad = max(0, self._width - len(line))
        self._width = len(line)
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.live:
            self.update()
            self.stream.write("\n")
            self.stream.flush()
