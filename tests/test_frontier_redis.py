"""The Redis Streams frontier: the frontier contract tests, workers, reclaim, no pickles."""

from __future__ import annotations

import inspect
import json
import pickle
import threading

import pytest
import redis
import test_frontier as contract
from redis_server import RedisServer, redis_server  # noqa: F401  (fixture)

from crawler.frontier import FrontierEntry
from crawler.frontier.redis_streams import RedisStreamsFrontier
from crawler.redisconn import run_prefix

# Every contract test of tests/test_frontier.py that takes the `frontier` fixture runs
# here against Redis (the fixture below replaces the SQLite one in this module).
for _name, _test in vars(contract).items():
    if _name.startswith("test_") and "frontier" in inspect.signature(_test).parameters:
        globals()[_name] = _test

entry = contract.entry


@pytest.fixture
def frontier(redis_server):  # noqa: F811
    f = RedisStreamsFrontier.connect(redis_server.url, "t", worker_id="w1")
    yield f
    f.close()


def open_worker(server, worker: str, run: str = "t") -> RedisStreamsFrontier:
    return RedisStreamsFrontier.connect(server.url, run, worker_id=worker)


def test_workers_share_one_queue_and_one_seen_set(redis_server):  # noqa: F811
    a, b = open_worker(redis_server, "a"), open_worker(redis_server, "b")
    assert a.add([entry(f"http://s.example/{i}") for i in range(10)]) == 10
    assert b.add([entry("http://s.example/3"), entry("http://s.example/10")]) == 1  # 3 seen
    got_a, got_b = a.pop(4), b.pop(100)
    assert len(got_a) == 4 and len(got_b) == 7
    assert {e.url for e in got_a}.isdisjoint(e.url for e in got_b)
    assert b.stats() == {"queued": 0, "in_flight": 11, "done": 0, "dropped": 0}
    assert a.active()
    assert b.done([e.url for e in got_a]) == 4  # done is by URL, from any worker
    a.done([e.url for e in got_b])
    assert not a.active() and not b.active()
    a.close(), b.close()


def test_concurrent_pops_never_hand_out_an_entry_twice(redis_server):  # noqa: F811
    open_worker(redis_server, "seed").add([entry(f"http://s.example/{i}") for i in range(600)])
    got: dict[str, list[str]] = {}

    def work(name: str) -> None:
        f = open_worker(redis_server, name)
        mine = got.setdefault(name, [])
        while batch := f.pop(7):
            mine += [e.url for e in batch]
            f.done([e.url for e in batch])
        f.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    urls = [u for mine in got.values() for u in mine]
    assert len(urls) == 600 and len(set(urls)) == 600
    assert open_worker(redis_server, "x").stats()["done"] == 600


def test_reclaim_requeues_a_dead_workers_entries_only(redis_server):  # noqa: F811
    live, dead = open_worker(redis_server, "live"), open_worker(redis_server, "dead")
    live.add([entry(f"http://s.example/{i}") for i in range(6)])
    dead_urls = {e.url for e in dead.pop(2)}
    live_urls = {e.url for e in live.pop(2)}
    # nobody is stale yet: a 30 s threshold touches nothing
    assert live.reclaim(30) == 0
    # "dead" stops beating; "live" beats (pop/heartbeat) and then reclaims with a 0.2 s limit
    dead.link.client.close()
    import time
    time.sleep(0.4)
    live.heartbeat()
    assert live.reclaim(0.2) == 2
    assert live.stats() == {"queued": 4, "in_flight": 2, "done": 0, "dropped": 0}
    again = {e.url for e in live.pop(10)}
    assert dead_urls <= again and not (live_urls & again)
    # the dead consumer is gone from the group, the live one's claims are intact
    consumers = {c["name"] for c in live.link.client.xinfo_consumers(live.keys[1], "t")}
    assert consumers == {"live"}
    assert live.done(live_urls | again) == 6
    live.close()


def test_a_worker_started_again_under_its_id_requeues_its_claims(redis_server):  # noqa: F811
    first = open_worker(redis_server, "w1")
    other = open_worker(redis_server, "w2")
    first.add([entry(f"http://s.example/{i}") for i in range(4)])
    mine, theirs = {e.url for e in first.pop(2)}, {e.url for e in other.pop(1)}
    # w1 dies; the coordinator starts it again at once (its heartbeat is still fresh)
    again = open_worker(redis_server, "w1")
    assert again.stats() == {"queued": 3, "in_flight": 1, "done": 0, "dropped": 0}
    assert {e.url for e in again.pop(10)} == mine | {"http://s.example/3"}
    assert other.done(theirs) == 1  # w2's claim untouched
    first.close(), other.close(), again.close()


