"""End-to-end crawls of a synthetic web through the loopback proxy.

Each crawl runs in a subprocess (the Twisted reactor cannot restart in one
pytest process); the synthetic web is served by this process, so
``VirtualWeb.hits`` counts every fetch.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.demoweb.server import Resource, VirtualWeb, VirtualWebProxy, html_resource, redirect
from crawler.store import PageStore, store_path

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


def _page(title: str, text: str, links: list[str], extra: str = "") -> Resource:
    anchors = "".join(f'<a href="{u}">link</a> ' for u in links)
    return html_resource(f"<html><head><title>{title}</title></head><body><p>{text}</p>"
                         f"{extra}<nav>{anchors}</nav></body></html>")


def small_web() -> tuple[VirtualWeb, set[str]]:
    """A dozen pages on five sites: matches, off-topic hubs, a redirect, errors, a PDF."""
    web = VirtualWeb()
    hits = set()

    def add(url, title, text, links, match=False, extra=""):
        web.add(url, _page(title, text, links, extra))
        if match:
            hits.add(url)

    add("http://portal.example.com/", "Portal", "daily links", [
        "http://esim-help.example.org/renew.html", "http://cats.example.net/",
        "http://portal.example.com/go", "http://portal.example.com/missing",
        "http://portal.example.com/guide.pdf", "mailto:x@portal.example.com"])
    add("http://esim-help.example.org/renew.html", "eSIM renew", "how to renew an eSIM card",
        ["http://esim-help.example.org/step2.html", "http://portal.example.com/"], match=True,
        extra='<a href="https://t.me/s/demo_renew">TG</a><img src="http://img.example.io/a.png">')
    add("http://esim-help.example.org/step2.html", "step 2", "ESIM step two, contact us",
        ["http://deep.example.info/1"], match=True)
    add("http://deep.example.info/1", "deep 1", "nothing", ["http://deep.example.info/2"])
    add("http://deep.example.info/2", "deep 2", "esim too deep", [], match=False)  # depth 4
    add("http://cats.example.net/", "Cats", "cats and dogs", ["http://cats.example.net/esim"])
    add("http://cats.example.net/esim", "cat esim", "an esim for cats", [], match=True)
    web.add("http://portal.example.com/go", redirect("http://esim-help.example.org/landing"))
    add("http://esim-help.example.org/landing", "landing", "esim landing page", [], match=True)
    web.add("http://portal.example.com/guide.pdf",
            Resource(headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.4 esim"))
    return web, hits


def cobweb(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    if args[0] == "crawl":  # static crawls here; rendering is tested in test_render_crawl.py
        args = (*args, "--render", "never")
    full_env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    full_env.update(env or {})
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def finish(proc: subprocess.Popen, timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err[-3000:]}"
    return out


def page_fetches(web: VirtualWeb) -> Counter[str]:
    """GETs of pages (robots.txt and HTTPS CONNECT attempts aside)."""
    return Counter(u for m, u in web.requests if m == "GET" and not u.endswith("/robots.txt"))


def stored_urls(run_dir: Path) -> list[str]:
    with PageStore(store_path(run_dir)) as store:
        return [p.url for p in store.iter_pages()]


@pytest.fixture(scope="module")
def served_small_web():
    web, hits = small_web()
    with VirtualWebProxy(web) as proxy:
        yield web, hits, proxy


def test_cobweb_crawl_through_proxy(served_small_web, tmp_path):
    web, hits, proxy = served_small_web
    web.reset_counts()
    run = tmp_path / "run"
    out = finish(cobweb("crawl", "http://portal.example.com/", "-k", "esim", "-o", str(run),
                        "--depth", "3", "--proxy", proxy.url))
    assert "next: cobweb analyze" in out
    assert sorted(stored_urls(run)) == sorted(hits)
    # every URL fetched once; the too-deep page never
    fetched = page_fetches(web)
    assert max(fetched.values()) == 1
    assert "http://deep.example.info/2" not in fetched
    with PageStore(store_path(run)) as store:
        pages = {p.url: p for p in store.iter_pages(with_text=True)}
        landing = pages["http://esim-help.example.org/landing"]
        assert landing.requested_url == "http://portal.example.com/go"
        assert landing.redirect_chain == ["http://portal.example.com/go"]
        renew = pages["http://esim-help.example.org/renew.html"]
        assert renew.keywords == ["esim"] and renew.title == "eSIM renew" and renew.status == 200
        assert renew.fetched_at.endswith("Z") and "renew an eSIM" in renew.text
        labels = {(k, lab) for pid, k, lab in store.iter_page_artifacts()}
        assert ("handle", "telegram:demo_renew") in labels
        drops = store.drop_counts()
        assert drops.get("http_error") == 1  # the 404
        assert store.get_meta("crawl_params")["keywords"] == ["esim"]


def test_http_proxy_environment_is_honoured(served_small_web, tmp_path):
    web, hits, proxy = served_small_web
    web.reset_counts()
    run = tmp_path / "run"
    finish(cobweb("crawl", "http://cats.example.net/", "-k", "esim", "-o", str(run),
                  env={"http_proxy": proxy.url}))
    assert stored_urls(run) == ["http://cats.example.net/esim"]
    assert page_fetches(web)["http://cats.example.net/esim"] == 1


def test_scrapy_crawl_from_project_root(served_small_web, tmp_path):
    web, hits, proxy = served_small_web
    web.reset_counts()
    run = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "keywords", "-a", "urls=http://portal.example.com/",
         "-a", "keywords=esim", "-a", "depth=3", "-a", f"run_dir={run}",
         "-s", f"COBWEB_PROXY={proxy.url}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(stored_urls(run)) == sorted(hits)
    assert max(page_fetches(web).values()) == 1
    # a finished run resumes from the spider's stored arguments and fetches nothing again
    web.reset_counts()
    out = finish(cobweb("crawl", "--resume", str(run), "--proxy", proxy.url))
    assert "0 fetched" in out and not page_fetches(web)


# -- kill -9 and resume ---------------------------------------------------------

SITES = [f"http://site{i}.example.com" for i in range(12)]
N_PAGES = 360


def big_web(delay: float) -> tuple[VirtualWeb, set[str]]:
    """A tree of slow pages spread over 12 sites; every third page matches."""
    web = VirtualWeb()
    matching = set()

    def url(i: int) -> str:
        return f"{SITES[i % len(SITES)]}/p{i}.html"

    for i in range(N_PAGES):
        kids = [url(k) for k in range(3 * i + 1, 3 * i + 4) if k < N_PAGES]
        links = kids + [url(i // 2), url(0)]  # back-links: duplicates for the frontier
        text = f"page {i} " + ("esim renewal" if i % 3 == 0 else "weather")
        res = _page(f"page {i}", text, links)
        res.delay = delay
        web.add(url(i), res)
        if i % 3 == 0:
            matching.add(url(i))
    return web, matching


def crawl_args(run: Path, proxy: VirtualWebProxy) -> list[str]:
    return ["crawl", f"{SITES[0]}/p0.html", "-k", "esim", "-o", str(run), "--depth", "20",
            "--proxy", proxy.url]


def frontier_states(run: Path) -> dict[str, set[str]]:
    conn = sqlite3.connect(store_path(run))
    states: dict[str, set[str]] = {}
    for url, state in conn.execute("SELECT url, state FROM frontier"):
        states.setdefault(("queued", "in_flight", "done", "dropped")[state], set()).add(url)
    conn.close()
    return states


def kill_9_mid_crawl(proc: subprocess.Popen, web: VirtualWeb) -> None:
    """``kill -9`` the crawl once a third of the pages were fetched."""
    deadline = time.monotonic() + 60
    while len(page_fetches(web)) < N_PAGES // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL


def test_kill_9_then_resume_matches_an_unkilled_crawl(tmp_path):
    web, matching = big_web(delay=0.05)
    with VirtualWebProxy(web) as proxy:
        # the reference: a crawl never killed
        ref = tmp_path / "ref"
        finish(cobweb(*crawl_args(ref, proxy)))
        assert set(stored_urls(ref)) == matching
        fetched = page_fetches(web)
        assert max(fetched.values()) == 1 and len(fetched) == N_PAGES

        web.reset_counts()
        run = tmp_path / "run"
        proc = cobweb(*crawl_args(run, proxy))
        kill_9_mid_crawl(proc, web)
        killed_at = page_fetches(web)
        assert N_PAGES // 3 <= len(killed_at) < N_PAGES, "the kill came too late"
        states = frontier_states(run)
        in_flight = states.get("in_flight", set())
        assert states.get("queued"), "nothing left to resume"
        pages_before = set(stored_urls(run))

        out = finish(cobweb("crawl", "--resume", str(run), "--proxy", proxy.url))
        assert "next: cobweb analyze" in out

    # the same pages as the unkilled crawl, each stored once
    after = stored_urls(run)
    assert len(after) == len(set(after))
    assert set(after) == matching
    assert pages_before <= set(after)
    # every page fetched; twice only if it was in flight at the kill
    fetched = page_fetches(web)
    assert len(fetched) == N_PAGES
    twice = {u for u, n in fetched.items() if n > 1}
    assert max(fetched.values()) <= 2
    assert twice <= in_flight, twice - in_flight
    assert frontier_states(run).keys() == {"done"}
