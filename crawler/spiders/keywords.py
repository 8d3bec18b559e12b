"""The ``keywords`` spider: collect pages whose text mentions a keyword.

Arguments (``scrapy crawl keywords -a NAME=VALUE``; lists are comma-separated
when given as text)::

    seeds      file of seed URLs, one a line, ``#`` comments
    urls       seed URLs
    keywords   keywords; a page matches when its title or text mentions any
    depth      link depth from the seeds (default 3)
    max_pages  stop after this many fetched URLs, 0 for no cap (the scheduler enforces it)
    run_dir    the run directory holding ``crawl.sqlite`` (default: the COBWEB_RUN_DIR
               setting, else ``crawl-run``)

For every response the spider yields the requests for its links first and then
exactly one last output: the :class:`~crawler.records.PageRecord` of a
matching page, or a :class:`~crawler.spiders.outcome.FetchOutcome`. The
frontier marks the URL done when that last output has passed the pipelines
(see ``docs/crawling.md``). Links of non-matching pages are followed when
``COBWEB_FOLLOW_NONMATCHING`` is on (the default).

Short links on a matching page (``bit.ly/x``, a host of
``crawler/extraction/data/shorteners.txt``) are evidence of the page, so each is
resolved with one request whose redirect is not followed
(:meth:`KeywordsSpider.resolved`): its target is recorded as a
:class:`~crawler.records.LinkTarget` and then crawled like any link.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import scrapy
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as neterror
from twisted.python.failure import Failure

from crawler.extraction import ParsedPage, decode_html, keyword_matches, parse_page
from crawler.extraction.links import short_link_label
from crawler.linkpolicy import NOFOLLOW_DOMAINS, LinkRules
from crawler.middlewares.limits import is_html_content_type
from crawler.records import DropReason, LinkTarget, PageRecord
from crawler.spiders.outcome import FetchOutcome
from crawler.urls import canonical_url, is_http_url
from crawler.warc.capture import WARC_META

__all__ = ["KeywordsSpider", "read_seeds", "as_list"]

logger = logging.getLogger(__name__)


def as_list(value: str | Sequence[str] | None) -> list[str]:
    """A spider argument as a list: text is split on commas and newlines.

    >>> as_list("esim, 续费,,"), as_list(["a b"]), as_list(None)
    (['esim', '续费'], ['a b'], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    return [v.strip() for v in value if v and v.strip()]


def read_seeds(path: str | Path) -> list[str]:
    """The URLs of a seeds file: one a line, blank lines and ``#`` comments skipped."""
    urls = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            urls.append(line.split()[0])
    return urls


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


#: Parsed pages kept for :meth:`KeywordsSpider.take_parsed` (the latest records).
_PARSED_KEPT = 64
#: HTTP statuses of a redirect: a short link's answer.
_REDIRECT_STATUSES = [301, 302, 303, 307, 308]
_TIMEOUTS = (DownloadTimeoutError, neterror.TimeoutError, neterror.TCPTimedOutError)
#: ``request.meta`` key: the pages a JS redirect (found by crawler.render) came from.
JS_REDIRECTED_FROM = "cobweb_js_redirected_from"


def _failure_reason(failure: Failure) -> tuple[DropReason | None, str]:
    """The drop code of a failed request, None when a component already recorded it."""
    if failure.check(HttpError):
        return "http_error", f"HTTP {failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return None, str(failure.value)
    if failure.check(*_TIMEOUTS):
        return "timeout", str(failure.value)
    return "connection_error", f"{failure.type.__name__}: {failure.value}"


class KeywordsSpider(scrapy.Spider):
    """Follow links from seed URLs and collect pages that mention keywords."""

    name = "keywords"

    def __init__(self, seeds: str | None = None, urls: str | Sequence[str] | None = None,
                 keywords: str | Sequence[str] | None = None, depth: int | str = 3,
                 max_pages: int | str = 0, run_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed_urls = (read_seeds(seeds) if seeds else []) + as_list(urls)
        self.keywords = as_list(keywords)
        self.max_depth = int(depth)
        self.max_pages = int(max_pages)
        self.run_dir = run_dir
        self._parsed: OrderedDict[str, ParsedPage] = OrderedDict()
        self.follow_nonmatching = True
        self.link_rules = LinkRules(NOFOLLOW_DOMAINS)
        if not self.keywords:
            raise ValueError("keywords spider: give at least one keyword (-a keywords=a,b)")

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> KeywordsSpider:  # noqa: ANN001
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.run_dir:
            spider.run_dir = crawler.settings.get("COBWEB_RUN_DIR") or "crawl-run"
        spider.follow_nonmatching = crawler.settings.getbool("COBWEB_FOLLOW_NONMATCHING", True)
        spider.link_rules = LinkRules.from_domains(crawler.settings.getlist("COBWEB_NOFOLLOW_DOMAINS"))
        return spider

    def run_params(self) -> dict[str, Any]:
        """The spider's arguments, as stored in the run's metadata."""
        return {"seeds": self.seed_urls, "keywords": self.keywords, "depth": self.max_depth,
                "max_pages": self.max_pages}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.seed_urls:
            if not is_http_url(url):
                logger.warning("seed skipped, not an http(s) URL: %s", url)
                continue
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, meta={"depth": 0})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not is_html_content_type(ctype):
            yield FetchOutcome(response.url, "not_html", ctype)
            return
        html = decode_html(response.body, ctype or None)
        page = parse_page(html, response.url)
        found = keyword_matches(f"{page.title}\n{page.text}", self.keywords)
        matched = [kw for kw, _ in found]
        depth = int(response.meta.get("depth", 0))
        seen: set[str] = set()
        if matched:  # its short links are its evidence, whatever the depth
            for link in page.links:
                label = short_link_label(link) if link not in seen else None
                if label is not None:
                    seen.add(link)
                    yield scrapy.Request(link, callback=self.resolved, errback=self.failed, meta={
                        "depth": depth + 1, "referer": response.url, "cobweb_link": label,
                        "dont_redirect": True, "handle_httpstatus_all": True})
        if depth < self.max_depth and (matched or self.follow_nonmatching):
            for link in page.links:
                if link not in seen and self.link_rules.follows(link):
                    seen.add(link)
                    yield scrapy.Request(link, callback=self.parse, errback=self.failed,
                                         meta={"depth": depth + 1, "referer": response.url})
        # JS redirects a browser was sent on (crawler.render): followed like HTTP redirects
        rendering = response.meta.get("cobweb_render")
        for target in (rendering or {}).get("navigations", ()):
            yield scrapy.Request(target, callback=self.parse, errback=self.failed, meta={
                "depth": depth, "referer": response.url, JS_REDIRECTED_FROM: [
                    *response.meta.get(JS_REDIRECTED_FROM, ()),
                    *response.meta.get("redirect_urls", ()), response.url]})
        if not matched:
            yield FetchOutcome(response.url)
            return
        redirects = [*response.meta.get(JS_REDIRECTED_FROM, ()), *response.meta.get("redirect_urls", ())]
        url = canonical_url(response.url)
        self._parsed[url] = page
        while len(self._parsed) > _PARSED_KEPT:
            self._parsed.popitem(last=False)
        warc = response.meta.get(WARC_META) or {}
        yield PageRecord(
            url=url,
            requested_url=redirects[0] if redirects else response.request.url,
            redirect_chain=redirects,
            status=response.status,
            fetched_at=_utc_now(),
            title=page.title,
            keywords=matched,
            keyword_forms=dict(found),
            text=page.text,
            out_links=list(page.links),
            images=list(page.images),
            html=html,
            rendering=rendering,
            fetched_url=response.url,
            sha256=warc.get("sha256", ""),
            warc_file=warc.get("file", ""),
            warc_offset=int(warc.get("offset", -1)),
        )

    def resolved(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A short link's answer: record where it sends (``Location``, else a meta
        refresh or JS redirect of its page; nowhere for an error status), then
        follow the target like a link."""
        target = ""
        location = response.headers.get(b"Location")
        if response.status in _REDIRECT_STATUSES and location:
            target = response.urljoin(location.decode("latin-1").strip())
        elif response.status == 200 and is_html_content_type(
                response.headers.get(b"Content-Type", b"").decode("latin-1")):
            page = parse_page(decode_html(response.body, None), response.url)
            target = next((u for role, u, *_ in page.refs if role in ("refresh", "js")), "")
        if not is_http_url(target):
            target = ""
        depth = int(response.meta.get("depth", 0))
        if target and depth <= self.max_depth and self.link_rules.follows(target):  # the link's own depth
            yield scrapy.Request(target, callback=self.parse, errback=self.failed,
                                 meta={"depth": depth, "referer": response.url})
        label = response.meta.get("cobweb_link") or short_link_label(response.url) or response.url
        yield LinkTarget(label, response.url, target, response.status, _utc_now())
        yield FetchOutcome(response.url)

    def take_parsed(self, url: str) -> ParsedPage | None:
        """The parse of the page record ``url`` just yielded, so extraction need not parse again."""
        return self._parsed.pop(url, None)

    def failed(self, failure: Failure) -> Iterator[FetchOutcome]:
        """Errback: a request that ended without a usable response."""
        reason, detail = _failure_reason(failure)
        yield FetchOutcome(failure.request.url, reason, detail)
