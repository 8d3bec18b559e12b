"""`cobweb crawl` against the hostile web (tests/hostile_web.py), in a subprocess,
through the loopback proxy and without --allow-private.

Done-when of issue 6: exit 0, peak RSS < 1 GB, zero requests to forbidden
targets, no duplicate fetches, every legitimate keyword page collected (the
flaky one included), every trap recorded as a drop with its reason code.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import pytest
from hostile_web import (
    FORBIDDEN_LINKS,
    LONG_URL,
    REDIRECT_TARGETS,
    ROBOTS_REDIRECT_TARGET,
    HostileWeb,
    build_hostile_web,
)

from crawler.addresses import host_category
from crawler.demoweb.server import VirtualWebProxy
from crawler.records import DropReason
from crawler.urls import canonical_url

pytestmark = pytest.mark.e2e

DEPTH = 3
GIB = 1 << 30

#: Runs its arguments as a child and prints the child's peak RSS (bytes) as JSON on stderr's last line.
_RSS_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"peak_rss": peak_kib * 1024}), file=sys.stderr)
sys.exit(code)
"""


@dataclass
class HostileCrawl:
    hostile: HostileWeb
    proxy_port: int
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int
    requests: list[tuple[str, str]]
    pages: set[str]
    drops: list[tuple[str, str, str]]
    artifacts: dict[str, set[str]] = field(default_factory=dict)

    def drop_reasons(self, url: str) -> set[str]:
        key = canonical_url(url)
        return {reason for u, reason, _ in self.drops if _canonical(u) == key}


def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return url


def _crawl(hostile: HostileWeb, run_dir: Path, seeds: list[str], depth: int) -> HostileCrawl:
    """``cobweb crawl`` of ``hostile`` from ``seeds`` in a subprocess, and what it stored."""
    proxy = VirtualWebProxy(hostile.web).start()
    port = int(proxy.url.rsplit(":", 1)[1])
    hostile.add_hub_link(f"http://127.0.0.1:{port}/")  # the proxy's own address, as a link
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    keywords = [arg for kw in hostile.keywords for arg in ("-k", kw)]
    cmd = [sys.executable, "-c", _RSS_WRAPPER, sys.executable, "-m", "crawler", "crawl", *seeds,
           *keywords, "-o", str(run_dir), "--depth", str(depth), "--proxy", proxy.url,
           "--render", "never"]  # static; the browser's safety is tested in test_render_crawl.py
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env,
                              cwd=Path(__file__).parent.parent)
    finally:
        proxy.stop()
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_rss"]
    pages: set[str] = set()
    drops: list[tuple[str, str, str]] = []
    artifacts: dict[str, set[str]] = {}
    db = run_dir / "crawl.sqlite"
    if db.exists():
        with sqlite3.connect(db) as con:
            pages = {row[0] for row in con.execute("SELECT url FROM pages")}
            drops = list(con.execute("SELECT url, reason, detail FROM drops"))
            for url, kind, label in con.execute(
                    "SELECT p.url, a.kind, a.label FROM page_artifacts pa JOIN pages p ON p.id = pa.page_id"
                    " JOIN artifacts a ON a.id = pa.artifact_id"):
                artifacts.setdefault(url, set()).add(f"{kind}:{label}")
    return HostileCrawl(hostile, port, done.returncode, done.stdout, done.stderr, peak,
                        list(hostile.web.requests), pages, drops, artifacts)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> HostileCrawl:
    hostile = build_hostile_web()
    return _crawl(hostile, tmp_path_factory.mktemp("hostile") / "run", hostile.seeds, DEPTH)


@pytest.fixture(scope="module")
def trap_crawl(tmp_path_factory: pytest.TempPathFactory) -> HostileCrawl:
    """The traps alone, 30 links deep (the depth that made them cost thousands of requests)."""
    hostile = build_hostile_web()
    seeds = [f"http://www.{hostile.dns_trap}/", f"http://{hostile.grow_trap}/start/"]
    return _crawl(hostile, tmp_path_factory.mktemp("traps") / "run", seeds, 30)


