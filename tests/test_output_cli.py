"""`cobweb export`: every format of every view, the printed path, and a run without campaigns.json."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import networkx as nx
import pytest

from crawler.cli.main import main as cobweb
from test_output_views import make_run

GRAPH_FORMATS = ("gexf", "graphml", "csv", "json")


def _export(run: Path, fmt: str, out: Path, view: str = "pages") -> int:
    return cobweb(["export", str(run), "--format", fmt, "--view", view, "-o", str(out)])


@pytest.mark.parametrize("view", ["pages", "campaigns"])
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_export_writes_each_format_and_prints_its_path(tmp_path, capsys, fmt, view) -> None:
    run = make_run(tmp_path / "run")
    out = tmp_path / "out" / f"{view}.{fmt}"
    assert _export(run, fmt, out, view) == 0
    assert capsys.readouterr().out.strip() == str(out)
    if fmt == "csv":
        assert (out / "nodes.csv").stat().st_size > 0 and (out / "edges.csv").exists()
        return
    if fmt == "gexf":
        G = nx.read_gexf(out)
    elif fmt == "graphml":
        G = nx.read_graphml(out)
    else:
        G = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="edges")
    expected = 16 if view == "pages" else 13
    assert G.number_of_nodes() == expected


def test_export_html_writes_the_report(tmp_path, capsys) -> None:
    run = make_run(tmp_path / "run")
    out = tmp_path / "report.html"
    assert _export(run, "html", out) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert "Campaign 1:" in out.read_text(encoding="utf-8")


def test_export_sites_view_through_the_analysis_sites_graph(tmp_path) -> None:
    run = make_run(tmp_path / "run")
    out = tmp_path / "sites.gexf"
    assert _export(run, "gexf", out, "sites") == 0
    G = nx.read_gexf(out)
    assert "site:sim-renew-guide.com" in G
    assert G.nodes["site:sim-renew-guide.com"]["kind"] == "site"


def test_without_campaigns_pages_export_with_empty_campaigns_and_say_so(
    tmp_path, caplog
) -> None:
    run = make_run(tmp_path / "run", with_campaigns=False)
    out = tmp_path / "pages.gexf"
    with caplog.at_level(logging.WARNING):
        assert _export(run, "gexf", out) == 0
    assert "campaigns.json not found" in caplog.text
    G = nx.read_gexf(out)
    pages = [d for _, d in G.nodes(data=True) if d["kind"] == "page"]
    assert len(pages) == 9 and {d["campaign"] for d in pages} == {""}


@pytest.mark.parametrize("args", [("html", "pages"), ("gexf", "campaigns"), ("gexf", "sites")])
def test_without_campaigns_nothing_else_runs(tmp_path, capsys, args) -> None:
    run = make_run(tmp_path / "run", with_campaigns=False)
    out = tmp_path / "out"
    assert _export(run, args[0], out, args[1]) == 2
    what = "the HTML report" if args[0] == "html" else f"--view {args[1]}"
    assert capsys.readouterr().err == (f"cobweb export: {what} needs {run / 'campaigns.json'}; "
                                       f"run cobweb analyze {run} first\n")
    assert not out.exists()


def test_export_of_a_directory_without_a_crawl_fails_plainly(tmp_path, capsys) -> None:
    assert _export(tmp_path, "gexf", tmp_path / "x.gexf") == 2
    assert capsys.readouterr().err == (f"cobweb export: no crawl in {tmp_path} (no crawl.sqlite); "
                                       f"run cobweb crawl URL -k KEYWORD -o {tmp_path} first\n")


def test_a_user_error_is_one_line_and_exit_2(monkeypatch, capsys):
    from crawler.cli import analyze, main
    from crawler.cli.errors import UserError

    def fail(args):
        raise UserError("no crawl in runs/x; run `cobweb crawl ... -o runs/x` first")

    monkeypatch.setattr(analyze, "run", fail)
    assert main.main(["analyze", "runs/x"]) == 2
    assert capsys.readouterr().err == "cobweb analyze: no crawl in runs/x; run `cobweb crawl ... -o runs/x` first\n"
