"""``cobweb crawl``: collect keyword pages from seed URLs into RUN_DIR."""

from __future__ import annotations

import argparse

EXAMPLE = """example:
  cobweb crawl --seeds seeds.txt -k esim -k 续费 -o runs/esim --depth 3 --max-pages 5000
  cobweb crawl http://blog.example/post -k casino -o runs/casino --proxy http://127.0.0.1:8899
  cobweb crawl --resume runs/esim"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "crawl",
        help="crawl from seed URLs and collect pages that mention keywords",
        description=__doc__,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("urls", nargs="*", metavar="URL", help="seed URLs")
    p.add_argument("--seeds", metavar="FILE", help="file of seed URLs, one a line (# comments)")
    p.add_argument("-k", "--keyword", action="append", default=[], dest="keywords",
                   help="keyword to match in page text (repeatable; any matches)")
    p.add_argument("-o", "--output", metavar="RUN_DIR", help="run directory (created)")
    p.add_argument("--depth", type=int, default=3, help="link depth from the seeds (default 3)")
    p.add_argument("--max-pages", type=int, default=0, help="stop after N fetched pages (0: no cap)")
    p.add_argument("--proxy", metavar="URL", help="send every request through this HTTP proxy")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a stopped or killed crawl")
    p.add_argument("--allow-private", action="store_true",
                   help="allow private, loopback and link-local targets (intranet work)")
    p.add_argument("--user-agent", help="User-Agent header to send")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("crawl: being written")
