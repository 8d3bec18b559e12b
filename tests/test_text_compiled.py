"""The compiled character scans (crawler/extraction/_fasttext.pyx) agree with their pure-Python twins."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import artifacts, found, text

try:
    from crawler.extraction import _fasttext as compiled
except ImportError:
    compiled = None

needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled scans are not built")

# Text that mixes what the scans tell apart: ASCII runs and spaces, CJK, full-width forms,
# NBSP, combining marks, emoji beyond the BMP, invisible characters, "?".
_MIXED = st.text(
    st.sampled_from(list("ab1 ?@.:/_-\n\t") + list("中文微信，：。（）") + ["\u00a0", "\u0301", "\u3000", "💪", "\u200b",
                                                                   "ｔ", "＠", "①", "é", "\uff61", "\u2024"])
    | st.characters(),
    max_size=80,
)


@pytest.mark.skipif(os.environ.get("COBWEB_EXPECT_COMPILED") != "1", reason="only where the build must compile")
def test_build_compiled_the_scans():
    assert compiled is not None, "crawler/extraction/_fasttext.pyx was not built: is there a C compiler?"


@needs_compiled
def test_compiled_scans_are_used_when_built():
    assert artifacts._window_spans is compiled.ascii_window_spans
    assert found._anchor_hits is compiled.anchor_hits
    assert text._first_suspect is not text._first_suspect_re


@needs_compiled
@settings(max_examples=1000)
@given(_MIXED, st.integers(0, 90))
def test_first_and_distinct_suspects_agree(s, pos):
    assert text._first_suspect(s, pos) == text._first_suspect_re(s, pos)
    assert text._distinct_suspects(s, pos) == text._distinct_suspects_re(s, pos)


@needs_compiled
@settings(max_examples=1000)
@given(_MIXED, st.integers(1, 6), st.integers(0, 40), st.integers(0, 20))
def test_window_spans_agree(s, min_run, before, after):
    assert compiled.ascii_window_spans(s, min_run, before, after) == artifacts._window_spans_py(s, min_run, before, after)


@needs_compiled
@settings(max_examples=1000)
@given(_MIXED, st.lists(st.text(st.sampled_from(list("ab.@中 ")), min_size=1, max_size=3), min_size=1, max_size=4))
def test_anchor_hits_agree(s, anchors):
    assert compiled.anchor_hits(s, tuple(anchors)) == found._anchor_hits_py(s, tuple(anchors))


@needs_compiled
@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_MIXED)
def test_normalize_agrees(monkeypatch, s):
    fast = text.normalize(s)
    with monkeypatch.context() as m:
        m.setattr(text, "_first_suspect", text._first_suspect_re)
        m.setattr(text, "_distinct_suspects", text._distinct_suspects_re)
        assert text.normalize(s) == fast


@needs_compiled
def test_a_short_table_is_refused():
    with pytest.raises(ValueError):
        compiled.first_outside("x", 0, b"\x01" * 10)
