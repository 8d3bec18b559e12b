"""Component tests for the limits, compression-bomb, redirect-guard and backoff-retry
middlewares, with hand-made requests and responses."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from typing import Any

import brotli
import pytest
from scrapy import Request, Spider
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    StopDownload,
)
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from crawler.middlewares.limits import BoundedHttpCompressionMiddleware, LimitsMiddleware
from crawler.middlewares.redirects import MetaRefreshGuardMiddleware, RedirectGuardMiddleware
from crawler.middlewares.rejection import RequestRejected
from crawler.middlewares.retry import RETRY_AT_META, BackoffRetryMiddleware
from drops import Drops

MIB = 1024 * 1024




def project_crawler(**overrides: Any) -> Any:
    settings = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    settings.update(overrides)
    crawler = get_crawler(Spider, settings)
    crawler.spider = Spider.from_crawler(crawler, name="limits-test")
    return crawler


def build(cls: Any, **settings: Any) -> tuple[Any, Drops]:
    crawler = project_crawler(**settings)
    return cls.from_crawler(crawler), Drops(crawler)


def html(url: str, body: bytes = b"<html><body>ok</body></html>", status: int = 200,
         request: Request | None = None, **headers: str) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=body, request=request or Request(url),
                        headers={"Content-Type": "text/html; charset=utf-8", **headers})


# --- LimitsMiddleware: before the request ---------------------------------------------

def test_long_url_is_refused() -> None:
    mw, drops = build(LimitsMiddleware, URLLENGTH_LIMIT=100)
    mw.process_request(Request("http://a.example/" + "x" * 50))
    with pytest.raises(RequestRejected):
        mw.process_request(Request("http://a.example/" + "x" * 100))
    assert drops.reasons == ["url_too_long"]


@pytest.mark.parametrize("url", ["http://a.example/report.pdf", "http://a.example/img/logo.PNG?v=2",
                                 "http://a.example/a.zip", "http://a.example/m.mp4#t=3"])
def test_non_page_links_are_skipped_without_a_request(url: str) -> None:
    mw, drops = build(LimitsMiddleware)
    with pytest.raises(RequestRejected):
        mw.process_request(Request(url))
    assert drops.reasons == ["not_html"]


def test_pages_pass() -> None:
    mw, drops = build(LimitsMiddleware)
    for url in ("http://a.example/", "http://a.example/a.html", "http://a.example/x.php?id=1",
                "http://a.example/v1.2/"):
        mw.process_request(Request(url))
    assert drops.items == []


def test_redirect_back_into_the_chain_is_a_loop() -> None:
    mw, drops = build(LimitsMiddleware)
    chain = ["http://a.example/1?PHPSESSID=aaa", "http://a.example/2"]
    mw.process_request(Request("http://a.example/3", meta={"redirect_urls": chain}))
    with pytest.raises(RequestRejected):
        mw.process_request(Request("http://a.example/1?PHPSESSID=bbb", meta={"redirect_urls": chain}))
    assert drops.reasons == ["redirect_loop"]


def test_site_budget_counts_fetched_pages_per_registered_domain() -> None:
    mw, drops = build(LimitsMiddleware, COBWEB_SITE_BUDGET=3)
    for i in range(3):
        req = Request(f"http://www.calendar-trap.com/?month={i}")
        mw.process_request(req)
        mw.process_response(req, html(req.url, request=req))
    with pytest.raises(RequestRejected):
        mw.process_request(Request("http://blog.calendar-trap.com/next"))  # same site
    mw.process_request(Request("http://other.example.com/"))  # another site
    robots = Request("http://www.calendar-trap.com/robots.txt", meta={"dont_obey_robotstxt": True})
    mw.process_request(robots)  # robots.txt is exempt
    assert drops.reasons == ["site_budget"]
    assert mw.pages_by_site["calendar-trap.com"] == 3


def test_robots_txt_counts_against_the_site_budget() -> None:
    """Issue 17: a wildcard-DNS trap cost a robots.txt request per host on top of the budget."""
    mw, drops = build(LimitsMiddleware, COBWEB_SITE_BUDGET=4, COBWEB_SITE_HOSTS=0)
    for i in range(2):
        robots = Request(f"http://h{i}.trap-dns.com/robots.txt", meta={"dont_obey_robotstxt": True})
        mw.process_response(robots, Response(robots.url, request=robots))
        page = Request(f"http://h{i}.trap-dns.com/")
        mw.process_request(page)
        mw.process_response(page, html(page.url, request=page))
    with pytest.raises(RequestRejected):
        mw.process_request(Request("http://h2.trap-dns.com/"))
    assert drops.reasons == ["site_budget"]


def test_a_site_may_introduce_a_bounded_number_of_hosts() -> None:
    mw, drops = build(LimitsMiddleware, COBWEB_SITE_HOSTS=3)
    for i in range(3):
        mw.process_request(Request(f"http://r{i}.trap-dns.com/"))
    mw.process_request(Request("http://r0.trap-dns.com/more"))  # a known host
    with pytest.raises(RequestRejected):
        mw.process_request(Request("http://r3.trap-dns.com/"))
    mw.process_request(Request("http://other.example.com/"))  # another site
    assert drops.reasons == ["too_many_hosts"]


@pytest.mark.parametrize("url", [
    "http://grow.example/a/b/a/b/a/b/",
    "http://grow.example/" + "/".join(f"p{i}" for i in range(17)),
    "http://grow.example/s?" + "&".join(f"k{i}=v" for i in range(25)),
    "http://grow.example/s?x=1&x=2&x=3",
])
def test_self_similar_urls_are_refused(url: str) -> None:
    mw, drops = build(LimitsMiddleware)
    with pytest.raises(RequestRejected):
        mw.process_request(Request(url))
    assert drops.reasons == ["url_trap"]


def test_a_redirected_page_is_counted_once() -> None:
    mw, _ = build(LimitsMiddleware, COBWEB_SITE_BUDGET=10)
    req = Request("http://a.example.com/x")
    mw.process_response(req, html(req.url, request=req))
    follow = req.replace(url="http://a.example.com/y")  # meta is copied, as RedirectMiddleware does
    mw.process_response(follow, html(follow.url, request=follow))
    assert mw.pages_by_site["example.com"] == 1


# --- LimitsMiddleware: at headers time -------------------------------------------------

def test_non_html_download_is_stopped_at_headers_and_recorded() -> None:
    mw, drops = build(LimitsMiddleware)
    req = Request("http://a.example/file")
    with pytest.raises(StopDownload):
        mw.headers_received(Headers({"Content-Type": "application/pdf"}), 10 * MIB, req)
    with pytest.raises(RequestRejected):
        mw.process_exception(req, StopDownload(fail=True))
    assert drops.items == [("http://a.example/file", "not_html", "Content-Type application/pdf")]


@pytest.mark.parametrize("headers", [{"Content-Type": "text/html; charset=gbk"}, {},
                                     {"Content-Type": "application/xhtml+xml"},
                                     {"Content-Type": "image/png", "Location": "/x.html"}])
def test_pages_and_redirects_are_not_stopped(headers: dict[str, str]) -> None:
    mw, _ = build(LimitsMiddleware)
    mw.headers_received(Headers(headers), 100, Request("http://a.example/"))


def test_robots_txt_is_not_stopped_as_non_html() -> None:
    mw, _ = build(LimitsMiddleware)
    robots = Request("http://a.example/robots.txt", meta={"dont_obey_robotstxt": True})
    mw.headers_received(Headers({"Content-Type": "application/octet-stream"}), 100, robots)


# --- LimitsMiddleware: failures left after retries -------------------------------------

@pytest.mark.parametrize(("exc", "reason"), [
    (DownloadTimeoutError("Getting http://a.example/ took longer than 30 seconds."), "timeout"),
    (DownloadCancelledError("Received 8388609 bytes which is larger than download max size (8388608)"),
     "too_large"),
    (DownloadCancelledError(""), "too_large"),  # a streamed body crossed DOWNLOAD_MAXSIZE
    (DownloadConnectionRefusedError("refused"), "connection_error"),
    (DownloadCancelledError("cancelled"), "connection_error"),
])
def test_final_download_failures_are_recorded(exc: Exception, reason: str) -> None:
    mw, drops = build(LimitsMiddleware)
    with pytest.raises(RequestRejected):
        mw.process_exception(Request("http://a.example/"), exc)
    assert drops.reasons == [reason]


def test_bugs_are_not_disguised_as_connection_errors() -> None:
    mw, drops = build(LimitsMiddleware)
    assert mw.process_exception(Request("http://a.example/"), TypeError("a bug")) is None
    assert drops.items == []


def test_refusals_are_not_recorded_twice() -> None:
    mw, drops = build(LimitsMiddleware)
    assert mw.process_exception(Request("http://a.example/"), IgnoreRequest("robots")) is None
    assert drops.items == []


# --- compression bombs -----------------------------------------------------------------

def _bomb(encoding: str, size: int) -> bytes:
    data = b"\0" * size
    if encoding == "gzip":
        return gzip.compress(data, 9)
    if encoding == "deflate":
        return zlib.compress(data, 9)
    return brotli.compress(data, quality=5)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compression_bomb_is_dropped_in_bounded_memory(encoding: str) -> None:
    mw, drops = build(BoundedHttpCompressionMiddleware, DOWNLOAD_MAXSIZE=MIB)
    body = _bomb(encoding, 64 * MIB)
    assert len(body) < MIB
    req = Request("http://bomb.example/")
    resp = Response(req.url, body=body, request=req,
                    headers={"Content-Type": "text/html", "Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(RequestRejected):
            mw.process_response(req, resp)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB
    assert drops.reasons == ["too_large"]


def test_compressed_page_under_the_cap_is_decoded() -> None:
    mw, drops = build(BoundedHttpCompressionMiddleware, DOWNLOAD_MAXSIZE=MIB)
    page = b"<html><body>" + b"esim " * 1000 + b"</body></html>"
    req = Request("http://a.example/")
    resp = Response(req.url, body=gzip.compress(page), request=req,
                    headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    assert mw.process_response(req, resp).body == page
    assert drops.items == []


def test_project_caps_download_size() -> None:
    assert project_settings.DOWNLOAD_MAXSIZE <= 16 * MIB
    assert project_settings.DOWNLOADER_MIDDLEWARES[
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"] is None


# --- redirect guards -------------------------------------------------------------------

def redirect(request: Request, location: str, status: int = 302) -> Response:
    return Response(request.url, status=status, headers={"Location": location}, request=request)


def test_redirect_loop_is_refused_before_redirect_middleware() -> None:
    mw, drops = build(RedirectGuardMiddleware)
    first = Request("http://loop.example/a")
    assert mw.process_response(first, redirect(first, "/b")).status == 302
    second = Request("http://loop.example/b",
                     meta={"redirect_urls": ["http://loop.example/a"], "redirect_times": 1})
    with pytest.raises(RequestRejected):
        mw.process_response(second, redirect(second, "http://loop.example/a?PHPSESSID=x"))
    selfloop = Request("http://loop.example/self")
    with pytest.raises(RequestRejected):
        mw.process_response(selfloop, redirect(selfloop, "/self#top", 301))
    assert drops.reasons == ["redirect_loop", "redirect_loop"]


def test_redirect_cap_is_recorded() -> None:
    mw, drops = build(RedirectGuardMiddleware, REDIRECT_MAX_TIMES=3)
    chain = [f"http://r.example/{i}" for i in range(3)]
    req = Request("http://r.example/3", meta={"redirect_urls": chain, "redirect_times": 3})
    with pytest.raises(RequestRejected):
        mw.process_response(req, redirect(req, "/4"))
    assert drops.reasons == ["too_many_redirects"]


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://files.example/", "gopher://x.example/"])
def test_redirect_to_another_scheme_is_refused(location: str) -> None:
    mw, drops = build(RedirectGuardMiddleware)
    req = Request("http://a.example/go")
    with pytest.raises(RequestRejected):
        mw.process_response(req, redirect(req, location))
    assert drops.reasons == ["forbidden_scheme"]


def test_non_redirects_and_dont_redirect_pass() -> None:
    mw, drops = build(RedirectGuardMiddleware)
    req = Request("http://a.example/a", meta={"dont_redirect": True})
    mw.process_response(req, redirect(req, "/a"))
    ok = Request("http://a.example/b")
    mw.process_response(ok, html(ok.url, request=ok))
    assert drops.items == []


def test_meta_refresh_loop_is_refused() -> None:
    mw, drops = build(MetaRefreshGuardMiddleware)
    req = Request("http://m.example/b", meta={"redirect_urls": ["http://m.example/a"], "redirect_times": 1})
    body = b'<html><head><meta http-equiv="refresh" content="0; url=/a"></head></html>'
    with pytest.raises(RequestRejected):
        mw.process_response(req, html(req.url, body, request=req))
    fresh = Request("http://m.example/c")
    mw.process_response(fresh, html(fresh.url, body, request=fresh))  # first hop: followed
    assert drops.reasons == ["redirect_loop"]


def test_guards_sit_before_scrapys_redirect_middlewares() -> None:
    mws = project_settings.DOWNLOADER_MIDDLEWARES
    assert mws["crawler.middlewares.redirects.RedirectGuardMiddleware"] > 600
    assert 580 < mws["crawler.middlewares.redirects.MetaRefreshGuardMiddleware"] < 590
    assert project_settings.REDIRECT_MAX_TIMES <= 10


# --- retries with backoff --------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def backoff_mw(**settings: Any) -> tuple[BackoffRetryMiddleware, Clock]:
    crawler = project_crawler(**settings)
    clock = Clock()
    mw = BackoffRetryMiddleware(crawler.settings, sleep=clock.sleep, clock=clock)
    mw.crawler = crawler
    return mw, clock


def test_5xx_is_retried_with_growing_delays_then_given_up() -> None:
    mw, clock = backoff_mw(RETRY_TIMES=2, COBWEB_RETRY_BACKOFF=1.0)
    req = Request("http://flaky.example/")
    retry1 = mw.process_response(req, html(req.url, status=500, request=req))
    assert isinstance(retry1, Request) and retry1.meta[RETRY_AT_META] == 1001.0
    asyncio.run(mw.process_request(retry1))
    retry2 = mw.process_response(retry1, html(req.url, status=503, request=retry1))
    assert isinstance(retry2, Request) and retry2.meta[RETRY_AT_META] == clock.now + 2.0
    asyncio.run(mw.process_request(retry2))
    final = mw.process_response(retry2, html(req.url, status=500, request=retry2))
    assert isinstance(final, Response) and final.status == 500
    assert clock.slept == [1.0, 2.0]


def test_connection_errors_are_retried_with_backoff_and_retry_after_is_honoured() -> None:
    mw, clock = backoff_mw(COBWEB_RETRY_BACKOFF=0.5, COBWEB_RETRY_BACKOFF_MAX=10)
    req = Request("http://down.example/")
    retry = mw.process_exception(req, DownloadConnectionRefusedError("refused"))
    assert isinstance(retry, Request) and retry.meta[RETRY_AT_META] == clock.now + 0.5
    slow = mw.process_response(req, html(req.url, status=429, request=req, **{"Retry-After": "7"}))
    assert isinstance(slow, Request) and slow.meta[RETRY_AT_META] == clock.now + 7
    asyncio.run(mw.process_request(req))  # a first attempt never waits
    assert clock.slept == []


def test_backoff_retry_replaces_scrapys() -> None:
    mws = project_settings.DOWNLOADER_MIDDLEWARES
    assert mws["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert mws["crawler.middlewares.retry.BackoffRetryMiddleware"] == 550
