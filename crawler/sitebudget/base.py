"""The per-site budget interface: request slots per registered domain, across workers.

>>> from scrapy.settings import Settings
>>> s = Settings({"CONCURRENT_REQUESTS_PER_DOMAIN": 4, "DOWNLOAD_TIMEOUT": 30,
...               "COBWEB_SITE_INTERVAL": 0.25})
>>> site_limits(s)
(4, 0.25, 60.0)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

__all__ = ["SiteBudget", "site_limits"]


def site_limits(settings: Any) -> tuple[int, float, float]:
    """``(concurrency, interval, lease)`` from the settings: ``COBWEB_SITE_CONCURRENCY``
    (default ``CONCURRENT_REQUESTS_PER_DOMAIN``), ``COBWEB_SITE_INTERVAL`` (default 0.25 s),
    ``COBWEB_SITE_LEASE`` (default ``DOWNLOAD_TIMEOUT`` + 30 s)."""
    concurrency = settings.get("COBWEB_SITE_CONCURRENCY")
    if concurrency is None:
        concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8)
    lease = settings.get("COBWEB_SITE_LEASE")
    if lease is None:
        lease = settings.getfloat("DOWNLOAD_TIMEOUT", 180) + 30
    return max(1, int(concurrency)), max(0.0, settings.getfloat("COBWEB_SITE_INTERVAL", 0.25)), float(lease)


class SiteBudget(ABC):
    """Request slots per site (registered domain) shared by every worker of a crawl."""

    @classmethod
    @abstractmethod
    def from_crawler(cls, crawler: Any) -> SiteBudget:
        """Open the budget of ``crawler``'s run (settings, ``crawler.spider.run_dir``)."""

    @abstractmethod
    def acquire(self, site: str, now: float) -> float:
        """Try to take one request slot for ``site`` (registered domain) at wall-clock time
        ``now``. Returns 0.0 when taken (the caller must call :meth:`release` when the
        response or failure arrives), else the seconds to wait before trying again.

        Atomic across all workers: at most ``COBWEB_SITE_CONCURRENCY`` requests in flight
        per site and at least ``COBWEB_SITE_INTERVAL`` seconds between two request starts
        per site. A slot not released within ``COBWEB_SITE_LEASE`` seconds is free again
        (a dead worker's slots come back)."""

    @abstractmethod
    def release(self, site: str) -> None:
        """Give back one slot of ``site`` taken by this worker."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (slots still held expire with their lease)."""
