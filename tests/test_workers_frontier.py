"""The frontier and the site budget shared by worker processes (issue 11): no entry is
claimed twice, a worker killed with SIGKILL loses its claims to the others (a live
one never does), ``active()`` holds while anything is queued or in flight, and the
per-site budget holds across processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.frontier.base import FrontierEntry
from crawler.frontier.sqlite import SQLiteFrontier
from crawler.sitebudget.sqlite import SQLiteSiteBudget

ROOT = Path(__file__).resolve().parents[1]

_POPPER = """
import json, os, sys, time
from crawler.frontier.sqlite import SQLiteFrontier
f = SQLiteFrontier(sys.argv[1], worker_id=sys.argv[2])
print("ready", flush=True)
while not os.path.exists(sys.argv[3]):  # all start together
    time.sleep(0.01)
got = []
while True:
    batch = f.pop(3)
    if not batch:
        if not f.active():
            break
        continue
    got += [e.url for e in batch]
    time.sleep(0.002)  # a fetch
    f.done([e.url for e in batch])
print(json.dumps(got))
"""

_HOLDER = """
import sys, time
from crawler.frontier.sqlite import SQLiteFrontier
f = SQLiteFrontier(sys.argv[1], worker_id="dying")
print(len(f.pop(5)), flush=True)
while True:
    f.heartbeat()
    time.sleep(0.1)
"""

_SITE_USER = """
import json, sys, time
from crawler.sitebudget.sqlite import SQLiteSiteBudget
b = SQLiteSiteBudget(sys.argv[1], concurrency=2, interval=0.02, lease=60.0)
held = []
for _ in range(15):
    while (wait := b.acquire("a.example", start := time.time())) > 0:
        time.sleep(wait)
    time.sleep(0.03)
    held.append((start, time.time()))
    b.release("a.example")
print(json.dumps(held))
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)


def _entries(n: int) -> list[FrontierEntry]:
    return [FrontierEntry.for_url(f"http://site{i % 7}.example/p{i}") for i in range(n)]


def test_three_processes_never_claim_one_entry_twice(tmp_path):
    path = tmp_path / "crawl.sqlite"
    f = SQLiteFrontier(path)
    f.add(_entries(600))
    go = tmp_path / "go"
    procs = [_python(_POPPER, str(path), f"w{i}", str(go)) for i in range(3)]
    assert [p.stdout.readline().strip() for p in procs] == ["ready"] * 3
    go.touch()
    claimed = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    everything = [u for got in claimed for u in got]
    assert len(everything) == len(set(everything)) == 600
    assert all(got for got in claimed), "every process took a share"
    assert f.stats() == {"queued": 0, "in_flight": 0, "done": 600, "dropped": 0}
    assert not f.active()
    f.close()


def test_claims_of_a_killed_worker_are_reclaimed_and_a_live_ones_never(tmp_path):
    path = tmp_path / "crawl.sqlite"
    f = SQLiteFrontier(path, worker_id="survivor")
    f.add(_entries(8))
    holder = _python(_HOLDER, str(path))
    try:
        assert holder.stdout.readline().strip() == "5"
        time.sleep(0.5)
        assert f.reclaim(stale_after=0.4) == 0  # alive: its heartbeat is fresh
        assert f.stats()["in_flight"] == 5 and f.active()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate()
    time.sleep(0.6)
    assert f.reclaim(stale_after=0.4) == 5
    urls = [e.url for e in f.pop(10)]
    assert len(urls) == 8
    assert f.active()  # in flight here
    f.done(urls)
    assert not f.active()
    f.close()


def test_a_worker_restarted_under_its_id_takes_back_its_claims(tmp_path):
    path = tmp_path / "crawl.sqlite"
    first = SQLiteFrontier(path, worker_id="w1")
    first.add(_entries(4))
    assert len(first.pop(3)) == 3
    first.close()  # as after kill -9: the claims stay
    other = SQLiteFrontier(path, worker_id="w2")
    assert other.reclaim(stale_after=30) == 0  # w1's heartbeat is fresh
    again = SQLiteFrontier(path, worker_id="w1")
    assert again.stats() == {"queued": 4, "in_flight": 0, "done": 0, "dropped": 0}
    again.close()
    other.close()


def test_active_while_anything_is_queued_or_in_flight(tmp_path):
    f = SQLiteFrontier(tmp_path / "crawl.sqlite", worker_id="w1")
    assert not f.active()
    f.add(_entries(1))
    assert f.active()
    (entry,) = f.pop(1)
    assert f.active() and f.pending() == 0
    f.dropped(entry.url, "timeout")
    assert not f.active()
    f.close()


def test_site_budget_holds_across_processes(tmp_path):
    path = tmp_path / "sites.sqlite"
    SQLiteSiteBudget(path, concurrency=2, interval=0.02, lease=60.0).close()
    procs = [_python(_SITE_USER, str(path)) for _ in range(3)]
    held = sorted(tuple(h) for p in procs for h in json.loads(p.communicate(timeout=120)[0]))
    assert len(held) == 45
    events = sorted([(s, 1) for s, _ in held] + [(e, -1) for _, e in held], key=lambda x: (x[0], x[1]))
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    assert peak == 2  # the budget was used, never exceeded
    starts = [s for s, _ in held]
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.02 - 1e-3


def test_expired_leases_free_a_dead_workers_slots(tmp_path):
    dead = SQLiteSiteBudget(tmp_path / "sites.sqlite", concurrency=1, interval=0.0, lease=5.0, owner="dead")
    assert dead.acquire("a.example", now=100.0) == 0.0
    live = SQLiteSiteBudget(tmp_path / "sites.sqlite", concurrency=1, interval=0.0, lease=5.0, owner="live")
    assert live.acquire("a.example", now=101.0) > 0  # taken
    live.release("a.example")  # not its slot: nothing given back
    assert live.acquire("a.example", now=104.0) > 0
    assert live.acquire("a.example", now=106.0) == 0.0  # the dead worker's lease ran out
    dead.close()
    live.close()
