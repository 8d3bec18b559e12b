"""The table of extraction cases (tests/extraction_cases.py), positive and negative."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_artifacts
from extraction_cases import CASES, PAGE_URL


def _html(snippet: str) -> str:
    return snippet if snippet.lstrip().startswith("<") or not snippet else f"<p>{snippet}</p>"


def test_table_is_big_and_half_negative():
    assert len(CASES) >= 150
    assert sum(c.negative for c in CASES) * 2 >= len(CASES)
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    found = {a.node_id for a in extract_artifacts(_html(case.html), PAGE_URL)}
    missing = [p for p in case.present if p not in found]
    assert not missing, f"missing {missing}; found {sorted(found)}"
    wrong = [a for a in case.absent if a in found]
    assert not wrong, f"must not extract {wrong}"
    kinds = [n for n in found if n.split(":", 1)[0] in case.no_kinds]
    assert not kinds, f"must extract no {case.no_kinds}; got {kinds}"
