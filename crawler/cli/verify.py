"""``cobweb verify``: check a run's evidence against its WARC files.

Every digest is recomputed from the WARC files; the store's digest and record
of each page and ``campaigns.json`` are checked against them. Exit status 0
when everything holds, 1 with one line per problem (file and offset, or the
page), 2 when RUN_DIR holds no crawl."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.cli.errors import UserError

EXAMPLE = """example:
  cobweb verify runs/esim
  cobweb verify runs/esim && cobweb export runs/esim --format wacz -o esim.wacz"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "verify",
        help="check the run's WARC files, digests, store and campaigns.json against each other",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from crawler.store import store_path
    from crawler.warc.verify import verify_run

    run_dir = Path(args.run_dir)
    if not store_path(run_dir).is_file():
        raise UserError(f"no crawl in {run_dir} (no {store_path(run_dir).name}); give a run directory")
    result = verify_run(run_dir)
    for problem in result.problems:
        print(problem)
    summary = (f"{result.records} records in {result.files} WARC files, {result.pages} pages,"
               f" {result.campaign_pages} campaign pages checked")
    if result.ok:
        print(f"ok: {summary}")
        return 0
    print(f"FAILED: {len(result.problems)} problems; {summary}")
    return 1
