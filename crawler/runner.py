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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.extensions import dropped_total, pages_fetched
from crawler.spiders.keywords import KeywordsSpider, read_seeds
from crawler.store import PageStore, store_path

__all__ = ["run_crawl", "crawl_settings", "summarize", "CrawlParams"]

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
        "dropped_by_reason": dict(sorted(drops.items())),
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


def run_crawl(run_dir: str | Path, *, keywords: Sequence[str] = (), urls: Sequence[str] = (),
              seeds_file: str | Path | None = None, depth: int = 3, max_pages: int = 0,
              proxy: str | None = None, allow_private: bool = False,
              user_agent: str | None = None, warc: bool = True, operator: str = "",
              resume: bool = False,
              settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Crawl from seeds into ``run_dir`` and return :func:`summarize`'s dict.

    With ``resume=True`` the parameters stored by the first run are used
    (``proxy`` given here replaces the stored one: the proxy may move).
    ``settings`` overrides project settings (tests, benchmarks).
    """
    run_dir = Path(run_dir)
    if resume:
        if not store_path(run_dir).exists():
            raise FileNotFoundError(f"nothing to resume: no {store_path(run_dir)}")
        with PageStore(store_path(run_dir)) as store:
            params = store.get_meta("crawl_params")
            if not isinstance(params, dict):  # a run started with `scrapy crawl keywords`
                params = store.get_meta("spider_params")
        if not isinstance(params, dict):
            raise ValueError(f"{run_dir} has no stored crawl parameters to resume from")
        params = {"proxy": None, "allow_private": False, "user_agent": None, **params}
        params["run_dir"] = str(run_dir)
        if proxy:
            params["proxy"] = proxy
    else:
        params = _new_params(run_dir, keywords, urls, seeds_file, depth, max_pages, proxy,
                             allow_private, user_agent, warc, operator)
    with PageStore.open_run(run_dir) as store:
        store.set_meta("crawl_params", params)

    # Scrapy's loggers are set to DEBUG when the process starts; the caller's
    # logging configuration (the root logger's level) decides what shows.
    quiet = _ScrapyBelow(logging.getLogger().getEffectiveLevel())
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        overrides = {"LOG_INSTALL_ROOT_HANDLER": False, **(settings or {})}
        process = CrawlerProcess(crawl_settings(params, overrides))
        logging.getLogger("scrapy").setLevel(quiet.level)
        crawler = process.create_crawler(KeywordsSpider)
        process.crawl(crawler, urls=params["seeds"], keywords=params["keywords"],
                      depth=params["depth"], max_pages=params["max_pages"], run_dir=str(run_dir))
        process.start()
    finally:
        for handler in handlers:
            handler.removeFilter(quiet)
    return summarize(crawler.stats.get_stats(), run_dir)


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
