"""The three graphs Cobweb exports (``--view``): pages, sites and campaigns.

- ``pages``: every page and every artifact, page -> artifact edges, streamed
  from the store (two passes, bounded memory).
- ``sites``: one node per site, edges weighted by shared evidence, from
  :func:`analysis.sites.site_graph`.
- ``campaigns``: one node per campaign, with its tying artifacts and its sites,
  built from ``campaigns.json``; small enough for any laptop.

Node ids and attributes follow docs/architecture.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

import networkx as nx

from analysis.campaigns import page_campaigns, page_cloaking
from analysis.sites import site_graph, site_node_id
from crawler.domains import registered_domain
from crawler.records import STRONG_KINDS, page_node_id
from crawler.store import PageStore, StoredPage
from output.campaigns import CampaignsDoc, campaign_list, evidence_weights
from output.graphdata import AttrSpec, Edge, GraphData, Node, from_networkx
from output.store_queries import artifact_summaries, pages_with_artifacts
from output.style import Color, campaign_palette, kind_color, node_size
from output.text import one_line

__all__ = [
    "VIEWS",
    "view_graph",
    "PAGE_NODE_ATTRS",
    "PAGE_EDGE_ATTRS",
    "pages_view",
    "sites_view",
    "campaigns_graph",
    "campaigns_view",
]

VIEWS = ("pages", "sites", "campaigns")

#: Node attributes of the ``pages`` view.
PAGE_NODE_ATTRS = [
    AttrSpec("kind", "string"),
    AttrSpec("label", "string"),
    AttrSpec("url", "string"),
    AttrSpec("domain", "string"),
    AttrSpec("campaign", "string"),
    AttrSpec("campaign_label", "string"),
    AttrSpec("first_seen", "string"),
    AttrSpec("pages", "integer"),
    AttrSpec("degree", "integer"),
    AttrSpec("strength", "string"),
    AttrSpec("cloaking", "string"),  # the views a cloaking page showed something else (issue 12)
    # page evidence: SHA-256 of the body as received, and where its WARC record is
    AttrSpec("sha256", "string"),
    AttrSpec("warc_file", "string"),
    AttrSpec("warc_offset", "long"),
]
#: Edge attributes of the ``pages`` view: where on the page the artifact was found.
PAGE_EDGE_ATTRS = [
    AttrSpec("source", "string"),
    AttrSpec("confidence", "double"),
    AttrSpec("hidden", "boolean"),
]


def _strength(kind: str) -> str:
    return "strong" if kind in STRONG_KINDS else "weak"


def _evidence(page: StoredPage) -> dict[str, object]:
    """The page's digest and WARC record, when it has them."""
    if not page.warc_file and not page.sha256:
        return {}
    out: dict[str, object] = {"sha256": page.sha256, "warc_file": page.warc_file}
    if page.warc_offset >= 0:
        out["warc_offset"] = page.warc_offset
    return out


