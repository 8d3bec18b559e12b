"""Keywords match in every script: NFKC, case and Simplified/Traditional folding (table-driven)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction import keyword_matches, match_keywords
from crawler.extraction.datafile import marker_lines, marker_words
from crawler.extraction.folding import both_scripts, fold_script, to_simplified
from crawler.records import PageRecord
from crawler.store import PageStore

#: (case id, page text, keyword, the form the page writes it in, or None: no match)
CASES: list[tuple[str, str, str, str | None]] = [
    ("simplified-finds-traditional", "LEB卡怎麼續費？", "续费", "續費"),
    ("traditional-finds-simplified", "LEB卡怎么续费？", "續費", "续费"),
    ("same-script", "LEB卡怎么续费？", "续费", "续费"),
    ("fullwidth-text", "ＬＥＢ卡续期", "LEB卡", "LEB卡"),
    ("fullwidth-keyword", "LEB卡续期", "ＬＥＢ卡", "LEB卡"),
    ("mixed-case-text", "Renew your eSiM today", "esim", "eSiM"),
    ("mixed-case-keyword", "renew your esim today", "ESIM", "esim"),
    ("fullwidth-traditional-mixed-case", "ｅＳＩＭ卡續費教程", "esim卡续费", "eSIM卡續費"),
    ("traditional-plane", "聯繫飛機 @esim1088", "飞机", "飛機"),
    ("simplified-telegraph", "电报：@esim1088", "電報", "电报"),
    ("hong-kong-variant", "香港電話卡點樣續期", "电话卡", "電話卡"),
    ("zero-width-inside", "续\u200b费", "續費", "续费"),
    ("many-to-one-hair", "頭髮護理", "头发", "頭髮"),
    ("many-to-one-develop", "發展", "发展", "發展"),
    ("sharp-s-casefold", "STRASSE", "straße", "STRASSE"),
    ("no-match-other-word", "LEB卡怎么充值？", "续费", None),
    ("no-match-partial", "续期", "续费", None),
    ("no-match-empty-keyword", "续费", "", None),
]


@pytest.mark.parametrize(("text", "keyword", "form"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_keyword_folding(text: str, keyword: str, form: str | None) -> None:
    found = keyword_matches(text, [keyword])
    if form is None:
        assert found == [] and match_keywords(text, [keyword]) == []
    else:
        assert found == [(keyword, form)]
        assert match_keywords(text, [keyword]) == [keyword]


def test_folding_keeps_length_and_positions() -> None:
    text = "ＬＥＢ卡續費，飛機號 ABC"
    folded = fold_script(text)
    assert folded == "leb卡续费,飞机号 abc"
    assert len(to_simplified("續費飛機電報")) == len("續費飛機電報")
    assert to_simplified("plain ascii") == "plain ascii"


def test_keywords_keep_order_and_duplicates() -> None:
    assert match_keywords("续费 LEB卡", ["LEB卡", "續費", "leb卡", "esim"]) == ["LEB卡", "續費", "leb卡"]


@pytest.mark.parametrize(("name", "spellings"), [
    ("telegram_markers.txt", {"电报", "電報", "飞机", "飛機", "纸飞机", "紙飛機"}),
    ("wechat_markers.txt", {"微信", "薇信", "威信", "维信", "維信"}),
    ("qq_markers.txt", {"企鹅号", "企鵝號", "扣扣"}),
    ("qq_not_contacts.txt", {"音乐", "音樂", "钱包", "錢包"}),
    ("wechat_not_ids.txt", {"公众号", "公眾號", "扫一扫", "掃一掃"}),
])
def test_marker_lists_hold_both_scripts(name: str, spellings: set[str]) -> None:
    assert spellings <= marker_words(name)


def test_phone_markers_in_both_scripts_keep_file_order_first() -> None:
    lines = marker_lines("phone_markers.txt")
    assert lines[:2] == ("电话", "電話")
    assert {"手機號", "联系电话", "熱線"} <= set(lines)
    assert "携帯" in lines and "携带" not in lines  # Japanese entries are not turned into Chinese words


def test_both_scripts_leaves_ascii_and_kana_alone() -> None:
    assert both_scripts(["tg", "ファックス"]) == frozenset({"tg", "ファックス"})


def test_store_keeps_the_form_matched() -> None:
    store = PageStore(":memory:")
    [pid] = store.add_pages([PageRecord("http://a.example.com/1", keywords=["续费"],
                                        keyword_forms={"续费": "續費"})])
    assert store.keyword_forms(pid) == {"续费": "續費"}
    [page] = store.iter_pages()
    assert page.keywords == ["续费"]
    store.close()


ALPHABET = "续續费費发發髮干乾幹头頭电電报報飞飛机機苧薴ＬＥＢlebB卡 ,\u200b"


@given(text=st.text(alphabet=ALPHABET, max_size=30), keyword=st.text(alphabet=ALPHABET, max_size=4))
@settings(max_examples=300, deadline=None)
def test_pattern_search_finds_what_folding_both_sides_finds(text: str, keyword: str) -> None:
    needle = fold_script(keyword)
    found = keyword_matches(text, [keyword])
    assert bool(found) == bool(needle and needle in fold_script(text))
    if found:
        assert fold_script(found[0][1]) == needle  # the form read back is the keyword, folded
