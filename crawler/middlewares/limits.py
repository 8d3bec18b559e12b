"""Limits that keep a hostile site from exhausting the crawl, each drop recorded.

:class:`LimitsMiddleware` (downloader, order 60) refuses before any byte is
sent:

* ``url_too_long``: URLs longer than ``URLLENGTH_LIMIT``;
* ``not_html``: links to obvious non-pages (``.pdf``, ``.png``, archives,
  media: Scrapy's ``IGNORED_EXTENSIONS``);
* ``redirect_loop``: a redirected request back to a URL of its own chain;
* ``site_budget``: a site (registered domain) that already answered
  ``COBWEB_SITE_BUDGET`` requests, robots.txt requests included;
* ``too_many_hosts``: a new host of a site that already introduced
  ``COBWEB_SITE_HOSTS`` hosts (wildcard DNS traps);
* ``url_trap``: a URL that grows self-similarly (:func:`crawler.traps.url_trap`).

It stops downloads at headers time whose ``Content-Type`` is not a page
(``not_html``), and turns download failures left after retries into drops:
``timeout``, ``too_large`` (over ``DOWNLOAD_MAXSIZE``), ``headers_too_large``
(:mod:`crawler.headerlimits`) and ``connection_error``
(network errors only: any other exception is a bug, left to Scrapy's error
log and the spider's errback).

:class:`BoundedHttpCompressionMiddleware` replaces Scrapy's
HttpCompressionMiddleware (order 590): decompression stops at
``DOWNLOAD_MAXSIZE`` (compression bombs) and the drop is recorded as ``too_large``.

robots.txt requests made by RobotsTxtMiddleware are exempt from these limits
(never from the safe-target checks), but count against their site's budget:
a page request refused here never leads to a robots.txt request either.
"""

from __future__ import annotations

import logging
import posixpath
from urllib.parse import urlsplit
from collections import Counter
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
    StopDownload,
    UnsupportedURLSchemeError,
)
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from twisted.internet.error import ConnectError as TxConnectError
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.domains import registered_domain
from crawler.headerlimits import HeadersTooLarge
from crawler.middlewares.rejection import reject
from crawler.traps import url_trap
from crawler.urls import redirects_back

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

__all__ = [
    "LimitsMiddleware",
    "BoundedHttpCompressionMiddleware",
    "is_html_content_type",
    "non_page_extension",
    "NON_PAGE_EXTENSIONS",
]

logger = logging.getLogger(__name__)

#: Link extensions that never name an HTML page.
NON_PAGE_EXTENSIONS = frozenset(IGNORED_EXTENSIONS) | {
    "gz", "tgz", "bz2", "zst", "woff", "woff2", "ttf", "otf", "eot", "avif", "heic",
    "mkv", "flac", "epub", "mobi", "deb", "rpm", "img", "torrent", "csv", "json",
}
#: Content types a page may be served with (the spider parses these).
PAGE_CONTENT_TYPES = frozenset({"text/plain", "application/xml", "text/xml"})
#: Download failures recorded as ``connection_error`` (plus ``RETRY_EXCEPTIONS``).
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError, DownloadCancelledError,
    ResponseDataLossError, UnsupportedURLSchemeError, TxConnectError, ConnectionDone, ConnectionLost,
    OSError,
)
#: Request meta key: the Content-Type that stopped a download.
NOT_HTML_META = "cobweb_not_html"
#: Request meta key: the site whose budget this request was counted against.
SITE_META = "cobweb_site"


