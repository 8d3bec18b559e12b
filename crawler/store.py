"""The run's page store: ``RUN_DIR/crawl.sqlite``.

One SQLite file in WAL mode holds the pages, their artifacts, the dropped
requests and the run's metadata. Every write is a real transaction, so a run
killed with ``kill -9`` keeps every page it committed and none half-written.
The crawl frontier keeps its own tables in the same file (see
:mod:`crawler.frontier`).

>>> from crawler.records import Artifact, PageRecord
>>> store = PageStore(":memory:")
>>> page = PageRecord("http://a.example.com/1", fetched_at="2026-01-02T03:04:05Z",
...                   artifacts=[Artifact("handle", "telegram:esim1088", "href")])
>>> store.add_page(page)
1
>>> store.add_page(page)  # the same URL again is the same page
1
>>> store.page_count()
1
>>> [(p.url, p.domain) for p in store.iter_pages()]
[('http://a.example.com/1', 'example.com')]
>>> list(store.iter_page_artifacts())
[(1, 'handle', 'telegram:esim1088')]
>>> store.close()
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from array import array
import logging
import operator
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, filterfalse, repeat
from pathlib import Path

import numpy as np
import orjson

from crawler.domains import registered_domain
from crawler.records import Artifact, DropRecord, LinkTarget, PageRecord
from crawler.sqlite import add_columns, connect, write_transaction

__all__ = ["PageStore", "StoredPage", "ArtifactBatch", "STORE_FILENAME", "store_path", "EmptyStore"]

logger = logging.getLogger(__name__)

STORE_FILENAME = "crawl.sqlite"
#: A store being bulk-loaded is ``crawl.sqlite.importing`` until it is complete.
PARTIAL_SUFFIX = ".importing"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    requested_url TEXT NOT NULL DEFAULT '',
    redirect_chain TEXT NOT NULL DEFAULT '[]',
    status INTEGER NOT NULL DEFAULT 200,
    fetched_at TEXT NOT NULL DEFAULT '',
    domain TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    out_links TEXT NOT NULL DEFAULT '[]',
    images TEXT NOT NULL DEFAULT '[]',
    html BLOB,
    origin TEXT NOT NULL DEFAULT 'crawl'
);
CREATE TABLE IF NOT EXISTS artifacts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    label TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS page_artifacts (
    page_id INTEGER NOT NULL,
    artifact_id INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT 'text',
    confidence REAL NOT NULL DEFAULT 1.0,
    hidden INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (page_id, artifact_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS drops (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL DEFAULT ''
);
-- how each page wrote the keywords it matched (续费 found as 續費)
CREATE TABLE IF NOT EXISTS page_keyword_forms (
    page_id INTEGER NOT NULL,
    keyword TEXT NOT NULL,
    form TEXT NOT NULL,
    PRIMARY KEY (page_id, keyword)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_targets (
    link TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    status INTEGER NOT NULL DEFAULT 0,
    resolved_at TEXT NOT NULL DEFAULT ''
);
"""

#: The unique keys of pages and artifacts, as indexes of their own (a store written before
#: issue 15 has them as ``UNIQUE`` constraints in its tables, which serve the same): a bulk
#: import into a new store builds them after loading (see :meth:`PageStore.bulk_load`).
_UNIQUE_INDEXES = (
    ("pages_url", "pages", ("url",)),
    ("artifacts_kind_label", "artifacts", ("kind", "label")),
)


