"""WARC evidence of a crawl over loopback: every exchange archived, digests in the store.

The synthetic web knows the bytes it sends, so each digest is checked against
them. Crawls run in a subprocess (one reactor per process).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demoweb.server import Resource, VirtualWeb, VirtualWebProxy, html_resource, redirect
from crawler.store import PageStore, store_path
from crawler.warc.writer import warc_dir
from test_crawl_e2e import cobweb, finish, page_fetches

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
#: An order-sensitive site: it answers only the parameter order (and session) it links.
ITEMS = [f"http://order.example.com/item?id={i}&lang=en&PHPSESSID=s3ss10n" for i in range(7, 12)]
ORDERED = ITEMS[0]
GZIPPED_HTML = b"<html><head><title>zipped</title></head><body>esim in gzip</body></html>"
BIG = b"<html><body>esim " + b"x" * 300_000 + b"</body></html>"


def _html(title: str, text: str, links: list[str] = ()) -> bytes:
    anchors = "".join(f'<a href="{u}">l</a> ' for u in links)
    if "esim" in text:  # one actor behind every matching page: one campaign over two sites
        anchors += '<a href="https://t.me/evidence_desk">Telegram</a>'

    return (f"<html><head><title>{title}</title></head><body><p>{text}</p>{anchors}</body></html>"
            ).encode()


def evidence_web() -> VirtualWeb:
    web = VirtualWeb()
    web.add("http://hub.example.com/", html_resource(_html("hub", "links", [
        *ITEMS, "http://hub.example.com/go#frag", "http://hub.example.com/zipped",
        "http://hub.example.com/missing", "http://hub.example.com/big",
        "http://hub.example.com/data", "http://hub.example.com/same-a",
        "http://hub.example.com/same-b"]).decode()))
    web.add("http://hub.example.com/robots.txt",
            Resource(headers={"Content-Type": "text/plain"}, body=b"User-agent: *\nDisallow: /private\n"))

    def ordered(method: str, url: str, hits: int) -> Resource | None:
        if url in ITEMS:
            n = url.split("id=")[1].split("&")[0]
            return html_resource(_html(f"item {n}", f"esim item {n}", ITEMS).decode())
        if url.endswith("/robots.txt"):
            return None
        return Resource(status=400, body=b"bad parameters")

    web.add_handler("order.example.com", ordered)
    web.add("http://hub.example.com/go", redirect("http://hub.example.com/landing", 302))
    web.add("http://hub.example.com/landing", html_resource(_html("landing", "esim landing").decode()))
    web.add("http://hub.example.com/zipped", Resource(
        headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        body=gzip.compress(GZIPPED_HTML, mtime=0)))
    web.add("http://hub.example.com/big", Resource(body=lambda: iter([BIG[:100_000], BIG[100_000:]])))
    web.add("http://hub.example.com/data", Resource(headers={"Content-Type": "application/pdf"},
                                                    body=b"%PDF-1.4 esim"))
    same = _html("same", "esim same body")
    web.add("http://hub.example.com/same-a", html_resource(same.decode()))
    web.add("http://hub.example.com/same-b", html_resource(same.decode()))
    return web


def warc_records(run: Path) -> list[tuple[str, int, object, bytes]]:
    """``(file, offset, record, raw payload)`` of every record of the run."""
    out = []
    for path in sorted(warc_dir(run).glob("*.warc.gz")):
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for rec in it:
                payload = rec.raw_stream.read()
                assert rec.digest_checker.passed is not False, rec.digest_checker.problems
                out.append((path.name, it.get_record_offset(), rec, payload))
    return out


_CRAWL = """
import sys
from crawler.runner import run_crawl
run_dir, proxy = sys.argv[1:3]
run_crawl(run_dir, keywords=["esim"], urls=["http://hub.example.com/"], depth=2, proxy=proxy,
          operator="Test Desk <desk@example.org>",
          settings={"DOWNLOAD_MAXSIZE": 200_000, "DOWNLOAD_WARNSIZE": 0})
