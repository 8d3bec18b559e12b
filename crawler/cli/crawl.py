"""``cobweb crawl``: collect keyword pages from seed URLs into RUN_DIR."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import get_args

from crawler.cli.args import non_negative_int, positive_int, setting
from crawler.cli.errors import UserError
from crawler.cli.network import (check_proxy_reachable, network_path, resume_path,
                                 stored_path)
from crawler.records import DropReason
from crawler.urls import is_http_url

logger = logging.getLogger(__name__)

#: Exit status of a crawl stopped by Ctrl-C (128 + SIGINT, what shells expect).
INTERRUPTED_EXIT = 130

EXAMPLE = """example:
  cobweb crawl --seeds seeds.txt -k esim -k 续费 -o runs/esim --depth 3 --max-pages 5000
  cobweb crawl http://blog.example/post -k casino -o runs/casino --proxy http://127.0.0.1:8899
  cobweb crawl http://blog.example/post -k casino -o runs/casino -s CONCURRENT_REQUESTS=8
  cobweb crawl --resume runs/esim
  cobweb crawl --resume runs/esim --retry-dropped http_error
  cobweb crawl --seeds seeds.txt -k esim -o runs/js --render always --searchbot-view
  cobweb crawl --seeds seeds.txt -k esim -o runs/esim --operator "J. Doe, abuse desk"
  cobweb crawl --seeds seeds.txt -k esim -o runs/quick --no-warc
  cobweb crawl --seeds seeds.txt -k esim -o runs/esim --workers 4
  cobweb crawl --seeds seeds.txt -k esim -o shards/host1 --redis redis://:PASSWORD@10.0.0.5:6379/0 --run esim

