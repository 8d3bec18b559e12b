"""One worker process of ``cobweb crawl --workers N`` (started by the coordinator).

``python -m crawler.workers.worker RUN_DIR JOB_FILE SUMMARY_FILE`` crawls
``RUN_DIR`` with the parameters and settings of ``JOB_FILE`` (JSON written by
:mod:`crawler.workers.coordinator`) and writes its summary, JSON, to
``SUMMARY_FILE``. It joins the run lock its coordinator holds
(:func:`crawler.runlock.joined_run_lock`) and refuses to run without it.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from crawler.runlock import RunLocked, joined_run_lock

__all__ = ["main"]

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    run_dir, job_file, summary_file = (sys.argv[1:] if argv is None else argv)
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    worker = job["settings"]["COBWEB_WORKER_ID"]
    logging.basicConfig(level=job.get("log_level", logging.WARNING),
                        format=f"%(asctime)s [{worker}] %(levelname)s %(name)s: %(message)s")
    # the coordinator turned the progress line off (N workers would write over each other)
    logging.getLogger("scrapy.middleware").addFilter(
        lambda record: "COBWEB_PROGRESS_ENABLED" not in record.getMessage())
    try:
        with joined_run_lock(run_dir):
            from crawler.runner import crawl_here  # imports Scrapy

            summary = crawl_here(Path(run_dir), job["params"], job["settings"])
    except RunLocked as exc:
        logger.error("%s", exc)
        return 2
    Path(summary_file).write_text(json.dumps(summary), encoding="utf-8")
    return 130 if summary.get("interrupted") else 0


if __name__ == "__main__":
    sys.exit(main())
