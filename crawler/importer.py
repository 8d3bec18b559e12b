"""Import pages crawled elsewhere from a JSON-lines file into a run's store.

Each line is one JSON object:

- ``url`` (required): an http(s) URL; stored in canonical form, so it merges
  with the same page crawled by Cobweb;
- ``fetched_at`` (optional): ISO 8601 UTC;
- ``html`` (a string): extraction runs on it (title, text, artifacts), or
- ``artifacts``: a list of ``{"kind", "label"}`` objects, optionally with
  ``source`` (default ``"import"``), ``confidence`` (0..1, default 1.0) and
  ``hidden`` (default false). Labels must already be canonical (see
  :mod:`crawler.records`). Optional ``title`` and ``text`` are stored too.

A line may carry both ``html`` and ``artifacts``; the artifacts are added to
those extraction finds. Blank lines are ignored.

**Bad lines are skipped and reported**, each with its line number and what is
wrong; every good line is imported. ``cobweb import`` exits with status 1
when any line was skipped, so scripts notice. Importing is idempotent and
never loses data: pages are merged by URL (see :meth:`PageStore.add_pages`),
and a file can be imported again, or after a crawl, safely. Into a new run,
the store is loaded without its unique indexes, which are built at the end
(:meth:`PageStore.bulk_load`): a killed import leaves no store; import again.
Into an existing store lines are committed in batches, and a killed import
keeps every committed batch. Large files are parsed in a second process while
the first writes to the store. Artifact-only lines are decoded and checked in
C (msgspec); the others, and any line that is wrong, by :func:`parse_line`.

>>> parse_line('{"url": "HTTP://A.com", "artifacts": [{"kind": "handle", "label": "telegram:x"}]}', 1)
ImportedPage(url='http://a.com/', fetched_at='', artifacts=[('handle', 'telegram:x', 'import', 1.0, False)], html=None, title='', text='')
>>> parse_line('{"url": "http://a.com"}', 7)
Traceback (most recent call last):
...
crawler.importer.BadLine: line 7: needs "html" or "artifacts"
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import get_args

import gc
from typing import Annotated

import msgspec
import orjson

from crawler.labels import canonical_artifacts, canonical_label
from crawler.records import ARTIFACT_KINDS, Artifact, ArtifactKind, ArtifactSource, PageRecord
from crawler.store import ArtifactBatch, PageStore, _url_domain, store_path
from crawler.urls import canonical_url, is_http_url

__all__ = ["BadLine", "ImportedPage", "ImportReport", "parse_line", "import_jsonl"]

logger = logging.getLogger(__name__)

_KINDS = frozenset(ARTIFACT_KINDS)
_SOURCES = frozenset(get_args(ArtifactSource))
#: URLs that :func:`canonical_url` returns unchanged (checked in the tests): lower-case
#: scheme and host, no port, user, query, fragment, escapes or dot segments.
_CANONICAL = re.compile(r"https?://[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
                        r"/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?\Z")
#: Bad lines described in full in the report (all are counted).
MAX_REPORTED = 50


class BadLine(ValueError):
    """A line that cannot be imported; ``str()`` starts with its line number."""

    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno
        self.message = message

    def __reduce__(self):
        return (BadLine, (self.lineno, self.message))


@dataclass(slots=True)
class ImportedPage:
    url: str
    fetched_at: str
    artifacts: list[tuple[str, str, str, float, bool]]
    html: str | None = None
    title: str = ""
    text: str = ""


@dataclass
class ImportReport:
    """What an import did."""

    lines: int = 0
    pages: int = 0
    new_pages: int = 0
    pairs: int = 0
    bad_lines: int = 0
    bad: list[BadLine] = field(default_factory=list)

    def add_bad(self, err: BadLine) -> None:
        self.bad_lines += 1
        if len(self.bad) < MAX_REPORTED:
            self.bad.append(err)


class _FastArtifact(msgspec.Struct, frozen=True, gc=False):
    """An artifact of a valid line, as :func:`_artifact` accepts it (decoded and checked in
    C); hashable, so a batch maps each one as given to its row with one lookup."""

    kind: ArtifactKind
    label: str  # not empty nor only white space: checked once per distinct artifact
    source: ArtifactSource = "import"
    confidence: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 1.0
    hidden: bool = False


class _FastLine(msgspec.Struct, gc=False):
    """An artifact-only line; anything else (html, title, text) or anything wrong is
    left to :func:`parse_line`, which says what."""

    url: str
    artifacts: list[_FastArtifact]
    fetched_at: str = ""
    html: None = None
    title: Annotated[str, msgspec.Meta(max_length=0)] = ""
    text: Annotated[str, msgspec.Meta(max_length=0)] = ""


_decode_fast_line = msgspec.json.Decoder(_FastLine).decode


class _FastBatch:
    """Adds artifact-only lines to an :class:`ArtifactBatch`, each distinct artifact
    made canonical once per batch."""

    def __init__(self, batch: ArtifactBatch) -> None:
        self.batch = batch
        #: artifact as given -> its row in the batch, or ``~row`` if its provenance is
        #: not the plain one (source "import", confidence 1, not hidden)
        self._index: dict[_FastArtifact, int] = {}

    def add(self, raw: bytes) -> bool:
        """Add one line; False if it is not a valid artifact-only line with a canonical URL."""
        try:
            line = _decode_fast_line(raw)
        except msgspec.MsgspecError:
            return False
        url = line.url
        if not _CANONICAL.match(url):
            return False
        batch, index, arts = self.batch, self._index, line.artifacts
        rows = list(map(index.get, arts))
        if None in rows:
            new = [i for i, row in enumerate(rows) if row is None]
            if any(not arts[i].label or arts[i].label.isspace() for i in new):
                return False
            for i in new:
                a = arts[i]
                row = batch.artifact_index((a.kind, canonical_label(a.kind, a.label)))
                plain = a.source == "import" and a.confidence == 1.0 and not a.hidden
                rows[i] = index[a] = row if plain else ~row
        page = batch.new_page(url, line.fetched_at, _url_domain(url))
        if rows and min(rows) < 0:
            for a, row in zip(arts, rows):
                if row < 0:
                    batch.special.append((page, ~row, a.source, a.confidence, a.hidden))
            rows = [row for row in rows if row >= 0]
        batch.pair_page.extend([page] * len(rows))
        batch.pair_art.extend(rows)
        return True


def _artifact(obj: object, lineno: int, i: int) -> tuple[str, str, str, float, bool]:
    if type(obj) is dict and len(obj) == 2:  # the common {"kind", "label"} case, fast
        kind, label = obj.get("kind"), obj.get("label")
        if kind in _KINDS and type(label) is str and label and not label.isspace():
            return kind, label, "import", 1.0, False
    if not isinstance(obj, dict):
        raise BadLine(lineno, f"artifacts[{i}] is not an object")
    kind, label = obj.get("kind"), obj.get("label")
    if kind not in _KINDS:
        raise BadLine(lineno, f"artifacts[{i}]: unknown kind {kind!r}"
                              f" (one of {', '.join(ARTIFACT_KINDS)})")
    if not isinstance(label, str) or not label.strip():
        raise BadLine(lineno, f"artifacts[{i}]: label must be a non-empty string")
    source = obj.get("source", "import")
    if source not in _SOURCES:
        raise BadLine(lineno, f"artifacts[{i}]: unknown source {source!r}")
    conf = obj.get("confidence", 1.0)
    if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not (0.0 <= conf <= 1.0) \
            or math.isnan(conf):
        raise BadLine(lineno, f"artifacts[{i}]: confidence must be a number in [0, 1]")
    hidden = obj.get("hidden", False)
    if not isinstance(hidden, bool):
        raise BadLine(lineno, f"artifacts[{i}]: hidden must be true or false")
    return kind, label, source, float(conf), hidden


def _artifacts(arts: list, lineno: int) -> list[tuple[str, str, str, float, bool]]:
    return [_artifact(a, lineno, i) for i, a in enumerate(arts)]


def parse_line(line: str | bytes, lineno: int) -> ImportedPage | None:
    """Validate one line; None for a blank line, :class:`BadLine` if it is wrong."""
    if not line.strip():
        return None
    if isinstance(line, bytes):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadLine(lineno, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadLine(lineno, f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise BadLine(lineno, "not a JSON object")
    url = obj.get("url")
    if not (type(url) is str and _CANONICAL.match(url)):  # else: check and canonicalize
        if not isinstance(url, str) or not is_http_url(url.strip()):
            raise BadLine(lineno, f'"url" must be an http(s) URL, got {url!r:.80}')
        try:
            url = canonical_url(url.strip())
        except ValueError as exc:
            raise BadLine(lineno, f'bad "url": {exc}') from None
    fetched_at = obj.get("fetched_at", "")
    if fetched_at is None:
        fetched_at = ""
    if not isinstance(fetched_at, str):
        raise BadLine(lineno, '"fetched_at" must be an ISO 8601 string')
    html = obj.get("html")
    arts = obj.get("artifacts")
    if html is None and arts is None:
        raise BadLine(lineno, 'needs "html" or "artifacts"')
    if html is not None and not isinstance(html, str):
        raise BadLine(lineno, '"html" must be a string')
    if arts is not None and not isinstance(arts, list):
        raise BadLine(lineno, '"artifacts" must be a list')
    title, text = obj.get("title", ""), obj.get("text", "")
    if not isinstance(title, str) or not isinstance(text, str):
        raise BadLine(lineno, '"title" and "text" must be strings')
    artifacts = canonical_artifacts(_artifacts(arts or [], lineno))
    return ImportedPage(url, fetched_at, artifacts, html, title, text)


def _record(page: ImportedPage) -> PageRecord:
    """A full page record: extraction on the html, given artifacts added."""
    artifacts = [Artifact(k, lab, s, c, h) for k, lab, s, c, h in page.artifacts]
    title, text, links, images = page.title, page.text, [], []
    if page.html is not None:
        from crawler.extraction import extract_artifacts, parse_page

        parsed = parse_page(page.html, page.url)
        title = title or parsed.title
        text = text or parsed.text
        links, images = list(parsed.links), list(parsed.images)
        artifacts = extract_artifacts(page.html, page.url, parsed=parsed) + artifacts
    return PageRecord(
        url=page.url,
        requested_url=page.url,
        fetched_at=page.fetched_at,
        title=title,
        text=text,
        out_links=links,
        images=images,
        html=page.html,
        artifacts=artifacts,
        origin="import",
    )


@dataclass
class _Batch:
    """Parsed lines ready for the store, and the bad ones among them."""

    fast: ArtifactBatch = field(default_factory=ArtifactBatch)
    full: list[PageRecord] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    bad_count: int = 0
    last_line: int = 0


def _add_line(batch: _Batch, raw: bytes, lineno: int) -> None:
    """Parse one line that is not a plain artifact-only line into ``batch`` (or its bad lines)."""
    try:
        page = parse_line(raw, lineno)
        if page is None:
            return
        if page.html is None and not page.title and not page.text:
            batch.fast.add_page(page.url, page.fetched_at, _url_domain(page.url), page.artifacts)
        else:
            batch.full.append(_record(page))
    except Exception as exc:  # extraction failing on one page skips that line
        err = exc if isinstance(exc, BadLine) else BadLine(lineno, f"extraction failed: {exc!r:.200}")
        batch.bad_count += 1
        if len(batch.bad) < MAX_REPORTED:
            batch.bad.append(err)


def _parse_batches(path: str | Path, batch_size: int) -> Iterator[_Batch]:
    batch = _Batch()
    fast = _FastBatch(batch.fast)
    with Path(path).open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            batch.last_line = lineno
            if not fast.add(raw):
                _add_line(batch, raw, lineno)
            if len(batch.fast) + len(batch.full) >= batch_size:
                yield batch
                batch = _Batch(last_line=lineno)
                fast = _FastBatch(batch.fast)
    yield batch


def _parse_worker(path: str, batch_size: int, queue) -> None:
    """Child process: parse the file and hand batches over (None at the end)."""
    try:
        for batch in _parse_batches(path, batch_size):
            queue.put(batch)
        queue.put(None)
    except BaseException as exc:  # report, never hang the parent
        queue.put(RuntimeError(f"import parser failed: {exc!r}"))


def _batches_in_background(path: Path, batch_size: int) -> Iterator[_Batch]:
    """Parse in a second process while this one writes: two cores, one import."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue(maxsize=3)
    proc = ctx.Process(target=_parse_worker, args=(str(path), batch_size, queue), daemon=True)
    proc.start()
    try:
        while True:
            try:
                item = queue.get(timeout=5)
            except Empty:
                if not proc.is_alive():
                    raise RuntimeError(f"import parser died (exit code {proc.exitcode})") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()


