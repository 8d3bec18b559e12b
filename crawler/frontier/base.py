"""The crawl frontier interface: what to fetch next, durably.

A frontier holds one entry per canonical URL (see :func:`crawler.urls.canonical_url`)
in one of four states:

``queued`` -> ``in_flight`` -> ``done`` or ``dropped``

:meth:`Frontier.pop` moves entries from ``queued`` to ``in_flight``;
:meth:`Frontier.done` and :meth:`Frontier.dropped` finish them. After a crash,
:meth:`Frontier.requeue_in_flight` puts every entry that was in flight back in
the queue: those are the only URLs a resumed crawl fetches twice.

The Scrapy scheduler (:mod:`crawler.scheduler`) is the only user; the class is
named by the ``COBWEB_FRONTIER_CLASS`` setting, so a Redis frontier can replace
:class:`crawler.frontier.sqlite.SQLiteFrontier`. See ``docs/frontier.md``.

Several workers (processes, machines) can share one frontier: each has a
worker id (setting ``COBWEB_WORKER_ID``; ``""`` is the only worker), every
:meth:`Frontier.pop` records which worker claimed each entry, a worker says it
is alive with :meth:`Frontier.heartbeat`, and :meth:`Frontier.reclaim` queues
again what a dead worker had in flight. See ``docs/workers.md``.

>>> e = FrontierEntry.for_url("HTTP://A.example.com/x?utm_source=t#top", depth=1)
>>> e.url, e.depth, e.target
('http://a.example.com/x', 1, 'http://a.example.com/x?utm_source=t')
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from crawler.records import DropReason
from crawler.urls import canonical_url, fetch_url

__all__ = ["Frontier", "FrontierEntry", "EntryState", "STATES", "NETWORK_REASONS"]

EntryState = Literal["queued", "in_flight", "done", "dropped"]
STATES: tuple[EntryState, ...] = ("queued", "in_flight", "done", "dropped")

#: Drops of network-level failures (name resolution, refused or unreachable
#: proxy or host, timeouts): the URL may answer through another network path or
#: once the proxy is back, so a resumed crawl queues these again.
NETWORK_REASONS: tuple[DropReason, ...] = ("connection_error", "timeout")


@dataclass(slots=True)
class FrontierEntry:
    """One URL to fetch.

    ``url`` is canonical: it is the entry's identity and deduplication key.
    ``fetch`` is the URL to send, as it was linked or seeded (see
    :func:`crawler.urls.fetch_url`); empty means ``url``. ``meta`` holds
    JSON-serializable request metadata that must survive a restart (retry and
    redirect counters, ``redirect_urls``).
    """

    url: str
    depth: int = 0
    referer: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    fetch: str = ""

    @property
    def target(self) -> str:
        """The URL to fetch: as linked, else the canonical one."""
        return self.fetch or self.url

    @classmethod
    def for_url(cls, url: str, depth: int = 0, referer: str = "",
                meta: Mapping[str, Any] | None = None) -> FrontierEntry:
        """An entry for ``url``: its canonical form as the key, ``url`` as
        linked as the URL to fetch; ``ValueError`` if it cannot be parsed."""
        return cls(canonical_url(url), depth, referer, dict(meta or {}), fetch_url(url))


class Frontier(ABC):
    """The durable set of URLs of one crawl and the state of each.

    Implementations must make every method atomic: after a crash each entry is
    in exactly the state of the last call that returned.
    """

    @classmethod
    @abstractmethod
    def from_crawler(cls, crawler: Any) -> Frontier:
        """Open the frontier of ``crawler``'s run (``crawler.spider.run_dir``, settings)."""

    @abstractmethod
    def add(self, entries: Iterable[FrontierEntry]) -> int:
        """Queue the entries whose URL the frontier has never seen; return how many."""

    @abstractmethod
    def seen(self, url: str) -> bool:
        """True if the canonical ``url`` has an entry, whatever its state."""

    @abstractmethod
    def pop(self, n: int) -> list[FrontierEntry]:
        """Up to ``n`` queued entries, oldest first, now marked in flight."""

    @abstractmethod
    def retry(self, entry: FrontierEntry) -> bool:
        """Queue ``entry`` again with its new ``meta`` (a retry, or ``dont_filter``).

        Adds it if unseen. Returns False only if it is already queued.
        """

    @abstractmethod
    def done(self, urls: Iterable[str]) -> int:
        """Mark in-flight entries fetched and processed; return how many changed."""

    @abstractmethod
    def dropped(self, url: str, reason: DropReason) -> bool:
        """Mark an in-flight entry given up, with a reason code."""

    @abstractmethod
    def requeue_in_flight(self) -> int:
        """Queue every in-flight entry again (after a crash); return how many."""

    @abstractmethod
    def requeue_dropped(self, reasons: Iterable[str]) -> int:
        """Queue again every entry dropped for one of ``reasons``; return how many."""

    @abstractmethod
    def dropped_counts(self) -> dict[str, int]:
        """Dropped entries by reason code."""

    @abstractmethod
    def pending(self) -> int:
        """How many entries are queued."""

    @abstractmethod
    def stats(self) -> dict[str, int]:
        """Entry counts by state: ``queued``, ``in_flight``, ``done``, ``dropped``."""

    # -- several workers (docs/workers.md) ------------------------------------

    @abstractmethod
    def heartbeat(self) -> None:
        """This worker is alive (the scheduler calls it every ``COBWEB_WORKER_HEARTBEAT`` s)."""

    @abstractmethod
    def reclaim(self, stale_after: float) -> int:
        """Queue again the in-flight entries of workers whose last heartbeat is older than
        ``stale_after`` seconds; return how many. Never touches a live worker's entries."""

    @abstractmethod
    def active(self) -> bool:
        """True while any entry is queued or in flight for any worker: the shared crawl is
        finished when it is False."""

    @abstractmethod
    def close(self) -> None:
        """Release connections; queued and in-flight entries stay as they are."""
