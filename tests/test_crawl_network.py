"""The network path of a run: a proxy that dies mid-crawl loses no URL; a resume
another way is refused unless said; `--retry-dropped` queues again what was given up.

Crawls run in subprocesses (the Twisted reactor cannot restart); the proxy that
is killed runs in a subprocess too, so `kill -9` closes every connection as a
real proxy crash does.
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demoweb.server import VirtualWebProxy
from crawler.store import PageStore, store_path
from test_crawl_e2e import N_PAGES, SITES, big_web, cobweb, finish, frontier_states, stored_urls

pytestmark = pytest.mark.e2e

TESTS = Path(__file__).resolve().parent

#: Serves big_web(delay) on 127.0.0.1:PORT until killed; prints its URL.
PROXY_SCRIPT = """
import sys, time
from test_crawl_e2e import big_web
from crawler.demoweb.server import VirtualWebProxy
web, _ = big_web(delay=float(sys.argv[2]))
proxy = VirtualWebProxy(web, port=int(sys.argv[1])).start()
print(proxy.url, flush=True)
while True:
    time.sleep(60)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_proxy(port: int, delay: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", PROXY_SCRIPT, str(port), str(delay)],
                            cwd=TESTS, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == f"http://127.0.0.1:{port}"
    return proc


def kill(proxy: subprocess.Popen) -> None:
    proxy.send_signal(signal.SIGKILL)
    proxy.wait()
    proxy.stdout.close()


def done_count(run: Path) -> int:
    try:
        conn = sqlite3.connect(store_path(run), timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM frontier WHERE state = 2").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_proxy_killed_mid_crawl_then_back_loses_nothing(tmp_path):
    _, matching = big_web(delay=0.0)
    port = free_port()
    proxy = start_proxy(port, delay=0.05)
    run = tmp_path / "run"
    crawl = cobweb("crawl", f"{SITES[0]}/p0.html", "-k", "esim", "-o", str(run), "--depth", "20",
                   "--proxy", f"http://127.0.0.1:{port}", "-s", "RETRY_TIMES=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False")
    try:
        deadline = time.monotonic() + 240
        while (done := done_count(run)) < N_PAGES // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        kill(proxy)
    out, err = crawl.communicate(timeout=300)
    assert done >= N_PAGES // 4, f"the crawl did not get going: {done} pages\n{out}\n{err[-3000:]}"
    # the crawl stops soon after, saying so in one line; what failed stays retryable
    assert crawl.returncode == 2, f"{out}\n{err[-3000:]}"
    assert err.endswith(f"cobweb crawl: the proxy http://127.0.0.1:{port} stopped answering "
                        f"(connection errors in a row); the queue is kept: cobweb crawl --resume "
                        f"{run} once it is back\n"), err[-3000:]
    assert "Traceback" not in err
    states = frontier_states(run)
    assert states.get("dropped") and states.get("queued"), f"the kill came too late\n{out}"
    assert f"URLs the network did not reach stay retryable: cobweb crawl --resume {run}" in out
    with PageStore(store_path(run)) as store:
        assert set(store.drop_counts()) <= {"connection_error", "timeout"}
    before = set(stored_urls(run))
    assert before < matching

    proxy = start_proxy(port, delay=0.0)
    try:
        out = finish(cobweb("crawl", "--resume", str(run)))  # the stored --proxy again
    finally:
        kill(proxy)
    assert "crawl finished" in out and "stay retryable" not in out
    assert f"{len(states['dropped'])} URLs given up before were queued again" in out
    after = stored_urls(run)
    assert len(after) == len(set(after)) and set(after) == matching
    assert frontier_states(run).keys() == {"done"}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A run crawled through ``http_proxy`` (the proxy it names is gone afterwards)."""
    web, matching = big_web(delay=0.0)
    run = tmp_path_factory.mktemp("net") / "run"
    with VirtualWebProxy(web) as proxy:
        finish(cobweb("crawl", f"{SITES[0]}/p0.html", "-k", "esim", "-o", str(run),
                      "--depth", "1", "-s", "ROBOTSTXT_OBEY=False", env={"http_proxy": proxy.url}))
        url = proxy.url
    return run, url


def test_resume_another_way_is_refused_unless_said(finished_run):
    run, url = finished_run
    proc = cobweb("crawl", "--resume", str(run))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and out == ""
    assert err == (f"cobweb crawl: {run} was crawled through the proxy {url} (http_proxy) and "
                   "this resume would go directly, without a proxy; set http_proxy again, or say "
                   "how with --proxy URL or --direct\n")
    # the same crawl command again continues the run: the same check
    proc = cobweb("crawl", f"{SITES[0]}/p0.html", "-k", "esim", "-o", str(run), "--depth", "1",
                  "-s", "ROBOTSTXT_OBEY=False")
    assert proc.communicate(timeout=120)[1] == err and proc.returncode == 2
    # set again, the proxy is gone: one line naming it
    proc = cobweb("crawl", "--resume", str(run), env={"http_proxy": url})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert err == (f"cobweb crawl: the proxy {url} (http_proxy) refuses connections; start it, "
                   "or give another with --proxy URL\n")


def test_retry_dropped_queues_again_what_a_run_gave_up(tmp_path):
    web, _ = big_web(delay=0.0)
    missing = f"{SITES[1]}/p1.html"
    page = web.resolve("GET", missing)
    web.add(missing, type(page)(status=503, body=b"busy"))
    run = tmp_path / "run"
    with VirtualWebProxy(web) as proxy:
        out = finish(cobweb("crawl", f"{SITES[0]}/p0.html", "-k", "esim", "-o", str(run),
                            "--depth", "1", "--proxy", proxy.url, "-s", "RETRY_TIMES=0"))
        assert "dropped this run: HTTP error 1" in out
        # a plain resume leaves what the site refused alone
        out = finish(cobweb("crawl", "--resume", str(run)))
        assert "0 fetched" in out
        web.add(missing, page)
        out = finish(cobweb("crawl", "--resume", str(run), "--retry-dropped", "http_error"))
    assert "1 fetched" in out
    assert frontier_states(run).keys() == {"done"}
    assert missing not in stored_urls(run)  # page 1 matches no keyword; fetched all the same
