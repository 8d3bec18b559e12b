"""The sites view: a domain-domain graph weighted by shared strong evidence.

What investigators open first in Gephi: one node per site (registered domain),
an edge where two sites carry the same tie artifact (a handle, wallet,
tracking ID, exact image or redirect target that is neither ubiquitous nor a
platform artifact). Edges come from a sparse product ``B W B^T`` of the
site-artifact incidence matrix, never from pairwise Python loops.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix, diags, triu

from analysis.campaigns import CAMPAIGNS_FILENAME, page_campaigns, read_campaigns
from analysis.evidence import artifact_evidence
from analysis.table import distinct, load_table
from crawler.store import PageStore

__all__ = ["site_graph", "site_node_id"]

logger = logging.getLogger(__name__)


def site_node_id(domain: str) -> str:
    """The node id of a site.

    >>> site_node_id("leb-help.com")
    'site:leb-help.com'
    """
    return f"site:{domain}"


def _load_doc(store: PageStore, campaigns: dict | str | Path | None) -> dict | None:
    if isinstance(campaigns, dict):
        return campaigns
    if campaigns is not None:
        return read_campaigns(campaigns)
    if store.path != ":memory:":
        path = Path(store.path).parent / CAMPAIGNS_FILENAME
        if path.exists():
            return read_campaigns(path)
    return None


def site_graph(
    store: PageStore,
    campaigns: dict[str, Any] | str | Path | None = None,
    *,
    weight: str = "weight",
    max_artifact_sites: int = 2000,
) -> nx.Graph:
    """The domain-domain graph of a run, weighted by shared strong evidence.

    Parameters
    ----------
    store : PageStore
        The run's store (read only).
    campaigns : dict, path or None
        A ``campaigns.json`` document or its path. None reads
        ``campaigns.json`` next to the store file when there is one; without
        it every site's ``campaign`` is ``""``.
    weight : str
        Name of the edge attribute that holds the weight.
    max_artifact_sites : int
        Tie artifacts on more sites than this add no edges (each would add
        ``k**2 / 2`` of them); they are logged.

    Returns
    -------
    networkx.Graph
        Nodes ``site:<domain>`` with ``kind="site"``, ``label`` (the domain),
        ``pages`` (int), ``campaign`` (the campaign holding most of the site's
        pages, or ``""``) and ``first_seen`` (earliest fetch, ``""`` if
        unknown). Edges carry ``weight`` (float: the sum of the shared
        artifacts' IDF weights) and ``shared`` (int: how many tie artifacts
        the two sites share).

    Examples
    --------
    >>> from crawler.records import Artifact, PageRecord
    >>> store = PageStore(":memory:")
    >>> tg = Artifact("handle", "telegram:esim1088", "href")
    >>> _ = store.add_pages([
    ...     PageRecord("http://a.com/1", fetched_at="2026-11-02T00:00:00Z", artifacts=[tg]),
    ...     PageRecord("http://b.com/1", fetched_at="2026-11-01T00:00:00Z", artifacts=[tg]),
    ...     PageRecord("http://c.com/1")])
    >>> G = site_graph(store)
    >>> sorted(G.nodes)
    ['site:a.com', 'site:b.com', 'site:c.com']
    >>> G.nodes["site:b.com"]["first_seen"], G.nodes["site:b.com"]["pages"]
    ('2026-11-01T00:00:00Z', 1)
    >>> d = G.edges["site:a.com", "site:b.com"]
    >>> d["shared"], round(d["weight"], 3)
    (1, 0.916)
    """
    doc = _load_doc(store, campaigns)
    ubiquity = float((doc or {}).get("parameters", {}).get("ubiquity", 0.2))
    table = load_table(store)
    evidence = artifact_evidence(table, ubiquity=ubiquity)
    graph = nx.Graph()
    n_sites = table.n_sites
    if n_sites == 0:
        return graph

    pages_per_site = np.bincount(table.page_site, minlength=n_sites)
    first_seen = store.site_first_seen()
    site_campaign: dict[int, str] = {}
    if doc:
        url_campaign = page_campaigns(doc)
        if url_campaign:
            summaries = table.page_summaries(range(table.n_pages))
            votes: dict[int, Counter] = {}
            for row, (url, _, _) in summaries.items():
                cid = url_campaign.get(url)
                if cid:
                    votes.setdefault(int(table.page_site[row]), Counter())[cid] += 1
            for site, counter in votes.items():
                site_campaign[site] = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    for s, domain in enumerate(table.sites):
        graph.add_node(
            site_node_id(domain),
            kind="site",
            label=domain,
            pages=int(pages_per_site[s]),
            campaign=site_campaign.get(s, ""),
            first_seen=first_seen.get(domain, ""),
        )

    usable = evidence.tie & (evidence.sites >= 2)
    too_many = usable & (evidence.sites > max_artifact_sites)
    if too_many.any():
        logger.info("sites view: %s artifacts on more than %s sites add no edges",
                    int(too_many.sum()), max_artifact_sites)
        usable &= ~too_many
    m = table.pair_firm & usable[table.pair_art]
    n_art = table.n_artifacts
    key = distinct(table.page_site[table.pair_page[m]].astype(np.int64) * n_art + table.pair_art[m])
    rows, cols = key // n_art, key % n_art
    incidence = coo_matrix((np.ones(key.size), (rows, cols)), shape=(n_sites, n_art)).tocsr()
    shared = triu(incidence @ incidence.T, k=1).tocoo()
    weighted = triu(incidence @ diags(evidence.idf) @ incidence.T, k=1).tocoo()
    weights = dict(zip(zip(weighted.row.tolist(), weighted.col.tolist()), weighted.data.tolist()))
    for u, v, count in zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist()):
        graph.add_edge(
            site_node_id(table.sites[u]),
            site_node_id(table.sites[v]),
            **{weight: float(weights[(u, v)]), "shared": int(round(count))},
        )
    return graph