def pages_view(store: PageStore, campaigns: CampaignsDoc | None = None) -> GraphData:
    """The full page-artifact graph of a run, streamed from its store.

    Pages carry their campaign's id and label from ``campaigns`` (``""`` when
    none or when ``campaigns`` is ``None``) and take its colour; edges weigh the artifact's
    evidence weight, or 1.0.
    """
    page_campaign = page_campaigns(campaigns) if campaigns else {}
    cloaking = page_cloaking(campaigns)
    palette = campaign_palette(c["id"] for c in campaign_list(campaigns))
    weights = evidence_weights(campaigns)
    labels = {str(c["id"]): one_line(c.get("label") or c["id"]) for c in campaign_list(campaigns)}

    def nodes() -> Iterator[Node]:
        for page, rows in pages_with_artifacts(store):
            campaign = page_campaign.get(page.url, "")
            label = one_line(page.title) or page.url
            yield Node(
                id=page_node_id(page.url),
                label=label,
                attrs={
                    "kind": "page",
                    "label": label,
                    "url": page.url,
                    "domain": page.domain,
                    "campaign": campaign,
                    "campaign_label": labels.get(campaign, ""),
                    "first_seen": page.fetched_at,
                    "degree": len(rows),
                    "cloaking": ",".join(cloaking.get(page.url, [])),
                    **_evidence(page),
                },
                color=palette.get(campaign, kind_color("page")),
                size=node_size(len(rows)),
                start=page.fetched_at or None,
            )
        for kind, label, pages, first_seen in artifact_summaries(store):
            yield Node(
                id=f"{kind}:{label}",
                label=label,
                attrs={
                    "kind": kind,
                    "label": label,
                    "first_seen": first_seen,
                    "pages": pages,
                    "degree": pages,
                    "strength": _strength(kind),
                },
                color=kind_color(kind),
                size=node_size(pages),
                start=first_seen or None,
            )

    def edges() -> Iterator[Edge]:
        for page, rows in pages_with_artifacts(store):
            source = page_node_id(page.url)
            for _, kind, label, found_in, confidence, hidden in rows:
                yield Edge(
                    source=source,
                    target=f"{kind}:{label}",
                    weight=weights.get((kind, label), 1.0),
                    attrs={"source": found_in, "confidence": confidence, "hidden": hidden},
                    start=page.fetched_at or None,
                )

    return GraphData(
        name="Cobweb pages: every page and its artifacts",
        directed=True,
        node_attrs=PAGE_NODE_ATTRS,
        edge_attrs=PAGE_EDGE_ATTRS,
        nodes=nodes,
        edges=edges,
        dynamic=True,
    )


def _styled(G: nx.Graph, campaigns: CampaignsDoc | None, name: str) -> GraphData:
    palette = campaign_palette(c["id"] for c in campaign_list(campaigns))

    def color(node: str, data: Mapping[str, object]) -> Color:
        kind = str(data.get("kind", ""))
        if kind in ("site", "campaign", "page"):
            return palette.get(str(data.get("campaign") or ""), kind_color(kind))
        return kind_color(kind)

    def size(node: str, data: Mapping[str, object]) -> float:
        pages = data.get("pages")
        if isinstance(pages, (int, float)) and not isinstance(pages, bool):
            return node_size(pages)
        return node_size(G.degree(node))

    data = from_networkx(G, name=name, color=color, size=size)
    data.dynamic = any(isinstance(d.get("first_seen"), str) and d["first_seen"]
                       for _, d in G.nodes(data=True))
    return data


def sites_view(G: nx.Graph, campaigns: CampaignsDoc | None = None) -> GraphData:
    """The domain-domain graph (from :func:`analysis.sites.site_graph`), styled for export.

    Sites take their campaign's colour and a size by page count.
    """
    return _styled(G, campaigns, "Cobweb sites: sites tied by shared evidence")


