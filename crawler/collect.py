"""Merge run folders (worker shards) into one ordinary run folder.

Workers on several machines each crawl into their own run folder (a shard:
``crawl.sqlite`` and ``warc/``). :func:`collect_shards` merges shards into one
run folder that ``cobweb analyze``, ``export`` and ``verify`` use as any other:

* pages are deduplicated by URL (the first shard that stored a URL keeps it);
  their artifacts, keyword forms, views and findings come along, re-keyed to the
  merged page and artifact ids;
* drops and resolved short links are merged (identical rows once);
* WARC files are copied whole, so every page's record offset stays right; a
  file name taken by another shard's different file is prefixed with the
  shard's number, and the pages that point into it follow the new name;
* the run's metadata (``crawl_params``, ...) is the first shard's, and
  ``collected_from`` lists the shards.

>>> import tempfile, pathlib
>>> from crawler.records import Artifact, PageRecord
>>> from crawler.store import PageStore
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> for name, url in (("a", "http://x.example/1"), ("b", "http://x.example/2"), ("c", "http://x.example/1")):
...     with PageStore.open_run(base / name) as s:
...         _ = s.add_page(PageRecord(url, artifacts=[Artifact("handle", "telegram:x", "href")]))
>>> report = collect_shards([base / "a", base / "b", base / "c"], base / "run")
>>> report.pages, report.duplicates
(2, 1)
>>> with PageStore(base / "run" / "crawl.sqlite") as s:
...     sorted(s.iter_page_artifacts())
[(1, 'handle', 'telegram:x'), (2, 'handle', 'telegram:x')]
"""

from __future__ import annotations

import filecmp
import logging
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crawler.render.store import ViewStore
from crawler.sqlite import write_transaction
from crawler.store import PageStore, store_path
from crawler.warc.writer import WARC_SUFFIX, warc_dir

__all__ = ["collect_shards", "CollectReport"]

logger = logging.getLogger(__name__)

_PAGE_COLUMNS = ("url, requested_url, redirect_chain, status, fetched_at, domain, title, keywords, text,"
                 " out_links, images, html, origin, fetched_url, sha256, warc_file, warc_offset")


@dataclass
class CollectReport:
    """What :func:`collect_shards` merged."""

    shards: int = 0
    pages: int = 0
    duplicates: int = 0  # pages of a shard whose URL an earlier shard had
    warc_files: int = 0
    renamed: dict[str, str] = field(default_factory=dict)  # shard/file -> new name


def _tables(conn: sqlite3.Connection, schema: str) -> set[str]:
    return {r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}


def _copy_warc(shard: Path, index: int, dest: Path, report: CollectReport) -> dict[str, str]:
    """Copy the shard's WARC files into ``dest``; return the renamed ones (old -> new name)."""
    renamed = {}
    source = warc_dir(shard)
    if not source.is_dir():
        return renamed
    target = warc_dir(dest)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*" + WARC_SUFFIX)):
        name = path.name
        out = target / name
        if out.exists() and not filecmp.cmp(path, out, shallow=False):
            name = f"s{index}-{path.name}"
            out = target / name
            renamed[path.name] = name
            report.renamed[f"{shard}/{path.name}"] = name
        if not out.exists():
            shutil.copyfile(path, out)
            report.warc_files += 1
    return renamed


