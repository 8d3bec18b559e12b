"""A Scrapy scheduler backed by a durable crawl frontier.

Selected with ``SCHEDULER = "crawler.scheduler.FrontierScheduler"``; the
frontier class is named by ``COBWEB_FRONTIER_CLASS`` (default
:class:`crawler.frontier.sqlite.SQLiteFrontier`).

How a URL moves (see ``docs/frontier.md``):

* a new request is deduplicated by canonical URL and queued; the links of one
  response are buffered and written in one transaction;
* :meth:`FrontierScheduler.next_request` pops a batch (marked in flight) and
  rebuilds requests from it: the URL as linked goes on the wire, the canonical
  URL (the entry's key) rides in ``request.meta[FRONTIER_KEY]``;
* a request that comes back for the same entry (a retry, ``dont_filter``) is
  queued again with its new meta (retry counters survive a restart);
* a redirect adds its target as a new entry (deduplicated) and finishes the
  origin;
* the entry is marked done when the spider's last output for it (a page
  record or a :class:`~crawler.spiders.outcome.FetchOutcome`) has passed the
  item pipelines, after the buffered links are written (dropped, with its
  reason, when the outcome is a failure). A kill before that
  leaves it in flight, and the next run queues it again.
* a :data:`crawler.signals.request_rejected` for a frontier request marks it
  dropped with the reason code;
* when the spider opens, entries dropped for a reason in
  ``COBWEB_RETRY_DROPPED`` (network-level failures by default, see
  :data:`crawler.frontier.base.NETWORK_REASONS`; ``cobweb crawl --retry-dropped``
  adds more) are queued again: a failed network path never loses URLs.

With a worker id (``COBWEB_WORKER_ID``, see ``docs/workers.md``) the frontier
is shared with other workers: nothing is requeued at open but the claims of
workers whose heartbeat is stale (:meth:`Frontier.reclaim`); every
``COBWEB_WORKER_POLL`` seconds the scheduler sends its heartbeat (when
``COBWEB_WORKER_HEARTBEAT`` seconds have passed), reclaims, and reads
:meth:`Frontier.active`: a worker with nothing queued locally keeps polling
while any worker has entries queued or in flight (they may add links), and
stops when the shared crawl is finished.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet import task

from crawler.frontier.base import NETWORK_REASONS, Frontier, FrontierEntry
from crawler.middlewares.sitebudget import SLOT_META
from crawler.records import PageRecord
from crawler.signals import request_rejected
from crawler.spiders.outcome import FetchOutcome
from crawler.urls import canonical_url, fetch_url
from crawler.warc.capture import WARC_META

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider

__all__ = ["FrontierScheduler", "FRONTIER_KEY"]

logger = logging.getLogger(__name__)

#: ``request.meta`` key holding the canonical URL of the frontier entry a request fetches.
FRONTIER_KEY = "cobweb_frontier_url"
_CALLBACK = "cobweb_callback"
_ERRBACK = "cobweb_errback"
#: Meta set by the downloader for one attempt; never carried over.
_TRANSIENT_META = frozenset({FRONTIER_KEY, "download_latency", "download_slot", "depth", "referer",
                             WARC_META, SLOT_META})
_PLAIN = (str, int, float, bool, type(None))
#: Canonical URLs remembered as known to the frontier, to spare a lookup per link.
_KNOWN_MAX = 200_000


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


class FrontierScheduler(BaseScheduler):
    """Schedule requests through a :class:`~crawler.frontier.base.Frontier`.

    Parameters
    ----------
    crawler : Crawler
    frontier_cls : type
        A :class:`Frontier` subclass, built with ``from_crawler`` when the spider opens.
    batch_size : int
        Entries popped per frontier round trip.
    retry_dropped : tuple of str
        Drop reasons whose entries are queued again when the spider opens.
    worker_id : str
        ``COBWEB_WORKER_ID``; ``""``: the only worker of its frontier.
    heartbeat, stale_after, poll : float
        Seconds (``COBWEB_WORKER_HEARTBEAT``, ``COBWEB_WORKER_STALE_AFTER``,
        ``COBWEB_WORKER_POLL``): how often a worker says it is alive, when
        another worker's claims are taken back, how often it looks at the
        shared frontier.
    """

    def __init__(self, crawler: Crawler, frontier_cls: type[Frontier], batch_size: int = 64,
                 retry_dropped: tuple[str, ...] = NETWORK_REASONS, worker_id: str = "",
                 heartbeat: float = 5.0, stale_after: float = 30.0, poll: float = 0.5) -> None:
        self.crawler = crawler
        self.frontier_cls = frontier_cls
        self.batch_size = max(1, batch_size)
        self.retry_dropped = tuple(retry_dropped)
        self.stats = crawler.stats
        self.frontier: Frontier | None = None
        self.spider: Spider | None = None
        self.max_pages = 0
        self._started = 0  # entries handed out, this run and earlier ones
        self._ready: deque[FrontierEntry] = deque()
        self._buffer: dict[str, FrontierEntry] = {}
        self._known: set[str] = set()
        self.worker_id = worker_id
        self.heartbeat, self.stale_after, self.poll = heartbeat, stale_after, poll
        self._active = True  # the shared frontier's active(), read every `poll` seconds
        self._beat_at = 0.0
        self._poller: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        settings = crawler.settings
        return cls(crawler, load_object(settings["COBWEB_FRONTIER_CLASS"]),
                   settings.getint("COBWEB_FRONTIER_BATCH", 64),
                   tuple(settings.getlist("COBWEB_RETRY_DROPPED", list(NETWORK_REASONS))),
                   settings.get("COBWEB_WORKER_ID") or "",
                   settings.getfloat("COBWEB_WORKER_HEARTBEAT", 5.0),
                   settings.getfloat("COBWEB_WORKER_STALE_AFTER", 30.0),
                   settings.getfloat("COBWEB_WORKER_POLL", 0.5))

    # -- BaseScheduler -------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.frontier = build_from_crawler(self.frontier_cls, self.crawler)
        if self.worker_id:  # a shared frontier: only dead workers' claims come back
            self.frontier.heartbeat()
            self._beat_at = time.monotonic()
            requeued = self.frontier.reclaim(self.stale_after)
            self._poller = task.LoopingCall(self._poll)
            self._poller.start(self.poll, now=False)
        else:
            requeued = self.frontier.requeue_in_flight()
        retried = self.frontier.requeue_dropped(self.retry_dropped)
        if retried:
            self.stats.set_value("cobweb/frontier/retried_drops", retried)
            logger.info("frontier: %s URLs dropped earlier (%s) queued again",
                        retried, ", ".join(self.retry_dropped))
        counts = self.frontier.stats()
        self._started = counts["done"] + counts["dropped"]
        self.stats.set_value("cobweb/frontier/finished_before", self._started)
        if self.worker_id:  # a worker's --max-pages is its share of this run (docs/workers.md)
            self._started = 0
        self.max_pages = int(getattr(spider, "max_pages", 0) or 0)
        self._set_stats()
        if self._started or requeued:
            logger.info("frontier resumed: %s URLs finished, %s queued (%s were in flight)",
                        self._started, counts["queued"], requeued)
        sig = self.crawler.signals
        sig.connect(self._item_finished, signal=signals.item_scraped)
        sig.connect(self._item_finished, signal=signals.item_dropped)
        sig.connect(self._item_finished, signal=signals.item_error)
        sig.connect(self._spider_error, signal=signals.spider_error)
        sig.connect(self._rejected, signal=request_rejected)

    def close(self, reason: str) -> None:
        if self.frontier is None:
            return
        if self._poller is not None and self._poller.running:
            self._poller.stop()
        self._flush()
        while self._ready:  # popped but never handed to the engine (a stop, Ctrl-C): queued again
            self.frontier.retry(self._ready.popleft())
        self._set_stats()
        dropped = self.frontier.dropped_counts()
        self.stats.set_value("cobweb/frontier/retryable", sum(dropped.get(r, 0) for r in NETWORK_REASONS))
        logger.info("frontier closed (%s): %s", reason, self.frontier.stats())
        self.frontier.close()
        self.frontier = None

    def has_pending_requests(self) -> bool:
        if self._ready:
            return True
        if self._budget_left() <= 0:
            return False
        if self.worker_id:  # the crawl goes on while any worker has work
            return bool(self._buffer) or self._active
        return bool(self._buffer) or self._frontier.pending() > 0

    def __len__(self) -> int:
        return len(self._ready) + len(self._buffer) + self._frontier.pending()

    def enqueue_request(self, request: Request) -> bool:
        try:
            key = canonical_url(request.url)
        except ValueError:
            self.crawler.signals.send_catch_log(request_rejected, request=request,
                                                reason="bad_url", detail=request.url)
            return False
        origin = request.meta.get(FRONTIER_KEY)
        entry = self._entry(key, request)
        if origin == key or (origin is None and request.dont_filter):
            # the same entry again: a retry (or a redirect to another spelling of itself)
            self._flush()
            self._frontier.retry(entry)
            self.stats.inc_value("cobweb/frontier/requeued")
            self._set_stats()
            return True
        fresh = (key not in self._known and key not in self._buffer
                 and not self._frontier.seen(key))
        if len(self._known) >= _KNOWN_MAX:
            self._known.clear()
        self._known.add(key)
        if fresh:
            self._buffer[key] = entry
            self.stats.inc_value("scheduler/enqueued")
        else:
            self.stats.inc_value("cobweb/frontier/duplicates")
        if origin is not None:  # a redirect: the origin's fetch ends here
            self._finish(origin)
        return fresh

    def next_request(self) -> Request | None:
        if not self._ready:
            want = min(self.batch_size, self._budget_left())
            if want <= 0:
                return None
            self._flush()
            popped = self._frontier.pop(want)
            self._started += len(popped)
            self._ready.extend(popped)
            self._set_stats()
            if not popped:
                return None
        self.stats.inc_value("scheduler/dequeued")
        return self._request(self._ready.popleft())

    # -- several workers -----------------------------------------------------

    def _poll(self) -> None:
        """Heartbeat, reclaim and read the shared frontier's state; wake the engine, which
        otherwise looks for requests only when one of its own downloads ends."""
        frontier = self.frontier
        if frontier is None:
            return
        now = time.monotonic()
        if now - self._beat_at >= self.heartbeat:
            self._beat_at = now
            frontier.heartbeat()
            if frontier.reclaim(self.stale_after):
                self.stats.inc_value("cobweb/frontier/reclaimed")
        self._active = frontier.active()
        slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy has no public "look again"
        if slot is not None and not self._ready:
            slot.nextcall.schedule()

    # -- entries and requests ------------------------------------------------

    @property
    def _frontier(self) -> Frontier:
        if self.frontier is None:
            raise RuntimeError("FrontierScheduler used before open() or after close()")
        return self.frontier

    def _budget_left(self) -> int:
        if self.max_pages <= 0:
            return self.batch_size
        return self.max_pages - self._started

    def _entry(self, key: str, request: Request) -> FrontierEntry:
        meta = {k: v for k, v in request.meta.items() if k not in _TRANSIENT_META}
        if not all(isinstance(v, _PLAIN) for v in meta.values()) and not _jsonable(meta):
            meta = {k: v for k, v in meta.items() if _jsonable(v)}
        spider = self.spider
        for name, func in ((_CALLBACK, request.callback), (_ERRBACK, request.errback)):
            if func is not None and getattr(func, "__self__", None) is spider:
                meta[name] = func.__name__
        referer = request.meta.get("referer") or request.headers.get(b"Referer", b"").decode("latin-1")
        return FrontierEntry(key, int(request.meta.get("depth", 0)), referer, meta,
                             fetch_url(request.url))

    def _request(self, entry: FrontierEntry) -> Request:
        meta = dict(entry.meta)
        callback = meta.pop(_CALLBACK, None)
        errback = meta.pop(_ERRBACK, None)
        meta[FRONTIER_KEY] = entry.url
        meta["depth"] = entry.depth
        if entry.referer:
            meta["referer"] = entry.referer
        return Request(
            entry.target,
            callback=getattr(self.spider, callback) if callback else None,
            errback=getattr(self.spider, errback) if errback else None,
            meta=meta,
        )

    def _flush(self) -> None:
        """Write the buffered new entries in one transaction."""
        if self._buffer:
            self._frontier.add(self._buffer.values())
            self._buffer.clear()

    def _finish(self, key: str) -> None:
        """Mark ``key`` done once everything it produced is durable."""
        self._flush()
        self._frontier.done([key])

    def _set_stats(self) -> None:
        queued = self._frontier.pending() + len(self._buffer) + len(self._ready)
        self.stats.set_value("cobweb/frontier/queued", queued)

    # -- signal handlers -----------------------------------------------------

    def _item_finished(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        if not isinstance(item, (PageRecord, FetchOutcome)) or self.frontier is None:
            return
        key = getattr(getattr(response, "request", None), "meta", {}).get(FRONTIER_KEY)
        if key is None:
            return
        if isinstance(item, FetchOutcome) and item.reason is not None:
            # a failure the errback recorded (HTTP error, network error): given up, with
            # its reason, so a resume can queue it again (COBWEB_RETRY_DROPPED)
            self._flush()
            self.frontier.dropped(key, item.reason)
        else:
            self._finish(key)
        self._set_stats()

    def _spider_error(self, failure: Any, response: Any, **kwargs: Any) -> None:
        key = getattr(getattr(response, "request", None), "meta", {}).get(FRONTIER_KEY)
        if key is not None and self.frontier is not None:
            self._finish(key)

    def _rejected(self, request: Request, reason: str, detail: str = "", **kwargs: Any) -> None:
        key = request.meta.get(FRONTIER_KEY)
        if key is not None and self.frontier is not None:
            self._flush()
            self.frontier.dropped(key, reason)  # type: ignore[arg-type]
