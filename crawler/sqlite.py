"""The one way Cobweb opens its SQLite file (store and frontier share it).

WAL lets the frontier and the store write from their own connections;
``synchronous=NORMAL`` keeps every committed transaction across ``kill -9``
(not across power loss); autocommit mode leaves transactions to the caller.

>>> conn = connect(":memory:")
>>> conn.execute("PRAGMA synchronous").fetchone()
(1,)
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

__all__ = ["connect", "add_columns", "write_transaction"]


def connect(path: str | Path, schema: str = "", *, page_size: int | None = None) -> sqlite3.Connection:
    """Open ``path`` in WAL mode with explicit transactions and create ``schema``;
    ``page_size`` applies to a new (empty) file only."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    if page_size:
        conn.execute(f"PRAGMA page_size={int(page_size)}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    if schema:
        conn.executescript(schema)
    return conn


def add_columns(conn: sqlite3.Connection, table: str, columns: dict[str, str]) -> list[str]:
    """Add the ``columns`` (name to SQL type and default) that ``table`` lacks:
    the migration of a file written by an older Cobweb. Returns the names added.

    >>> conn = connect(":memory:", "CREATE TABLE t (a INTEGER);")
    >>> add_columns(conn, "t", {"b": "TEXT NOT NULL DEFAULT ''"}), add_columns(conn, "t", {"b": "TEXT"})
    (['b'], [])
    """
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    added = [name for name in columns if name not in have]
    for name in added:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {columns[name]}")
    return added


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Cursor]:
    """One write transaction on ``conn``: committed on a clean exit, rolled back on any error
    (unless SQLite already rolled it back, as it does when the disk is full).

    >>> conn = connect(":memory:", "CREATE TABLE t (a INTEGER);")
    >>> with write_transaction(conn) as cur:
    ...     _ = cur.execute("INSERT INTO t VALUES (1)")
    >>> try:
    ...     with write_transaction(conn) as cur:
    ...         _ = cur.execute("INSERT INTO t VALUES (2)")
    ...         raise RuntimeError
    ... except RuntimeError:
    ...     pass
    >>> conn.execute("SELECT a FROM t").fetchall()
    [(1,)]
    """
    cur = conn.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            cur.execute("ROLLBACK")
        raise
