"""GraphML, CSV and JSON round trips: networkx and igraph read them, spreadsheets run no formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import igraph
import networkx as nx
import pytest
from lxml import etree

from crawler.cli.main import main as cobweb
from crawler.store import PageStore, store_path
from output.formats import write_graph
from output.graphml import GRAPHML_NS
from output.views import campaigns_view, pages_view, sites_view
from test_output_views import FORMULA_TITLE, HANDLE, XSS_TITLE, hand_site_graph, load_doc, make_run


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path / "run")


def _pages(run: Path, fmt: str, out: Path) -> Path:
    with PageStore(store_path(run)) as store:
        return write_graph(pages_view(store, load_doc(run)), fmt, out)


def test_graphml_reads_back_in_networkx_with_typed_keys(run, tmp_path) -> None:
    G = nx.read_graphml(_pages(run, "graphml", tmp_path / "g.graphml"))
    assert G.is_directed() and G.number_of_nodes() == 16 and G.number_of_edges() == 30
    page = G.nodes["page:http://sim-renew-guide.com/renew-0.html"]
    assert page["label"] == XSS_TITLE and page["kind"] == "page"
    assert page["degree"] == 5 and isinstance(page["degree"], int)
    assert "pages" not in page  # no value, no <data>: never a None or an empty number
    assert G.nodes[f"handle:{HANDLE}"]["pages"] == 4
    edge = G.edges["page:http://sim-renew-guide.com/renew-0.html", f"handle:{HANDLE}"]
    assert edge["weight"] == 3.2 and edge["confidence"] == 1.0 and edge["hidden"] is False


def test_graphml_declares_every_key_with_a_type_and_reads_in_igraph(run, tmp_path) -> None:
    path = _pages(run, "graphml", tmp_path / "g.graphml")
    keys = etree.parse(str(path)).getroot().findall(f"{{{GRAPHML_NS}}}key")
    assert keys and all(k.get("attr.type") in {"string", "int", "long", "double", "boolean"}
                        for k in keys)
    g = igraph.Graph.Read_GraphML(str(path))
    assert g.vcount() == 16 and g.ecount() == 30 and g.is_directed()
    labels = set(g.vs["label"])
    assert XSS_TITLE in labels and HANDLE in labels


def test_graphml_of_the_small_views_reads_back(run, tmp_path) -> None:
    doc = load_doc(run)
    C = nx.read_graphml(write_graph(campaigns_view(doc), "graphml", tmp_path / "c.graphml"))
    assert C.nodes["campaign:c-1a2b3c4d"]["score"] == 0.97
    S = nx.read_graphml(write_graph(sites_view(hand_site_graph(), doc), "graphml",
                                    tmp_path / "s.graphml"))
    assert S.edges["site:sim-renew-guide.com", "site:leb-card-help.net"]["shared"] == 2
    assert S.nodes["site:news.example.com"]["label"] == "sim--help"


def test_csv_is_gephi_spreadsheet_format_and_neutralizes_formulas(run, tmp_path) -> None:
    out = _pages(run, "csv", tmp_path / "csv")
    assert (out / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbfId,Label,")  # Excel: UTF-8
    assert (out / "edges.csv").read_bytes().startswith(b"\xef\xbb\xbfSource,")
    with open(out / "nodes.csv", encoding="utf-8-sig", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(out / "edges.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        head = next(reader)
        edges = list(reader)
    assert list(nodes[0])[:2] == ["Id", "Label"] and "kind" in nodes[0]
    assert head[:4] == ["Source", "Target", "Type", "Weight"]
    assert "edge_source" in head  # the edge attribute `source` may not shadow the column
    assert len(nodes) == 16 and len(edges) == 30
    assert {row[2] for row in edges} == {"Directed"}
    labels = {row["Id"]: row["Label"] for row in nodes}
    assert labels["page:http://esim-faq.org/renew-2.html"] == "'" + FORMULA_TITLE
    assert FORMULA_TITLE == "=cmd|' /C calc'!A0"
    assert labels["page:http://sim-renew-guide.com/renew-0.html"] == XSS_TITLE
    for row in nodes:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n", "\0")), cell
            assert "\x00" not in cell and "\x1b" not in cell


def test_csv_export_has_a_campaigns_table(run, tmp_path) -> None:
    out = tmp_path / "csv"
    assert cobweb(["export", str(run), "--format", "csv", "-o", str(out)]) == 0
    assert (out / "campaigns.csv").read_bytes().startswith(b"\xef\xbb\xbfid,label,")
    with open(out / "campaigns.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "label", "score", "pages", "core_pages", "sites", "first_seen",
                             "last_seen", "tied_by", "top_evidence"]
    first = rows[0]
    assert (first["id"], first["label"], first["pages"], first["sites"]) == (
        "c-1a2b3c4d", "telegram:simrenew_helper", "4", "4")
    assert (first["first_seen"], first["last_seen"]) == ("2026-11-01T00:15:00Z",
                                                         "2026-11-04T03:15:00Z")
    assert first["top_evidence"].startswith("handle:telegram:simrenew_helper (4 pages); image:")
    assert rows[1]["label"] == "sim--help" and len(rows) == 2


def test_csv_neutralizes_every_formula_prefix_in_any_column(tmp_path) -> None:
    G = nx.Graph()
    hostile = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\x00=1", "\x1b=1"]
    for i, text in enumerate(hostile):
        G.add_node(f"n{i}", kind="page", label=text, note=text)
    out = write_graph(sites_view(G), "csv", tmp_path / "csv")
    with open(out / "nodes.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        assert row["Label"].startswith("'") and row["note"].startswith("'"), row


def test_json_is_node_link_that_networkx_reads_back(run, tmp_path) -> None:
    path = _pages(run, "json", tmp_path / "g.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    G = nx.node_link_graph(doc, edges="edges")
    assert G.is_directed() and G.number_of_nodes() == 16 and G.number_of_edges() == 30
    page = G.nodes["page:http://sim-renew-guide.com/renew-0.html"]
    assert page["label"] == XSS_TITLE and page["campaign"] == "c-1a2b3c4d"
    assert page["color"].startswith("#") and page["start"] == "2026-11-01T00:15:00Z"
    edge = G.edges["page:http://sim-renew-guide.com/renew-0.html", f"handle:{HANDLE}"]
    assert edge["weight"] == 3.2 and edge["edge_source"] == "href"


def test_json_strips_lone_surrogates_so_strict_readers_accept_it(run, tmp_path) -> None:
    path = write_graph(campaigns_view(load_doc(run)), "json", tmp_path / "c.json")
    raw = path.read_bytes()
    raw.decode("utf-8")  # strict: raises on any encoded surrogate
    assert b"\\ud800" not in raw.lower()
    G = nx.node_link_graph(json.loads(raw), edges="edges")
    assert G.nodes["campaign:c-9f8e7d6c"]["label"] == "sim--help"
