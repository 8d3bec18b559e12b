"""Test helper: collect the crawler's ``request_rejected`` signals."""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawler.signals import request_rejected


class Drops:
    """Every ``(url, reason, detail)`` rejected on ``crawler``, in order."""

    def __init__(self, crawler: Any) -> None:
        self.items: list[tuple[str, str, str]] = []
        crawler.signals.connect(self.receive, signal=request_rejected)

    def receive(self, request: Request, reason: str, detail: str) -> None:
        self.items.append((request.url, reason, detail))

    @property
    def reasons(self) -> list[str]:
        return [reason for _, reason, _ in self.items]
