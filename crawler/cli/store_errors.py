"""A damaged or empty run store, said in one line: which file, and what to do.

:func:`crawler.cli.main.main` turns any ``sqlite3.DatabaseError`` a command
meets into this :class:`~crawler.cli.errors.UserError` (exit 2, no traceback).

>>> import argparse, sqlite3
>>> print(store_error(argparse.Namespace(run_dir="runs/x"), sqlite3.DatabaseError("database disk image is malformed")))
runs/x/crawl.sqlite is damaged (database disk image is malformed); recover what it holds with `sqlite3 runs/x/crawl.sqlite ".recover" | sqlite3 runs/x/recovered.sqlite` and move recovered.sqlite to crawl.sqlite, or start a new run
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from crawler.cli.errors import UserError
from crawler.store import EmptyStore, store_path

__all__ = ["store_error"]


def store_error(args: argparse.Namespace, exc: sqlite3.DatabaseError) -> UserError:
    """The one-line error for a store that SQLite cannot read."""
    run_dir = getattr(args, "run_dir", None) or getattr(args, "resume", None) or getattr(args, "output", None)
    path = store_path(run_dir) if run_dir else Path("crawl.sqlite")
    if isinstance(exc, EmptyStore):
        return UserError(f"{path} is empty (0 bytes): no crawl was stored in it;"
                         " start a new run with `cobweb crawl ... -o NEW_RUN_DIR`")
    damaged = "malformed" in str(exc) or "Could not decode" in str(exc)  # garbled pages or text
    if isinstance(exc, sqlite3.OperationalError) and not damaged:
        return UserError(f"{path} cannot be read or written ({exc}); check the disk and that no other"
                         " process holds the run, then try again")
    recovered = path.with_name("recovered.sqlite")
    return UserError(f"{path} is damaged ({exc}); recover what it holds with"
                     f' `sqlite3 {path} ".recover" | sqlite3 {recovered}` and move {recovered.name} to'
                     f" {path.name}, or start a new run")
