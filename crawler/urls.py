"""URL normalization for the crawl frontier: one spelling per page.

>>> canonical_url("HTTP://WWW.Example.com:80/a/../b/?b=2&a=1#top")
'http://www.example.com/b/?a=1&b=2'
>>> canonical_url("http://example.com/cal?PHPSESSID=abc123&month=5&utm_source=x")
'http://example.com/cal?month=5'
>>> canonical_url("http://example.com")
'http://example.com/'
>>> is_http_url("file:///etc/passwd"), is_http_url("https://a.com/")
(False, True)
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = ["canonical_url", "is_http_url", "SESSION_PARAMS"]

#: Query parameters that never change what a page says: session ids and tracking tags.
SESSION_PARAMS = re.compile(
    r"^(phpsessid|jsessionid|sessionid|session_id|sid|aspsessionid\w*|cfid|cftoken|s"
    r"|utm_\w+|gclid|fbclid|yclid|msclkid|_ga|mc_eid|ref_src)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL: lower-case host, no default port,
    resolved dot segments, sorted query without session or tracking parameters,
    no fragment. Raises ``ValueError`` on a URL that cannot be parsed.
    """
    parts = urlsplit(url.strip())
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        parts = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0])
    if parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not SESSION_PARAMS.match(k)]
        parts = parts._replace(query=urlencode(kept))
    if ";" in parts.path:  # ;jsessionid=... path parameters
        parts = parts._replace(path=re.sub(r";(jsessionid|sid|phpsessid)=[^/;?]*", "",
                                           parts.path, flags=re.IGNORECASE))
    return canonicalize_url(urlunsplit(parts), keep_fragments=False)


def is_http_url(url: str) -> bool:
    """True only for ``http`` and ``https`` URLs with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
