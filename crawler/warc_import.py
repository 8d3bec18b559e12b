"""Import pages from WARC archives (``.warc``, ``.warc.gz``; Common Crawl's files too).

:func:`import_warc` streams the records of an archive with warcio (WARC/1.0
and 1.1, per-record gzip or plain), keeps the HTML ``response`` records whose
title or text mentions a keyword, extracts them exactly as a crawl does and
stores them with a pointer to their source: the archive's path, the record's
offset and the SHA-256 of its payload as archived (``cobweb verify`` checks
them). Other records (requests, metadata, revisits, images, PDFs, error
pages) are counted and skipped. Truncated records (``WARC-Truncated``, Common
Crawl cuts bodies at 1 MiB) are imported with what they hold.

Memory stays bounded: one record at a time, bodies read up to ``max_body``
bytes (the rest is hashed, not kept), pages committed in batches.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

from crawler.extraction import decode_html, extract_artifacts, match_keywords, parse_page
from crawler.middlewares.limits import is_html_content_type
from crawler.records import PageRecord
from crawler.store import PageStore
from crawler.urls import canonical_url, is_http_url

__all__ = ["import_warc", "WarcImportReport", "warc_date_to_utc"]

logger = logging.getLogger(__name__)

_CHUNK = 1 << 16


def warc_date_to_utc(value: str) -> str:
    """A ``WARC-Date`` as Cobweb's ``fetched_at`` (seconds, ``Z``).

    >>> warc_date_to_utc("2026-03-01T10:20:30.123456Z"), warc_date_to_utc("2026-03-01T10:20:30Z")
    ('2026-03-01T10:20:30Z', '2026-03-01T10:20:30Z')
    """
    value = (value or "").strip()
    if len(value) >= 19 and value[10] == "T":
        return value[:19] + "Z"
    return value


@dataclass(slots=True)
class WarcImportReport:
    """What an import read and kept."""

    records: int = 0
    pages: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def _read_payload(stream: Any, limit: int) -> tuple[bytes, str, int]:
    """The first ``limit`` bytes of the raw payload, the SHA-256 and length of all of it."""
    digest = hashlib.sha256()
    kept = bytearray()
    total = 0
    while True:
        buf = stream.read(_CHUNK)
        if not buf:
            break
        digest.update(buf)
        total += len(buf)
        if len(kept) < limit:
            kept += buf[: limit - len(kept)]
    return bytes(kept), digest.hexdigest(), total


def _decoded(raw: bytes, headers: Any, limit: int) -> bytes:
    """The body without its transfer and content encodings, at most ``limit`` bytes."""
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    chunked = (headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    if not chunked and not encoding:
        return raw
    try:
        if chunked:
            return ChunkedDataReader(BytesIO(raw), decomp_type=encoding).read(limit)
        return BufferedReader(BytesIO(raw), decomp_type=encoding).read(limit)
    except Exception:  # noqa: BLE001 -- a broken encoding (or warcio's brotli): keep what was archived
        logger.debug("undecodable body kept as archived", exc_info=True)
        return raw


def _pages(path: Path, keywords: Sequence[str], report: WarcImportReport,
           max_body: int) -> Iterator[PageRecord]:
    source = str(path.resolve())
    with path.open("rb") as fh:
        it = ArchiveIterator(fh, arc2warc=True)
        for record in it:
            report.records += 1
            if record.rec_type != "response":
                report.skipped[record.rec_type or "other"] += 1
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            headers = record.http_headers
            if not is_http_url(uri) or headers is None:
                report.skipped["not_http"] += 1
                continue
            try:
                status = int(headers.get_statuscode() or 0)
            except ValueError:
                status = 0
            ctype = headers.get_header("Content-Type")
            if status != 200:
                report.skipped["status"] += 1
                continue
            if not is_html_content_type(ctype):
                report.skipped["not_html"] += 1
                continue
            raw, digest, _ = _read_payload(record.raw_stream, max_body)
            offset = it.get_record_offset()
            html = decode_html(_decoded(raw, headers, max_body), ctype)
            page = parse_page(html, uri)
            matched = match_keywords(f"{page.title}\n{page.text}", keywords)
            if not matched:
                report.skipped["no_keyword"] += 1
                continue
            url = canonical_url(uri)
            yield PageRecord(
                url=url, requested_url=uri, fetched_url=uri, status=status,
                fetched_at=warc_date_to_utc(record.rec_headers.get_header("WARC-Date") or ""),
                title=page.title, keywords=matched, text=page.text, out_links=list(page.links),
                images=list(page.images), html=html,
                artifacts=extract_artifacts(html, url, parsed=page),
                origin="import", sha256=digest, warc_file=source, warc_offset=offset,
            )


def import_warc(path: str | Path, run_dir: str | Path, keywords: Sequence[str], *,
                batch_size: int = 200, max_body: int = 8 * 1024 * 1024) -> WarcImportReport:
    """Import the keyword pages of the archive ``path`` into ``run_dir``'s store."""
    path = Path(path)
    report = WarcImportReport()
    batch: list[PageRecord] = []
    with PageStore.open_run(run_dir) as store:
        for record in _pages(path, list(keywords), report, max_body):
            batch.append(record)
            if len(batch) >= batch_size:
                store.add_pages(batch)
                report.pages += len(batch)
                batch = []
        if batch:
            store.add_pages(batch)
            report.pages += len(batch)
    return report
