"""Links as evidence: short links, referral codes, and URLs carried by a link.

A campaign sends readers to one short link or signs them up under one
referral code; such a link is as specific as a handle. :func:`link_label`
gives the artifact label (kind ``link``) of a URL that is one, else None:

- a short link: a host of ``data/shorteners.txt`` and a code in the path,
  labelled ``https://HOST/CODE`` (scheme, ``www.``, query and fragment
  dropped; the code keeps its case);
- a referral link: a code after a first path segment of
  ``data/referral_paths.txt`` (``/join/12345678``), or in a query parameter of
  ``data/referral_params.txt`` (``?ref=ab12cd``), labelled with the registered
  domain: ``https://okx.com/join/12345678``, ``https://exchange.example/?ref=ab12cd``.
  A code has 4-40 letters, digits, ``_`` or ``-`` and at least one digit, so
  ``?ref=bookmarks`` (where a click came from) is no code.

:func:`carried_urls` reads the http(s) URLs a link carries in its query
(``/go?url=…``, ``302.html?target=…``, ``google.com/url?q=…``): a local
redirector hides the real destination there, and it is a link too.

>>> link_label("https://bit.ly/33z7KkN?utm_source=x")
'https://bit.ly/33z7KkN'
>>> link_label("http://www.okx.com/join/39154880"), link_label("https://x-exchange.com/?ref=ab12cd&x=1")
('https://okx.com/join/39154880', 'https://x-exchange.com/?ref=ab12cd')
>>> link_label("https://bit.ly/"), link_label("https://x.example/?ref=bookmarks"), link_label("https://x.example/tag/news")
(None, None, None)
>>> link_label("https://www.amazon.com/dp/B0?tag=someone-20"), link_label("https://news.example/?tag=covid-19")
('https://amazon.com/?tag=someone-20', None)
>>> carried_urls("http://spam.example/302.html?target=https://t.me/SomeOne&x=1")
['https://t.me/SomeOne']
>>> carried_urls("https://www.google.com/url?q=https%3A%2F%2Fbit.ly%2Fabc&sa=D")
['https://bit.ly/abc']
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from ..domains import registered_domain
from .datafile import data_lines, data_words

__all__ = ["link_label", "short_link_label", "carried_urls", "is_code", "SHORTENERS"]

#: Hosts of URL shorteners.
SHORTENERS: frozenset[str] = data_words("shorteners.txt")
_REFERRAL_PATHS: frozenset[str] = data_words("referral_paths.txt")


def _referral_params() -> dict[str, tuple[str, ...]]:
    params: dict[str, list[str]] = {}
    for line in data_lines("referral_params.txt"):
        name, *hosts = line.lower().split()
        params.setdefault(name, []).extend(hosts)
    return {k: tuple(v) for k, v in params.items()}


_PARAMS = _referral_params()
_CODE_RE = re.compile(r"(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{4,40}\Z")
_SHORT_CODE_RE = re.compile(r"[A-Za-z0-9_-]{3,64}(?:/[A-Za-z0-9_-]{1,64})?\Z")


def is_code(value: str) -> bool:
    """Whether ``value`` looks like a referral code.

    >>> is_code("39154880"), is_code("ab12"), is_code("admin"), is_code("a1")
    (True, True, False, False)
    """
    return bool(_CODE_RE.match(value))


def _on_host(host: str, suffixes: tuple[str, ...]) -> bool:
    return not suffixes or any(host == s or host.endswith("." + s) for s in suffixes)


@lru_cache(maxsize=1 << 14)
def link_label(url: str) -> str | None:
    """The ``link`` artifact label of ``url``, or None (see the module docstring)."""
    if not url.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    bare = host.removeprefix("www.")
    path = parts.path.strip("/")
    if bare in SHORTENERS:
        return f"https://{bare}/{path}" if _SHORT_CODE_RE.match(path) else None
    segments = path.split("/")
    site = ""
    if len(segments) >= 2 and segments[-2].lower() in _REFERRAL_PATHS and is_code(segments[-1]):
        site = registered_domain(host)
        return f"https://{site}/{segments[-2].lower()}/{segments[-1]}" if site else None
    if parts.query:
        for name, value in parse_qsl(parts.query, keep_blank_values=False):
            hosts = _PARAMS.get(name.lower())
            if hosts is not None and _on_host(bare, hosts) and is_code(value):
                site = site or registered_domain(host)
                return f"https://{site}/?{name.lower()}={value}" if site else None
    return None


def short_link_label(url: str) -> str | None:
    """The label of ``url`` if it is a short link (not a referral link), else None.

    >>> short_link_label("http://bit.ly/33z7KkN"), short_link_label("https://okx.com/join/39154880")
    ('https://bit.ly/33z7KkN', None)
    """
    label = link_label(url)
    if label is None or label.split("/", 3)[2] not in SHORTENERS:
        return None
    return label


def carried_urls(url: str) -> list[str]:
    """The http(s) URLs in ``url``'s query parameters, decoded (see the module docstring)."""
    q = url.find("?")
    if q < 0 or "http" not in url[q:].lower():
        return []
    end = url.find("#", q)
    query = url[q + 1:] if end < 0 else url[q + 1:end]
    try:
        pairs = parse_qsl(query, keep_blank_values=False)
    except ValueError:
        return []
    return [v for _, v in pairs if v[:8].lower().startswith(("http://", "https://"))]
