"""``cobweb import``: add pages crawled elsewhere (JSON lines) to a run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.cli import import_warc
from crawler.cli.errors import UserError

EXAMPLE = """example:
  cobweb import pages.jsonl -o runs/esim

Each line is a JSON object with "url", optional "fetched_at", and either
"html" (extraction runs) or "artifacts": [{"kind": "handle", "label": "telegram:esim1088"}].
Bad lines are skipped and listed with their line numbers (exit status 1);
every good line is imported, and pages merge by URL with what is stored."""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "import",
        help="import pages crawled elsewhere from a JSON-lines file",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.jsonl")
    p.add_argument("-o", "--output", required=True, metavar="RUN_DIR")
    # web archives (.warc, .warc.gz): crawler/cli/import_warc.py
    p.add_argument("-k", "--keyword", action="append", default=[], dest="keywords",
                   help="keyword a page of a WARC file must mention (repeatable; WARC files only)")
    p.epilog += "\n\nWeb archives (.warc, .warc.gz, Common Crawl's too) need -k:\n" + import_warc.EXAMPLE
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from crawler.importer import import_jsonl

    if import_warc.is_warc_path(args.file):
        return import_warc.run(args)

    src = Path(args.file)
    if not src.is_file():
        raise UserError(f"no such file: {src}; give a JSON-lines file of pages")
    report = import_jsonl(src, args.output)
    print(
        f"imported {report.pages} pages ({report.new_pages} new, {report.pairs} page-artifact"
        f" pairs) from {report.lines} lines into {Path(args.output) / 'crawl.sqlite'}"
    )
    if report.bad_lines:
        for err in report.bad:
            print(f"{src}: {err}", file=sys.stderr)
        more = report.bad_lines - len(report.bad)
        if more:
            print(f"{src}: ... and {more} more bad lines", file=sys.stderr)
        print(f"cobweb import: skipped {report.bad_lines} bad lines", file=sys.stderr)
        return 1
    return 0
