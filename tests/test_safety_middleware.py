"""Component tests for the safe-target and robots.txt middlewares, with hand-made requests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler
from twisted.internet import defer

import crawler.settings as project_settings
from crawler.middlewares.politeness import RobotsTxtRecorder
from crawler.middlewares.rejection import RequestRejected
from crawler.middlewares.safety import ReactorResolver, SafeTargetMiddleware
from drops import Drops




class FakeResolver:
    """Answers from a table; any other name fails as an unknown name would."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def __call__(self, host: str) -> Sequence[str]:
        self.calls.append(host)
        if host not in self.table:
            raise OSError(f"unknown name {host}")
        return self.table[host]


def project_crawler(**overrides: Any) -> Any:
    settings = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    settings.update(overrides)
    return get_crawler(Spider, settings)


def make_mw(resolver: FakeResolver | None = None, **settings: Any) -> tuple[SafeTargetMiddleware, Drops]:
    crawler = project_crawler(**settings)
    mw = SafeTargetMiddleware.from_crawler(crawler)
    if resolver is not None:
        mw.resolver = resolver
    return mw, Drops(crawler)


def run(mw: SafeTargetMiddleware, url: str, **meta: Any) -> None:
    asyncio.run(mw.process_request(Request(url, meta=meta)))


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


HOSTILE_TARGETS = [
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://127.0.0.1:8080/",
    "http://[::1]/", "http://localhost/admin", "http://192.168.1.1/", "http://2130706433/",
    "http://0x7f.1/", "https://0177.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://LOCALHOST./",
    "http://ｌｏｃａｌｈｏｓｔ/", "http://127。0。0。1/", "http://evil.example@10.1.2.3/",
    "http://127.0.0.1\\@evil.example/", "http://api.localhost/", "http://intranet/",
]


@pytest.mark.parametrize("url", HOSTILE_TARGETS)
def test_forbidden_targets_are_refused_and_recorded(url: str) -> None:
    resolver = FakeResolver({})
    mw, drops = make_mw(resolver)
    with pytest.raises(RequestRejected) as exc:
        run(mw, url)
    assert exc.value.reason == "forbidden_address"
    assert drops.reasons == ["forbidden_address"]
    assert resolver.calls == []  # refused on the host as written, no lookup


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example/x", "s3://bucket/key",
                                 "data:text/html,hi"])
def test_other_schemes_are_refused(url: str) -> None:
    mw, drops = make_mw(FakeResolver({}))
    with pytest.raises(RequestRejected):
        run(mw, url)
    assert drops.reasons == ["forbidden_scheme"]


@pytest.mark.parametrize("url", ["http://256.1.1.1/", "http://1.2.3.4.5/"])
def test_invalid_numeric_host_is_bad_url(url: str) -> None:
    mw, drops = make_mw(FakeResolver({}), COBWEB_ALLOW_PRIVATE=True)
    with pytest.raises(RequestRejected):
        run(mw, url)
    assert drops.reasons == ["bad_url"]


def test_public_targets_pass() -> None:
    resolver = FakeResolver({"leb-help.com": ["93.184.216.34"]})
    mw, drops = make_mw(resolver)
    run(mw, "http://leb-help.com/renew.html")
    run(mw, "http://leb-help.com/other.html")
    run(mw, "http://8.8.8.8/")
    assert drops.items == []
    assert resolver.calls == ["leb-help.com", "leb-help.com"]  # no lookup for literals


def test_name_resolving_to_private_address_is_refused() -> None:
    resolver = FakeResolver({"rebind.example": ["93.184.216.34", "10.0.0.5"],
                             "metadata.example": ["169.254.169.254"]})
    mw, drops = make_mw(resolver)
    for url in ("http://rebind.example/", "http://metadata.example/x"):
        with pytest.raises(RequestRejected):
            run(mw, url)
    assert drops.reasons == ["forbidden_address", "forbidden_address"]
    assert "10.0.0.5 (private)" in drops.items[0][2]
    assert "169.254.169.254 (link-local)" in drops.items[1][2]


