"""robots.txt with recorded refusals.

:class:`RobotsTxtRecorder` is Scrapy's RobotsTxtMiddleware (same settings:
``ROBOTSTXT_OBEY``, ``ROBOTSTXT_PARSER``, ``ROBOTSTXT_USER_AGENT``) that also
records each URL it refuses as a ``robots_txt`` drop. It replaces the built-in
one at the same order (100), after :class:`~crawler.middlewares.safety.SafeTargetMiddleware`,
so no robots.txt is ever requested from a host the crawler must not contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest

from crawler.middlewares.rejection import reject

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.robotstxt import RobotParser

__all__ = ["RobotsTxtRecorder"]


class RobotsTxtRecorder(RobotsTxtMiddleware):
    """RobotsTxtMiddleware recording every refusal as a ``robots_txt`` drop."""

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            raise reject(self.crawler, request, "robots_txt", "disallowed by robots.txt") from None
