"""Redirect loops and redirect caps, recorded before Scrapy follows or drops them.

Scrapy's RedirectMiddleware (order 600) and MetaRefreshMiddleware (580) drop a
chain over ``REDIRECT_MAX_TIMES`` without a trace, and follow a loop until that
cap. These guards look at the same responses first and refuse:

* ``redirect_loop``: the target is already in the request's redirect chain
  (compared as canonical URLs, so a session id does not hide a loop);
* ``too_many_redirects``: the chain already has ``REDIRECT_MAX_TIMES`` hops;
* ``forbidden_scheme``: a redirect to anything but http(s) (``file:///etc/passwd``),
  which Scrapy would not follow but would hand to the spider as a 3xx page.

:class:`RedirectGuardMiddleware` sits at 610 (sees 3xx responses before
RedirectMiddleware), :class:`MetaRefreshGuardMiddleware` at 585 (sees
decompressed HTML before MetaRefreshMiddleware). A followed redirect goes
back through the scheduler and the whole downloader chain, so its target is
checked by :class:`~crawler.middlewares.safety.SafeTargetMiddleware` and
:class:`~crawler.middlewares.limits.LimitsMiddleware` like any request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh
from w3lib.url import safe_url_string

from crawler.middlewares.rejection import reject
from crawler.urls import redirects_back

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["RedirectGuardMiddleware", "MetaRefreshGuardMiddleware"]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class _RedirectGuard:
    enabled_setting = "REDIRECT_ENABLED"
    kind = "redirect"

    def __init__(self, crawler: Crawler, *, max_times: int = 20) -> None:
        self.crawler = crawler
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool(cls.enabled_setting) or not settings.getbool("COBWEB_LIMITS_ENABLED", True):
            raise NotConfigured
        return cls(crawler, max_times=settings.getint("REDIRECT_MAX_TIMES"))

    def check(self, request: Request, target: str) -> None:
        """Refuse following ``request``'s response to ``target`` when it loops or exceeds the cap."""
        if urlsplit(target).scheme not in ("http", "https"):
            raise reject(self.crawler, request, "forbidden_scheme", f"{self.kind} to {target}")
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        if redirects_back(target, chain):
            raise reject(self.crawler, request, "redirect_loop", f"{self.kind} back to {target}")
        hops = request.meta.get("redirect_times", 0)
        if hops >= self.max_times or request.meta.get("redirect_ttl", self.max_times) <= 0:
            raise reject(self.crawler, request, "too_many_redirects",
                         f"{self.kind} to {target} after {hops} hops")

    @staticmethod
    def _skipped(request: Request, response: Response) -> bool:
        return bool(
            request.meta.get("dont_redirect")
            or request.meta.get("handle_httpstatus_all")
            or response.status in request.meta.get("handle_httpstatus_list", ())
        )


class RedirectGuardMiddleware(_RedirectGuard):
    """Guards HTTP redirects (3xx with Location); order 610."""

    def process_response(self, request: Request, response: Response) -> Response:
        if (response.status not in _REDIRECT_STATUSES or b"Location" not in response.headers
                or self._skipped(request, response)):
            return response
        location = response.headers[b"Location"] or b""
        if location.startswith(b"//"):
            location = f"{request.url.split(':', 1)[0]}:".encode() + location
        self.check(request, urljoin(request.url, safe_url_string(location)))
        return response


class MetaRefreshGuardMiddleware(_RedirectGuard):
    """Guards ``<meta http-equiv=refresh>`` redirects; order 585."""

    enabled_setting = "METAREFRESH_ENABLED"
    kind = "meta refresh"

    def __init__(self, crawler: Crawler, *, max_times: int = 20, max_delay: float = 100,
                 ignore_tags: list[str] | None = None) -> None:
        super().__init__(crawler, max_times=max_times)
        self.max_delay = max_delay
        self.ignore_tags = ignore_tags if ignore_tags is not None else ["noscript"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        guard = super().from_crawler(crawler)
        guard.max_delay = crawler.settings.getfloat("METAREFRESH_MAXDELAY")
        guard.ignore_tags = crawler.settings.getlist("METAREFRESH_IGNORE_TAGS")
        return guard

    def process_response(self, request: Request, response: Response) -> Response:
        if (not isinstance(response, HtmlResponse) or request.method == "HEAD"
                or self._skipped(request, response)):
            return response
        interval, url = get_meta_refresh(response, ignore_tags=self.ignore_tags)
        if url and interval is not None and interval < self.max_delay:
            self.check(request, url)
        return response
