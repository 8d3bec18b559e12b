"""Build the demo web: four planted campaigns, benign and off-topic pages, one seed list.

:func:`build_demo_web` is deterministic: one seed, one web (the seed picks the
articles' wording; sites, URLs, contacts and links do not change).

Planted campaigns (:data:`PLANTED`):

- ``esim-telegram``: eSIM renewal tutorials in the seeds' style on 16 sites,
  each ending with one Telegram handle and one postimg image; some pages spell
  the handle in obfuscated ways, two are GBK, one is reached only through an
  HTTP redirect doorway.
- ``esim-whatsapp``: the same topic, another actor (a WhatsApp number, another
  image host); two pages in Big5, one reached only through a meta refresh.
- ``usdt-wechat``: fake USDT investment whose actor rotates WeChat and QQ
  contacts but keeps its Google tag, Tag Manager container and wallets.
- ``esim-topup``: eSIM top-up resellers tied only by one Baidu Tongji id.

>>> demo = build_demo_web()
>>> len(demo.truth) >= 80, len(demo.seeds), demo.keywords
(True, 5, ['esim', '续费', 'USDT'])
>>> sorted({c for c in demo.truth.values() if c})
['esim-telegram', 'esim-topup', 'esim-whatsapp', 'usdt-wechat']
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from crawler.demoweb import benign_text, contacts, content, offtopic_text, sites
from crawler.demoweb.layout import article_html, link_list, render_page
from crawler.demoweb.server import VirtualWeb, html_resource, redirect

__all__ = ["DemoWeb", "PlantedCampaign", "PLANTED", "KEYWORDS", "build_demo_web"]

KEYWORDS = ["esim", "续费", "USDT"]

Declared = Literal["header", "meta", "both", "none"]


@dataclass(frozen=True, slots=True)
class PlantedCampaign:
    """A campaign planted in the demo web and the artifacts that must tie it."""

    name: str
    description: str
    evidence: dict[str, tuple[str, ...]]


PLANTED: dict[str, PlantedCampaign] = {
    "esim-telegram": PlantedCampaign(
        "esim-telegram", "eSIM renewal tutorials ending with one Telegram handle and image",
        {"handle": (f"telegram:{contacts.TG_HANDLE}",), "image": (contacts.TG_IMAGE,)}),
    "esim-whatsapp": PlantedCampaign(
        "esim-whatsapp", "the same topic, another actor: a WhatsApp number, another image host",
        {"handle": (f"whatsapp:{contacts.WA_NUMBER}",), "image": (contacts.WA_IMAGE,)}),
    "usdt-wechat": PlantedCampaign(
        "usdt-wechat", "fake USDT investment rotating WeChat/QQ contacts, one tracker and wallet",
        {"tracking_id": (f"ga4:{contacts.USDT_GA4}", f"gtm:{contacts.USDT_GTM}"),
         "wallet": (f"tron:{contacts.USDT_TRON}",)}),
    "esim-topup": PlantedCampaign(
        "esim-topup", "eSIM top-up resellers tied only by a Baidu Tongji id",
        {"tracking_id": (f"baidu:{contacts.TOPUP_BAIDU}",)}),
}


@dataclass(slots=True)
class DemoWeb:
    """The demo web, its seeds and keywords, and the ground truth.

    ``truth`` maps every HTML page URL to its planted campaign name, or None
    for benign, off-topic and hub pages. ``encodings`` maps the pages not
    served as declared UTF-8 to ``(charset, where it is declared)``;
    ``obfuscated`` maps pages whose contact is spelled to evade filters to
    the spelling's name; ``doorways`` maps doorway URLs to their target.
    """

    web: VirtualWeb
    seeds: list[str]
    keywords: list[str]
    truth: dict[str, str | None]
    planted: dict[str, PlantedCampaign] = field(default_factory=lambda: dict(PLANTED))
    encodings: dict[str, tuple[str, Declared]] = field(default_factory=dict)
    obfuscated: dict[str, str] = field(default_factory=dict)
    doorways: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Page:
    url: str
    campaign: str | None
    title: str
    body: str
    related: list[str] = field(default_factory=list)
    footer: list[tuple[str, str]] = field(default_factory=list)
    head_extra: str = ""
    h1_extra: str = ""
    lang: str = "zh-CN"
    charset: str = "utf-8"
    declared: Declared = "both"


# Page counts of the planted campaigns.
_N_TELEGRAM, _N_WHATSAPP, _N_USDT, _N_TOPUP = 36, 16, 16, 6

# Telegram-actor pages whose contact is spelled to evade filters, and its encoded pages.
_TG_STYLE_BY_INDEX = {5: "fullwidth", 6: "zerowidth", 7: "spaced", 8: "nbsp", 9: "hidden",
                      10: "mixedcase", 11: "variants"}
_TG_ENCODING_BY_INDEX: dict[int, tuple[str, Declared]] = {12: ("gbk", "header"),
                                                          13: ("gbk", "none")}
_WA_STYLE_BY_INDEX = {3: "api", 4: "text", 8: "fullwidth", 11: "api"}
_WA_BIG5_BY_INDEX: dict[int, Declared] = {5: "meta", 6: "header"}
_USDT_ENCODING_BY_INDEX: dict[int, tuple[str, Declared]] = {7: ("gbk", "meta")}


def _site_name(host: str) -> str:
    labels = host.split(".")
    return labels[1] if labels[0] in ("www", "bbs", "sports") else labels[0]


def _url(host: str, path: str) -> str:
    return f"http://{host}{path}"


def _rng(seed: int, url: str) -> random.Random:
    return random.Random(f"{seed}:{url}")


def _campaign_urls(hosts: tuple[str, ...], slugs: tuple[str, ...], n: int) -> list[str]:
    return [_url(hosts[i % len(hosts)], sites.post_path(hosts[i % len(hosts)],
                                                        slugs[i % len(slugs)], i))
            for i in range(n)]


_FARM = _url(sites.FARM_HOST, "/")
_DIRECTORY = _url(sites.DIRECTORY_HOST, "/")
_HUB_FOOTER = [(_FARM, "eSIM续费导航"), (_DIRECTORY, "网址大全")]


def _ring(urls: list[str], i: int, k: int, skip: str | None = None) -> list[str]:
    """The next ``k`` URLs after ``urls[i]``, cyclically, leaving out ``skip``."""
    out = []
    for step in range(1, len(urls)):
        u = urls[(i + step) % len(urls)]
        if u != skip and u != urls[i]:
            out.append(u)
        if len(out) == k:
            break
    return out


def _telegram_pages(seed: int, demo: DemoWeb) -> list[_Page]:
    urls = _campaign_urls(sites.TELEGRAM_SITES, ("leb-ka-xufei", "esim-xufei-jiaocheng",
                                                 "liuliangka-xufei", "leb-esim-chongzhi",
                                                 "esim-daoqi-xufei"), _N_TELEGRAM)
    doorway_only = urls[-1]
    demo.doorways[sites.REDIRECT_DOORWAY] = doorway_only
    pages = []
    for i, url in enumerate(urls):
        art = content.esim_article(_rng(seed, url), "telegram")
        charset, declared = _TG_ENCODING_BY_INDEX.get(i, ("utf-8", "both"))
        style = _TG_STYLE_BY_INDEX.get(i) or ("link" if charset == "utf-8" else "link_no_emoji")
        if i in _TG_STYLE_BY_INDEX:
            demo.obfuscated[url] = style
        h = contacts.TG_HANDLE
        h1_extra = (f'<a href="https://t.me/s/{h}">[TG🚀+ @{h}]</a>' if style == "link" else "")
        pages.append(_Page(url, "esim-telegram", art.title,
                           article_html(art) + "\n" + contacts.telegram_block(style),
                           related=_ring(urls, i, 3, skip=doorway_only), footer=_HUB_FOOTER,
                           h1_extra=h1_extra, charset=charset, declared=declared))
    return pages


def _whatsapp_pages(seed: int, demo: DemoWeb) -> list[_Page]:
    urls = _campaign_urls(sites.WHATSAPP_SITES, ("esim-zengzhi", "esim-xufei-shuoming",
                                                 "esim-chongzhi-hk"), _N_WHATSAPP)
    doorway_only = urls[-1]
    demo.doorways[sites.META_DOORWAY] = doorway_only
    pages = []
    for i, url in enumerate(urls):
        rng = _rng(seed, url)
        style = _WA_STYLE_BY_INDEX.get(i, "link")
        if style == "fullwidth":
            demo.obfuscated[url] = style
        if i in _WA_BIG5_BY_INDEX:
            art = content.esim_article_hant(rng)
            body = article_html(art) + "\n<p>標籤：esim、續費、增值</p>\n"
            body += contacts.whatsapp_block(style, hant=True)
            pages.append(_Page(url, "esim-whatsapp", art.title, body,
                               related=_ring(urls, i, 2, skip=doorway_only),
                               footer=[(_FARM, "eSIM導航")], lang="zh-HK", charset="big5",
                               declared=_WA_BIG5_BY_INDEX[i]))
            continue
        art = content.esim_article(rng, "whatsapp")
        pages.append(_Page(url, "esim-whatsapp", art.title,
                           article_html(art) + "\n" + contacts.whatsapp_block(style),
                           related=_ring(urls, i, 2, skip=doorway_only), footer=_HUB_FOOTER))
    return pages


def _usdt_pages(seed: int, demo: DemoWeb) -> list[_Page]:
    urls = _campaign_urls(sites.USDT_SITES, ("usdt-licai", "usdt-banzhuan", "wenbi-shouyi"),
                          _N_USDT)
    doorway_only = urls[-1]
    demo.doorways[sites.JS_DOORWAY] = doorway_only
    pages = []
    for i, url in enumerate(urls):
        art = content.usdt_article(_rng(seed, url))
        charset, declared = _USDT_ENCODING_BY_INDEX.get(i, ("utf-8", "both"))
        body = "\n".join([article_html(art), contacts.usdt_contacts(i), contacts.usdt_wallet(i)])
        pages.append(_Page(url, "usdt-wechat", art.title, body,
                           related=_ring(urls, i, 2, skip=doorway_only),
                           footer=[(_DIRECTORY, "网址大全")],
                           head_extra=contacts.usdt_tracking_head(),
                           charset=charset, declared=declared))
    return pages


def _topup_pages(seed: int) -> list[_Page]:
    urls = _campaign_urls(sites.TOPUP_SITES, ("esim-daichong", "huafei-chongzhi"), _N_TOPUP)
    form = ('<form action="/order" method="post"><label>卡号 <input name="iccid"></label>'
            '<label>套餐 <select name="plan"><option>7天</option><option>30天</option>'
            '</select></label><button>提交订单</button></form>')
    return [_Page(url, "esim-topup", art.title, article_html(art) + "\n" + form,
                  related=_ring(urls, i, 2), footer=[(_FARM, "eSIM续费导航")],
                  head_extra=contacts.topup_tracking_head())
            for i, url in enumerate(urls)
            for art in [content.topup_article(_rng(seed, url))]]


def _doorway_pages(demo: DemoWeb) -> list[_Page]:
    wa_target = demo.doorways[sites.META_DOORWAY]
    usdt_target = demo.doorways[sites.JS_DOORWAY]
    return [
        _Page(sites.META_DOORWAY, "esim-whatsapp", "eSIM续费 正在跳转",
              f'<p>正在跳转到续费页面…… 如果没有自动跳转，请<a href="{wa_target}">点击这里</a>。</p>'
              + contacts.whatsapp_block("link"),
              head_extra=f'<meta http-equiv="refresh" content="0; url={wa_target}">'),
        _Page(sites.JS_DOORWAY, "usdt-wechat", "USDT理财 正在进入",
              f'<p>正在进入理财平台…… <a href="{usdt_target}">手动进入</a></p>'
              f'<script>window.location.href = "{usdt_target}";</script>',
              head_extra=contacts.usdt_tracking_head()),
    ]


def _benign_pages() -> list[_Page]:
    pages: list[_Page] = []
    news = [_url(sites.NEWS_HOST, f"/{p}.html") for p in
            ("2025/0612/esim-scam", "2025/0618/usdt-scam", "2025/0520/esim-carriers")]
    stories = [benign_text.warning_story(contacts.TG_HANDLE),
               benign_text.crypto_warning_story(), benign_text.carrier_story()]
    news_index = _url(sites.NEWS_HOST, "/")
    pages.append(_Page(news_index, None, benign_text.NEWS_INDEX_TITLE,
                       link_list("今日要闻", [(u, s.title) for u, s in zip(news, stories)])))
    for i, (url, story) in enumerate(zip(news, stories)):
        pages.append(_Page(url, None, story.title, article_html(story),
                           related=_ring(news, i, 2), footer=[(news_index, "快讯日报首页")]))

    carrier_index = _url(sites.CARRIER_HOST, "/help/esim/")
    faq = [(_url(sites.CARRIER_HOST, f"/help/esim/{slug}.html"), q, a)
           for slug, q, a in benign_text.CARRIER_FAQ]
    pages.append(_Page(carrier_index, None, "远航移动 eSIM 帮助中心",
                       "<p>关于eSIM开通、续费与转移的常见问题。</p>"
                       + link_list("常见问题", [(u, q) for u, q, _ in faq])))
    for i, (url, q, a) in enumerate(faq):
        pages.append(_Page(url, None, q, f"<p>{escape(a)}</p>",
                           related=[u for u, _, _ in faq[i + 1:i + 3]],
                           footer=[(carrier_index, "帮助中心")]))

    forum_index = _url(sites.FORUM_HOST, "/")
    threads = [(_url(sites.FORUM_HOST, f"/{slug}.html"), title, posts)
               for slug, title, posts in benign_text.FORUM_THREADS]
    pages.append(_Page(forum_index, None, "Sim卡论坛 - 出境通信交流",
                       link_list("最新帖子", [(u, t) for u, t, _ in threads])))
    for url, title, posts in threads:
        pages.append(_Page(url, None, title, "\n".join(f"<p>{escape(p)}</p>" for p in posts),
                           footer=[(forum_index, "论坛首页")]))

    travel = [(_url(sites.TRAVEL_HOST, f"/{path}"), title, paras)
              for path, title, paras in benign_text.TRAVEL_POSTS]
    for i, (url, title, paras) in enumerate(travel):
        pages.append(_Page(url, None, title, "\n".join(f"<p>{escape(p)}</p>" for p in paras),
                           related=[u for u, _, _ in travel if u != url]))
    path, title, paras = benign_text.TECH_NOTE
    pages.append(_Page(_url(sites.TECH_HOST, f"/{path}"), None, title,
                       "\n".join(f"<p>{escape(p)}</p>" for p in paras)))
    return pages


def _offtopic_pages() -> list[_Page]:
    pages: list[_Page] = []
    groups = ((sites.RECIPES_HOST, offtopic_text.RECIPES, "zh-CN"),
              (sites.GARDEN_HOST, offtopic_text.GARDEN, "en"),
              (sites.SPORTS_HOST, offtopic_text.SPORTS, "zh-CN"),
              (sites.WEATHER_HOST, (offtopic_text.WEATHER,), "zh-CN"))
    for host, entries, lang in groups:
        urls = [_url(host, f"/{path}") for path, _, _ in entries]
        home = (_url(host, "/"), "Home" if lang == "en" else "首页")
        if host == sites.RECIPES_HOST:
            pages.append(_Page(home[0], None, "家常菜谱大全",
                               link_list("最新菜谱", [(u, t) for u, (_, t, _) in
                                                     zip(urls, entries)])))
        for i, (url, (_, title, paras)) in enumerate(zip(urls, entries)):
            pages.append(_Page(url, None, title, "\n".join(f"<p>{escape(p)}</p>" for p in paras),
                               related=_ring(urls, i, 2), footer=[home], lang=lang))
    return pages


def _farm_page(telegram: list[_Page], whatsapp: list[_Page], topup: list[_Page],
               demo: DemoWeb) -> _Page:
    hidden = set(demo.doorways.values())
    entries = [(p.url, p.title) for p in telegram + whatsapp if p.url not in hidden]
    entries += [(sites.REDIRECT_DOORWAY, "LEB卡续费快速入口"),
                (sites.META_DOORWAY, "eSIM续费急速通道")]
    body = ("<p>收录全网eSIM、流量卡续费教程，每日更新。</p>"
            + link_list("续费教程", entries)
            + link_list("代充服务", [(p.url, p.title) for p in topup])
            + link_list("更多", [(_DIRECTORY, "网址大全"),
                               (_url(sites.NEWS_HOST, "/"), benign_text.NEWS_INDEX_TITLE)]))
    return _Page(_FARM, None, "eSIM续费导航 - 流量卡教程大全", body)


def _directory_page(usdt: list[_Page], others: list[_Page], demo: DemoWeb) -> _Page:
    hidden = set(demo.doorways.values())
    body = ("<p>实用网站导航：理财、通信、生活、体育。</p>"
            + link_list("理财", [(p.url, p.title) for p in usdt if p.url not in hidden]
                        + [(sites.JS_DOORWAY, "USDT理财平台入口")])
            + link_list("生活与资讯", [(p.url, p.title) for p in others])
            + link_list("导航", [(_FARM, "eSIM续费导航")]))
    return _Page(_DIRECTORY, None, "网址大全 - 实用网站导航", body)


def _serve(page: _Page, titles: dict[str, str], demo: DemoWeb) -> None:
    host = page.url.split("/")[2]
    meta = page.charset if page.declared in ("meta", "both") else None
    html = render_page(page.url, page.title, page.body, site_name=_site_name(host),
                       related=[(u, titles[u]) for u in page.related], footer=page.footer,
                       head_extra=page.head_extra, lang=page.lang, meta_charset=meta,
                       blogger=sites.is_blogger(host), h1_extra=page.h1_extra)
    # Characters the page's charset lacks (simplified titles on a Big5 page) become
    # numeric character references, as a CMS would write them.
    html = html.encode(page.charset, "xmlcharrefreplace").decode(page.charset)
    resource = html_resource(html, charset=page.charset,
                             declare=page.declared in ("header", "both"))
    demo.web.add(page.url, resource)
    demo.truth[page.url] = page.campaign
    if (page.charset, page.declared) != ("utf-8", "both"):
        demo.encodings[page.url] = (page.charset, page.declared)


def build_demo_web(seed: int = 0) -> DemoWeb:
    """Build the demo web; the same ``seed`` always gives the same web, byte for byte."""
    demo = DemoWeb(web=VirtualWeb(), seeds=[], keywords=list(KEYWORDS), truth={})
    telegram = _telegram_pages(seed, demo)
    whatsapp = _whatsapp_pages(seed, demo)
    usdt = _usdt_pages(seed, demo)
    topup = _topup_pages(seed)
    benign = _benign_pages()
    offtopic = _offtopic_pages()
    pages = telegram + whatsapp + usdt + topup + _doorway_pages(demo) + benign + offtopic
    pages.append(_farm_page(telegram, whatsapp, topup, demo))
    pages.append(_directory_page(usdt, benign + offtopic, demo))
    titles = {p.url: p.title for p in pages}
    for page in pages:
        _serve(page, titles, demo)
    demo.web.add(sites.REDIRECT_DOORWAY, redirect(demo.doorways[sites.REDIRECT_DOORWAY], 302))
    demo.seeds = [p.url for p in telegram[:5]]
    return demo
