"""The SQLite frontier: deduplication, states, durability across connections."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.frontier import FrontierEntry, SQLiteFrontier
from crawler.store import PageStore, store_path


def entry(url: str, depth: int = 0, **meta: object) -> FrontierEntry:
    return FrontierEntry.for_url(url, depth=depth, meta=meta)


#: Every Frontier implementation must pass the contract tests below (docs/frontier.md);
#: a Redis frontier joins this list.
IMPLEMENTATIONS = [pytest.param(SQLiteFrontier.for_run, id="sqlite")]


@pytest.fixture(params=IMPLEMENTATIONS)
def frontier(request, tmp_path):
    f = request.param(tmp_path)
    yield f
    f.close()


def test_add_dedupes_by_canonical_url(frontier):
    added = frontier.add([entry("http://a.example/x?b=2&a=1"), entry("HTTP://A.EXAMPLE:80/x?a=1&b=2"),
                          entry("http://a.example/x?a=1&b=2&utm_source=mail#frag")])
    assert added == 1
    assert frontier.add([entry("http://a.example/x?b=2&a=1")]) == 0
    assert frontier.seen("http://a.example/x?a=1&b=2")
    assert not frontier.seen("http://a.example/y")
    assert frontier.pending() == 1


def test_pop_is_fifo_and_marks_in_flight(frontier):
    frontier.add([entry(f"http://a.example/{i}", depth=i % 3) for i in range(10)])
    first = frontier.pop(4)
    assert [e.url for e in first] == [f"http://a.example/{i}" for i in range(4)]
    assert [e.depth for e in first] == [0, 1, 2, 0]
    assert frontier.stats() == {"queued": 6, "in_flight": 4, "done": 0, "dropped": 0}
    assert frontier.pending() == 6
    # popped entries are not handed out twice
    rest = frontier.pop(100)
    assert {e.url for e in rest}.isdisjoint(e.url for e in first)
    assert frontier.pop(5) == []


def test_done_and_dropped_only_from_in_flight(frontier):
    frontier.add([entry("http://a.example/1"), entry("http://a.example/2"), entry("http://a.example/3")])
    one, two = frontier.pop(2)
    assert frontier.done([one.url]) == 1
    assert frontier.done([one.url]) == 0  # already done
    assert frontier.dropped(two.url, "timeout")
    assert not frontier.dropped("http://a.example/3", "timeout")  # still queued
    assert frontier.done(["http://a.example/3"]) == 0
    assert frontier.stats() == {"queued": 1, "in_flight": 0, "done": 1, "dropped": 1}


def test_retry_requeues_with_new_meta(frontier):
    frontier.add([entry("http://a.example/1")])
    (e,) = frontier.pop(1)
    e.meta["retry_times"] = 1
    assert frontier.retry(e)
    assert not frontier.retry(e)  # already queued
    (again,) = frontier.pop(1)
    assert again.url == e.url and again.meta == {"retry_times": 1}
    frontier.done([again.url])
    # dont_filter on a finished entry queues it again; on an unseen URL it adds it
    assert frontier.retry(again)
    assert frontier.retry(entry("http://b.example/"))
    assert frontier.pending() == 2


def test_requeue_in_flight_after_crash(tmp_path):
    f = SQLiteFrontier.for_run(tmp_path)
    f.add([entry(f"http://a.example/{i}") for i in range(5)])
    popped = f.pop(3)
    f.done([popped[0].url])
    # the process dies: no close, a new connection opens the same file
    g = SQLiteFrontier.for_run(tmp_path)
    assert g.stats() == {"queued": 2, "in_flight": 2, "done": 1, "dropped": 0}
    assert g.pending() == 2
    assert g.requeue_in_flight() == 2
    urls = [e.url for e in g.pop(10)]
    assert sorted(urls) == sorted([popped[1].url, popped[2].url, "http://a.example/3",
                                   "http://a.example/4"])
    f.close()
    g.close()


def test_tables_live_next_to_the_page_store(tmp_path):
    with PageStore.open_run(tmp_path):
        pass
    f = SQLiteFrontier.for_run(tmp_path)
    f.add([entry("http://a.example/")])
    f.close()
    conn = sqlite3.connect(store_path(tmp_path))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"pages", "frontier"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_failed_transaction_leaves_nothing(frontier):
    frontier.add([entry("http://a.example/1")])
    bad = FrontierEntry(None)  # type: ignore[arg-type]  # fails inside the transaction
    with pytest.raises(Exception):  # noqa: B017  (sqlite3.IntegrityError here)
        frontier.add([entry("http://a.example/3"), bad])
    assert not frontier.seen("http://a.example/3")
    assert frontier.pending() == 1


def test_meta_round_trips(frontier):
    frontier.add([entry("http://a.example/", depth=2, redirect_urls=["http://b.example/"],
                        retry_times=2)])
    (e,) = frontier.pop(1)
    assert e.depth == 2
    assert e.meta == {"redirect_urls": ["http://b.example/"], "retry_times": 2}


def test_requeue_dropped_by_reason(frontier):
    frontier.add([FrontierEntry.for_url(f"http://a.example/{i}") for i in range(3)])
    for entry, reason in zip(frontier.pop(3), ["connection_error", "timeout", "http_error"]):
        frontier.dropped(entry.url, reason)
    assert frontier.dropped_counts() == {"connection_error": 1, "http_error": 1, "timeout": 1}
    assert frontier.requeue_dropped(["timeout", "connection_error"]) == 2
    assert frontier.pending() == 2 and frontier.dropped_counts() == {"http_error": 1}
    assert [e.url for e in frontier.pop(5)] == ["http://a.example/0", "http://a.example/1"]
    assert frontier.requeue_dropped([]) == 0
