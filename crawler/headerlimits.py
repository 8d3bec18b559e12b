"""Response headers with a bound: total bytes and line count per response.

``DOWNLOAD_MAXSIZE`` bounds bodies only: a server that sends a status line and
then header lines forever grows the crawler's memory until the download
timeout (827 MB for one response, issue 17). :class:`BoundedHTTP11DownloadHandler`
is Scrapy's HTTP/1.1 handler whose response parser counts the header block
and gives up past ``COBWEB_MAX_HEADER_BYTES`` bytes or ``COBWEB_MAX_HEADERS``
lines, failing the download with :class:`HeadersTooLarge` (not retried;
:class:`~crawler.middlewares.limits.LimitsMiddleware` records it as
``headers_too_large``).

Scrapy's handler already swaps the class of Twisted's response parser for its
lenient one (``HTTP11ClientProtocol.request`` hard-codes the parser); this one
swaps in a subclass of that.

The protocol also keeps a stopped download's connection out of the pool.
Scrapy stops a download at its headers (``StopDownload``: a page that is not
HTML, a body announced too large) by closing the connection; when the whole
body came in the same read as the headers, Twisted still finished the response
and put the closing connection back in its keep-alive pool. The next request
went out on it, the server answered, the close cut the answer off, and Twisted
silently sent the request again on a new connection: the server saw the URL
twice, the crawl once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import DownloadFailedError
from twisted.web._newclient import BODY

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["BoundedHTTP11DownloadHandler", "HeadersTooLarge"]


class HeadersTooLarge(Exception):
    """A response whose header block is over the bounds."""


class _BoundedParser(_LenientHTTPClientParser):
    """Scrapy's lenient parser, counting the header block's bytes and lines."""

    max_bytes = 64 * 1024
    max_lines = 200

    def lineReceived(self, line: bytes) -> None:
        if self.state != BODY:
            seen = self.__dict__.get("_cobweb_seen", (0, 0))
            size, lines = seen[0] + len(line) + 2, seen[1] + 1
            self.__dict__["_cobweb_seen"] = (size, lines)
            if size > self.max_bytes or lines > self.max_lines:
                raise HeadersTooLarge(f"response headers over {min(size, self.max_bytes + 1)} bytes"
                                      f" or {lines} lines (at most {self.max_bytes} bytes,"
                                      f" {self.max_lines} lines)")
        super().lineReceived(line)


class _BoundedProtocol(_LenientHTTP11ClientProtocol):
    parser_class: type[_BoundedParser] = _BoundedParser

    def request(self, request: Any) -> Any:
        d = super().request(request)
        self._parser.__class__ = self.parser_class  # (no state of its own but a counter)
        return d

    def _finishResponse_WAITING(self, rest: bytes) -> None:  # noqa: N802 -- Twisted's name
        if self._parser is not None and self.transport.disconnecting:
            self._currentRequest.persistent = False  # closing: finish it, never pool it
        super()._finishResponse_WAITING(rest)


def _has_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The ``kind`` exception among the reasons of a Twisted ``ResponseFailed`` cause."""
    cause = exc.__cause__
    for reason in getattr(cause, "reasons", ()) or ():
        if reason.check(kind):
            return reason.value
    return None


class BoundedHTTP11DownloadHandler(HTTP11DownloadHandler):
    """HTTP11DownloadHandler with bounded response headers (see the module)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        parser = type("_Parser", (_BoundedParser,), {
            "max_bytes": settings.getint("COBWEB_MAX_HEADER_BYTES", _BoundedParser.max_bytes),
            "max_lines": settings.getint("COBWEB_MAX_HEADERS", _BoundedParser.max_lines),
        })
        protocol = type("_Protocol", (_BoundedProtocol,), {"parser_class": parser})

        class _Factory(_LenientHTTP11ClientFactory):
            def buildProtocol(self, addr: Any) -> Any:  # noqa: N802 -- Twisted's name
                return protocol(self._quiescentCallback)

        self._pool._factory = _Factory

    async def download_request(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except DownloadFailedError as exc:
            found = _has_cause(exc, HeadersTooLarge)
            if found is not None:
                raise HeadersTooLarge(str(found)) from exc
            raise
