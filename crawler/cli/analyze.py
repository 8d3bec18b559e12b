"""``cobweb analyze``: group a run's pages into campaigns (RUN_DIR/campaigns.json)."""

from __future__ import annotations

import argparse

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
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("analyze: being written")
