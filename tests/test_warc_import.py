"""``cobweb import FILE.warc.gz``: a Common Crawl-style archive gives the campaigns a crawl gives."""

from __future__ import annotations

import gzip
import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from analysis.run import analyze_run
from crawler.store import PageStore, store_path
from test_crawl_e2e import cobweb, finish
from test_warc_crawl import ITEMS, crawled, evidence_web  # noqa: F401 -- the crawl fixture

pytestmark = pytest.mark.e2e


def _status(code: int) -> str:
    from http import HTTPStatus

    return f"{code} {HTTPStatus(code).phrase}"


def common_crawl_warc(path: Path, pages: dict[str, tuple[int, dict[str, str], bytes]],
                      truncate: set[str] = frozenset()) -> None:
    """A WARC/1.0 file laid out as Common Crawl's: warcinfo, then request, response
    and metadata per capture, one gzip member per record, sha1 digests, truncated bodies."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": "Apache Nutch 1.19 (modified, https://github.com/commoncrawl/nutch/)",
            "format": "WARC File Format 1.0", "isPartOf": "CC-MAIN-2026-48",
            "robots": "checked via crawler-commons"}))
        for url, (status, headers, body) in pages.items():
            req = writer.create_warc_record(url, "request", http_headers=StatusAndHeaders(
                f"GET {url.split('/', 3)[-1] and '/' + url.split('/', 3)[-1]} HTTP/1.1",
                [("Host", url.split("/")[2]), ("User-Agent", "CCBot/2.0")], is_http_request=True))
            extra = {"WARC-IP-Address": "192.0.2.10"}
            if url in truncate:
                body = body[:200]
                extra["WARC-Truncated"] = "length"
            resp = writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body), warc_headers_dict=extra,
                http_headers=StatusAndHeaders(_status(status), list(headers.items()), protocol="HTTP/1.1"))
            writer.write_request_response_pair(req, resp)
            meta = BytesIO(b"fetchTimeMs: 42\r\n")
            writer.write_record(writer.create_warc_record(
                url, "metadata", payload=meta, length=len(meta.getvalue()),
                warc_content_type="application/warc-fields"))


def served_pages() -> dict[str, tuple[int, dict[str, str], bytes]]:
    """Every static answer of the evidence web, and the order-sensitive pages, as served."""
    web = evidence_web()
    out = {}
    for url in [*web.urls(), *ITEMS, "http://hub.example.com/missing"]:
        res = web.resolve("GET", url)
        body = res.body if isinstance(res.body, bytes) else b"".join(res.body())
        out[url] = (res.status, dict(res.headers), body)
    out["http://img.example.com/logo.png"] = (200, {"Content-Type": "image/png"}, b"\x89PNG esim")
    return out


def campaign_sets(run: Path) -> set[frozenset[str]]:
    doc = analyze_run(run, write=False)
    return {frozenset(c["pages"]) for c in doc["campaigns"]}


def test_import_of_a_common_crawl_file_gives_the_crawls_campaigns(crawled, tmp_path):  # noqa: F811
    _, crawl_run, _ = crawled
    archive = tmp_path / "CC-MAIN-20261130-00001.warc.gz"
    pages = served_pages()
    common_crawl_warc(archive, pages, truncate={"http://hub.example.com/big"})
    run = tmp_path / "imported"
    out = finish(cobweb("import", str(archive), "-k", "esim", "-o", str(run)))
    assert "imported" in out and "not_html" in out and "metadata" in out
    expected = campaign_sets(crawl_run)
    assert expected and campaign_sets(run) == expected
    with PageStore(store_path(run)) as store:
        stored = {p.url: p for p in store.iter_pages()}
    zipped = stored["http://hub.example.com/zipped"]
    assert zipped.title == "zipped" and zipped.origin == "import"
    assert zipped.sha256 == hashlib.sha256(pages["http://hub.example.com/zipped"][2]).hexdigest()
    assert zipped.warc_file == str(archive.resolve()) and zipped.warc_offset > 0
    assert stored["http://order.example.com/item?id=7&lang=en"].fetched_url == ITEMS[0]
    assert "http://hub.example.com/big" in stored  # truncated, imported with what it holds
    assert not any("img.example.com" in u or "missing" in u or "robots" in u for u in stored)
    # the pointers hold: verify reads the source archive
    verified = finish(cobweb("verify", str(run)))
    assert verified.startswith("ok: ")


def test_import_streams_a_large_archive_in_bounded_memory(tmp_path):
    import subprocess
    import sys

    archive = tmp_path / "many.warc.gz"
    body = b"<html><head><title>t</title></head><body>" + b"filler text " * 10_000 + b"</body></html>"
    with archive.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        for i in range(2_000):
            page = body if i % 100 else body.replace(b"filler", b"esim", 1)
            writer.write_record(writer.create_warc_record(
                f"http://s{i % 97}.example.com/p{i}", "response", payload=BytesIO(page), length=len(page),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")))
    # VmHWM: this process's peak RSS (ru_maxrss would carry the forking pytest's over exec)
    script = ("import re, sys; from crawler.warc_import import import_warc;"
              "r = import_warc(sys.argv[1], sys.argv[2], ['esim']);"
              "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1);"
              "print(r.records, r.pages, hwm)")
    done = subprocess.run([sys.executable, "-c", script, str(archive), str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    records, kept, rss_kb = map(int, done.stdout.split())
    assert (records, kept) == (2_000, 20)
    assert rss_kb < 300_000, rss_kb  # the 240 MB of bodies are never held at once
    assert gzip.open(archive).read(4) == b"WARC"
