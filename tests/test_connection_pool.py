"""A download stopped at its headers never sends its connection back to the pool.

Scrapy closes the connection of a download it stops at the headers (a page
that is not HTML, a body announced too large). When the body came in the same
read, Twisted used to finish the response and pool the closing connection: the
next request went out on it, was cut off by the close and was sent again on a
new connection, so the server saw one URL twice (the flaky duplicate fetches of
tests/test_hostile_crawl.py).
"""

from __future__ import annotations

from typing import Any

from twisted.internet.testing import StringTransport
from twisted.web._newclient import Request
from twisted.web.http_headers import Headers

from crawler.headerlimits import _BoundedProtocol

#: Headers and body in one read, as a small answer arrives over loopback.
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 5\r\n\r\n%PDF-"


class _TCPLikeTransport(StringTransport):
    """Stopping closes; resuming a closing connection does nothing (Twisted's TCP transport)."""

    def stopProducing(self) -> None:
        self.loseConnection()

    def resumeProducing(self) -> None:
        if not self.disconnecting:
            super().resumeProducing()


def _exchange(stop_at_headers: bool) -> tuple[list[Any], _TCPLikeTransport]:
    """One request on a keep-alive connection; which connections went back to the pool."""
    pooled: list[Any] = []
    protocol = _BoundedProtocol(pooled.append)
    transport = _TCPLikeTransport()
    protocol.makeConnection(transport)
    request = Request(b"GET", b"/download?id=1", Headers({b"host": [b"leb-guide.com"]}), None,
                      persistent=True)
    answered = protocol.request(request)

    def headers(response: Any) -> Any:
        if stop_at_headers:  # what Scrapy's handler does on StopDownload
            response._transport.stopProducing()
            response._transport.loseConnection()
        return response

    answered.addCallback(headers)
    protocol.dataReceived(ANSWER)
    return pooled, transport


def test_a_finished_answer_keeps_its_connection_alive() -> None:
    pooled, transport = _exchange(stop_at_headers=False)
    assert len(pooled) == 1
    assert not transport.disconnecting


def test_a_download_stopped_at_its_headers_is_not_pooled() -> None:
    pooled, transport = _exchange(stop_at_headers=True)
    assert pooled == []
    assert transport.disconnecting
