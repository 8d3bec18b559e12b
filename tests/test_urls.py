"""Unit tests for crawler.urls: one canonical spelling per page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.urls import canonical_url, is_http_url


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://WWW.Example.com:80/a/../b/?b=2&a=1#top", "http://www.example.com/b/?a=1&b=2"),
    ("https://example.com:443/", "https://example.com/"),
    ("https://example.com:8443/", "https://example.com:8443/"),
    ("http://example.com:443/", "http://example.com:443/"),
    ("http://Example.com./x", "http://example.com/x"),
    ("http://user:secret@example.com/x", "http://example.com/x"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ("http://example.com/a%2fb/%7Euser", "http://example.com/a%2Fb/~user"),
    ("http://example.com/?", "http://example.com/"),
    ("http://例え.jp/パス", "http://xn--r8jz45g.jp/%E3%83%91%E3%82%B9"),
    # session ids and tracking tags, query and path
    ("http://a.example/cal?month=5&PHPSESSID=f00&JSESSIONID=b4r", "http://a.example/cal?month=5"),
    ("http://a.example/cal?month=5&sid=8c1d2e3f4a5b6c7d8e9f0a1b", "http://a.example/cal?month=5"),
    ("http://a.example/cal?month=5&sid=2", "http://a.example/cal?month=5&sid=2"),
    ("http://a.example/p?utm_source=x&utm_campaign=y&gclid=z&fbclid=w&id=1", "http://a.example/p?id=1"),
    ("http://a.example/p;jsessionid=ABC123?id=1", "http://a.example/p?id=1"),
    ("http://a.example/(S(lit3py55t21z5v55vlm25s55))/default.aspx", "http://a.example/default.aspx"),
    ("http://a.example/(X(1)S(lit3py55t21z5v55vlm25s55))/a/b.aspx", "http://a.example/a/b.aspx"),
    ("http://a.example/?s=keyword", "http://a.example/?s=keyword"),
])
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_infinite_calendar_costs_one_url_per_month() -> None:
    """Fresh session ids on every visit do not make new pages."""
    urls = {canonical_url(f"http://cal.example/?month={m}&PHPSESSID={s:032x}&sid={s:024x}")
            for m in range(3) for s in range(1000, 1050)}
    assert urls == {f"http://cal.example/?month={m}" for m in range(3)}


def test_bad_port_raises() -> None:
    with pytest.raises(ValueError):
        canonical_url("http://a.example:99999/")


@pytest.mark.parametrize(("url", "ok"), [
    ("http://a.example/", True), ("HTTPS://a.example", True),
    ("file:///etc/passwd", False), ("ftp://a.example/x", False), ("mailto:a@b.c", False),
    ("javascript:alert(1)", False), ("data:text/html,hi", False), ("//a.example/x", False),
    ("http:///x", False), ("http://a.example:99999/", False), ("http://[::1/", False),
    ("s3://bucket/key", False),
])
def test_is_http_url(url: str, ok: bool) -> None:
    assert is_http_url(url) is ok


@given(st.text(alphabet="abc=&?;/%#.:-_~SID", max_size=40))
def test_canonical_url_is_idempotent(tail: str) -> None:
    try:
        once = canonical_url(f"http://a.example/{tail}")
    except ValueError:
        return
    assert canonical_url(once) == once


@pytest.mark.parametrize("param", [
    "xtor=RSS-3208", "xtref=twitter.com", "Echobox=1593968431", "__twitter_impression=true", "fb_source=feed",
    "fb_action_ids=10158", "fb_action_types=og.likes", "mibextid=Zxz2cZ", "mkt_tok=NzEwLVpM", "mtm_campaign=spring",
    "mtm_kwd=esim", "pk_campaign=spring", "utm_source=x", "fbclid=IwAR0",
])
def test_vendor_tracking_params_leave_the_canonical_url(param):
    assert canonical_url(f"https://news.example/a/1?{param}&id=7") == "https://news.example/a/1?id=7"


@pytest.mark.parametrize("url", [
    "http://m.daejonilbo.com/mnews.asp?pk_no=1412361",  # a generic prefix is not a vendor's tag
    "http://shop.example/p?ref=spring&tag=x",
])
def test_content_params_stay(url):
    assert canonical_url(url) == url


@pytest.mark.parametrize("url", ["http://a\x00b.example/", "http://a\x01.example/", "http://a b.example/"])
def test_a_host_with_controls_has_no_canonical_form(url):
    with pytest.raises(ValueError):
        canonical_url(url)


def test_unknown_suffix_hosts_are_separate_sites():
    from crawler.domains import registered_domain
    assert registered_domain("http://a.newgtld/") != registered_domain("http://b.newgtld/")
    assert registered_domain("http://www.shop.newgtld/") == registered_domain("http://shop.newgtld/x") == "shop.newgtld"


def test_ipv6_hosts_with_a_dotted_quad_are_whole():
    from crawler.domains import registered_domain
    assert registered_domain("http://[2001:db8::1.2.3.4]/") != registered_domain("http://[2001:db8::5.6.7.8]/")
