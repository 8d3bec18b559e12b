"""URL normalization for the crawl frontier: one spelling per page.

>>> canonical_url("HTTP://WWW.Example.com:80/a/../b/?b=2&a=1#top")
'http://www.example.com/b/?a=1&b=2'
>>> canonical_url("http://example.com/cal?PHPSESSID=abc123&month=5&utm_source=x")
'http://example.com/cal?month=5'
>>> canonical_url("http://example.com")
'http://example.com/'
>>> is_http_url("file:///etc/passwd"), is_http_url("https://a.com/")
(False, True)

Session identifiers are removed wherever servers put them, so a calendar that
hands every visitor a fresh session costs one request per page, not one per
page and session:

>>> canonical_url("http://shop.example/;jsessionid=0AB12?p=1")
'http://shop.example/?p=1'
>>> canonical_url("http://shop.example/(S(lit3py55t21z5v55vlm25s55))/cart.aspx")
'http://shop.example/cart.aspx'
>>> canonical_url("http://forum.example/t?s=9f86d081884c7d659a2feaa0c55ad015&id=4")
'http://forum.example/t?id=4'
>>> canonical_url("http://blog.example/?s=esim")   # a WordPress search stays
'http://blog.example/?s=esim'

Vendors' link tags go too (``crawler/extraction/data/url_tracking_params.txt``):

>>> canonical_url("https://news.example/a?xtor=RSS-1&mtm_campaign=x&fb_action_ids=2&mkt_tok=t&id=7")
'https://news.example/a?id=7'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

from crawler.extraction.datafile import data_lines

__all__ = ["canonical_url", "fetch_url", "is_http_url", "same_page", "redirects_back", "SESSION_PARAMS",
           "AMBIGUOUS_SESSION_PARAMS"]


def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for parameter names; a trailing ``*`` matches any ending."""
    alts = sorted(re.escape(n[:-1]) + r"\w*" if n.endswith("*") else re.escape(n) for n in names)
    return re.compile(rf"^(?:{'|'.join(alts)})$", re.IGNORECASE)


#: Query parameters that never change what a page says: session ids and tracking tags
#: (``crawler/extraction/data/url_tracking_params.txt``).
SESSION_PARAMS = _names_pattern(data_lines("url_tracking_params.txt"))
#: Short parameter names that are session ids only when their value looks like one:
#: ``sid``/``session`` with a long token, ``s`` with a long hex hash (vBulletin; a
#: WordPress ``?s=`` search stays).
AMBIGUOUS_SESSION_PARAMS = re.compile(r"^(s|sid|session)$", re.IGNORECASE)
_TOKEN_VALUE = re.compile(r"^(?=.*\d)[A-Za-z0-9_-]{16,}$")
_HEX_TOKEN_VALUE = re.compile(r"^[0-9a-fA-F]{16,}$")
_PATH_SESSION = re.compile(r";(jsessionid|sid|phpsessid|sessionid)=[^/;?]*", re.IGNORECASE)
_ASPNET_COOKIELESS = re.compile(r"/\((?:[A-Z]\([^()/]*\))+\)(?=/)")


def _is_session_param(key: str, value: str) -> bool:
    if SESSION_PARAMS.match(key):
        return True
    if not AMBIGUOUS_SESSION_PARAMS.match(key):
        return False
    token = _HEX_TOKEN_VALUE if key.lower() == "s" else _TOKEN_VALUE
    return bool(token.match(value))


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL: lower-case host without trailing
    dot, credentials or default port, resolved dot segments, sorted query
    without session or tracking parameters, no session ids in the path, no
    fragment. Raises ``ValueError`` on a URL that cannot be parsed.

    >>> canonical_url("https://user:pw@Example.COM.:443/x?utm_medium=a")
    'https://example.com/x'
    >>> canonical_url("http://[::1]:80/")
    'http://[::1]/'
    >>> canonical_url("http://a\\x00b.example/")
    Traceback (most recent call last):
    ValueError: a control character or space in the host of 'http://a\\x00b.example/'
    """
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if any(c <= " " or c == "\x7f" for c in host):
        raise ValueError(f"a control character or space in the host of {url!r}")
    if ":" in host:
        host = f"[{host}]"
    host = host.rstrip(".")
    port = parts.port  # raises ValueError on a bad port
    if port is not None and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    parts = parts._replace(netloc=host)
    if parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not _is_session_param(k, v)]
        parts = parts._replace(query=urlencode(kept))
    path = parts.path
    if ";" in path:
        path = _PATH_SESSION.sub("", path)
    if "(" in path:
        path = _ASPNET_COOKIELESS.sub("", path)
    parts = parts._replace(path=path)
    return canonicalize_url(urlunsplit(parts), keep_fragments=False)


def fetch_url(url: str) -> str:
    """The URL to send for a link as it was written: the fragment removed and
    unsafe characters escaped as browsers do; parameter order, session and
    tracking parameters, case and ports stay as linked.

    The frontier fetches this and keeps :func:`canonical_url` as the identity.

    >>> fetch_url("http://a.example/cal?month=5&PHPSESSID=abc&b=2&a=1#top")
    'http://a.example/cal?month=5&PHPSESSID=abc&b=2&a=1'
    >>> fetch_url("http://a.example/a b/ü?q=x y")
    'http://a.example/a%20b/%C3%BC?q=x%20y'
    """
    return safe_url_string(url.strip().split("#", 1)[0])


def is_http_url(url: str) -> bool:
    """True only for ``http`` and ``https`` URLs with a host.

    >>> is_http_url("ftp://a.com/x"), is_http_url("javascript:alert(1)"), is_http_url("http:///x")
    (False, False, False)
    >>> is_http_url("HTTPS://A.com/"), is_http_url("http://a.com:99999/")
    (True, False)
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def same_page(a: str, b: str) -> bool:
    """Whether two URLs have one canonical form; never raises (unparsable URLs
    compare as written).

    >>> same_page("http://a.example/x?PHPSESSID=1", "HTTP://A.example:80/x#top")
    True
    >>> same_page("http://a.example:99999/", "http://a.example/")
    False
    """
    try:
        return canonical_url(a) == canonical_url(b)
    except ValueError:
        return a == b


def redirects_back(target: str, chain: Iterable[str]) -> bool:
    """Whether a redirect to ``target`` goes back to a page of its ``chain``
    (the URLs fetched so far): a loop.

    A redirect to the canonical spelling of a page in the chain is no loop: a
    server drops tracking parameters or orders the query that way, and the
    crawl fetches URLs as linked. Any other spelling of a page of the chain
    is (a fresh session id per hop is a trap).

    >>> redirects_back("http://a.example/x", ["http://a.example/x?utm_source=t"])
    False
    >>> redirects_back("http://a.example/x?PHPSESSID=2", ["http://a.example/x?PHPSESSID=1"])
    True
    >>> redirects_back("http://a.example/x#top", ["http://a.example/x"])
    True
    """
    target = target.split("#", 1)[0]
    chain = [u.split("#", 1)[0] for u in chain]
    if target in chain:
        return True
    if not any(same_page(target, u) for u in chain):
        return False
    try:
        return canonical_url(target) != target
    except ValueError:
        return True
