"""Item pipelines: artifact extraction, then the run's store.

``ExtractionPipeline`` fills :attr:`PageRecord.artifacts`; ``StorePipeline``
writes each page to ``RUN_DIR/crawl.sqlite`` in one transaction, records every
:data:`crawler.signals.request_rejected` and failed fetch as a
:class:`~crawler.records.DropRecord`, records each resolved short link
(:class:`~crawler.records.LinkTarget`) and gives its target's artifacts to the
pages that carry it, and keeps the run's parameters in the store's metadata.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.diskfull import disk_refused, stop_on_full_disk
from crawler.extraction import ParsedPage, extract_artifacts, parse_page
from crawler.extraction.link_targets import target_artifacts
from crawler.records import DropReason, DropRecord, LinkTarget, PageRecord
from crawler.signals import request_rejected
from crawler.spiders.outcome import FetchOutcome
from crawler.store import PageStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["ExtractionPipeline", "StorePipeline"]

logger = logging.getLogger(__name__)

def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ExtractionPipeline:
    """Extract the artifacts (handles, images, domains, ...) of each page.

    Extraction runs in the reactor's thread pool, not on the reactor thread:
    a page that takes seconds to read (megabytes of phone-like digits) delays
    only itself, never the other downloads.
    """

    def __init__(self, crawler: Crawler, enabled: bool = True) -> None:
        if not enabled:
            raise NotConfigured("COBWEB_EXTRACTION_ENABLED is off")
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler, crawler.settings.getbool("COBWEB_EXTRACTION_ENABLED", True))

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, PageRecord) and item.html:
            parsed = self._kept_parse(item)
            item.artifacts, cut_short = await maybe_deferred_to_future(deferToThread(_extract, item, parsed))
            self._record_cut_short(item, cut_short)
        return item

    def extract(self, item: Any) -> Any:
        """:meth:`process_item` in the calling thread."""
        if isinstance(item, PageRecord) and item.html:
            item.artifacts, cut_short = _extract(item, self._kept_parse(item))
            self._record_cut_short(item, cut_short)
        return item

    def _record_cut_short(self, item: PageRecord, cut_short: list[str]) -> None:
        """A page stored with what was extracted before a budget ran out: an ``extraction_budget`` drop."""
        if cut_short:
            self.crawler.signals.send_catch_log(request_rejected, request=Request(item.url),
                                                reason="extraction_budget", detail="; ".join(cut_short))

    def _kept_parse(self, item: PageRecord) -> ParsedPage | None:
        """The spider's own parse of the page, when it kept it (no second parse)."""
        take = getattr(self.crawler.spider, "take_parsed", None)
        return take(item.url) if take is not None else None


def _extract(item: PageRecord, parsed: ParsedPage | None) -> tuple[list, list[str]]:
    """The page's artifacts, and what was left unread (see :func:`extract_artifacts`)."""
    if parsed is None:
        parsed = parse_page(item.html or "", item.url)
    cut_short: list[str] = []
    artifacts = extract_artifacts(item.html or "", item.url, parsed=parsed, redirect_chain=item.redirect_chain,
                                  cut_short=cut_short)
    return artifacts, cut_short


class StorePipeline:
    """Write pages and drops to the run's :class:`~crawler.store.PageStore`.

    Parameters
    ----------
    crawler : Crawler
    store_html : bool
        Keep each page's HTML (``COBWEB_STORE_HTML``).
    """

    def __init__(self, crawler: Crawler, store_html: bool = True) -> None:
        self.crawler = crawler
        self.store_html = store_html
        self.store: PageStore | None = None
        self.disk_full = False
        crawler.signals.connect(self.record_rejection, signal=request_rejected)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, crawler.settings.getbool("COBWEB_STORE_HTML", True))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.store = PageStore.open_run(spider.run_dir)
        if hasattr(spider, "run_params"):
            self.store.set_meta("spider_params", spider.run_params())
        self.store.set_meta("started_at", _utc_now())

    def close_spider(self) -> None:
        if self.store is not None:
            try:
                self.store.set_meta("stopped_at", _utc_now())
            except sqlite3.OperationalError as exc:
                if not disk_refused(exc):
                    raise
            self.store.close()
            self.store = None

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageRecord):
            if not self.store_html:
                item.html = None
            self._write(self._add_page, item)
            self.crawler.stats.inc_value("cobweb/pages_stored")
            return item
        if isinstance(item, LinkTarget):
            pages = self._write(self._store().add_link_target, item, target_artifacts(item.target))
            self.crawler.stats.inc_value("cobweb/short_links_resolved")
            logger.debug("short link %s -> %s (%d pages)", item.link, item.target or "nowhere", pages)
            raise DropItem("short link recorded", log_level="DEBUG")
        if isinstance(item, FetchOutcome):
            if item.reason is not None:
                self._drop(item.url, item.reason, item.detail)
            raise DropItem("fetch outcome recorded", log_level="DEBUG")
        return item

    def _add_page(self, item: PageRecord) -> None:
        store = self._store()
        links = [a.label for a in item.artifacts if a.kind == "link"]
        if links:  # short links resolved before this page was stored
            for target in store.link_targets(links).values():
                item.artifacts.extend(target_artifacts(target))
        store.add_page(item)

    def _write(self, write: Callable[..., Any], *args: Any) -> Any:
        """``write(*args)`` to the store, unless the disk is full: then the item is not stored."""
        if self.disk_full:
            raise DropItem("the disk is full: not stored", log_level="DEBUG")
        try:
            return write(*args)
        except sqlite3.OperationalError as exc:
            if not disk_refused(exc):
                raise
            self._stop_on_full_disk(exc)
            raise DropItem("the disk is full: not stored", log_level="DEBUG") from None

    def record_rejection(self, request: Request, reason: DropReason, detail: str = "",
                         **kwargs: Any) -> None:
        """Handler of :data:`crawler.signals.request_rejected`."""
        self._drop(request.url, reason, detail)

    def _drop(self, url: str, reason: DropReason, detail: str) -> None:
        self.crawler.stats.inc_value(f"cobweb/dropped/{reason}")
        if self.store is None:
            logger.warning("drop outside the run (store closed): %s %s", reason, url)
            return
        if self.disk_full:
            return
        try:
            self.store.add_drop(DropRecord(url, reason, detail, _utc_now()))
        except sqlite3.OperationalError as exc:
            if not disk_refused(exc):
                raise
            self._stop_on_full_disk(exc)

    def _stop_on_full_disk(self, exc: sqlite3.OperationalError) -> None:
        """Stop the crawl: what is stored stays, ``--resume`` continues after space is freed."""
        self.disk_full = True
        stop_on_full_disk(self.crawler, exc)

    def _store(self) -> PageStore:
        if self.store is None:
            raise RuntimeError("StorePipeline used before open_spider()")
        return self.store
