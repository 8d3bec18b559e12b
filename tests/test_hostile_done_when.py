"""Issue 17's done-when crawl: a 300,000-rule robots.txt, a 6 MB page of digits
and a page nested 2,100 deep, next to 100 ordinary pages. Every ordinary page
is stored, none waits more than a few seconds for the hostile ones (the
synthetic web timestamps every request), and the crawl stays under 1 GB."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_web import deep_page, digit_page, robots_flood

from crawler.demoweb.server import Resource, VirtualWeb, VirtualWebProxy, html_resource

pytestmark = pytest.mark.e2e

GIB = 1 << 30
#: The longest an ordinary page may wait for the next one while the hostile ones are read.
MAX_WAIT = 8.0
HOSTILE = ("http://robots-flood.net/esim.html", "http://digit-flood.net/digits.html",
           "http://deep-nest.net/deep.html")

_RSS_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(json.dumps({"peak_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}), file=sys.stderr)
sys.exit(code)
"""


def _page(title: str, body: str, links: list[str] = ()) -> str:
    anchors = "".join(f'<a href="{u}">{u}</a> ' for u in links)
    return f"<html><head><title>{title}</title></head><body><p>{body}</p>{anchors}</body></html>"


def build_web() -> tuple[VirtualWeb, list[str]]:
    web = VirtualWeb()
    ordinary = [f"http://shop{i % 10}.example-{i % 10}.com/esim-{i}.html" for i in range(100)]
    for i, url in enumerate(ordinary):
        web.add(url, html_resource(_page(f"esim plan {i}", f"Renew your esim plan number {i} here.")))
    web.add("http://robots-flood.net/robots.txt", Resource(headers={"Content-Type": "text/plain"},
                                                          body=robots_flood()))
    web.add("http://robots-flood.net/esim.html", html_resource(_page("esim robots", "Allowed page.")))
    web.add("http://digit-flood.net/digits.html", html_resource(digit_page()))
    web.add("http://deep-nest.net/deep.html", html_resource(deep_page(2_100)))
    # the hostile pages come first, so every ordinary page is asked for while they are read
    web.add("http://hub.example.com/", html_resource(_page("hub", "links", [*HOSTILE, *ordinary])))
    return web, ordinary


@dataclass
class Crawl:
    returncode: int
    stderr: str
    peak_rss: int
    pages: set[str]
    artifacts: set[tuple[str, str]]
    times: list[tuple[float, str]]


@pytest.fixture(scope="module")
def done_when(tmp_path_factory: pytest.TempPathFactory) -> tuple[Crawl, list[str]]:
    web, ordinary = build_web()
    run = tmp_path_factory.mktemp("done-when") / "run"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    with VirtualWebProxy(web) as proxy:
        cmd = [sys.executable, "-c", _RSS_WRAPPER, sys.executable, "-m", "crawler", "crawl",
               "http://hub.example.com/", "-k", "esim", "-o", str(run), "--depth", "1", "--proxy", proxy.url,
               "--render", "never"]  # static: the browser's cost is bench/bench_crawl.py --render
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env,
                              cwd=Path(__file__).parent.parent)
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_rss"]
    with sqlite3.connect(run / "crawl.sqlite") as con:
        pages = {row[0] for row in con.execute("SELECT url FROM pages")}
        artifacts = set(con.execute("SELECT p.url, a.label FROM page_artifacts pa JOIN pages p ON p.id = pa.page_id"
                                    " JOIN artifacts a ON a.id = pa.artifact_id"))
    times = [(t, url) for t, (_, url) in zip(web.times, web.requests)]
    return Crawl(done.returncode, done.stderr, peak, pages, artifacts, times), ordinary


def test_every_ordinary_page_is_stored(done_when) -> None:
    crawl, ordinary = done_when
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert set(ordinary) - crawl.pages == set()


def test_the_hostile_pages_are_read_too(done_when) -> None:
    crawl, _ = done_when
    assert set(HOSTILE) <= crawl.pages
    assert ("http://digit-flood.net/digits.html", "whatsapp:85261234567") in crawl.artifacts
    assert ("http://deep-nest.net/deep.html", "whatsapp:85261234567") in crawl.artifacts


def test_no_ordinary_page_waits_for_the_hostile_ones(done_when) -> None:
    crawl, ordinary = done_when
    wanted = set(ordinary)
    hub_at = next(t for t, url in crawl.times if url == "http://hub.example.com/")
    asked = sorted(t for t, url in crawl.times if url in wanted)
    gaps = [b - a for a, b in zip([hub_at, *asked], asked)]
    assert max(gaps) < MAX_WAIT, f"longest wait {max(gaps):.1f} s"


def test_peak_rss_stays_under_1_gb(done_when) -> None:
    crawl, _ = done_when
    assert 0 < crawl.peak_rss < GIB, f"peak RSS {crawl.peak_rss / 2**20:.0f} MiB"
