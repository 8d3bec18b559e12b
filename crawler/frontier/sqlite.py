"""The SQLite frontier: tables in ``RUN_DIR/crawl.sqlite``, next to the pages.

It keeps its own connection (WAL, ``synchronous=NORMAL``: a committed
transaction survives ``kill -9``), and every method is one transaction.

>>> f = SQLiteFrontier(":memory:")
>>> f.add([FrontierEntry.for_url("http://a.example/"), FrontierEntry.for_url("http://A.example")])
1
>>> [e.url for e in f.pop(10)], f.pending()
(['http://a.example/'], 0)
>>> f.requeue_in_flight(), f.pending()
(1, 1)
>>> f.done([f.pop(1)[0].url]), f.stats()
(1, {'queued': 0, 'in_flight': 0, 'done': 1, 'dropped': 0})
>>> f.add([FrontierEntry.for_url("http://b.example/")]), f.dropped(f.pop(1)[0].url, "timeout")
(1, True)
>>> f.dropped_counts(), f.requeue_dropped(["timeout"]), f.pending()
({'timeout': 1}, 1, 1)
>>> f.close()

Several processes share one file, each with its own worker id (see
``docs/workers.md``): a claim is recorded per worker, and a worker whose
heartbeat is stale loses its claims to the others.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "crawl.sqlite"
>>> w1, w2 = SQLiteFrontier(path, worker_id="w1"), SQLiteFrontier(path, worker_id="w2")
>>> w1.add([FrontierEntry.for_url("http://a.example/")]), [e.url for e in w1.pop(5)], w2.pop(5)
(1, ['http://a.example/'], [])
>>> w2.active(), w2.reclaim(stale_after=60), w2.reclaim(stale_after=-1), w2.stats()["queued"]
(True, 0, 1, 1)
>>> w2.done([w2.pop(1)[0].url]), w1.active()
(1, False)
>>> w1.close(); w2.close()
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from crawler.diskfull import stop_on_full_disk, stopping_on_full_disk
from crawler.frontier.base import STATES, Frontier, FrontierEntry
from crawler.records import DropReason
from crawler.sqlite import add_columns, connect, write_transaction
from crawler.store import store_path

__all__ = ["SQLiteFrontier"]

logger = logging.getLogger(__name__)

_QUEUED, _IN_FLIGHT, _DONE, _DROPPED = range(4)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    depth INTEGER NOT NULL DEFAULT 0,
    referer TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    state INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS frontier_queued ON frontier (id) WHERE state = 0;
CREATE INDEX IF NOT EXISTS frontier_in_flight ON frontier (id) WHERE state = 1;
CREATE TABLE IF NOT EXISTS workers (
    id TEXT PRIMARY KEY,
    heartbeat REAL NOT NULL,
    pid INTEGER NOT NULL DEFAULT 0
);
"""
#: Columns added after the first release: created in older files when opened.
_ADDED_COLUMNS = {"fetch_url": "TEXT NOT NULL DEFAULT ''",
                  "worker": "TEXT NOT NULL DEFAULT ''"}  # who claimed an in-flight entry
#: Seconds a shared frontier's queue count is trusted before it is read again.
_RECOUNT_AFTER = 0.5
_CLAIMS_INDEX = "CREATE INDEX IF NOT EXISTS frontier_claims ON frontier (worker) WHERE state = 1"


def _dump_meta(meta: dict) -> str:
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":")) if meta else "{}"


