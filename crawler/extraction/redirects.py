"""Redirects: HTTP redirect chains, meta refresh and simple JS ``location`` assignments.

Only literal string targets count ("simple"): ``location = "..."``,
``location.href = '...'``, ``window.location.replace("...")`` and the like.

>>> meta_refresh_target("0; URL='https://b.example/x'")
'https://b.example/x'
>>> meta_refresh_target("5") is None
True
>>> js_location_targets('if(a==b){window.location.href = "https://c.example/?r=1";}')
['https://c.example/?r=1']
>>> js_location_targets("location.replace('/next'); top.location='http://d.example'")
['/next', 'http://d.example']
>>> js_location_targets("if (location == 'x') {}")
[]
>>> http_redirect_targets(["http://a.example/", "http://b.example/"], "http://c.example/")
['http://b.example/', 'http://c.example/']
>>> http_redirect_targets(["http://c.example/"], "http://c.example/")
[]
>>> is_redirect_target("https://b.example/x"), is_redirect_target("data:text/html;base64,PGgxPg==")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["meta_refresh_target", "js_location_targets", "http_redirect_targets", "is_redirect_target",
           "MAX_TARGET_CHARS"]

#: A redirect target longer than this is no label (a data: URL, a blob of state).
MAX_TARGET_CHARS = 2048

_REFRESH_RE = re.compile(
    r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(["']?)\s*([^"'\s][^"']*?)\s*\1\s*$""", re.I | re.S
)
_JS_LOCATION_RE = re.compile(
    r"""(?<![\w$.])(?:(?:window|document|top|self|parent)\s*\.\s*)?location"""
    r"""(?:\s*\.\s*href\s*=(?!=)|\s*=(?!=)|\s*\.\s*(?:replace|assign)\s*\()"""
    r"""\s*(["'`])([^"'`\s]+)\1"""
)


def meta_refresh_target(content: str) -> str | None:
    """The URL of a ``<meta http-equiv=refresh content=...>``; ``None`` if it only reloads."""
    m = _REFRESH_RE.match(content)
    if not m:
        return None
    target = m.group(2).strip()
    if not target or target[0].isdigit() and target.replace(".", "").isdigit():
        return None
    return target


def js_location_targets(script: str) -> list[str]:
    """Literal targets assigned to ``location`` in ``script``, in order."""
    return [m.group(2) for m in _JS_LOCATION_RE.finditer(script)]


def http_redirect_targets(chain: Sequence[str], final_url: str) -> list[str]:
    """Targets of an HTTP redirect chain.

    ``chain`` lists the URLs fetched on the way, starting with the requested
    one (Scrapy's ``redirect_urls``); the final URL may or may not be its last
    entry. Every hop after the first is a target, the final URL included.
    """
    if not chain:
        return []
    hops = list(chain)
    if final_url and hops[-1] != final_url:
        hops.append(final_url)
    return list(dict.fromkeys(u for u in hops[1:] if u and u != hops[0]))


def is_redirect_target(url: str) -> bool:
    """Whether ``url`` can be a redirect's target: http(s), at most MAX_TARGET_CHARS long."""
    return len(url) <= MAX_TARGET_CHARS and url[:8].lower().startswith(("http://", "https://"))
