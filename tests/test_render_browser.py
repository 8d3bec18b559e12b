"""The renderer on its own (crawler/render/browser.py): time budget, restarts, popups,
no traffic of its own, and the browser closed at the end."""

from __future__ import annotations

import asyncio

import pytest
from render_support import browser_processes, require_browser

from crawler.demoweb.server import VirtualWeb, VirtualWebProxy, html_resource
from crawler.render.browser import Renderer
from crawler.render.views import view_profiles

pytestmark = pytest.mark.browser

DESKTOP = view_profiles(["desktop"])[0]


def _web() -> VirtualWeb:
    web = VirtualWeb()
    web.add("http://hang.example.com/", html_resource(
        "<p>esim</p><script>setTimeout(function(){while(true){}}, 10);</script>"))
    web.add("http://fine.example.com/", html_resource(
        "<p id=x>static</p><script>document.getElementById('x').textContent='built';</script>"))
    web.add("http://popup.example.com/", html_resource(
        "<p>esim</p><script>window.open('http://popped.example.com/');"
        "var a=document.createElement('a');a.href='http://popped.example.com/dl';a.download='x.bin';"
        "document.body.appendChild(a);a.click();"
        "if(navigator.serviceWorker){navigator.serviceWorker.register('/sw.js').catch(function(){});}"
        "</script>"))
    return web


def _render_in_turn(web: VirtualWeb, urls: list[str], **options) -> tuple[list, Renderer, list]:
    """Render ``urls`` one after the other; the results, the closed renderer, its pids."""
    async def go():
        with VirtualWebProxy(web) as proxy:
            renderer = Renderer("/usr/bin/chromium", proxy=proxy.url, concurrency=1, **options)
            results, pids = [], []
            try:
                for url in urls:
                    results.append(await renderer.render(url, DESKTOP))
                    pids.append(renderer.pid)
            finally:
                await renderer.close()
            return results, renderer, pids
    return asyncio.run(go())


def test_a_hanging_page_times_out_and_the_browser_is_replaced() -> None:
    require_browser()
    (hung, fine), renderer, pids = _render_in_turn(
        _web(), ["http://hang.example.com/", "http://fine.example.com/"], timeout=5.0)
    assert hung.error == "timeout"
    assert pids[0] is None  # the hung browser was killed, not kept
    assert renderer.restarts == 1 and renderer.launches == 2
    assert fine.error == "" and ">built<" in fine.html


def test_over_the_memory_cap_the_browser_is_restarted() -> None:
    require_browser()
    results, renderer, _ = _render_in_turn(
        _web(), ["http://fine.example.com/", "http://fine.example.com/"], memory_mb=1.0)
    assert [r.error for r in results] == ["", ""]
    assert renderer.restarts == 2


def test_popups_downloads_and_service_workers_make_no_request() -> None:
    require_browser()
    web = _web()
    before = set(browser_processes())
    (result,), _, _ = _render_in_turn(web, ["http://popup.example.com/"])
    assert result.error == ""
    assert [url for _, url in web.requests] == ["http://popup.example.com/"]
    assert set(browser_processes()) - before == set()  # closed with the renderer
