"""A real crawl without a proxy: the crawler resolves names itself and must refuse
a name that resolves to a forbidden address, robots.txt included.

No DNS query is made: the subprocess seeds Scrapy's DNS cache (which the
default resolver of SafeTargetMiddleware and the downloader both read) with
``rebind.example -> 127.0.0.1``. Should the check fail, the request would only
reach the loopback server below, which counts it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

_CRAWL = """
import json, sys
from scrapy.resolver import dnscache
from crawler.runner import run_crawl
dnscache["rebind.example"] = "127.0.0.1"
run_dir, port, allow = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
summary = run_crawl(run_dir, keywords=["esim"], urls=[f"http://rebind.example:{port}/page.html"],
                    allow_private=allow, settings={"AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0})
print(json.dumps(summary["dropped_by_reason"]))
"""


class _Counting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        body = b"<html><title>esim</title><body>esim</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def loopback_server() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


def _crawl(run_dir: Path, port: int, allow_private: bool) -> list[tuple[str, str, str]]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    done = subprocess.run([sys.executable, "-c", _CRAWL, str(run_dir), str(port), "1" if allow_private else "0"],
                          capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(run_dir / "crawl.sqlite") as con:
        return list(con.execute("SELECT url, reason, detail FROM drops"))


def test_name_resolving_to_loopback_is_refused(tmp_path: Path, loopback_server: tuple[int, list[str]]) -> None:
    port, hits = loopback_server
    drops = _crawl(tmp_path / "run", port, allow_private=False)
    assert hits == []  # neither the page nor robots.txt
    assert [(reason, detail) for _, reason, detail in drops] == [
        ("forbidden_address", "rebind.example resolves to 127.0.0.1 (loopback)")]


def test_allow_private_reaches_it(tmp_path: Path, loopback_server: tuple[int, list[str]]) -> None:
    port, hits = loopback_server
    drops = _crawl(tmp_path / "run", port, allow_private=True)
    assert hits == ["/robots.txt", "/page.html"]
    assert drops == []
