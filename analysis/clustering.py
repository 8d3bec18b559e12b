"""Group pages into campaigns: strong ties first, then weak attachment.

The steps, each linear in the number of page-artifact pairs:

1. **Strong groups.** Pages sharing a contact (handle, invite, wallet; see
   :mod:`analysis.evidence`) carried by at least two sites are connected
   components of the page-artifact bipartite graph (scipy sparse), so chains
   (A shares h1 with B, B shares h2 with C) are one group and an artifact on
   ``k`` pages costs ``k``, never ``k**2``. Only *firm* pairs count: links,
   attributes, scripts, imports, or text mentions of high confidence.
2. **Agreeing artifacts.** Other tie artifacts on two sites or more (images,
   tracking IDs, redirects), then tie artifacts of a single site (its
   analytics ID, logo, footer e-mail) join groups only where they agree: the
   group holds more than ``join_share`` of the artifact's pages, or the
   artifact is on at least ``join_share`` of the group's pages. A campaign's
   own sites come along whole; a forum (or a network of forums under one
   analytics ID) that carries a spam post is not swallowed by the campaign
   through its own template, and does not bridge two campaigns.
3. **Weak attachment.** Pages left alone (no strong tie) may join a group
   through weak evidence: non-ubiquitous out-link domains and image hosts
   characteristic of the group, near-duplicate text, and low-confidence text
   mentions of the group's artifacts. These form a graph of groups, pages and
   artifacts; Louvain (``seed``) splits it into communities, so a component
   joined only by a weak bridge falls apart, and a page joins the group of its
   community it is most tied to when that tie weighs at least ``min_attach``.
   Two strong groups are never merged by weak evidence. Pages tied only by
   text mentions and near-duplicate text can form a group of their own.
4. **Core.** A member page is *core* when it was grouped by strong evidence
   and most of its tie artifacts belong to the group (are carried mostly by
   the group's pages). A warning article that links a campaign's handle, or a
   spam post on a forum, is a member but not core; a page whose only tie is a
   low-confidence text mention is not even a member (it is a *mention*).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from analysis.evidence import Evidence
from analysis.table import PageTable, distinct

__all__ = ["Clustering", "strong_groups", "attach_pages", "cluster_pages"]

logger = logging.getLogger(__name__)

#: Weight of one text mention of a group's artifact, times its confidence.
SOFT_TIE_WEIGHT = 0.5
#: Weight of one weak artifact characteristic of a group, times its rarity.
WEAK_TIE_WEIGHT = 0.5


@dataclass(frozen=True)
class Clustering:
    """Which pages form which campaign.

    Attributes
    ----------
    campaign : ndarray of int64
        Campaign index of each page row, -1 when none. Campaign indexes are
        dense ``0..n_campaigns-1`` in order of their smallest page row.
    core : ndarray of bool
        Core member pages (see the module docstring).
    attached : ndarray of bool
        Members that joined through weak evidence.
    n_campaigns : int
    """

    campaign: np.ndarray
    core: np.ndarray
    attached: np.ndarray
    n_campaigns: int


def _components(n_left: int, n_right: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label of each left node of a bipartite edge list."""
    n = n_left + n_right
    graph = coo_matrix(
        (np.ones(left.size, dtype=np.int8), (left.astype(np.int64), n_left + right.astype(np.int64))),
        shape=(n, n),
    ).tocsr()
    _, labels = connected_components(graph, directed=False)
    return _dense(labels[:n_left])


