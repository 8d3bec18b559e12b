"""A full disk stops the crawl cleanly, whichever write meets it first.

The store and the frontier share one SQLite file. When the disk is full (or a
write is refused: a file size limit, an I/O error), SQLite rolls back the
transaction and raises; :func:`stop_on_full_disk` then closes the spider once,
with the finish reason :data:`DISK_FULL`, and the write is given up: what was
committed stays. From then on the frontier writes nothing (its in-flight URLs,
whose pages or links may not be stored, are requeued by ``--resume``), and
``cobweb crawl`` says how many pages are stored.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy.utils.defer import _schedule_coro

__all__ = ["DISK_FULL", "disk_refused", "stop_on_full_disk", "stopping_on_full_disk"]

logger = logging.getLogger(__name__)

#: The finish reason of a crawl stopped because the disk refused a write.
DISK_FULL = "disk_full"
_STAT = "cobweb/disk_full"


def disk_refused(exc: BaseException) -> bool:
    """Whether SQLite failed because the disk is full or refused a write, not because of the query.

    >>> disk_refused(sqlite3.OperationalError("database or disk is full"))
    True
    >>> disk_refused(sqlite3.OperationalError("no such table: x"))
    False
    """
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        return True
    message = str(exc)
    return "disk is full" in message or "disk I/O error" in message


def stop_on_full_disk(crawler: Any, exc: BaseException) -> bool:
    """Stop the crawl (once) if ``exc`` is a refused write; return whether it was one."""
    if crawler is None or not disk_refused(exc):
        return False
    if not crawler.stats.get_value(_STAT):
        crawler.stats.set_value(_STAT, str(exc))
        logger.info("the disk refused a write to the run's store (%s): stopping the crawl", exc)
        _schedule_coro(crawler.engine.close_spider_async(reason=DISK_FULL))
    return True


def stopping_on_full_disk(crawler: Any) -> bool:
    """Whether ``crawler`` is stopping because the disk refused a write."""
    return crawler is not None and bool(crawler.stats.get_value(_STAT))
