"""``cobweb crawl``: collect keyword pages from seed URLs into RUN_DIR."""

from __future__ import annotations

import argparse

EXAMPLE = """example:
  cobweb crawl --seeds seeds.txt -k esim -k 续费 -o runs/esim --depth 3 --max-pages 5000
  cobweb crawl http://blog.example/post -k casino -o runs/casino --proxy http://127.0.0.1:8899
  cobweb crawl --resume runs/esim
  cobweb crawl --seeds seeds.txt -k esim -o runs/esim --operator "J. Doe, abuse desk"
  cobweb crawl --seeds seeds.txt -k esim -o runs/quick --no-warc"""


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
    p.add_argument("--no-warc", action="store_true",
                   help="do not keep the exchanges in RUN_DIR/warc/*.warc.gz (kept by default)")
    p.add_argument("--operator", metavar="TEXT", default="",
                   help="who runs the crawl (name, contact), written into each WARC file's warcinfo")
    p.set_defaults(func=run)
    return p


def format_summary(summary: dict) -> str:
    """The end-of-crawl summary printed by ``cobweb crawl``.

    >>> print(format_summary({"run_dir": "r", "fetched": 10, "hits": 3, "pages_in_store": 3,
    ...     "queued": 0, "dropped_by_reason": {"timeout": 1}, "elapsed_seconds": 2.0,
    ...     "finish_reason": "finished"}))
    crawl finished in 2.0 s: 10 fetched, 3 hits (3 pages in r)
    dropped: timeout 1
    next: cobweb analyze r
    """
    lines = [f"crawl {summary['finish_reason']} in {summary['elapsed_seconds']:.1f} s: "
             f"{summary['fetched']} fetched, {summary['hits']} hits "
             f"({summary['pages_in_store']} pages in {summary['run_dir']})"]
    if summary["queued"]:
        lines.append(f"{summary['queued']} URLs still queued: cobweb crawl --resume {summary['run_dir']}")
    drops = summary["dropped_by_reason"]
    lines.append("dropped: " + (", ".join(f"{k} {v}" for k, v in drops.items()) or "none"))
    lines.append(f"next: cobweb analyze {summary['run_dir']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from crawler.runner import run_crawl  # imports Scrapy: only when crawling

    if args.resume:
        if args.output and args.output != args.resume:
            raise SystemExit("cobweb crawl: --resume RUN_DIR and -o differ")
        summary = run_crawl(args.resume, resume=True, proxy=args.proxy)
    else:
        if not args.output:
            raise SystemExit("cobweb crawl: -o RUN_DIR is required")
        if not args.keywords:
            raise SystemExit("cobweb crawl: give at least one -k KEYWORD")
        if not args.urls and not args.seeds:
            raise SystemExit("cobweb crawl: give seed URLs or --seeds FILE")
        summary = run_crawl(args.output, keywords=args.keywords, urls=args.urls,
                            seeds_file=args.seeds, depth=args.depth, max_pages=args.max_pages,
                            proxy=args.proxy, allow_private=args.allow_private,
                            user_agent=args.user_agent, warc=not args.no_warc,
                            operator=args.operator)
    print(format_summary(summary))
    return 0 if summary["finish_reason"] in ("finished", "closespider_pagecount") else 1