def _merge_store(conn: sqlite3.Connection, renamed: dict[str, str], report: CollectReport) -> None:
    """Merge the attached shard ``s`` into ``main`` (one transaction)."""
    shard_tables = _tables(conn, "s")
    with write_transaction(conn) as cur:
        before = cur.execute("SELECT COUNT(*) FROM main.pages").fetchone()[0]
        total = cur.execute("SELECT COUNT(*) FROM s.pages").fetchone()[0]
        cur.execute("CREATE TEMP TABLE renamed (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
        cur.executemany("INSERT INTO temp.renamed VALUES (?, ?)", renamed.items())
        columns = _PAGE_COLUMNS.replace("warc_file", "COALESCE(r.new, sp.warc_file)")
        cur.execute(f"INSERT INTO main.pages ({_PAGE_COLUMNS}) SELECT {columns} FROM s.pages sp"
                    " LEFT JOIN temp.renamed r ON r.old = sp.warc_file"
                    " WHERE true ORDER BY sp.id ON CONFLICT(url) DO NOTHING")
        cur.execute("DROP TABLE temp.renamed")
        added = cur.execute("SELECT COUNT(*) FROM main.pages").fetchone()[0] - before
        report.pages += added
        report.duplicates += total - added
        cur.execute("INSERT INTO main.artifacts (kind, label) SELECT kind, label FROM s.artifacts"
                    " WHERE true ON CONFLICT(kind, label) DO NOTHING")
        # the pages by URL and the artifacts by (kind, label): shard ids -> merged ids
        cur.execute("CREATE TEMP TABLE page_map AS SELECT sp.id AS old, mp.id AS new FROM s.pages sp"
                    " JOIN main.pages mp ON mp.url = sp.url")
        cur.execute("CREATE TEMP TABLE artifact_map AS SELECT sa.id AS old, ma.id AS new FROM s.artifacts sa"
                    " JOIN main.artifacts ma ON ma.kind = sa.kind AND ma.label = sa.label")
        cur.execute(
            "INSERT INTO main.page_artifacts (page_id, artifact_id, source, confidence, hidden)"
            " SELECT pm.new, am.new, pa.source, pa.confidence, pa.hidden FROM s.page_artifacts pa"
            " JOIN temp.page_map pm ON pm.old = pa.page_id JOIN temp.artifact_map am ON am.old = pa.artifact_id"
            " WHERE true ON CONFLICT(page_id, artifact_id) DO UPDATE SET"
            " source = CASE WHEN excluded.confidence > page_artifacts.confidence"
            "   THEN excluded.source ELSE page_artifacts.source END,"
            " confidence = MAX(page_artifacts.confidence, excluded.confidence),"
            " hidden = MIN(page_artifacts.hidden, excluded.hidden)")
        if "page_keyword_forms" in shard_tables:
            cur.execute("INSERT OR IGNORE INTO main.page_keyword_forms (page_id, keyword, form)"
                        " SELECT pm.new, f.keyword, f.form FROM s.page_keyword_forms f"
                        " JOIN temp.page_map pm ON pm.old = f.page_id")
        cur.execute("DROP TABLE temp.page_map")
        cur.execute("DROP TABLE temp.artifact_map")
        cur.execute("INSERT INTO main.drops (url, reason, detail, at) SELECT url, reason, detail, at"
                    " FROM s.drops EXCEPT SELECT url, reason, detail, at FROM main.drops")
        if "link_targets" in shard_tables:
            cur.execute("INSERT OR IGNORE INTO main.link_targets SELECT link, url, target, status, resolved_at"
                        " FROM s.link_targets")
        for table in ("page_views", "findings"):
            if table in shard_tables:
                cur.execute(f"INSERT OR IGNORE INTO main.{table} SELECT * FROM s.{table}")
        cur.execute("INSERT OR IGNORE INTO main.meta (key, value) SELECT key, value FROM s.meta")


def collect_shards(shards: Sequence[str | Path], dest: str | Path) -> CollectReport:
    """Merge the run folders ``shards`` into the new run folder ``dest``.

    Raises ``FileNotFoundError`` for a shard without a store, ``FileExistsError`` when
    ``dest`` already holds a store.
    """
    dest = Path(dest)
    if store_path(dest).exists():
        raise FileExistsError(f"{store_path(dest)} exists")
    for shard in shards:
        if not store_path(shard).is_file():
            raise FileNotFoundError(f"no {store_path(shard)}")
    report = CollectReport()
    with PageStore.open_run(dest) as store:
        ViewStore(store_path(dest)).close()  # the views' tables too
        conn = store.conn
        for index, shard in enumerate(shards, 1):
            with PageStore(store_path(shard)):  # an older shard gets today's columns
                pass
            renamed = _copy_warc(Path(shard), index, dest, report)
            conn.execute("ATTACH DATABASE ? AS s", (str(store_path(shard)),))
            try:
                _merge_store(conn, renamed, report)
            finally:
                conn.execute("DETACH DATABASE s")
            report.shards += 1
            logger.info("collected %s", shard)
        store.set_meta("collected_from", [str(Path(s)) for s in shards])
    return report