def test_crawl_exits_0(crawl: HostileCrawl) -> None:
    assert crawl.returncode == 0, crawl.stderr[-3000:]


def test_peak_rss_stays_under_1_gb(crawl: HostileCrawl) -> None:
    assert 0 < crawl.peak_rss < GIB, f"peak RSS {crawl.peak_rss / 2**20:.0f} MiB"


def test_zero_requests_to_forbidden_targets(crawl: HostileCrawl) -> None:
    bad = [(method, url) for method, url in crawl.requests
           if method == "CONNECT" or host_category(urlsplit(url).hostname or "") is not None]
    assert bad == []
    assert not any("passwd" in url or url.startswith(("file:", "ftp:", "gopher:"))
                   for _, url in crawl.requests)


def test_no_duplicate_fetches(crawl: HostileCrawl) -> None:
    counts = Counter(_canonical(url) for _, url in crawl.requests)
    dupes = {url: n for url, n in counts.items() if n > 1}
    assert dupes == {crawl.hostile.flaky: 2}  # the flaky page: 500, then one retry


def test_every_keyword_page_is_collected(crawl: HostileCrawl) -> None:
    expected = {canonical_url(u) for u in crawl.hostile.keyword_pages}
    assert expected - crawl.pages == set()
    assert canonical_url(crawl.hostile.flaky) in crawl.pages
    assert "http://slow-host.net/esim.html" in crawl.pages
    assert "http://robots-redirect.net/esim.html" in crawl.pages  # robots.txt refused: site still crawled


def test_traps_give_no_pages(crawl: HostileCrawl) -> None:
    trapped = {p for p in crawl.pages if urlsplit(p).hostname in (
        "bomb-site.net", "huge-page.net", "loop-site.net", "calendar-trap.com")}
    assert trapped == set()
    assert "http://robots-site.com/private/esim.html" not in crawl.pages


def test_pdf_png_and_disallowed_pages_are_never_requested(crawl: HostileCrawl) -> None:
    requested = {_canonical(url) for _, url in crawl.requests}
    assert {canonical_url(u) for u in crawl.hostile.never_fetched} & requested == set()


def test_infinite_calendar_costs_a_bounded_number_of_requests(crawl: HostileCrawl) -> None:
    calendar = [url for _, url in crawl.requests
                if urlsplit(url).hostname == crawl.hostile.calendar_host and "/cal" in url]
    months = {_canonical(url) for url in calendar}
    assert len(calendar) == len(months)  # fresh session ids never make a page new
    assert 1 < len(calendar) <= 2 * DEPTH + 1


@pytest.mark.parametrize(("url", "reason"), [
    *((link, "forbidden_address") for link in FORBIDDEN_LINKS),
    *((target, "forbidden_address") for target in REDIRECT_TARGETS),  # redirect and meta refresh targets
    (ROBOTS_REDIRECT_TARGET, "forbidden_address"),  # a robots.txt redirect
    ("http://robots-site.com/private/esim.html", "robots_txt"),
    (LONG_URL, "url_too_long"),
    ("http://bomb-site.net/bomb.html", "too_large"),
    ("http://bomb-site.net/bomb-br.html", "too_large"),
    ("http://huge-page.net/big.html", "too_large"),
    ("http://huge-page.net/big-declared.html", "too_large"),
    ("http://loop-site.net/b", "redirect_loop"),
    ("http://loop-site.net/self", "redirect_loop"),
    ("http://redir-evil.net/to-file", "forbidden_scheme"),
    ("http://leb-guide.com/manual.pdf", "not_html"),
    ("http://leb-guide.com/logo.png", "not_html"),
    ("http://leb-guide.com/download?id=1", "not_html"),
    ("http://leb-guide.com/img?id=2", "not_html"),
    ("http://header-flood.net/esim.html", "headers_too_large"),
    ("http://header-flood.net/many.html", "headers_too_large"),
])
def test_traps_are_recorded_with_their_reason(crawl: HostileCrawl, url: str, reason: str) -> None:
    assert reason in crawl.drop_reasons(url), sorted(crawl.drops)


