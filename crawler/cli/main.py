"""``cobweb``: crawl, analyze and export coordinated web campaigns.

Each command lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from importlib import metadata
from typing import NoReturn

from crawler.cli import analyze, crawl, demo, export, import_jsonl
from crawler.cli import verify
from crawler.cli import collect
from crawler.cli.errors import USER_ERROR_EXIT, UserError, error_line

__all__ = ["main", "build_parser", "CommandParser"]

COMMANDS = (crawl, analyze, export, import_jsonl, demo)
COMMANDS += (verify,)
COMMANDS += (collect,)  # issue 11: merge worker shards

#: Exit status after a closed pipe (``cobweb analyze RUN | head``): 128 + SIGPIPE, silently.
BROKEN_PIPE_EXIT = 141
#: Exit status after Ctrl-C outside a crawl (128 + SIGINT).
INTERRUPTED_EXIT = 130


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``cobweb COMMAND: what; what to do``, exit 2."""

    def error(self, message: str) -> NoReturn:
        message = message.replace("argument ", "", 1) if message.startswith("argument ") else message
        hint = "" if ";" in message else f"; see {self.prog} --help"
        self.exit(USER_ERROR_EXIT, f"{self.prog}: {message}{hint}\n")


def _version() -> str:
    try:
        return f"cobweb {metadata.version('cobweb')}"
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "cobweb (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="cobweb",
        description="Find coordinated spam and scam campaigns on the web: "
        "crawl, extract contact artifacts, group pages into campaigns, export.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example:\n  cobweb demo\n  cobweb crawl --seeds seeds.txt -k esim -o runs/esim",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def setup_logging(command: str, verbose: int) -> None:
    """Warnings and errors as ``cobweb COMMAND: message`` lines; with -v, timed records."""
    level = logging.WARNING - 10 * min(verbose, 2)
    fmt = ("%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose
           else f"cobweb {command}: %(message)s")
    logging.basicConfig(level=level, format=fmt)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.command, args.verbose)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(error_line(args.command, exc), file=sys.stderr)
        return USER_ERROR_EXIT
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_EXIT
    except KeyboardInterrupt:
        print(f"cobweb {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    except sqlite3.DatabaseError as exc:  # a damaged or empty run store
        from crawler.cli.store_errors import store_error

        print(error_line(args.command, store_error(args, exc)), file=sys.stderr)
        return USER_ERROR_EXIT


if __name__ == "__main__":
    sys.exit(main())
