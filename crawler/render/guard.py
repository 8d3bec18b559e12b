"""Which requests a rendered page may make: Cobweb's safety checks for the browser.

Pure functions over URLs; :mod:`crawler.render.browser` calls them from its
request interception for every request a page makes (documents, frames,
scripts, images, XHR/fetch, WebSockets, every redirect hop).

>>> browser_verdict("http://shop.example/a.png")
>>> browser_verdict("http://169.254.169.254/latest/meta-data/")
('forbidden_address', '169.254.169.254: link-local')
>>> browser_verdict("http://127.0.0.1:8899/")
('forbidden_address', '127.0.0.1: loopback')
>>> browser_verdict("file:///etc/passwd")
('forbidden_scheme', 'scheme file')
>>> browser_verdict("ws://127.0.0.1:9/socket")
('forbidden_address', '127.0.0.1: loopback')
>>> browser_verdict("wss://chat.example/socket")
('forbidden_scheme', 'scheme wss (WebSockets are not proxied)')
>>> browser_verdict("data:image/png;base64,AAAA"), browser_verdict("blob:http://a.example/1")
(None, None)
>>> browser_verdict("http://10.0.0.5/", allow_private=True)
>>> browser_verdict("http://0x7f.1/")
('forbidden_address', '0x7f.1: loopback')
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.addresses import host_category
from crawler.records import DropReason

__all__ = ["browser_verdict", "LOCAL_SCHEMES", "Verdict"]

#: Schemes the browser serves itself, without any network request.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

#: ``(reason, detail)`` of a refusal, or None when the request may go.
Verdict = tuple[DropReason, str] | None

_INVALID = ("invalid IP address", "empty host")


def browser_verdict(url: str, *, allow_private: bool = False) -> Verdict:
    """Refuse ``url`` (reason code and detail) or allow it (None)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        return "bad_url", str(exc)
    scheme = parts.scheme.lower()
    if scheme in LOCAL_SCHEMES:
        return None
    if scheme not in ("http", "https", "ws", "wss"):
        return "forbidden_scheme", f"scheme {scheme or '(none)'}"
    category = host_category(host)
    if category in _INVALID:
        return "bad_url", f"{category}: {host!r}"
    if category is not None and not allow_private:
        return "forbidden_address", f"{host}: {category}"
    if scheme in ("ws", "wss"):
        return "forbidden_scheme", f"scheme {scheme} (WebSockets are not proxied)"
    return None
