"""The browser's requests obey the crawl's politeness: robots.txt and per-site download slots.

:class:`CrawlPoliteness` ties :class:`crawler.render.browser.Renderer` to the
running crawl, so a rendered page and its views cost a site no more than
ordinary requests do:

* :meth:`CrawlPoliteness.robots_verdict` asks the crawl's own robots.txt
  middleware (:class:`crawler.middlewares.politeness.RobotsTxtRecorder`: the
  same parser cache, ``ROBOTSTXT_PARSER`` and user agent; a robots.txt not yet
  read is downloaded through the engine like any other) whether a navigation
  of the browser (a frame, a JS or meta redirect, a redirect hop) may go;
* :meth:`CrawlPoliteness.hold` takes a place in Scrapy's own download slot of
  the URL's site (the slot ordinary requests wait in: ``CONCURRENT_REQUESTS_PER_DOMAIN``
  and the slot's delay, AutoThrottle's included) for as long as the browser's
  request is on the wire, so ordinary requests and the browser's, of every
  view, share one per-site limit (a redirect hop to another site goes on in
  the place of the URL first asked for).

Without a running crawl (the renderer on its own) nothing is checked or held.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.render.guard import Verdict

__all__ = ["CrawlPoliteness", "ROBOTS_DETAIL"]

logger = logging.getLogger(__name__)

#: The detail of a browser navigation refused by robots.txt.
ROBOTS_DETAIL = "disallowed by robots.txt"
#: How often a request waiting for a place in its site's slot looks again (seconds).
_POLL = 0.02


class CrawlPoliteness:
    """robots.txt and per-site slots of a running crawl, for the browser's requests."""

    def __init__(self, crawler: Crawler, poll: float = _POLL) -> None:
        self.crawler = crawler
        self.poll = poll
        self.held = 0  # places taken in download slots
        self.waited = 0.0  # seconds spent waiting for them

    def _robots_middleware(self) -> RobotsTxtMiddleware | None:
        engine = self.crawler.engine
        if engine is None:
            return None
        for mw in engine.downloader.middleware.middlewares:
            if isinstance(mw, RobotsTxtMiddleware):
                return mw
        return None  # ROBOTSTXT_OBEY is off

    async def robots_verdict(self, url: str) -> Verdict:
        """``("robots_txt", ...)`` when the crawl's robots.txt rules refuse ``url``, else None."""
        mw = self._robots_middleware()
        if mw is None or not url.startswith(("http://", "https://")):
            return None
        request = Request(url)
        parser = await mw.robot_parser(request)
        if parser is None:
            return None
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get(
            "USER_AGENT") or "*"
        if parser.allowed(url, agent):
            return None
        self.crawler.stats.inc_value("robotstxt/forbidden")
        return "robots_txt", ROBOTS_DETAIL

    @asynccontextmanager
    async def hold(self, url: str) -> AsyncIterator[float]:
        """Hold a transfer place in the download slot of ``url``'s site; yields the seconds waited.

        Waits until the slot has a free place and its delay has passed since
        its last request started (what Scrapy's downloader waits for), marks
        the place taken, and frees it afterwards, letting the slot's queued
        requests go on.
        """
        engine = self.crawler.engine
        if engine is None:
            yield 0.0
            return
        downloader = engine.downloader
        placeholder = Request(url, meta={"cobweb_render_placeholder": True})
        started = time.monotonic()
        while True:
            _, slot = downloader._get_slot(placeholder)  # noqa: SLF001 -- the slot ordinary requests use
            now = time.monotonic()
            if (slot.free_transfer_slots() > 0 and slot.latercall is None
                    and now - slot.lastseen >= slot.delay):
                break
            await asyncio.sleep(self.poll)
        waited = time.monotonic() - started
        slot.lastseen = time.monotonic()
        slot.active.add(placeholder)  # an active slot is not collected meanwhile
        slot.transferring.add(placeholder)
        self.held += 1
        self.waited += waited
        try:
            yield waited
        finally:
            slot.transferring.discard(placeholder)
            slot.active.discard(placeholder)
            downloader._process_queue(slot)  # noqa: SLF001 -- what finishing a transfer does