def test_redirect_chain_is_capped(crawl: HostileCrawl) -> None:
    chain = [url for _, url in crawl.requests if "/chain/" in url]
    assert len(chain) <= 6
    assert any(reason == "too_many_redirects" and "/chain/" in url for url, reason, _ in crawl.drops)


def test_redirects_and_meta_refreshes_pass_the_safety_check(crawl: HostileCrawl) -> None:
    """Their targets are linked from nowhere: only the redirect leads there, and
    the followed request went back through SafeTargetMiddleware."""
    for target in REDIRECT_TARGETS:
        details = [detail for url, reason, detail in crawl.drops
                   if reason == "forbidden_address" and _canonical(url) == canonical_url(target)]
        assert details, target


def test_the_proxy_itself_is_not_a_target(crawl: HostileCrawl) -> None:
    assert "forbidden_address" in crawl.drop_reasons(f"http://127.0.0.1:{crawl.proxy_port}/")


def test_every_drop_has_a_known_reason(crawl: HostileCrawl) -> None:
    assert crawl.drops
    assert {reason for _, reason, _ in crawl.drops} <= set(get_args(DropReason))


# --- issue 17: no hostile site can stall, blind or bloat the crawl ----------------------


@pytest.mark.parametrize("depth", [2_100, 10_000])
def test_deeply_nested_pages_give_their_text_and_artifacts(crawl: HostileCrawl, depth: int) -> None:
    url = f"http://deep-nest.net/deep-{depth}.html"
    assert url in crawl.pages
    assert {"handle:whatsapp:85261234567", "handle:telegram:deep_after_block"} <= crawl.artifacts.get(url, set())


def test_a_page_of_digits_is_read_to_its_end(crawl: HostileCrawl) -> None:
    url = "http://digit-flood.net/digits.html"
    assert "handle:whatsapp:85261234567" in crawl.artifacts.get(url, set())


def test_a_huge_robots_txt_is_read_and_its_site_crawled(crawl: HostileCrawl) -> None:
    assert "http://robots-flood.net/esim.html" in crawl.pages
    assert ("GET", "http://robots-flood.net/robots.txt") in crawl.requests


def test_header_floods_are_cut(crawl: HostileCrawl) -> None:
    for url in ("http://header-flood.net/esim.html", "http://header-flood.net/many.html"):
        assert url not in crawl.pages
        assert [u for _, u in crawl.requests].count(url) == 1  # not retried


def _host_requests(crawl: HostileCrawl, site: str) -> list[str]:
    return [url for _, url in crawl.requests
            if (urlsplit(url).hostname or "") == site or (urlsplit(url).hostname or "").endswith("." + site)]


def test_wildcard_dns_trap_is_cheap(trap_crawl: HostileCrawl) -> None:
    """Issue 17: 2,029 pages and 2,029 robots.txt at depth 30."""
    assert trap_crawl.returncode == 0, trap_crawl.stderr[-3000:]
    site = trap_crawl.hostile.dns_trap
    requests = _host_requests(trap_crawl, site)
    hosts = {urlsplit(u).hostname for u in requests}
    assert len(requests) <= 1000
    assert len(hosts) <= 25
    assert any(reason == "too_many_hosts" for _, reason, _ in trap_crawl.drops)


def test_growing_path_trap_is_cheap(trap_crawl: HostileCrawl) -> None:
    """Issue 17: an ever-growing path with permuted parameters cost 2,030 requests."""
    requests = _host_requests(trap_crawl, trap_crawl.hostile.grow_trap)
    assert len(requests) <= 1000
    assert any(reason == "url_trap" for _, reason, _ in trap_crawl.drops)


def test_trap_crawl_stays_small_in_memory(trap_crawl: HostileCrawl) -> None:
    assert 0 < trap_crawl.peak_rss < GIB
