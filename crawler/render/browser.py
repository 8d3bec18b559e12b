"""Headless Chromium through Playwright: one browser, a fresh context per page.

:class:`Renderer` drives the system's Chromium (``executable_path``; no
browser is ever downloaded). The browser makes no network request itself:

* every HTTP request of every frame and worker is intercepted
  (``BrowserContext.route``) and fetched by :func:`crawler.render.fetch.fetch`,
  which applies Cobweb's safety checks to each URL and redirect hop and goes
  through the crawl's proxy; refused requests fail in the page and are
  recorded as :class:`~crawler.render.fetch.Refusal`; images, fonts, styles
  and media are checked but not fetched (the DOM has their URLs);
* the page's own main-frame navigations after it loaded (JS redirects, a
  meta refresh, a link click) are not followed: they are recorded in
  :attr:`RenderResult.navigations` and handed to the crawler, whose chain
  checks them like any link;
* with a running crawl (:class:`~crawler.render.politeness.CrawlPoliteness`),
  navigations (frames, JS and meta redirects, every redirect hop of a
  document) a robots.txt disallows are refused (``robots_txt``), and each
  request the browser sends holds a place in the download slot of its site,
  the one ordinary requests wait in (per-site concurrency and delay); the
  time spent waiting there is added to the page's time budget;
* a frame or navigation to ``file:`` or another scheme that Chromium blocks
  itself, before any interception, is still recorded as a refusal (from
  Chromium's console message, and from the frames' ``src`` in the DOM);
* WebSockets are refused (``route_web_socket``), service workers blocked,
  downloads off, popups closed, permissions none; Chromium's own name
  resolution maps every host to nothing, so nothing it might try on its own
  reaches a network.

Timers run on a virtual clock (``Clock.run_for``): a contact injected after
1 s or a redirect after 2 s appears without waiting. Each page has a time
budget; a browser that hangs or grows past a memory cap is killed and a new
one started.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from crawler.render.fetch import Fetched, Refusal, fetch
from crawler.render.guard import Verdict, browser_verdict
from crawler.render.politeness import CrawlPoliteness
from crawler.render.processes import (MARKER_SWITCH, PID_FILENAME, find_browser, group_rss_mb,
                                      kill_group, write_pid_file)
from crawler.render.views import ViewProfile

__all__ = ["Renderer", "RenderResult", "CHROMIUM_FLAGS", "chromium_available"]

logger = logging.getLogger(__name__)

#: Flags for Chromium running headless as root, without any traffic of its own.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--dns-prefetch-disable", "--no-pings",
    "--disable-features=NetworkPrediction,OptimizationHints,MediaRouter,Translate,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,HttpsFirstModeV2ForEngagedSites",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def chromium_available(path: str) -> bool:
    """Whether rendering can run: the Chromium binary and the playwright package."""
    import importlib.util

    return Path(path).is_file() and importlib.util.find_spec("playwright") is not None


@dataclass(slots=True)
class RenderResult:
    """One rendering of one page in one view."""

    url: str
    view: str
    final_url: str = ""
    html: str = ""
    navigations: list[str] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


#: Resource types never fetched for the browser: the page's text and links do not need them.
_NOT_FETCHED = frozenset({"image", "media", "font", "stylesheet", "texttrack", "manifest"})

#: The virtual clock's start (ms since the epoch): 2026-01-01T00:00:00Z.
_CLOCK_START = 1_767_225_600_000

#: Chromium's console message for a load it blocked itself (``file:`` from a web page).
_LOCAL_BLOCKED = "Not allowed to load local resource: "

#: Frame sources that are no blocked request: intercepted (http), or no request at all.
_NO_REQUEST = ("http://", "https://", "javascript:", "about:", "data:", "blob:")

#: The URLs every frame and embedded document of a page asked for (read after load).
_FRAME_SOURCES_JS = """() => Array.from(document.querySelectorAll(
    'iframe[src], frame[src], embed[src], object[data]'),
    e => e.getAttribute('src') ? e.src : e.data)"""


class _PageState:
    """What the interception of one page's context has seen."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loaded = False  # the first main-frame document was answered
        self.navigations: list[str] = []
        self.refusals: list[Refusal] = []
        self.page: Any = None
        self.document: Fetched | None = None  # the first document, already fetched
        self.waited = 0.0  # seconds the page's requests waited for their sites' slots

    def refuse(self, url: str, verdict: Verdict) -> None:
        if verdict:
            self.refusals.append(Refusal(url, *verdict))


