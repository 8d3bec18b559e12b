"""Retries with exponential backoff.

Scrapy's RetryMiddleware re-queues a failed request at once. :class:`BackoffRetryMiddleware`
replaces it (order 550, same settings: ``RETRY_TIMES``, ``RETRY_HTTP_CODES``,
``RETRY_EXCEPTIONS``) and holds the n-th retry back for
``COBWEB_RETRY_BACKOFF * 2 ** (n - 1)`` seconds, at most ``COBWEB_RETRY_BACKOFF_MAX``,
or longer when the server asked so with ``Retry-After`` (also capped).

The wait happens in ``process_request`` of the retried request: the request
holds one slot of ``CONCURRENT_REQUESTS`` while it waits, none of its site's.

>>> BackoffRetryMiddleware.backoff_delay(1, base=1.0, cap=30.0), BackoffRetryMiddleware.backoff_delay(3, base=1.0, cap=30.0)
(1.0, 4.0)
>>> BackoffRetryMiddleware.backoff_delay(9, base=1.0, cap=30.0), BackoffRetryMiddleware.backoff_delay(1, base=1.0, cap=30.0, retry_after=b"120")
(30.0, 30.0)
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

__all__ = ["BackoffRetryMiddleware", "RETRY_AT_META"]

#: Request meta key: the wall-clock time (``time.time()``) before which a retry is not sent
#: (wall clock, not monotonic: the frontier may keep the request across a resume).
RETRY_AT_META = "cobweb_retry_at"

Sleep = Callable[[float], Awaitable[None]]


async def reactor_sleep(seconds: float) -> None:
    """Wait ``seconds`` on the running Twisted reactor."""
    from twisted.internet import reactor  # noqa: PLC0415 -- the installed one
    from twisted.internet.task import deferLater  # noqa: PLC0415

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits longer before each retry."""

    def __init__(self, settings: BaseSettings, *, sleep: Sleep | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("COBWEB_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("COBWEB_RETRY_BACKOFF_MAX", 30.0)
        self._sleep: Sleep = sleep or reactor_sleep
        self._clock = clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    @staticmethod
    def backoff_delay(retry_times: int, *, base: float, cap: float,
                      retry_after: bytes | None = None) -> float:
        """Seconds to wait before retry number ``retry_times`` (1 for the first)."""
        delay = base * 2 ** max(retry_times - 1, 0)
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after.strip()))
        return min(delay, cap)

    def _hold_back(self, retry: Request, response: Response | None = None) -> Request:
        retry_after = response.headers.get(b"Retry-After") if response is not None else None
        delay = self.backoff_delay(retry.meta.get("retry_times", 1), base=self.backoff,
                                   cap=self.backoff_max, retry_after=retry_after)
        retry.meta[RETRY_AT_META] = self._clock() + delay
        return retry

    async def process_request(self, request: Request) -> None:
        retry_at = request.meta.get(RETRY_AT_META)
        if retry_at is not None:
            wait = min(retry_at - self._clock(), self.backoff_max)
            if wait > 0:
                await self._sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            return self._hold_back(result, response)
        return result

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            return self._hold_back(result)
        return result
