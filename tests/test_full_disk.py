"""A full disk stops the crawl cleanly (issue 17): one line saying how many
pages are stored and to resume after freeing space, a non-zero exit, the store
intact; ``--resume`` then continues. The disk "fills" through a file size
limit (``RLIMIT_FSIZE``) on the crawl process: its writes past the limit fail
as on a full disk, and no filesystem needs mounting."""

from __future__ import annotations

import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demoweb.server import VirtualWeb, VirtualWebProxy, html_resource

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parent.parent
PAGES = 150
LIMIT = 1 << 20  # bytes any file of the crawl may grow to


def _web() -> tuple[VirtualWeb, list[str]]:
    rng = random.Random(7)
    web = VirtualWeb()
    urls = [f"http://renew{i % 15}.example-{i % 15}.com/esim-{i}.html" for i in range(PAGES)]
    for url in urls:
        words = " ".join("".join(rng.choice("abcdefghijklmnop") for _ in range(7)) for _ in range(2500))
        web.add(url, html_resource(f"<html><head><title>esim {url}</title></head><body><p>esim {words}</p></body></html>"))
    links = "".join(f'<a href="{u}">{u}</a>' for u in urls)
    web.add("http://hub.example.com/", html_resource(f"<html><body><p>esim</p>{links}</body></html>"))
    return web, urls


def _crawl(args: list[str], proxy: str, limit: int | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}

    def limit_files() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "crawler", "crawl", *args, "--proxy", proxy], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, preexec_fn=limit_files)


def test_a_full_disk_stops_the_crawl_and_resume_continues(tmp_path: Path) -> None:
    web, urls = _web()
    run = tmp_path / "run"
    with VirtualWebProxy(web) as proxy:
        # static: rendering 150 matched pages (and their resume) under load outlasts the timeout,
        # and Chromium dies of the same file-size limit with warnings of its own
        full = _crawl(["http://hub.example.com/", "-k", "esim", "-o", str(run), "--depth", "1",
                       "--render", "never"], proxy.url, LIMIT)
        assert full.returncode != 0
        lines = [ln for ln in full.stderr.splitlines() if ln.startswith("cobweb crawl:")]
        assert len(lines) == 1, full.stderr[-3000:]
        assert "Traceback" not in full.stderr
        m = re.search(r"the disk is full: (\d+) pages stored in (\S+)", lines[0])
        assert m and "--resume" in lines[0], lines[0]
        with sqlite3.connect(run / "crawl.sqlite") as con:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            stored = con.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        assert stored == int(m.group(1)) < PAGES + 1

        again = _crawl(["--resume", str(run)], proxy.url, None)
        assert again.returncode == 0, again.stderr[-3000:]
    with sqlite3.connect(run / "crawl.sqlite") as con:
        pages = {row[0] for row in con.execute("SELECT url FROM pages")}
    assert set(urls) <= pages
