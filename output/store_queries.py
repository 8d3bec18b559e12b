"""Streaming reads of the page store for the ``pages`` view, in page-id order.

Everything here is an iterator over SQLite cursors, so the ``pages`` view of a
million-page run is exported without loading the graph.

>>> from crawler.records import Artifact, PageRecord
>>> from crawler.store import PageStore
>>> store = PageStore(":memory:")
>>> _ = store.add_pages([
...     PageRecord("http://a.com/1", fetched_at="2026-11-02T00:00:00Z",
...                artifacts=[Artifact("handle", "telegram:x")]),
...     PageRecord("http://b.com/1", fetched_at="2026-11-01T00:00:00Z",
...                artifacts=[Artifact("handle", "telegram:x"), Artifact("domain", "c.com")]),
...     PageRecord("http://d.com/1")])
>>> [(p.url, len(rows)) for p, rows in pages_with_artifacts(store)]
[('http://a.com/1', 1), ('http://b.com/1', 2), ('http://d.com/1', 0)]
>>> list(artifact_summaries(store))
[('handle', 'telegram:x', 2, '2026-11-01T00:00:00Z'), ('domain', 'c.com', 1, '2026-11-01T00:00:00Z')]
>>> store.close()
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator

from crawler.store import PageStore, StoredPage

__all__ = ["pages_with_artifacts", "artifact_summaries", "ArtifactRow", "page_rows", "page_html"]

#: ``(page_id, kind, label, source, confidence, hidden)``, as the store yields them.
ArtifactRow = tuple[int, str, str, str, float, bool]


def pages_with_artifacts(store: PageStore) -> Iterator[tuple[StoredPage, list[ArtifactRow]]]:
    """Every page with its artifact rows: a merge of two cursors, both in page-id order."""
    groups = itertools.groupby(store.iter_page_artifact_details(), key=lambda row: row[0])
    pending = next(groups, None)
    for page in store.iter_pages():
        while pending is not None and pending[0] < page.id:
            pending = next(groups, None)  # rows of a page that is gone: skip them
        if pending is not None and pending[0] == page.id:
            yield page, list(pending[1])
            pending = next(groups, None)
        else:
            yield page, []


def artifact_summaries(store: PageStore) -> Iterator[tuple[str, str, int, str]]:
    """``(kind, label, pages, first_seen)`` for every artifact, in artifact-id order.

    ``first_seen`` is the earliest fetch time of a page carrying it (``""`` if none).
    The per-artifact counts are one SQL aggregate, not a Python dictionary.
    """
    yield from store.conn.execute(
        "SELECT a.kind, a.label, COALESCE(s.n, 0), COALESCE(s.first_seen, '')"
        " FROM artifacts a LEFT JOIN ("
        "   SELECT pa.artifact_id AS aid, COUNT(*) AS n,"
        "          MIN(NULLIF(p.fetched_at, '')) AS first_seen"
        "   FROM page_artifacts pa JOIN pages p ON p.id = pa.page_id"
        "   GROUP BY pa.artifact_id"
        " ) s ON s.aid = a.id ORDER BY a.id"
    )


def page_rows(store: PageStore) -> Iterator[tuple[str, str, str, str, str, int]]:
    """``(url, title, fetched_at, sha256, warc_file, warc_offset)`` of every page in id order:
    one cursor, nothing else decoded."""
    yield from store.conn.execute(
        "SELECT url, title, fetched_at, sha256, warc_file, warc_offset FROM pages ORDER BY id")


def page_html(store: PageStore, urls: list[str], chunk: int = 500) -> Iterator[tuple[str, str]]:
    """``(url, html)`` of those of ``urls`` whose HTML the store kept, in chunks of ``chunk``."""
    for i in range(0, len(urls), chunk):
        part = urls[i:i + chunk]
        marks = ",".join("?" * len(part))
        for url, blob in store.conn.execute(
            f"SELECT url, html FROM pages WHERE html IS NOT NULL AND url IN ({marks})", part
        ):
            yield url, zlib.decompress(blob).decode("utf-8", "replace")
