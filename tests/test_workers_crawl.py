"""``cobweb crawl --workers 3`` end to end (issue 11): one worker killed with SIGKILL
mid-crawl; every keyword page is still collected exactly once, no URL is fetched
twice beyond what the dead worker had in flight, the per-site budget holds across
the workers (the synthetic web times every request), and the campaigns after
``cobweb analyze`` equal those of a one-process crawl of the same web."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest
from hostile_web import build_hostile_web
from test_crawl_e2e import cobweb, finish, page_fetches, stored_urls

from analysis.run import analyze_run
from crawler.demoweb.generate import build_demo_web
from crawler.demoweb.server import VirtualWeb, VirtualWebProxy
from crawler.domains import registered_domain
from crawler.store import PageStore, store_path
from crawler.urls import canonical_url
from crawler.warc.verify import verify_run

pytestmark = pytest.mark.e2e

#: Seconds each demo page takes to answer in the multi-worker crawl (it lasts long
#: enough to kill a worker in the middle).
DELAY = 0.15
SITE_CONCURRENCY = 2


def campaign_sets(run: Path) -> set[frozenset[str]]:
    doc = analyze_run(run, write=False)
    return {frozenset(c["pages"]) for c in doc["campaigns"]}


def peak_per_site(web: VirtualWeb, delay: float) -> dict[str, int]:
    """The most page requests each site served at once (each takes ``delay`` s)."""
    events: dict[str, list[tuple[float, int]]] = {}
    for (method, url), at in zip(list(web.requests), list(web.times)):
        if method == "GET" and not url.endswith("/robots.txt") and web.resolve("HEAD", url).delay:
            site = registered_domain(url)
            events.setdefault(site, []).extend([(at, 1), (at + delay, -1)])
    peaks = {}
    for site, evs in events.items():
        level = peak = 0
        for _, step in sorted(evs):
            level += step
            peak = max(peak, level)
        peaks[site] = peak
    return peaks


def kill_a_busy_worker(run: Path, web: VirtualWeb, after_fetches: int, timeout: float = 120) -> set[str]:
    """SIGKILL a worker of the crawl of ``run`` while it has URLs in flight, once the web
    served ``after_fetches`` pages; return those URLs (it is stopped first, so it claims no
    more between the look and the kill)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(page_fetches(web)) >= after_fetches and store_path(run).exists():
            with sqlite3.connect(store_path(run)) as con:
                busy = con.execute(
                    "SELECT w.id, w.pid FROM workers w JOIN frontier f ON f.worker = w.id AND f.state = 1"
                    " WHERE w.id != '' LIMIT 1").fetchone()
            if busy is not None:
                worker, pid = busy
                os.kill(pid, signal.SIGSTOP)
                with sqlite3.connect(store_path(run)) as con:
                    claims = {u for (u,) in con.execute(
                        "SELECT url FROM frontier WHERE state = 1 AND worker = ?", (worker,))}
                os.kill(pid, signal.SIGKILL)
                return claims
        time.sleep(0.05)
    raise AssertionError("no worker had URLs in flight")


def test_three_workers_on_the_demo_web_with_one_killed(tmp_path):
    demo = build_demo_web(seed=0)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(demo.seeds) + "\n", encoding="utf-8")
    keywords = [a for k in demo.keywords for a in ("-k", k)]
    with VirtualWebProxy(demo.web) as proxy:
        single = tmp_path / "single"
        finish(cobweb("crawl", "--seeds", str(seeds), *keywords, "-o", str(single), "--proxy", proxy.url,
                      "--depth", "3", "--workers", "1"), timeout=600)
        for url in demo.web.urls():
            demo.web.resolve("HEAD", url).delay = DELAY
        demo.web.reset_counts()
        multi = tmp_path / "multi"
        proc = cobweb("crawl", "--seeds", str(seeds), *keywords, "-o", str(multi), "--proxy", proxy.url,
                      "--depth", "3", "--workers", "3", "-s", f"COBWEB_SITE_CONCURRENCY={SITE_CONCURRENCY}",
                      "-s", "COBWEB_SITE_INTERVAL=0.05")
        in_flight = kill_a_busy_worker(multi, demo.web, after_fetches=25)
        out = finish(proc, timeout=600)
    assert "3 workers, 1 restarted after dying" in out
    assert in_flight
    # every page once in the store, the same pages as one process
    urls = stored_urls(multi)
    assert len(urls) == len(set(urls))
    assert set(urls) == set(stored_urls(single))
    assert len(urls) > 80
    # nothing fetched twice but what the dead worker had in flight
    twice = {u for u, n in page_fetches(demo.web).items() if n > 1}
    assert {canonical_url(u) for u in twice} <= in_flight
    # the per-site budget held across the three workers
    peaks = peak_per_site(demo.web, DELAY)
    assert max(peaks.values()) <= SITE_CONCURRENCY, peaks
    # one ordinary run: the same campaigns, WARC files per worker that verify
    assert campaign_sets(multi) == campaign_sets(single)
    names = {p.name.split("-")[1] for p in (multi / "warc").glob("*.warc.gz")}
    assert names <= {"w1", "w2", "w3"} and len(names) >= 2
    assert verify_run(multi).problems == []
    with sqlite3.connect(store_path(multi)) as con:
        states = Counter(s for (s,) in con.execute("SELECT state FROM frontier"))
    assert states[0] == states[1] == 0


