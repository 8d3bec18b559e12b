"""Fetch what a rendered page asks for, hop by hop, outside the browser.

The browser makes no network request of its own: its request interception
hands every request to :func:`fetch`, which checks each URL with
:func:`crawler.render.guard.browser_verdict` before sending it (through the
crawl's proxy when there is one), follows redirects itself so every hop is
checked, and caps the body at ``max_bytes``. Chromium would follow a
redirect answered to it without asking the interception again, so it never
sees one.

Blocking I/O: call it in a worker thread.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from crawler.addresses import first_forbidden_address
from crawler.records import DropReason
from crawler.render.guard import Verdict, browser_verdict

__all__ = ["Fetched", "Refusal", "fetch", "MAX_HOPS"]

MAX_HOPS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Hop-by-hop and length headers the browser must not get from us.
_DROP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length",
                           "content-encoding", "proxy-connection", "set-cookie"})


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request of a rendered page that was refused."""

    url: str
    reason: DropReason
    detail: str


@dataclass(slots=True)
class Fetched:
    """The answer to give the browser (``status`` 0: none, the request fails)."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    url: str = ""
    hops: list[str] = field(default_factory=list)
    refusal: Refusal | None = None
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _resolved_refusal(url: str) -> Refusal | None:
    """Without a proxy this process resolves names: refuse names of forbidden addresses."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        return Refusal(url, "connection_error", f"{host}: {exc}")
    forbidden = first_forbidden_address([str(info[4][0]) for info in infos])
    return Refusal(url, "forbidden_address", f"{host} resolves to {forbidden}") if forbidden else None


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
          body: bytes | None = None, proxy: str = "", allow_private: bool = False,
          max_bytes: int = 8 << 20, timeout: float = 10.0, max_hops: int = MAX_HOPS,
          check: Callable[[str], Verdict] | None = None) -> Fetched:
    """Fetch ``url`` for the browser, checking every hop; never raises for network errors.

    ``check``: one more verdict on each hop after the safety checks (robots.txt
    for navigations).
    """
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {}))
    opener = urllib.request.build_opener(*handlers)
    sent = {k: v for k, v in (headers or {}).items() if not k.startswith(":")
            and k.lower() not in ("host", "accept-encoding", "connection", "cookie")}
    hops: list[str] = []
    for _ in range(max_hops + 1):
        verdict = browser_verdict(url, allow_private=allow_private)
        refusal = Refusal(url, *verdict) if verdict else None
        if refusal is None and not proxy and not allow_private:
            refusal = _resolved_refusal(url)
        if refusal is None and check is not None:
            verdict = check(url)
            refusal = Refusal(url, *verdict) if verdict else None
        if refusal is not None:
            return Fetched(url=url, hops=hops, refusal=refusal)
        hops.append(url)
        request = urllib.request.Request(url, data=body, headers=sent, method=method)
        try:
            answer = opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            answer = exc
        except (OSError, ValueError) as exc:
            return Fetched(url=url, hops=hops, error=f"{type(exc).__name__}: {exc}")
        with answer:
            status = answer.status if hasattr(answer, "status") else answer.code
            location = answer.headers.get("Location")
            if status in _REDIRECTS and location:
                url = urljoin(url, location.strip())
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, body = "GET", None
                continue
            try:
                data = answer.read(max_bytes + 1)
            except OSError as exc:
                return Fetched(url=url, hops=hops, error=f"{type(exc).__name__}: {exc}")
            if len(data) > max_bytes:
                return Fetched(url=url, hops=hops, refusal=Refusal(url, "too_large",
                                                                   f"over {max_bytes} bytes"))
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in _DROP_HEADERS}
            return Fetched(status=status, headers=kept, body=data, url=url, hops=hops)
    return Fetched(url=url, hops=hops, refusal=Refusal(url, "too_many_redirects",
                                                       f"over {max_hops} redirects"))
