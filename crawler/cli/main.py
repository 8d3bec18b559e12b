"""``cobweb``: crawl, analyze and export coordinated web campaigns.

Each command lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import logging
import sys

from crawler.cli import analyze, crawl, demo, export, import_jsonl
from crawler.cli import verify
from crawler.cli.errors import USER_ERROR_EXIT, UserError, error_line

__all__ = ["main", "build_parser"]

COMMANDS = (crawl, analyze, export, import_jsonl, demo)
COMMANDS += (verify,)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cobweb",
        description="Find coordinated spam and scam campaigns on the web: "
        "crawl, extract contact artifacts, group pages into campaigns, export.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example:\n  cobweb demo\n  cobweb crawl --seeds seeds.txt -k esim -o runs/esim",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(error_line(args.command, exc), file=sys.stderr)
        return USER_ERROR_EXIT


if __name__ == "__main__":
    sys.exit(main())
