"""Refusing a request: record why, then stop it.

Every Cobweb component that refuses a request calls :func:`reject`, which
sends :data:`crawler.signals.request_rejected` (the drop is recorded in the
store) and returns a :class:`RequestRejected` to raise. ``RequestRejected`` is
an :class:`~scrapy.exceptions.IgnoreRequest`, so Scrapy logs it quietly and
errbacks know the drop is already recorded.

>>> from scrapy import Request
>>> from scrapy.utils.test import get_crawler
>>> crawler = get_crawler()
>>> seen = []
>>> crawler.signals.connect(lambda request, reason, detail: seen.append((reason, detail)),
...                         signal=request_rejected, weak=False)
>>> exc = reject(crawler, Request("http://10.0.0.5/"), "forbidden_address", "private")
>>> seen, exc.reason, isinstance(exc, IgnoreRequest)
([('forbidden_address', 'private')], 'forbidden_address', True)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

from crawler.signals import request_rejected

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from crawler.records import DropReason

__all__ = ["RequestRejected", "reject"]

logger = logging.getLogger(__name__)


class RequestRejected(IgnoreRequest):
    """A request refused by a Cobweb component; the drop is already recorded."""

    def __init__(self, reason: DropReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: DropReason = reason
        self.detail = detail


def reject(crawler: Crawler, request: Request, reason: DropReason, detail: str = "") -> RequestRejected:
    """Record that ``request`` is refused for ``reason`` and return the exception to raise."""
    logger.debug("refused %s (%s: %s)", request.url, reason, detail)
    crawler.stats.inc_value(f"cobweb/rejected/{reason}")
    crawler.signals.send_catch_log(request_rejected, request=request, reason=reason, detail=detail)
    return RequestRejected(reason, detail)
