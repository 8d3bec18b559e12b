"""The compiled walk (crawler/extraction/_fastwalk.pyx) and the pure-Python one give the same pages.

CI builds the extension and sets ``COBWEB_EXPECT_COMPILED=1``, so that a build
that silently fell back to pure Python fails here instead of only running slower.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.demoweb.generate import build_demo_web
from crawler.extraction import decode_html, extract_artifacts, page
from crawler.extraction import walk as pure

from extraction_cases import CASES, PAGE_URL

try:
    from crawler.extraction import _fastwalk as compiled
except ImportError:
    compiled = None

needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled walk is not built")


@pytest.mark.skipif(os.environ.get("COBWEB_EXPECT_COMPILED") != "1", reason="only where the build must compile")
def test_build_compiled_the_walk():
    assert compiled is not None, "crawler/extraction/_fastwalk.pyx was not built: is there a C compiler?"


@needs_compiled
def test_compiled_walk_is_used_when_built():
    assert page.COMPILED_WALK
    assert page.walk_tree is compiled.walk_tree


def _both(html: str, url: str, monkeypatch) -> tuple[page.ParsedPage, page.ParsedPage]:
    with monkeypatch.context() as m:
        m.setattr(page, "walk_tree", pure.walk_tree)
        slow = page.parse_page(html, url)
    fast = page.parse_page(html, url)
    return slow, fast


def _fields(p: page.ParsedPage) -> dict:
    return {name: getattr(p, name) for name in page.ParsedPage.__slots__}


def _assert_same(html: str, url: str, monkeypatch) -> None:
    slow, fast = _both(html, url, monkeypatch)
    assert _fields(fast) == _fields(slow)


EDGE_CASES = {
    "hidden root element": "<html hidden><body><p>a<a href='/x'>b</a></p></body></html>",
    "nested hidden": "<div style='display:none'>a<p hidden>b<a href='/h'>c</a></p>d</div><p>e</p>",
    "hidden siblings": "<p hidden>a</p><p>b</p><span style='visibility: hidden'>c</span>tail<p>d</p>",
    "hidden leaf": "<p>a<br hidden>b<img hidden src='/i.png'>c</p>",
    "class and id from css": "<style>.hide{display:none} #gone {display: none}</style>"
                             "<p class='x hide'>a</p><p class='hider'>b</p><p id='gone'>c</p><p id='gone2'>d</p>",
    "css after use": "<p class='later'>a</p><style>.later{display:none}</style><p class='later'>b</p>",
    "no title": "<html><body><h1>t</h1><p>x</p></body></html>",
    "two titles": "<title>one</title><title>two</title><p>x</p>",
    "base": "<base href='http://other.example/d/'><a href='x.html'>x</a><a href='/y'>y</a>",
    "links of every kind": "<a href='/a'>1</a><a href='//cdn.example/b'>2</a><a href='https://t.me/x'>3</a>"
                           "<a href='../c'>4</a><a href='/d#f'>5</a><a href='/e f'>6</a><a href='/./g'>7</a>"
                           "<a href='/h\\\\i'>8</a><a href='http://a.example/\u5fae'>9</a><a href=''>10</a>"
                           "<a href>11</a><area href='/area'><a href='javascript:location.href=\"/j\"'>12</a>",
    "entities in attributes": "<a href='/a?x=1&amp;y=2'>1</a><img alt='&#x5fae;&#x4fe1; wx_1' src='/i.png'>",
    "namespaced": "<svg xmlns:xlink='http://www.w3.org/1999/xlink'><a xlink:href='/svg'>s</a></svg>"
                  "<p xml:lang='zh'>x</p>",
    "meta": "<meta http-equiv='refresh' content='0;url=/next'><meta property='og:image' content='/og.png'>"
            "<meta name='description' content='TG @esim1088'>",
    "scripts and styles": "<script>var a='t.me/x';location.href='/go'</script><p>x</p>"
                          "<style>p{background:url(/bg.png)}</style><script src='/s.js'></script>",
    "text in odd places": "before<html>a<head>b</head>c<body>d<p>e</p>f</body>g</html>after",
    "long attribute names": "<p data-a-very-long-attribute-name-indeed='微信 wx_123' "
                            "data-another-long-attribute-name-here='x'>a</p>",
    "upper case": "<P STYLE='DISPLAY:NONE'>a</P><A HREF='/U'>u</A><DIV CLASS='X'>b</DIV>",
    "empty": "",
    "text only": "just text 微信 wx_1",
    "hidden at the end": "<p>a</p><div hidden>b</div>",
    "block tails": "<ul><li>a</li>b<li>c<br>d</li></ul>e<table><tr><td>f</td><td>g</td></tr></table>",
    "nested 10,000 deep (flattened)": ("<p>a</p>" + "<div class='w'>" * 10_000 + "<p>WhatsApp: <a href='https://wa.me/85261234567'>+852 6123 4567</a>"
                                       "<span hidden>h<img src='/i.png'></span></p>" + "</div>" * 10_000 + "<p>after</p>"),
}


@needs_compiled
@pytest.mark.parametrize("html", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_same_on_edge_cases(html, monkeypatch):
    _assert_same(html, "http://blog.spam-site.com/p/1.html", monkeypatch)


@needs_compiled
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_on_extraction_cases(case, monkeypatch):
    _assert_same(case.html, PAGE_URL, monkeypatch)


@needs_compiled
def test_same_on_every_demo_page(monkeypatch):
    web = build_demo_web().web
    compared = 0
    for url in web.urls():
        resource = web.resolve("GET", url)
        content_type = resource.headers.get("Content-Type")
        if resource.status != 200 or not isinstance(resource.body, bytes) or "html" not in (content_type or "html"):
            continue
        html = decode_html(resource.body, content_type)
        _assert_same(html, url, monkeypatch)
        slow, fast = _both(html, url, monkeypatch)
        assert extract_artifacts(html, url, parsed=fast) == extract_artifacts(html, url, parsed=slow)
        compared += 1
    assert compared >= 100


_PIECES = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<li>", "<br>", "<span hidden>", "</span>", "<b>", "</b>",
    "<div style='display:none'>", "<p style='visibility:hidden'>", "<style>.h{display:none}</style>",
    "<i class='h'>", "</i>", "<a href='/x'>", "<a href='https://t.me/s/abc'>", "<a href='../r'>", "</a>",
    "<img src='/i.png' srcset='a.png 2x'>", "<script>t.me/x</script>", "<title>", "</title>",
    "<base href='http://b.example/'>", "<meta content='微信 wx_1' name='d'>", "<p id='x' title='@abc'>",
    "<html>", "</html>", "<body>", "<table><tr><td>", "</td></tr></table>", "&amp;", "&#x5fae;",
])
_HTML = st.lists(_PIECES | st.text(st.sampled_from(list("ab 微信@./\n<>'\"=")), max_size=8), max_size=40).map("".join)


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(_HTML)
def test_same_on_generated_html(monkeypatch, html):
    _assert_same(html, "http://a.example/d/p.html", monkeypatch)