A run remembers how it reached the network (--proxy, http_proxy, or directly)
and refuses to resume another way unless --proxy URL or --direct says so. URLs
that failed on the network (connection errors, timeouts) stay retryable: each
resume queues them again. --workers N crawls with N processes on this machine
(default: one per core, or $COBWEB_WORKERS); --workers 1 is one process."""


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
    p.add_argument("--depth", type=non_negative_int,
                   help="link depth from the seeds (default 3)")
    p.add_argument("--max-pages", type=non_negative_int,
                   help="stop after N fetched pages (default 0: no cap)")
    path = p.add_mutually_exclusive_group()
    path.add_argument("--proxy", metavar="URL", help="send every request through this HTTP proxy")
    path.add_argument("--direct", action="store_true",
                   help="connect directly: no proxy, http_proxy ignored (on resume: change a "
                        "run's network path on purpose)")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a stopped or killed crawl")
    p.add_argument("--retry-dropped", action="append", default=[], metavar="REASON",
                   choices=get_args(DropReason),
                   help="with --resume: queue again the URLs the run gave up for REASON, "
                        "e.g. http_error (repeatable; connection_error and timeout always are)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow private, loopback and link-local targets (intranet work)")
    p.add_argument("--user-agent", help="User-Agent header to send")
    p.add_argument("-s", "--set", action="append", default=[], type=setting, dest="settings",
                   metavar="NAME=VALUE",
                   help="set a Scrapy setting, e.g. -s CONCURRENT_REQUESTS=8 (repeatable)")
    p.add_argument("--no-warc", action="store_true",
                   help="do not keep the exchanges in RUN_DIR/warc/*.warc.gz (kept by default)")
    p.add_argument("--operator", metavar="TEXT", default="",
                   help="who runs the crawl (name, contact), written into each WARC file's warcinfo")
    p.add_argument("--workers", type=positive_int, metavar="N", default=None,
                   help="worker processes on this machine sharing the crawl (default: one per "
                        "core, or $COBWEB_WORKERS; 1: one process)")
    p.add_argument("--redis", metavar="URL",
                   help="share the crawl NAME through this Redis (redis://[:PASSWORD@]HOST:6379/0): "
                        "this machine's workers are some of its workers, RUN_DIR is their shard "
                        "(merge shards with cobweb collect)")
    p.add_argument("--run", metavar="NAME", dest="run_name", help="with --redis: the shared crawl's name")
    add_render_arguments(p)
    p.set_defaults(func=run)
    return p


#: Scrapy's close reasons in words.
FINISH_WORDS = {"shutdown": "stopped by Ctrl-C", "network_down": "stopped, the proxy is down",
                "closespider_pagecount": "stopped at --max-pages"}


def format_summary(summary: dict) -> str:
    """The end-of-crawl summary printed by ``cobweb crawl``.

    >>> print(format_summary({"run_dir": "r", "fetched": 10, "hits": 3, "pages_in_store": 3,
    ...     "queued": 0, "dropped_by_reason": {"timeout": 1, "http_error": 4},
    ...     "dropped_this_run_by_reason": {"timeout": 1}, "retryable": 1, "retried": 2,
    ...     "elapsed_seconds": 2.0, "finish_reason": "finished"}))
    crawl finished in 2.0 s: 10 fetched, 3 hits (3 pages in r)
    2 URLs given up before were queued again
    dropped this run: timed out 1 (in all: HTTP error 4, timed out 1)
    1 URLs the network did not reach stay retryable: cobweb crawl --resume r
    next: cobweb analyze r
    """
    from crawler.extensions import drops_in_words  # imports Scrapy: only once crawled

    run_dir = summary["run_dir"]
    reason = FINISH_WORDS.get(summary["finish_reason"], summary["finish_reason"])
    lines = [f"crawl {reason} in {summary['elapsed_seconds']:.1f} s: "
             f"{summary['fetched']} fetched, {summary['hits']} hits "
             f"({summary['pages_in_store']} pages in {run_dir})"]
    if summary["queued"]:
        lines.append(f"{summary['queued']} URLs still queued: cobweb crawl --resume {run_dir}")
    if summary.get("retried"):
        lines.append(f"{summary['retried']} URLs given up before were queued again")
    this_run = drops_in_words(summary.get("dropped_this_run_by_reason", {})) or "none"
    in_all = drops_in_words(summary["dropped_by_reason"])
    lines.append(f"dropped this run: {this_run}" + (f" (in all: {in_all})" if in_all else ""))
    if summary.get("retryable"):
        lines.append(f"{summary['retryable']} URLs the network did not reach stay retryable: "
                     f"cobweb crawl --resume {run_dir}")
    if summary.get("workers"):
        restarts = summary.get("restarts", 0)
        lines.append(f"{summary['workers']} workers" + (f", {restarts} restarted after dying" if restarts else ""))
    lines.append(f"next: cobweb analyze {run_dir}")
    return "\n".join(lines)


def check_seeds(urls: list[str]) -> list[str]:
    """The http(s) seeds of ``urls``; each other one skipped with a warning.

    >>> check_seeds(["http://a.example/", "b.example"])
    ['http://a.example/']
    """
    good = []
    for url in urls:
        if is_http_url(url):
            good.append(url)
        elif "://" not in url and is_http_url(f"http://{url}"):
            logger.warning("seed %s skipped: no scheme; did you mean http://%s?", url, url)
        else:
            logger.warning("seed %s skipped: not an http(s) URL", url)
    return good


def read_seeds_file(path: str) -> list[str]:
    """The URLs of a seeds file, or :class:`UserError` saying why it cannot be read."""
    from crawler.spiders.keywords import read_seeds

    try:
        return read_seeds(path)
    except FileNotFoundError:
        raise UserError(f"no seeds file {path}; give a file of URLs, one a line") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a seeds file; give a file of URLs, "
                        "one a line") from None
    except PermissionError:
        raise UserError(f"cannot read the seeds file {path} (permission denied); "
                        "make it readable or give another") from None
    except UnicodeDecodeError:
        raise UserError(f"the seeds file {path} is not UTF-8 text; give a file of URLs, "
                        "one a line") from None


def make_run_dir(path: Path) -> None:
    """Create the run folder, or :class:`UserError` saying why it cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UserError(f"cannot create the run folder {path}: a file is in the way; "
                        "choose another -o") from None
    except OSError as exc:
        raise UserError(f"cannot create the run folder {path} ({exc.strerror}); "
                        "choose another -o") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"cannot write in the run folder {path} (permission denied); "
                        "choose another -o")


def _same_run(stored: dict, new: dict) -> bool:
    keys = ("seeds", "keywords", "depth", "max_pages")
    return all(stored.get(k) == new.get(k) for k in keys)


