"""The sites view: domain-domain graph weighted by shared strong evidence."""

from __future__ import annotations

import networkx as nx

from analysis.run import analyze_run
from analysis.sites import site_graph
from crawler.store import PageStore
from analysis_webs import art, benign_sites, campaign, page

IMG = "https://i.postimg.cc/4NQf/a.png"


def make_run(tmp_path):
    records = benign_sites() + campaign("esim", "telegram:esim1088", 3, image=IMG)
    records.append(page("http://esim0.com/second.html", art("handle", "telegram:esim1088"), day=1))
    with PageStore.open_run(tmp_path) as store:
        store.add_pages(records)
    return records


def test_site_nodes_and_edges(tmp_path):
    make_run(tmp_path)
    with PageStore.open_run(tmp_path) as store:
        G = site_graph(store)
    assert isinstance(G, nx.Graph) and not G.is_directed()
    assert G.number_of_nodes() == 15
    node = G.nodes["site:esim0.com"]
    assert node == {"kind": "site", "label": "esim0.com", "pages": 2, "campaign": "",
                    "first_seen": "2026-11-01T00:00:00Z"}
    # the campaign's three sites form a triangle; handle and image are both shared
    esim = [f"site:esim{i}.com" for i in range(3)]
    assert {frozenset(e) for e in G.edges} == {
        frozenset(pair) for pair in [(esim[0], esim[1]), (esim[0], esim[2]), (esim[1], esim[2])]}
    edge = G.edges["site:esim0.com", "site:esim1.com"]
    assert edge["shared"] == 2
    assert isinstance(edge["weight"], float) and edge["weight"] > 0
    # ubiquitous artifacts and weak kinds add no edges; benign sites stay isolated
    assert G.degree("site:benign0.com") == 0
    assert G.number_of_edges() == 3


def test_campaign_attribute_from_campaigns_json(tmp_path):
    make_run(tmp_path)
    doc = analyze_run(tmp_path)
    (c,) = doc["campaigns"]
    with PageStore.open_run(tmp_path) as store:
        from_file = site_graph(store)
        from_doc = site_graph(store, doc)
        custom = site_graph(store, tmp_path / "campaigns.json", weight="w")
    for G in (from_file, from_doc):
        assert G.nodes["site:esim2.com"]["campaign"] == c["id"]
        assert G.nodes["site:benign3.com"]["campaign"] == ""
    assert "w" in custom.edges["site:esim0.com", "site:esim2.com"]
    assert "weight" not in custom.edges["site:esim0.com", "site:esim2.com"]


def test_store_is_not_modified(tmp_path):
    make_run(tmp_path)
    with PageStore.open_run(tmp_path) as store:
        before = list(store.iter_page_artifact_details())
        site_graph(store)
        assert list(store.iter_page_artifact_details()) == before
