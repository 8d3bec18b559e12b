"""The WARC capture's size cap at headers time: an announced length over the cap
stops the download; no announced length (chunked, or a close-delimited body)
waits for the bytes."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import StopDownload
from scrapy.http import Headers
from twisted.web.iweb import UNKNOWN_LENGTH

from crawler.warc.capture import WarcCaptureMiddleware


def _capture() -> WarcCaptureMiddleware:
    return WarcCaptureMiddleware(crawler=None, max_body=1000)  # type: ignore[arg-type]


def test_an_announced_length_over_the_cap_stops_the_download() -> None:
    with pytest.raises(StopDownload):
        _capture().headers_received(Headers(), 1001, Request("http://a.example/"))


def test_no_announced_length_waits_for_the_bytes() -> None:
    capture, request = _capture(), Request("http://a.example/")
    capture.headers_received(Headers(), UNKNOWN_LENGTH, request)  # no TypeError
    capture.bytes_received(b"x" * 1000, request)
    with pytest.raises(StopDownload):
        capture.bytes_received(b"x", request)
