"""Shared fixtures. Tests never touch the network: synthetic sites are served on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from crawler.demoweb.generate import DemoWeb, build_demo_web
from crawler.demoweb.server import VirtualWeb, VirtualWebProxy


# `cobweb crawl` runs one worker per core by default; the tests that count requests or
# compare a crawl's output with a fixed one run one process (tests/test_workers*.py
# run several, with --workers N).
os.environ.setdefault("COBWEB_WORKERS", "1")


@dataclass(frozen=True)
class ServedDemoWeb:
    """The demo web behind a running loopback proxy."""

    proxy_url: str
    demo: DemoWeb

    @property
    def web(self) -> VirtualWeb:
        return self.demo.web

    @property
    def seeds(self) -> list[str]:
        return self.demo.seeds

    @property
    def keywords(self) -> list[str]:
        return self.demo.keywords

    @property
    def truth(self) -> dict[str, str | None]:
        return self.demo.truth


@pytest.fixture(scope="session")
def demo_web() -> Iterator[ServedDemoWeb]:
    """The demo web (seed 0) served by a forward proxy on 127.0.0.1 for the whole session."""
    demo = build_demo_web(seed=0)
    proxy = VirtualWebProxy(demo.web).start()
    try:
        yield ServedDemoWeb(proxy.url, demo)
    finally:
        proxy.stop()
