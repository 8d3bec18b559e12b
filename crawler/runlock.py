"""One crawl process per run directory: an exclusive lock on ``RUN_DIR/crawl.lock``.

Two ``cobweb crawl --resume`` on one run would fetch the same URLs twice and
race on the frontier. :func:`run_lock` takes an advisory ``flock`` on the run's
lock file for as long as the crawl runs; the operating system releases it when
the process ends, ``kill -9`` included, so a stale lock never blocks a resume.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as run, run_lock(run):
...     try:
...         with run_lock(run):
...             pass
...     except RunLocked as exc:
...         print("refused:", "being crawled" in str(exc))
refused: True
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["run_lock", "check_unlocked", "RunLocked", "LOCK_FILENAME"]

LOCK_FILENAME = "crawl.lock"


class RunLocked(RuntimeError):
    """Another process is crawling this run."""


@contextlib.contextmanager
def run_lock(run_dir: str | Path) -> Iterator[None]:
    """Hold the run's lock; raise :class:`RunLocked` at once when another process holds it."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOCK_FILENAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise RunLocked(f"{run_dir} is being crawled by another process (pid {holder}); "
                            "wait for it to finish or stop it, then resume") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def check_unlocked(run_dir: str | Path) -> None:
    """Raise :class:`RunLocked` now if another process crawls ``run_dir`` (a check made
    before slower ones, such as the proxy's; :func:`run_lock` still guards the crawl)."""
    with run_lock(run_dir):
        pass
