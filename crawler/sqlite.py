"""The one way Cobweb opens its SQLite file (store and frontier share it).

WAL lets the frontier and the store write from their own connections;
``synchronous=NORMAL`` keeps every committed transaction across ``kill -9``
(not across power loss); autocommit mode leaves transactions to the caller.

>>> conn = connect(":memory:")
>>> conn.execute("PRAGMA synchronous").fetchone()
(1,)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["connect"]


def connect(path: str | Path, schema: str = "") -> sqlite3.Connection:
    """Open ``path`` in WAL mode with explicit transactions and create ``schema``."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    if schema:
        conn.executescript(schema)
    return conn
