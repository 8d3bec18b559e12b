"""Out-link domains: the registered domains a page links to, other than its own.

>>> out_link_domains("http://blog.spam.example/a", ["http://spam.example/x",
...     "https://t.me/s/esim1088", "mailto:a@b.example", "HTTPS://WWW.Other.co.uk/p"])
['t.me', 'other.co.uk']
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domains import registered_domain

__all__ = ["out_link_domains"]


def out_link_domains(page_url: str, links: Iterable[str]) -> list[str]:
    """Registered domains of http(s) ``links`` that are not ``page_url``'s site."""
    own = registered_domain(page_url)
    found: dict[str, None] = {}
    for link in links:
        if link[:4].lower() != "http":
            continue
        domain = registered_domain(link)
        if domain and domain != own:
            found[domain] = None
    return list(found)
