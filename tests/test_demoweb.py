"""The demo web: deterministic, reachable from its seeds, encoded and obfuscated as planted,
and pointing nowhere outside itself but at the common furniture, messaging and image hosts."""

from __future__ import annotations

import http.client
import re
import unicodedata
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.demoweb import contacts, sites
from crawler.demoweb.generate import PLANTED, DemoWeb, build_demo_web
from crawler.demoweb.truth import compare_campaigns, format_comparison
from crawler.urls import canonical_url

_JS_LOCATION = re.compile(r"""location(?:\.href)?\s*=\s*["']([^"']+)""")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


@pytest.fixture(scope="module")
def demo() -> DemoWeb:
    return build_demo_web(seed=0)


def _html(demo: DemoWeb, url: str) -> str:
    charset = demo.encodings.get(url, ("utf-8", "both"))[0]
    return demo.web.resolve("GET", url).body.decode(charset)


def _doc(demo: DemoWeb, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(_html(demo, url))


def _followed(demo: DemoWeb, url: str) -> list[str]:
    """What a crawler follows from ``url``: links, meta refresh, JS location, Location."""
    res = demo.web.resolve("GET", url)
    if "Location" in res.headers:
        return [urljoin(url, res.headers["Location"])]
    if res.status != 200:
        return []
    html = _html(demo, url)
    doc = lxml.html.fromstring(html)
    out = [urljoin(url, h) for h in doc.xpath("//a/@href")]
    for content in doc.xpath("//meta[@http-equiv='refresh']/@content"):
        out.append(urljoin(url, content.split("url=", 1)[1].strip()))
    out += [urljoin(url, m) for m in _JS_LOCATION.findall(html)]
    return [u for u in out if u.startswith("http")]


def _all_references(demo: DemoWeb, url: str) -> list[str]:
    """Every absolute URL a page refers to: links, images, scripts, stylesheets."""
    doc = _doc(demo, url)
    refs = doc.xpath("//a/@href | //img/@src | //script/@src | //link/@href")
    html = _html(demo, url)
    refs += re.findall(r"""https?://[^\s"'<>;]+""", " ".join(doc.xpath("//script/text()")))
    refs += [m for m in _JS_LOCATION.findall(html)]
    return [urljoin(url, r) for r in refs if not r.startswith("tg:")]


def _depths(demo: DemoWeb) -> dict[str, int]:
    depth = {u: 0 for u in demo.seeds}
    queue = deque(demo.seeds)
    while queue:
        url = queue.popleft()
        if urlsplit(url).hostname not in demo.web.hosts():
            continue
        for nxt in _followed(demo, url):
            nxt = canonical_url(nxt)
            if nxt not in depth:
                depth[nxt] = depth[url] + 1
                queue.append(nxt)
    return depth


def test_same_seed_same_web_byte_for_byte(demo):
    again = build_demo_web(seed=0)
    assert again.web.urls() == demo.web.urls()
    assert again.truth == demo.truth and again.seeds == demo.seeds
    for url in demo.web.urls():
        assert again.web.resolve("GET", url).body == demo.web.resolve("GET", url).body


def test_another_seed_rewords_but_keeps_the_structure(demo):
    other = build_demo_web(seed=1)
    assert other.truth == demo.truth
    changed = [u for u in demo.truth
               if other.web.resolve("GET", u).body != demo.web.resolve("GET", u).body]
    assert len(changed) > 30


def test_size_and_campaigns(demo):
    counts = Counter(demo.truth.values())
    assert 80 <= len(demo.truth) <= 200
    assert set(PLANTED) <= set(counts)
    assert all(counts[name] >= 5 for name in PLANTED)
    assert counts[None] >= 20  # benign, hub and off-topic pages
    assert all(demo.truth[s] == "esim-telegram" for s in demo.seeds)
    assert demo.keywords == ["esim", "续费", "USDT"]


def test_truth_urls_are_canonical(demo):
    assert all(canonical_url(u) == u for u in demo.truth)


def test_every_page_reachable_from_the_seeds_within_depth_3(demo):
    depths = _depths(demo)
    unreached = [u for u in demo.truth if u not in depths]
    assert unreached == []
    assert max(depths[u] for u in demo.truth) <= 3
    for name in PLANTED:
        assert max(depths[u] for u, c in demo.truth.items() if c == name) <= 3


def test_doorways_lead_to_pages_nothing_else_links(demo):
    assert len(demo.doorways) == 3
    linked_by: dict[str, set[str]] = {}
    for url in demo.web.urls():
        for nxt in _followed(demo, url):
            linked_by.setdefault(canonical_url(nxt), set()).add(url)
    for doorway, target in demo.doorways.items():
        assert linked_by[target] == {doorway}
        assert demo.truth[target] is not None
    http_doorway = demo.web.resolve("GET", sites.REDIRECT_DOORWAY)
    assert http_doorway.status == 302
    assert "refresh" in _html(demo, sites.META_DOORWAY)
    assert "window.location.href" in _html(demo, sites.JS_DOORWAY)


def test_proxy_serves_every_url(demo_web):
    proxy = urlsplit(demo_web.proxy_url)
    conn = http.client.HTTPConnection(proxy.hostname, proxy.port, timeout=10)
    try:
        for url in demo_web.web.urls():
            conn.request("GET", url)
            resp = conn.getresponse()
            body = resp.read()
            expected = demo_web.web.resolve("GET", url)
            assert resp.status == expected.status, url
            assert body == expected.body, url
        conn.request("GET", "http://unknown-host.example.com/")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 404
    finally:
        conn.close()


def test_encoded_pages_are_really_encoded(demo):
    kinds = {(charset, where) for charset, where in demo.encodings.values()}
    assert {("gbk", "header"), ("gbk", "none"), ("big5", "meta")} <= kinds
    for url, (charset, where) in demo.encodings.items():
        res = demo.web.resolve("GET", url)
        with pytest.raises(UnicodeDecodeError):
            res.body.decode("utf-8")
        text = res.body.decode(charset)
        assert re.search("[\u4e00-\u9fff]{8}", text), url
        header_has = "charset" in res.headers["Content-Type"]
        meta_has = f'<meta charset="{charset}">' in text
        assert (header_has, meta_has) == {"header": (True, False), "meta": (False, True),
                                          "none": (False, False)}[where], url
    big5 = [u for u, (c, _) in demo.encodings.items() if c == "big5"]
    assert all("續費" in _html(demo, u) and "esim" in _html(demo, u) for u in big5)


def test_utf8_pages_declare_utf8_twice(demo):
    for url in demo.truth:
        if url not in demo.encodings:
            res = demo.web.resolve("GET", url)
            assert res.headers["Content-Type"] == "text/html; charset=utf-8"
            assert '<meta charset="utf-8">' in res.body.decode("utf-8")


def test_obfuscated_pages_hide_the_handle_from_naive_search(demo):
    styles = {style: url for url, style in demo.obfuscated.items()
              if demo.truth[url] == "esim-telegram"}
    assert {"fullwidth", "zerowidth", "spaced", "nbsp", "hidden", "mixedcase"} <= set(styles)
    h = contacts.TG_HANDLE
    fw = _html(demo, styles["fullwidth"])
    assert h not in fw and "＠" in fw and h in unicodedata.normalize("NFKC", fw)
    zw = _html(demo, styles["zerowidth"])
    assert h not in zw and f"@{h}" in zw.translate(_ZERO_WIDTH)
    assert f"t . me / {h}" in _html(demo, styles["spaced"])
    assert f"TG\u00a0@{h}" in _html(demo, styles["nbsp"])
    hidden = _doc(demo, styles["hidden"])
    assert hidden.xpath(f"//div[@style='display:none'][contains(., '@{h}')]")
    assert h not in hidden.xpath("string(//article/p[last()])")
    assert h not in _html(demo, styles["mixedcase"]).replace("esimxufei66", "")
    for style in ("zerowidth", "spaced", "hidden"):  # nothing else ties these pages
        assert contacts.TG_IMAGE not in _html(demo, styles[style])


def test_campaign_pages_carry_their_actor_and_no_other(demo):
    tg_link = f"https://t.me/s/{contacts.TG_HANDLE}"
    for url, name in demo.truth.items():
        html = _html(demo, url)
        if name == "esim-telegram" and url not in demo.obfuscated:
            assert tg_link in html and contacts.TG_IMAGE in html, url
        if name == "esim-whatsapp":
            assert contacts.WA_IMAGE in html or url == sites.META_DOORWAY
            assert "5173" in unicodedata.normalize("NFKC", html)
        if name == "usdt-wechat":
            assert contacts.USDT_GA4 in html and contacts.USDT_GTM in html
        if name == "esim-topup":
            assert contacts.TOPUP_BAIDU in html
        if name != "esim-telegram" and url != _warning_story(demo):
            assert contacts.TG_HANDLE not in html.lower(), url
        if name != "esim-whatsapp":
            assert contacts.WA_NUMBER not in html and "i.ibb.co" not in html, url
        if name != "usdt-wechat":
            assert contacts.USDT_GA4 not in html and contacts.USDT_TRON not in html, url


def _warning_story(demo: DemoWeb) -> str:
    return next(u for u, c in demo.truth.items()
                if c is None and f"@{contacts.TG_HANDLE}" in _html(demo, u))


def test_benign_warning_names_the_handle_without_linking_it(demo):
    story = _warning_story(demo)
    assert "t.me/s/" not in _html(demo, story) and contacts.TG_IMAGE not in _html(demo, story)
    assert "esim" in _html(demo, story).lower()


def test_usdt_actor_rotates_contacts(demo):
    pages = [u for u, c in demo.truth.items() if c == "usdt-wechat" and u != sites.JS_DOORWAY]
    carried = [{v for _, v in contacts.USDT_HANDLES if v in _html(demo, u)} for u in pages]
    assert all(len(c) == 2 for c in carried)
    every_handle = Counter(v for c in carried for v in c)
    assert set(every_handle) == {v for _, v in contacts.USDT_HANDLES}
    assert max(every_handle.values()) < len(pages) / 2  # no handle ties them all
    spellings = " ".join(_html(demo, u) for u in pages)
    for marker in ("微信", "vx", "V信", "QQ", "wpa.qq.com/msgrd"):
        assert marker in spellings
    assert contacts.USDT_TRON in spellings and contacts.USDT_ETH in spellings


def test_every_page_has_the_common_furniture(demo):
    for url in demo.truth:
        html = _html(demo, url)
        for needle in ("fonts.googleapis.com", "cdn.jsdelivr.net/npm/jquery",
                       "facebook.com/sharer", "twitter.com/intent/tweet", "t.me/share/url"):
            assert needle in html, (url, needle)


def test_references_stay_inside_the_demo_web_or_on_known_outside_hosts(demo):
    served = demo.web.hosts()
    assert not served & sites.EXTERNAL_HOSTS
    outside = Counter()
    for url in demo.truth:
        for ref in _all_references(demo, url):
            host = urlsplit(ref).hostname
            assert host in served or host in sites.EXTERNAL_HOSTS, (url, ref)
            assert urlsplit(ref).scheme in ("http", "https"), (url, ref)
            if host not in served:
                outside[host] += 1
    assert outside["fonts.googleapis.com"] == len(demo.truth)
    for ref_url in demo.web.urls():  # every served page is plain http: the proxy has no CONNECT
        assert ref_url.startswith("http://")


def test_comparison_with_a_perfect_answer_is_ok(demo):
    doc = {"campaigns": [
        {"id": f"c-{name}", "label": name, "pages": sorted(u for u, c in demo.truth.items()
                                                            if c == name)}
        for name in PLANTED]}
    cmp = compare_campaigns(doc, demo.truth)
    assert cmp.ok and all(m.whole for m in cmp.matches)
    assert "every planted campaign found whole and separate" in format_comparison(cmp)


def test_comparison_reports_merges_splits_and_benign_pages(demo):
    tg = sorted(u for u, c in demo.truth.items() if c == "esim-telegram")
    wa = sorted(u for u, c in demo.truth.items() if c == "esim-whatsapp")
    benign = next(u for u, c in demo.truth.items() if c is None)
    doc = {"campaigns": [{"id": "c-1", "label": "x", "pages": tg[:-3] + wa + [benign]},
                         {"id": "c-2", "label": "y", "pages": tg[-3:]}]}
    cmp = compare_campaigns(doc, demo.truth, crawled=tg + wa + [benign])
    by_name = {m.name: m for m in cmp.matches}
    assert by_name["esim-telegram"].spread == 2 and not by_name["esim-telegram"].whole
    assert by_name["esim-whatsapp"].mixed_with == ("esim-telegram",)
    assert cmp.unplanted_in_core == [benign]
    assert cmp.unreached == {"esim-topup": 6, "usdt-wechat": 17}
    text = format_comparison(cmp)
    assert "SPLIT" in text and "MERGED WITH ESIM-TELEGRAM" in text and not cmp.ok
