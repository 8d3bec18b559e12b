"""The browser's requests obey the crawl's per-site politeness (crawler/render/politeness.py),
and a matched page's views are rendered alongside it.

A site answers slowly and counts the requests it has in flight at once. A crawl with
``--render auto`` fetches its ordinary pages while keyword pages are rendered in every view
(crawler, desktop, phone, search, search bot), each view loading the page and its scripts:
together, the site never has more than ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from render_support import require_browser

from crawler.demoweb.server import Resource, VirtualWeb, VirtualWebProxy, html_resource

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ROOT = Path(__file__).parent.parent
SITE = "busy-esim.com"
PER_SITE = 2
KEYWORD_PAGES = 3
PLAIN_PAGES = 24
SCRIPTS = 3


class CountingSite:
    """A slow site counting its requests in flight: the most at once, and who sent them."""

    def __init__(self, seconds: float = 0.15) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.agents: list[str] = []
        #: (start, end, User-Agent, path) of every request
        self.log: list[tuple[float, float, str, str]] = []

    def __call__(self, method: str, url: str, count: int, headers: dict[str, str]) -> Resource:
        agent = next((v for k, v in headers.items() if k.lower() == "user-agent"), "")
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            self.agents.append(agent)
        start = time.monotonic()
        try:
            time.sleep(self.seconds)
            return _answer(url)
        finally:
            with self._lock:
                self.in_flight -= 1
                self.log.append((start, time.monotonic(), agent, url.split(SITE, 1)[1]))


def _answer(url: str) -> Resource:
    path = url.split(SITE, 1)[1]
    if path.startswith("/js/"):
        return Resource(headers={"Content-Type": "application/javascript"}, body=b"window.x=1;")
    if path.startswith("/k") or path == "/":
        scripts = "".join(f"<script src=/js/s{i}.js></script>" for i in range(SCRIPTS))
        links = "".join(f"<a href=/k{i}.html>k{i}</a> " for i in range(KEYWORD_PAGES)) if path == "/" else ""
        links += "".join(f"<a href=/p{i}.html>p{i}</a> " for i in range(PLAIN_PAGES)) if path == "/" else ""
        return html_resource(
            f"<html><head><title>eSIM</title>{scripts}</head><body><p>Travel esim plans.</p>{links}"
            "<div id=c></div><script>document.getElementById('c').textContent="
            f"'WeChat: esim_' + {len(path)};</script></body></html>")
    if path.startswith("/p"):
        return html_resource("<html><body><p>Opening hours and directions.</p></body></html>")
    return Resource(status=404, body=b"not found")


def _crawl(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], CountingSite]:
    site = CountingSite()
    web = VirtualWeb()
    web.add_header_handler(SITE, site)
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    with VirtualWebProxy(web) as proxy:
        done = subprocess.run(
            [sys.executable, "-m", "crawler", "crawl", f"http://{SITE}/", "-k", "esim",
             "-o", str(tmp_path / "run"), "--proxy", proxy.url, *extra,
             "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={PER_SITE}", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "DOWNLOAD_DELAY=0"],
            capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done, site


def test_ordinary_requests_keep_the_per_site_limit(tmp_path: Path) -> None:
    """The crawler's own requests alone (crawler/downloader.py): Scrapy's downloader under the
    asyncio reactor would send all the site's queued requests at once."""
    done, site = _crawl(tmp_path, "--render", "never")
    assert "28 fetched" in done.stdout, done.stdout  # the hub, 3 + 24 pages (robots.txt aside)
    assert 1 < site.most <= PER_SITE, site.most


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], CountingSite]:
    require_browser()
    return _crawl(tmp_path_factory.mktemp("render-polite"), "--render", "auto", "--searchbot-view")


def test_views_and_ordinary_requests_share_the_per_site_limit(
        rendered: tuple[subprocess.CompletedProcess[str], CountingSite]) -> None:
    done, site = rendered
    line = next(x for x in done.stdout.splitlines() if x.startswith("rendered "))
    assert f"rendered {1 + KEYWORD_PAGES} pages" in line, line
    # every view came: the phone's and the search bot's User-Agents were seen, the crawler's too
    assert any("Mobile" in a for a in site.agents) and any("Googlebot" in a for a in site.agents)
    assert sum("Cobweb" in a for a in site.agents) >= 1 + KEYWORD_PAGES + PLAIN_PAGES
    assert 1 < site.most <= PER_SITE, site.most


def test_views_are_rendered_alongside_the_page(
        rendered: tuple[subprocess.CompletedProcess[str], CountingSite]) -> None:
    """The hub matched in its static HTML: its views' browsers ask for it while the crawler
    view's browser is still loading the hub's scripts (the hub's links are read only once
    rendering is done, so every request before the first one of a linked page is the hub's)."""
    _, site = rendered
    linked = min(start for start, _, _, path in site.log if path.startswith(("/k", "/p")))
    page_scripts = [end for start, end, agent, path in site.log
                    if path.startswith("/js/") and "Cobweb" in agent and start < linked]
    views = [start for start, _, agent, path in site.log if path == "/" and "Cobweb" not in agent]
    assert len(page_scripts) == SCRIPTS and len(views) == 4
    assert min(views) < max(page_scripts)
