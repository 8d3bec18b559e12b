"""``cobweb import`` canonicalises labels, so one contact written two ways is one node."""

from __future__ import annotations

import json

from crawler.cli.main import main as cobweb
from crawler.store import PageStore, store_path


def test_import_merges_two_spellings_of_one_contact(tmp_path) -> None:
    lines = [
        {"url": "http://a.example.com/1", "artifacts": [{"kind": "handle", "label": "Telegram:@Foo"}]},
        {"url": "http://b.example.com/2", "artifacts": [{"kind": "handle", "label": "telegram:foo"}]},
        {"url": "http://c.example.com/3", "artifacts": [
            {"kind": "handle", "label": "WhatsApp:+852 6123 4567", "source": "text"}]},
    ]
    src = tmp_path / "pages.jsonl"
    src.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    run = tmp_path / "run"
    assert cobweb(["import", str(src), "-o", str(run)]) == 0
    with PageStore(store_path(run)) as store:
        labels = sorted(label for _, _, label in store.iter_artifacts())
        pairs = sorted((pid, label) for pid, _, label in store.iter_page_artifacts())
    assert labels == ["telegram:foo", "whatsapp:85261234567"]
    assert [label for _, label in pairs].count("telegram:foo") == 2
