"""Bidi and invisible controls in crawled text are written out in the report (issue 17)."""

from __future__ import annotations

from pathlib import Path

from crawler.store import PageStore, store_path
from output.report import render_report
from test_output_views import load_doc, make_run

BIDI_TITLE = "Renew your eSIM \u202eexe.tnemyap\u202c now\u200b\u2066!"


def test_bidi_and_invisible_characters_are_shown_escaped(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run")
    with PageStore(store_path(run)) as store:
        store.conn.execute("UPDATE pages SET title = ? WHERE url = ?", (BIDI_TITLE, "http://esim-faq.org/renew-2.html"))
        page = render_report(store, load_doc(run))
    for char in "\u202e\u202c\u200b\u2066":
        assert char not in page
    assert "Renew your eSIM [U+202E]exe.tnemyap[U+202C] now[U+200B][U+2066]!" in page
