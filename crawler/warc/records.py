"""WARC records of one HTTP exchange, built with warcio from the bytes as received.

Pure functions: the HTTP head of a response or request as bytes, the SHA-256
digests, and the warcio records (``request``, ``response``, ``revisit``,
``warcinfo``). What is kept of the exchange is said in ``docs/evidence.md``.

>>> head = response_head("HTTP/1.1", 200, [(b"Content-Type", [b"text/html"])])
>>> head
b'HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n'
>>> digest_label(sha256_hex(b"abc"))[:20]
'sha256:ba7816bf8f01c'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from io import BytesIO

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

__all__ = [
    "RawHttpHead",
    "response_head",
    "request_head",
    "sha256_hex",
    "digest_label",
    "digest_hex",
    "RecordMaker",
    "WARC_VERSION",
    "TRUNCATED_HEADER",
]

WARC_VERSION = "1.1"
TRUNCATED_HEADER = "WARC-Truncated"
#: The body is stored de-chunked (Twisted removes the chunk framing), so the
#: ``Transfer-Encoding`` header is kept under this name: a reader must not
#: de-chunk the stored body again.
DECHUNKED_NAME = b"X-Cobweb-Orig-Transfer-Encoding"

HeaderItems = Iterable[tuple[bytes, Iterable[bytes]]]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def response_head(protocol: str, status: int, headers: HeaderItems) -> bytes:
    """The HTTP head of a response: status line, header lines, blank line.

    Values are kept byte for byte; a ``Transfer-Encoding`` header is renamed
    (the body is stored de-chunked). The reason phrase is the standard one
    (Scrapy does not keep the server's).

    >>> response_head("HTTP/1.1", 302, [(b"Location", [b"/b"]), (b"Transfer-Encoding", [b"chunked"])])
    b'HTTP/1.1 302 Found\\r\\nLocation: /b\\r\\nX-Cobweb-Orig-Transfer-Encoding: chunked\\r\\n\\r\\n'
    """
    lines = [f"{protocol or 'HTTP/1.1'} {status} {_reason(status)}".rstrip().encode("latin-1")]
    for name, values in headers:
        if name.lower() == b"transfer-encoding":
            name = DECHUNKED_NAME
        lines.extend(name + b": " + value for value in values)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def request_head(method: str, target: str, host: str, headers: HeaderItems) -> bytes:
    """The HTTP head of a request: request line, ``Host``, the other headers.

    >>> request_head("GET", "/a?b=1", "a.example", [(b"Accept", [b"*/*"])])
    b'GET /a?b=1 HTTP/1.1\\r\\nHost: a.example\\r\\nAccept: */*\\r\\n\\r\\n'
    """
    lines = [f"{method} {target} HTTP/1.1".encode("latin-1"), b"Host: " + host.encode("idna")]
    for name, values in headers:
        if name.lower() != b"host":
            lines.extend(name + b": " + value for value in values)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_label(hex_digest: str) -> str:
    """A digest as WARC headers write it: ``sha256:<hex>``."""
    return "sha256:" + hex_digest


def digest_hex(label: str) -> str | None:
    """The hex SHA-256 of a ``WARC-*-Digest`` value, None for another algorithm.

    >>> digest_hex("sha256:ABC"), digest_hex("sha1:XYZ")
    ('abc', None)
    """
    algo, _, value = (label or "").partition(":")
    return value.strip().lower() if algo.strip().lower() == "sha256" else None


class RawHttpHead(StatusAndHeaders):
    """warcio's :class:`StatusAndHeaders` that writes the head bytes as given,
    instead of re-serializing (and percent-encoding) parsed headers."""

    def __init__(self, raw: bytes) -> None:
        # the status line only: writing needs the bytes, not the parsed header lines
        first = raw.split(b"\r\n", 1)[0].decode("latin-1")
        protocol, _, statusline = first.partition(" ")
        super().__init__(statusline, [], protocol=protocol)
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        """Keep the bytes as received."""


class RecordMaker:
    """Builds warcio records with SHA-256 block and payload digests.

    >>> maker = RecordMaker()
    >>> rec = maker.response("http://a.example/", response_head("HTTP/1.1", 200, []), b"hi")
    >>> rec.rec_headers.get_header("WARC-Payload-Digest") == digest_label(sha256_hex(b"hi"))
    True
    >>> maker.serialize(rec).startswith(b"WARC/1.1\\r\\n")
    True
    """

    def __init__(self) -> None:
        self._buf = BytesIO()
        self._writer = WARCWriter(self._buf, gzip=False, warc_version=WARC_VERSION)

    def _record(self, uri: str, kind: str, head: bytes, body: bytes,
                extra: Mapping[str, str] | None = None, payload_sha256: str = "") -> ArcWarcRecord:
        block = hashlib.sha256(head)
        block.update(body)
        fields = {
            "WARC-Block-Digest": digest_label(block.hexdigest()),
            "WARC-Payload-Digest": digest_label(payload_sha256 or sha256_hex(body)),
        }
        fields.update(extra or {})
        return self._writer.create_warc_record(
            uri, kind, payload=BytesIO(body), length=len(body),
            warc_headers_dict=fields, http_headers=RawHttpHead(head))

    def response(self, uri: str, head: bytes, body: bytes,
                 extra: Mapping[str, str] | None = None, payload_sha256: str = "") -> ArcWarcRecord:
        """A ``response`` record: ``head`` and ``body`` exactly as received
        (``payload_sha256``: the body's digest when already known)."""
        return self._record(uri, "response", head, body, extra, payload_sha256)

    def request(self, uri: str, head: bytes, body: bytes,
                extra: Mapping[str, str] | None = None) -> ArcWarcRecord:
        return self._record(uri, "request", head, body, extra)

    def revisit(self, uri: str, head: bytes, payload_sha256: str, refers_to_uri: str,
                refers_to_date: str, extra: Mapping[str, str] | None = None) -> ArcWarcRecord:
        """A ``revisit`` record (identical payload digest): the head only."""
        fields = {"WARC-Block-Digest": digest_label(sha256_hex(head))}
        fields.update(extra or {})
        return self._writer.create_revisit_record(
            uri, digest_label(payload_sha256), refers_to_uri, refers_to_date,
            http_headers=RawHttpHead(head), warc_headers_dict=fields)

    def warcinfo(self, filename: str, info: Mapping[str, object]) -> ArcWarcRecord:
        return self._writer.create_warcinfo_record(filename, dict(info))

    def date(self) -> str:
        """Now, as a ``WARC-Date`` (microseconds, WARC/1.1)."""
        return self._writer.curr_warc_date()

    def serialize(self, record: ArcWarcRecord) -> bytes:
        """One record as uncompressed WARC bytes."""
        self._buf.seek(0)
        self._buf.truncate()
        self._writer.write_record(record)
        return self._buf.getvalue()
