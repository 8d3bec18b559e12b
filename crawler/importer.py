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

import contextlib
import gc
import logging
import math
import multiprocessing
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, compress, islice, repeat
from pathlib import Path
from queue import Empty
from typing import Annotated, get_args

import msgspec
import numpy as np
import orjson

from crawler.labels import canonical_artifacts, canonical_labels
from crawler.records import ARTIFACT_KINDS, Artifact, ArtifactKind, ArtifactSource, PageRecord
from crawler.store import ArtifactBatch, PageStore, store_path
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


class _FastArtifact(msgspec.Struct, gc=False):
    """An artifact of a valid line, as :func:`_artifact` accepts it (decoded and checked in C)."""

    kind: ArtifactKind
    label: str  # not empty nor only white space: checked once per distinct artifact
    source: ArtifactSource = "import"
    confidence: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 1.0
    hidden: bool = False


class _FastLine(msgspec.Struct, gc=False):
    """An artifact-only line; anything else (html, title, text) or anything wrong is
    left to :func:`parse_line`, which says what."""

    url: str
    artifacts: list[msgspec.Raw]  # each distinct one decoded once per batch, as _FastArtifact
    fetched_at: str = ""
    html: None = None
    title: Annotated[str, msgspec.Meta(max_length=0)] = ""
    text: Annotated[str, msgspec.Meta(max_length=0)] = ""


_decode_fast_lines = msgspec.json.Decoder(_FastLine).decode_lines
_decode_fast_artifacts = msgspec.json.Decoder(list[_FastArtifact]).decode
#: An artifact not yet in a batch's index (rows there are ``row`` or ``~row``, never this).
_NEW = np.iinfo(np.int32).min


class _FastBatch:
    """Adds artifact-only lines to an :class:`ArtifactBatch` a chunk at a time: one C call
    decodes and checks the chunk, each distinct artifact is made canonical once per batch,
    and the pairs are mapped with C-level lookups, never a Python step per pair."""

    def __init__(self, batch: ArtifactBatch) -> None:
        self.batch = batch
        #: artifact as given (its JSON text) -> its row in the batch, or ``~row`` if its
        #: provenance is not the plain one (source "import", confidence 1, not hidden)
        self._index: dict[bytes, int] = {}
        #: the artifacts of ``~row`` above: their provenance (source, confidence, hidden)
        self._provenance: dict[bytes, tuple[str, float, bool]] = {}

    def add_lines(self, raws: list[bytes]) -> bool:
        """Add the lines, all or none; False (nothing added) if any of them is not a valid
        artifact-only line with a canonical URL, or is blank."""
        try:
            lines = _decode_fast_lines(b"".join(raws))
        except msgspec.MsgspecError:
            return False
        if len(lines) != len(raws):  # a blank line, or two objects on one line
            return False
        urls = [line.url for line in lines]
        if not all(map(_CANONICAL.match, urls)):
            return False
        given = [line.artifacts for line in lines]
        flat = list(map(bytes, chain.from_iterable(given)))
        index, batch = self._index, self.batch
        rows = np.fromiter(map(index.get, flat, repeat(_NEW)), dtype=np.int32, count=len(flat))
        unseen = np.flatnonzero(rows == _NEW).tolist()
        if unseen:
            new = list(dict.fromkeys(map(flat.__getitem__, unseen)))
            try:
                arts = _decode_fast_artifacts(b"[" + b",".join(new) + b"]")
            except msgspec.MsgspecError:
                return False
            labels = [a.label for a in arts]
            if not all(labels) or any(map(str.isspace, labels)):
                return False
            kinds = [a.kind for a in arts]
            found = batch.artifact_rows(list(zip(kinds, canonical_labels(kinds, labels))))
            index.update(zip(new, found))
            for raw, a, row in zip(new, arts, found):
                if a.source != "import" or a.confidence != 1.0 or a.hidden:
                    index[raw] = ~row
                    self._provenance[raw] = (a.source, a.confidence, a.hidden)
            rows[unseen] = list(map(index.__getitem__, map(flat.__getitem__, unseen)))
        first = batch.add_pages(urls, [line.fetched_at for line in lines])
        pages = np.repeat(np.arange(first, first + len(lines), dtype=np.int32),
                          np.fromiter(map(len, given), dtype=np.int64, count=len(given)))
        special = rows < 0
        if special.any():
            provenance = map(self._provenance.__getitem__, compress(flat, special.tolist()))
            for page, row, (source, confidence, hidden) in zip(
                    pages[special].tolist(), (~rows[special]).tolist(), provenance):
                batch.special.append((page, row, source, confidence, hidden))
            rows, pages = rows[~special], pages[~special]
        batch.add_pairs(pages, rows)
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
    #: lines read into this batch (blank ones too)
    lines: int = 0


def _add_line(batch: _Batch, raw: bytes, lineno: int) -> None:
    """Parse one line that is not a plain artifact-only line into ``batch`` (or its bad lines)."""
    try:
        page = parse_line(raw, lineno)
        if page is None:
            return
        if page.html is None and not page.title and not page.text:
            batch.fast.add_page(page.url, page.fetched_at, page.artifacts)
        else:
            batch.full.append(_record(page))
    except Exception as exc:  # extraction failing on one page skips that line
        err = exc if isinstance(exc, BadLine) else BadLine(lineno, f"extraction failed: {exc!r:.200}")
        batch.bad_count += 1
        if len(batch.bad) < MAX_REPORTED:
            batch.bad.append(err)


#: Lines decoded and added in one step by :meth:`_FastBatch.add_lines`.
CHUNK_LINES = 512
#: Lines of the first batch (at most): the store's writer waits for it.
FIRST_BATCH_LINES = 10_000


def _add_chunk(batch: _Batch, fast: _FastBatch, raws: list[bytes], lineno: int) -> None:
    """Add lines ``lineno + 1 ...``: all at once, or else halves, down to the single lines
    that are not plain artifact-only ones (each bad line costs a few halvings, not the chunk)."""
    if fast.add_lines(raws):
        return
    if len(raws) == 1:
        _add_line(batch, raws[0], lineno + 1)
        return
    half = len(raws) // 2
    _add_chunk(batch, fast, raws[:half], lineno)
    _add_chunk(batch, fast, raws[half:], lineno + half)


def _parse_batches(path: str | Path, batch_size: int) -> Iterator[_Batch]:
    """Batches of ``batch_size`` lines; the first is smaller, so that writing starts sooner."""
    batch = _Batch()
    fast = _FastBatch(batch.fast)
    size = min(batch_size, FIRST_BATCH_LINES)
    with Path(path).open("rb") as fh:
        while raws := list(islice(fh, min(CHUNK_LINES, size - batch.lines))):
            _add_chunk(batch, fast, raws, batch.last_line)
            batch.last_line += len(raws)
            batch.lines += len(raws)
            if batch.lines >= size:
                gc.collect(1)  # the collector is paused (_no_cycle_collection): free this batch's cycles
                yield batch
                batch = _Batch(last_line=batch.last_line)
                fast = _FastBatch(batch.fast)
                size = batch_size
    yield batch


def _parse_worker(path: str, batch_size: int, queue) -> None:
    """Child process: parse the file and hand batches over (None at the end)."""
    gc.disable()  # as in _no_cycle_collection
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


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: an import makes millions of strings and
    tuples, none in a reference cycle, and the collector spent a fifth of the parse time
    scanning them (``bench/bench_analysis.py`` import step). Memory is still freed by
    reference counting, and :func:`_parse_batches` collects each batch's young objects
    (extraction of ``html`` lines may leave cycles)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    with opened as store, _no_cycle_collection():
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
