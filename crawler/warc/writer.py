"""Crash-safe WARC files: ``RUN_DIR/warc/*.warc.gz``, one gzip member per record.

:class:`WarcFiles` writes the records of one exchange with a single
``os.write`` on a file opened for appending, so a ``kill -9`` leaves each file
ending on a whole record; should a write still be cut (disk full, a kill in
the middle of a large write), :func:`repair_tail` cuts the file back to its
last whole member when the next run opens the directory. Every process writes
to new files (named by time and a serial number), rotated at ``max_size``
bytes; each file starts with a ``warcinfo`` record.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> files = WarcFiles(d, info={"software": "test"})
>>> name, offset = files.write([files.maker.response("http://a.example/", b"HTTP/1.1 200 OK\\r\\n\\r\\n", b"x")])
>>> name.endswith(".warc.gz"), offset > 0
(True, True)
>>> files.close()
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from crawler.warc.reader import iter_members
from crawler.warc.records import RecordMaker

__all__ = ["WarcFiles", "repair_tail", "gzip_member", "warc_dir", "WARC_DIRNAME", "WARC_SUFFIX"]

logger = logging.getLogger(__name__)

WARC_DIRNAME = "warc"
WARC_SUFFIX = ".warc.gz"


def warc_dir(run_dir: str | Path) -> Path:
    """The WARC directory of a run."""
    return Path(run_dir) / WARC_DIRNAME


def gzip_member(data: bytes, level: int = 6) -> bytes:
    """``data`` as one whole gzip member.

    >>> import gzip
    >>> gzip.decompress(gzip_member(b"a") + gzip_member(b"b"))
    b'ab'
    """
    return zlib.compress(data, level, wbits=31)


def repair_tail(path: str | Path) -> int:
    """Cut ``path`` back to the end of its last whole gzip member; return the
    bytes removed (0 when the file was whole). A file without one whole member
    is removed.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.warc.gz"
    >>> whole = gzip_member(b"record one")
    >>> _ = p.write_bytes(whole + gzip_member(b"record two")[:9])
    >>> repair_tail(p), p.stat().st_size == len(whole)
    (9, True)
    >>> repair_tail(p)
    0
    """
    path = Path(path)
    size = path.stat().st_size
    good = size
    with path.open("rb") as fh:
        for member in iter_members(fh, keep_data=False):
            if member.error:
                good = member.offset
                break
    if good == size:
        return 0
    if good == 0:
        path.unlink()
        logger.warning("%s: no whole WARC record, removed", path)
        return size
    with path.open("r+b") as fh:
        fh.truncate(good)
    logger.warning("%s: cut %s bytes of an unfinished record", path, size - good)
    return size - good


class WarcFiles:
    """Append-only, rotated, crash-safe WARC files in one directory.

    Parameters
    ----------
    directory : str or Path
        Created if needed; the newest existing file is repaired (see :func:`repair_tail`).
    info : mapping
        The fields of the ``warcinfo`` record at the head of each file.
    max_size : int
        A file grows past this many bytes by one exchange at most, then the next begins.
    prefix : str
        File name prefix.
    level : int
        gzip level of each record.
    """

    def __init__(self, directory: str | Path, *, info: Mapping[str, object],
                 max_size: int = 256 * 1024 * 1024, prefix: str = "cobweb", level: int = 6) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.info = dict(info)
        self.max_size = max_size
        self.prefix = prefix
        self.level = level
        self.maker = RecordMaker()
        self._fd: int | None = None
        self._name = ""
        self._size = 0
        self.warcinfo_id = ""
        existing = sorted(p for p in self.directory.glob(f"{prefix}-*{WARC_SUFFIX}")
                          if p.name[len(prefix) + 1:][:1].isdigit())  # this writer's own files:
        self._serial = len(existing)  # other workers of the run write theirs (their own prefix)
        if existing:
            repair_tail(existing[-1])

    @property
    def current(self) -> str:
        """The file being written (its name), ``""`` before the first write."""
        return self._name

    def _open(self) -> None:
        self.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        self._serial += 1
        self._name = f"{self.prefix}-{stamp}-{self._serial:05d}{WARC_SUFFIX}"
        self._fd = os.open(self.directory / self._name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                           0o644)
        self._size = 0
        info = self.maker.warcinfo(self._name, self.info)
        self.warcinfo_id = info.rec_headers.get_header("WARC-Record-ID")
        self._append(gzip_member(self.maker.serialize(info), self.level))

    def _append(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        self._size += len(data)

    def write(self, records: Sequence[ArcWarcRecord]) -> tuple[str, int]:
        """Append ``records`` in one write; return the file name and the offset
        of the first record."""
        if self._fd is None or self._size >= self.max_size:
            self._open()
        members = []
        for rec in records:
            if self.warcinfo_id:
                rec.rec_headers.replace_header("WARC-Warcinfo-ID", self.warcinfo_id)
            members.append(gzip_member(self.maker.serialize(rec), self.level))
        offset = self._size
        self._append(b"".join(members))
        return self._name, offset

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
