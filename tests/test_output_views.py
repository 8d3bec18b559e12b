"""The export views over a hand-made run, and the run builder the other output tests share.

``make_run`` writes a small run directory by hand: a store filled with
``PageStore.add_pages`` (two campaigns in the style of the seeds, written for
these tests, plus unrelated pages and hostile titles) and a hand-written
``campaigns.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from crawler.records import Artifact, PageRecord
from crawler.store import PageStore, store_path
from output.style import kind_color
from output.views import PAGE_NODE_ATTRS, campaigns_graph, campaigns_view, pages_view, sites_view

#: Titles that must come out harmless and, apart from forbidden characters, whole.
XSS_TITLE = "<script>alert(1)</script>"
CONTROL_TITLE = "续期\x00步骤\x0b详解\x1b[31m红色"
FORMULA_TITLE = "=cmd|' /C calc'!A0"
#: A label with a lone surrogate, as invalid UTF-8 decoded with surrogateescape gives.
SURROGATE_LABEL = b"sim-\xff\xfe-help".decode("utf-8", "surrogateescape") + "\ud800"

HANDLE = "telegram:simrenew_helper"
IMAGE = "https://i.postimg.cc/Zx81yQ/renew-steps.png"


def _esim_pages() -> list[PageRecord]:
    sites = ["sim-renew-guide.com", "leb-card-help.net", "esim-faq.org", "cardtips.blogspot.com"]
    titles = [XSS_TITLE, CONTROL_TITLE, FORMULA_TITLE, "LEB eSIM 卡怎么续费？三步搞定"]
    pages = []
    for i, (site, title) in enumerate(zip(sites, titles)):
        pages.append(
            PageRecord(
                url=f"http://{site}/renew-{i}.html",
                fetched_at=f"2026-11-0{i + 1}T0{i}:15:00Z",
                title=title,
                keywords=["esim"],
                artifacts=[
                    Artifact("handle", HANDLE, "href"),
                    Artifact("image", IMAGE, "attr"),
                    Artifact("image_host", "postimg.cc", "attr"),
                    Artifact("domain", "t.me", "href", 1.0),
                    Artifact("domain", "fonts.googleapis.com", "css"),
                ],
            )
        )
    return pages


def _wallet_pages() -> list[PageRecord]:
    return [
        PageRecord(
            url=f"http://coin-double-{i}.net/offer",
            fetched_at=f"2026-11-1{i}T12:00:00Z",
            title=f"双倍返还活动 第{i}期",
            artifacts=[
                Artifact("wallet", "tron:TXq7JbY4m2Vn8kS5pQe3Rf6WdLhA9uZc1o", "text"),
                Artifact("handle", "whatsapp:85261234567", "href"),
                Artifact("domain", "fonts.googleapis.com", "css"),
            ],
        )
        for i in range(3)
    ]


def _other_pages() -> list[PageRecord]:
    return [
        PageRecord(url="http://news.example.com/esim-review", title="eSIM review",
                   fetched_at="2026-11-05T09:00:00Z",
                   artifacts=[Artifact("domain", "fonts.googleapis.com", "css")]),
        PageRecord(url="http://plain.example.org/", title="", fetched_at="not a time"),
    ]


def campaigns_doc(esim: list[PageRecord], wallet: list[PageRecord]) -> dict:
    """A hand-written campaigns.json for the pages above (docs/campaigns.md)."""
    return {
        "schema": "cobweb.campaigns/1",
        "generated_at": "2026-11-23T05:02:15Z",
        "parameters": {"ubiquity": 0.2, "min_pages": 2, "seed": 0},
        "totals": {"pages": 9, "sites": 9, "artifacts": 8, "campaigns": 2},
        "ubiquitous": [{"kind": "domain", "label": "fonts.googleapis.com", "pages": 8, "sites": 8}],
        "campaigns": [
            {
                "id": "c-1a2b3c4d",
                "label": HANDLE,
                "score": 0.97,
                "size": len(esim),
                "first_seen": esim[0].fetched_at,
                "last_seen": esim[-1].fetched_at,
                "pages": sorted(p.url for p in esim),
                "domains": sorted(p.url.split("/")[2] for p in esim),
                "artifacts": {"handle": [HANDLE], "image": [IMAGE], "image_host": ["postimg.cc"],
                              "domain": ["t.me"]},
                "evidence": [
                    {"kind": "handle", "label": HANDLE, "strength": "strong", "pages": 4,
                     "sites": 4, "weight": 3.2},
                    {"kind": "image", "label": IMAGE, "strength": "strong", "pages": 4,
                     "sites": 4, "weight": 2.9},
                ],
            },
            {
                "id": "c-9f8e7d6c",
                "label": SURROGATE_LABEL,
                "score": 0.81,
                "size": len(wallet),
                "first_seen": wallet[0].fetched_at,
                "last_seen": wallet[-1].fetched_at,
                "pages": sorted(p.url for p in wallet),
                "domains": sorted(p.url.split("/")[2] for p in wallet),
                "artifacts": {"wallet": ["tron:TXq7JbY4m2Vn8kS5pQe3Rf6WdLhA9uZc1o"],
                              "handle": ["whatsapp:85261234567"]},
                "evidence": [
                    {"kind": "wallet", "label": "tron:TXq7JbY4m2Vn8kS5pQe3Rf6WdLhA9uZc1o",
                     "strength": "strong", "pages": 3, "sites": 3, "weight": 2.5},
                    {"kind": "handle", "label": "whatsapp:85261234567", "strength": "strong",
                     "pages": 3, "sites": 3, "weight": 2.4},
                ],
            },
        ],
    }


def make_run(run_dir: Path, *, with_campaigns: bool = True) -> Path:
    """Write a small run: ``crawl.sqlite`` and (unless told not to) ``campaigns.json``."""
    esim, wallet = _esim_pages(), _wallet_pages()
    with PageStore.open_run(run_dir) as store:
        store.add_pages(esim + wallet + _other_pages())
    if with_campaigns:
        doc = campaigns_doc(esim, wallet)
        # ensure_ascii keeps the lone surrogate as a \\ud800 escape, as any JSON writer may
        (run_dir / "campaigns.json").write_text(json.dumps(doc), encoding="utf-8")
    return run_dir


def load_doc(run_dir: Path) -> dict:
    return json.loads((run_dir / "campaigns.json").read_text(encoding="utf-8"))


def hand_site_graph() -> nx.Graph:
    """A sites graph with the attributes ``analysis.sites.site_graph`` promises."""
    G = nx.Graph()
    G.add_node("site:sim-renew-guide.com", kind="site", label="sim-renew-guide.com", pages=1,
               campaign="c-1a2b3c4d", first_seen="2026-11-01T00:15:00Z")
    G.add_node("site:leb-card-help.net", kind="site", label="leb-card-help.net", pages=1,
               campaign="c-1a2b3c4d", first_seen="2026-11-02T01:15:00Z")
    G.add_node("site:news.example.com", kind="site", label=SURROGATE_LABEL + "\x00", pages=1,
               campaign="", first_seen="")
    G.add_edge("site:sim-renew-guide.com", "site:leb-card-help.net", weight=6.1, shared=2)
    G.add_edge("site:sim-renew-guide.com", "site:news.example.com", weight=0.5, shared=1)
    return G


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path / "run")


def test_pages_view_has_every_page_and_artifact_with_the_documented_attributes(run: Path) -> None:
    with PageStore(store_path(run)) as store:
        data = pages_view(store, load_doc(run))
        nodes = {n.id: n for n in data.nodes()}
        edges = list(data.edges())
    assert {s.name for s in data.node_attrs} >= {"kind", "label", "url", "domain", "campaign",
                                                 "first_seen", "pages"}
    page = nodes["page:http://sim-renew-guide.com/renew-0.html"]
    assert page.attrs["kind"] == "page"
    assert page.attrs["url"] == "http://sim-renew-guide.com/renew-0.html"
    assert page.attrs["domain"] == "sim-renew-guide.com"
    assert page.attrs["campaign"] == "c-1a2b3c4d"
    assert page.attrs["first_seen"] == "2026-11-01T00:15:00Z"
    assert page.start == "2026-11-01T00:15:00Z"
    assert nodes["page:http://news.example.com/esim-review"].attrs["campaign"] == ""
    assert nodes["page:http://plain.example.org/"].label == "http://plain.example.org/"
    handle = nodes[f"handle:{HANDLE}"]
    assert (handle.attrs["kind"], handle.label, handle.attrs["pages"]) == ("handle", HANDLE, 4)
    assert handle.attrs["first_seen"] == "2026-11-01T00:15:00Z"
    assert nodes["domain:fonts.googleapis.com"].attrs["pages"] == 8
    assert len([n for n in nodes.values() if n.attrs["kind"] == "page"]) == 9
    # every page-artifact pair is one edge page -> artifact, evidence weighted
    assert len(edges) == 4 * 5 + 3 * 3 + 1
    to_handle = [e for e in edges if e.target == f"handle:{HANDLE}"]
    assert len(to_handle) == 4 and {e.weight for e in to_handle} == {3.2}
    assert all(e.source.startswith("page:") and e.target in nodes for e in edges)
    assert {e.attrs["source"] for e in to_handle} == {"href"}
    # campaign pages share their campaign's colour; alpha is always there
    assert page.color == nodes["page:http://leb-card-help.net/renew-1.html"].color
    assert page.color != nodes["page:http://news.example.com/esim-review"].color
    assert all(len(n.color) == 4 and 0 <= n.color[3] <= 1 for n in nodes.values())
    assert nodes["domain:fonts.googleapis.com"].size > nodes["domain:t.me"].size  # 8 pages vs 4


def test_pages_view_without_campaigns_gives_every_page_an_empty_campaign(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", with_campaigns=False)
    with PageStore(store_path(run)) as store:
        pages = [n for n in pages_view(store, None).nodes() if n.attrs["kind"] == "page"]
    assert len(pages) == 9 and {n.attrs["campaign"] for n in pages} == {""}


def test_pages_view_streams_the_store_twice_without_building_a_graph(run: Path) -> None:
    with PageStore(store_path(run)) as store:
        data = pages_view(store, load_doc(run))
        first = [n.id for n in data.nodes()]
        assert [n.id for n in data.nodes()] == first  # a fresh iterator each call
        assert sum(1 for _ in data.edges()) == 30
    assert [s.name for s in data.node_attrs] == [s.name for s in PAGE_NODE_ATTRS]


def test_campaigns_graph_has_campaigns_their_evidence_and_their_sites(run: Path) -> None:
    G = campaigns_graph(load_doc(run))
    c1 = G.nodes["campaign:c-1a2b3c4d"]
    assert (c1["kind"], c1["pages"], c1["score"]) == ("campaign", 4, 0.97)
    assert c1["first_seen"] == "2026-11-01T00:15:00Z" and c1["last_seen"] == "2026-11-04T03:15:00Z"
    assert G.has_edge("campaign:c-1a2b3c4d", f"handle:{HANDLE}")
    assert G.edges["campaign:c-1a2b3c4d", f"handle:{HANDLE}"]["weight"] == 3.2
    assert G.has_edge("campaign:c-1a2b3c4d", "site:cardtips.blogspot.com")
    assert G.nodes["site:cardtips.blogspot.com"]["pages"] == 1
    assert len([n for n, d in G.nodes(data=True) if d["kind"] == "campaign"]) == 2
    assert len(G) == 2 + 4 + 7  # campaigns, evidence artifacts, sites


def test_campaigns_and_sites_views_type_their_attributes_and_leave_out_none(run: Path) -> None:
    data = campaigns_view(load_doc(run))
    types = {s.name: s.type for s in data.node_attrs}
    assert types["pages"] == "integer" and types["score"] == "double"
    assert types["kind"] == types["first_seen"] == "string"
    G = hand_site_graph()
    G.nodes["site:news.example.com"]["score"] = None
    sites = sites_view(G, load_doc(run))
    assert "score" not in {s.name for s in sites.node_attrs}
    assert {s.name: s.type for s in sites.edge_attrs} == {"shared": "integer"}
    nodes = {n.id: n for n in sites.nodes()}
    assert nodes["site:sim-renew-guide.com"].color == nodes["site:leb-card-help.net"].color
    assert nodes["site:sim-renew-guide.com"].color != nodes["site:news.example.com"].color
    assert sites.dynamic


def test_views_carry_the_campaign_label_beside_its_id(run: Path) -> None:
    with PageStore(store_path(run)) as store:
        nodes = {n.id: n for n in pages_view(store, load_doc(run)).nodes()}
    page = nodes["page:http://sim-renew-guide.com/renew-0.html"]
    assert (page.attrs["campaign"], page.attrs["campaign_label"]) == ("c-1a2b3c4d", HANDLE)
    assert nodes["page:http://news.example.com/esim-review"].attrs["campaign_label"] == ""
    G = campaigns_graph(load_doc(run))
    assert G.nodes["campaign:c-1a2b3c4d"]["campaign_label"] == HANDLE
    assert G.nodes["site:esim-faq.org"]["campaign_label"] == HANDLE


def test_campaigns_view_has_each_site_once_and_shared_nodes_as_hubs(run: Path) -> None:
    doc = load_doc(run)
    first, second = doc["campaigns"]
    # the e-SIM pages link to one of the wallet campaign's sites, and both list the same image
    first["evidence"].append({"kind": "domain", "label": "coin-double-0.net", "strength": "weak",
                              "pages": 2, "sites": 2, "weight": 1.5})
    second["evidence"].append({"kind": "image", "label": IMAGE, "strength": "strong",
                               "pages": 2, "sites": 2, "weight": 2.0})
    G = campaigns_graph(doc)
    assert "domain:coin-double-0.net" not in G
    site = G.nodes["site:coin-double-0.net"]
    assert site["evidence"] is True and site["campaigns"] == 2 and site["campaign"] == ""
    assert G.has_edge("campaign:c-1a2b3c4d", "site:coin-double-0.net")
    image = G.nodes[f"image:{IMAGE}"]
    assert (image["campaigns"], image["campaign"], image["campaign_label"]) == (2, "", "")
    assert G.nodes[f"handle:{HANDLE}"]["campaigns"] == 1
    labels = [d["label"] for _, d in G.nodes(data=True) if d["kind"] in ("site", "domain")]
    assert len(labels) == len(set(labels))  # one node per site
    drawn = {n.id: n for n in campaigns_view(doc).nodes()}
    assert drawn["site:coin-double-0.net"].color == kind_color("site")  # a hub: no campaign's colour
    assert drawn["site:esim-faq.org"].color == drawn["campaign:c-1a2b3c4d"].color