def is_html_content_type(value: str | bytes | None) -> bool:
    """Whether a ``Content-Type`` header may hold a page (a missing one may).

    >>> is_html_content_type(b"text/html; charset=gbk"), is_html_content_type("application/xhtml+xml")
    (True, True)
    >>> is_html_content_type(None), is_html_content_type("application/pdf"), is_html_content_type("image/png")
    (True, False, False)
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    ctype = (value or "").split(";", 1)[0].strip().lower()
    return not ctype or "html" in ctype or ctype in PAGE_CONTENT_TYPES


def non_page_extension(url: str) -> str | None:
    """The extension of a URL path that names no page (``pdf``), else None.

    >>> non_page_extension("http://a.example/doc/Report.PDF?x=1"), non_page_extension("http://a.example/a.html")
    ('pdf', None)
    >>> non_page_extension("http://a.example/x.tar.gz"), non_page_extension("http://a.example/v1.2/")
    ('gz', None)
    """
    path = url.split("#", 1)[0].split("?", 1)[0]
    ext = posixpath.splitext(path.rsplit("/", 1)[-1])[1].lower().lstrip(".")
    return ext if ext in NON_PAGE_EXTENSIONS else None


def _site(url: str) -> str:
    """The site a page counts against: its registered domain, or its host when
    the suffix is unknown (``a.example`` and ``b.example`` are two sites)."""
    site = registered_domain(url)
    return site if "." in site else (urlsplit(url).hostname or site)


def _is_robots(request: Request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and urlparse_cached(request).path == "/robots.txt"


class LimitsMiddleware:
    """Downloader middleware enforcing URL, content, redirect-loop and site-budget limits."""

    def __init__(self, crawler: Crawler, *, max_url_length: int = 2083, site_budget: int = 0,
                 site_hosts: int = 0, network_errors: tuple[type[BaseException], ...] = ()) -> None:
        self.crawler = crawler
        self.max_url_length = max_url_length
        self.site_budget = site_budget
        self.site_hosts = site_hosts
        self.network_errors = NETWORK_ERRORS + tuple(network_errors)
        self.pages_by_site: Counter[str] = Counter()
        self.hosts_by_site: dict[str, set[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("COBWEB_LIMITS_ENABLED", True):
            raise NotConfigured
        retried = tuple(load_object(x) if isinstance(x, str) else x
                        for x in settings.getlist("RETRY_EXCEPTIONS"))
        mw = cls(crawler, max_url_length=settings.getint("URLLENGTH_LIMIT"),
                 site_budget=settings.getint("COBWEB_SITE_BUDGET"),
                 site_hosts=settings.getint("COBWEB_SITE_HOSTS"), network_errors=retried)
        crawler.signals.connect(mw.headers_received, signal=signals.headers_received)
        return mw

    def process_request(self, request: Request) -> None:
        if _is_robots(request):
            return
        url = request.url
        if self.max_url_length and len(url) > self.max_url_length:
            raise reject(self.crawler, request, "url_too_long", f"{len(url)} characters")
        ext = non_page_extension(url)
        if ext:
            raise reject(self.crawler, request, "not_html", f".{ext} link")
        chain = request.meta.get("redirect_urls")
        if chain and redirects_back(url, chain):
            raise reject(self.crawler, request, "redirect_loop", f"back to {url}")
        trap = url_trap(url)
        if trap:
            raise reject(self.crawler, request, "url_trap", trap)
        site = _site(url)
        if self.site_budget:
            if self.pages_by_site[site] >= self.site_budget and request.meta.get(SITE_META) != site:
                raise reject(self.crawler, request, "site_budget",
                             f"{site}: {self.site_budget} requests answered")
        if self.site_hosts:
            hosts = self.hosts_by_site.setdefault(site, set())
            host = urlparse_cached(request).hostname or ""
            if host not in hosts:
                if len(hosts) >= self.site_hosts:
                    raise reject(self.crawler, request, "too_many_hosts",
                                 f"{site}: {self.site_hosts} hosts already")
                hosts.add(host)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.site_budget:
            site = _site(response.url)
            if _is_robots(request):
                self.pages_by_site[site] += 1
            elif request.meta.get(SITE_META) != site:
                request.meta[SITE_META] = site
                self.pages_by_site[site] += 1
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Record a download that failed for good (RetryMiddleware, later in the
        chain, has already retried what it retries)."""
        if isinstance(exception, IgnoreRequest) or _is_robots(request):
            return
        if isinstance(exception, StopDownload) and NOT_HTML_META in request.meta:
            raise reject(self.crawler, request, "not_html",
                         f"Content-Type {request.meta[NOT_HTML_META]}") from exception
        if isinstance(exception, HeadersTooLarge):
            raise reject(self.crawler, request, "headers_too_large", str(exception)) from exception
        if isinstance(exception, (DownloadTimeoutError, TxTimeoutError)):
            raise reject(self.crawler, request, "timeout", str(exception)) from exception
        if isinstance(exception, DownloadCancelledError) and self._cut_at_maxsize(exception):
            detail = str(exception) or "body over DOWNLOAD_MAXSIZE, download cut off"
            raise reject(self.crawler, request, "too_large", detail) from exception
        if isinstance(exception, self.network_errors):
            detail = f"{type(exception).__name__}: {exception}"
            raise reject(self.crawler, request, "connection_error", detail) from exception
        # anything else is a bug somewhere: let Scrapy log it and the errback record it

    def _cut_at_maxsize(self, exception: DownloadCancelledError) -> bool:
        """Whether the download handler cancelled the download for its size.

        Scrapy cancels with a "larger than download max size" message when the
        announced length is over the cap, and with an empty message when the
        streamed body crosses it; the only other cancellation, with an empty
        message too, comes from an engine that is shutting down.
        """
        message = str(exception)
        if message:
            return "max size" in message
        try:
            return bool(self.crawler.engine.running)
        except RuntimeError:  # no engine yet: not shutting down
            return True

    def headers_received(self, headers: Headers, body_length: int, request: Request) -> None:
        """Stop a download whose Content-Type is no page, before its body."""
        if _is_robots(request) or b"Location" in headers:
            return
        ctype = headers.get(b"Content-Type")
        if not is_html_content_type(ctype):
            request.meta[NOT_HTML_META] = (ctype or b"").decode("latin-1")[:100]
            raise StopDownload(fail=True)


class BoundedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """HttpCompressionMiddleware recording bodies that inflate past DOWNLOAD_MAXSIZE as ``too_large``.

    Scrapy stops decompressing at ``DOWNLOAD_MAXSIZE`` (memory stays bounded)
    and ignores the response; this subclass records the drop.
    """

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = super().from_crawler(crawler)
        mw.crawler = crawler
        return mw

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise reject(self.crawler, request, "too_large", str(exc)) from exc
