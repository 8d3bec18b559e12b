"""WARC capture: a downloader middleware next to the download handler.

:class:`WarcCaptureMiddleware` sits at order 950, after every built-in
downloader middleware, so it sees each request as it goes to the download
handler (every header added) and each response as the handler returns it:
before :class:`~crawler.middlewares.limits.BoundedHttpCompressionMiddleware`
(590) decodes the body and before the redirect middlewares follow it. It
writes a ``response`` record (or a ``revisit`` when the payload was seen
before in the run) and the ``request`` record of every exchange, robots.txt,
redirects and errors included, to ``RUN_DIR/warc/`` (:class:`~crawler.warc.writer.WarcFiles`).

Downloads cut short are archived too, with ``WARC-Truncated``: a body over
``DOWNLOAD_MAXSIZE`` is stopped here (``length``; its first bytes are kept
and the drop is recorded as ``too_large``), a download stopped at its headers
by another component (a ``Content-Type`` that is no page) gets
``unspecified``.

The record of each response is in ``request.meta["cobweb_warc"]`` (file,
offset, SHA-256 of the body as received), which the spider copies into the
page record. Off with ``COBWEB_WARC_ENABLED = False`` (``cobweb crawl --no-warc``).
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares.rejection import reject
from crawler.warc.records import TRUNCATED_HEADER, request_head, response_head, sha256_hex
from crawler.warc.writer import WarcFiles, warc_dir

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

__all__ = ["WarcCaptureMiddleware", "WARC_META", "warcinfo_fields"]

logger = logging.getLogger(__name__)

#: ``request.meta`` key: ``{"file", "offset", "sha256"}`` of the response record.
WARC_META = "cobweb_warc"
_CUT_META = "cobweb_warc_cut"
_BYTES_META = "cobweb_warc_bytes"
#: Payload digests remembered for revisit records, at most (about 200 bytes each).
_DIGESTS_MAX = 200_000


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


def warcinfo_fields(settings: Any, params: dict[str, Any] | None = None) -> dict[str, str]:
    """The ``warcinfo`` fields of a crawl: software, format, parameters, robots policy, operator."""
    import json

    fields = {
        "software": f"Cobweb/{_version('cobweb')} (warcio/{_version('warcio')}, Scrapy/{_version('scrapy')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "http-header-user-agent": settings.get("USER_AGENT", ""),
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "operator": settings.get("COBWEB_OPERATOR", ""),
    }
    if params:
        fields["crawl-parameters"] = json.dumps(params, ensure_ascii=False, sort_keys=True)
    # one line each: a value cannot add fields to the record
    return {k: " ".join(str(v).split()) for k, v in fields.items()}


#: Request headers never archived: the proxy's credentials are the operator's secret.
_SECRET_HEADERS = frozenset({b"proxy-authorization"})


def _header_items(headers: Headers) -> list[tuple[bytes, list[bytes]]]:
    return [(bytes(name), list(values)) for name, values in headers.items()
            if bytes(name).lower() not in _SECRET_HEADERS]


class WarcCaptureMiddleware:
    """Downloader middleware writing every exchange to the run's WARC files.

    Parameters
    ----------
    crawler : Crawler
    max_size : int
        Rotate WARC files at this size (``COBWEB_WARC_MAX_SIZE``).
    max_body : int
        Stop and archive as truncated a body over this size (``DOWNLOAD_MAXSIZE``; 0: no cap).
    revisits : bool
        Write ``revisit`` records for payloads already archived in this run.
    """

    def __init__(self, crawler: Crawler, *, max_size: int = 256 * 1024 * 1024, max_body: int = 0,
                 revisits: bool = True) -> None:
        self.crawler = crawler
        self.max_size = max_size
        self.max_body = max_body
        self.revisits = revisits
        self.files: WarcFiles | None = None
        self._seen: dict[str, tuple[str, str]] = {}  # payload sha256 -> (uri, WARC-Date)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("COBWEB_WARC_ENABLED", True):
            raise NotConfigured("COBWEB_WARC_ENABLED is off")
        mw = cls(crawler, max_size=settings.getint("COBWEB_WARC_MAX_SIZE", 256 * 1024 * 1024),
                 max_body=settings.getint("DOWNLOAD_MAXSIZE", 0),
                 revisits=settings.getbool("COBWEB_WARC_REVISITS", True))
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        if mw.max_body:
            crawler.signals.connect(mw.headers_received, signal=signals.headers_received)
            crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    # -- files ---------------------------------------------------------------

    def _files(self) -> WarcFiles:
        if self.files is None:
            spider = self.crawler.spider
            params = spider.run_params() if hasattr(spider, "run_params") else None
            worker = self.crawler.settings.get("COBWEB_WORKER_ID") or ""  # one file set per worker
            self.files = WarcFiles(warc_dir(spider.run_dir), max_size=self.max_size,
                                   info=warcinfo_fields(self.crawler.settings, params),
                                   prefix=f"cobweb-{worker}" if worker else "cobweb")
        return self.files

    def close(self, **kwargs: Any) -> None:
        if self.files is not None:
            self.files.close()
            self.files = None

    # -- the size cap --------------------------------------------------------

    def _limit(self, request: Request) -> int:
        return int(request.meta.get("download_maxsize", self.max_body) or 0)

    def headers_received(self, headers: Headers, body_length: int, request: Request, **kw: Any) -> None:
        limit = self._limit(request)
        if limit and isinstance(body_length, int) and body_length > limit:  # (not UNKNOWN_LENGTH)
            request.meta[_CUT_META] = f"announced {body_length} bytes, over {limit}"
            raise StopDownload(fail=True)

    def bytes_received(self, data: bytes, request: Request, **kw: Any) -> None:
        limit = self._limit(request)
        if not limit:
            return
        got = request.meta.get(_BYTES_META, 0) + len(data)
        request.meta[_BYTES_META] = got
        if got > limit:
            request.meta[_CUT_META] = f"body over {limit} bytes, cut off"
            raise StopDownload(fail=True)

    # -- capture -------------------------------------------------------------

    def process_request(self, request: Request) -> None:
        request.meta.pop(_BYTES_META, None)  # a retry counts its own bytes
        request.meta.pop(_CUT_META, None)

    def process_response(self, request: Request, response: Response) -> Response:
        self._capture(request, response, truncated=None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        response = getattr(exception, "response", None)
        if not isinstance(exception, StopDownload) or response is None:
            return
        cut = request.meta.pop(_CUT_META, None)
        self._capture(request, response, truncated="length" if cut else "unspecified")
        if cut:
            raise reject(self.crawler, request, "too_large", cut) from exception

    def _capture(self, request: Request, response: Response, truncated: str | None) -> None:
        files = self._files()
        maker = files.maker
        uri = response.url
        body = response.body
        digest = sha256_hex(body)
        date = maker.date()
        extra = {"WARC-Date": date}
        proxied = bool(request.meta.get("proxy"))
        if response.ip_address is not None and not proxied:
            extra["WARC-IP-Address"] = str(response.ip_address)
        if truncated:
            extra[TRUNCATED_HEADER] = truncated
        head = response_head(response.protocol or "HTTP/1.1", response.status,
                             _header_items(response.headers))
        seen = self._seen.get(digest) if self.revisits and body and not truncated else None
        if seen is not None:
            record = maker.revisit(uri, head, digest, seen[0], seen[1], extra)
        else:
            record = maker.response(uri, head, body, extra, payload_sha256=digest)
            if self.revisits and body and not truncated and len(self._seen) < _DIGESTS_MAX:
                self._seen[digest] = (uri, date)
        response_id = record.rec_headers.get_header("WARC-Record-ID")
        parts = urlparse_cached(request)
        target = request.url if proxied and parts.scheme == "http" else (
            (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        req_head = request_head(request.method, target, parts.netloc, _header_items(request.headers))
        req_record = maker.request(uri, req_head, request.body or b"",
                                   {"WARC-Date": date, "WARC-Concurrent-To": response_id})
        name, offset = files.write([record, req_record])
        request.meta[WARC_META] = {"file": name, "offset": offset, "sha256": digest}
        self.crawler.stats.inc_value("cobweb/warc/records", 2)
