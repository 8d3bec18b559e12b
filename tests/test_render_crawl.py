"""`cobweb crawl --render` over the JS test web (tests/js_web.py), in a subprocess, through
the loopback proxy (issue 12's done-when).

With ``--render auto`` every script-built contact is found with ``source="rendered"``, the
JS redirect becomes a redirect edge, every cloaking page is flagged with the right views and
no benign page is; the hostile page's attempts through the browser are all refused and
recorded; no browser outlives the crawl, not even after ``kill -9`` and ``--resume``.
With ``--render never`` the crawl works and says what it could not see.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from js_web import JsWeb, build_js_web
from render_support import browser_processes, require_browser

from crawler.addresses import host_category
from crawler.demoweb.server import VirtualWebProxy
from crawler.render.processes import PID_FILENAME

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ROOT = Path(__file__).parent.parent


@dataclass
class Crawl:
    js: JsWeb
    port: int
    returncode: int
    stdout: str
    stderr: str
    requests: list[tuple[str, str]]
    run_dir: Path

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.run_dir / "crawl.sqlite") as con:
            return list(con.execute(sql))

    def artifacts(self) -> dict[str, dict[str, str]]:
        """page url -> {node id: source}."""
        out: dict[str, dict[str, str]] = {}
        for url, kind, label, source in self.query(
                "SELECT p.url, a.kind, a.label, pa.source FROM pages p"
                " JOIN page_artifacts pa ON pa.page_id = p.id JOIN artifacts a ON a.id = pa.artifact_id"):
            out.setdefault(url, {})[f"{kind}:{label}"] = source
        return out

    def findings(self) -> dict[str, dict]:
        return {url: json.loads(d) for url, d in self.query(
            "SELECT page_url, detail FROM findings WHERE kind = 'cloaking'")}


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}


def _crawl_cmd(js: JsWeb, run_dir: Path, proxy_url: str, *extra: str) -> list[str]:
    keywords = [arg for kw in js.keywords for arg in ("-k", kw)]
    return [sys.executable, "-m", "crawler", "crawl", *js.seeds, *keywords, "-o", str(run_dir),
            "--proxy", proxy_url, *extra]


def _served_crawl(tmp: Path, *extra: str) -> Crawl:
    web0 = build_js_web()
    proxy = VirtualWebProxy(web0.web).start()
    port = int(proxy.url.rsplit(":", 1)[1])
    js = build_js_web(port)  # the hostile page aims at the proxy's own port
    proxy._server.web = js.web  # noqa: SLF001 -- same proxy, the web that knows its port
    run_dir = tmp / "run"
    try:
        done = subprocess.run(_crawl_cmd(js, run_dir, proxy.url, *extra), capture_output=True,
                              text=True, timeout=600, env=_env(), cwd=ROOT)
    finally:
        proxy.stop()
    return Crawl(js, port, done.returncode, done.stdout, done.stderr, list(js.web.requests), run_dir)


@pytest.fixture(scope="module")
def auto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    require_browser()
    before = set(browser_processes())
    crawl = _served_crawl(tmp_path_factory.mktemp("render-auto"), "--render", "auto",
                          "--searchbot-view")
    crawl.leftover = set(browser_processes()) - before  # type: ignore[attr-defined]
    yield crawl


@pytest.fixture(scope="module")
def never(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return _served_crawl(tmp_path_factory.mktemp("render-never"), "--render", "never")


def test_auto_crawl_exits_0_and_reports_rendering(auto: Crawl) -> None:
    assert auto.returncode == 0, auto.stderr[-3000:]
    line = next(x for x in auto.stdout.splitlines() if x.startswith("rendered "))
    assert "keyword_match" in line and "timer_location" in line and "document_write" in line
    assert "1 JS redirects" in line and "3 cloaking pages" in line


def test_every_hidden_contact_is_found_as_rendered(auto: Crawl) -> None:
    found = auto.artifacts()
    for url, contacts in auto.js.rendered_contacts.items():
        for node in contacts:
            assert found.get(url, {}).get(node) == "rendered", (url, node, found.get(url))


def test_static_artifacts_keep_their_source(auto: Crawl) -> None:
    found = auto.artifacts()
    assert found["http://shop-esim.com/"]["handle:email:sales@shop-esim.com"] == "text"
    assert "rendered" not in found["http://shop-esim.com/"].values()


def test_js_redirect_becomes_a_redirect_edge(auto: Crawl) -> None:
    (src, target), = auto.js.js_redirects.items()
    rows = auto.query(f"SELECT requested_url, redirect_chain FROM pages WHERE url = '{target}'")
    assert rows, "the JS redirect's landing page was not crawled"
    requested, chain = rows[0]
    assert requested == src and json.loads(chain) == [src]
    assert f"redirect:{target}" in auto.artifacts()[target]


def test_every_cloaking_page_is_flagged_with_the_right_views(auto: Crawl) -> None:
    findings = auto.findings()
    assert {url: set(f["views"]) for url, f in findings.items()} == auto.js.cloaking
    for f in findings.values():
        assert f["differs"] == ["contacts"]


def test_no_benign_page_is_flagged(auto: Crawl) -> None:
    findings = auto.findings()
    stored = {row[0] for row in auto.query("SELECT url FROM pages")}
    for url in auto.js.benign:
        assert url in stored and url not in findings
    views = auto.query("SELECT view FROM page_views WHERE page_url = 'http://shop-esim.com/'")
    assert {v for v, in views} == {"crawler", "desktop", "phone", "search", "searchbot"}


def test_browser_attempts_on_private_addresses_are_refused_and_recorded(auto: Crawl) -> None:
    port = auto.port
    attempts = {
        "http://169.254.169.254/latest/meta-data/iam/",  # <img>
        "http://169.254.169.254/latest/meta-data/",  # a script redirecting there
        "http://10.0.0.5/admin",  # <iframe>
        f"http://127.0.0.1:{port}/",  # fetch() to the proxy's own port
        "http://169.254.169.254/latest/user-data",  # fetch()
        f"ws://127.0.0.1:{port}/ws",  # WebSocket
        f"http://127.0.0.1:{port}/steal",  # JS redirect
    }
    drops = auto.query("SELECT url, reason, detail FROM drops WHERE detail LIKE 'browser%'")
    refused = {url for url, reason, _ in drops if reason == "forbidden_address"}
    assert attempts <= refused
    assert all("hostile-esim.com" in detail for _, reason, detail in drops if reason != "robots_txt")


def test_non_http_frames_and_navigations_are_refused_and_recorded(auto: Crawl) -> None:
    """file: and ftp: iframes and a JS redirect to file:, which Chromium blocks before
    any interception, are recorded all the same."""
    drops = auto.query("SELECT url, detail FROM drops WHERE reason = 'forbidden_scheme'"
                       " AND detail LIKE 'browser%'")
    for page, urls in auto.js.scheme_refused.items():
        assert urls <= {url for url, detail in drops if page in detail}
    assert not [url for url, detail in drops if "shop-esim.com" in detail]  # about: and javascript: frames


def test_browser_navigations_disallowed_by_robots_txt_are_refused_and_recorded(auto: Crawl) -> None:
    """An iframe, a meta refresh inside a frame and a JS redirect to disallowed paths."""
    drops = auto.query("SELECT url, detail FROM drops WHERE reason = 'robots_txt' AND detail LIKE 'browser%'")
    for page, urls in auto.js.robots_refused.items():
        assert urls <= {url for url, detail in drops if page in detail}
        assert not urls & {url for _, url in auto.requests}  # never fetched, by browser or crawler
    assert "http://robots-esim.com/frame.html" in {url for _, url in auto.requests}  # allowed


def test_nothing_reaches_a_private_address_or_leaves_plain_http(auto: Crawl) -> None:
    bad = [(m, u) for m, u in auto.requests
           if m == "CONNECT" or host_category(urlsplit(u).hostname or "") is not None]
    assert bad == []


def test_the_browser_does_not_outlive_the_crawl(auto: Crawl) -> None:
    assert auto.leftover == set()  # type: ignore[attr-defined]
    assert not (auto.run_dir / PID_FILENAME).exists()


def test_never_crawl_works_and_says_what_it_could_not_see(never: Crawl) -> None:
    assert never.returncode == 0, never.stderr[-3000:]
    assert "not rendered (--render never): " in never.stdout
    line = next(x for x in never.stdout.splitlines() if x.startswith("not rendered"))
    assert "document_write" in line and "timer_location" in line
    found = never.artifacts()
    for url, contacts in never.js.rendered_contacts.items():
        assert not contacts & set(found.get(url, {}))
    assert never.findings() == {}


def test_no_browser_left_after_kill_9_and_resume(tmp_path: Path) -> None:
    require_browser()
    web0 = build_js_web()
    for page in web0.web.urls():  # slow answers keep the crawl busy while the browser runs
        web0.web._static[page].delay = 0.5  # noqa: SLF001
    before = set(browser_processes())
    run_dir = tmp_path / "run"
    with VirtualWebProxy(web0.web) as proxy:
        child = subprocess.Popen(_crawl_cmd(web0, run_dir, proxy.url, "--render", "always"),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), cwd=ROOT)
        try:
            deadline = time.monotonic() + 120
            while not (run_dir / PID_FILENAME).exists() and time.monotonic() < deadline:
                assert child.poll() is None, "the crawl ended before its browser started"
                time.sleep(0.2)
            assert (run_dir / PID_FILENAME).exists(), "no browser started"
            pid, token = (run_dir / PID_FILENAME).read_text().split()
            assert browser_processes().get(int(pid)) == token  # the count below sees this crawl's
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        done = subprocess.run([sys.executable, "-m", "crawler", "crawl", "--resume", str(run_dir),
                               "--proxy", proxy.url], capture_output=True, text=True, timeout=600,
                              env=_env(), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    left = set(browser_processes()) - before
    assert left == set()
    assert token not in browser_processes().values()


def test_campaigns_json_exports_and_report_show_cloaking(auto: Crawl, tmp_path: Path) -> None:
    from crawler.cli.main import main as cobweb

    assert cobweb(["analyze", str(auto.run_dir)]) == 0
    doc = json.loads((auto.run_dir / "campaigns.json").read_text(encoding="utf-8"))
    listed = {f["page"]: set(f["views"]) for f in doc["findings"]["cloaking"]}
    assert listed == auto.js.cloaking
    assert cobweb(["export", str(auto.run_dir), "--format", "json", "--view", "pages",
                   "-o", str(tmp_path / "pages.json")]) == 0
    nodes = json.loads((tmp_path / "pages.json").read_text(encoding="utf-8"))["nodes"]
    flagged = {n["url"]: n["cloaking"] for n in nodes if n.get("kind") == "page" and n.get("cloaking")}
    assert {u: set(v.split(",")) for u, v in flagged.items()} == auto.js.cloaking
    assert cobweb(["export", str(auto.run_dir), "--format", "html", "-o", str(tmp_path / "r.html")]) == 0
    report = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="cloaking"' in report
    for url in auto.js.cloaking:
        assert url in report
