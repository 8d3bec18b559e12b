"""Send every request through one HTTP proxy (``cobweb crawl --proxy URL``).

The middleware sets ``request.meta["proxy"]`` (unless a request already has
one); Scrapy's ``HttpProxyMiddleware``, which runs after it, then connects
through that proxy. With ``COBWEB_PROXY`` empty the middleware is off, and
``HttpProxyMiddleware`` honours ``http_proxy``/``https_proxy`` as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["ProxyMiddleware"]


class ProxyMiddleware:
    """Route each request through ``proxy``.

    >>> from scrapy import Request
    >>> r = Request("http://leb-help.com/")
    >>> ProxyMiddleware("http://127.0.0.1:8899").process_request(r)
    >>> r.meta["proxy"]
    'http://127.0.0.1:8899'
    """

    def __init__(self, proxy: str | None) -> None:
        if not proxy:
            # no message: Scrapy would log one as a warning on every crawl without
            # --proxy, even while http_proxy is in use
            raise NotConfigured
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        return cls(crawler.settings.get("COBWEB_PROXY"))

    def process_request(self, request: Request) -> None:
        if "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
