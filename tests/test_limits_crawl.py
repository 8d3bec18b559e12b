"""A real crawl of the infinite calendar with a deep depth limit: the per-site
page budget, not the depth, bounds it (through the loopback proxy)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hostile_web import build_hostile_web

from crawler.demoweb.server import VirtualWebProxy

pytestmark = pytest.mark.e2e

BUDGET = 5
PER_SITE = 2

_CRAWL = """
import sys
from crawler.runner import run_crawl
run_dir, proxy, seed, budget, per_site = sys.argv[1:6]
run_crawl(run_dir, keywords=["esim"], urls=[seed], depth=60, proxy=proxy,
          settings={"COBWEB_SITE_BUDGET": int(budget), "CONCURRENT_REQUESTS_PER_DOMAIN": int(per_site),
                    "AUTOTHROTTLE_ENABLED": False})
"""


def test_site_budget_bounds_an_infinite_calendar(tmp_path: Path) -> None:
    hostile = build_hostile_web()
    seed = f"http://{hostile.calendar_host}/cal?month=0&PHPSESSID=0123456789abcdef0123456789abcdef"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    with VirtualWebProxy(hostile.web) as proxy:
        done = subprocess.run(
            [sys.executable, "-c", _CRAWL, str(tmp_path / "run"), proxy.url, seed, str(BUDGET), str(PER_SITE)],
            capture_output=True, text=True, timeout=120, env=env, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = [url for _, url in hostile.web.requests
             if urlsplit(url).hostname == hostile.calendar_host and urlsplit(url).path == "/cal"]
    assert BUDGET <= len(pages) <= BUDGET + PER_SITE  # what was in flight when the budget ran out
    with sqlite3.connect(tmp_path / "run" / "crawl.sqlite") as con:
        reasons = [r for (r,) in con.execute("SELECT reason FROM drops")]
    assert reasons and set(reasons) == {"site_budget"}
