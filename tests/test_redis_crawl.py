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
from hostile_web import build_hostile_web
from redis_server import RedisServer
from test_crawl_e2e import cobweb, finish, page_fetches, stored_urls
from test_workers_crawl import campaign_sets, peak_per_site

from crawler.demoweb.generate import build_demo_web
from crawler.demoweb.server import VirtualWeb, VirtualWebProxy
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


def crawl_on_three_machines(tmp_path: Path, server: RedisServer, proxy: VirtualWebProxy,
                            web: VirtualWeb, args: list[str],
                            restart_redis: bool) -> tuple[dict[str, Path], set[str], dict[str, str]]:
    """``cobweb crawl ARGS --redis --run`` as three machines m1..m3 (one worker each); m2 is
    lost (worker and coordinator SIGKILLed) while it has URLs in flight; Redis is restarted
    once if asked. Returns the shard folders, m2's lost claims and the others' logs."""
    shards = {m: tmp_path / m for m in ("m1", "m2", "m3")}
    procs = {m: cobweb("crawl", *args, "-o", str(run), "--proxy", proxy.url, "--depth", "3",
                       "--workers", "1", "--redis", server.url, "--run", RUN, *TUNING)
             for m, run in shards.items()}
    worker = worker_pid(procs["m2"].pid)
    deadline = time.monotonic() + 180
    lost: set[str] = set()
    while time.monotonic() < deadline and not lost:
        if len(page_fetches(web)) >= 10:
            os.kill(worker, signal.SIGSTOP)  # stopped first: it claims nothing more
            lost = in_flight_of(server.url, f"{socket.gethostname()}-m2-w1")
            if not lost:
                os.kill(worker, signal.SIGCONT)
        time.sleep(0.02)
    assert lost, "m2 never had URLs in flight"
    os.kill(procs["m2"].pid, signal.SIGKILL)
    os.kill(worker, signal.SIGKILL)
    procs["m2"].communicate()
    if restart_redis:  # Redis goes away for a second and comes back with its data (AOF)
        server.restart(down_for=1.0)
    logs = {}
    for m in ("m1", "m3"):
        out, err = procs[m].communicate(timeout=600)
        assert procs[m].returncode == 0, f"{m}: exit {procs[m].returncode}\n{out}\n{err[-3000:]}"
        logs[m] = out + err
    client = redis.Redis.from_url(server.url, decode_responses=True)
    counts = client.hgetall(run_prefix(RUN) + "counts")
    client.close()
    assert int(counts["queued"]) == int(counts["in_flight"]) == 0
    return shards, lost, logs


def collect(tmp_path: Path, shards: dict[str, Path]) -> Path:
    """``cobweb collect`` of the shards; each page once in the merged run."""
    merged = tmp_path / "merged"
    finish(cobweb("collect", *(str(run) for run in shards.values()), "-o", str(merged)))
    urls = stored_urls(merged)
    assert len(urls) == len(set(urls))
    return merged


def test_three_redis_workers_one_killed_and_a_redis_restart(tmp_path):
    demo = build_demo_web(seed=0)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(demo.seeds) + "\n", encoding="utf-8")
    args = ["--seeds", str(seeds), *(a for k in demo.keywords for a in ("-k", k))]
    with RedisServer(tmp_path / "redis", password=SECRET) as server, VirtualWebProxy(demo.web) as proxy:
        single = tmp_path / "single"
        finish(cobweb("crawl", *args, "-o", str(single), "--proxy", proxy.url, "--depth", "3",
                      "--workers", "1"), timeout=600)
        for url in demo.web.urls():
            demo.web.resolve("HEAD", url).delay = DELAY
        demo.web.reset_counts()
        shards, lost, logs = crawl_on_three_machines(tmp_path, server, proxy, demo.web, args,
                                                     restart_redis=True)
    # the outage paused the workers with one clear line each way, no traceback
    for log in logs.values():
        assert "paused, retrying until it is back" in log and "is back after" in log
        assert "Traceback" not in log
    # every page of the single crawl stored once across the shards, but for m2's lost claims
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
    # cobweb collect makes one ordinary run: the pages and campaigns of one process
    merged = collect(tmp_path, shards)
    assert set(stored_urls(merged)) == set(stored_urls(single))
    assert campaign_sets(merged) == campaign_sets(single)
    # the Redis password is in no log line and no file of the shards or the merged run
    assert all(SECRET not in log for log in logs.values())
    assert [p for run in (*shards.values(), merged) for p in files_hold(run, SECRET)] == []


def test_three_redis_workers_on_the_hostile_web(tmp_path):
    runs = {}
    for name in ("single", "redis"):
        hostile = build_hostile_web()
        args = [*hostile.seeds, *(a for k in hostile.keywords for a in ("-k", k))]
        with VirtualWebProxy(hostile.web) as proxy:
            if name == "single":
                runs[name] = tmp_path / name
                finish(cobweb("crawl", *args, "-o", str(runs[name]), "--proxy", proxy.url,
                              "--depth", "3", "--workers", "1"), timeout=600)
                continue
            with RedisServer(tmp_path / "redis") as server:
                shards, lost, logs = crawl_on_three_machines(tmp_path, server, proxy, hostile.web,
                                                          args, restart_redis=False)
            runs[name] = collect(tmp_path, shards)
    pages = set(stored_urls(runs["redis"]))
    assert {canonical_url(u) for u in hostile.keyword_pages} <= pages
    assert pages == set(stored_urls(runs["single"]))
    counts = Counter(canonical_url(u) for u in page_fetches(hostile.web).elements())
    assert {u for u, n in counts.items() if n > 1} - {hostile.flaky} - lost == set()
    assert campaign_sets(runs["redis"]) == campaign_sets(runs["single"])
    assert all("crawler/redisconn.py" not in log and "redis_streams.py" not in log
               for log in logs.values())  # no Redis traceback