def _dense(labels: np.ndarray) -> np.ndarray:
    """Relabel to ``0..k-1`` in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    return order[inverse].astype(np.int64)


def _group_sites(table: PageTable, labels: np.ndarray) -> np.ndarray:
    n_groups = int(labels.max()) + 1 if labels.size else 0
    key = distinct(labels * max(table.n_sites, 1) + table.page_site)
    return np.bincount(key // max(table.n_sites, 1), minlength=n_groups)


def _join(table: PageTable, comp: np.ndarray, pairs: np.ndarray, share: float) -> np.ndarray:
    """Merge groups through the artifacts of the selected pairs, where they agree.

    An artifact joins a group when the group holds more than ``share`` of the
    artifact's pages (the artifact is the group's), or the artifact is on at
    least ``share`` of the group's pages (it characterizes the group). A page
    with no group yet is a group of one, which every artifact it carries
    characterizes.
    """
    pa = table.pair_art[pairs].astype(np.int64)
    if pa.size == 0:
        return comp
    pc = comp[table.pair_page[pairs]]
    n_comp = int(comp.max()) + 1
    size = np.bincount(comp, minlength=n_comp)
    total = np.bincount(pa, minlength=table.n_artifacts)
    key, counts = np.unique(pa * n_comp + pc, return_counts=True)
    arts, groups = key // n_comp, key % n_comp
    keep = (counts > share * total[arts]) | (counts >= share * size[groups])
    merged = _components(n_comp, table.n_artifacts, groups[keep], arts[keep])
    return _dense(merged[comp])


def strong_groups(table: PageTable, evidence: Evidence, *, join_share: float = 0.5) -> np.ndarray:
    """Group label of every page from strong evidence alone (steps 1 and 2).

    1. Contacts (handle, invite, wallet) on two sites or more tie
       unconditionally: connected components, so chains are one group.
    2. Other tie artifacts on two sites or more (images, tracking IDs,
       redirects), then tie artifacts of one site (its analytics ID, logo,
       footer e-mail), join groups only where they agree (see :func:`_join`):
       a network of forums carrying one spam post from each of two campaigns
       does not merge the campaigns, nor join them.

    Parameters
    ----------
    table : PageTable
    evidence : Evidence
    join_share : float
        The share of an artifact's pages a group must hold, or of a group's
        pages the artifact must be on, for step 2 to join them.

    Returns
    -------
    ndarray of int64
        Dense group labels; a page with no strong tie is a group of its own.
    """
    n = table.n_pages
    tie = evidence.tie
    firm = table.pair_firm
    cross = evidence.sites >= 2
    contacts = firm & (tie & cross & evidence.contact)[table.pair_art]
    comp = _components(n, table.n_artifacts, table.pair_page[contacts], table.pair_art[contacts])
    comp = _join(table, comp, firm & (tie & cross & ~evidence.contact)[table.pair_art], join_share)
    return _join(table, comp, firm & (tie & ~cross)[table.pair_art], join_share)


def _home_groups(
    table: PageTable, labels: np.ndarray, grouped: np.ndarray, min_share: float
) -> np.ndarray:
    """For each artifact, the group holding most (>= min_share) of its pages, or -1."""
    n_art = table.n_artifacts
    n_groups = int(labels.max()) + 1
    m = grouped[table.pair_page]
    pa = table.pair_art[m].astype(np.int64)
    key, counts = np.unique(pa * n_groups + labels[table.pair_page[m]], return_counts=True)
    home = np.full(n_art, -1, dtype=np.int64)
    if not key.size:
        return home
    arts = key // n_groups
    order = np.lexsort((key % n_groups, -counts, arts))
    arts_o = arts[order]
    firsts = order[np.r_[True, arts_o[1:] != arts_o[:-1]]]
    totals = np.bincount(table.pair_art, minlength=n_art)
    ok = (counts[firsts] >= 2) & (counts[firsts] >= min_share * totals[arts[firsts]])
    home[arts[firsts][ok]] = key[firsts][ok] % n_groups
    return home


def attach_pages(
    table: PageTable,
    evidence: Evidence,
    labels: np.ndarray,
    *,
    near_dups: Iterable[tuple[int, int, float]] = (),
    min_attach: float = 1.0,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Attach pages without strong ties to groups through weak evidence (step 3).

    Parameters
    ----------
    table : PageTable
    evidence : Evidence
    labels : ndarray
        Group labels from :func:`strong_groups` (not modified).
    near_dups : iterable of (row, row, similarity)
        Near-duplicate page pairs (page rows), e.g. from
        :func:`analysis.similarity.near_duplicates`.
    min_attach : float
        The least tie weight that attaches a page to a group.
    seed : int or None
        Louvain seed.

    Returns
    -------
    labels : ndarray of int64
        New dense labels.
    attached : ndarray of bool
        Pages that joined a group (or formed one) here.
    """
    n = table.n_pages
    labels = labels.copy()
    attached = np.zeros(n, dtype=bool)
    if n == 0:
        return labels, attached
    sizes = np.bincount(labels)
    grouped = sizes[labels] >= 2
    home = _home_groups(table, labels, grouped, 0.5)

    loose_pair = ~grouped[table.pair_page] & ~evidence.ubiquitous[table.pair_art]
    lp = table.pair_page[loose_pair].astype(np.int64)
    la = table.pair_art[loose_pair].astype(np.int64)
    lc = table.pair_conf[loose_pair]
    lf = table.pair_firm[loose_pair]
    tie_kind = evidence.tie[la]
    weak_kind = (~evidence.strong[la] | evidence.platform[la]) & (evidence.pages[la] >= 2)
    h = home[la]

    direct: dict[tuple[int, int], float] = defaultdict(float)  # (page, group) -> weight
    edges: dict[tuple[str, str], float] = defaultdict(float)
    m = tie_kind & (h >= 0)
    for p, g, w in zip(lp[m].tolist(), h[m].tolist(), (SOFT_TIE_WEIGHT * lc[m]).tolist()):
        direct[(p, g)] += w
    m = weak_kind & (h >= 0)
    ww = WEAK_TIE_WEIGHT * evidence.rarity[la[m]]
    for p, g, w in zip(lp[m].tolist(), h[m].tolist(), ww.tolist()):
        direct[(p, g)] += w
    # text mentions of artifacts no group holds: pages meet at the artifact's node
    m = tie_kind & (h < 0) & ~lf
    for p, a, w in zip(lp[m].tolist(), la[m].tolist(), (SOFT_TIE_WEIGHT * lc[m]).tolist()):
        edges[(f"p{p}", f"a{a}")] += w
    for a, b, sim in near_dups:
        ga, gb = bool(grouped[a]), bool(grouped[b])
        if ga and gb:
            continue
        if ga:
            direct[(b, int(labels[a]))] += sim
        elif gb:
            direct[(a, int(labels[b]))] += sim
        else:
            edges[(f"p{min(a, b)}", f"p{max(a, b)}")] += sim
    for (p, g), w in direct.items():
        edges[(f"p{p}", f"g{g}")] += w
    if not edges:
        return labels, attached

    graph = nx.Graph()
    for (u, v), w in sorted(edges.items()):
        graph.add_edge(u, v, weight=w)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    next_label = int(labels.max()) + 1
    for community in sorted(communities, key=lambda c: min(c)):
        groups = sorted(int(x[1:]) for x in community if x[0] == "g")
        pages = sorted(int(x[1:]) for x in community if x[0] == "p")
        if groups:
            for p in pages:
                best = max(((direct.get((p, g), 0.0), -g) for g in groups), default=(0.0, 0))
                if best[0] >= min_attach:
                    labels[p] = -best[1]
                    attached[p] = True
            continue
        if not any(x[0] == "a" for x in community):
            continue  # weak evidence alone never makes a campaign
        sub = graph.subgraph(community)
        members = [p for p in pages if sub.degree(f"p{p}", weight="weight") >= min_attach]
        if len(members) >= 2:
            labels[members] = next_label
            attached[members] = True
            next_label += 1
    logger.debug("weak attachment: %s pages attached", int(attached.sum()))
    return _dense(labels), attached


