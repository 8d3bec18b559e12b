"""The site budget of the workers of one machine: ``RUN_DIR/sites.sqlite``.

Each slot is a lease row (site, owner, until); taking one is one write
transaction (``BEGIN IMMEDIATE``), so two processes never both see a free slot.

>>> budget = SQLiteSiteBudget(":memory:", concurrency=2, interval=1.0, lease=60.0)
>>> budget.acquire("a.example", now=100.0), budget.acquire("a.example", now=100.5)
(0.0, 0.5)
>>> budget.acquire("a.example", now=101.0), budget.acquire("a.example", now=102.0) > 0
(0.0, True)
>>> budget.release("a.example"); budget.acquire("a.example", now=102.0)
0.0
>>> budget.acquire("a.example", now=200.0)  # the leases of 100-102 expired
0.0
>>> budget.close()
"""

from __future__ import annotations

import os
from pathlib import Path

from crawler.sitebudget.base import SiteBudget, site_limits
from crawler.sqlite import connect, write_transaction

__all__ = ["SQLiteSiteBudget", "SITES_FILENAME"]

SITES_FILENAME = "sites.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS site_leases (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    owner TEXT NOT NULL,
    until REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS site_leases_site ON site_leases (site, until);
CREATE TABLE IF NOT EXISTS site_starts (
    site TEXT PRIMARY KEY,
    at REAL NOT NULL
);
"""
#: Seconds to wait when every slot of a site is taken (released slots are not announced).
_FULL_WAIT = 0.05


class SQLiteSiteBudget(SiteBudget):
    """A :class:`~crawler.sitebudget.base.SiteBudget` in one SQLite file shared by the
    processes of one machine.

    Parameters
    ----------
    path : str or Path
        The database file (``":memory:"`` for tests).
    concurrency, interval, lease
        See :func:`crawler.sitebudget.base.site_limits`.
    owner : str
        Who holds the slots taken here: a worker id (its slots left by an earlier
        process of that id, which died, are free again at once), or by default this
        process id.
    """

    def __init__(self, path: str | Path, *, concurrency: int, interval: float, lease: float,
                 owner: str = "") -> None:
        self.conn = connect(path, _SCHEMA)
        self.concurrency, self.interval, self.lease = concurrency, interval, lease
        self.owner = owner or f"pid{os.getpid()}"
        if owner:
            with write_transaction(self.conn) as cur:
                cur.execute("DELETE FROM site_leases WHERE owner = ?", (owner,))

    @classmethod
    def from_crawler(cls, crawler) -> SQLiteSiteBudget:  # noqa: ANN001
        settings = crawler.settings
        run_dir = getattr(crawler.spider, "run_dir", "") or settings.get("COBWEB_RUN_DIR") or "crawl-run"
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        concurrency, interval, lease = site_limits(settings)
        return cls(Path(run_dir) / SITES_FILENAME, concurrency=concurrency, interval=interval,
                   lease=lease, owner=settings.get("COBWEB_WORKER_ID") or "")

    def acquire(self, site: str, now: float) -> float:
        with write_transaction(self.conn) as cur:
            cur.execute("DELETE FROM site_leases WHERE site = ? AND until < ?", (site, now))
            held = cur.execute("SELECT COUNT(*) FROM site_leases WHERE site = ?", (site,)).fetchone()[0]
            if held >= self.concurrency:
                return _FULL_WAIT
            row = cur.execute("SELECT at FROM site_starts WHERE site = ?", (site,)).fetchone()
            if row is not None and now - row[0] < self.interval:
                return self.interval - (now - row[0])
            cur.execute("INSERT INTO site_leases (site, owner, until) VALUES (?,?,?)",
                        (site, self.owner, now + self.lease))
            cur.execute("INSERT INTO site_starts (site, at) VALUES (?, ?)"
                        " ON CONFLICT(site) DO UPDATE SET at = excluded.at", (site, now))
        return 0.0

    def release(self, site: str) -> None:
        with write_transaction(self.conn) as cur:
            cur.execute("DELETE FROM site_leases WHERE id = (SELECT id FROM site_leases"
                        " WHERE site = ? AND owner = ? ORDER BY until LIMIT 1)", (site, self.owner))

    def close(self) -> None:
        self.conn.close()
