"""Shared infrastructure: the hosts of ``analysis/data/shared_infrastructure.txt``.

A hosting platform's pixel, a CDN's script, a widget's icon or a wrapped link
sits on the pages of unrelated customers: it says nothing about who runs them.
:func:`shared_host` tells whether an artifact label (a URL or a host) lies on
such a host, and which entry matched.

>>> shared_host("https://pixel.wp.com/b.gif?v=1")
'pixel.wp.com'
>>> shared_host("https://static.xx.fbcdn.net/rsrc.php/v3/x.gif"), shared_host("https://t.co/AbC")
('static.xx.fbcdn.net', 't.co')
>>> shared_host("https://i.postimg.cc/4N/a.png") is None, shared_host("https://alice.wordpress.com/") is None
(True, True)
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from crawler.domains import host_of

__all__ = ["SHARED_INFRASTRUCTURE", "shared_host"]


def _load() -> dict[str, str]:
    text = files("analysis.data").joinpath("shared_infrastructure.txt").read_text(encoding="utf-8")
    hosts: dict[str, str] = {}
    for line in text.splitlines():
        entry = line.split("#", 1)[0].split()
        if entry:
            hosts[entry[0].lower()] = entry[1] if len(entry) > 1 else ""
    return hosts


#: ``{host: category}``; a host matches itself and its subdomains.
SHARED_INFRASTRUCTURE: dict[str, str] = _load()


@lru_cache(maxsize=1 << 14)
def shared_host(label: str) -> str | None:
    """The entry of SHARED_INFRASTRUCTURE that ``label``'s host falls under, or None."""
    host = host_of(label)
    while host:
        if host in SHARED_INFRASTRUCTURE:
            return host
        dot = host.find(".")
        if dot < 0:
            return None
        host = host[dot + 1:]
    return None
