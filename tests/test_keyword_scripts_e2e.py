"""End to end: a Big5 page in Traditional script is collected by a Simplified keyword.

The synthetic web is served on loopback (crawler/demoweb/server.py); the crawl
runs in a subprocess like the other end-to-end crawls.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.demoweb.server import VirtualWeb, VirtualWebProxy, html_resource
from crawler.store import PageStore, store_path
from test_crawl_e2e import cobweb, finish

pytestmark = pytest.mark.e2e

BIG5_URL = "http://leb-tw.example.com/renew.html"
BIG5_HTML = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5">'
    "<title>LEB卡怎麼續費？</title></head><body>"
    "<p>香港LEB卡續費教程：三步完成。請聯繫飛機號：esim1088</p></body></html>"
)


def scripts_web() -> VirtualWeb:
    web = VirtualWeb()
    web.add("http://hub.example.org/", html_resource(
        "<html><head><title>导航</title></head><body><p>每日链接</p>"
        f'<a href="{BIG5_URL}">1</a> <a href="http://weather.example.net/">2</a></body></html>'))
    # Big5 bytes, declared only in the page's <meta> (no charset in the Content-Type header)
    web.add(BIG5_URL, html_resource(BIG5_HTML, charset="big5", declare=False))
    web.add("http://weather.example.net/", html_resource(
        "<html><head><title>天氣</title></head><body><p>明天有雨</p></body></html>",
        charset="big5", declare=False))
    return web


def test_big5_traditional_page_found_by_simplified_keyword(tmp_path: Path) -> None:
    assert "續費".encode("big5")  # the page really is Big5-encodable Traditional script
    run = tmp_path / "run"
    with VirtualWebProxy(scripts_web()) as proxy:
        finish(cobweb("crawl", "http://hub.example.org/", "-k", "续费", "-o", str(run),
                      "--depth", "2", "--proxy", proxy.url))
    with PageStore(store_path(run)) as store:
        pages = list(store.iter_pages(with_text=True))
        assert [p.url for p in pages] == [BIG5_URL]
        page = pages[0]
        assert page.title.startswith("LEB卡怎麼續費") and "續費教程" in page.text
        assert page.keywords == ["续费"]
        assert store.keyword_forms(page.id) == {"续费": "續費"}
        labels = {(kind, label) for _, kind, label in store.iter_page_artifacts()}
    # the Traditional marker 飛機號 names Telegram as its Simplified twin 飞机号 does
    assert ("handle", "telegram:esim1088") in labels