def _core(table: PageTable, evidence: Evidence, labels: np.ndarray, attached: np.ndarray) -> np.ndarray:
    """Members whose tie artifacts mostly belong to their own group (step 4)."""
    n_groups = int(labels.max()) + 1
    rel = evidence.tie[table.pair_art]
    pp = table.pair_page[rel].astype(np.int64)
    pa = table.pair_art[rel].astype(np.int64)
    key = labels[pp] * table.n_artifacts + pa
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    belongs_u = (counts >= 2) & (counts >= 0.5 * evidence.pages[uniq % table.n_artifacts])
    belongs = belongs_u[inverse]
    n_rel = np.bincount(pp, minlength=table.n_pages)
    n_bel = np.bincount(pp[belongs], minlength=table.n_pages)
    core = (n_bel * 2 > n_rel) & ~attached
    # a group none of whose pages passes keeps its strongly grouped pages as core
    has_core = np.bincount(labels[core], minlength=n_groups) > 0
    core |= ~has_core[labels] & ~attached
    return core


def _contact_tied(table: PageTable, evidence: Evidence, labels: np.ndarray, min_pages: int) -> np.ndarray:
    """Groups in which one contact tie (a handle, invite, wallet, short or
    referral link; not the site's own e-mail address) is on at least
    ``min_pages`` pages: an operator's contact, enough to make a campaign on
    one site."""
    n_groups = int(labels.max()) + 1
    m = table.pair_firm & (evidence.tie & evidence.contact & ~evidence.own_address)[table.pair_art]
    key, counts = np.unique(
        labels[table.pair_page[m]].astype(np.int64) * table.n_artifacts + table.pair_art[m], return_counts=True)
    tied = np.zeros(n_groups, dtype=bool)
    tied[(key[counts >= min_pages] // table.n_artifacts)] = True
    return tied


def cluster_pages(
    table: PageTable,
    evidence: Evidence,
    *,
    near_dups: Iterable[tuple[int, int, float]] = (),
    min_pages: int = 2,
    min_sites: int = 2,
    min_attach: float = 1.0,
    join_share: float = 0.5,
    seed: int | None = 0,
) -> Clustering:
    """Campaigns of a run: steps 1-4 and the size filters.

    Parameters
    ----------
    table : PageTable
    evidence : Evidence
    near_dups : iterable of (row, row, similarity)
    min_pages, min_sites : int
        A campaign has at least this many pages on this many sites; or on
        fewer sites, when one contact (handle, invite, wallet, short or
        referral link; not the site's own e-mail address) is on
        ``min_pages`` of its pages.
    min_attach : float
    join_share : float
    seed : int or None

    Returns
    -------
    Clustering
    """
    n = table.n_pages
    if n == 0:
        empty = np.zeros(0, dtype=bool)
        return Clustering(np.zeros(0, dtype=np.int64), empty, empty, 0)
    labels = strong_groups(table, evidence, join_share=join_share)
    labels, attached = attach_pages(
        table, evidence, labels, near_dups=near_dups, min_attach=min_attach, seed=seed
    )
    sizes = np.bincount(labels)
    sites = _group_sites(table, labels)
    keep = (sizes >= min_pages) & ((sites >= min_sites) | _contact_tied(table, evidence, labels, min_pages))
    remap = np.full(sizes.size, -1, dtype=np.int64)
    remap[keep] = np.arange(int(keep.sum()))
    campaign = remap[labels]
    core = _core(table, evidence, labels, attached) & (campaign >= 0)
    return Clustering(campaign, core, attached & (campaign >= 0), int(keep.sum()))