#: Files at least this large are parsed in a second process (``parallel=None``).
PARALLEL_BYTES = 32 * 2**20


def import_jsonl(
    path: str | Path, run_dir: str | Path, *, batch_size: int = 100_000,
    parallel: bool | None = None,
) -> ImportReport:
    """Import a JSON-lines file into ``RUN_DIR/crawl.sqlite``.

    Parameters
    ----------
    path : str or Path
        The JSON-lines file (UTF-8).
    run_dir : str or Path
        The run directory; created if needed.
    batch_size : int
        Lines per committed transaction.
    parallel : bool or None
        Parse in a second process while this one writes. None (default):
        for files of at least 32 MB on a machine with two cores or more.

    Returns
    -------
    ImportReport
        Counts, and the first bad lines with their line numbers.
    """
    path = Path(path)
    if parallel is None:
        parallel = (os.cpu_count() or 1) >= 2 and path.stat().st_size >= PARALLEL_BYTES
    report = ImportReport()
    batches = _batches_in_background(path, batch_size) if parallel \
        else _parse_batches(path, batch_size)
    # a new run's store is loaded without its unique indexes and appears complete or not at all
    opened = PageStore.open_run(run_dir) if store_path(run_dir).exists() \
        else PageStore.bulk_load(run_dir)
    with opened as store:
        store.conn.execute("PRAGMA cache_size = -262144")  # 256 MB: index inserts stay in memory
        for batch in batches:
            report.lines = batch.last_line
            for err in batch.bad:
                report.add_bad(err)
                logger.debug("skipped %s", err)
            report.bad_lines += batch.bad_count - len(batch.bad)
            if batch.fast:
                new, pairs = store.add_artifact_batch(batch.fast)
                report.new_pages += new
                report.pairs += pairs
                report.pages += len(batch.fast)
            if batch.full:
                before = store.page_count()
                store.add_pages(batch.full)
                report.new_pages += store.page_count() - before
                report.pairs += sum(len(r.artifacts) for r in batch.full)
                report.pages += len(batch.full)
    logger.info("import %s: %s lines, %s pages (%s new), %s bad lines",
                path, report.lines, report.pages, report.new_pages, report.bad_lines)
    return report
