"""``RenderedPipeline``: what only the browser saw, as artifacts, views and findings.

Runs after :class:`crawler.pipelines.ExtractionPipeline` (which extracted from
the rendered DOM). For a page that was rendered it

* marks each artifact the static HTML does not have ``source="rendered"``;
* adds a ``redirect`` artifact (``source="rendered"``) for every JS redirect
  the browser was sent on, the edge a static crawl never sees;
* stores the page's views and its ``cloaking`` finding
  (:class:`crawler.render.store.ViewStore`, in the run's ``crawl.sqlite``).
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.diskfull import stop_on_full_disk, stopping_on_full_disk
from crawler.extraction import extract_artifacts
from crawler.extraction.redirects import is_redirect_target
from crawler.records import Artifact, PageRecord
from crawler.render.store import ViewStore
from crawler.render.views import ViewResult
from crawler.store import store_path
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["RenderedPipeline", "mark_rendered"]

logger = logging.getLogger(__name__)


def mark_rendered(rendered: list[Artifact], static: list[Artifact],
                  navigations: list[str] = ()) -> list[Artifact]:
    """``rendered`` with what ``static`` lacks marked ``source="rendered"``, plus JS redirects.

    >>> static = [Artifact("domain", "a.example")]
    >>> got = mark_rendered([Artifact("domain", "a.example"), Artifact("handle", "telegram:x", "href")],
    ...                     static, ["http://landing.example/"])
    >>> [(a.node_id, a.source) for a in got]
    [('domain:a.example', 'text'), ('handle:telegram:x', 'rendered'), ('redirect:http://landing.example/', 'rendered')]
    """
    before = {a.node_id for a in static}
    out = [a if a.node_id in before else dataclasses.replace(a, source="rendered") for a in rendered]
    have = {a.node_id for a in out}
    for target in navigations:
        url = canonical_url(target)
        if is_redirect_target(url) and f"redirect:{url}" not in have:
            have.add(f"redirect:{url}")
            out.append(Artifact("redirect", url, source="rendered", confidence=1.0))
    return out


class RenderedPipeline:
    """Mark rendered-only artifacts and store views and cloaking findings."""

    def __init__(self, crawler: Crawler, enabled: bool = True) -> None:
        if not enabled:
            raise NotConfigured("COBWEB_RENDER_ENABLED is off")
        self.crawler = crawler
        self.views: ViewStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderedPipeline:
        return cls(crawler, crawler.settings.getbool("COBWEB_RENDER_ENABLED", True))

    def open_spider(self) -> None:
        run_dir = getattr(self.crawler.spider, "run_dir", None)
        if run_dir:
            self.views = ViewStore(store_path(run_dir))

    def close_spider(self) -> None:
        if self.views is not None:
            self.views.close()
            self.views = None

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageRecord) or not item.rendering:
            return item
        info = item.rendering
        static_html = info.get("static_html")
        if static_html and item.html and not info.get("error"):
            static = extract_artifacts(static_html, item.url, redirect_chain=item.redirect_chain)
            item.artifacts = mark_rendered(item.artifacts, static, info.get("navigations", []))
        if info.get("views") and self.views is not None and not stopping_on_full_disk(self.crawler):
            views = [ViewResult(**v) for v in info["views"]]
            try:
                self.views.add_views(item.url, views, info.get("cloaking"))
            except sqlite3.OperationalError as exc:
                if not stop_on_full_disk(self.crawler, exc):
                    raise  # a full disk stops the crawl; the store pipeline drops the page
        item.rendering = None  # the static HTML is not kept twice
        return item
