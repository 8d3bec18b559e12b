"""Extraction work grows linearly with the page (issue 17): no pattern runs along
a page-long line or a run of digits once per number, and a page full of marked
numbers is read up to a budget. Work is counted, never timed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crawler.extraction import extract_artifacts, parse_page, phones


class _Counting:
    """A compiled pattern that adds up how many characters each call may examine."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.chars = 0
        self.calls = 0

    def _count(self, text: str, pos: int = 0, endpos: int | None = None) -> None:
        self.calls += 1
        self.chars += (len(text) if endpos is None else min(endpos, len(text))) - pos

    def fullmatch(self, text: str, *args: Any) -> Any:
        self._count(text, *args)
        return self.pattern.fullmatch(text, *args)

    def search(self, text: str, *args: Any) -> Any:
        if len(args) == 2:  # bounded searches only: an unbounded one scans what it must
            self._count(text, *args)
        return self.pattern.search(text, *args)

    def match(self, text: str, *args: Any) -> Any:
        self.calls += 1
        return self.pattern.match(text, *args)

    def finditer(self, text: str, *args: Any) -> Any:
        self._count(text, *args)
        return self.pattern.finditer(text, *args)


PATHOLOGICAL = {
    "digits": "0123456789",
    "phone-like": "+1 (2) 3-4.",
    "numbers list": "+1 202 555 0143, ",
    "digits and o": "1234567o",
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_phone_scan_examines_each_character_a_bounded_number_of_times(unit: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    examined = {}
    for name in ("_INTL_LINE_RE", "_EMAIL_BEFORE_RE", "_MARKER_ONLY_RE", "_LABEL_RE"):
        examined[name] = _Counting(getattr(phones, name))
        monkeypatch.setattr(phones, name, examined[name])
    text = unit * (200_000 // len(unit))
    list(phones.marked_phones(text))
    total = sum(c.chars for c in examined.values())
    assert total <= 200 * len(text) // 100, {k: c.chars for k, c in examined.items()}
    if not any(c.isalpha() for c in unit):  # no letter a marker starts with: never tried
        assert examined["_MARKER_ONLY_RE"].calls == 0


def test_marker_regex_is_tried_only_where_a_marker_may_start(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting(phones._MARKER_ONLY_RE)
    monkeypatch.setattr(phones, "_MARKER_ONLY_RE", counting)
    found = [f.label for f in phones.marked_phones("0" * 5000 + "。电话：+852 6123 4567")]
    assert found == ["phone:85261234567"]
    assert counting.calls <= 2


def test_marked_numbers_are_read_up_to_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = []
    real = phones._read
    monkeypatch.setattr(phones, "_read", lambda *a: reads.append(a) or real(*a))
    monkeypatch.setattr(phones, "NUMBER_BUDGET", 50)
    text = "".join(f"Tel: +852 6123 {n:04d}\n" for n in range(500))
    found = list(phones.marked_phones(text))
    assert len(found) == 50
    assert len({r[0] for r in reads}) <= 50


def test_contacts_survive_next_to_a_page_long_line_of_digits() -> None:
    html = ("<html><body><p>" + "0123456789" * 50_000 + "</p>"
            "<p>WhatsApp: +852 6123 4567</p><p>Tel: (202) 555-0143</p></body></html>")
    url = "http://spam.example/x"
    labels = {a.label for a in extract_artifacts(html, url, parsed=parse_page(html, url))}
    assert {"whatsapp:85261234567", "phone:12025550143"} <= labels


def test_a_page_past_the_budget_is_stored_with_an_extraction_budget_drop(tmp_path, monkeypatch) -> None:
    """The page keeps what was extracted before the budget ran out, and the drop says what was not read."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler.pipelines import ExtractionPipeline, StorePipeline
    from crawler.records import PageRecord
    from crawler.store import PageStore, store_path

    monkeypatch.setattr(phones, "NUMBER_BUDGET", 5)
    crawler = get_crawler(Spider)
    crawler.spider = Spider("t", run_dir=str(tmp_path))
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    html = "<p>" + "".join(f"Tel: +852 6123 {n:04d}<br>" for n in range(20)) + "</p>"
    item = ExtractionPipeline.from_crawler(crawler).extract(PageRecord("http://lists.example/p", html=html))
    store.process_item(item)
    store.close_spider()
    assert len([a for a in item.artifacts if a.label.startswith("phone:")]) == 5
    with PageStore(store_path(tmp_path)) as stored:
        assert stored.page_count() == 1
        assert stored.drop_counts() == {"extraction_budget": 1}
