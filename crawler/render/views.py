"""Views of a page and the ``cloaking`` finding: pure comparisons, no browser.

A *view* is how one kind of visitor sees a matched page: the crawler's own
User-Agent, a desktop browser, a phone browser, a visitor arriving from a
search results page (``Referer``), and, opt-in, a search bot. Every view is
rendered the same way, so a page that builds its contacts in JavaScript
shows them in every view and is no cloaking; a page that answers some
visitors differently is.

>>> same = dict(final_url="http://a.example/", digest="d1", contacts=["handle:telegram:x"])
>>> cloaking_finding([ViewResult("crawler", **same), ViewResult("desktop", **same)]) is None
True
>>> spam = dict(final_url="http://a.example/", digest="d2", contacts=["handle:wechat:abc_123"])
>>> f = cloaking_finding([ViewResult("crawler", **same), ViewResult("desktop", **same),
...                       ViewResult("phone", **spam)])
>>> f["views"], f["differs"], f["baseline"]
(['phone'], ['contacts'], ['crawler', 'desktop'])
>>> f["details"]["phone"]["added"], f["details"]["phone"]["removed"]
(['handle:wechat:abc_123'], ['handle:telegram:x'])
>>> moved = dict(final_url="http://landing.example/", digest="d3", contacts=["handle:telegram:x"])
>>> f = cloaking_finding([ViewResult("crawler", **same), ViewResult("desktop", **same),
...                       ViewResult("search", **moved)])
>>> f["views"], f["differs"]
(['search'], ['final_url'])
>>> bot = cloaking_finding([ViewResult("crawler", **spam), ViewResult("desktop", **same),
...                         ViewResult("phone", **same), ViewResult("searchbot", **spam)])
>>> bot["views"], bot["baseline"]
(['crawler', 'searchbot'], ['desktop', 'phone'])
>>> cloaking_finding([ViewResult("crawler", **same), ViewResult("phone", error="timeout")]) is None
True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from crawler.records import Artifact

__all__ = ["ViewProfile", "ViewResult", "view_profiles", "DEFAULT_VIEWS", "ALL_VIEWS",
           "CONTACT_KINDS", "cloaking_finding", "text_digest", "contacts_of"]

_DATA = Path(__file__).with_name("data") / "views.json"

#: Artifact kinds compared between views: what a visitor is told to contact or pay.
CONTACT_KINDS = frozenset({"handle", "invite", "wallet", "link"})


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return json.loads(_DATA.read_text(encoding="utf-8"))


DEFAULT_VIEWS: tuple[str, ...] = tuple(_data()["default_views"])
ALL_VIEWS: tuple[str, ...] = tuple(_data()["views"])


@dataclass(frozen=True, slots=True)
class ViewProfile:
    """How a view's browser context presents itself."""

    name: str
    user_agent: str | None  # None: the crawl's own User-Agent
    viewport: tuple[int, int]
    mobile: bool
    referer: str | None = None


def view_profiles(names: tuple[str, ...] | list[str], query: str = "") -> list[ViewProfile]:
    """The profiles of ``names``; ``query`` fills a search-results Referer.

    >>> [p.name for p in view_profiles(["crawler", "phone"])]
    ['crawler', 'phone']
    >>> view_profiles(["search"], "esim 续费")[0].referer
    'https://www.baidu.com/s?wd=esim%20%E7%BB%AD%E8%B4%B9'
    >>> view_profiles(["tablet"])
    Traceback (most recent call last):
    ...
    ValueError: unknown view 'tablet'; views: crawler, desktop, phone, search, searchbot
    """
    table = _data()["views"]
    profiles = []
    for name in names:
        if name not in table:
            raise ValueError(f"unknown view {name!r}; views: {', '.join(table)}")
        spec = table[name]
        referer = spec.get("referer")
        if referer:
            referer = referer.replace("{query}", quote(query))
        profiles.append(ViewProfile(name, spec["user_agent"], tuple(spec["viewport"]), spec["mobile"],
                                    referer))
    return profiles


@dataclass(slots=True)
class ViewResult:
    """What one view saw: where it ended up, a digest of its text, its contacts."""

    name: str
    final_url: str = ""
    digest: str = ""
    contacts: list[str] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def text_digest(text: str) -> str:
    """A short digest of a view's visible text (whitespace-insensitive).

    >>> text_digest("a  b\\n") == text_digest("a b")
    True
    """
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def contacts_of(artifacts: list[Artifact]) -> list[str]:
    """The sorted node ids of the contact artifacts among ``artifacts``.

    >>> contacts_of([Artifact("handle", "telegram:x"), Artifact("domain", "a.example")])
    ['handle:telegram:x']
    """
    return sorted({a.node_id for a in artifacts if a.kind in CONTACT_KINDS})


def _ending(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def cloaking_finding(views: list[ViewResult]) -> dict[str, Any] | None:
    """The ``cloaking`` finding of a page's views, or None when they agree.

    Views that end at the same URL and show the same contacts form a group.
    The largest group (on a tie, the one holding the ``desktop`` view, else
    the first view) is what most visitors see, the ``baseline``; the views
    outside it are named, with what differs. The text digest alone is no
    finding (pages show times, counters, ads). Failed views are left out.
    """
    usable = [v for v in views if not v.error]
    groups: dict[tuple[str, frozenset[str]], list[ViewResult]] = {}
    for view in usable:
        groups.setdefault((_ending(view.final_url), frozenset(view.contacts)), []).append(view)
    if len(groups) < 2:
        return None
    order = list(groups)
    main = max(order, key=lambda k: (len(groups[k]), any(v.name == "desktop" for v in groups[k]),
                                     -order.index(k)))
    base = groups[main][0]
    named: list[str] = []
    differs: set[str] = set()
    details: dict[str, dict[str, Any]] = {}
    for view in usable:
        if view in groups[main]:
            continue
        what = []
        if _ending(view.final_url) != _ending(base.final_url):
            what.append("final_url")
        if set(view.contacts) != set(base.contacts):
            what.append("contacts")
        named.append(view.name)
        differs.update(what)
        details[view.name] = {
            "differs": what,
            "final_url": view.final_url,
            "added": sorted(set(view.contacts) - set(base.contacts)),
            "removed": sorted(set(base.contacts) - set(view.contacts)),
        }
    return {"views": named, "baseline": [v.name for v in groups[main]], "baseline_url": base.final_url,
            "differs": sorted(differs), "details": details}
