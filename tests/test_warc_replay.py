"""The WACZ export: valid under ``wacz validate``, and pywb replays its pages as served.

pywb pins old versions of its dependencies (Werkzeug, redis), so it lives in
its own virtual environment, ``.venv-pywb`` (made by ``.ci/run``, or by hand:
``python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb``), or
wherever ``COBWEB_PYWB_BIN`` points. Outside CI, a missing tool skips its
test; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from crawler.store import PageStore, store_path
from test_crawl_e2e import cobweb, finish
from test_warc_crawl import ORDERED, _html, crawled  # noqa: F401 -- the crawl fixture

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _tool(name: str, *places: Path) -> str:
    for place in places:
        if place.is_file() and os.access(place, os.X_OK):
            return str(place)
    found = shutil.which(name)
    if found:
        return found
    if IN_CI:
        pytest.fail(f"{name} is required in CI; .ci/run installs it")
    pytest.skip(f"{name} not installed")


def _pywb_bin(name: str) -> str:
    base = Path(os.environ.get("COBWEB_PYWB_BIN", ROOT / ".venv-pywb" / "bin"))
    return _tool(name, base / name)


@pytest.fixture(scope="module")
def wacz(crawled, tmp_path_factory):  # noqa: F811
    _, run, _ = crawled
    if not (run / "campaigns.json").exists():
        finish(cobweb("analyze", str(run)))
    out = tmp_path_factory.mktemp("wacz") / "case.wacz"
    finish(cobweb("export", str(run), "--format", "wacz", "-o", str(out)))
    return run, out


def test_wacz_holds_the_runs_warcs_index_pages_and_digests(wacz):
    run, out = wacz
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        package = json.loads(zf.read("datapackage.json"))
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()]
        index = zf.read("indexes/index.cdx").decode().splitlines()
        assert all(zf.getinfo(n).compress_type == zipfile.ZIP_STORED for n in names if n.startswith("archive/"))
    warcs = sorted(p.name for p in (run / "warc").glob("*.warc.gz"))
    assert [n for n in names if n.startswith("archive/")] == [f"archive/{w}" for w in warcs]
    assert package["wacz_version"] == "1.1.1"
    assert {r["path"] for r in package["resources"]} == {n for n in names if not n.startswith("datapackage")}
    assert pages[0]["format"] == "json-pages-1.0"
    with PageStore(store_path(run)) as store:
        stored = {p.fetched_url: p.sha256 for p in store.iter_pages()}
    assert {p["url"]: p["sha256"] for p in pages[1:]} == stored
    assert index == sorted(index) and any(f'"url": "{ORDERED}"' in line for line in index)


def test_wacz_validate_accepts_the_export(wacz):
    _, out = wacz
    tool = _tool("wacz", Path(sys.executable).parent / "wacz")
    done = subprocess.run([tool, "validate", "-f", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "is valid" in done.stdout, done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_pywb_replays_campaign_pages_from_the_wacz(wacz, tmp_path):
    run, out = wacz
    manager, wayback = _pywb_bin("wb-manager"), _pywb_bin("wayback")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    for args in (["init", "case"], ["add", "--unpack-wacz", "case", str(out)]):
        done = subprocess.run([manager, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    port = _free_port()
    server = subprocess.Popen([wayback, "-b", "127.0.0.1", "-p", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "pywb did not start"
                time.sleep(0.2)
        campaigns = json.loads((run / "campaigns.json").read_text())["campaigns"]
        landing = "http://hub.example.com/landing"
        assert any(landing in c["pages"] for c in campaigns)
        # same bytes, same status
        status, _, body = _get(port, f"/case/2026id_/{landing}")
        assert status == 200 and body == _html("landing", "esim landing")
        status, _, body = _get(port, f"/case/2026id_/{ORDERED}")
        assert status == 200 and b"<title>item 7</title>" in body
        # same redirect
        status, headers, _ = _get(port, "/case/2026id_/http://hub.example.com/go")
        assert status == 302 and headers["location"].endswith(landing)
        status, _, _ = _get(port, "/case/2026id_/http://hub.example.com/missing")
        assert status == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
