"""The URLs a page references, made absolute: the common cases without ``urljoin``.

>>> absolute_url("http://a.example/x/y.html", "../z.png#f"), url_origin("https://a.example:8443/x")
('http://a.example/z.png', 'https://a.example:8443')
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

__all__ = ["absolute_url", "url_origin", "plain_url", "is_image_url"]

_NOT_IMAGE_EXT = (".woff", ".woff2", ".ttf", ".otf", ".eot", ".css", ".js")
_SCHEME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def absolute_url(base: str, ref: str) -> str | None:
    """Resolve ``ref`` against ``base`` and drop the fragment; ``None`` if empty.

    >>> absolute_url("http://a.example/x/y.html", "../z.png#f")
    'http://a.example/z.png'
    >>> absolute_url("http://a.example/", "mailto:Ab@c.example")
    'mailto:Ab@c.example'
    >>> absolute_url("https://a.example/x", "//cdn.example/i.png")
    'https://cdn.example/i.png'
    >>> absolute_url("http://a.example/", "#top") is None
    True
    """
    ref = ref.strip()
    if not ref or ref[0] == "#":
        return None
    if "\n" in ref or "\t" in ref or "\r" in ref:
        ref = ref.replace("\n", "").replace("\t", "").replace("\r", "")
    if ref.startswith(("http://", "https://")):
        pass
    elif ref[0] == "/" and ref[1:2] != "/" and "/." not in ref and "\\" not in ref:
        origin = url_origin(base)
        ref = origin + ref if origin else _join(base, ref)
    elif ref[0] == "/" or "./" in ref or _SCHEME_RE.match(ref) is None:
        ref = _join(base, ref)
    if ref is None:
        return None
    hash_at = ref.find("#")
    if hash_at >= 0:
        ref = ref[:hash_at]
    return ref or None


@lru_cache(maxsize=1024)
def url_origin(base: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, or ``""``.

    >>> url_origin("https://a.example:8443/x/y?z"), url_origin("mailto:x@y.example")
    ('https://a.example:8443', '')
    """
    if base.startswith(("http://", "https://")):
        parts = base.split("/", 3)
        if parts[2] and "\\" not in parts[2]:
            return f"{parts[0]}//{parts[2]}"
    return ""


def _join(base: str, ref: str) -> str | None:
    try:
        return urljoin(base, ref)
    except ValueError:
        return None


def plain_url(raw: str, origin: str) -> str | None:
    """``raw`` as an absolute URL in the common cases, which need no ``urljoin``:
    an absolute http(s) URL, or ``/path`` or ``//host/path`` on an http(s)
    page (``origin``); else ``None``.

    >>> plain_url("/a/b.png", "http://x.example"), plain_url("../b.png", "http://x.example")
    ('http://x.example/a/b.png', None)
    >>> plain_url("//cdn.example/b.png", "https://x.example")
    'https://cdn.example/b.png'
    """
    if "#" in raw or " " in raw or not raw.isprintable():
        return None
    first = raw[:1]
    if first == "/":
        if not origin or "/." in raw or "\\" in raw:
            return None
        if raw[1:2] != "/":
            return origin + raw
        # //host/path: the page's scheme (a host as urljoin takes it: not IPv6, not empty, ASCII)
        if raw[2:3].isalnum() and raw.isascii() and "[" not in raw and "]" not in raw:
            return origin[: origin.index(":") + 1] + raw
    elif first == "h" and raw.startswith(("http://", "https://")):
        return raw
    return None


def is_image_url(url: str) -> bool:
    if not url.startswith(("http://", "https://")):
        return False
    path = url.split("?", 1)[0].lower()
    return not path.endswith(_NOT_IMAGE_EXT)
