"""Views and cloaking findings in the run's ``crawl.sqlite`` (tables of their own).

>>> from crawler.render.views import ViewResult
>>> store = ViewStore(":memory:")
>>> views = [ViewResult("crawler", "http://a.example/", "d1", []),
...          ViewResult("phone", "http://a.example/", "d2", ["handle:wechat:x_1"])]
>>> store.add_views("http://a.example/", views, {"views": ["phone"], "differs": ["contacts"]})
>>> [v["name"] for v in store.views_of("http://a.example/")]
['crawler', 'phone']
>>> store.findings()
{'http://a.example/': {'views': ['phone'], 'differs': ['contacts']}}
>>> store.close()
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from crawler.render.views import ViewResult
from crawler.sqlite import connect, write_transaction

__all__ = ["ViewStore", "store_findings"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS page_views (
    page_url TEXT NOT NULL,
    view TEXT NOT NULL,
    final_url TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL DEFAULT '',
    contacts TEXT NOT NULL DEFAULT '[]',
    error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (page_url, view)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (
    page_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (page_url, kind)
) WITHOUT ROWID;
"""


class ViewStore:
    """The ``page_views`` and ``findings`` tables of one run's store file."""

    def __init__(self, path: str | Path) -> None:
        self.conn = connect(path, _SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def add_views(self, page_url: str, views: list[ViewResult], cloaking: dict[str, Any] | None) -> None:
        """Record a page's views and its ``cloaking`` finding (None: none) in one transaction."""
        with write_transaction(self.conn) as cur:
            cur.executemany(
                "INSERT OR REPLACE INTO page_views VALUES (?,?,?,?,?,?)",
                [(page_url, v.name, v.final_url, v.digest, json.dumps(v.contacts), v.error)
                 for v in views])
            cur.execute("DELETE FROM findings WHERE page_url = ? AND kind = 'cloaking'", (page_url,))
            if cloaking:
                cur.execute("INSERT INTO findings VALUES (?, 'cloaking', ?)",
                            (page_url, json.dumps(cloaking, ensure_ascii=False)))

    def views_of(self, page_url: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT view, final_url, digest, contacts, error FROM page_views WHERE page_url = ?",
            (page_url,))
        return [{"name": n, "final_url": f, "digest": d, "contacts": json.loads(c), "error": e}
                for n, f, d, c, e in rows]

    def findings(self, kind: str = "cloaking") -> dict[str, dict[str, Any]]:
        """``page url -> finding`` of every page with a finding of ``kind``."""
        return store_findings(self.conn, kind)


def store_findings(conn: sqlite3.Connection, kind: str = "cloaking") -> dict[str, dict[str, Any]]:
    """The findings in an open store connection; empty when the run has none (no table).

    >>> store_findings(sqlite3.connect(":memory:"))
    {}
    """
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'").fetchone()
    if not exists:
        return {}
    return {url: json.loads(detail) for url, detail in conn.execute(
        "SELECT page_url, detail FROM findings WHERE kind = ? ORDER BY page_url", (kind,))}
