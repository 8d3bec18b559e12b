"""``cobweb collect``: merge worker shards (run folders) into one run folder.

Each worker of a crawl shared across machines keeps its own run folder (its
shard). collect merges them into RUN_DIR: pages deduplicated by URL with their
artifacts, drops, resolved short links, views, and the WARC files (copied
whole, so every page's record offset stays right). RUN_DIR is then an ordinary
run for analyze, export and verify. The local `cobweb crawl --workers N` needs
no collect: its workers already share one run folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.cli.errors import UserError

EXAMPLE = """example:
  cobweb collect shards/host1 shards/host2 -o runs/esim
  cobweb analyze runs/esim && cobweb verify runs/esim"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "collect",
        help="merge worker shards (run folders) into one run folder",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shards", nargs="*", metavar="SHARD_DIR", help="run folders of the workers")
    p.add_argument("-o", "--output", metavar="RUN_DIR", help="the merged run folder (new)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from crawler.collect import collect_shards
    from crawler.store import store_path

    if not args.output:
        raise UserError("-o RUN_DIR is required; say where the merged run goes, e.g. -o runs/esim")
    if not args.shards:
        raise UserError("give the shard folders to merge, e.g. cobweb collect shards/host1 shards/host2 "
                        f"-o {args.output}")
    out = Path(args.output)
    for shard in args.shards:
        if not store_path(shard).is_file():
            raise UserError(f"{shard} holds no crawl (no {store_path(shard).name}); give run folders "
                            "of the workers")
        if Path(shard).resolve() == out.resolve():
            raise UserError(f"{shard} is both a shard and the output; choose another -o")
    if store_path(out).exists():
        raise UserError(f"{out} already holds a run; choose a new folder with -o")
    report = collect_shards(args.shards, out)
    renamed = f", {len(report.renamed)} renamed" if report.renamed else ""
    print(f"collected {report.shards} shards into {out}: {report.pages} pages "
          f"({report.duplicates} duplicates left out), {report.warc_files} WARC files{renamed}")
    print(f"next: cobweb analyze {out}")
    return 0
