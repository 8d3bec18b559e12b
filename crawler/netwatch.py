"""Stop a crawl whose proxy is down, instead of failing every queued URL.

:class:`NetworkWatch` (downloader middleware, order 745: next to the
downloader, so it sees each failed attempt's own exception, retries included)
counts the failures to connect to the proxy in a row: refused connection,
proxy name that does not resolve, no route. Through a proxy, only the proxy
refuses connections: a dead site is an HTTP error of the proxy, and a site
that breaks off a response is no connection failure. Any response resets the
count. After ``COBWEB_NETWORK_DOWN_AFTER`` of them it closes the spider with
the reason ``network_down`` and keeps the proxy in the stats
(``cobweb/network_down``). The URLs that failed stay retryable (see
:data:`crawler.frontier.base.NETWORK_REASONS`) and the queue is untouched:
``cobweb crawl --resume`` continues once the proxy is back. Direct crawls
are not watched: there, a run of dead sites looks like a dead network.

>>> from scrapy import Request
>>> from scrapy.utils.test import get_crawler
>>> from twisted.internet.error import ConnectionLost
>>> watch = NetworkWatch(get_crawler(), after=2)
>>> proxied = Request("http://a.example/", meta={"proxy": "http://127.0.0.1:1"})
>>> watch.process_exception(proxied, DownloadConnectionRefusedError())
>>> watch.process_response(proxied, None), watch.failures
(None, 0)
>>> watch.process_exception(proxied, ConnectionLost())  # the site broke off: not the proxy
>>> watch.process_exception(Request("http://c.example/"), DownloadConnectionRefusedError())
>>> watch.failures  # direct requests are not watched
0
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.error import ConnectError, DNSLookupError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["NetworkWatch", "NETWORK_DOWN"]

logger = logging.getLogger(__name__)

#: The close reason of a crawl stopped by :class:`NetworkWatch`.
NETWORK_DOWN = "network_down"
#: Failures to connect (twisted's own, and Scrapy's wrappers of them). A TCP
#: connect timeout is a ConnectError and counts; a download timeout does not:
#: through a proxy it may be the site's.
CONNECT_ERRORS: tuple[type[BaseException], ...] = (
    DownloadConnectionRefusedError, CannotResolveHostError, DNSLookupError, ConnectError)


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
        return cls(crawler, after)

    def process_response(self, request: Request, response: Any) -> Any:
        self.failures = 0
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if self.closing or not request.meta.get("proxy"):
            return
        if not isinstance(exception, CONNECT_ERRORS):
            return
        self.failures += 1
        if self.failures < self.after:
            return
        self.closing = True
        self.crawler.stats.set_value("cobweb/network_down", request.meta["proxy"])
        logger.info("%s failures to connect to the proxy in a row (last: %s): closing the spider",
                    self.failures, exception)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=NETWORK_DOWN))
