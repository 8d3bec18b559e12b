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


def _run(coro):
    return asyncio.run(coro)


def test_a_hanging_page_times_out_and_the_browser_is_replaced() -> None:
    require_browser()
    web = _web()

    async def go():
        with VirtualWebProxy(web) as proxy:
            renderer = Renderer("/usr/bin/chromium", proxy=proxy.url, timeout=5.0, concurrency=1)
            try:
                hung = await renderer.render("http://hang.example.com/", DESKTOP)
                first_pid = renderer.pid
                fine = await renderer.render("http://fine.example.com/", DESKTOP)
                return hung, fine, renderer.restarts, renderer.launches, first_pid
            finally:
                await renderer.close()

    hung, fine, restarts, launches, first_pid = _run(go())
    assert hung.error == "timeout"
    assert first_pid is None  # the hung browser was killed, not kept
    assert restarts == 1 and launches == 2
    assert fine.error == "" and ">built<" in fine.html


def test_over_the_memory_cap_the_browser_is_restarted() -> None:
    require_browser()
    web = _web()

    async def go():
        with VirtualWebProxy(web) as proxy:
            renderer = Renderer("/usr/bin/chromium", proxy=proxy.url, memory_mb=1.0, concurrency=1)
            try:
                first = await renderer.render("http://fine.example.com/", DESKTOP)
                second = await renderer.render("http://fine.example.com/", DESKTOP)
                return first, second, renderer.restarts
            finally:
                await renderer.close()

    first, second, restarts = _run(go())
    assert first.error == second.error == ""
    assert restarts == 2


def test_popups_downloads_and_service_workers_make_no_request() -> None:
    require_browser()
    web = _web()
    before = set(browser_processes())

    async def go():
        with VirtualWebProxy(web) as proxy:
            renderer = Renderer("/usr/bin/chromium", proxy=proxy.url, concurrency=1)
            try:
                return await renderer.render("http://popup.example.com/", DESKTOP)
            finally:
                await renderer.close()

    result = _run(go())
    assert result.error == ""
    assert [url for _, url in web.requests] == ["http://popup.example.com/"]
    assert set(browser_processes()) - before == set()  # closed with the renderer
