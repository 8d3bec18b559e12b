"""The shortcuts of crawler/extraction/page_urls.py agree with ``urljoin``."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction.page_urls import absolute_url, plain_url, url_origin
from crawler.urls import canonical_url

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
BASES = ["http://a.example/d/p.html", "https://a.example:8443/x", "http://b.example/"]
_REF = st.lists(st.sampled_from(list("/.:?=&%@[]\\#ab-_ hH\n") + ["http://", "https://", "//", "./", "../", "a.example"]),
                max_size=10).map("".join)


@pytest.mark.parametrize("base", BASES)
@settings(max_examples=500)
@given(_REF)
def test_plain_url_is_urljoin_when_it_answers(base, raw):
    """The same URL once canonical (``urljoin`` drops an empty query, for one);
    for relative references: absolute http(s) URLs are kept as written."""
    fast = plain_url(raw, url_origin(base))
    if fast is not None and not raw.startswith(("http://", "https://")):
        assert _canonical(fast) == _canonical(urljoin(base, raw))  # urljoin must not raise either


@pytest.mark.parametrize("base", BASES)
@given(_REF)
def test_absolute_url_is_urljoin_without_fragment(base, raw):
    ref = raw.strip().replace("\n", "").replace("\t", "").replace("\r", "")  # as browsers read an href
    if _SCHEME.match(ref):
        return  # an absolute URL (mailto:, tg:, http:...) is kept as written
    try:
        expected = urljoin(base, ref).split("#", 1)[0] or None
    except ValueError:
        expected = None
    if not ref or ref.startswith("#"):
        expected = None
    got = absolute_url(base, raw)
    assert (got is None) == (expected is None)
    if got is not None:
        assert _canonical(got) == _canonical(expected)


def _canonical(url: str) -> str | None:
    try:
        return canonical_url(url)
    except ValueError:
        return None


@pytest.mark.parametrize("raw, expected", [
    ("//cdn.example/i.png", "https://cdn.example/i.png"),
    ("//cdn.example", "https://cdn.example"),
    ("///x", None),
    ("//cdn.example/a/../b", None),  # dot segments: left to urljoin
    ("//[", None),  # an IPv6 host: left to urljoin (which rejects this one)
    ("//?", None),  # no host
    ("/p?q=1", "https://a.example:8443/p?q=1"),
    ("https://t.me/x", "https://t.me/x"),
    ("x.png", None),
])
def test_plain_url_cases(raw, expected):
    assert plain_url(raw, "https://a.example:8443") == expected
