"""Run a keyword crawl in this process and summarize it.

:func:`run_crawl` is what ``cobweb crawl`` and ``cobweb demo`` call. It starts
the Twisted reactor, which cannot be restarted: call it once per process.

The run's parameters are kept in the store's metadata (``crawl_params``), so
``run_crawl(run_dir, resume=True)`` continues a stopped or killed crawl with
the same seeds, keywords and limits; the frontier in the same file knows what
was done.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.extensions import Progress, dropped_by_reason, dropped_total, pages_fetched
from crawler.frontier.base import NETWORK_REASONS
from crawler.render.summary import render_summary
from crawler.runlock import lock_for_workers
from crawler.spiders.keywords import KeywordsSpider, read_seeds
from crawler.store import PageStore, store_path

__all__ = ["run_crawl", "crawl_settings", "summarize", "stored_params", "resume_conflicts", "CrawlParams"]

logger = logging.getLogger(__name__)

#: The keys of ``crawl_params`` in the store's metadata.
CrawlParams = dict[str, Any]


def crawl_settings(params: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project settings with a run's parameters applied.

    >>> s = crawl_settings({"run_dir": "r", "proxy": "http://127.0.0.1:1", "user_agent": None})
    >>> s["COBWEB_PROXY"], s["SCHEDULER"]
    ('http://127.0.0.1:1', 'crawler.scheduler.FrontierScheduler')
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    cmdline = {
        "COBWEB_RUN_DIR": str(params["run_dir"]),
        "COBWEB_PROXY": params.get("proxy") or "",
        "COBWEB_ALLOW_PRIVATE": bool(params.get("allow_private")),
        "COBWEB_WARC_ENABLED": bool(params.get("warc", True)),
        "COBWEB_OPERATOR": params.get("operator") or "",
    }
    if params.get("user_agent"):
        cmdline["USER_AGENT"] = params["user_agent"]
    if params.get("render"):  # issue 12: --render never|auto|always
        cmdline["COBWEB_RENDER_MODE"] = params["render"]
    if params.get("searchbot_view"):
        cmdline["COBWEB_RENDER_SEARCHBOT"] = True
    settings.setdict(cmdline, priority="cmdline")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


def summarize(stats: Mapping[str, Any], run_dir: str | Path) -> dict[str, Any]:
    """The summary of a finished crawl: this run's counts and the store's totals."""
    with PageStore(store_path(run_dir)) as store:
        drops = store.drop_counts()
        pages_total = store.page_count()
    return {
        "run_dir": str(run_dir),
        "finish_reason": stats.get("finish_reason", ""),
        "fetched": pages_fetched(dict(stats)),
        "hits": int(stats.get("cobweb/pages_stored", 0)),
        "pages_in_store": pages_total,
        "queued": int(stats.get("cobweb/frontier/queued", 0)),
        "dropped_this_run": dropped_total(dict(stats)),
        "dropped_this_run_by_reason": dropped_by_reason(dict(stats)),
        "render": render_summary(stats),
        "dropped_by_reason": dict(sorted(drops.items())),
        "retryable": int(stats.get("cobweb/frontier/retryable", 0)),
        "retried": int(stats.get("cobweb/frontier/retried_drops", 0)),
        "network_down": stats.get("cobweb/network_down", ""),
        "elapsed_seconds": float(stats.get("elapsed_time_seconds", 0.0)),
    }


def _new_params(run_dir: str | Path, keywords: Sequence[str], urls: Sequence[str],
                seeds_file: str | Path | None, depth: int, max_pages: int,
                proxy: str | None, allow_private: bool, user_agent: str | None,
                warc: bool = True, operator: str = "") -> CrawlParams:
    seeds = (read_seeds(seeds_file) if seeds_file else []) + list(urls)
    if not seeds:
        raise ValueError("no seed URLs: give URLs or --seeds FILE")
    if not keywords:
        raise ValueError("no keywords: give -k KEYWORD")
    return {"run_dir": str(run_dir), "seeds": seeds, "keywords": list(keywords), "depth": depth,
            "max_pages": max_pages, "proxy": proxy, "allow_private": allow_private,
            "user_agent": user_agent, "warc": warc, "operator": operator}


def stored_params(run_dir: str | Path) -> CrawlParams | None:
    """The parameters a run in ``run_dir`` was started with (what ``--resume``
    continues with), or None (no run there).

    Runs started by ``scrapy crawl keywords`` store the spider's arguments only.
    A damaged store raises :class:`sqlite3.DatabaseError` here, not halfway
    through the crawl.
    """
    if not store_path(run_dir).exists():
        return None
    with PageStore(store_path(run_dir)) as store:
        problems = [row[0] for row in store.conn.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            lines = [ln for p in problems for ln in p.splitlines() if not ln.startswith("***")]
            raise sqlite3.DatabaseError(f"database disk image is malformed: {lines[0] if lines else problems[0]}")
        params = store.get_meta("crawl_params")
        if not isinstance(params, dict):  # a run started with `scrapy crawl keywords`
            params = store.get_meta("spider_params")
    if not isinstance(params, dict):
        return None
    return {"proxy": None, "allow_private": False, "user_agent": None, **params, "run_dir": str(run_dir)}


def resume_conflicts(stored: Mapping[str, Any], *, keywords: Sequence[str] = (), urls: Sequence[str] = (),
                     seeds_file: str | Path | None = None, depth: int | None = None,
                     max_pages: int | None = None, allow_private: bool = False,
                     user_agent: str | None = None) -> list[str]:
    """What a resume was given that differs from the stored run's parameters
    (a resume continues the run as it was started: it never changes them).

    >>> stored = {"keywords": ["esim"], "seeds": ["http://a.example/"], "depth": 3, "max_pages": 0}
    >>> resume_conflicts(stored, keywords=["esim"], depth=3)
    []
    >>> resume_conflicts(stored, keywords=["casino"], depth=5, urls=["http://b.example/"])
    ['keywords casino (stored: esim)', 'depth 5 (stored: 3)', 'seeds http://b.example/ (not in the run)']
    """
    out = []
    if keywords and list(keywords) != list(stored.get("keywords", [])):
        out.append(f"keywords {', '.join(keywords)} (stored: {', '.join(stored.get('keywords', []))})")
    if depth is not None and depth != stored.get("depth"):
        out.append(f"depth {depth} (stored: {stored.get('depth')})")
    if max_pages is not None and max_pages != stored.get("max_pages"):
        out.append(f"max pages {max_pages} (stored: {stored.get('max_pages')})")
    if allow_private and not stored.get("allow_private"):
        out.append("--allow-private (stored: not allowed)")
    if user_agent and user_agent != stored.get("user_agent"):
        out.append(f"user agent {user_agent} (stored: {stored.get('user_agent') or 'the default'})")
    seeds = (read_seeds(seeds_file) if seeds_file else []) + list(urls)
    new = [u for u in seeds if u not in set(stored.get("seeds", []))]
    if new:
        out.append(f"seeds {' '.join(new[:3])}{' ...' if len(new) > 3 else ''} (not in the run)")
    return out


def run_crawl(run_dir: str | Path, *, keywords: Sequence[str] = (), urls: Sequence[str] = (),
              seeds_file: str | Path | None = None, depth: int = 3, max_pages: int = 0,
              proxy: str | None = None, allow_private: bool = False,
              user_agent: str | None = None, warc: bool = True, operator: str = "",
              resume: bool = False,
              settings: Mapping[str, Any] | None = None, direct: bool = False,
              network: Mapping[str, Any] | None = None,
              retry_dropped: Sequence[str] = (), render: str | None = None,
              searchbot_view: bool = False, workers: int = 1) -> dict[str, Any]:
    """Crawl from seeds into ``run_dir`` and return :func:`summarize`'s dict.

    With ``resume=True`` the parameters stored by the first run are used
    (``proxy`` given here replaces the stored one: the proxy may move;
    ``direct=True`` drops it and ignores ``http_proxy``).
    ``settings`` overrides project settings (``cobweb crawl -s``, tests, benchmarks).
    ``network`` (how the crawl reaches the network, see :mod:`crawler.cli.network`)
    is kept in the store's metadata. URLs dropped for a reason in
    ``retry_dropped`` are queued again, on top of network failures (always).
    ``render`` (never, auto, always) and ``searchbot_view`` set rendering
    (issue 12); None keeps COBWEB_RENDER_MODE. One crawl per run: a second
    one raises :class:`crawler.runlock.RunLocked`. ``workers`` > 1 crawls
    with that many worker processes (:mod:`crawler.workers.coordinator`).
    """
    run_dir = Path(run_dir)
    if resume:
        params = stored_params(run_dir)
        if params is None:
            if not store_path(run_dir).exists():
                raise FileNotFoundError(f"nothing to resume: no {store_path(run_dir)}")
            raise ValueError(f"{run_dir} has no stored crawl parameters to resume from")
        if proxy:
            params["proxy"] = proxy
        if render:
            params["render"] = render
    else:
        params = _new_params(run_dir, keywords, urls, seeds_file, depth, max_pages, proxy,
                             allow_private, user_agent, warc, operator)
        params.update({"render": render, "searchbot_view": searchbot_view})
    overrides: dict[str, Any] = {"LOG_INSTALL_ROOT_HANDLER": False}
    if direct:
        params["proxy"] = None
        overrides["HTTPPROXY_ENABLED"] = False  # http_proxy/https_proxy ignored
    if retry_dropped:
        overrides["COBWEB_RETRY_DROPPED"] = sorted({*NETWORK_REASONS, *retry_dropped})
    with lock_for_workers(run_dir) as lock_fd:  # one crawl per run (crawler.runlock.RunLocked)
        with PageStore.open_run(run_dir) as store:
            store.set_meta("crawl_params", params)
            if network is not None:
                store.set_meta("network", dict(network))
        if workers > 1 or "COBWEB_REDIS_URL" in (settings or {}):  # several workers share the frontier
            from crawler.workers.coordinator import run_workers

            return run_workers(run_dir, params, {**overrides, **(settings or {})}, workers, lock_fd)
        return crawl_here(run_dir, params, {**overrides, **(settings or {})})


def crawl_here(run_dir: Path, params: CrawlParams, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Run the crawl in this process; return its summary."""
    # Scrapy's loggers are set to DEBUG when the process starts; the caller's
    # logging configuration (the root logger's level) decides what shows.
    quiet = _ScrapyBelow(logging.getLogger().getEffectiveLevel())
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        started = time.monotonic()
        process = _Process(crawl_settings(params, overrides))
        logging.getLogger("scrapy").setLevel(quiet.level)
        crawler = process.create_crawler(KeywordsSpider)
        process.crawl(crawler, urls=params["seeds"], keywords=params["keywords"],
                      depth=params["depth"], max_pages=params["max_pages"], run_dir=str(run_dir))
        process.start()
    finally:
        for handler in handlers:
            handler.removeFilter(quiet)
    summary = summarize(crawler.stats.get_stats(), run_dir)
    summary["interrupted"] = process.interrupted
    if process.interrupted == 2:
        summary["finish_reason"] = "forced to stop"
    elif not summary["finish_reason"]:  # stopped before the spider opened
        summary["finish_reason"] = "stopped"
    if not summary["elapsed_seconds"]:
        summary["elapsed_seconds"] = time.monotonic() - started
    return summary


class _Process(CrawlerProcess):
    """Scrapy's process, saying at once (not at INFO level) what Ctrl-C does, and
    remembering it (``interrupted``: 0, 1 for a graceful stop, 2 when forced)."""

    interrupted = 0

    def _log_shutdown(self, signum: int) -> None:
        self.interrupted = 1
        self._break_progress_line()
        logger.warning("stopping, Ctrl-C again to force")

    def _log_kill(self, signum: int) -> None:
        self.interrupted = 2
        self._break_progress_line()
        logger.warning("forced to stop: pages in flight are fetched again on resume")

    def _break_progress_line(self) -> None:
        for crawler in self.crawlers:
            for ext in getattr(crawler.extensions, "middlewares", ()):
                if isinstance(ext, Progress):
                    ext.break_line()


class _ScrapyBelow(logging.Filter):
    """Drop Scrapy's records below ``level``.

    >>> f = _ScrapyBelow(logging.WARNING)
    >>> f.filter(logging.makeLogRecord({"name": "scrapy.core", "levelno": logging.INFO}))
    False
    >>> f.filter(logging.makeLogRecord({"name": "crawler.x", "levelno": logging.INFO}))
    True
    """

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or not record.name.startswith("scrapy")
