"""Per-site politeness across workers: a downloader middleware over a :class:`SiteBudget`.

Scrapy's own per-domain limits hold inside one process; when several workers
share a crawl (``cobweb crawl --workers N``, or Redis), every request first
takes a slot of its site (registered domain) from the shared budget named by
``COBWEB_SITE_BUDGET_CLASS``, waiting as long as the budget says, and gives it
back when its response or failure arrives. On with ``COBWEB_SITE_BUDGET_ENABLED``
(set when more than one worker runs). See ``docs/workers.md``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.domains import registered_domain
from crawler.middlewares.retry import Sleep, reactor_sleep

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.sitebudget.base import SiteBudget

__all__ = ["SiteBudgetMiddleware", "SLOT_META"]

#: Request meta key: the site whose slot the request holds (removed when given back).
SLOT_META = "cobweb_site_slot"


class SiteBudgetMiddleware:
    """Take a slot of the request's site before it is sent; give it back after.

    Parameters
    ----------
    crawler : Crawler
    budget_cls : type
        A :class:`~crawler.sitebudget.base.SiteBudget`, built when the spider opens.
    sleep : callable
        ``await sleep(seconds)`` (tests pass their own).
    """

    def __init__(self, crawler: Crawler, budget_cls: type[SiteBudget], *, enabled: bool = True,
                 sleep: Sleep | None = None) -> None:
        if not enabled:
            raise NotConfigured  # no message: off is the default of one worker
        self.crawler = crawler
        self.budget_cls = budget_cls
        self.budget: SiteBudget | None = None
        self.sleep = sleep or reactor_sleep
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudgetMiddleware:
        settings = crawler.settings
        return cls(crawler, load_object(settings["COBWEB_SITE_BUDGET_CLASS"]),
                   enabled=settings.getbool("COBWEB_SITE_BUDGET_ENABLED"))

    def _budget(self) -> SiteBudget:
        if self.budget is None:
            self.budget = build_from_crawler(self.budget_cls, self.crawler)
        return self.budget

    async def process_request(self, request: Request) -> None:
        site = registered_domain(request.url) or request.url
        budget = self._budget()
        while (wait := budget.acquire(site, time.time())) > 0:
            await self.sleep(wait)
        request.meta[SLOT_META] = site

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        site = request.meta.pop(SLOT_META, None)
        if site is not None and self.budget is not None:
            self.budget.release(site)

    def spider_closed(self, **kwargs: Any) -> None:
        if self.budget is not None:
            self.budget.close()
            self.budget = None