def _new_crawl(args: argparse.Namespace, settings: dict) -> dict:
    from crawler.runlock import check_unlocked
    from crawler.runner import run_crawl, stored_params

    if not args.output:
        raise UserError("-o RUN_DIR is required; say where the run goes, e.g. -o runs/esim")
    if args.retry_dropped:
        raise UserError("--retry-dropped queues again what a run gave up; use it with "
                        "--resume RUN_DIR")
    keywords = [k.strip() for k in args.keywords if k.strip()]
    if not keywords:
        raise UserError("give at least one keyword that is not blank, e.g. -k esim"
                        if args.keywords else "give at least one -k KEYWORD, e.g. -k esim")
    if not args.urls and not args.seeds:
        raise UserError("give seed URLs or --seeds FILE, e.g. cobweb crawl http://example.com/ "
                        f"-k {keywords[0]} -o {args.output}")
    given = (read_seeds_file(args.seeds) if args.seeds else []) + list(args.urls)
    seeds = check_seeds(given)
    if not seeds:
        raise UserError(f"no http(s) seed URL among the {len(given)} given; give URLs like "
                        "http://example.com/")
    out = Path(args.output)
    stored = stored_params(out)
    depth = 3 if args.depth is None else args.depth
    max_pages = args.max_pages or 0
    new = {"seeds": seeds, "keywords": keywords, "depth": depth, "max_pages": max_pages}
    if stored is not None and not _same_run(stored, new):
        raise UserError(f"{out} already holds another crawl (keywords: "
                        f"{', '.join(stored.get('keywords', []))}); continue it with "
                        f"cobweb crawl --resume {out}, or choose another -o")
    make_run_dir(out)
    if stored is None:
        path = network_path(args.proxy, args.direct, os.environ)
    else:  # the same crawl again continues the run: through the same network path
        check_unlocked(out)
        path = _checked_path(out, stored, args)
    check_proxy_reachable(path)
    return run_crawl(out, keywords=keywords, urls=seeds, depth=depth,
                     max_pages=max_pages, allow_private=args.allow_private,
                     user_agent=args.user_agent, warc=not args.no_warc, operator=args.operator,
                     settings=settings, render=args.render or "auto",
                     searchbot_view=args.searchbot_view, workers=worker_count(args),
                     **_path_args(path))


def _checked_path(run_dir: Path | str, params: dict, args: argparse.Namespace) -> dict:
    """The network path to continue the run in ``run_dir`` with (see :func:`resume_path`)."""
    from crawler.store import PageStore, store_path

    with PageStore(store_path(run_dir)) as store:
        stored = stored_path(store.get_meta("network"), params)
    path, notice = resume_path(stored, args.proxy, args.direct, os.environ, str(run_dir))
    if notice:
        logger.warning("%s", notice)
    return path


def _path_args(path: dict) -> dict:
    """The arguments of :func:`crawler.runner.run_crawl` that take ``path``."""
    return {"proxy": path["proxy"] if path.get("from") == "--proxy" else None,
            "direct": path["via"] == "direct", "network": path}


def _resume(args: argparse.Namespace, settings: dict) -> dict:
    from crawler.runlock import check_unlocked
    from crawler.runner import resume_conflicts, run_crawl, stored_params
    from crawler.store import store_path

    run_dir = args.resume
    if args.output and args.output != run_dir:
        raise UserError(f"--resume {run_dir} and -o {args.output} name two folders; "
                        "give only --resume RUN_DIR")
    if not store_path(run_dir).exists():
        raise UserError(f"{run_dir} holds no crawl to resume (no crawl.sqlite); start one with "
                        f"cobweb crawl URL -k KEYWORD -o {run_dir}")
    params = stored_params(run_dir)
    if params is None:
        raise UserError(f"{run_dir} holds no crawl parameters to resume from (imported pages "
                        f"only?); start a crawl into another folder with -o")
    differ = resume_conflicts(params, keywords=args.keywords, urls=args.urls, seeds_file=args.seeds,
                              depth=args.depth, max_pages=args.max_pages, allow_private=args.allow_private,
                              user_agent=args.user_agent)
    if differ:  # a resume continues the run as it was started: never ignore them in silence
        raise UserError(f"--resume continues {run_dir} as it was started, not with {'; '.join(differ)};"
                        " to crawl with other settings, start a new run with -o NEW_RUN_DIR")
    check_unlocked(run_dir)
    path = _checked_path(run_dir, params, args)
    check_proxy_reachable(path)
    return run_crawl(run_dir, resume=True, retry_dropped=args.retry_dropped, settings=settings,
                     render=args.render, workers=worker_count(args), **_path_args(path))


