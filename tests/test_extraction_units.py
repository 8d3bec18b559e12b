"""Unit tests of the extraction package: decoding, parsing, provenance, confidence."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.extraction import (
    ParsedPage,
    decode_html,
    extract_artifacts,
    match_keywords,
    normalize,
    parse_page,
)
from crawler.records import Artifact

URL = "http://blog.spam-site.com/p/1.html"

# --- decoding --------------------------------------------------------------------------

ARTICLE = {
    "gbk": "LEB卡怎么续费？加飞机：@esim1088，微信支付也可以。",
    "gb2312": "电话卡续费流程非常简单，只需要几个步骤就能完成。",
    "big5": "電話卡續費流程非常簡單，只需要幾個步驟就能完成，請聯繫客服。",
    "shift_jis": "更新の手続きはとても簡単です。いくつかの手順で完了します。",
}
LONG = {k: (v * 6) for k, v in ARTICLE.items()}


def _page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize("encoding", sorted(ARTICLE))
def test_decode_charset_in_header(encoding):
    body = _page(ARTICLE[encoding]).encode(encoding)
    assert ARTICLE[encoding] in decode_html(body, f"text/html; charset={encoding.upper()}")


@pytest.mark.parametrize("encoding", sorted(ARTICLE))
def test_decode_charset_in_meta(encoding):
    body = _page(ARTICLE[encoding], f'<meta charset="{encoding}">').encode(encoding)
    assert ARTICLE[encoding] in decode_html(body)


@pytest.mark.parametrize("encoding", sorted(ARTICLE))
def test_decode_charset_in_http_equiv(encoding):
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
    body = _page(ARTICLE[encoding], meta).encode(encoding)
    assert ARTICLE[encoding] in decode_html(body, "text/html")


@pytest.mark.parametrize("encoding", sorted(ARTICLE))
def test_decode_charset_nowhere(encoding):
    body = _page(LONG[encoding]).encode(encoding)
    assert LONG[encoding] in decode_html(body)


def test_decode_gb2312_label_reads_gbk_characters():
    text = "镕"  # in GBK, not in GB2312
    assert decode_html(text.encode("gbk"), "text/html; charset=gb2312") == text


def test_decode_header_wins_over_meta():
    body = _page(ARTICLE["big5"], '<meta charset="gbk">').encode("big5")
    assert ARTICLE["big5"] in decode_html(body, "text/html; charset=big5")


@pytest.mark.parametrize("bom,codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_decode_bom(bom, codec):
    assert decode_html(bom + "微信".encode(codec)) == "微信"


def test_decode_never_raises_on_junk():
    assert isinstance(decode_html(bytes(range(256)) * 3, "text/html; charset=utf-8"), str)
    assert isinstance(decode_html(b"\x81\x00\xff", "charset=\x00"), str)
    assert decode_html(b"") == ""


def test_gbk_page_end_to_end():
    body = ("<meta charset=gbk><p>" + ARTICLE["gbk"] + "</p>").encode("gbk")
    html = decode_html(body)
    labels = {a.label for a in extract_artifacts(html, URL)}
    assert "telegram:esim1088" in labels


# --- normalization -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw,expected",
    [
        ("ｔ．ｍｅ", "t.me"),
        ("a\u00a0b", "a b"),
        ("x\u200b\u200c\u200d\u2060\ufeffy", "xy"),
        ("微信：", "微信:"),
        ("①②", "12"),
        ("ℌ𝐞𝐥𝐥𝐨", "Hello"),
        ("e\u0301", "é"),
        ("…", "..."),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_matches_nfkc_on_chinese_text():
    text = "加飞机：＠ｅｓｉｍ１０８８，“续费”…（完）\u3000ｶﾞ"
    assert normalize(text) == unicodedata.normalize("NFKC", text)


# --- keywords -------------------------------------------------------------------------------

def test_match_keywords():
    text = "ＬＥＢ卡怎么续\u200b费？ESIM 教程"
    assert match_keywords(text, ["leb卡", "续费", "eSIM", "香港", "LEB卡"]) == ["leb卡", "续费", "eSIM", "LEB卡"]
    assert match_keywords(text, []) == []
    assert match_keywords("", ["a"]) == []


# --- parsing ----------------------------------------------------------------------------------

PAGE = """<html><head><title> LEB卡\u3000续费 </title><base href="http://cdn.spam-site.com/b/">
<meta http-equiv="refresh" content="5;url=/go">
<script>if (x) { window.location = "https://next-site.com/"; }</script>
</head><body>
<p>正文<a href="https://t.me/s/esim1088#x">TG</a><a href="rel.html">rel</a><a href="mailto:a@b.com">m</a></p>
<area href="/map">
<div hidden><a href="https://hidden-site.com/">h</a><img src="h.png"></div>
<img src="a.png" data-src="//img.cdn-host.com/b.jpg" srcset="c.png 1x, d.png 2x">
<span style="background: url(e.gif)">背景</span>
</body></html>"""


def test_parse_page_fields():
    p = parse_page(PAGE, URL)
    assert p.title == "LEB卡 续费"
    assert p.text.startswith("LEB卡 续费\n正文")
    assert p.links == [
        "http://cdn.spam-site.com/go",
        "https://t.me/s/esim1088",
        "http://cdn.spam-site.com/b/rel.html",
        "mailto:a@b.com",
        "http://cdn.spam-site.com/map",
        "https://next-site.com/",
        "https://hidden-site.com/",
    ]
    assert p.images == [
        "http://cdn.spam-site.com/b/a.png",
        "http://img.cdn-host.com/b.jpg",
        "http://cdn.spam-site.com/b/c.png",
        "http://cdn.spam-site.com/b/d.png",
        "http://cdn.spam-site.com/b/e.gif",
        "http://cdn.spam-site.com/b/h.png",
    ]


def test_parse_page_text_separates_blocks_not_inline():
    p = parse_page("<div>加<b>微</b>信</div><div>abc</div><p>x<br>y</p>", URL)
    assert p.text.splitlines() == ["加微信", "abc", "x", "y"]


def test_parse_page_excludes_script_and_style_text():
    p = parse_page("<style>.a{}</style><script>var t='@esim1088';</script><p>正文</p>", URL)
    assert p.text == "正文"


def test_parse_page_reads_past_hundreds_of_unclosed_elements():
    """libxml2 gives up at 256 nested elements unless told otherwise; sloppy pages get there."""
    html = "<p>前言</p>" + "<div>" * 400 + "<p>加飞机：@esim1088</p>" + "<span>" * 300 + "<p>续费</p>"
    p = parse_page(html, URL)
    assert p.text.splitlines() == ["前言", "加飞机:@esim1088", "续费"]
    assert "handle:telegram:esim1088" in {f"{a.kind}:{a.label}" for a in extract_artifacts(html, URL, parsed=p)}


@pytest.mark.parametrize("depth", [2_100, 10_000])
def test_parse_page_reads_any_depth(depth):
    """libxml2 stops at 2,048 nested elements even with huge_tree: such a page
    is read again, flattened past a depth, and loses nothing (issue 17)."""
    html = ("<p>前言</p>" + "<div>" * depth + "<p>WhatsApp: <a href='https://wa.me/85261234567'>+852 6123 4567</a></p>"
            "<p>esim 续费</p>" + "</div>" * depth + "<p>after the block: 加飞机：@esim1088</p>")
    p = parse_page(html, URL)
    assert p.text.splitlines() == ["前言", "WhatsApp: +852 6123 4567", "esim 续费", "after the block: 加飞机:@esim1088"]
    ids = {a.node_id for a in extract_artifacts(html, URL, parsed=p)}
    assert {"handle:whatsapp:85261234567", "handle:telegram:esim1088"} <= ids


def test_flattening_is_linear_in_the_page():
    """The flattened page is at most a constant times the page (memory bounded by the body cap)."""
    from crawler.extraction.flatten import flatten_deep

    html = "<div>" * 200_000 + "x" + "</div>" * 200_000
    out = flatten_deep(html, 1000)
    assert len(out) <= 2 * len(html)
    assert out.count("<div>") == 200_000 and "x" in out


@pytest.mark.parametrize("html", ["", "   ", "\x00", "<", "<?xml version='1.0' encoding='latin1'?><p>x", "<html>" * 500])
def test_parse_page_degenerate(html):
    p = parse_page(html, URL)
    assert isinstance(p, ParsedPage)
    assert isinstance(extract_artifacts(html, URL, parsed=p), list)


# --- provenance, confidence, dedupe --------------------------------------------------------------

def _by_id(html: str, **kw) -> dict[str, Artifact]:
    return {a.node_id: a for a in extract_artifacts(html, URL, **kw)}


def test_confidence_levels():
    arts = _by_id("<p>飞机 @marked_one</p><p>see @bare_handle here</p>"
                  "<p>t.me/text_link</p><a href='https://t.me/href_link'>x</a>")
    assert arts["handle:telegram:href_link"].confidence == 1.0
    assert arts["handle:telegram:href_link"].source == "href"
    assert arts["handle:telegram:text_link"].confidence == 0.9
    assert arts["handle:telegram:marked_one"].confidence == 0.8
    assert "handle:telegram:bare_handle" not in arts  # a bare @word is nobody's handle
    assert all(a.source == "text" for k, a in arts.items() if k != "handle:telegram:href_link" and k.startswith("handle"))


def test_marker_only_applies_to_its_neighbour():
    arts = _by_id("<p>TG💪+ @esim1088 and @someone_else</p>")
    assert arts["handle:telegram:esim1088"].confidence == 0.8
    assert "handle:telegram:someone_else" not in arts


def test_marker_inside_a_word_is_no_marker():
    arts = _by_id("<p>stg @abcdefg</p>")
    assert "handle:telegram:abcdefg" not in arts


def test_dedupe_keeps_best_provenance():
    arts = extract_artifacts("<p>TG：@esim1088 t.me/esim1088</p><a href='https://t.me/s/ESIM1088'>x</a>", URL)
    tg = [a for a in arts if a.label == "telegram:esim1088"]
    assert len(tg) == 1
    assert (tg[0].source, tg[0].confidence, tg[0].hidden) == ("href", 1.0, False)
    assert len({a.node_id for a in arts}) == len(arts)


@pytest.mark.parametrize(
    "html",
    [
        '<div style="display: none">TG：@esim1088</div>',
        '<div style="DISPLAY:NONE"><p><span>TG：@esim1088</span></p></div>',
        '<div style="visibility:hidden">TG：@esim1088</div>',
        "<div hidden>TG：@esim1088</div>",
        "<style>.x{color:red;display:none}</style><div class='a x'>TG：@esim1088</div>",
        "<style>#h {visibility: hidden}</style><section id='h'>TG：@esim1088</section>",
        '<div style="display:none"><a href="https://t.me/esim1088">x</a></div>',
    ],
)
def test_hidden_flag(html):
    arts = _by_id(html)
    assert arts["handle:telegram:esim1088"].hidden is True


def test_visible_sighting_clears_hidden():
    arts = _by_id('<div style="display:none">TG：@esim1088</div><p>TG：@esim1088</p>')
    assert arts["handle:telegram:esim1088"].hidden is False


def test_hidden_text_is_in_page_text_after_visible():
    p = parse_page('<p>前</p><div style="display:none">藏</div><p>后</p>', URL)
    assert p.text.splitlines() == ["前", "后", "藏"]


def test_redirect_chain_and_sources():
    arts = _by_id(
        '<meta http-equiv="refresh" content="0;url=https://b-site.com/">'
        "<script>location.assign('https://c-site.com/')</script>",
        redirect_chain=["http://a-site.com/start", "http://hop-site.com/x"],
    )
    assert arts["redirect:http://hop-site.com/x"].source == "header"
    assert arts[f"redirect:{URL}"].source == "header"
    assert "redirect:http://a-site.com/start" not in arts
    assert arts["redirect:https://b-site.com/"].source == "attr"
    assert arts["redirect:https://c-site.com/"].source == "script"


def test_no_redirect_without_chain():
    assert not [a for a in extract_artifacts("<p>x</p>", URL, redirect_chain=[URL]) if a.kind == "redirect"]


def test_parsed_is_reused_and_hand_made_parsed_is_ignored():
    html = "<p>TG：@esim1088</p>"
    parsed = parse_page(html, URL)
    assert extract_artifacts(html, URL, parsed=parsed) == extract_artifacts(html, URL)
    bare = ParsedPage(title="t", text="nothing", links=[], images=[])
    assert {a.label for a in extract_artifacts(html, URL, parsed=bare)} == {"telegram:esim1088"}


def test_image_host_and_domain_kinds():
    arts = _by_id('<img src="https://i.postimg.cc/a.png"><a href="https://Other-Site.com/x">x</a>')
    assert arts["image_host:postimg.cc"].kind == "image_host"
    assert arts["domain:other-site.com"].strength == "weak"
    assert arts["image:https://i.postimg.cc/a.png"].strength == "strong"


def test_seed_style_page():
    html = (
        "<h1>电话卡怎么续费？</h1><p>正文……</p>"
        '<p>[<a href="https://t.me/s/esim1088">TG💪+ @esim1088</a> '
        '<img src="https://i.postimg.cc/AbCd/Snap-2025.png" alt="Image">]</p>'
    )
    ids = {a.node_id for a in extract_artifacts(html, URL)}
    assert {
        "handle:telegram:esim1088",
        "image:https://i.postimg.cc/AbCd/Snap-2025.png",
        "image_host:postimg.cc",
        "domain:t.me",
    } <= ids


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://t.me/esim1088" style="DISPLAY: none">x</a>',
        '<a class="c" href="https://t.me/esim1088" hidden>x</a>',
        '<a href="https://t.me/esim1088" style="visibility:hidden;color:red">x</a>',
        "<style>.h{display:none}</style><a class='h' href='https://t.me/esim1088'>x</a>",
        "<style>#k{display:none}</style><a id='k' href='https://t.me/esim1088'>x</a>",
    ],
)
def test_hidden_links(html):
    arts = _by_id(html)
    assert arts["handle:telegram:esim1088"].hidden is True
    assert arts["handle:telegram:esim1088"].source == "href"


def test_styled_but_visible_link():
    arts = _by_id('<div style="color:red"><a href="https://t.me/esim1088" style="font-size:9pt">x</a></div>')
    assert arts["handle:telegram:esim1088"].hidden is False


def test_marker_in_long_chinese_context():
    filler = "这是一段很长的介绍文字" * 30
    html = f"<p>{filler}需要帮助请联系飞机客服号码如下：@esim1088{filler}</p>"
    assert _by_id(html)["handle:telegram:esim1088"].confidence == 0.8


def test_ids_in_long_chinese_text_are_found():
    filler = "续费流程非常简单，只需要几个步骤就能完成。" * 50
    html = (
        f"<p>{filler}微信：leb_card88{filler}QQ：123456789{filler}"
        f"电话：138 0013 8000{filler}ｔ．ｍｅ／ｅｓｉｍ１０８８{filler}</p>"
    )
    ids = set(_by_id(html))
    assert {
        "handle:wechat:leb_card88",
        "handle:qq:123456789",
        "handle:phone:8613800138000",
        "handle:telegram:esim1088",
    } <= ids


def test_own_site_links_give_no_domain_but_other_sites_do():
    arts = _by_id('<a href="/a">a</a><a href="http://blog.spam-site.com/b">b</a>'
                  '<a href="https://friend-site.net/">c</a>')
    assert [k for k in arts if k.startswith("domain:")] == ["domain:friend-site.net"]


def test_links_on_a_messenger_site_are_read():
    html = '<a href="https://t.me/other_channel">x</a><a href="/another_one">y</a>'
    ids = {a.node_id for a in extract_artifacts(html, "https://t.me/s/esim1088")}
    assert {"handle:telegram:other_channel", "handle:telegram:another_one"} <= ids
    assert "domain:t.me" not in ids


# BIP 350's test vectors with the mainnet prefix (testnet ones cannot be bc1 addresses).
BIP350_VALID = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
]
BIP350_INVALID = [
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 checksum for v1
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 checksum for v16
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m checksum for v0
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # version 17
    "bc1pw5dgrnzv",  # 1-byte program
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41-byte program
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program of 16 bytes
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # 5 padding bits
    "bc1gmk9yu",  # empty data
]


@pytest.mark.parametrize("address", BIP350_VALID)
def test_bip350_valid_addresses(address):
    from crawler.extraction.wallets import is_bech32_address
    assert is_bech32_address(address)


@pytest.mark.parametrize("address", BIP350_INVALID)
def test_bip350_invalid_addresses(address):
    from crawler.extraction.wallets import is_bech32_address
    assert not is_bech32_address(address)
