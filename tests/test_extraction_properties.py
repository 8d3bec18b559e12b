"""Property tests: extraction never raises; normalization is idempotent (and is NFKC)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import decode_html, extract_artifacts, match_keywords, normalize, parse_page
from crawler.extraction.text import INVISIBLE
from crawler.records import ARTIFACT_KINDS

URL = "http://blog.spam-site.com/p/1.html"

# Text rich in the characters extractors care about.
_ALPHABET = st.sampled_from(
    list("@.:/-_+#?=&% \n\t<>\"'") + list("tmeTGgwaqQlinx0123456789")
    + list("微信薇威徽飞机电报号加vV❤️QQ群ＴＧ＠ｔ．ｍｅ１２３\u200b\u00a0\u3000，：") + list(INVISIBLE)
)
_SPAMMY = st.text(_ALPHABET, max_size=300)
_TAGS = st.lists(
    st.sampled_from([
        "<p>", "</p>", "<a href='", "'>", "</a>", "<div style='display:none'>", "</div>",
        "<img src='", "<script>", "</script>", "<style>", "</style>", "t.me/", "@", "微信：",
        "<meta http-equiv=refresh content='0;url=", "location.href='", "<base href='",
    ]) | _SPAMMY,
    max_size=30,
).map("".join)

_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(artifacts):
    assert isinstance(artifacts, list)
    for a in artifacts:
        assert a.kind in ARTIFACT_KINDS
        assert 0 < a.confidence <= 1
        assert a.label


@_settings
@given(st.binary(max_size=2000), st.sampled_from([None, "text/html", "text/html; charset=gbk",
                                                   "text/html; charset=utf-8", "text/html; charset=x-bogus"]))
def test_never_raises_on_bytes(body, content_type):
    html = decode_html(body, content_type)
    assert isinstance(html, str)
    parsed = parse_page(html, URL)
    _check(extract_artifacts(html, URL, parsed=parsed))


@_settings
@given(st.text(max_size=1000))
def test_never_raises_on_str(html):
    _check(extract_artifacts(html, URL))


@_settings
@given(_TAGS, st.lists(st.text(max_size=30), max_size=3))
def test_never_raises_on_spammy_html(html, chain):
    _check(extract_artifacts(html, URL, redirect_chain=chain))
    match_keywords(html, ["微信", "LEB"])


@_settings
@given(st.text(max_size=300) | _SPAMMY)
def test_normalize_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@_settings
@given(st.text(max_size=300) | _SPAMMY)
def test_normalize_is_nfkc_without_invisibles(text):
    stripped = "".join(c for c in text if c not in INVISIBLE)
    assert normalize(text) == unicodedata.normalize("NFKC", stripped)


@pytest.mark.parametrize("char", [chr(c) for c in range(0x2000, 0x2070)] + ["\uff20", "\u3000"])
def test_normalize_is_nfkc_for_general_punctuation(char):
    text = f"a{char}b"
    stripped = "".join(ch for ch in text if ch not in INVISIBLE)
    assert normalize(text) == unicodedata.normalize("NFKC", stripped)
