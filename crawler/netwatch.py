"""Stop a crawl whose proxy is down, instead of failing every queued URL.

:class:`NetworkWatch` counts connection errors of proxied requests in a row
(``connection_error`` drops: through a proxy, only the proxy itself refuses
connections; a dead site is an HTTP error of the proxy), any response
resetting the count. After ``COBWEB_NETWORK_DOWN_AFTER`` of them it closes the
spider with the reason ``network_down`` and keeps the proxy in the stats
(``cobweb/network_down``). Direct crawls are not watched: there, a run of
dead sites looks like a dead network. The URLs that failed
stay retryable (see :data:`crawler.frontier.base.NETWORK_REASONS`) and the
queue is untouched: ``cobweb crawl --resume`` continues once the network is back.

>>> from scrapy import Request
>>> from scrapy.utils.test import get_crawler
>>> watch = NetworkWatch(get_crawler(), after=2)
>>> watch.rejected(Request("http://a.example/", meta={"proxy": "http://127.0.0.1:1"}), "connection_error")
>>> watch.response_received()
>>> watch.rejected(Request("http://b.example/", meta={"proxy": "http://127.0.0.1:1"}), "timeout")
>>> watch.rejected(Request("http://c.example/"), "connection_error")  # direct: not watched
>>> watch.failures
0
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.signals import request_rejected

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["NetworkWatch", "NETWORK_DOWN"]

logger = logging.getLogger(__name__)

#: The close reason of a crawl stopped by :class:`NetworkWatch`.
NETWORK_DOWN = "network_down"


class NetworkWatch:
    """Close the spider after ``after`` connection errors of proxied requests in a row.

    Parameters
    ----------
    crawler : Crawler
    after : int
        Connection errors in a row, no response between, that mean the path is down.
    """

    def __init__(self, crawler: Crawler, after: int = 20) -> None:
        self.crawler = crawler
        self.after = after
        self.failures = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkWatch:
        after = crawler.settings.getint("COBWEB_NETWORK_DOWN_AFTER", 20)
        if after <= 0:
            raise NotConfigured("COBWEB_NETWORK_DOWN_AFTER is 0")
        watch = cls(crawler, after)
        crawler.signals.connect(watch.rejected, signal=request_rejected)
        crawler.signals.connect(watch.response_received, signal=signals.response_received)
        return watch

    def response_received(self, **kwargs: Any) -> None:
        self.failures = 0

    def rejected(self, request: Request, reason: str, detail: str = "", **kwargs: Any) -> None:
        if reason != "connection_error" or self.closing or not request.meta.get("proxy"):
            return
        self.failures += 1
        if self.failures < self.after:
            return
        self.closing = True
        self.crawler.stats.set_value("cobweb/network_down", request.meta["proxy"])
        logger.info("%s connection errors in a row (last: %s): closing the spider", self.failures,
                    detail)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=NETWORK_DOWN))
