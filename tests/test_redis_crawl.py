"""Three ``cobweb crawl`` workers sharing one crawl through Redis (issue 11), end to end.

Each worker is its own process with its own run folder (its shard), all on the
frontier and site budget of one Redis run. One worker is killed with SIGKILL
mid-crawl and Redis (password-protected) is restarted once mid-crawl: the others
go on, take back the dead worker's in-flight URLs, and together store every page
of the demo web exactly once (but for what the dead worker had in flight), with
the per-site concurrency held across the workers. ``cobweb collect`` then makes
one run whose campaigns equal a one-process crawl's, and the password is in no
log and no file.
"""

from __future__ import annotations

import gzip
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from redis_server import RedisServer
from test_crawl_e2e import cobweb, finish, page_fetches, stored_urls
from test_workers_crawl import campaign_sets, peak_per_site

from crawler.demoweb.generate import build_demo_web
from crawler.demoweb.server import VirtualWebProxy
from crawler.redisconn import run_prefix
from crawler.urls import canonical_url

pytestmark = pytest.mark.e2e

DELAY = 0.15
SITE_CONCURRENCY = 2
RUN = "e2e"
SECRET = "e2e-S3cret-pw"


def files_hold(folder: Path, secret: str) -> list[Path]:
    """The files under ``folder`` whose bytes (gunzipped for ``.gz``) contain ``secret``."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            if secret.encode() in data:
                found.append(path)
    return found


def redis_settings(url: str, worker: str) -> list[str]:
    settings = {
        "COBWEB_FRONTIER_CLASS": "crawler.frontier.redis_streams.RedisStreamsFrontier",
        "COBWEB_SITE_BUDGET_CLASS": "crawler.sitebudget.redis.RedisSiteBudget",
        "COBWEB_SITE_BUDGET_ENABLED": "1", "COBWEB_REDIS_URL": url, "COBWEB_RUN_NAME": RUN,
        "COBWEB_WORKER_ID": worker, "COBWEB_WORKER_HEARTBEAT": "0.5",
        "COBWEB_WORKER_STALE_AFTER": "4", "COBWEB_SITE_CONCURRENCY": str(SITE_CONCURRENCY),
        "COBWEB_SITE_INTERVAL": "0.05"}
    return [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]


def in_flight_of(url: str, worker: str) -> set[str]:
    """The URLs ``worker`` has in flight (its pending entries in the run's consumer group)."""
    client = redis.Redis.from_url(url, decode_responses=True)
    prefix = run_prefix(RUN)
    pending = client.xpending_range(prefix + "stream", RUN, "-", "+", 1000, consumername=worker)
    states = client.hgetall(prefix + "entries")
    client.close()
    ids = {"f" + p["message_id"] for p in pending}
    return {u for u, s in states.items() if s in ids}


def test_three_redis_workers_one_killed_and_a_redis_restart(tmp_path):
    demo = build_demo_web(seed=0)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(demo.seeds) + "\n", encoding="utf-8")
    keywords = [a for k in demo.keywords for a in ("-k", k)]
    with RedisServer(tmp_path / "redis", password=SECRET) as server, VirtualWebProxy(demo.web) as proxy:
        single = tmp_path / "single"
        finish(cobweb("crawl", "--seeds", str(seeds), *keywords, "-o", str(single), "--proxy",
                      proxy.url, "--depth", "3", "--workers", "1"), timeout=600)
        for url in demo.web.urls():
            demo.web.resolve("HEAD", url).delay = DELAY
        demo.web.reset_counts()
        shards = {w: tmp_path / w for w in ("w1", "w2", "w3")}
        procs = {w: cobweb("crawl", "--seeds", str(seeds), *keywords, "-o", str(run), "--proxy",
                           proxy.url, "--depth", "3", "--workers", "1",
                           *redis_settings(server.url, w))
                 for w, run in shards.items()}
        # kill w2 with SIGKILL while it has URLs in flight
        deadline = time.monotonic() + 180
        lost: set[str] = set()
        while time.monotonic() < deadline and not lost:
            if len(page_fetches(demo.web)) >= 20:
                os.kill(procs["w2"].pid, signal.SIGSTOP)
                lost = in_flight_of(server.url, "w2")
                if not lost:
                    os.kill(procs["w2"].pid, signal.SIGCONT)
            time.sleep(0.05)
        assert lost, "w2 never had URLs in flight"
        os.kill(procs["w2"].pid, signal.SIGKILL)
        procs["w2"].communicate()
        # Redis goes away for a second and comes back with its data (append-only file)
        server.restart(down_for=1.0)
        logs = {}
        for w in ("w1", "w3"):
            out, err = procs[w].communicate(timeout=600)
            assert procs[w].returncode == 0, f"{w}: exit {procs[w].returncode}\n{out}\n{err[-3000:]}"
            logs[w] = out + err
        client = redis.Redis.from_url(server.url, decode_responses=True)
        counts = client.hgetall(run_prefix(RUN) + "counts")
        client.close()
    # the outage paused the workers with one clear line each way, no traceback
    for log in logs.values():
        assert "Traceback" not in log
        assert "paused, retrying until it is back" in log and "is back after" in log
    assert int(counts["queued"]) == int(counts["in_flight"]) == 0
    # every page of the single crawl stored once across the shards, but for w2's lost claims
    stored = [u for run in shards.values() if (run / "crawl.sqlite").exists()
              for u in stored_urls(run)]
    twice = {u for u, n in Counter(stored).items() if n > 1}
    assert {canonical_url(u) for u in twice} <= lost
    assert set(stored) == set(stored_urls(single))
    # nothing fetched twice but what w2 had in flight
    refetched = {canonical_url(u) for u, n in page_fetches(demo.web).items() if n > 1}
    assert refetched <= lost
    # the per-site budget held across the three workers
    peaks = peak_per_site(demo.web, DELAY)
    assert max(peaks.values()) <= SITE_CONCURRENCY, peaks
    # cobweb collect makes one ordinary run: each page once, the campaigns of one process
    merged = tmp_path / "merged"
    finish(cobweb("collect", *(str(run) for run in shards.values()), "-o", str(merged)))
    urls = stored_urls(merged)
    assert len(urls) == len(set(urls)) and set(urls) == set(stored_urls(single))
    assert campaign_sets(merged) == campaign_sets(single)
    # the Redis password is in no log line and no file of the shards or the merged run
    assert all(SECRET not in log for log in logs.values())
    assert [p for run in (*shards.values(), merged) for p in files_hold(run, SECRET)] == []
