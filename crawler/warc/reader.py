"""Reading ``.warc.gz`` files member by member, with the damage located.

A Cobweb WARC file is a series of gzip members, one record each.
:func:`iter_members` walks them and says where each starts, so a reader can
report a damaged member (a gzip check that fails: an edited byte) or a cut
tail by its offset instead of stopping at the first error.

>>> import io, gzip
>>> from crawler.warc.writer import gzip_member
>>> blob = gzip_member(b"one") + gzip_member(b"two")
>>> [(m.offset, m.data, m.error) for m in iter_members(io.BytesIO(blob + blob[:5]))]
[(0, b'one', ''), (23, b'two', ''), (46, None, 'truncated')]
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

__all__ = ["Member", "iter_members", "parse_record", "ParsedRecord"]

_READ = 1 << 20


@dataclass(slots=True)
class Member:
    """One gzip member: where it starts, its bytes (None when damaged) and what is wrong."""

    offset: int
    data: bytes | None
    error: str = ""  # "", "damaged: <zlib message>", "truncated"


def iter_members(fh: BinaryIO, *, keep_data: bool = True) -> Iterator[Member]:
    """The gzip members of ``fh`` in order. A damaged member ends the walk (the
    next member boundary cannot be found), as does a cut last member."""
    pos = 0  # file position of the start of ``chunk``
    start = 0
    dec = zlib.decompressobj(31)
    out: list[bytes] = []
    chunk = b""
    while True:
        if not chunk:
            chunk = fh.read(_READ)
            if not chunk:
                if pos > start or dec.unconsumed_tail or out:
                    yield Member(start, None, "truncated")
                return
        try:
            data = dec.decompress(chunk)
        except zlib.error as exc:
            yield Member(start, None, f"damaged: {exc}")
            return
        if keep_data:
            out.append(data)
        if not dec.eof:
            pos += len(chunk)
            chunk = b""
            continue
        rest = dec.unused_data
        end = pos + len(chunk) - len(rest)
        yield Member(start, b"".join(out) if keep_data else b"")
        start = pos = end
        chunk = rest
        out = []
        dec = zlib.decompressobj(31)


@dataclass(slots=True)
class ParsedRecord:
    """A record read back: its WARC headers, HTTP head and payload, and the digest check."""

    record: ArcWarcRecord
    payload: bytes
    problems: list[str]

    @property
    def type(self) -> str:
        return self.record.rec_type

    def header(self, name: str) -> str:
        return self.record.rec_headers.get_header(name) or ""


def parse_record(data: bytes) -> ParsedRecord:
    """One uncompressed WARC record, its block and payload digests checked by warcio.

    Raises ``ValueError`` when the bytes hold no WARC record.
    """
    it = ArchiveIterator(BytesIO(data), check_digests=True)
    try:
        record = next(iter(it))
    except StopIteration:
        raise ValueError("no WARC record") from None
    except Exception as exc:  # noqa: BLE001 -- warcio raises several types on bad input
        raise ValueError(f"not a WARC record: {exc}") from exc
    payload = record.raw_stream.read()
    problems = list(record.digest_checker.problems) if record.digest_checker.passed is False else []
    return ParsedRecord(record, payload, problems)
