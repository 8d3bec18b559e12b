"""Benchmark: what the Redis frontier and site budget cost in Redis (docs/scale-out.md).

Starts its own ``redis-server`` on 127.0.0.1 (Debian's package, as the tests do) and prints:

- Redis memory per URL (``INFO memory`` ``used_memory`` before/after) for ``--urls`` URLs
  queued (seen-set + stream entry) and after they are all done (seen-set only), and the
  figure per 100k and per million URLs;
- Redis work per crawled page for a simulated crawl loop (pop in batches of 64, one ``done``,
  ``--links`` links added per page, one site-budget acquire + release): client round trips,
  commands Redis executed (``INFO commandstats``, commands inside scripts included) and
  Redis CPU (``used_cpu_user`` + ``used_cpu_sys``) per page, hence the pages/s one Redis
  core serves;
- a Bloom filter's measured false-drop rate at its design rate, the alternative to an
  exact seen-set (numpy bit array, double hashing of blake2b).

Usage::

    .venv/bin/python bench/bench_redis.py               # 100k URLs, 5k pages
    .venv/bin/python bench/bench_redis.py --urls 1000000 --pages 50000
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from redis_server import RedisServer  # noqa: E402

from crawler.frontier.base import FrontierEntry  # noqa: E402
from crawler.frontier.redis_streams import RedisStreamsFrontier  # noqa: E402
from crawler.redisconn import RedisLink  # noqa: E402
from crawler.sitebudget.redis import RedisSiteBudget  # noqa: E402


def doorway_url(i: int) -> str:
    """A URL shaped like the doorway pages of a campaign (about 60 characters)."""
    return f"http://doorway-{i % 50_000}.example.com/casino/page-{i}.html?ref=k{i % 97}"


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


def server_cpu(client) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def commands(client) -> int:
    return sum(int(v["calls"]) for k, v in client.info("commandstats").items()
               if k.startswith("cmdstat_"))


class CountingLink(RedisLink):
    """A link that counts client round trips."""

    calls = 0

    def call(self, what, fn):
        CountingLink.calls += 1
        return super().call(what, fn)


def memory_figures(url: str, n: int) -> None:
    f = RedisStreamsFrontier(RedisLink(url), "mem", "w")
    client = f.link.client
    before = used_memory(client)
    for start in range(0, n, 5000):
        f.add([FrontierEntry.for_url(doorway_url(i)) for i in range(start, min(n, start + 5000))])
    queued = used_memory(client) - before
    while batch := f.pop(1000):
        f.done([e.url for e in batch])
    done = used_memory(client) - before
    avg_len = sum(len(FrontierEntry.for_url(doorway_url(i)).url) for i in range(1000)) / 1000
    print(f"memory, {n:,} URLs (mean canonical URL {avg_len:.0f} chars):")
    for label, total in (("queued (seen-set + stream)", queued), ("done (seen-set only)", done)):
        per = total / n
        print(f"  {label:28s} {per:6.0f} B/URL   {per * 1e5 / 2**20:7.1f} MiB per 100k"
              f"   {per * 1e6 / 2**20:8.1f} MiB per million   {per * 1e8 / 2**30:6.1f} GiB per 100M")
    f.close()


def work_figures(url: str, pages: int, links: int) -> None:
    link = CountingLink(url)
    f = RedisStreamsFrontier(link, "work", "w")
    budget = RedisSiteBudget(link, "work", concurrency=1000, interval=0.0, lease=60.0, owner="w")
    client = link.client
    f.add([FrontierEntry.for_url(doorway_url(i)) for i in range(64)])
    next_new = 64
    CountingLink.calls = 0
    cmd0, cpu0, t0 = commands(client), server_cpu(client), time.perf_counter()
    crawled = 0
    while crawled < pages:
        batch = f.pop(64)
        if not batch:
            break
        for e in batch:
            site = e.url.split("/")[2]
            budget.acquire(site, 0.0)
            # half of a page's links are new, half seen before (the seen-set decides)
            found = [doorway_url(next_new + j) for j in range(links // 2)]
            found += [doorway_url(max(0, next_new - 1 - j)) for j in range(links - links // 2)]
            next_new += links // 2
            f.add([FrontierEntry.for_url(u) for u in found])
            f.done([e.url])
            budget.release(site)
            crawled += 1
    wall = time.perf_counter() - t0
    calls = CountingLink.calls - 3  # the three INFO calls are not counted by the link
    cmds = commands(client) - cmd0 - 3
    stats = client.info("commandstats")
    cpu = server_cpu(client) - cpu0
    print(f"work per page, {crawled:,} pages, {links} links each (half new), pop batch 64:")
    print(f"  client round trips   {calls / crawled:6.2f} per page")
    print(f"  Redis commands       {cmds / crawled:6.1f} per page (commands inside scripts included)")
    print(f"  Redis CPU            {cpu / crawled * 1e6:6.1f} us per page"
          f"  -> one Redis core serves about {crawled / cpu:,.0f} pages/s")
    top = sorted(stats.items(), key=lambda kv: -int(kv[1]["usec"]))[:4]
    print("  Redis time by command (whole run): " + ", ".join(
        f"{k[8:]} {int(v['usec']) / 1e6:.1f}s / {int(v['calls']):,} calls" for k, v in top))
    print(f"  one client, serial   {crawled / wall:6.0f} pages/s of frontier work (round-trip bound)")
    f.close()


def bloom_false_drops(n: int, p: float) -> None:
    m = math.ceil(-n * math.log(p) / math.log(2) ** 2)
    k = max(1, round(m / n * math.log(2)))
    bits = np.zeros(m, dtype=bool)

    def positions(items: list[str]) -> np.ndarray:
        h = np.array([np.frombuffer(hashlib.blake2b(s.encode(), digest_size=16).digest(), "<u8")
                      for s in items])
        a, b = h[:, 0], h[:, 1] | np.uint64(1)
        return (a[:, None] + np.arange(k, dtype=np.uint64)[None, :] * b[:, None]) % np.uint64(m)

    seen = [doorway_url(i) for i in range(n)]
    bits[positions(seen).ravel()] = True
    fresh = [doorway_url(i) for i in range(n, 2 * n)]
    false = int(bits[positions(fresh)].all(axis=1).sum())
    print(f"Bloom filter, {n:,} URLs, designed for p={p}: {m / 8 / n:.2f} B/URL, k={k};"
          f" measured false drops {false / n:.4%} ({false:,} of {n:,} new URLs never crawled)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=5_000)
    parser.add_argument("--links", type=int, default=10)
    parser.add_argument("--bloom", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp), appendfsync="everysec") as server:
        info = RedisLink(server.url).client.info("server")
        print(f"redis-server {info['redis_version']}, appendonly yes, appendfsync everysec, 127.0.0.1")
        memory_figures(server.url, args.urls)
        work_figures(server.url, args.pages, args.links)
    for p in (0.01, 0.001):
        bloom_false_drops(args.bloom, p)


if __name__ == "__main__":
    main()
