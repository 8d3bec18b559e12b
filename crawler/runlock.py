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

The workers of one run (``cobweb crawl --workers N``) share its lock: the
coordinator takes it and hands the open descriptor to each worker process
(:func:`lock_for_workers`, environment variable :data:`LOCK_FD_ENV`); a worker
joins with :func:`joined_run_lock`, which checks that the descriptor is the
lock of its run. ``flock`` belongs to the open file, not to a process, so the
run stays locked while the coordinator or any worker lives, and a second
independent ``cobweb crawl`` of the run is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["run_lock", "check_unlocked", "RunLocked", "LOCK_FILENAME", "LOCK_FD_ENV",
           "lock_for_workers", "joined_run_lock"]

LOCK_FILENAME = "crawl.lock"
#: Environment variable of a worker process: the descriptor of its run's held lock.
LOCK_FD_ENV = "COBWEB_RUN_LOCK_FD"


class RunLocked(RuntimeError):
    """Another process is crawling this run."""


@contextlib.contextmanager
def run_lock(run_dir: str | Path) -> Iterator[None]:
    """Hold the run's lock; raise :class:`RunLocked` at once when another process holds it."""
    with lock_for_workers(run_dir):
        yield


@contextlib.contextmanager
def lock_for_workers(run_dir: str | Path) -> Iterator[int]:
    """Hold the run's lock like :func:`run_lock`; yield its descriptor, to pass to worker
    processes (``pass_fds``, with :data:`LOCK_FD_ENV` set to it)."""
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
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def joined_run_lock(run_dir: str | Path, environ: dict[str, str] | None = None) -> Iterator[None]:
    """Join the lock a coordinator holds for ``run_dir`` (the descriptor named by
    :data:`LOCK_FD_ENV`); raise :class:`RunLocked` when there is none, or it is another
    run's lock or not held."""
    env = os.environ if environ is None else environ
    try:
        fd = int(env[LOCK_FD_ENV])
        mine, lock = os.fstat(fd), os.stat(Path(run_dir) / LOCK_FILENAME)
    except (KeyError, ValueError, OSError):
        raise RunLocked(f"a worker of {run_dir} runs under `cobweb crawl --workers N`; "
                        "start the crawl with it") from None
    if (mine.st_dev, mine.st_ino) != (lock.st_dev, lock.st_ino):
        raise RunLocked(f"the lock handed to this worker is not the one of {run_dir}")
    try:  # held by the coordinator through the same open file: this succeeds, else not held
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise RunLocked(f"{run_dir} is being crawled by another process; this worker's "
                        "coordinator is gone") from None
    yield


def check_unlocked(run_dir: str | Path) -> None:
    """Raise :class:`RunLocked` now if another process crawls ``run_dir`` (a check made
    before slower ones, such as the proxy's; :func:`run_lock` still guards the crawl)."""
    with run_lock(run_dir):
        pass
