"""The HTML report as a file: self-contained, escaped, and still written without its graph script."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from crawler.store import PageStore, store_path
from output import report
from output.report import render_report, write_report
from test_output_views import HANDLE, XSS_TITLE, load_doc, make_run


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path / "run")


def _render(run: Path) -> str:
    with PageStore(store_path(run)) as store:
        return render_report(store, load_doc(run))


def test_report_has_the_campaign_table_plots_graph_and_a_section_per_campaign(run) -> None:
    page = _render(run)
    tree = lxml_html.fromstring(page)
    rows = tree.xpath('//table[@id="campaign-table"]/tbody/tr')
    assert len(rows) == 2
    assert HANDLE in rows[0].text_content() and "0.97" in rows[0].text_content()
    assert "image:https://i.postimg.cc/Zx81yQ/renew-steps.png" in rows[0].text_content()
    sections = tree.xpath('//section[@class="campaign"]')
    assert [s.get("id") for s in sections] == ["campaign-1", "campaign-2"]
    first = sections[0].text_content()
    for expected in ("cardtips.blogspot.com", "2026-11-01", "2026-11-04", XSS_TITLE,
                     "http://esim-faq.org/renew-2.html", "postimg.cc"):
        assert expected in first
    assert len(tree.xpath('//section[@id="plots"]//svg')) == 2
    assert len(tree.xpath('//section[@id="plots"]//svg//circle[title]')) == 7  # one per page time
    assert tree.xpath('//div[@id="cobweb-graph"]')
    data = json.loads(tree.xpath('//script[@id="cobweb-graph-data"]')[0].text)
    keys = {n["key"] for n in data["nodes"]}
    assert {"campaign:c-1a2b3c4d", f"handle:{HANDLE}", "site:esim-faq.org"} <= keys
    assert "fonts.googleapis.com" in tree.xpath('//section[@id="ubiquitous"]')[0].text_content()


def test_report_needs_no_network_and_runs_only_its_own_script(run) -> None:
    page = _render(run)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    tree = lxml_html.fromstring(page)
    scripts = tree.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    csp = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]')[0].get("content")
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp


def test_crawled_strings_are_escaped_everywhere(run) -> None:
    page = _render(run)
    assert XSS_TITLE not in page  # never raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = page.split('id="cobweb-graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    assert "\x00" not in page and "\x1b" not in page and "\x0b" not in page
    page.encode("utf-8")  # no lone surrogate survived


def test_report_without_the_bundle_is_still_written_and_says_so(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(report, "graph_bundle", lambda: None)
    with PageStore(store_path(run)) as store:
        path = write_report(store, load_doc(run), tmp_path / "r.html")
    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    assert "unavailable" in tree.xpath('//p[@id="graph-unavailable"]')[0].text_content()
    assert not tree.xpath("//script")
    assert len(tree.xpath('//table[@id="campaign-table"]/tbody/tr')) == 2


def test_the_installed_bundle_is_inlined(run) -> None:
    bundle = report.graph_bundle()
    assert bundle is not None, "output/report_graph.min.js is missing: run `make install`"
    assert bundle[:200] in _render(run)