def test_failed_lookup_raises_a_retryable_error() -> None:
    mw, drops = make_mw(FakeResolver({}))
    with pytest.raises(CannotResolveHostError):
        run(mw, "http://nowhere.example/")
    assert drops.items == []


def test_with_a_proxy_names_are_not_resolved_but_literals_are_checked() -> None:
    resolver = FakeResolver({})
    mw, drops = make_mw(resolver, COBWEB_PROXY="http://127.0.0.1:3128")
    run(mw, "http://leb-help.com/")  # the proxy resolves it
    with pytest.raises(RequestRejected):
        run(mw, "http://10.0.0.5/")
    assert resolver.calls == []
    assert drops.reasons == ["forbidden_address"]


def test_meta_proxy_and_environment_proxy_count_as_proxied(monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = FakeResolver({})
    mw, _ = make_mw(resolver)
    run(mw, "http://a.example/", proxy="http://127.0.0.1:3128")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    mw, _ = make_mw(resolver)
    run(mw, "http://b.example/")
    with pytest.raises(CannotResolveHostError):  # https has no proxy in the environment
        run(mw, "https://c.example/")
    with pytest.raises(CannotResolveHostError):  # meta proxy None disables the proxy
        run(mw, "http://d.example/", proxy=None)
    assert resolver.calls == ["c.example", "d.example"]


def test_allow_private_lifts_address_checks_only() -> None:
    resolver = FakeResolver({"nas.example": ["192.168.1.20"]})
    mw, drops = make_mw(resolver, COBWEB_ALLOW_PRIVATE=True)
    for url in ("http://10.0.0.5/", "http://localhost/", "http://[::1]/", "http://nas.example/"):
        run(mw, url)
    with pytest.raises(RequestRejected):
        run(mw, "file:///etc/passwd")
    assert drops.reasons == ["forbidden_scheme"]


def test_resolver_setting_is_loaded() -> None:
    crawler = project_crawler(COBWEB_RESOLVER=f"{__name__}.METADATA_RESOLVER")
    mw = SafeTargetMiddleware.from_crawler(crawler)
    assert mw.resolver is METADATA_RESOLVER
    with pytest.raises(RequestRejected):
        asyncio.run(mw.process_request(Request("http://meta.example/")))


METADATA_RESOLVER = FakeResolver({"meta.example": ["169.254.169.254"]})


def test_reactor_resolver_asks_the_reactor() -> None:
    class Reactor:
        def resolve(self, host: str) -> defer.Deferred[str]:
            return defer.succeed({"a.example": "10.9.8.7"}[host])

    assert asyncio.run(ReactorResolver(Reactor())("a.example")) == ["10.9.8.7"]


def test_safe_targets_run_before_robots_txt() -> None:
    """A refused host must never get a robots.txt request: order in the chain."""
    mws = project_settings.DOWNLOADER_MIDDLEWARES
    safe = mws["crawler.middlewares.safety.SafeTargetMiddleware"]
    assert safe < mws["crawler.middlewares.politeness.RobotsTxtRecorder"]
    assert safe < 50  # OffsiteMiddleware
    assert mws["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert project_settings.ROBOTSTXT_OBEY is True


def test_non_http_download_handlers_are_disabled() -> None:
    assert {k for k, v in project_settings.DOWNLOAD_HANDLERS.items() if v is None} >= {
        "file", "ftp", "s3", "data"}


def test_robots_refusal_is_recorded() -> None:
    crawler = project_crawler()
    mw = RobotsTxtRecorder.from_crawler(crawler)
    drops = Drops(crawler)
    rp = ProtegoRobotParser(b"User-agent: *\nDisallow: /private/\n", None)
    mw.process_request_2(rp, Request("http://a.example/public.html"))
    with pytest.raises(IgnoreRequest):
        mw.process_request_2(rp, Request("http://a.example/private/x.html"))
    assert drops.items == [("http://a.example/private/x.html", "robots_txt", "disallowed by robots.txt")]
