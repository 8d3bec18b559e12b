"""Three ``cobweb crawl --redis URL --run NAME`` workers sharing one crawl (issue 11), end to end.

Each stands for one machine with its own run folder (its shard), all on the
frontier and site budget of one Redis run. One machine is lost (its processes
killed with SIGKILL) mid-crawl and Redis (password-protected) is restarted once mid-crawl: the others
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
import socket
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
#: Fast heartbeats and reclaim, so the lost machine's URLs come back within seconds.
TUNING = [a for s in (f"COBWEB_SITE_CONCURRENCY={SITE_CONCURRENCY}", "COBWEB_SITE_INTERVAL=0.05",
                      "COBWEB_WORKER_HEARTBEAT=0.5", "COBWEB_WORKER_STALE_AFTER=4")
          for a in ("-s", s)]


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


def worker_pid(coordinator: int, timeout: float = 60) -> int:
    """The worker process a ``cobweb crawl --workers 1`` coordinator started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{coordinator}/task/{coordinator}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("the coordinator started no worker")


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
        # three machines, one worker each, each with its shard folder
        shards = {m: tmp_path / m for m in ("m1", "m2", "m3")}
        procs = {m: cobweb("crawl", "--seeds", str(seeds), *keywords, "-o", str(run), "--proxy",
                           proxy.url, "--depth", "3", "--workers", "1", "--redis", server.url,
                           "--run", RUN, *TUNING)
                 for m, run in shards.items()}
        # machine m2 is lost (its worker and its coordinator killed) while it has URLs in flight
        worker = worker_pid(procs["m2"].pid)
        deadline = time.monotonic() + 180
        lost: set[str] = set()
        while time.monotonic() < deadline and not lost:
            if len(page_fetches(demo.web)) >= 20:
                os.kill(worker, signal.SIGSTOP)
                lost = in_flight_of(server.url, f"{socket.gethostname()}-m2-w1")
                if not lost:
                    os.kill(worker, signal.SIGCONT)
            time.sleep(0.05)
        assert lost, "m2 never had URLs in flight"
        os.kill(procs["m2"].pid, signal.SIGKILL)
        os.kill(worker, signal.SIGKILL)
        procs["m2"].communicate()
        # Redis goes away for a second and comes back with its data (append-only file)
        server.restart(down_for=1.0)
        logs = {}
        for w in ("m1", "m3"):
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
    # every page of the single crawl stored once across the shards, but for the lost claims of m2
    stored = [u for run in shards.values() if (run / "crawl.sqlite").exists()
              for u in stored_urls(run)]
    twice = {u for u, n in Counter(stored).items() if n > 1}
    assert {canonical_url(u) for u in twice} <= lost
    assert set(stored) == set(stored_urls(single))
    # nothing fetched twice but what m2 had in flight
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
