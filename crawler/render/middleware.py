"""``RenderMiddleware``: render the pages the rule names, in Scrapy's downloader chain.

A downloader middleware (order 530: its ``process_response`` sees the
response after decompression, redirects and retries). For each HTML answer
it asks :func:`crawler.render.rule.render_reasons` whether scripts build or
move the page; when they do (``--render auto``) or always (``--render
always``) it renders the page in :class:`~crawler.render.browser.Renderer`
and hands the spider the rendered DOM in place of the static HTML, keeping
what rendering saw in ``response.meta[RENDER_META]``:

``reasons``      why the page was rendered (:data:`~crawler.render.rule.RenderReason`)
``static_html``  the HTML as fetched (extraction marks what only the browser saw)
``navigations``  where the page sent the browser (JS redirects): the spider follows them
``views``        for pages that matched a keyword, each view's final URL, digest, contacts
``cloaking``     the ``cloaking`` finding of those views, or None
``error``        why rendering failed ("" when it did not)

The views of a page that matched a keyword in its static HTML are rendered
alongside the page itself (each a render of its own, within
``COBWEB_RENDER_CONCURRENCY``); a page that matches only once rendered has its
views rendered after it. Every request the browser makes for the page and its
views obeys robots.txt (navigations) and the per-site download slots of the
crawl (:class:`~crawler.render.politeness.CrawlPoliteness`).

With ``--render never`` nothing is rendered; the rule still runs and the
crawl stats count what could not be seen (``cobweb/render/unseen/<reason>``).
Every request the browser refused is recorded as a drop, like the crawler's own.
The browser is closed when the spider closes; one left by a killed crawl of
the same run directory is killed when the next one opens.

Settings: ``COBWEB_RENDER_*`` (see crawler/settings.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.request import getproxies
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response

from crawler.extraction import decode_html, extract_artifacts, match_keywords, parse_page
from crawler.middlewares.limits import is_html_content_type
from crawler.render.browser import Renderer, RenderResult, chromium_available
from crawler.render.fetch import Fetched
from crawler.render.politeness import CrawlPoliteness
from crawler.render.processes import kill_leftover
from crawler.render.rule import RENDER_MODES, render_reasons
from crawler.render.views import (ALL_VIEWS, DEFAULT_VIEWS, ViewResult, cloaking_finding, contacts_of,
                                  text_digest, view_profiles)
from crawler.signals import request_rejected

if TYPE_CHECKING:
    from typing_extensions import Self

    from scrapy.crawler import Crawler

__all__ = ["RenderMiddleware", "RENDER_META", "resolve_mode"]

logger = logging.getLogger(__name__)

#: ``response.meta`` key of what rendering saw.
RENDER_META = "cobweb_render"
#: The view the page itself is rendered in, from the HTML the crawler fetched.
MAIN_VIEW = "crawler"


def resolve_mode(mode: str, chromium: str) -> tuple[str, str]:
    """The mode to use and, when it had to change, the one line saying why.

    >>> resolve_mode("never", "/nonexistent/chromium")
    ('never', '')
    >>> resolve_mode("auto", "/nonexistent/chromium")[0]
    'never'
    >>> resolve_mode("sometimes", "/usr/bin/chromium")
    Traceback (most recent call last):
    ...
    ValueError: COBWEB_RENDER_MODE must be one of never, auto, always, not 'sometimes'
    """
    if mode not in RENDER_MODES:
        raise ValueError(f"COBWEB_RENDER_MODE must be one of {', '.join(RENDER_MODES)}, not {mode!r}")
    if mode != "never" and not chromium_available(chromium):
        return "never", (f"rendering off: no browser ({chromium} and the playwright package are"
                         " needed; apt-get install chromium); script-built pages are not seen")
    return mode, ""


class RenderMiddleware:
    """Render script-built pages in headless Chromium; record views of matched pages."""

    def __init__(self, crawler: Crawler, *, mode: str = "auto", renderer: Renderer | None = None,
                 views: tuple[str, ...] = DEFAULT_VIEWS, views_with_page: bool = True) -> None:
        self.crawler = crawler
        self.mode = mode
        self.renderer = renderer
        self.views = tuple(views)
        self.views_with_page = views_with_page
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.stats.set_value("cobweb/render/mode", mode)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("COBWEB_RENDER_ENABLED", True):
            raise NotConfigured("COBWEB_RENDER_ENABLED is off")
        chromium = settings.get("COBWEB_RENDER_CHROMIUM") or "/usr/bin/chromium"
        mode, why = resolve_mode(settings.get("COBWEB_RENDER_MODE") or "auto", chromium)
        if why:
            logger.warning(why)
            crawler.stats.set_value("cobweb/render/off_reason", why)
        views = list(settings.getlist("COBWEB_RENDER_VIEWS", list(DEFAULT_VIEWS)))
        if settings.getbool("COBWEB_RENDER_SEARCHBOT") and "searchbot" not in views:
            views.append("searchbot")
        view_profiles(views)  # unknown names fail here, not mid-crawl
        renderer = None
        if mode != "never":
            renderer = Renderer(
                chromium, proxy=settings.get("COBWEB_PROXY") or getproxies().get("http", ""),
                allow_private=settings.getbool("COBWEB_ALLOW_PRIVATE"),
                user_agent=settings.get("USER_AGENT") or "",
                timeout=settings.getfloat("COBWEB_RENDER_TIMEOUT", 20.0),
                settle_ms=settings.getint("COBWEB_RENDER_SETTLE_MS", 5000),
                concurrency=settings.getint("COBWEB_RENDER_CONCURRENCY", 4),
                memory_mb=settings.getfloat("COBWEB_RENDER_MEMORY_MB", 2048.0),
                max_bytes=settings.getint("DOWNLOAD_MAXSIZE", 8 << 20),
                run_dir=settings.get("COBWEB_RUN_DIR") or None,
                politeness=CrawlPoliteness(crawler))
        return cls(crawler, mode=mode, renderer=renderer, views=tuple(views),
                   views_with_page=settings.getbool("COBWEB_RENDER_VIEWS_WITH_PAGE", True))

    def spider_opened(self) -> None:
        run_dir = getattr(self.crawler.spider, "run_dir", None)
        if run_dir and kill_leftover(run_dir):
            logger.warning("killed a browser left running by an earlier crawl of %s", run_dir)
        if self.renderer is not None and run_dir:
            self.renderer.run_dir = str(run_dir)

    async def spider_closed(self) -> None:
        if self.renderer is not None:
            self.crawler.stats.set_value("cobweb/render/browser_launches", self.renderer.launches)
            self.crawler.stats.set_value("cobweb/render/browser_restarts", self.renderer.restarts)
            await self.renderer.close()

    # -- one response ------------------------------------------------------------

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200 or RENDER_META in request.meta or request.meta.get("dont_obey_robotstxt"):
            return response  # robots.txt requests carry dont_obey_robotstxt
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not is_html_content_type(ctype):
            return response
        if self.mode == "never" and b"<script" not in response.body.lower():
            return response  # nothing a script could build: no parse spent on it
        keywords = getattr(self.crawler.spider, "keywords", [])
        html = decode_html(response.body, ctype or None)
        page = parse_page(html, response.url)
        matched = bool(match_keywords(f"{page.title}\n{page.text}", keywords))
        reasons = render_reasons(html, page.text, matched=matched,
                                 mode="auto" if self.mode == "never" else self.mode)
        stats = self.crawler.stats
        if self.mode == "never" or self.renderer is None:
            for reason in reasons:
                if reason != "keyword_match":
                    stats.inc_value(f"cobweb/render/unseen/{reason}")
            if any(r != "keyword_match" for r in reasons):
                stats.inc_value("cobweb/render/unseen_pages")
            return response
        if not reasons:
            return response
        document = Fetched(status=200, headers={"Content-Type": ctype or "text/html"},
                           body=response.body, url=response.url)
        started = time.monotonic()
        page_render = self.renderer.render(response.url, view_profiles([MAIN_VIEW])[0], document)
        views: list[RenderResult] | None = None
        if matched and self.views_with_page:  # the views are needed: render them alongside
            main, views = await asyncio.gather(page_render, self._render_views(response.url, keywords))
        else:
            main = await page_render
        self._record_refusals(response.url, main)
        info: dict[str, Any] = {"reasons": list(reasons), "static_html": html,
                                "navigations": main.navigations, "views": [], "cloaking": None,
                                "error": main.error}
        if main.error or not main.html:
            stats.inc_value("cobweb/render/failed")
            logger.info("rendering %s failed: %s", response.url, main.error)
            for result in views or []:
                self._record_refusals(response.url, result)
            request.meta[RENDER_META] = info
            return response
        stats.inc_value("cobweb/render/rendered")
        stats.inc_value("cobweb/render/seconds_total", main.seconds)
        for reason in reasons:
            stats.inc_value(f"cobweb/render/reason/{reason}")
        if main.navigations:
            stats.inc_value("cobweb/render/js_redirects")
        rendered = parse_page(main.html, response.url)
        if views is None and (matched or match_keywords(f"{rendered.title}\n{rendered.text}", keywords)):
            views = await self._render_views(response.url, keywords)
        if views is not None:
            self._record_views(response.url, main, views, info)
            # the page's wait for its views: what rendering them alongside saves
            stats.inc_value("cobweb/render/with_views")
            stats.inc_value("cobweb/render/with_views_seconds_total", time.monotonic() - started)
        request.meta[RENDER_META] = info
        headers = response.headers.copy()
        headers[b"Content-Type"] = b"text/html; charset=utf-8"
        return HtmlResponse(response.url, status=response.status, headers=headers,
                            body=main.html.encode("utf-8", "surrogatepass"), encoding="utf-8",
                            request=request, flags=[*response.flags, "rendered"],
                            protocol=response.protocol)

    async def _render_views(self, url: str, keywords: list[str]) -> list[RenderResult]:
        """Render the page's other views, at once (the renderer's cap applies)."""
        assert self.renderer is not None
        others = [p for p in view_profiles(self.views, " ".join(keywords[:2])) if p.name != MAIN_VIEW]
        return list(await asyncio.gather(*(self.renderer.render(url, p) for p in others)))

    def _record_views(self, url: str, main: RenderResult, results: list[RenderResult],
                      info: dict[str, Any]) -> None:
        """Record the views, their refusals and the cloaking finding in ``info``."""
        for result in results:
            self._record_refusals(url, result)
        seen = [_view_result(r) for r in ([main] if MAIN_VIEW in self.views else []) + results]
        order = {name: i for i, name in enumerate(ALL_VIEWS)}
        seen.sort(key=lambda v: order.get(v.name, len(order)))
        info["views"] = [v.as_dict() for v in seen]
        info["cloaking"] = cloaking_finding(seen)
        self.crawler.stats.inc_value("cobweb/render/views", len(seen))
        if info["cloaking"]:
            self.crawler.stats.inc_value("cobweb/render/cloaking")

    def _record_refusals(self, page_url: str, result: RenderResult) -> None:
        done = set()
        for refusal in result.refusals:
            if (refusal.url, refusal.reason) in done:
                continue
            done.add((refusal.url, refusal.reason))
            self.crawler.stats.inc_value(f"cobweb/render/refused/{refusal.reason}")
            try:
                request = Request(refusal.url)
            except ValueError:
                request = Request("about:blank")
            self.crawler.signals.send_catch_log(
                request_rejected, request=request, reason=refusal.reason,
                detail=f"browser ({result.view}) on {page_url}: {refusal.detail}")


def _view_result(result: RenderResult) -> ViewResult:
    if result.error or not result.html:
        return ViewResult(result.view, result.final_url, error=result.error or "empty")
    page = parse_page(result.html, result.url)
    artifacts = extract_artifacts(result.html, result.url, parsed=page)
    return ViewResult(result.view, result.final_url, text_digest(page.text), contacts_of(artifacts))
