"""Out-link domains: the registered domains a page links to, other than its own.

>>> out_link_domains("http://blog.spam.example/a", ["http://spam.example/x",
...     "https://t.me/s/esim1088", "mailto:a@b.example", "HTTPS://WWW.Other.co.uk/p"])
['t.me', 'other.co.uk']
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ..domains import registered_domain

__all__ = ["out_link_domains", "site_of"]


@lru_cache(maxsize=1 << 14)
def _site_of_host(host: str) -> str:
    return registered_domain(host)


def site_of(url: str) -> str:
    """:func:`crawler.domains.registered_domain` of a URL, fast for plain http(s) URLs.

    >>> site_of("https://i.postimg.cc/x.png"), site_of("http://u:p@A.Example.com:8080/")
    ('postimg.cc', 'example.com')
    """
    if url.startswith(("http://", "https://")):
        host = url.split("/", 3)[2]
        if _plain_host(host):
            return _site_of_host(host.split(":", 1)[0].lower())
    return registered_domain(url)


def _plain_host(host: str) -> bool:
    """Whether ``host[:port]`` needs no URL parsing: no credentials, IPv6, escapes."""
    return bool(host) and "@" not in host and "[" not in host and "%" not in host and "\\" not in host


def out_link_domains(page_url: str, links: Iterable[str]) -> list[str]:
    """Registered domains of http(s) ``links`` that are not ``page_url``'s site."""
    own = site_of(page_url)
    # Most links share a few hosts: look each host up once.
    netlocs = dict.fromkeys(
        link.split("/", 3)[2] if link.startswith(("http://", "https://")) else link
        for link in links
        if link[:4].lower() == "http"
    )
    found: dict[str, None] = {}
    for netloc in netlocs:
        if "/" in netloc:
            domain = site_of(netloc)
        elif _plain_host(netloc):  # site_of("http://" + netloc + "/"), short-cut
            domain = _site_of_host(netloc.split(":", 1)[0].lower())
        else:
            domain = site_of("http://" + netloc + "/")
        if domain and domain != own:
            found[domain] = None
    return list(found)
