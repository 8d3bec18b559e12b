"""``cobweb crawl``: collect keyword pages from seed URLs into RUN_DIR."""

from __future__ import annotations

import argparse

from crawler.cli.errors import UserError

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
    p.add_argument("--depth", type=int, help="link depth from the seeds (default 3)")
    p.add_argument("--max-pages", type=int, help="stop after N fetched pages (default 0: no cap)")
    p.add_argument("--proxy", metavar="URL", help="send every request through this HTTP proxy")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a stopped or killed crawl")
    p.add_argument("--allow-private", action="store_true",
                   help="allow private, loopback and link-local targets (intranet work)")
    p.add_argument("--user-agent", help="User-Agent header to send")
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
    from crawler.diskfull import DISK_FULL
    from crawler.runlock import RunLocked
    from crawler.runner import run_crawl  # imports Scrapy: only when crawling

    try:
        summary = _run(args, run_crawl)
    except RunLocked as exc:
        raise UserError(str(exc)) from None
    if summary["finish_reason"] == DISK_FULL:
        raise UserError(f"the disk is full: {summary['pages_in_store']} pages stored in {summary['run_dir']}"
                        f" (the store is intact); free space, then `cobweb crawl --resume {summary['run_dir']}`")
    print(format_summary(summary))
    return 0 if summary["finish_reason"] in ("finished", "closespider_pagecount") else 1


def _run(args: argparse.Namespace, run_crawl) -> dict:  # noqa: ANN001
    if args.resume:
        if args.output and args.output != args.resume:
            raise SystemExit("cobweb crawl: --resume RUN_DIR and -o differ")
        _refuse_resume_changes(args)
        return run_crawl(args.resume, resume=True, proxy=args.proxy)
    if not args.output:
        raise SystemExit("cobweb crawl: -o RUN_DIR is required")
    if not args.keywords:
        raise SystemExit("cobweb crawl: give at least one -k KEYWORD")
    if not args.urls and not args.seeds:
        raise SystemExit("cobweb crawl: give seed URLs or --seeds FILE")
    return run_crawl(args.output, keywords=args.keywords, urls=args.urls,
                     seeds_file=args.seeds, depth=3 if args.depth is None else args.depth,
                     max_pages=args.max_pages or 0, proxy=args.proxy, allow_private=args.allow_private,
                     user_agent=args.user_agent)


def _refuse_resume_changes(args: argparse.Namespace) -> None:
    """A resume continues the run as it was started: refuse keywords, depth,
    page cap, seeds, private targets or user agent that differ, never ignore
    them in silence (only the proxy may change)."""
    from crawler.runner import resume_conflicts, stored_params

    try:
        stored = stored_params(args.resume)
    except FileNotFoundError:
        raise UserError(f"nothing to resume in {args.resume} (no crawl.sqlite); "
                        f"start a run with `cobweb crawl ... -o {args.resume}`") from None
    differ = resume_conflicts(stored, keywords=args.keywords, urls=args.urls, seeds_file=args.seeds,
                              depth=args.depth, max_pages=args.max_pages, allow_private=args.allow_private,
                              user_agent=args.user_agent)
    if differ:
        raise UserError(f"--resume continues {args.resume} as it was started, not with {'; '.join(differ)};"
                        " to crawl with other settings, start a new run with -o NEW_RUN_DIR")
