"""A synthetic web served on 127.0.0.1 through a forward proxy.

A :class:`VirtualWeb` maps made-up URLs (``http://leb-help.com/renew.html``)
to :class:`Resource` answers. :class:`VirtualWebProxy` is an HTTP forward proxy
bound to loopback that answers every proxied request from that table, so a
crawler pointed at it with ``http_proxy`` sees real-looking domains while no
byte leaves the machine and no name is ever resolved.

>>> web = VirtualWeb()
>>> web.add("http://a.example.com/", Resource(body=b"<p>hi</p>"))
>>> web.resolve("GET", "http://A.example.com/").body
b'<p>hi</p>'
>>> web.resolve("GET", "http://a.example.com/nope").status
404
>>> with VirtualWebProxy(web) as proxy:
...     import urllib.request
...     opener = urllib.request.build_opener(
...         urllib.request.ProxyHandler({"http": proxy.url}))
...     opener.open("http://a.example.com/").read()
b'<p>hi</p>'
>>> web.hits["http://a.example.com/"]
2
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Resource", "VirtualWeb", "VirtualWebProxy", "html_resource", "redirect"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Resource:
    """One answer of the synthetic web.

    ``body`` is bytes, or a callable returning an iterator of byte chunks for
    streamed answers (sent without Content-Length, then the connection closes).
    ``delay`` seconds pass before the status line is sent. ``raw``, when set,
    is sent as it is instead, status line and headers included (malformed
    answers), then the connection closes.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    body: bytes | Callable[[], Iterable[bytes]] = b""
    delay: float = 0.0
    raw: Callable[[], Iterable[bytes]] | None = None


def html_resource(html: str, *, charset: str = "utf-8", declare: bool = True) -> Resource:
    """An HTML page encoded in ``charset``; ``declare=False`` omits the charset header.

    >>> html_resource("<p>中</p>", charset="gbk").body
    b'<p>\\xd6\\xd0</p>'
    """
    ctype = f"text/html; charset={charset}" if declare else "text/html"
    return Resource(headers={"Content-Type": ctype}, body=html.encode(charset))


def redirect(location: str, status: int = 301) -> Resource:
    """An HTTP redirect to ``location``."""
    return Resource(status=status, headers={"Location": location, "Content-Length": "0"})


#: A dynamic handler: (method, canonical url, hit count of that url) -> answer or None.
Handler = Callable[[str, str, int], "Resource | None"]
#: A handler that also reads the request's headers (cloaking by User-Agent or Referer).
HeaderHandler = Callable[[str, str, int, dict[str, str]], "Resource | None"]


def _key(url: str) -> str:
    """Scheme, lower-case host without default port, path and query; no fragment."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower() or "http", host, parts.path or "/", parts.query, ""))


class VirtualWeb:
    """The table of made-up URLs and the record of every request made to it.

    ``hits`` counts requests by URL; ``requests`` lists ``(method, url)`` in
    arrival order. Both are safe to read while the proxy serves.
    """

    def __init__(self) -> None:
        self._static: dict[str, Resource] = {}
        self._handlers: dict[str, Handler] = {}
        self._header_handlers: dict[str, HeaderHandler] = {}
        self._lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []
        #: ``time.monotonic()`` of each request, in the order of :attr:`requests`.
        self.times: list[float] = []

    def add(self, url: str, resource: Resource) -> None:
        """Serve ``resource`` at ``url`` (query string included, fragment ignored)."""
        self._static[_key(url)] = resource

    def add_handler(self, host: str, handler: Handler) -> None:
        """Answer every URL of ``host`` not in the static table with ``handler``;
        ``*.example.com`` answers for every subdomain of ``example.com``."""
        self._handlers[host.lower()] = handler

    def add_header_handler(self, host: str, handler: HeaderHandler) -> None:
        """Like :meth:`add_handler`, with the request's headers as a fourth argument."""
        self._header_handlers[host.lower()] = handler

    def urls(self) -> list[str]:
        """Every static URL, sorted."""
        return sorted(self._static)

    def hosts(self) -> set[str]:
        """Every host with a static URL or a handler."""
        return ({urlsplit(u).hostname or "" for u in self._static} | set(self._handlers)
                | set(self._header_handlers))

    def resolve(self, method: str, url: str, headers: dict[str, str] | None = None) -> Resource:
        """The answer to ``method url``, counted in :attr:`hits`."""
        key = _key(url)
        with self._lock:
            self.hits[key] += 1
            self.requests.append((method, key))
            self.times.append(time.monotonic())
            count = self.hits[key]
        found = self._static.get(key)
        if found is None:
            host = urlsplit(key).hostname or ""
            handler = self._handlers.get(host) or self._handlers.get("*." + host.partition(".")[2])
            if handler is not None:
                found = handler(method, key, count)
            elif host in self._header_handlers:
                found = self._header_handlers[host](method, key, count, dict(headers or {}))
        if found is None:
            return Resource(status=404, body=b"<html><body>not found</body></html>")
        return found

    def reset_counts(self) -> None:
        with self._lock:
            self.hits.clear()
            self.requests.clear()
            self.times.clear()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("proxy: " + format, *args)

    def _answer(self, with_body: bool) -> None:
        target = self.path
        if not target.startswith(("http://", "https://")):
            target = f"http://{self.headers.get('Host', 'localhost')}{target}"
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        resource = self.server.web.resolve(self.command, target, dict(self.headers))
        if resource.delay:
            time.sleep(resource.delay)
        if resource.raw is not None:
            self.close_connection = True
            try:
                for chunk in resource.raw():
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        streamed = callable(resource.body)
        self.send_response(resource.status)
        for name, value in resource.headers.items():
            self.send_header(name, value)
        if streamed:
            self.send_header("Connection", "close")
            self.close_connection = True
        elif "Content-Length" not in resource.headers:
            self.send_header("Content-Length", str(len(resource.body)))
        self.end_headers()
        if not with_body:
            return
        try:
            if streamed:
                for chunk in _chunks(resource):
                    self.wfile.write(chunk)
            else:
                self.wfile.write(resource.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802
        self._answer(True)

    def do_POST(self) -> None:  # noqa: N802
        self._answer(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def do_CONNECT(self) -> None:  # noqa: N802
        self.server.web.resolve("CONNECT", f"https://{self.path}/")
        self.send_error(501, "CONNECT is not supported by the synthetic web")


def _chunks(resource: Resource) -> Iterator[bytes]:
    body = resource.body
    assert callable(body)
    yield from body()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, web: VirtualWeb, port: int) -> None:
        self.web = web
        super().__init__(("127.0.0.1", port), _ProxyHandler)


class VirtualWebProxy:
    """Serve a :class:`VirtualWeb` as a forward proxy on ``127.0.0.1``.

    Use as a context manager, or :meth:`start` / :meth:`stop`. :attr:`url` is
    the proxy URL to give the crawler (``http://127.0.0.1:PORT``).
    """

    def __init__(self, web: VirtualWeb, port: int = 0) -> None:
        self.web = web
        self._server = _ProxyServer(web, port)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="virtual-web-proxy")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> VirtualWebProxy:
        self._thread.start()
        logger.info("synthetic web proxy on %s", self.url)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> VirtualWebProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