def _has_unique_index(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> bool:
    for _, name, unique, _, partial in conn.execute(f"PRAGMA index_list({table})"):
        if unique and not partial and tuple(
                row[2] for row in conn.execute(f"PRAGMA index_info('{name}')")) == columns:
            return True
    return False


def _ensure_unique_indexes(conn: sqlite3.Connection) -> None:
    """Give ``pages`` and ``artifacts`` their unique keys where they lack them (a new
    store, or one whose bulk load stopped before indexing)."""
    for name, table, columns in _UNIQUE_INDEXES:
        if not _has_unique_index(conn, table, columns):
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")


#: Page columns added after the first release (issue 10: WARC evidence); an
#: older store gets them, empty, when opened.
_ADDED_PAGE_COLUMNS = {
    "fetched_url": "TEXT NOT NULL DEFAULT ''",  # the final URL as fetched (not canonical)
    "sha256": "TEXT NOT NULL DEFAULT ''",  # of the body as received
    "warc_file": "TEXT NOT NULL DEFAULT ''",  # the WARC file of its response record
    "warc_offset": "INTEGER NOT NULL DEFAULT -1",  # the record's offset in that file
}

#: Add a page-artifact pair, or keep the better provenance of the two.
_UPSERT_PAIR = (
    "INSERT INTO page_artifacts (page_id, artifact_id, source, confidence, hidden)"
    " VALUES (?,?,?,?,?) ON CONFLICT(page_id, artifact_id) DO UPDATE SET"
    " source = CASE WHEN excluded.confidence > page_artifacts.confidence"
    "   THEN excluded.source ELSE page_artifacts.source END,"
    " confidence = MAX(page_artifacts.confidence, excluded.confidence),"
    " hidden = MIN(page_artifacts.hidden, excluded.hidden)"
)

_PAGE_COLUMNS = (
    "url, requested_url, redirect_chain, status, fetched_at, domain, title,"
    " keywords, text, out_links, images, html, origin, fetched_url, sha256, warc_file, warc_offset"
)


@lru_cache(maxsize=1 << 20)
def _netloc_domain(netloc: str) -> str:
    """The registered domain of a URL's network location (``host_of`` reads it as one)."""
    return registered_domain(netloc)


#: The network location of each line's URL, in a text of one URL per line.
_NETLOCS = re.compile(r"^[^/\n]*://([^/\n]*)", re.MULTILINE)


def _url_domains(urls: list[str]) -> Iterator[str]:
    """:func:`_url_domain` of each URL, the network locations cut out all at once.

    >>> list(_url_domains(["http://a.example.com/x", "https://b.co.uk:8080/"]))
    ['example.com', 'b.co.uk']
    """
    text = "\n".join(urls)
    netlocs = _NETLOCS.findall(text)
    if len(netlocs) == len(urls) and text.count("\n") == len(urls) - 1:
        return map(_netloc_domain, netlocs)
    return map(_url_domain, urls)


def _url_domain(url: str) -> str:
    """``registered_domain(url)``, cached by the URL's network location."""
    parts = url.split("/", 3)
    if len(parts) >= 3 and parts[0].endswith(":") and parts[1] == "":
        return _netloc_domain(parts[2])
    return registered_domain(url)


#: SQLite page size of a bulk-loaded store: its B-trees take sorted inserts a third faster
#: than in 4 KB pages (``bench/bench_analysis.py`` import step).
BULK_PAGE_SIZE = 16384


class EmptyStore(sqlite3.DatabaseError):
    """A store file of zero bytes: no crawl was ever stored in it."""


def store_path(run_dir: str | Path) -> Path:
    """The store file of a run directory."""
    return Path(run_dir) / STORE_FILENAME


@dataclass(slots=True)
class StoredPage:
    """A page as read back from the store."""

    id: int
    url: str
    domain: str
    fetched_at: str
    title: str
    status: int
    requested_url: str
    redirect_chain: list[str]
    keywords: list[str]
    origin: str
    text: str = ""
    html: str | None = None
    fetched_url: str = ""
    sha256: str = ""
    warc_file: str = ""
    warc_offset: int = -1


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(value: str) -> str:
    r"""``value`` as text SQLite can hold: lone surrogates (from bytes decoded
    with ``surrogateescape``) become U+FFFD, the rest is kept.

    >>> _valid_text("ok"), _valid_text("a\udcff b")
    ('ok', 'a\ufffd b')
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", value)
    return value


def _json(values: list[str]) -> str:
    return _valid_text(json.dumps(values, ensure_ascii=False))


def _pack_html(html: str | None) -> bytes | None:
    if html is None:
        return None
    return zlib.compress(html.encode("utf-8", "surrogatepass"), 6)


def _unpack_html(blob: bytes | None) -> str | None:
    if blob is None:
        return None
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


class ArtifactBatch:
    """Artifact-only pages for :meth:`PageStore.add_artifact_batch`, compact.

    Pages are rows ``0..len(urls)-1``; each distinct ``(kind, label)`` of the
    batch is listed once in ``artifacts``; plain pairs (source ``"import"``,
    confidence 1, not hidden) are two integer arrays, and pairs with other
    provenance ``(page, artifact, source, confidence, hidden)`` tuples.

    >>> b = ArtifactBatch()
    >>> b.add_page("http://a.example/1", "",
    ...            [("handle", "telegram:x", "import", 1.0, False), ("domain", "b.example", "text", 0.5, False)])
    >>> b.artifacts, b.pair_page.tolist(), b.pair_art.tolist(), b.special
    ([('handle', 'telegram:x'), ('domain', 'b.example')], [0], [0], [(0, 1, 'text', 0.5, False)])
    """

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.fetched_at: list[str] = []
        self.artifacts: list[tuple[str, str]] = []
        self.pair_page = array("i")
        self.pair_art = array("i")
        self.special: list[tuple[int, int, str, float, bool]] = []
        self._index: dict[tuple[str, str], int] = {}

    def __len__(self) -> int:
        return len(self.urls)

    def __getstate__(self) -> dict:  # the index stays behind: it is only for adding
        return {k: v for k, v in vars(self).items() if k != "_index"}

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state, _index={})

    def add_pages(self, urls: list[str], fetched_at: list[str]) -> int:
        """Add pages without their pairs (see :meth:`add_pairs`); the row of the first."""
        first = len(self.urls)
        self.urls += urls
        self.fetched_at += fetched_at
        return first

    def add_pairs(self, pages: np.ndarray, artifacts: np.ndarray) -> None:
        """Add plain pairs: rows of pages and of artifacts, two int32 arrays."""
        self.pair_page.frombytes(pages.astype(np.int32, copy=False).tobytes())
        self.pair_art.frombytes(artifacts.astype(np.int32, copy=False).tobytes())

    def artifact_rows(self, keys: list[tuple[str, str]]) -> list[int]:
        """The rows of artifacts ``(kind, label)`` in this batch, the new ones added."""
        index = self._index
        new = dict.fromkeys(filterfalse(index.__contains__, keys))
        index.update(zip(new, range(len(self.artifacts), len(self.artifacts) + len(new))))
        self.artifacts += new
        return list(map(index.__getitem__, keys))

    def add_page(self, url: str, fetched_at: str,
                 artifacts: Iterable[tuple[str, str, str, float, bool]]) -> None:
        page = self.add_pages([url], [fetched_at])
        artifacts = list(artifacts)
        rows = self.artifact_rows([(kind, label) for kind, label, *_ in artifacts])
        for (_, _, source, confidence, hidden), art in zip(artifacts, rows):
            if source == "import" and confidence == 1.0 and not hidden:
                self.pair_page.append(page)
                self.pair_art.append(art)
            else:
                self.special.append((page, art, source, confidence, hidden))


class PageStore:
    """Pages, artifacts, drops and metadata of one run, in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file (``":memory:"`` for tests). Use :meth:`open_run`
        for a run directory.
    """

    def __init__(self, path: str | Path, *, create: bool = False, _indexed: bool = True,
                 _page_size: int | None = None) -> None:
        self.path = str(path)
        if not create and self.path != ":memory:" and Path(path).is_file() and Path(path).stat().st_size == 0:
            raise EmptyStore(f"{path} is empty (0 bytes)")
        self.conn = connect(self.path, _SCHEMA, page_size=_page_size)
        add_columns(self.conn, "pages", _ADDED_PAGE_COLUMNS)
        if _indexed:
            _ensure_unique_indexes(self.conn)
        self._artifact_ids: dict[tuple[str, str], int] | None = None
        #: ``{url: id}`` of every page while :meth:`bulk_load` fills the store without its
        #: unique indexes; None otherwise.
        self._page_ids: dict[str, int] | None = None
        #: whether any page has a WARC record (:meth:`page_evidence`); None: not known
        self._has_evidence: bool | None = None

    @classmethod
    def open_run(cls, run_dir: str | Path) -> PageStore:
        """Open (creating if needed) the store of a run directory."""
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        return cls(store_path(run_dir), create=True)

    @classmethod
    @contextlib.contextmanager
    def bulk_load(cls, run_dir: str | Path) -> Iterator[PageStore]:
        """A new run's store, filled fast and appearing only when complete.

        The store is written to ``crawl.sqlite.importing`` without the unique
        indexes of page URLs and artifact keys (the store keeps ``{url: id}`` in
        memory instead), with no journal and no syncing; on a clean exit the
        indexes are built and the file becomes ``crawl.sqlite``. A load killed or
        failing before that leaves no store (and a partial file that the next
        bulk load replaces). Only :meth:`add_artifact_batch` runs without the
        indexes: any other write builds them first and continues as usual.
        Raises :class:`FileExistsError` if the run has a store, or gains one
        meanwhile, and :class:`BlockingIOError` if another process is loading it.

        >>> import tempfile
        >>> run = tempfile.mkdtemp()
        >>> with PageStore.bulk_load(run) as store:
        ...     store.add_artifact_pages([("http://a.example/1", "", [("handle", "telegram:x", "import", 1.0, False)])])
        ...     store_path(run).exists()
        (1, 1)
        False
        >>> with PageStore(store_path(run)) as store:
        ...     store.add_artifact_pages([("http://a.example/1", "", [("handle", "telegram:y", "import", 1.0, False)])])
        (0, 1)
        """
        final = store_path(run_dir)
        partial = final.with_name(final.name + PARTIAL_SUFFIX)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            raise FileExistsError(f"{final} exists; a bulk load only makes a new store")
        fd = os.open(partial, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: another load runs
            try:
                os.ftruncate(fd, 0)  # what a killed load left
                for suffix in ("-wal", "-shm", "-journal"):
                    Path(str(partial) + suffix).unlink(missing_ok=True)
                store = cls(partial, create=True, _indexed=False, _page_size=BULK_PAGE_SIZE)
                try:
                    store.conn.execute("PRAGMA journal_mode=OFF")  # the file is discarded on failure
                    store.conn.execute("PRAGMA synchronous=OFF")
                    store.conn.execute("PRAGMA cache_size=-262144")
                    store.conn.execute("PRAGMA temp_store=MEMORY")
                    store._page_ids = {}
                    yield store
                    store._end_bulk()
                    store.conn.execute("PRAGMA journal_mode=WAL")
                finally:
                    store.close()
                os.fsync(fd)
                os.link(partial, final)  # never over a store made meanwhile (FileExistsError)
                os.unlink(partial)
                dir_fd = os.open(final.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        finally:
            os.close(fd)

    def _end_bulk(self) -> None:
        """Build the unique indexes a bulk load left out; the store is an ordinary one again."""
        if self._page_ids is not None:
            self._page_ids = None
            _ensure_unique_indexes(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PageStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def add_page(self, record: PageRecord) -> int:
        """Store one page and its artifacts in one transaction; return its id."""
        return self.add_pages([record])[0]

    def add_pages(self, records: Iterable[PageRecord]) -> list[int]:
        """Store pages in one transaction; return their ids in order.

        A URL already stored keeps its id; its empty fields are filled and its
        artifacts are merged, so nothing stored earlier is lost.
        """
        ids: list[int] = []
        with self._transaction() as cur:
            for rec in records:
                page_id = self._upsert_page(cur, rec)
                ids.append(page_id)
                self._add_artifacts(cur, page_id, rec.artifacts)
                self._add_keyword_forms(cur, page_id, rec.keyword_forms)
        return ids

    def _upsert_page(self, cur: sqlite3.Cursor, rec: PageRecord) -> int:
        url = _valid_text(rec.url)
        row = (
            url,
            _valid_text(rec.requested_url) or url,
            _json(rec.redirect_chain),
            int(rec.status),
            rec.fetched_at,
            registered_domain(url),
            _valid_text(rec.title),
            _json(rec.keywords),
            _valid_text(rec.text),
            _json(rec.out_links),
            _json(rec.images),
            _pack_html(rec.html),
            rec.origin,
            _valid_text(rec.fetched_url),
            rec.sha256,
            rec.warc_file,
            int(rec.warc_offset),
        )
        found = cur.execute(
            "INSERT INTO pages (" + _PAGE_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(url) DO UPDATE SET"
            " title = CASE WHEN pages.title = '' THEN excluded.title ELSE pages.title END,"
            " text = CASE WHEN pages.text = '' THEN excluded.text ELSE pages.text END,"
            " html = COALESCE(pages.html, excluded.html),"
            " fetched_at = CASE WHEN pages.fetched_at = '' THEN excluded.fetched_at"
            "   ELSE pages.fetched_at END,"
            " fetched_url = CASE WHEN pages.fetched_url = '' THEN excluded.fetched_url"
            "   ELSE pages.fetched_url END,"
            " sha256 = CASE WHEN pages.warc_file = '' THEN excluded.sha256 ELSE pages.sha256 END,"
            " warc_offset = CASE WHEN pages.warc_file = '' THEN excluded.warc_offset"
            "   ELSE pages.warc_offset END,"
            " warc_file = CASE WHEN pages.warc_file = '' THEN excluded.warc_file ELSE pages.warc_file END"
            " RETURNING id",
            row,
        ).fetchone()
        return int(found[0])

    def _artifact_id(self, cur: sqlite3.Cursor, kind: str, label: str) -> int:
        if self._artifact_ids is None:
            self._artifact_ids = {
                (k, lab): i for i, k, lab in cur.execute("SELECT id, kind, label FROM artifacts")
            }
        key = (kind, label)
        found = self._artifact_ids.get(key)
        if found is None:
            found = cur.execute(  # another worker process may have added it since the cache was read
                "INSERT INTO artifacts (kind, label) VALUES (?, ?)"
                " ON CONFLICT(kind, label) DO UPDATE SET kind = excluded.kind RETURNING id", key
            ).fetchone()[0]
            self._artifact_ids[key] = found
        return found

    def _add_artifacts(self, cur: sqlite3.Cursor, page_id: int, artifacts: list[Artifact]) -> None:
        if not artifacts:
            return
        rows = [
            (page_id, self._artifact_id(cur, a.kind, _valid_text(a.label)), a.source, a.confidence, int(a.hidden))
            for a in artifacts
        ]
        cur.executemany(
            _UPSERT_PAIR,
            rows,
        )

    @contextlib.contextmanager
    def _transaction(self, *, unindexed: bool = False) -> Iterator[sqlite3.Cursor]:
        """One write transaction; on any error the artifact-id cache is dropped too.
        Unless it can do without (``unindexed``), it ends a bulk load first."""
        if not unindexed:
            self._end_bulk()
        self._has_evidence = None  # pages may gain records
        try:
            with write_transaction(self.conn) as cur:
                yield cur
        except BaseException:
            self._artifact_ids = None
            raise

    # -- derived evidence ------------------------------------------------------

    def iter_out_links(self) -> Iterator[tuple[int, str, list[str]]]:
        """``(page id, site, out-links)`` of every page that has out-links; a value that
        is no list of URLs (a damaged row) is skipped."""
        for pid, domain, links in self.conn.execute(
                "SELECT id, domain, out_links FROM pages WHERE out_links != '[]'"):
            try:
                urls = json.loads(links)
            except (TypeError, ValueError):
                continue
            if isinstance(urls, list):
                yield int(pid), str(domain), [u for u in urls if isinstance(u, str)]

    def iter_page_urls(self) -> Iterator[str]:
        """The URL of every stored page."""
        for (url,) in self.conn.execute("SELECT url FROM pages"):
            if isinstance(url, str):  # a damaged row can hold anything
                yield url

    def add_artifact_to_pages(self, items: Iterable[tuple[Artifact, Iterable[int]]]) -> None:
        """Give each artifact to its pages (by id), in one transaction; pairs already
        stored keep the better provenance."""
        with self._transaction() as cur:
            for artifact, page_ids in items:
                for page_id in page_ids:
                    self._add_artifacts(cur, int(page_id), [artifact])

    # -- short links resolved during the crawl ---------------------------------

    def add_link_target(self, resolved: LinkTarget, artifacts: list[Artifact]) -> int:
        """Record where a short link sent the crawler, and give ``artifacts`` (what the
        target adds) to every stored page carrying the link, in one transaction.

        Returns how many pages gained them; pages stored later get them from
        :meth:`link_targets` (see :class:`crawler.pipelines.StorePipeline`).
        """
        with self._transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO link_targets (link, url, target, status, resolved_at)"
                " VALUES (?,?,?,?,?)",
                (_valid_text(resolved.link), _valid_text(resolved.url), _valid_text(resolved.target),
                 int(resolved.status), resolved.resolved_at),
            )
            pages = [r[0] for r in cur.execute(
                "SELECT pa.page_id FROM page_artifacts pa JOIN artifacts a ON a.id = pa.artifact_id"
                " WHERE a.kind = 'link' AND a.label = ?", (resolved.link,))]
            for page_id in pages:
                self._add_artifacts(cur, page_id, artifacts)
        return len(pages)

    def link_targets(self, links: Iterable[str] | None = None) -> dict[str, str]:
        """Known targets of resolved short links (all, or those of ``links``); a link
        that sent nowhere maps to ``""``."""
        if links is None:
            return dict(self.conn.execute("SELECT link, target FROM link_targets"))
        out: dict[str, str] = {}
        for link in links:
            row = self.conn.execute("SELECT target FROM link_targets WHERE link = ?", (link,)).fetchone()
            if row is not None:
                out[link] = row[0]
        return out

    def add_drop(self, drop: DropRecord) -> None:
        """Record a dropped request or response (autocommitted)."""
        self.conn.execute(
            "INSERT INTO drops (url, reason, detail, at) VALUES (?,?,?,?)",
            (drop.url, drop.reason, drop.detail, drop.at),
        )

    def set_meta(self, key: str, value: object) -> None:
        """Store a JSON-serializable run parameter."""
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    def get_meta(self, key: str, default: object = None) -> object:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    # -- the form each keyword was matched in -----------------------------------

    def _add_keyword_forms(self, cur: sqlite3.Cursor, page_id: int, forms: dict[str, str]) -> None:
        if forms:
            cur.executemany(
                "INSERT OR IGNORE INTO page_keyword_forms (page_id, keyword, form) VALUES (?,?,?)",
                [(page_id, _valid_text(k), _valid_text(v)) for k, v in forms.items()],
            )

    def keyword_forms(self, page_id: int) -> dict[str, str]:
        """How page ``page_id`` wrote each keyword it matched: ``{keyword: form}``."""
        return dict(self.conn.execute(
            "SELECT keyword, form FROM page_keyword_forms WHERE page_id = ? ORDER BY keyword",
            (page_id,),
        ))

    # -- reading -------------------------------------------------------------

    def page_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0])

    def iter_pages(self, *, with_text: bool = False, with_html: bool = False) -> Iterator[StoredPage]:
        """Pages in id order; text and html only when asked for."""
        cols = (
            "id, url, domain, fetched_at, title, status, requested_url, redirect_chain,"
            " keywords, origin, fetched_url, sha256, warc_file, warc_offset"
        )
        cols += ", text" if with_text else ", ''"
        cols += ", html" if with_html else ", NULL"
        for row in self.conn.execute(f"SELECT {cols} FROM pages ORDER BY id"):
            yield StoredPage(
                id=row[0],
                url=row[1],
                domain=row[2],
                fetched_at=row[3],
                title=row[4],
                status=row[5],
                requested_url=row[6],
                redirect_chain=json.loads(row[7]),
                keywords=json.loads(row[8]),
                origin=row[9],
                fetched_url=row[10],
                sha256=row[11],
                warc_file=row[12],
                warc_offset=row[13],
                text=row[14],
                html=_unpack_html(row[15]),
            )

    def iter_artifacts(self) -> Iterator[tuple[int, str, str]]:
        """``(artifact_id, kind, label)`` for every distinct artifact."""
        yield from self.conn.execute("SELECT id, kind, label FROM artifacts ORDER BY id")

    def iter_page_artifacts(self) -> Iterator[tuple[int, str, str]]:
        """``(page_id, kind, label)`` for every page-artifact pair."""
        yield from self.conn.execute(
            "SELECT pa.page_id, a.kind, a.label FROM page_artifacts pa"
            " JOIN artifacts a ON a.id = pa.artifact_id ORDER BY pa.page_id, a.id"
        )

    def iter_page_artifact_details(self) -> Iterator[tuple[int, str, str, str, float, bool]]:
        """``(page_id, kind, label, source, confidence, hidden)`` for every pair."""
        for pid, kind, label, source, conf, hidden in self.conn.execute(
            "SELECT pa.page_id, a.kind, a.label, pa.source, pa.confidence, pa.hidden"
            " FROM page_artifacts pa JOIN artifacts a ON a.id = pa.artifact_id"
            " ORDER BY pa.page_id, a.id"
        ):
            yield pid, kind, label, source, conf, bool(hidden)

    def pair_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All page-artifact pairs as two int64 arrays ``(page_ids, artifact_ids)``.

        The fast path for analysis at a million pages.
        """
        n = int(self.conn.execute("SELECT COUNT(*) FROM page_artifacts").fetchone()[0])
        flat = np.fromiter(
            (v for row in self.conn.execute("SELECT page_id, artifact_id FROM page_artifacts")
             for v in row),
            dtype=np.int64,
            count=2 * n,
        )
        return flat[0::2].copy(), flat[1::2].copy()

    def drop_counts(self) -> dict[str, int]:
        """How many requests were dropped, by reason code."""
        return dict(self.conn.execute("SELECT reason, COUNT(*) FROM drops GROUP BY reason"))

    # -- bulk paths (import and analysis at a million pages) -------------------

    def add_artifact_pages(
        self, rows: Iterable[tuple[str, str, Iterable[tuple[str, str, str, float, bool]]]]
    ) -> tuple[int, int]:
        """Store artifact-only pages in one transaction; return ``(new_pages, pairs)``.

        Each row is ``(url, fetched_at, artifacts)`` with artifacts as
        ``(kind, label, source, confidence, hidden)`` tuples. The fast path of
        ``cobweb import``: no title, text or html. Merging is the same as
        :meth:`add_pages`: a URL already stored keeps its id and fields (an empty
        ``fetched_at`` is filled), and its artifacts are merged.

        >>> store = PageStore(":memory:")
        >>> store.add_artifact_pages([("http://a.example/1", "",
        ...     [("handle", "telegram:x", "import", 1.0, False)])])
        (1, 1)
        >>> store.add_artifact_pages([("http://a.example/1", "2026-01-01T00:00:00Z",
        ...     [("domain", "b.example", "import", 1.0, False)])])
        (0, 1)
        >>> [(p.url, p.fetched_at) for p in store.iter_pages()]
        [('http://a.example/1', '2026-01-01T00:00:00Z')]
        >>> sorted(label for _, _, label in store.iter_page_artifacts())
        ['b.example', 'telegram:x']
        """
        batch = ArtifactBatch()
        for url, fetched_at, artifacts in rows:
            batch.add_page(url, fetched_at, artifacts)
        return self.add_artifact_batch(batch)

    def add_artifact_batch(self, batch: ArtifactBatch) -> tuple[int, int]:
        """Store an :class:`ArtifactBatch` in one transaction; return ``(new_pages, pairs)``.

        The bulk path of :meth:`add_artifact_pages`, with the same merging:
        page-artifact pairs are written sorted, with one statement per batch,
        and pairs of pages new in this batch skip the merge (there is nothing
        to merge with).
        """
        with self._transaction(unindexed=True) as cur:
            if self._artifact_ids is None:
                self._artifact_ids = {
                    (k, lab): i for i, k, lab in cur.execute("SELECT id, kind, label FROM artifacts")
                }
            known = self._artifact_ids
            next_art = int(cur.execute("SELECT COALESCE(MAX(id), 0) FROM artifacts").fetchone()[0])
            first_new = next_page = \
                int(cur.execute("SELECT COALESCE(MAX(id), 0) FROM pages").fetchone()[0])
            urls = batch.urls
            existing: dict[str, int] = self._page_ids if self._page_ids is not None else dict(
                cur.execute("SELECT p.url, p.id FROM json_each(?) j JOIN pages p ON p.url = j.value",
                            (orjson.dumps(urls),)))
            ids = range(next_page + 1, next_page + 1 + len(urls))
            all_new = existing.keys().isdisjoint(urls)
            if all_new:  # the common case of an import: every page new, and once
                size = len(existing)
                existing.update(zip(urls, ids))
                if len(existing) != size + len(urls):  # no: a URL twice in the batch
                    all_new = False
                    for url in urls:
                        existing.pop(url, None)
            fill_times: list[tuple[str, int]] = []
            if all_new:
                new_urls, new_times = urls, batch.fetched_at
                page_id = np.arange(ids.start, ids.stop, dtype=np.int64)
            else:
                new_urls, new_times = [], []
                for url, fetched_at in zip(urls, batch.fetched_at):
                    pid = existing.get(url)
                    if pid is None:
                        existing[url] = next_page + 1 + len(new_urls)
                        new_urls.append(url)
                        new_times.append(fetched_at)
                    elif fetched_at:
                        fill_times.append((fetched_at, pid))
                page_id = np.fromiter(map(existing.__getitem__, urls), dtype=np.int64, count=len(urls))
            art_id = np.fromiter(map(known.get, batch.artifacts, repeat(0)), dtype=np.int64,
                                 count=len(batch.artifacts))
            new = art_id == 0  # artifact ids start at 1
            new_arts = list(compress(batch.artifacts, new.tolist()))
            art_id[new] = np.arange(next_art + 1, next_art + 1 + len(new_arts))
            known.update(zip(new_arts, range(next_art + 1, next_art + 1 + len(new_arts))))
            cur.executemany(
                "INSERT INTO pages (id, url, requested_url, fetched_at, domain, origin)"
                " VALUES (?, ?2, ?2, ?3, ?4, 'import')",
                zip(range(next_page + 1, next_page + 1 + len(new_urls)), new_urls, new_times,
                    _url_domains(new_urls)),
            )
            cur.executemany(
                "UPDATE pages SET fetched_at = ? WHERE id = ? AND fetched_at = ''", fill_times
            )
            cur.executemany("INSERT INTO artifacts (id, kind, label) VALUES (?, ?, ?)",
                            zip(range(next_art + 1, next_art + 1 + len(new_arts)),
                                map(operator.itemgetter(0), new_arts), map(operator.itemgetter(1), new_arts)))
            special = [(int(page_id[p]), int(art_id[a]), source, confidence, int(hidden))
                       for p, a, source, confidence, hidden in batch.special]
            cur.executemany(_UPSERT_PAIR, special)
            key = np.sort((page_id[np.asarray(batch.pair_page, dtype=np.int64)] << 32)
                          | art_id[np.asarray(batch.pair_art, dtype=np.int64)])
            key = key[np.concatenate(([True], key[1:] != key[:-1]))] if key.size else key
            # pairs of a page created here, not also given with other provenance: nothing to merge
            fresh = (key >> 32) > first_new
            if special:
                fresh &= ~np.isin(key, [(p << 32) | a for p, a, *_ in special])
            cur.execute(
                "INSERT INTO page_artifacts (page_id, artifact_id, source, confidence, hidden)"
                " SELECT value >> 32, value & 4294967295, 'import', 1.0, 0 FROM json_each(?)",
                (orjson.dumps(key[fresh], option=orjson.OPT_SERIALIZE_NUMPY),),
            )
            merge = key[~fresh]
            cur.executemany(
                "INSERT INTO page_artifacts (page_id, artifact_id, source, confidence, hidden)"
                " VALUES (?, ?, 'import', 1.0, 0) ON CONFLICT(page_id, artifact_id) DO UPDATE SET"
                " source = CASE WHEN page_artifacts.confidence < 1.0"
                "   THEN 'import' ELSE page_artifacts.source END,"
                " confidence = 1.0, hidden = 0",
                zip((merge >> 32).tolist(), (merge & 0xFFFFFFFF).tolist()),
            )
        return len(new_urls), len(batch.pair_page) + len(special)

    def page_sites(self) -> tuple[np.ndarray, list[str]]:
        """Page ids (ascending, int64) and the registered domain of each, as a list."""
        rows = self.conn.execute("SELECT id, domain FROM pages ORDER BY id").fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), []
        ids, domains = zip(*rows)
        return np.fromiter(ids, dtype=np.int64, count=len(ids)), list(domains)

    def _int_list(self, sql: str, params: tuple = ()) -> np.ndarray:
        """The integers of a one-row ``group_concat(..., ',')`` query, as int64."""
        (text,) = self.conn.execute(sql, params).fetchone()
        if not text:
            return np.zeros(0, dtype=np.int64)
        return np.fromstring(text, dtype=np.int64, sep=",")

    def artifact_kind_codes(self, kinds: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Artifact ids (ascending) and each one's index in ``kinds`` (-1 if absent)."""
        ids = [self._int_list("SELECT group_concat(id, ',') FROM artifacts WHERE kind = ?", (k,))
               for k in kinds]
        known = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
        codes = np.concatenate([np.full(a.size, i, dtype=np.int64) for i, a in enumerate(ids)]) \
            if ids else np.zeros(0, dtype=np.int64)
        other = self._int_list(
            "SELECT group_concat(id, ',') FROM artifacts WHERE kind NOT IN (%s)"
            % ",".join("?" * len(kinds)), tuple(kinds))
        all_ids = np.concatenate([known, other])
        all_codes = np.concatenate([codes, np.full(other.size, -1, dtype=np.int64)])
        order = np.argsort(all_ids, kind="stable")
        return all_ids[order], all_codes[order]

    def pair_details_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every page-artifact pair as arrays ``(page_ids, artifact_ids, confidence, in_text)``.

        ``in_text`` is true where the artifact was only found in page text
        (source ``"text"``). Ordered by page id, then artifact id. Read through
        ``group_concat`` in page-id ranges: about 0.5 s per million pairs.
        """
        top = self.conn.execute("SELECT COALESCE(MAX(page_id), 0) FROM page_artifacts").fetchone()[0]
        step = 50_000
        parts = [
            self._int_list(
                "SELECT group_concat((page_id << 32) | artifact_id, ',') FROM page_artifacts"
                " WHERE page_id >= ? AND page_id < ?", (lo, lo + step))
            for lo in range(0, int(top) + 1, step)
        ]
        key = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        if key.size > 1 and (key[1:] < key[:-1]).any():  # SQLite does not promise the order
            key.sort()
        conf = np.ones(key.size, dtype=np.float32)
        in_text = np.zeros(key.size, dtype=bool)
        rows = self.conn.execute(
            "SELECT (page_id << 32) | artifact_id, confidence, source = 'text' FROM page_artifacts"
            " WHERE confidence != 1.0 OR source = 'text'"
        ).fetchall()
        if rows:
            special = np.array([r[0] for r in rows], dtype=np.int64)
            pos = np.searchsorted(key, special)
            conf[pos] = np.array([r[1] for r in rows], dtype=np.float32)
            in_text[pos] = np.array([bool(r[2]) for r in rows])
        return key >> 32, key & 0xFFFFFFFF, conf, in_text

    def artifact_labels(self, artifact_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """``{artifact_id: (kind, label)}`` for the given ids."""
        rows = self.conn.execute(
            "SELECT a.id, a.kind, a.label FROM json_each(?) j JOIN artifacts a ON a.id = j.value",
            (orjson.dumps([int(i) for i in artifact_ids]),))
        return {aid: (kind, label) for aid, kind, label in rows}

    def page_summaries(self, page_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """``{page_id: (url, fetched_at, title)}`` for the given ids."""
        rows = self._rows_in("SELECT id, url, fetched_at, title FROM pages WHERE id IN (%s)",
                             (int(i) for i in page_ids))
        return {pid: (url, at, title) for pid, url, at, title in rows}

    def page_urls_times(self, page_ids: Iterable[int]) -> list[tuple[str | None, str | None]]:
        """``(url, fetched_at)`` of each page id, in the order given (None for an unknown id):
        one query, whatever the number of pages."""
        return self.conn.execute(
            "SELECT p.url, p.fetched_at FROM json_each(?) j LEFT JOIN pages p ON p.id = j.value"
            " ORDER BY j.key", (orjson.dumps([int(i) for i in page_ids]),)).fetchall()

    def _rows_in(self, sql: str, keys: Iterable[object]) -> Iterator[tuple]:
        """The rows of ``sql`` (one ``IN (%s)``) for ``keys``, without duplicates, 900 at a time."""
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            yield from self.conn.execute(sql % ",".join("?" * len(chunk)), chunk)

    def page_evidence(self, urls: Iterable[str]) -> dict[str, tuple[str, str, int]]:
        """``{url: (sha256, warc_file, warc_offset)}`` of the given pages that have a record."""
        if self._has_evidence is None:  # an imported run has none: no lookup per URL
            self._has_evidence = bool(self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM pages WHERE sha256 != '')").fetchone()[0])
        if not self._has_evidence:
            return {}
        rows = self._rows_in("SELECT url, sha256, warc_file, warc_offset FROM pages"
                             " WHERE sha256 != '' AND url IN (%s)", urls)
        return {url: (digest, name, int(offset)) for url, digest, name, offset in rows}

    def iter_page_texts(self, min_chars: int = 1) -> Iterator[tuple[int, str]]:
        """``(page_id, text)`` for pages whose text has at least ``min_chars`` characters."""
        yield from self.conn.execute(
            "SELECT id, text FROM pages WHERE length(text) >= ? ORDER BY id", (min_chars,)
        )

    def site_first_seen(self) -> dict[str, str]:
        """``{domain: earliest non-empty fetched_at}``."""
        return dict(self.conn.execute(
            "SELECT domain, MIN(fetched_at) FROM pages WHERE fetched_at != '' GROUP BY domain"
        ))
