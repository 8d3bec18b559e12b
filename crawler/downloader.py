"""Scrapy's downloader with its per-site limit kept (``DOWNLOADER``).

Under the asyncio reactor, Scrapy 2.19's ``Downloader._process_queue`` hands
each request it takes from a slot's queue to a task that marks the request as
transferring only once the task runs; the loop deciding how many requests may
go (``slot.free_transfer_slots()``) runs before any of them does, so a burst
of requests for one site all go at once, whatever
``CONCURRENT_REQUESTS_PER_DOMAIN`` says. :class:`SlotKeepingDownloader` marks
each request as transferring when it is taken from the queue, so the slot's
count is right while the loop runs. (The download itself still adds and
removes it, as before.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.core.downloader import Downloader

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from scrapy import Request
    from scrapy.core.downloader import Slot

__all__ = ["SlotKeepingDownloader"]


class SlotKeepingDownloader(Downloader):
    """A downloader whose slots never send more than their concurrency at once."""

    def _wait_for_download(self, slot: Slot, request: Request, queue_dfd: Any) -> Coroutine[Any, Any, None]:
        slot.transferring.add(request)  # counted now, before _process_queue looks again
        return super()._wait_for_download(slot, request, queue_dfd)
