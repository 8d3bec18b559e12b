"""``cobweb import``: add pages crawled elsewhere (JSON lines) to a run."""

from __future__ import annotations

import argparse

EXAMPLE = """example:
  cobweb import pages.jsonl -o runs/esim

Each line is a JSON object with "url", optional "fetched_at", and either
"html" (extraction runs) or "artifacts": [{"kind": "handle", "label": "telegram:esim1088"}]."""


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
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("import: being written")
