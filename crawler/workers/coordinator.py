"""The coordinator of ``cobweb crawl --workers N``: N worker processes on one run folder.

The coordinator holds the run lock and hands it to each worker; before the
workers start it does what a resume does once for the whole run (queue again
what was in flight, and the URLs dropped for a retryable reason), then starts
``python -m crawler.workers.worker`` N times with ``COBWEB_WORKER_ID`` w1..wN.
The workers share ``RUN_DIR/crawl.sqlite`` (frontier and store, SQLite in WAL
mode with a busy timeout) and ``RUN_DIR/sites.sqlite`` (the per-site budget);
each writes its own WARC files (``warc/cobweb-wK-*.warc.gz``). A worker that
dies (``kill -9``) while the crawl still has work is started again under its
id: it queues again what it had in flight (no page is lost) and goes on.
Ctrl-C (SIGINT) and SIGTERM are passed on to the workers, which stop as one
crawl does. The result is one ordinary run folder.

With ``--redis URL --run NAME`` (``COBWEB_REDIS_URL`` in the settings) the
workers use the Redis frontier and site budget instead (other machines' workers
share them; worker ids carry the host name), and the run folder is this
machine's shard, merged with the others by ``cobweb collect``.

>>> worker_ids(3)
['w1', 'w2', 'w3']
>>> page_shares(10, 3), page_shares(0, 2)
([4, 3, 3], [0, 0])
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.frontier.base import NETWORK_REASONS
from crawler.frontier.sqlite import SQLiteFrontier
from crawler.runlock import LOCK_FD_ENV

__all__ = ["run_workers", "worker_ids", "page_shares", "combine_summaries", "MAX_RESTARTS"]

logger = logging.getLogger(__name__)

#: Times one worker is started again after dying while the crawl had work left.
MAX_RESTARTS = 5
_POLL = 0.2


def worker_ids(n: int, prefix: str = "") -> list[str]:
    """The ids of ``n`` workers of this machine."""
    return [f"{prefix}w{i}" for i in range(1, n + 1)]


def page_shares(max_pages: int, n: int) -> list[int]:
    """``--max-pages`` split over ``n`` workers (0: no cap for any)."""
    if max_pages <= 0:
        return [0] * n
    return [max_pages // n + (1 if i < max_pages % n else 0) for i in range(n)]


@dataclass
class _Worker:
    id: str
    job: Path
    summary: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)


def _start(worker: _Worker, run_dir: Path, lock_fd: int) -> None:
    env = {**os.environ, LOCK_FD_ENV: str(lock_fd)}
    worker.summary.unlink(missing_ok=True)
    # A session of its own: Ctrl-C reaches the coordinator only, which passes it on once.
    worker.proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.workers.worker", str(run_dir), str(worker.job), str(worker.summary)],
        env=env, pass_fds=(lock_fd,), start_new_session=True)
    logger.info("worker %s started (pid %s)", worker.id, worker.proc.pid)


def run_workers(run_dir: Path, params: Mapping[str, Any], overrides: Mapping[str, Any], n: int,
                lock_fd: int) -> dict[str, Any]:
    """Crawl ``run_dir`` with ``n`` worker processes; return the combined summary (see
    :func:`crawler.runner.summarize`). ``lock_fd``: the run lock this process holds."""
    started = time.monotonic()
    frontier = SQLiteFrontier.for_run(run_dir)
    shared = "COBWEB_REDIS_URL" in overrides  # other machines crawl too: their entries stay as they are
    try:  # what a resume does, once for all workers (with Redis: each worker's reclaim instead)
        requeued = 0 if shared else frontier.requeue_in_flight()
        retried = 0 if shared else frontier.requeue_dropped(overrides.get("COBWEB_RETRY_DROPPED",
                                                                          NETWORK_REASONS))
        shares = page_shares(int(params.get("max_pages") or 0), n)
        interrupted = 0

        def _pass_on(signum: int, frame: Any) -> None:
            nonlocal interrupted
            interrupted += 1
            logger.warning("stopping the workers%s", ", Ctrl-C again to force" if interrupted == 1 else "")
            for w in workers:
                if w.proc is not None and w.proc.poll() is None:
                    w.proc.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

        with tempfile.TemporaryDirectory(prefix="cobweb-workers-") as tmp:
            workers = []
            prefix = f"{socket.gethostname()}-{run_dir.name}-" if shared else ""  # unique across machines
            for wid, share in zip(worker_ids(n, prefix), shares):
                job = Path(tmp) / f"{wid}.job.json"
                settings = {**overrides, "COBWEB_WORKER_ID": wid, "COBWEB_SITE_BUDGET_ENABLED": True,
                            "COBWEB_PROGRESS_ENABLED": False}
                if not shared:
                    settings["COBWEB_RETRY_DROPPED"] = []  # done above
                job.write_text(json.dumps({"params": {**params, "max_pages": share}, "settings": settings,
                                           "log_level": logging.getLogger().getEffectiveLevel()}),
                               encoding="utf-8")
                workers.append(_Worker(wid, job, Path(tmp) / f"{wid}.summary.json"))
            previous = {s: signal.signal(s, _pass_on) for s in (signal.SIGINT, signal.SIGTERM)}
            try:
                for w in workers:
                    _start(w, run_dir, lock_fd)
                _watch(workers, run_dir, lock_fd, lambda: shared or frontier.active(), lambda: interrupted)
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)
                for w in workers:  # only on an error of the coordinator itself
                    if w.proc is not None and w.proc.poll() is None:
                        w.proc.terminate()
                        w.proc.wait()
        summary = combine_summaries([r for w in workers for r in w.results], run_dir)
        summary.update(elapsed_seconds=time.monotonic() - started, workers=n,
                       restarts=sum(w.restarts for w in workers),
                       retried=retried + summary.get("retried", 0), requeued=requeued)
        summary["queued"] = frontier.stats()["queued"]  # the workers queued and popped meanwhile
        drops = frontier.dropped_counts()
        summary["retryable"] = sum(drops.get(r, 0) for r in NETWORK_REASONS)
        if interrupted:
            summary["interrupted"] = max(summary.get("interrupted", 0), min(interrupted, 2))
        return summary
    finally:
        frontier.close()


def _watch(workers: list[_Worker], run_dir: Path, lock_fd: int, work_left: Callable[[], bool],
           interrupted: Callable[[], int]) -> None:
    """Wait for every worker; start again one that died while the crawl had work."""
    while True:
        running = 0
        for w in workers:
            if w.proc is None:
                continue
            rc = w.proc.poll()
            if rc is None:
                running += 1
                continue
            w.proc = None
            if w.summary.exists():
                w.results.append(json.loads(w.summary.read_text(encoding="utf-8")))
            if rc in (0, 130) or interrupted():
                continue
            if w.restarts < MAX_RESTARTS and work_left():
                w.restarts += 1
                logger.warning("worker %s died (exit status %s); starting it again (%s/%s)",
                               w.id, rc, w.restarts, MAX_RESTARTS)
                _start(w, run_dir, lock_fd)
                running += 1
            else:
                logger.error("worker %s died (exit status %s); its URLs in flight stay queued for "
                             "the others or a resume", w.id, rc)
        if not running:
            return
        time.sleep(_POLL)


def combine_summaries(summaries: list[dict[str, Any]], run_dir: Path) -> dict[str, Any]:
    """One summary of a run from its workers' (counts added, the store's totals read again)."""
    from crawler.runner import summarize  # imports Scrapy

    out = summarize({}, run_dir)
    reasons = [s.get("finish_reason", "") for s in summaries]
    out["finish_reason"] = next((r for r in reasons if r not in ("finished", "")), "finished" if reasons else "stopped")
    for key in ("fetched", "hits", "dropped_this_run", "retried"):
        out[key] = sum(int(s.get(key, 0)) for s in summaries)
    by_reason: dict[str, int] = {}
    for s in summaries:
        for reason, count in s.get("dropped_this_run_by_reason", {}).items():
            by_reason[reason] = by_reason.get(reason, 0) + count
    out["dropped_this_run_by_reason"] = dict(sorted(by_reason.items()))
    out["network_down"] = next((s["network_down"] for s in summaries if s.get("network_down")), "")
    out["interrupted"] = max((int(s.get("interrupted", 0)) for s in summaries), default=0)
    out["render"] = next((s["render"] for s in summaries if s.get("render")), out.get("render"))
    return out