def campaigns_graph(campaigns: CampaignsDoc | None) -> nx.Graph:
    """One node per campaign, linked to its evidence artifacts and to its sites; each thing once.

    Campaign nodes are ``campaign:<id>`` with ``kind="campaign"``, ``label``,
    ``campaign`` (the id), ``campaign_label``, ``pages`` (its size), ``score``,
    ``first_seen`` and ``last_seen``. Artifact nodes are ``<kind>:<label>`` and
    site nodes ``site:<domain>``; an out-link ``domain:X`` evidence whose X is a
    site of a campaign is that site's node (with ``evidence=True``), not a second
    node. A node listed by one campaign carries its ``campaign`` and
    ``campaign_label``; one listed by several is a hub: ``campaign`` ``""`` and
    ``campaigns`` (how many list it). Campaign-artifact edges weigh the evidence
    weight; campaign-site edges the number of the campaign's pages on that site.

    >>> doc = {"campaigns": [{"id": "c-1", "label": "telegram:x", "size": 2, "score": 0.9,
    ...   "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z",
    ...   "pages": ["http://a.com/1", "http://b.com/2"], "domains": ["a.com", "b.com"],
    ...   "evidence": [{"kind": "handle", "label": "telegram:x", "strength": "strong",
    ...                 "pages": 2, "sites": 2, "weight": 3.0},
    ...                {"kind": "domain", "label": "b.com", "strength": "weak",
    ...                 "pages": 2, "sites": 1, "weight": 1.0}]}]}
    >>> G = campaigns_graph(doc)
    >>> sorted(G.nodes)
    ['campaign:c-1', 'handle:telegram:x', 'site:a.com', 'site:b.com']
    >>> G.edges["campaign:c-1", "site:a.com"]["weight"], G.nodes["site:b.com"]["evidence"]
    (1.0, True)
    """
    G = nx.Graph()
    items = campaign_list(campaigns)
    all_sites = {str(d) for c in items for d in c.get("domains", [])}
    listed_by: dict[str, set[str]] = {}

    def claim(node: str, cid: str, label: str) -> None:
        owners = listed_by.setdefault(node, set())
        owners.add(cid)
        data = G.nodes[node]
        data["campaigns"] = len(owners)
        data["campaign"] = cid if len(owners) == 1 else ""
        data["campaign_label"] = label if len(owners) == 1 else ""

    for campaign in items:
        cid = str(campaign["id"])
        clabel = one_line(campaign.get("label") or cid)
        cnode = f"campaign:{cid}"
        pages = [str(u) for u in campaign.get("pages", [])]
        G.add_node(
            cnode,
            kind="campaign",
            label=clabel,
            campaign=cid,
            campaign_label=clabel,
            pages=int(campaign.get("size", len(pages))),
            score=float(campaign.get("score", 0.0)),
            first_seen=str(campaign.get("first_seen") or ""),
            last_seen=str(campaign.get("last_seen") or ""),
            cloaking=",".join((campaign.get("cloaking") or {}).get("views", [])),
        )
        per_site = Counter(registered_domain(u) for u in pages)
        for domain in campaign.get("domains", []):
            domain = str(domain)
            node = site_node_id(domain)
            if node not in G:
                G.add_node(node, kind="site", label=domain, pages=0)
            count = per_site.get(domain, 0)
            G.nodes[node]["pages"] += count
            claim(node, cid, clabel)
            G.add_edge(cnode, node, weight=float(max(count, 1)), relation="site", pages=count)
        for ev in campaign.get("evidence", []):
            kind, label = str(ev.get("kind", "")), str(ev.get("label", ""))
            if not kind or not label:
                continue
            weight, ev_pages = float(ev.get("weight", 1.0)), int(ev.get("pages", 0))
            if kind == "domain" and label in all_sites:  # the site itself, linked as evidence
                node = site_node_id(label)
                if node not in G:
                    G.add_node(node, kind="site", label=label, pages=0)
                G.nodes[node]["evidence"] = True
                claim(node, cid, clabel)
                if G.has_edge(cnode, node):
                    G.edges[cnode, node]["relation"] = "site, evidence"
                else:
                    G.add_edge(cnode, node, weight=weight, relation="evidence", pages=ev_pages)
                continue
            node = f"{kind}:{label}"
            if node not in G:
                G.add_node(node, kind=kind, label=label, pages=0,
                           strength=str(ev.get("strength") or _strength(kind)))
            G.nodes[node]["pages"] += ev_pages
            claim(node, cid, clabel)
            G.add_edge(cnode, node, weight=weight, relation="evidence", pages=ev_pages)
    return G


def campaigns_view(campaigns: CampaignsDoc | None, graph: nx.Graph | None = None) -> GraphData:
    """:func:`campaigns_graph` (or ``graph``, one built by it), styled for export."""
    G = campaigns_graph(campaigns) if graph is None else graph
    return _styled(G, campaigns,
                   "Cobweb campaigns: campaigns, their evidence and their sites")


def view_graph(view: str, store: PageStore, campaigns: CampaignsDoc | None) -> GraphData:
    """The graph of one view (one of :data:`VIEWS`) of an open run."""
    if view == "pages":
        return pages_view(store, campaigns)
    if view == "sites":
        return sites_view(site_graph(store, campaigns), campaigns)
    if view == "campaigns":
        return campaigns_view(campaigns)
    raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