def test_a_pop_retried_after_a_lost_reply_gets_the_same_entries(redis_server):  # noqa: F811
    f = open_worker(redis_server, "w")
    f.add([entry(f"http://s.example/{i}") for i in range(5)])
    token = f"{f.prefix}reply:lost"
    first = f._run("pop", [f.consumer, 2], (token, f._last_reply))  # the reply never arrives
    again = f._run("pop", [f.consumer, 2], (token, f._last_reply))  # RedisLink retries the call
    assert again == first and len(first) == 2
    assert f.stats()["in_flight"] == 2
    f._last_reply = token  # as pop() does once the reply arrives
    f.pop(1)  # the next pop deletes the saved reply
    assert not f.link.client.exists(token)
    f.close()


def test_requeue_in_flight_after_a_crash(redis_server):  # noqa: F811
    f = open_worker(redis_server, "")
    f.add([entry(f"http://a.example/{i}") for i in range(5)])
    popped = f.pop(3)
    f.done([popped[0].url])
    # the process dies without close(); a new one opens the same run and resumes
    g = open_worker(redis_server, "")
    assert g.stats() == {"queued": 2, "in_flight": 2, "done": 1, "dropped": 0}
    assert g.requeue_in_flight() == 2
    urls = sorted(e.url for e in g.pop(10))
    assert urls == sorted([popped[1].url, popped[2].url, "http://a.example/3", "http://a.example/4"])
    f.close(), g.close()


def test_runs_are_separate(redis_server):  # noqa: F811
    a, b = open_worker(redis_server, "w", run="one"), open_worker(redis_server, "w", run="two")
    a.add([entry("http://s.example/")])
    assert b.add([entry("http://s.example/")]) == 1
    assert a.pending() == b.pending() == 1
    assert run_prefix("one") != run_prefix("two")
    a.close(), b.close()


def test_entries_are_plain_json_and_a_pickle_is_never_loaded(redis_server, tmp_path):  # noqa: F811
    f = open_worker(redis_server, "w")
    f.add([entry("http://s.example/ok", 2, retry_times=1)])
    (raw_id, fields), = f.link.client.xrange(f.keys[1])
    assert json.loads(fields["e"]) == {"depth": 2, "referer": "", "meta": {"retry_times": 1},
                                       "fetch": "http://s.example/ok"}
    # someone who can write to Redis plants a pickle that would create a file when loaded
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    payload = pickle.dumps(Exploit(), protocol=0).decode("latin-1")
    raw = redis.Redis.from_url(redis_server.url)
    raw.hset(f.keys[0], "http://s.example/evil", "q")
    raw.hincrby(f.keys[2], "queued", 1)
    raw.xadd(f.keys[1], {"u": "http://s.example/evil", "e": payload})
    got = f.pop(10)
    assert [e.url for e in got] == ["http://s.example/ok"]
    assert not marker.exists()
    assert f.dropped_counts() == {"bad_entry": 1}
    raw.close()
    f.close()


def test_frontier_survives_a_redis_restart(tmp_path, caplog):
    with RedisServer(tmp_path / "r") as server:
        f = open_worker(server, "w")
        f.add([entry(f"http://s.example/{i}") for i in range(5)])
        first = f.pop(2)
        server.restart()
        # same data after the restart (append-only file), same connection object
        assert f.stats() == {"queued": 3, "in_flight": 2, "done": 0, "dropped": 0}
        assert f.done([e.url for e in first]) == 2
        assert len(f.pop(10)) == 3
        f.close()


def test_an_outage_pauses_and_resumes(tmp_path, caplog):
    with RedisServer(tmp_path / "r") as server:
        f = open_worker(server, "w")
        f.add([entry("http://s.example/1")])
        server.stop()
        restarter = threading.Timer(1.0, server.start)
        restarter.start()
        with caplog.at_level("WARNING", logger="crawler.redisconn"):
            assert f.add([entry("http://s.example/2")]) == 1  # waits until Redis is back
        restarter.join()
        lines = [r.getMessage() for r in caplog.records if r.name == "crawler.redisconn"]
        assert len(lines) == 2
        assert "paused" in lines[0] and "back" in lines[1]
        assert f.pending() == 2
        f.close()
