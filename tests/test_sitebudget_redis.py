"""The Redis site budget: concurrency and interval per site held across processes."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis
from redis_server import redis_server  # noqa: F401  (fixture)

from crawler.redisconn import RedisLink
from crawler.sitebudget.redis import RedisSiteBudget


def budget(url: str, owner: str, *, concurrency: int = 2, interval: float = 0.0,
           lease: float = 30.0) -> RedisSiteBudget:
    return RedisSiteBudget(RedisLink(url), "run", concurrency=concurrency, interval=interval,
                           lease=lease, owner=owner)


def _hammer(url: str, owner: str, seconds: float, concurrency: int, interval: float,
            release: bool) -> int:
    """Take slots of one site for ``seconds``; while holding one, count holders in Redis."""
    b = budget(url, owner, concurrency=concurrency, interval=interval)
    probe = redis.Redis.from_url(url)
    taken, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        wait = b.acquire("site.example", time.time())
        if wait:
            time.sleep(min(wait, 0.02))
            continue
        taken += 1
        holders = probe.incr("probe:holders")
        probe.rpush("probe:seen", holders)
        time.sleep(0.01)
        probe.decr("probe:holders")
        if release:
            b.release("site.example")
    probe.close()
    b.close()
    return taken


def _run_processes(url: str, n: int, **kwargs) -> list[int]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(n) as pool:
        return pool.starmap(_hammer, [(url, f"p{i}", kwargs["seconds"], kwargs["concurrency"],
                                       kwargs["interval"], kwargs["release"]) for i in range(n)])


def test_concurrency_holds_across_processes(redis_server):  # noqa: F811
    taken = _run_processes(redis_server.url, 3, seconds=1.5, concurrency=2, interval=0.0,
                           release=True)
    probe = redis.Redis.from_url(redis_server.url)
    seen = [int(v) for v in probe.lrange("probe:seen", 0, -1)]
    probe.close()
    assert sum(taken) == len(seen) > 10
    assert max(seen) <= 2  # never more than 2 requests in flight to the site


def test_interval_holds_across_processes(redis_server):  # noqa: F811
    taken = _run_processes(redis_server.url, 3, seconds=1.2, concurrency=100, interval=0.1,
                           release=False)
    # every lease is still held: its score is its start (Redis time) + the 30 s lease
    probe = redis.Redis.from_url(redis_server.url)
    starts = sorted(s - 30_000 for _, s in probe.zrange("cobweb:{run}:site:site.example:leases",
                                                       0, -1, withscores=True))
    probe.close()
    assert len(starts) == sum(taken) >= 3
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 100  # ms between two starts


def test_slots_of_a_dead_worker_expire(redis_server):  # noqa: F811
    dead = budget(redis_server.url, "dead", concurrency=1, lease=0.3)
    live = budget(redis_server.url, "live", concurrency=1, lease=0.3)
    assert dead.acquire("s.example", 0) == 0.0
    assert live.acquire("s.example", 0) > 0  # taken, and "dead" never releases it
    time.sleep(0.4)
    assert live.acquire("s.example", 0) == 0.0
    live.release("s.example")
    assert live.acquire("s.example", 0) == 0.0
    dead.close(), live.close()


def test_release_frees_only_this_workers_slot(redis_server):  # noqa: F811
    a = budget(redis_server.url, "a", concurrency=2)
    b = budget(redis_server.url, "b", concurrency=2)
    assert a.acquire("s.example", 0) == 0.0 and b.acquire("s.example", 0) == 0.0
    assert a.acquire("s.example", 0) > 0
    b.release("s.example")
    b.release("s.example")  # nothing more held by b: no effect on a's slot
    assert a.acquire("s.example", 0) == 0.0
    assert b.acquire("s.example", 0) > 0
    assert a.acquire("other.example", 0) == 0.0  # sites are independent
    a.close(), b.close()


@pytest.mark.parametrize("run", ["", "a b", "x{y}"])
def test_bad_run_names(redis_server, run):  # noqa: F811
    with pytest.raises(ValueError):
        RedisSiteBudget(RedisLink(redis_server.url), run, concurrency=1, interval=0, lease=1)
