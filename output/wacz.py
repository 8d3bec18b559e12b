"""WACZ export: a run's WARC files packaged for replay (``--format wacz``).

Written by hand after the WACZ 1.1.1 specification
(https://specs.webrecorder.net/wacz/1.1.1/), so no extra dependency:

* ``archive/*.warc.gz``: the run's WARC files, stored uncompressed in the zip;
* ``indexes/index.cdx``: a CDXJ index of every ``response`` and ``revisit``
  record (SURT key, 14-digit time, JSON with url, mime, status, digest,
  offset, length, filename), sorted;
* ``pages/pages.jsonl``: the pages of the store that have a WARC record (the
  matching pages), with title and fetch time;
* ``datapackage.json`` with the SHA-256 and size of each file, and
  ``datapackage-digest.json`` with the digest of ``datapackage.json``.

>>> surt("http://www.Example.com:8080/A/b?z=1&a=2")
'com,example:8080)/a/b?a=2&z=1'
>>> surt("https://a.example/")
'example,a)/'
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urlsplit

from crawler.atomic import atomic_output
from crawler.store import PageStore
from crawler.warc.reader import iter_members, parse_record
from crawler.warc.writer import WARC_SUFFIX, warc_dir

__all__ = ["write_wacz", "surt", "cdxj_lines", "WACZ_VERSION"]

WACZ_VERSION = "1.1.1"
_INDEXED = ("response", "revisit", "resource")


def surt(url: str) -> str:
    """The SURT form of a URL as web-archive indexes sort it (host reversed,
    ``www.`` dropped, lower case, query parameters sorted)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split(".")))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        key += f":{port}"
    out = f"{key}){(parts.path or '/').lower()}"
    if parts.query:
        out += "?" + "&".join(sorted(parts.query.lower().split("&")))
    return out


def _timestamp(warc_date: str) -> str:
    """``2026-12-03T07:51:45.224677Z`` -> ``20261203075145``."""
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def cdxj_lines(path: Path) -> Iterator[str]:
    """The CDXJ lines of one WARC file (unsorted)."""
    with path.open("rb") as fh:
        yield from _index_members(path.name, fh)


def _index_members(filename: str, fh) -> Iterator[str]:  # noqa: ANN001
    for offset, length, data in members_with_length(fh):
        rec = parse_record(data)
        if rec.type not in _INDEXED:
            continue
        uri = rec.header("WARC-Target-URI")
        fields: dict[str, object] = {"url": uri}
        head = rec.record.http_headers
        if rec.type == "revisit":
            fields["mime"] = "warc/revisit"
        elif head is not None:
            fields["mime"] = (head.get_header("Content-Type") or "").split(";")[0].strip()
        if head is not None and head.get_statuscode():
            fields["status"] = head.get_statuscode()
        fields["digest"] = rec.header("WARC-Payload-Digest")
        fields.update({"length": str(length), "offset": str(offset), "filename": filename})
        yield f"{surt(uri)} {_timestamp(rec.header('WARC-Date'))} {json.dumps(fields)}"


def members_with_length(fh) -> Iterator[tuple[int, int, bytes]]:  # noqa: ANN001
    """``(offset, length, data)`` of every whole gzip member of a WARC file, one at a time."""
    prev = None
    stop = None
    for member in iter_members(fh):
        if member.error:
            stop = member.offset
            break
        if prev is not None:
            yield prev.offset, member.offset - prev.offset, prev.data or b""
        prev = member
    if prev is not None:
        end = stop if stop is not None else fh.seek(0, 2)
        yield prev.offset, end - prev.offset, prev.data or b""


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def _resource(name: str, path: str, data: bytes) -> dict[str, object]:
    return {"name": name, "path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "bytes": len(data)}


def _pages_jsonl(store: PageStore) -> bytes:
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Cobweb matching pages"})]
    for page in store.iter_pages():
        if not page.warc_file or Path(page.warc_file).is_absolute():
            continue  # imported from another archive: not in this package
        lines.append(json.dumps({
            "id": hashlib.sha256(page.url.encode()).hexdigest()[:32],
            "url": page.fetched_url or page.url, "ts": page.fetched_at, "title": page.title,
            "sha256": page.sha256,
        }, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_wacz(run_dir: str | Path, store: PageStore, path: str | Path, *, title: str = "") -> Path:
    """Package ``run_dir``'s WARC files, index and pages into the WACZ file ``path``."""
    run_dir = Path(run_dir)
    warcs = sorted(warc_dir(run_dir).glob("*" + WARC_SUFFIX))
    if not warcs:
        raise FileNotFoundError(f"{warc_dir(run_dir)} holds no WARC file (crawled with --no-warc?)")
    index = "".join(line + "\n" for line in sorted(
        line for warc in warcs for line in cdxj_lines(warc))).encode("utf-8")
    pages = _pages_jsonl(store)
    resources = []
    for warc in warcs:
        digest, size = _sha256_file(warc)
        resources.append({"name": warc.name, "path": f"archive/{warc.name}", "hash": digest, "bytes": size})
    resources.append(_resource("index.cdx", "indexes/index.cdx", index))
    resources.append(_resource("pages.jsonl", "pages/pages.jsonl", pages))
    try:
        software = f"Cobweb {version('cobweb')}"
    except PackageNotFoundError:
        software = "Cobweb"
    package = {
        "profile": "data-package",
        "resources": resources,
        "wacz_version": WACZ_VERSION,
        "title": title or f"Cobweb run {run_dir.name}",
        "software": software,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    package_bytes = json.dumps(package, indent=2).encode("utf-8")
    digest = {"path": "datapackage.json",
              "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
    out = Path(path)
    with atomic_output(out, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
        for warc in warcs:
            zf.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        zf.writestr("indexes/index.cdx", index, compress_type=zipfile.ZIP_STORED)
        zf.writestr("pages/pages.jsonl", pages, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage.json", package_bytes, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage-digest.json", json.dumps(digest), compress_type=zipfile.ZIP_DEFLATED)
    return out