def test_three_workers_on_the_hostile_web_with_one_killed(tmp_path):
    runs = {}
    for name, workers in (("single", "1"), ("multi", "3")):
        hostile = build_hostile_web()
        keywords = [a for k in hostile.keywords for a in ("-k", k)]
        run = tmp_path / name
        with VirtualWebProxy(hostile.web) as proxy:
            proc = cobweb("crawl", *hostile.seeds, *keywords, "-o", str(run), "--proxy", proxy.url,
                          "--depth", "3", "--workers", workers)
            in_flight = kill_a_busy_worker(run, hostile.web, after_fetches=10) if workers != "1" else set()
            out = finish(proc, timeout=600)
        runs[name] = run
    assert "3 workers, 1 restarted after dying" in out
    pages = stored_urls(runs["multi"])
    assert len(pages) == len(set(pages))
    assert {canonical_url(u) for u in hostile.keyword_pages} <= set(pages)
    counts = Counter(canonical_url(u) for u in page_fetches(hostile.web).elements())  # robots.txt: once per worker
    twice = {u for u, n in counts.items() if n > 1} - {hostile.flaky} - in_flight
    assert twice == set()
    assert set(pages) == set(stored_urls(runs["single"]))
    assert campaign_sets(runs["multi"]) == campaign_sets(runs["single"])
    with PageStore(store_path(runs["multi"])) as store:
        assert store.page_count() == len(pages)


def test_ctrl_c_stops_the_workers_and_resume_finishes_the_run(tmp_path):
    from test_crawl_e2e import big_web, crawl_args, frontier_states

    web, matching = big_web(delay=0.3)
    run = tmp_path / "run"
    with VirtualWebProxy(web) as proxy:
        proc = cobweb(*crawl_args(run, proxy), "--workers", "2", "-s", "AUTOTHROTTLE_ENABLED=False")
        deadline = time.monotonic() + 120
        while len(page_fetches(web)) < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        # a second, independent crawl of the run is refused while the workers hold it
        second = cobweb("crawl", "--resume", str(run), "--proxy", proxy.url, "--workers", "2")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2 and "being crawled by another process" in err, err
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        assert "still queued: cobweb crawl --resume" in out and "Traceback" not in err
        assert not frontier_states(run).get("in_flight")
        before = set(page_fetches(web))
        assert len(before) < len(web.urls())
        for url in web.urls():
            web.resolve("HEAD", url).delay = 0.0
        web.reset_counts()
        finish(cobweb("crawl", "--resume", str(run), "--workers", "2"), timeout=300)
    assert set(stored_urls(run)) == matching
    assert not before & set(page_fetches(web))  # nothing fetched twice


def test_a_worker_started_outside_its_coordinator_refuses_to_run(tmp_path):
    from crawler.runlock import RunLocked, joined_run_lock, lock_for_workers

    run = tmp_path / "run"
    run.mkdir()
    with pytest.raises(RunLocked):
        with joined_run_lock(run, environ={}):
            pass
    with lock_for_workers(run) as fd:
        with joined_run_lock(run, environ={"COBWEB_RUN_LOCK_FD": str(fd)}):
            pass
        other = tmp_path / "other"
        other.mkdir()
        (other / "crawl.lock").touch()
        with pytest.raises(RunLocked, match="not the one"):
            with joined_run_lock(other, environ={"COBWEB_RUN_LOCK_FD": str(fd)}):
                pass
