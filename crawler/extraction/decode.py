"""Decode an HTTP body to text, whatever the page's encoding.

Order of evidence: the ``charset`` of the Content-Type header, a byte-order
mark, a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` in the
first 4 KB, then strict UTF-8, then statistical detection
(charset-normalizer), which tells GBK, Big5 and Shift_JIS apart. Declared
legacy encodings are widened to their supersets the way browsers do
(GB2312 and GBK read as GB18030, Big5 as Big5-HKSCS, Shift_JIS as CP932,
ISO-8859-1 as windows-1252). Undecodable bytes become U+FFFD: decoding never
raises.

>>> decode_html("微信".encode("gbk"), "text/html; charset=GB2312")
'微信'
>>> decode_html(b'<meta charset="big5">' + "電報".encode("big5"))[-2:]
'電報'
>>> decode_html(b"\\xef\\xbb\\xbfhello")
'hello'
>>> decode_html(b"caf\\xc3\\xa9")
'café'
>>> decode_html(b"x", "text/html; charset=no-such-codec")
'x'
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
from functools import lru_cache

from charset_normalizer import from_bytes

__all__ = [
    "decode_html", "charset_from_content_type", "charset_from_meta", "canonical_codec", "utf8_of",
]

log = logging.getLogger(__name__)

_CT_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)
_META_RE = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I | re.S
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Browsers read these labels as the wider encoding.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "latin_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "tis_620": "cp874",
}
#: Bytes inspected for a <meta> declaration and by detection.
META_WINDOW = 4096
DETECT_WINDOW = 64 * 1024


@lru_cache(maxsize=256)
def canonical_codec(label: str | bytes | None) -> str | None:
    """The Python codec for a charset label, widened to its superset; ``None`` if unknown.

    >>> canonical_codec("GB2312"), canonical_codec("x-sjis"), canonical_codec("nope")
    ('gb18030', 'cp932', None)
    >>> canonical_codec("utf8")
    'utf-8'
    """
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    if label in ("x-sjis", "sjis", "shift-jis", "ms_kanji", "windows-31j"):
        label = "shift_jis"
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    if name == "utf_8":
        return "utf-8"
    return _SUPERSETS.get(name, name)


@lru_cache(maxsize=256)  # servers repeat the same few header values
def charset_from_content_type(content_type: str | None) -> str | None:
    """The codec named by a Content-Type header value, if any.

    >>> charset_from_content_type("text/html; charset=\\"Big5\\"")
    'big5hkscs'
    >>> charset_from_content_type("text/html") is None
    True
    """
    if not content_type:
        return None
    m = _CT_CHARSET_RE.search(content_type.encode("latin-1", "ignore"))
    return canonical_codec(m.group(1)) if m else None


def charset_from_meta(body: bytes) -> str | None:
    """The codec declared by a ``<meta>`` tag in the first 4 KB, if any.

    >>> charset_from_meta(b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">')
    'cp932'
    """
    m = _META_RE.search(body, 0, META_WINDOW)
    if m is None:
        return None
    codec = canonical_codec(m.group(1))
    # A page that says UTF-16 in ASCII bytes is not UTF-16 (HTML standard).
    if codec and codec.startswith("utf_16"):
        return "utf-8"
    return codec


def _detect(body: bytes) -> str | None:
    try:
        best = from_bytes(body[:DETECT_WINDOW]).best()
    except Exception:  # detection is best effort; never let it break decoding
        log.debug("charset detection failed", exc_info=True)
        return None
    return canonical_codec(best.encoding) if best is not None else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML body to ``str``; never raises."""
    if not body:
        return ""
    if isinstance(body, str):  # tolerate callers that already decoded
        return body
    codec = charset_from_content_type(content_type)
    if codec is not None:
        return _decode(body, codec)
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _decode(body[len(bom) :], name)
    codec = charset_from_meta(body)
    if codec is not None:
        return _decode(body, codec)
    try:
        return _remember(body.decode("utf-8"), body)
    except UnicodeDecodeError:
        pass
    return _decode(body, _detect(body) or "gb18030")


def _decode(body: bytes, codec: str) -> str:
    try:
        text = body.decode(codec, "replace")
    except (LookupError, ValueError, TypeError):
        return body.decode("utf-8", "replace")
    if codec == "utf-8" and "\ufffd" not in text:
        _remember(text, body)
    return text


# The last page decoded from valid UTF-8, per thread: parsing it again needs
# its UTF-8 bytes, which are the body itself.
_last = threading.local()


def _remember(text: str, body: bytes) -> str:
    _last.pair = (text, body)
    return text


def utf8_of(text: str) -> bytes:
    """``text`` encoded as UTF-8 (lone surrogates replaced); the body it was
    decoded from, without encoding again, when it is this thread's last
    :func:`decode_html` result and that body was valid UTF-8.

    >>> html = decode_html("<p>微信</p>".encode())
    >>> utf8_of(html) == html.encode(), utf8_of("\\ud800x")
    (True, b'?x')
    """
    pair = getattr(_last, "pair", None)
    if pair is not None and pair[0] is text:
        return pair[1]
    return text.encode("utf-8", "replace")