class SQLiteFrontier(Frontier):
    """A :class:`~crawler.frontier.base.Frontier` in one SQLite database file.

    Parameters
    ----------
    path : str or Path
        The database file (``":memory:"`` for tests); :meth:`for_run` opens the
        one of a run directory.
    worker_id : str
        This process's worker id (``COBWEB_WORKER_ID``); ``""``: the only
        worker. With an id, several processes share the file (WAL, busy
        timeout): queue counts are read from the file, not kept in memory, and
        the entries left in flight under this id by an earlier process (a
        worker restarted under its id) are queued again when it opens.
    """

    def __init__(self, path: str | Path, worker_id: str = "") -> None:
        self.path = str(path)
        self.worker_id = worker_id
        self.conn = connect(self.path, _SCHEMA)
        add_columns(self.conn, "frontier", _ADDED_COLUMNS)
        self.conn.execute(_CLAIMS_INDEX)
        self._pending = self._count(_QUEUED)
        self._counted_at = time.monotonic()
        self.crawler = None  # set by from_crawler: a full disk then stops its crawl
        if worker_id:
            self._take_over()

    @classmethod
    def for_run(cls, run_dir: str | Path, worker_id: str = "") -> SQLiteFrontier:
        """The frontier of a run directory (created if needed)."""
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        return cls(store_path(run_dir), worker_id)

    @classmethod
    def from_crawler(cls, crawler) -> SQLiteFrontier:  # noqa: ANN001
        """Open the frontier of the run directory of the crawler's spider."""
        frontier = cls.for_run(crawler.spider.run_dir, crawler.settings.get("COBWEB_WORKER_ID") or "")
        frontier.crawler = crawler
        return frontier

    @property
    def shared(self) -> bool:
        """Other processes may write this frontier."""
        return bool(self.worker_id)

    def _count(self, state: int) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM frontier WHERE state = ?",
                                     (state,)).fetchone()[0])

    def _transaction(self) -> contextlib.AbstractContextManager[sqlite3.Cursor]:
        """A write transaction: committed on a clean exit, else rolled back."""
        return write_transaction(self.conn)

    def _write(self, sql: str, rows: Iterable[tuple]) -> int:
        """Run ``sql`` over ``rows`` in one transaction; return rows changed."""
        if stopping_on_full_disk(self.crawler):
            return 0  # nothing is finished any more: what was in flight is requeued on resume
        before = self.conn.total_changes
        try:
            with self._transaction() as cur:
                cur.executemany(sql, rows)
        except sqlite3.OperationalError as exc:
            if not stop_on_full_disk(self.crawler, exc):
                raise
            return 0  # the crawl stops; the in-flight URLs stay in flight, requeued on resume
        return self.conn.total_changes - before

    def add(self, entries: Iterable[FrontierEntry]) -> int:
        rows = [(e.url, e.depth, e.referer, _dump_meta(e.meta), e.fetch) for e in entries]
        if not rows:
            return 0
        added = self._write(
            "INSERT INTO frontier (url, depth, referer, meta, fetch_url) VALUES (?,?,?,?,?)"
            " ON CONFLICT(url) DO NOTHING", rows)
        self._pending += added
        return added

    def seen(self, url: str) -> bool:
        return self.conn.execute("SELECT 1 FROM frontier WHERE url = ?", (url,)).fetchone() is not None

    def pop(self, n: int) -> list[FrontierEntry]:
        if n <= 0 or stopping_on_full_disk(self.crawler):
            return []
        if self._pending <= 0 and (not self.shared or not self._any(_QUEUED)):
            return []
        try:
            with self._transaction() as cur:
                rows = cur.execute(
                    "SELECT id, url, depth, referer, meta, fetch_url FROM frontier WHERE state = 0"
                    " ORDER BY id LIMIT ?", (n,)).fetchall()
                cur.executemany("UPDATE frontier SET state = 1, worker = ? WHERE id = ?",
                                [(self.worker_id, r[0]) for r in rows])
        except sqlite3.OperationalError as exc:
            if not stop_on_full_disk(self.crawler, exc):
                raise
            return []
        self._pending -= len(rows)
        return [FrontierEntry(url, depth, referer, json.loads(meta), fetch)
                for _, url, depth, referer, meta, fetch in rows]

    def retry(self, entry: FrontierEntry) -> bool:
        changed = self._write(
            "INSERT INTO frontier (url, depth, referer, meta, fetch_url) VALUES (?,?,?,?,?)"
            " ON CONFLICT(url) DO UPDATE SET state = 0, meta = excluded.meta, reason = '',"
            " fetch_url = excluded.fetch_url WHERE frontier.state != 0",
            [(entry.url, entry.depth, entry.referer, _dump_meta(entry.meta), entry.fetch)])
        self._pending += changed
        return bool(changed)

    def done(self, urls: Iterable[str]) -> int:
        rows = [(u,) for u in urls]
        if not rows:
            return 0
        return self._write("UPDATE frontier SET state = 2 WHERE url = ? AND state = 1", rows)

    def dropped(self, url: str, reason: DropReason) -> bool:
        return bool(self._write(
            "UPDATE frontier SET state = 3, reason = ? WHERE url = ? AND state = 1",
            [(reason, url)]))

    def requeue_in_flight(self) -> int:
        changed = self._write("UPDATE frontier SET state = 0 WHERE state = 1", [()])
        self._pending += changed
        if changed:
            logger.info("frontier: %s in-flight URLs queued again", changed)
        return changed

    def requeue_dropped(self, reasons: Iterable[str]) -> int:
        changed = self._write("UPDATE frontier SET state = 0, reason = '' WHERE state = 3 AND reason = ?",
                              [(r,) for r in sorted(set(reasons))])
        self._pending += changed
        if changed:
            logger.info("frontier: %s dropped URLs queued again", changed)
        return changed

    def dropped_counts(self) -> dict[str, int]:
        return dict(self.conn.execute(
            "SELECT reason, COUNT(*) FROM frontier WHERE state = 3 GROUP BY reason ORDER BY reason"))

    def pending(self) -> int:
        if self.shared and time.monotonic() - self._counted_at >= _RECOUNT_AFTER:
            self._pending = self._count(_QUEUED)  # other workers add and pop too
            self._counted_at = time.monotonic()
        return self._pending

    def stats(self) -> dict[str, int]:
        counts = dict(self.conn.execute("SELECT state, COUNT(*) FROM frontier GROUP BY state"))
        return {name: int(counts.get(i, 0)) for i, name in enumerate(STATES)}

    # -- several workers -------------------------------------------------------

    def _any(self, state: int) -> bool:
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM frontier WHERE state = ?)",
                                 (state,)).fetchone()[0] == 1

    def _take_over(self) -> None:
        """Register this worker; what an earlier process of the same id left in flight is
        queued again (it died: this process has claimed nothing yet)."""
        requeued = self._write(
            "UPDATE frontier SET state = 0, worker = '' WHERE state = 1 AND worker = ?",
            [(self.worker_id,)])
        self._pending += requeued
        if requeued:
            logger.info("frontier: worker %s restarted, %s URLs it had in flight queued again",
                        self.worker_id, requeued)
        self.heartbeat()

    def heartbeat(self) -> None:
        self._write("INSERT INTO workers (id, heartbeat, pid) VALUES (?,?,?)"
                    " ON CONFLICT(id) DO UPDATE SET heartbeat = excluded.heartbeat, pid = excluded.pid",
                    [(self.worker_id, time.time(), os.getpid())])

    def reclaim(self, stale_after: float) -> int:
        changed = self._write(
            "UPDATE frontier SET state = 0, worker = '' WHERE state = 1 AND worker != ?"
            " AND worker IN (SELECT id FROM workers WHERE heartbeat < ?)",
            [(self.worker_id, time.time() - stale_after)])
        self._pending += changed
        if changed:
            logger.warning("frontier: %s URLs in flight at workers that stopped answering queued again",
                           changed)
        return changed

    def active(self) -> bool:
        return self._any(_QUEUED) or self._any(_IN_FLIGHT)

    def close(self) -> None:
        self.conn.close()
