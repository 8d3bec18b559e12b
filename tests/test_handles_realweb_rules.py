"""Issue 16, messaging handles in prose: a handle belongs to a platform only on
that platform's evidence (Telegram, QQ, WeChat).

Each case is a page snippet of our own: what must be found, what must not.
"""

from __future__ import annotations

import pytest

from crawler.extraction import extract_artifacts

URL = "http://blog.spam-site.com/p/1.html"


def _ids(html: str) -> set[str]:
    return {a.node_id for a in extract_artifacts(html, URL)}


def _handles(html: str, platform: str) -> set[str]:
    return {i for i in _ids(html) if i.startswith(f"handle:{platform}:")}


# --- Telegram: no evidence, no handle ----------------------------------------------------------

@pytest.mark.parametrize(
    "html",
    [
        '<p>Follow us <a href="https://twitter.com/newsdesk">@newsdesk</a></p>',
        "<p>By Jane Doe @janedoe_writes | 3 min read</p>",
        "<p>Twitter @newsdesk_one, Instagram @newsdesk_two</p>",
        "<p>@error('email') is invalid @enderror @include('partials.footer')</p>",
        '<p>{"@context": "https://schema.org", "@type": "NewsArticle"}</p>',
        "<p>News about Telegram today</p><p>By Jane Doe @janedoe</p>",
        "<pre>from telegram.ext import Updater\n@restricted\ndef start(): pass</pre>",
        "<p>Weather today</p><p>Try @weather_bot</p>",
        "<p>TG @include('partials.contact')</p>",
    ],
)
def test_no_telegram_without_telegram_evidence(html):
    assert not _handles(html, "telegram")


def test_the_nearest_platform_word_decides():
    assert _handles("<p>Twitter @newsdesk, 电报 @esim1088</p>", "telegram") == {"handle:telegram:esim1088"}
    assert _handles("<p>TG @esim1088, Twitter @newsdesk</p>", "telegram") == {"handle:telegram:esim1088"}


def test_one_marker_for_a_list_of_mentions():
    assert _handles("<p>TG：@esim1088, @esim_two / @esim_three</p>", "telegram") == {
        "handle:telegram:esim1088", "handle:telegram:esim_two", "handle:telegram:esim_three"}


def test_marker_right_after():
    assert _handles("<p>join @esim1088 on Telegram today</p>", "telegram") == {"handle:telegram:esim1088"}
    assert _handles("<p>联系 @esim1088（电报）</p>", "telegram") == {"handle:telegram:esim1088"}


def test_list_items_after_a_line_announcing_telegram_channels():
    html = "<p>以下是一些 Telegram 频道推荐</p><p>卡券 @card_chan_one</p><p>@card_chan_two</p>"
    assert _handles(html, "telegram") == {"handle:telegram:card_chan_one", "handle:telegram:card_chan_two"}
    html = "<h4>Our Telegram channels:</h4><ul><li>@card_chan_one</li><li>news @card_chan_two</li></ul>"
    assert _handles(html, "telegram") == {"handle:telegram:card_chan_one", "handle:telegram:card_chan_two"}


def test_a_bot_name_next_to_a_line_naming_telegram():
    html = "<p>再推荐一个查询工具 @lookup_helper_bot</p><h3>TG查询机器人的特点</h3>"
    assert _handles(html, "telegram") == {"handle:telegram:lookup_helper_bot"}


# --- QQ: words between marker and numbers, several numbers --------------------------------------

def test_qq_labelled_numbers_after_one_marker():
    html = "<p>售后支持QQ：售后客服1:12345678，售后客服2:23456789，售后客服3:34567890，欢迎咨询。</p>"
    assert _handles(html, "qq") == {"handle:qq:12345678", "handle:qq:23456789", "handle:qq:34567890"}


def test_qq_numbers_listed_after_one_marker():
    assert _handles("<p>QQ: 111111, 222222、333333</p>", "qq") == {
        "handle:qq:111111", "handle:qq:222222", "handle:qq:333333"}


def test_qq_numbers_in_a_meta_description():
    html = '<html><head><meta name="description" content="售后请加QQ：客服1:12345678，客服2:23456789"></head></html>'
    assert _handles(html, "qq") == {"handle:qq:12345678", "handle:qq:23456789"}


@pytest.mark.parametrize(
    "html, absent",
    [
        ("<p>QQ：123456789，电话：13800138000</p>", "handle:qq:13800138000"),
        ("<p>QQ群：12345678</p>", "handle:qq:12345678"),
        ("<p>QQ音乐：12345678</p>", "handle:qq:12345678"),
        ("<p>QQ</p><p>12345678</p>", "handle:qq:12345678"),
    ],
)
def test_qq_not_numbers(html, absent):
    assert absent not in _ids(html)


# --- WeChat: a label between marker and ID; one line ---------------------------------------------

def test_wechat_label_between_marker_and_id():
    assert _handles("<p>微信客服：kefu_888</p>", "wechat") == {"handle:wechat:kefu_888"}


@pytest.mark.parametrize(
    "html",
    [
        "<ul><li>分享到微信</li><li>JavaScript</li></ul>",
        "<p>微信群：abcdefg</p>",
        "<p>微信公众号：abcdefg</p>",
    ],
)
def test_no_wechat_id(html):
    assert not _handles(html, "wechat")