def worker_count(args: argparse.Namespace) -> int:
    """``--workers``, else ``$COBWEB_WORKERS``, else the number of cores.

    >>> worker_count(argparse.Namespace(workers=3))
    3
    """
    if args.workers:
        return int(args.workers)
    env = os.environ.get("COBWEB_WORKERS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise UserError(f"COBWEB_WORKERS={env} is no number of workers; set it to 1 or more")
        return int(env)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def redis_settings(args: argparse.Namespace) -> dict:
    """The settings of ``--redis URL --run NAME`` (a worker of a crawl shared through Redis).

    >>> redis_settings(argparse.Namespace(redis=None, run_name=None))
    {}
    >>> sorted(redis_settings(argparse.Namespace(redis="redis://h:6379/0", run_name="esim")))
    ['COBWEB_FRONTIER_CLASS', 'COBWEB_REDIS_URL', 'COBWEB_RUN_NAME', 'COBWEB_SITE_BUDGET_CLASS']
    """
    if bool(args.redis) != bool(args.run_name):
        raise UserError("--redis URL and --run NAME go together, e.g. --redis redis://HOST:6379/0 --run esim")
    if not args.redis:
        return {}
    if not args.redis.startswith(("redis://", "rediss://", "unix://")):
        raise UserError("--redis takes a URL like redis://HOST:6379/0 (or rediss:// for TLS)")
    return {"COBWEB_FRONTIER_CLASS": "crawler.frontier.redis_streams.RedisStreamsFrontier",
            "COBWEB_SITE_BUDGET_CLASS": "crawler.sitebudget.redis.RedisSiteBudget",
            "COBWEB_REDIS_URL": args.redis, "COBWEB_RUN_NAME": args.run_name}


def _check_redis(settings: dict) -> None:
    """One line (``UserError``) before the crawl if the shared crawl's Redis is
    unreachable or refuses the credentials, not a traceback from a worker."""
    from crawler.redisconn import RedisLink

    link = RedisLink.from_settings(settings)
    try:
        link.check()
    finally:
        link.close()


def run(args: argparse.Namespace) -> int:
    from crawler.diskfull import DISK_FULL
    from crawler.runlock import RunLocked

    settings = {**dict(args.settings), **redis_settings(args)}
    if settings.get("COBWEB_REDIS_URL"):
        _check_redis(settings)
    try:
        summary = _resume(args, settings) if args.resume else _new_crawl(args, settings)
    except RunLocked as exc:
        raise UserError(str(exc)) from None
    if summary["finish_reason"] == DISK_FULL:
        raise UserError(f"the disk is full: {summary['pages_in_store']} pages stored in {summary['run_dir']}"
                        f" (the store is intact); free space, then `cobweb crawl --resume {summary['run_dir']}`")
    print(format_summary(summary))
    if summary.get("render"):
        from crawler.render.summary import format_render_summary

        print(format_render_summary(summary["render"]))
    down = summary.get("network_down")
    if down:
        raise UserError(f"the proxy {down} stopped answering (connection errors in a row); the queue is "
                        f"kept: cobweb crawl --resume {summary['run_dir']} once it is back")
    if summary.get("interrupted"):
        return INTERRUPTED_EXIT
    return 0 if summary["finish_reason"] in ("finished", "closespider_pagecount") else 1


# --- rendering (issue 12) ---------------------------------------------------------
def add_render_arguments(p: argparse.ArgumentParser) -> None:
    """``--render`` and ``--searchbot-view`` (crawler/render/)."""
    p.add_argument("--render", choices=("never", "auto", "always"),
                   help="render pages in headless Chromium: auto renders pages whose HTML"
                        " suggests scripts build or move them and every keyword page"
                        " (default: auto; never, saying so, when Chromium is not installed)")
    p.add_argument("--searchbot-view", action="store_true",
                   help="also view keyword pages as a search bot (User-Agent) for cloaking")