class Renderer:
    """Render pages in a shared headless Chromium.

    Parameters
    ----------
    executable : str
        The Chromium binary (``/usr/bin/chromium``).
    proxy : str
        The crawl's HTTP proxy ("" : fetch directly, checking resolved addresses).
    allow_private : bool
        Lift the address checks (``--allow-private``).
    user_agent : str
        The crawler's own User-Agent (the ``crawler`` view).
    timeout : float
        Seconds a page may take, views included each on their own.
    settle_ms : int
        Virtual milliseconds of timers run after the page loaded.
    concurrency : int
        Pages rendered at once.
    memory_mb : float
        Restart the browser when its processes hold more than this (0: no cap).
    max_bytes : int
        Largest body fetched for the browser.
    run_dir : str or None
        Where ``render-browser.pid`` is kept.
    politeness : CrawlPoliteness or None
        The running crawl's robots.txt and download slots (None: neither).
    """

    def __init__(self, executable: str, *, proxy: str = "", allow_private: bool = False,
                 user_agent: str = "", timeout: float = 20.0, settle_ms: int = 5000,
                 concurrency: int = 4, memory_mb: float = 2048.0, max_bytes: int = 8 << 20,
                 run_dir: str | None = None, politeness: CrawlPoliteness | None = None) -> None:
        self.executable = executable
        self.proxy = proxy
        self.allow_private = allow_private
        self.user_agent = user_agent
        self.timeout = timeout
        self.settle_ms = settle_ms
        self.memory_mb = memory_mb
        self.max_bytes = max_bytes
        self.run_dir = run_dir
        self.politeness = politeness
        self._slots = asyncio.Semaphore(concurrency)
        self._pool = ThreadPoolExecutor(max_workers=max(4, concurrency * 4),
                                        thread_name_prefix="cobweb-render-fetch")
        self._lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._token = ""
        self._pid: int | None = None
        self.launches = 0
        self.restarts = 0

    # -- the browser -----------------------------------------------------------

    async def _ensure_browser(self) -> Any:
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                await self._discard("disconnected")
            from playwright.async_api import async_playwright

            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._token = secrets.token_hex(8)
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable, headless=True,
                args=[*CHROMIUM_FLAGS, f"{MARKER_SWITCH}={self._token}"],
                handle_sigint=False, handle_sigterm=False, handle_sighup=False)
            self.launches += 1
            self._pid = find_browser(self._token)
            if self._pid is not None and self.run_dir:
                write_pid_file(self.run_dir, self._pid, self._token)
            logger.info("browser started (pid %s)", self._pid)
            return self._browser

    async def _discard(self, why: str) -> None:
        """Kill the current browser (hung, crashed or too big); the next page starts a new one."""
        browser, pid, token = self._browser, self._pid, self._token
        self._browser, self._pid = None, None
        if pid is not None:
            kill_group(pid, token)
        if browser is not None:
            try:
                await asyncio.wait_for(browser.close(), 5)
            except Exception:  # noqa: BLE001 -- it is dead either way
                pass
        logger.warning("browser discarded: %s", why)

    async def restart(self, why: str) -> None:
        async with self._lock:
            self.restarts += 1
            await self._discard(why)

    def memory_in_use_mb(self) -> float:
        return group_rss_mb(self._pid) if self._pid else 0.0

    @property
    def pid(self) -> int | None:
        return self._pid

    async def close(self) -> None:
        """Close the browser and Playwright; kill the browser if closing hangs."""
        async with self._lock:
            if self._browser is not None:
                browser, pid, token = self._browser, self._pid, self._token
                self._browser, self._pid = None, None
                try:
                    await asyncio.wait_for(browser.close(), 10)
                except Exception:  # noqa: BLE001
                    pass
                if pid is not None:
                    kill_group(pid, token)
            if self._playwright is not None:
                try:
                    await asyncio.wait_for(self._playwright.stop(), 10)
                except Exception:  # noqa: BLE001
                    pass
                self._playwright = None
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self.run_dir:
            Path(self.run_dir, PID_FILENAME).unlink(missing_ok=True)

    # -- one page ----------------------------------------------------------------

    async def render(self, url: str, profile: ViewProfile, document: Fetched | None = None) -> RenderResult:
        """Render ``url`` as ``profile`` sees it, within the time budget.

        ``document``: the page as the crawler already fetched it, served to the
        browser for its first navigation instead of fetching the page again.
        """
        result = RenderResult(url, profile.name, final_url=url)
        async with self._slots:
            started = time.monotonic()
            try:
                browser = await self._ensure_browser()
            except Exception as exc:  # noqa: BLE001 -- no browser: say so, crawl on
                result.error = f"browser: {type(exc).__name__}: {exc}"
                return result
            state = _PageState(url)
            state.document = document
            context = None
            try:
                context = await browser.new_context(**self._context_options(profile))
                await _within_budget(self._load(context, state, profile, result), state, started,
                                     self.timeout)
            except asyncio.TimeoutError:
                result.error = "timeout"
            except Exception as exc:  # noqa: BLE001 -- a page must not stop the crawl
                result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            finally:
                if context is not None:
                    try:
                        await asyncio.wait_for(context.close(), 5)
                    except Exception:  # noqa: BLE001
                        result.error = result.error or "context did not close"
            result.navigations = state.navigations
            result.refusals = state.refusals
            if state.navigations:
                result.final_url = state.navigations[-1]
            result.seconds = time.monotonic() - started
        if result.error in ("timeout", "context did not close"):
            await self.restart(f"{result.error} on {url}")
        elif self.memory_mb and self.memory_in_use_mb() > self.memory_mb:
            await self.restart(f"over {self.memory_mb:.0f} MiB")
        return result

    def _context_options(self, profile: ViewProfile) -> dict[str, Any]:
        width, height = profile.viewport
        return {
            "user_agent": profile.user_agent or self.user_agent or None,
            "viewport": {"width": width, "height": height},
            "is_mobile": profile.mobile,
            "has_touch": profile.mobile,
            "service_workers": "block",
            "accept_downloads": False,
            "permissions": [],
            "java_script_enabled": True,
        }

    async def _load(self, context: Any, state: _PageState, profile: ViewProfile,
                    result: RenderResult) -> None:
        await context.route("**/*", partial(self._route, state))
        await context.route_web_socket("**/*", partial(self._refuse_socket, state))
        # A paused virtual clock: no timer fires while loading (under load, a real-time
        # redirect would race the load); run_for fires them all, in order, at once.
        await context.clock.install(time=_CLOCK_START)
        await context.clock.pause_at(_CLOCK_START + 1)
        page = await context.new_page()
        state.page = page
        context.on("page", lambda other: other is page or asyncio.ensure_future(_close_quietly(other)))
        page.on("console", partial(self._blocked_locally, state))
        try:
            await page.goto(state.url, referer=profile.referer, wait_until="domcontentloaded",
                            timeout=self.timeout * 1000 / 3)
        except Exception:
            # the page moving on while it loaded, or a load that never ends: read what came
            if not state.loaded:
                raise
        try:  # subresources; a page whose load never ends is read as it stands
            await page.wait_for_load_state("load", timeout=self.timeout * 1000 / 3)
        except Exception:  # noqa: BLE001
            logger.debug("no load event on %s", state.url)
        await page.clock.run_for(self.settle_ms)
        await asyncio.sleep(0.05)  # let interception see what the timers started
        result.html = await page.content()
        await self._frame_sources(page, state)

    def _blocked_locally(self, state: _PageState, message: Any) -> None:
        """Record a load Chromium refused before interception (``file:`` from a web page)."""
        try:
            text = message.text
        except Exception:  # noqa: BLE001 -- the page closed meanwhile
            return
        if text.startswith(_LOCAL_BLOCKED):
            url = text[len(_LOCAL_BLOCKED):].strip()
            state.refuse(url, browser_verdict(url, allow_private=self.allow_private)
                         or ("forbidden_scheme", "blocked by the browser"))

    async def _frame_sources(self, page: Any, state: _PageState) -> None:
        """Record the frames asking for a scheme the browser never hands to interception."""
        for frame in page.frames:
            if frame is not page.main_frame and not frame.url.startswith(("http://", "https://")):
                continue  # a frame refused or blocked: no document to read (evaluate would wait)
            try:
                sources = await asyncio.wait_for(frame.evaluate(_FRAME_SOURCES_JS), 2)
            except Exception:  # noqa: BLE001 -- a frame detached meanwhile
                continue
            for url in sources:
                if isinstance(url, str) and url and not url.startswith(_NO_REQUEST):
                    state.refuse(url, browser_verdict(url, allow_private=self.allow_private))

    async def _route(self, state: _PageState, route: Any) -> None:
        try:
            await self._answer(state, route)
        except Exception as exc:  # noqa: BLE001 -- the page or its context closed meanwhile
            logger.debug("request of %s left unanswered: %s", state.url, exc)

    async def _answer(self, state: _PageState, route: Any) -> None:
        request = route.request
        url = request.url
        owner = _owner(request, state) if request.is_navigation_request() else "subresource"
        if owner == "other":  # a popup, or a frame of no page of ours
            await route.abort("blockedbyclient")
            return
        if owner == "main":
            if state.loaded:
                # a JS redirect, refresh or click: the crawler follows it, not the browser
                verdict = browser_verdict(url, allow_private=self.allow_private)
                if not verdict and self.politeness is not None:
                    verdict = await self.politeness.robots_verdict(url)
                if verdict:
                    state.refusals.append(Refusal(url, *verdict))
                elif url.startswith(("http://", "https://")) and url not in state.navigations:
                    state.navigations.append(url)
                # 204 No Content: the browser stays on the page (an abort can leave a load hanging)
                await route.fulfill(status=204, body=b"")
                return
        if request.resource_type in _NOT_FETCHED:
            # the DOM needs no image, font, style or media bytes (their URLs are in the DOM)
            verdict = browser_verdict(url, allow_private=self.allow_private)
            if verdict:
                state.refusals.append(Refusal(url, *verdict))
            await route.abort("blockedbyclient")
            return
        first = owner == "main" and not state.loaded
        if first and state.document is not None and url == state.url:
            state.loaded = True
            doc = state.document
            await route.fulfill(status=doc.status, headers=doc.headers, body=doc.body)
            return
        headers = request.headers  # all_headers() can wait forever on an intercepted request
        loop = asyncio.get_running_loop()
        get = partial(
            fetch, url, method=request.method, headers=headers, body=request.post_data_buffer,
            proxy=self.proxy, allow_private=self.allow_private, max_bytes=self.max_bytes,
            timeout=max(1.0, self.timeout / 2),
            check=self._robots_check(loop) if owner != "subresource" else None)
        fetched: Fetched = await self._polite(url, state, lambda: loop.run_in_executor(self._pool, get))
        if fetched.refusal is not None:
            state.refusals.append(fetched.refusal)
            await route.abort("blockedbyclient")
            return
        if not fetched.status:
            await route.abort("failed")
            return
        if first:
            state.loaded = True
            if len(fetched.hops) > 1:
                # the page itself redirected this visitor: where it ends up is the finding
                for hop in fetched.hops[1:]:
                    if hop not in state.navigations:
                        state.navigations.append(hop)
        await route.fulfill(status=fetched.status, headers=fetched.headers, body=fetched.body)

    async def _polite(self, url: str, state: _PageState, send: Callable[[], Awaitable[Fetched]]) -> Fetched:
        """``send()`` while holding a place in the download slot of ``url``'s site."""
        if self.politeness is None or browser_verdict(url, allow_private=self.allow_private):
            return await send()  # refused before any request: no place needed
        async with self.politeness.hold(url) as waited:
            state.waited += waited
            return await send()

    def _robots_check(self, loop: asyncio.AbstractEventLoop) -> Callable[[str], Verdict] | None:
        """robots.txt for each hop of a navigation, asked from the fetching thread."""
        politeness = self.politeness
        if politeness is None:
            return None

        def check(url: str) -> Verdict:
            try:
                return asyncio.run_coroutine_threadsafe(politeness.robots_verdict(url), loop).result(
                    timeout=self.timeout)
            except Exception as exc:  # noqa: BLE001 -- robots.txt unreadable: allowed, as Scrapy does
                logger.debug("robots.txt for %s not read: %s", url, exc)
                return None
        return check

    async def _refuse_socket(self, state: _PageState, socket: Any) -> None:
        verdict = browser_verdict(socket.url, allow_private=self.allow_private) or (
            "forbidden_scheme", "WebSockets are not proxied")
        state.refusals.append(Refusal(socket.url, *verdict))
        await socket.close(code=1008, reason="refused by the crawler")


async def _within_budget(work: Awaitable[None], state: _PageState, started: float,
                         budget: float) -> None:
    """Await ``work`` for ``budget`` seconds from ``started``, plus the time its requests
    waited for their sites' slots (politeness is not a hang; at most one more budget);
    TimeoutError past that."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            left = started + budget + min(state.waited, budget) - time.monotonic()
            if left <= 0:
                raise asyncio.TimeoutError
            done, _ = await asyncio.wait({task}, timeout=left)
            if done:
                return task.result()
    finally:
        if not task.done():
            task.cancel()
            try:
                await task
            except BaseException:  # noqa: BLE001 -- cancelled: what it raised does not matter
                pass


def _owner(request: Any, state: _PageState) -> str:
    """Whose navigation ``request`` is: ``main`` (the page's), ``child`` (one of its
    frames) or ``other`` (a popup, or a frame Playwright cannot place)."""
    try:
        frame = request.frame
        page = frame.page
    except Exception:  # noqa: BLE001 -- a popup not yet known to Playwright
        return "other"
    if state.page is None or page is not state.page:
        return "other"
    return "main" if frame.parent_frame is None else "child"


async def _close_quietly(page: Any) -> None:
    try:
        await page.close()
    except Exception:  # noqa: BLE001
        pass
