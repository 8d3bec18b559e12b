"""``cobweb analyze``: group a run's pages into campaigns (RUN_DIR/campaigns.json)."""

from __future__ import annotations

import argparse

from crawler.cli.args import non_negative_int, positive_int, share
from crawler.cli.runs import require_run, writing

EXAMPLE = """example:
  cobweb analyze runs/esim
  cobweb analyze runs/esim --ubiquity 0.2"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "analyze",
        help="group pages into campaigns, write RUN_DIR/campaigns.json",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--ubiquity", type=share, default=0.2, metavar="SHARE",
                   help="artifacts on more than this share of sites are ignored (default 0.2)")
    p.add_argument("--min-pages", type=positive_int, default=2, metavar="N",
                   help="smallest campaign, in pages (default 2)")
    p.add_argument("--min-sites", type=positive_int, default=2, metavar="N",
                   help="smallest campaign, in sites (default 2)")
    p.add_argument("--seed", type=int, default=0, help="seed of MinHash and Louvain (default 0)")
    p.add_argument("--limit", type=non_negative_int, default=30, metavar="N",
                   help="campaigns shown in the table (default 30; all are written)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from analysis.campaigns import CAMPAIGNS_FILENAME, format_table
    from analysis.run import analyze_run

    run_dir = require_run(args.run_dir)
    with writing(run_dir / CAMPAIGNS_FILENAME):
        doc = analyze_run(
            run_dir,
            ubiquity=args.ubiquity,
            min_pages=args.min_pages,
            min_sites=args.min_sites,
            seed=args.seed,
        )
    totals = doc["totals"]
    print(
        f"{totals['campaigns']} campaigns in {totals['pages']} pages on {totals['sites']} sites"
        f" ({len(doc['ubiquitous'])} ubiquitous artifacts ignored)"
    )
    if doc["campaigns"]:
        print(format_table(doc, limit=args.limit))
    print(f"wrote {run_dir / CAMPAIGNS_FILENAME}")
    return 0
