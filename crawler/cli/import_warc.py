"""``cobweb import FILE.warc.gz -k KEYWORD -o RUN_DIR``: pages from a web archive.

Called by ``cobweb import`` (:mod:`crawler.cli.import_jsonl`) for ``.warc``,
``.warc.gz``, ``.arc`` and ``.arc.gz`` files: the HTML responses that mention a
keyword are extracted as a crawl would and stored with a pointer to their
record. See :mod:`crawler.warc_import`."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.cli.errors import UserError

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

EXAMPLE = """  cobweb import CC-MAIN-20261101-00042.warc.gz -k esim -k 续费 -o runs/cc
  cobweb import runs/old/warc/cobweb-20261201-00001.warc.gz -k casino -o runs/casino"""


def is_warc_path(path: str | Path) -> bool:
    """Whether a file name is a web archive's.

    >>> is_warc_path("CC-MAIN-2026-00000.warc.gz"), is_warc_path("pages.jsonl")
    (True, False)
    """
    return str(path).lower().endswith(WARC_SUFFIXES)


def run(args: argparse.Namespace) -> int:
    from crawler.warc_import import import_warc

    src = Path(args.file)
    if not src.is_file():
        raise UserError(f"no such file: {src}; give a .warc or .warc.gz file")
    if not args.keywords:
        raise UserError("a WARC import needs keywords; give -k KEYWORD (repeatable)")
    report = import_warc(src, args.output, args.keywords)
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())) or "none"
    print(f"imported {report.pages} pages from {report.records} records of {src}"
          f" into {Path(args.output) / 'crawl.sqlite'} (skipped: {skipped})")
    return 0
