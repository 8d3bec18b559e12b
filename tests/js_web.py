"""A synthetic web of script-built, JS-redirecting and cloaking pages (issue 12).

Served by :class:`crawler.demoweb.server.VirtualWeb` through the loopback
forward proxy like the demo web; every site is made up, the texts are written
for this fixture. The hub (seed) links every page:

=================================== =============================================================
page                                what a browser sees that static HTML does not
=================================== =============================================================
``charcode-esim.com/``              a Telegram link built from character codes
``timer-esim.com/``                 a WeChat id injected after a 1 s timer
``docwrite-esim.com/``              ``document.write`` of a base64 contact block (WhatsApp)
``hop-esim.com/``                   a JS redirect after 2 s to ``landing-esim.com/`` (the target
                                    is assembled, so static HTML does not show it)
``referer-esim.com/``               spam (Telegram) only with a search-engine Referer
``phone-esim.com/``                 spam (WeChat) only to a phone User-Agent
``bot-esim.com/``                   spam (Telegram) only to crawler and search-bot User-Agents
``shop-esim.com/``, ``spa-esim.com/`` benign: heavy JS, one static e-mail, nothing hidden
``robots-esim.com/``                an iframe, a meta refresh inside an allowed iframe and a JS
                                    redirect, all to paths its robots.txt disallows
``hostile-esim.com/``               tries 127.0.0.1 (the proxy's port too), 169.254.169.254 and
                                    10.0.0.5 with fetch(), <img>, <iframe>, a WebSocket, a
                                    script that redirects to 169.254.169.254, and a JS redirect
                                    to loopback; ``file:`` and ``ftp:`` iframes and a JS
                                    redirect to ``file:`` (Chromium blocks those itself)
=================================== =============================================================

Every page mentions the keyword ``esim`` in static text except ``hop-esim.com``
(a bare redirect page) and ``spa-esim.com`` (an empty body the script fills).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.demoweb.server import Resource, VirtualWeb, html_resource, redirect

__all__ = ["JsWeb", "build_js_web", "KEYWORDS", "HUB"]

KEYWORDS = ("esim",)
HUB = "http://js-hub-portal.com/"
SEARCH_REFERERS = ("baidu.com/s", "google.com/search", "bing.com/search")
BOT_WORDS = ("bot", "crawler", "spider")
PHONE_WORDS = ("Mobile", "Android", "iPhone")


def _page(title: str, body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>")


_TRAVEL = ("<p>Travel eSIM plans for Lebanon: data bundles that work on arrival, with top-ups "
           "for long stays. Compare coverage before you fly and keep your home number.</p>")


def _charcode_js(text: str) -> str:
    return "String.fromCharCode(" + ",".join(str(ord(c)) for c in text) + ")"


def _cloak(header: str, words: tuple[str, ...], spam: str, innocent: str) -> Callable:
    def handler(method: str, url: str, count: int, headers: dict[str, str]) -> Resource:
        value = next((v for k, v in headers.items() if k.lower() == header.lower()), "")
        return html_resource(spam if any(w in value for w in words) else innocent)
    return handler


@dataclass
class JsWeb:
    """The web, its seed, and what a complete rendered crawl must find."""

    web: VirtualWeb
    seeds: list[str]
    keywords: list[str]
    #: page URL -> contact node ids only a browser sees there
    rendered_contacts: dict[str, set[str]] = field(default_factory=dict)
    #: JS redirects: page URL -> target
    js_redirects: dict[str, str] = field(default_factory=dict)
    #: cloaking page URL -> the views that must be named
    cloaking: dict[str, set[str]] = field(default_factory=dict)
    benign: list[str] = field(default_factory=list)
    #: page URL -> the navigations of its browser that robots.txt disallows
    robots_refused: dict[str, set[str]] = field(default_factory=dict)
    #: page URL -> the non-http URLs its browser is asked to load
    scheme_refused: dict[str, set[str]] = field(default_factory=dict)
    forbidden_hosts: tuple[str, ...] = ("127.0.0.1", "169.254.169.254", "10.0.0.5")


def build_js_web(proxy_port: int | None = None) -> JsWeb:
    """The JS test web; ``proxy_port`` is the port the hostile page aims at (the proxy's)."""
    web = VirtualWeb()
    out = JsWeb(web, [HUB], list(KEYWORDS))
    port = proxy_port or 8899
    links = []

    def add(url: str, html: str) -> None:
        web.add(url, html_resource(html))
        links.append(url)

    url = "http://charcode-esim.com/"
    add(url, _page("eSIM help", _TRAVEL + "<div id=c>Contact: loading…</div><script>"
                   f"var h={_charcode_js('esimdesk_lb')};"
                   "document.getElementById('c').innerHTML="
                   "'Contact: <a href=\"https://t.me/'+h+'\">Telegram</a>';</script>"))
    out.rendered_contacts[url] = {"handle:telegram:esimdesk_lb"}

    url = "http://timer-esim.com/"
    add(url, _page("eSIM renew", _TRAVEL + "<div id=w></div><script>setTimeout(function(){"
                   "document.getElementById('w').textContent='加微信：esim_renew88';},1000);</script>"))
    out.rendered_contacts[url] = {"handle:wechat:esim_renew88"}

    block = base64.b64encode('<p>WhatsApp us: <a href="https://wa.me/96170123456">chat</a></p>'
                             .encode()).decode()
    url = "http://docwrite-esim.com/"
    add(url, _page("eSIM shop", _TRAVEL + f"<script>document.write(atob('{block}'));</script>"))
    out.rendered_contacts[url] = {"handle:whatsapp:96170123456"}

    url = "http://hop-esim.com/"
    add(url, _page("Moving", "<p>One moment…</p><script>setTimeout(function(){"
                   "window.location.href=['http://landing','esim.com/'].join('-');},2000);</script>"))
    web.add("http://landing-esim.com/", html_resource(_page(
        "eSIM landing", _TRAVEL + '<p>Order: <a href="https://t.me/esim_landing_lb">Telegram</a></p>')))
    out.js_redirects[url] = "http://landing-esim.com/"

    spam_tg = _page("eSIM deal", _TRAVEL + '<p>Buy now: <a href="https://t.me/esim_cloak_ref">Telegram</a></p>')
    url = "http://referer-esim.com/"
    web.add_header_handler("referer-esim.com", _cloak("Referer", SEARCH_REFERERS, spam_tg,
                                                _page("eSIM guide", _TRAVEL)))
    links.append(url)
    out.cloaking[url] = {"search"}

    url = "http://phone-esim.com/"
    web.add_header_handler("phone-esim.com", _cloak("User-Agent", PHONE_WORDS, _page(
        "eSIM phone", _TRAVEL + "<p>加微信：esim_phone77</p>"), _page("eSIM guide", _TRAVEL)))
    links.append(url)
    out.cloaking[url] = {"phone"}

    url = "http://bot-esim.com/"
    web.add_header_handler("bot-esim.com", _cloak("User-Agent", BOT_WORDS, _page(
        "eSIM bot", _TRAVEL + '<p><a href="https://t.me/esim_bot_seo">Telegram</a></p>'),
        _page("eSIM guide", _TRAVEL)))
    links.append(url)
    out.cloaking[url] = {"crawler", "searchbot"}

    url = "http://shop-esim.com/"
    add(url, _page("eSIM store", _TRAVEL + "<p>Mail: sales@shop-esim.com</p><ul id=p></ul>"
                   "<iframe src='about:blank'></iframe><iframe src=\"javascript:''\"></iframe>"
                   + "".join(f"<script src=/js/lib{i}.js></script>" for i in range(5))
                   + "<script>var names=JSON.parse(atob('WyJMZWJhbm9uIDVHQiIsIlR1cmtleSAxMEdCIl0='));"
                   "names.forEach(function(n){var li=document.createElement('li');li.textContent=n;"
                   "document.getElementById('p').appendChild(li);});"
                   "setInterval(function(){document.title='eSIM store '+Date.now()%7;},500);</script>"))
    for i in range(5):
        web.add(f"http://shop-esim.com/js/lib{i}.js", Resource(
            headers={"Content-Type": "application/javascript"}, body=f"window.lib{i}=1;".encode()))
    out.benign.append(url)

    url = "http://spa-esim.com/"
    add(url, _page("App", "<div id=app></div><script>document.getElementById('app').innerHTML="
                   "'<h1>eSIM app</h1><p>Data plans for travellers. Write to help@spa-esim.com</p>';"
                   "</script>"))
    out.benign.append(url)

    url = "http://robots-esim.com/"
    web.add("http://robots-esim.com/robots.txt", Resource(
        headers={"Content-Type": "text/plain"}, body=b"User-agent: *\nDisallow: /private/\n"))
    web.add("http://robots-esim.com/frame.html", html_resource(
        "<meta http-equiv=refresh content='0;url=/private/meta.html'><p>one moment</p>"))
    for path in ("frame", "meta", "landing"):
        web.add(f"http://robots-esim.com/private/{path}.html", html_resource(_page("Private", "<p>esim</p>")))
    add(url, _page("eSIM rules", _TRAVEL + "<iframe src='/private/frame.html'></iframe>"
                   "<iframe src='/frame.html'></iframe><script>setTimeout(function(){"
                   "location.href=['/private','landing.html'].join('/');},1000);</script>"))
    out.robots_refused[url] = {f"http://robots-esim.com/private/{p}.html" for p in ("frame", "meta", "landing")}
    out.benign.append(url)

    url = "http://hostile-esim.com/"
    out.scheme_refused[url] = {"file:///etc/passwd", "file:///etc/shadow", "ftp://files-esim.com/pub/"}
    web.add("http://hostile-esim.com/lib.js", redirect("http://169.254.169.254/latest/meta-data/", 302))
    add(url, _page("eSIM offers", _TRAVEL + (
        f"<img src='http://169.254.169.254/latest/meta-data/iam/'>"
        f"<script src='http://hostile-esim.com/lib.js'></script>"
        f"<iframe src='http://10.0.0.5/admin'></iframe>"
        f"<iframe src='file:///etc/passwd'></iframe>"
        f"<iframe src='ftp://files-esim.com/pub/'></iframe>"
        f"<script>fetch('http://127.0.0.1:{port}/').catch(function(){{}});"
        f"fetch('http://169.254.169.254/latest/user-data').catch(function(){{}});"
        f"try{{new WebSocket('ws://127.0.0.1:{port}/ws');}}catch(e){{}}"
        f"setTimeout(function(){{location.href='file:///etc/shadow';}},500);"
        f"setTimeout(function(){{location.href='http://127.0.0.1:{port}/steal';}},1500);</script>")))

    web.add(HUB, html_resource(_page("eSIM links", "<p>Links about esim</p>" + "".join(
        f'<a href="{u}">{u}</a> ' for u in links))))
    return out
