"""GEXF 1.3 round trips: the official RELAX NG schema, networkx read-back, hostile text, streaming."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from crawler.store import PageStore, store_path
from output.gexf import GEXF_NS, VIZ_NS, write_gexf
from output.graphdata import AttrSpec, Edge, GraphData, Node
from output.views import campaigns_view, pages_view, sites_view
from test_output_views import (
    CONTROL_TITLE,
    HANDLE,
    SURROGATE_LABEL,
    XSS_TITLE,
    hand_site_graph,
    load_doc,
    make_run,
)

SCHEMA = Path(__file__).resolve().parent / "gexf-schema" / "1.3" / "gexf.rng"


@pytest.fixture(scope="module")
def relaxng() -> etree.RelaxNG:
    if not SCHEMA.exists():
        pytest.fail(f"the official GEXF 1.3 schema is missing: {SCHEMA}")
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path / "run")


def _assert_valid(relaxng: etree.RelaxNG, path: Path) -> etree._ElementTree:
    doc = etree.parse(str(path))
    assert relaxng.validate(doc), relaxng.error_log
    return doc


def _write_views(run: Path, out: Path) -> dict[str, Path]:
    doc = load_doc(run)
    paths = {name: out / f"{name}.gexf" for name in ("pages", "sites", "campaigns")}
    with PageStore(store_path(run)) as store:
        write_gexf(pages_view(store, doc), paths["pages"])
    write_gexf(sites_view(hand_site_graph(), doc), paths["sites"])
    write_gexf(campaigns_view(doc), paths["campaigns"])
    return paths


def test_every_view_validates_against_the_gexf_1_3_relaxng_schema(run, tmp_path, relaxng) -> None:
    for path in _write_views(run, tmp_path).values():
        doc = _assert_valid(relaxng, path)
        root = doc.getroot()
        assert root.tag == f"{{{GEXF_NS}}}gexf" and root.get("version") == "1.3"


def test_networkx_reads_back_pages_with_typed_attributes_times_and_viz(run, tmp_path) -> None:
    G = nx.read_gexf(_write_views(run, tmp_path)["pages"])
    assert G.is_directed()
    page = G.nodes["page:http://leb-card-help.net/renew-1.html"]
    assert page["kind"] == "page" and page["campaign"] == "c-1a2b3c4d"
    assert page["url"] == "http://leb-card-help.net/renew-1.html"
    assert page["domain"] == "leb-card-help.net"
    assert page["first_seen"] == page["start"] == "2026-11-02T01:15:00Z"
    handle = G.nodes[f"handle:{HANDLE}"]
    assert handle["pages"] == 4 and isinstance(handle["pages"], int)
    assert handle["label"] == HANDLE
    # every node has a colour with alpha and a size
    for _, data in G.nodes(data=True):
        assert set(data["viz"]["color"]) == {"r", "g", "b", "a"}
        assert data["viz"]["size"] > 0
    assert G.nodes["page:http://news.example.com/esim-review"]["campaign"] == ""
    # a page whose fetch time is not a time has no start, and the file still validates
    assert "start" not in G.nodes["page:http://plain.example.org/"]
    edge = G.edges["page:http://esim-faq.org/renew-2.html", f"handle:{HANDLE}"]
    assert edge["weight"] == 3.2 and edge["source"] == "href" and edge["hidden"] is False
    assert G.number_of_edges() == 30


def test_graph_is_dynamic_so_the_timeline_plays(run, tmp_path) -> None:
    root = etree.parse(str(_write_views(run, tmp_path)["pages"])).getroot()
    graph = root.find(f"{{{GEXF_NS}}}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    starts = [n.get("start") for n in graph.iter(f"{{{GEXF_NS}}}node") if n.get("start")]
    assert "2026-11-01T00:15:00Z" in starts and len(starts) >= 8
    colors = list(graph.iter(f"{{{VIZ_NS}}}color"))
    assert colors and all(c.get("a") is not None for c in colors)


def test_hostile_titles_keep_the_rest_of_their_text(run, tmp_path, relaxng) -> None:
    paths = _write_views(run, tmp_path)
    G = nx.read_gexf(paths["pages"])
    assert G.nodes["page:http://sim-renew-guide.com/renew-0.html"]["label"] == XSS_TITLE
    assert G.nodes["page:http://leb-card-help.net/renew-1.html"]["label"] == "续期步骤详解[31m红色"
    assert "\x00" in CONTROL_TITLE  # the fixture really is hostile
    C = nx.read_gexf(paths["campaigns"])
    assert C.nodes["campaign:c-9f8e7d6c"]["label"] == "sim--help"
    S = nx.read_gexf(paths["sites"])
    assert S.nodes["site:news.example.com"]["label"] == "sim--help"
    assert "\ud800" in SURROGATE_LABEL


def test_ids_with_forbidden_characters_stay_distinct_and_edges_follow(tmp_path, relaxng) -> None:
    ids = ["page:http://x.com/a\x00", "page:http://x.com/a\x01", "page:http://x.com/a"]
    data = GraphData(
        name="ids\x1b",
        directed=False,
        node_attrs=[AttrSpec("kind", "string"), AttrSpec("note", "string")],
        edge_attrs=[AttrSpec("shared", "integer")],
        nodes=lambda: (Node(i, "t\udcff\x0bx", {"kind": "page", "note": "a\ud800b"},
                            (1, 2, 3, 0.25)) for i in ids),
        edges=lambda: iter([Edge(ids[0], ids[1], 2.0, {"shared": 3})]),
    )
    path = tmp_path / "ids.gexf"
    write_gexf(data, path)
    _assert_valid(relaxng, path)
    G = nx.read_gexf(path)
    assert sorted(G) == ["page:http://x.com/a", "page:http://x.com/a%00", "page:http://x.com/a%01"]
    assert G.nodes["page:http://x.com/a"]["label"] == "tx"
    assert G.nodes["page:http://x.com/a"]["note"] == "ab"
    assert G.nodes["page:http://x.com/a"]["viz"]["color"]["a"] == 0.25
    assert G.edges["page:http://x.com/a%00", "page:http://x.com/a%01"]["shared"] == 3


def test_writer_consumes_one_shot_generators_and_never_needs_the_graph(tmp_path, relaxng) -> None:
    n = 20_000

    def nodes():
        for i in range(n):
            yield Node(f"n{i}", f"node {i}", {"kind": "page", "rank": i}, (9, 9, 9, 1.0),
                       start=f"2026-11-{1 + i % 28:02d}T00:00:00Z")

    def edges():
        for i in range(1, n):
            yield Edge(f"n{i - 1}", f"n{i}", 1.0)

    data = GraphData("chain", False, [AttrSpec("kind", "string"), AttrSpec("rank", "integer")],
                     [], nodes, edges, dynamic=True)
    path = tmp_path / "chain.gexf"
    write_gexf(data, path)
    _assert_valid(relaxng, path)
    G = nx.read_gexf(path)
    assert G.number_of_nodes() == n and G.number_of_edges() == n - 1
    assert G.nodes["n19999"]["rank"] == 19999
