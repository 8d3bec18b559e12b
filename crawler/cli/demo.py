"""``cobweb demo``: the whole pipeline on the bundled demo web, offline."""

from __future__ import annotations

import argparse

EXAMPLE = """example:
  cobweb demo
  cobweb demo -o demo-run"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help="crawl, analyze and export the bundled demo web (no network needed)",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", default="demo-run", metavar="RUN_DIR",
                   help="where the run and its exports go (default: demo-run)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("demo: being written")