"""


def crawl_small_maxsize(run: Path, proxy: VirtualWebProxy) -> None:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run([sys.executable, "-c", _CRAWL, str(run), proxy.url], capture_output=True,
                          text=True, timeout=180, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    web = evidence_web()
    run = tmp_path_factory.mktemp("warc") / "run"
    with VirtualWebProxy(web) as proxy:
        crawl_small_maxsize(run, proxy)
        fetched = page_fetches(web)
    return web, run, fetched


def test_fetches_what_was_linked(crawled):
    web, run, fetched = crawled
    # the order-sensitive site is crawled whole, each page once, never in another order
    assert all(fetched[url] == 1 for url in ITEMS)
    assert not [u for u in fetched if "order.example.com/item" in u and u not in ITEMS]
    with PageStore(store_path(run)) as store:
        pages = {p.url: p for p in store.iter_pages()}
        assert not store.drop_counts().get("http_error", 0) > 1  # only the hub's /missing
    item = pages["http://order.example.com/item?id=7&lang=en"]  # the canonical key
    assert item.requested_url == ORDERED and item.fetched_url == ORDERED and item.title == "item 7"
    assert {f"http://order.example.com/item?id={i}&lang=en" for i in range(7, 12)} <= set(pages)


def test_every_exchange_is_archived_with_digests(crawled):
    web, run, fetched = crawled
    records = warc_records(run)
    kinds = [rec.rec_type for _, _, rec, _ in records]
    assert kinds[0] == "warcinfo" and kinds.count("request") == kinds.count("response") + kinds.count("revisit")
    info = records[0][3].decode()
    assert "Test Desk <desk@example.org>" in info and "robots: obey" in info and "Cobweb/" in info
    responses = {rec.rec_headers.get_header("WARC-Target-URI"): (rec, payload)
                 for _, _, rec, payload in records if rec.rec_type in ("response", "revisit")}
    # one response record for every URL fetched: redirects, robots.txt, errors, dropped ones
    for url in ["http://hub.example.com/robots.txt", "http://hub.example.com/go",
                "http://hub.example.com/landing", "http://hub.example.com/missing", ORDERED,
                "http://hub.example.com/big", "http://hub.example.com/data"]:
        assert url in responses, url
    assert set(fetched) <= set(responses)
    go, _ = responses["http://hub.example.com/go"]
    assert go.http_headers.get_statuscode() == "302"
    assert go.http_headers.get_header("Location") == "http://hub.example.com/landing"
    # the body as the server sent it: gzip, not decoded
    zipped, payload = responses["http://hub.example.com/zipped"]
    assert payload == gzip.compress(GZIPPED_HTML, mtime=0)
    assert zipped.rec_headers.get_header("WARC-Payload-Digest") == "sha256:" + hashlib.sha256(payload).hexdigest()
    # cut off: WARC-Truncated, the first bytes kept; not a page: stopped at its headers
    big, payload = responses["http://hub.example.com/big"]
    assert big.rec_headers.get_header("WARC-Truncated") == "length" and BIG.startswith(payload)
    data, payload = responses["http://hub.example.com/data"]
    assert data.rec_headers.get_header("WARC-Truncated") == "unspecified" and payload == b""
    # an identical payload: a revisit of the first
    same = {u: r.rec_type for u, (r, _) in responses.items() if "/same-" in u}
    assert sorted(same.values()) == ["response", "revisit"]
    with PageStore(store_path(run)) as store:
        drops = store.drop_counts()
    assert drops.get("too_large") == 1 and drops.get("not_html") == 1


def test_store_points_at_each_pages_record(crawled):
    web, run, _ = crawled
    by_place = {(name, offset): (rec, payload) for name, offset, rec, payload in warc_records(run)}
    served = {"http://hub.example.com/zipped": gzip.compress(GZIPPED_HTML, mtime=0),
              "http://hub.example.com/landing": _html("landing", "esim landing")}
    with PageStore(store_path(run)) as store:
        pages = list(store.iter_pages())
    assert len(pages) >= 5
    for page in pages:
        rec, payload = by_place[(page.warc_file, page.warc_offset)]
        assert rec.rec_headers.get_header("WARC-Target-URI") == page.fetched_url
        assert rec.rec_type in ("response", "revisit")
        if rec.rec_type == "response":
            assert hashlib.sha256(payload).hexdigest() == page.sha256
        if page.url in served:
            assert page.sha256 == hashlib.sha256(served[page.url]).hexdigest()


#: ``warcio check`` decodes each payload as it reads it, and warcio 1.8's brotli decoder fails
#: with brotli >= 1.2 (it sets ``unused_data`` on a ``brotli.Decompressor``); the check is of
#: the digests, which are of the bytes as sent, so brotli bodies are read undecoded.
_WARCIO_CHECK = """
import sys
from warcio.bufferedreaders import BufferedReader
from warcio.cli import main
BufferedReader.DECOMPRESSORS.pop("br", None)
main(["check", *sys.argv[1:]])
"""


def warcio_check(run: Path) -> subprocess.CompletedProcess:
    files = [str(p) for p in sorted(warc_dir(run).glob("*.warc.gz"))]
    return subprocess.run([sys.executable, "-c", _WARCIO_CHECK, "-v", *files], capture_output=True, text=True)


def test_warcio_check_and_index_accept_the_files(crawled):
    _, run, _ = crawled
    files = [str(p) for p in sorted(warc_dir(run).glob("*.warc.gz"))]
    check = warcio_check(run)
    assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout + check.stderr
    index = subprocess.run([sys.executable, "-m", "warcio.cli", "index", *files],
                           capture_output=True, text=True)
    assert index.returncode == 0 and index.stdout.count('"response"') >= 5, index.stderr


def test_no_warc_turns_capture_off(tmp_path):
    web = evidence_web()
    run = tmp_path / "run"
    with VirtualWebProxy(web) as proxy:
        finish(cobweb("crawl", "http://hub.example.com/", "-k", "esim", "-o", str(run), "--depth", "1",
                      "--proxy", proxy.url, "--no-warc"))
    assert not warc_dir(run).exists()
    with PageStore(store_path(run)) as store:
        pages = list(store.iter_pages())
    assert pages and all(p.warc_file == "" and p.warc_offset == -1 for p in pages)


def test_kill_9_leaves_whole_records_and_resume_keeps_every_page_pointed(tmp_path):
    from test_crawl_e2e import big_web, crawl_args, kill_9_mid_crawl

    web, matching = big_web(delay=0.02)
    run = tmp_path / "run"
    with VirtualWebProxy(web) as proxy:
        proc = cobweb(*crawl_args(run, proxy))
        kill_9_mid_crawl(proc, web)
        # every file readable to its end, digests whole; every stored page has its record
        places = {(name, off) for name, off, _, _ in warc_records(run)}
        with PageStore(store_path(run)) as store:
            before = list(store.iter_pages())
        assert before and all((p.warc_file, p.warc_offset) in places for p in before)
        finish(cobweb("crawl", "--resume", str(run), "--proxy", proxy.url))
    records = warc_records(run)
    places = {(name, off): rec for name, off, rec, _ in records}
    assert len({name for name, _ in places}) >= 2  # the resumed run writes its own file
    with PageStore(store_path(run)) as store:
        after = list(store.iter_pages())
    assert {p.url for p in after} == matching
    for page in after:
        rec = places[(page.warc_file, page.warc_offset)]
        assert rec.rec_headers.get_header("WARC-Target-URI") == page.fetched_url


def test_a_cut_last_record_is_repaired_when_the_directory_is_opened_again(tmp_path):
    from crawler.warc.writer import WarcFiles

    files = WarcFiles(tmp_path, info={"software": "test"})
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    files.write([files.maker.response("http://a.example/", head, b"<p>one</p>")])
    files.write([files.maker.response("http://a.example/2", head, b"<p>two</p>" * 100)])
    files.close()
    (path,) = tmp_path.glob("*.warc.gz")
    whole = path.read_bytes()
    path.write_bytes(whole[:-40])  # a write cut in the middle of the last record
    WarcFiles(tmp_path, info={"software": "test"}).close()
    with path.open("rb") as fh:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)]
    assert uris == [None, "http://a.example/"]


def test_exports_show_each_pages_digest_and_record(crawled, tmp_path):
    import csv
    import json

    _, run, _ = crawled
    finish(cobweb("analyze", str(run)))
    doc = json.loads((run / "campaigns.json").read_text())
    (campaign,) = [c for c in doc["campaigns"] if "http://hub.example.com/landing" in c["pages"]]
    landing = "http://hub.example.com/landing"
    served = hashlib.sha256(_html("landing", "esim landing")).hexdigest()
    record = campaign["records"][landing]
    assert record["sha256"] == served and record["warc_file"].endswith(".warc.gz") and record["warc_offset"] > 0
    finish(cobweb("export", str(run), "--format", "json", "-o", str(tmp_path / "g.json")))
    graph = json.loads((tmp_path / "g.json").read_text())
    node = next(n for n in graph["nodes"] if n.get("url") == landing)
    assert (node["sha256"], node["warc_file"], node["warc_offset"]) == (
        served, record["warc_file"], record["warc_offset"])
    finish(cobweb("export", str(run), "--format", "csv", "-o", str(tmp_path / "csv")))
    with open(tmp_path / "csv" / "nodes.csv", encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r.get("url") == landing)
    assert row["sha256"] == served and row["warc_offset"] == str(record["warc_offset"])
    finish(cobweb("export", str(run), "--format", "gexf", "-o", str(tmp_path / "g.gexf")))
    assert served in (tmp_path / "g.gexf").read_text()
    # this small web's campaign scores 0, and the report lists no score-0 group (issue 13):
    # score it, so that its pages table is drawn
    campaign["score"] = max(float(campaign.get("score") or 0), 0.5)
    (run / "campaigns.json").write_text(json.dumps(doc), encoding="utf-8")
    finish(cobweb("export", str(run), "--format", "html", "-o", str(tmp_path / "r.html")))
    report = (tmp_path / "r.html").read_text()
    assert f"sha256:{served}" in report and f"{record['warc_file']} @ {record['warc_offset']}" in report


# -- cobweb verify ----------------------------------------------------------------


def _copy(run: Path, tmp_path: Path) -> Path:
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(run, out)
    return out


def _landing(run: Path):
    with PageStore(store_path(run)) as store:
        return next(p for p in store.iter_pages() if p.url == "http://hub.example.com/landing")


def _codes(run: Path) -> set[str]:
    from crawler.warc.verify import verify_run

    return {p.code for p in verify_run(run).problems}


def test_verify_passes_on_a_clean_run(crawled, tmp_path):
    _, run, _ = crawled
    out = finish(cobweb("verify", str(run)))
    assert out.startswith("ok: ") and " 0 WARC files" not in out


@pytest.mark.parametrize("tamper", ["edit_byte", "rewrite_member", "truncate", "delete_file",
                                    "store_digest", "store_offset", "campaigns"])
def test_verify_catches_tampering(crawled, tmp_path, tamper):
    import json
    import sqlite3
    import zlib

    from crawler.warc.writer import gzip_member

    _, run, _ = crawled
    if not (run / "campaigns.json").exists():
        finish(cobweb("analyze", str(run)))
    run = _copy(run, tmp_path)
    page = _landing(run)
    path = warc_dir(run) / page.warc_file
    blob = bytearray(path.read_bytes())
    expected = {"edit_byte": "damaged", "rewrite_member": "digest_mismatch", "truncate": "truncated",
                "delete_file": "missing_file", "store_digest": "store_mismatch",
                "store_offset": "missing_record", "campaigns": "campaigns_mismatch"}[tamper]
    if tamper == "edit_byte":
        blob[page.warc_offset + 60] ^= 0x01
        path.write_bytes(bytes(blob))
    elif tamper == "rewrite_member":  # a careful forger: the record edited and re-compressed
        dec = zlib.decompressobj(31)
        record = dec.decompress(bytes(blob[page.warc_offset:]))
        end = len(blob) - len(dec.unused_data)
        forged = record.replace(b"esim landing", b"esim LANDING")
        assert forged != record
        path.write_bytes(bytes(blob[:page.warc_offset]) + gzip_member(forged) + bytes(blob[end:]))
    elif tamper == "truncate":
        path.write_bytes(bytes(blob[:-30]))
    elif tamper == "delete_file":
        path.unlink()
    elif tamper in ("store_digest", "store_offset"):
        with sqlite3.connect(store_path(run)) as conn:
            column, value = ("sha256", "0" * 64) if tamper == "store_digest" else ("warc_offset", 3)
            conn.execute(f"UPDATE pages SET {column} = ? WHERE url = ?", (value, page.url))
    else:
        doc = json.loads((run / "campaigns.json").read_text())
        for campaign in doc["campaigns"]:
            if page.url in campaign["records"]:
                campaign["records"][page.url]["sha256"] = "f" * 64
        (run / "campaigns.json").write_text(json.dumps(doc))
    assert expected in _codes(run)
    proc = cobweb("verify", str(run))
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1 and expected in out and "FAILED" in out


# -- the hostile web ------------------------------------------------------------


def test_hostile_crawl_archives_every_response_with_the_served_digests(tmp_path):
    from hostile_web import build_hostile_web

    from crawler.demoweb.server import _key

    hostile = build_hostile_web()
    run = tmp_path / "run"
    keywords = [arg for kw in hostile.keywords for arg in ("-k", kw)]
    with VirtualWebProxy(hostile.web) as proxy:
        finish(cobweb("crawl", *hostile.seeds, *keywords, "-o", str(run), "--depth", "3",
                      "--proxy", proxy.url), timeout=300)
    requested = {url for method, url in hostile.web.requests if method == "GET"}
    records = warc_records(run)  # every file read to its end, every digest checked
    archived: dict[str, list] = {}
    for _, _, rec, payload in records:
        if rec.rec_type in ("response", "revisit"):
            archived.setdefault(_key(rec.rec_headers.get_header("WARC-Target-URI")), []).append(
                (rec, payload))
    # one response record for every URL fetched: redirects, robots.txt, bombs, cut-off pages;
    # not a response refused for an endless header block (issue 17): the handler gives up
    # before any response exists, so there is nothing to archive, only its drop
    with PageStore(store_path(run)) as store:
        no_response = {_key(u) for (u,) in store.conn.execute(
            "SELECT url FROM drops WHERE reason = 'headers_too_large'")}
    assert no_response, "the hostile web's header floods are refused"
    assert requested and requested - no_response <= set(archived), sorted(requested - set(archived))[:10]
    assert any(u.endswith("/robots.txt") for u in archived)
    big, payload = archived[_key("http://huge-page.net/big.html")][0]
    assert big.rec_headers.get_header("WARC-Truncated") == "length"
    declared, _ = archived[_key("http://huge-page.net/big-declared.html")][0]
    assert declared.rec_headers.get_header("WARC-Truncated") == "length"
    loop = [r for r, _ in archived[_key("http://loop-site.net/a")]]
    assert loop[0].http_headers.get_statuscode() == "302"
    # the bomb as sent: compressed, never inflated into the archive
    bomb, payload = archived[_key("http://bomb-site.net/bomb.html")][0]
    assert len(payload) < 10 * 2**20 and bomb.http_headers.get_header("Content-Encoding") == "gzip"
    # the store's digests are SHA-256 of the bytes the server sent
    with PageStore(store_path(run)) as store:
        pages = list(store.iter_pages())
    assert {p.url for p in pages} >= {canonical for canonical in map(_canonical, hostile.keyword_pages)}
    checked = 0
    for page in pages:
        served = hostile.web.resolve("GET", page.fetched_url)
        if isinstance(served.body, bytes) and served.status == 200:
            assert page.sha256 == hashlib.sha256(served.body).hexdigest(), page.url
            checked += 1
    assert checked >= len(hostile.keyword_pages) - 1
    check = warcio_check(run)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([sys.executable, "-m", "warcio.cli", "index", *map(str, warc_dir(run).glob("*.gz"))],
                           capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    assert finish(cobweb("verify", str(run))).startswith("ok: ")


def _canonical(url: str) -> str:
    from crawler.urls import canonical_url

    return canonical_url(url)


def test_request_records_keep_no_proxy_credentials_and_warcinfo_one_line_per_field():
    from scrapy.http import Headers

    from crawler.warc.capture import _header_items, warcinfo_fields

    headers = Headers({"Proxy-Authorization": "Basic c2VjcmV0", "Accept": "*/*"})
    assert _header_items(headers) == [(b"Accept", [b"*/*"])]

    class Settings(dict):
        def getbool(self, key):
            return bool(self.get(key))

    fields = warcinfo_fields(Settings(COBWEB_OPERATOR="Desk\r\nWARC-Type: response", ROBOTSTXT_OBEY=True))
    assert fields["operator"] == "Desk WARC-Type: response" and fields["robots"] == "obey"


def test_files_rotate_at_the_size_setting_each_starting_with_warcinfo(tmp_path):
    from crawler.warc.writer import WarcFiles

    files = WarcFiles(tmp_path, info={"software": "test"}, max_size=4096)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    places = [files.write([files.maker.response(f"http://a.example/{i}", head, os.urandom(1500))])
              for i in range(12)]
    files.close()
    paths = sorted(tmp_path.glob("*.warc.gz"))
    assert len(paths) >= 3 and all(p.stat().st_size < 4096 + 2000 for p in paths)
    for path in paths:
        with path.open("rb") as fh:
            kinds = [r.rec_type for r in ArchiveIterator(fh)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
    for i, (name, offset) in enumerate(places):
        with (tmp_path / name).open("rb") as fh:
            fh.seek(offset)
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_headers.get_header("WARC-Target-URI") == f"http://a.example/{i}"
