"""Ctrl-C: a real SIGINT to a crawl says "stopping" at once, finishes the pages in
flight and exits 130; the run resumes from there. Progress lines go to a log."""

from __future__ import annotations

import select
import signal
import time

import pytest

from crawler.demoweb.server import VirtualWebProxy
from test_crawl_e2e import (N_PAGES, SITES, big_web, cobweb, finish, frontier_states, page_fetches,
                            stored_urls)

pytestmark = pytest.mark.e2e


def read_line(stream, timeout: float) -> str:
    """The next line of ``stream`` within ``timeout`` seconds ('' if none)."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else ""


def test_ctrl_c_stops_gracefully_with_130_and_resumes(tmp_path):
    web, matching = big_web(delay=1.0)
    run = tmp_path / "run"
    with VirtualWebProxy(web) as proxy:
        proc = cobweb("crawl", f"{SITES[0]}/p0.html", "-k", "esim", "-o", str(run),
                      "--depth", "20", "--proxy", proxy.url, "-s", "AUTOTHROTTLE_ENABLED=False",
                      "-s", "COBWEB_PROGRESS_LOG_INTERVAL=0.5")
        # stderr is no terminal: a progress line every 0.5 s
        progress = read_line(proc.stderr, 60)
        assert " fetched " in progress and "pages/s" in progress, progress
        deadline = time.monotonic() + 60
        while len(page_fetches(web)) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        line = ""
        while line.startswith(("0:", "1:")) or not line:  # progress lines before the message
            line = read_line(proc.stderr, 10)
            assert line or time.monotonic() - sent < 10, "no message after Ctrl-C"
        said = time.monotonic() - sent
        assert line == "cobweb crawl: stopping, Ctrl-C again to force\n"
        # the pages in flight (1 s each) were still being fetched when it said so
        assert proc.poll() is None, f"said it after {said:.1f} s, once stopped"
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        assert "crawl stopped by Ctrl-C in" in out and "still queued: cobweb crawl --resume" in out
        assert "Traceback" not in err
        states = frontier_states(run)
        assert not states.get("in_flight"), "pages left in flight"
        assert states.get("queued")
        fetched_before = set(page_fetches(web))
        assert set(stored_urls(run)) <= matching and len(fetched_before) < N_PAGES

        for url in web.urls():
            web.resolve("GET", url).delay = 0.0
        web.reset_counts()
        finish(cobweb("crawl", "--resume", str(run)))
    assert set(stored_urls(run)) == matching
    # nothing fetched twice: every page in flight at Ctrl-C was finished before the stop
    assert not fetched_before & set(page_fetches(web))
