"""Crawler traps told by the shape of a URL: pure rules, no I/O.

A trap makes URLs without end: calendars, session ids, paths that grow by a
segment at every hop (``/a/b/a/b/...``, relative links resolved against
themselves), parameters added or permuted at every hop. The frontier's
canonical URLs already make session ids and parameter order no new page; what
is left grows, and :func:`url_trap` says so. The per-site request budget and
the cap on hosts per registered domain (:mod:`crawler.middlewares.limits`)
bound what no rule here recognizes.

>>> url_trap("http://a.example/blog/2024/05/post.html") is None
True
>>> url_trap("http://a.example/a/b/a/b/a/b/c")
'path segment "a" repeated 3 times'
>>> url_trap("http://a.example/" + "/".join(f"x{i}" for i in range(20)))
'20 path segments (at most 16)'
>>> url_trap("http://a.example/s?" + "&".join(f"k{i}=1" for i in range(30)))
'30 query parameters (at most 24)'
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

__all__ = ["url_trap", "MAX_SEGMENTS", "MAX_REPEATS", "MAX_PARAMETERS"]

#: Path segments a page URL may have.
MAX_SEGMENTS = 16
#: How often one path segment or query key may occur in a URL.
MAX_REPEATS = 2
#: Query parameters a page URL may have.
MAX_PARAMETERS = 24


def url_trap(url: str) -> str | None:
    """Why ``url`` looks like a trap's (self-similar growth), or None."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > MAX_SEGMENTS:
        return f"{len(segments)} path segments (at most {MAX_SEGMENTS})"
    keys = [p.split("=", 1)[0] for p in parts.query.split("&") if p]
    if len(keys) > MAX_PARAMETERS:
        return f"{len(keys)} query parameters (at most {MAX_PARAMETERS})"
    return _repeated(segments, "path segment") or _repeated(keys, "query parameter")


def _repeated(items: list[str], what: str) -> str | None:
    """``what "x" repeated N times`` when an item occurs more than :data:`MAX_REPEATS` times."""
    if not items:
        return None
    item, times = Counter(items).most_common(1)[0]
    return f'{what} "{item[:40]}" repeated {times} times' if times > MAX_REPEATS else None
