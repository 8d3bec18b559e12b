"""Evidence weights: how much an artifact shared by pages says about one actor.

Every artifact gets, from the whole run:

- ``pages`` and ``sites``: how many pages and registered domains carry it;
- ``rarity`` in [0, 1]: an IDF over sites, ``ln(N / sites) / ln(N)`` for a run
  of ``N`` sites (1 for an artifact on one site, 0 for one on every site);
- ``idf``: ``ln(1 + N / sites)``, the weight reported in ``campaigns.json``;
- ``ubiquitous``: on more than the ``ubiquity`` share of sites (and at least
  ``min_ubiquitous_sites`` of them). Fonts, CDNs, share buttons. Reported and
  never used as evidence. Two exemptions, because a crawl started from one
  campaign's seeds can find that campaign on most of the sites it visits:
  contact kinds (handle, invite, wallet) are never ubiquitous by default, and
  neither is an artifact at least ``concentration`` (0.8) of whose pages
  belong to one *contact group* (pages tied by shared contacts): that is the
  campaign's own image or tracking ID, not background;
- ``platform``: a non-contact artifact whose sites all sit under one private
  public suffix (``*.blogspot.com``) and cover more than the ``ubiquity`` share
  of that platform's sites in the run: the platform's own images and tags,
  which say nothing about who writes each blog;
- ``vendor``: an image, redirect or link on a host of the curated list of
  shared infrastructure (:mod:`analysis.infrastructure`: hosting platforms'
  pixels and icons, CDNs, widgets, wrapped links), however small the run;
  such artifacts are ``platform`` artifacts too;
- ``own_address``: an e-mail address at the domain of the one site that
  carries it (``editor@news.example`` on news.example): the site's own
  address, which says who runs the site, not that its pages are a campaign;
- ``tie``: strong kind, on at least two pages, neither ubiquitous nor a
  platform artifact. Only these tie pages together on their own.

>>> from crawler.store import PageStore
>>> from crawler.records import Artifact, PageRecord
>>> from analysis.table import load_table
>>> store = PageStore(":memory:")
>>> fonts = Artifact("domain", "googleapis.com", "href")
>>> _ = store.add_pages(
...     [PageRecord(f"http://s{i}.com/", artifacts=[fonts]) for i in range(5)]
...     + [PageRecord(f"http://t{i}.com/", artifacts=[Artifact("handle", "telegram:x", "href")])
...        for i in range(2)])
>>> ev = artifact_evidence(load_table(store), ubiquity=0.5)
>>> ev.sites.tolist(), ev.ubiquitous.tolist(), ev.tie.tolist()
([5, 2], [True, False], [False, True])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analysis.infrastructure import shared_host
from analysis.table import PageTable, distinct
from crawler.domains import registered_domain

__all__ = ["Evidence", "artifact_evidence"]


#: Kinds whose label is a URL that may sit on shared infrastructure.
_URL_KINDS = frozenset({"image", "redirect", "link", "landing"})


@dataclass(frozen=True)
class Evidence:
    """Per-artifact statistics and flags (arrays over artifact columns)."""

    pages: np.ndarray
    sites: np.ndarray
    rarity: np.ndarray
    idf: np.ndarray
    ubiquitous: np.ndarray
    concentrated: np.ndarray
    platform: np.ndarray
    vendor: np.ndarray
    own_address: np.ndarray
    strong: np.ndarray
    contact: np.ndarray
    tie: np.ndarray
    ubiquity: float
    n_sites: int


def _artifact_site_pairs(table: PageTable) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(artifact, site)`` pairs, sorted by artifact."""
    n_sites = max(table.n_sites, 1)
    key = table.pair_art.astype(np.int64) * n_sites + table.page_site[table.pair_page]
    key = distinct(key)
    return (key // n_sites).astype(np.int64), (key % n_sites).astype(np.int64)


def _concentrated(
    table: PageTable, pages: np.ndarray, contact: np.ndarray, cand: np.ndarray, share: float
) -> np.ndarray:
    """Candidates with at least ``share`` of their pages in one contact group."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n, n_art = table.n_pages, table.n_artifacts
    m = table.pair_firm & (contact & (pages >= 2))[table.pair_art]
    size = n + n_art
    graph = coo_matrix(
        (np.ones(int(m.sum()), dtype=np.int8),
         (table.pair_page[m].astype(np.int64), n + table.pair_art[m].astype(np.int64))),
        shape=(size, size),
    )
    _, labels = connected_components(graph, directed=False)
    group = labels[:n].astype(np.int64)
    group_size = np.bincount(group)
    in_group = group_size[group] >= 2
    c = cand[table.pair_art] & in_group[table.pair_page]
    n_groups = int(group.max()) + 1
    key, counts = np.unique(
        table.pair_art[c].astype(np.int64) * n_groups + group[table.pair_page[c]],
        return_counts=True,
    )
    best = np.zeros(n_art, dtype=np.int64)
    np.maximum.at(best, key // n_groups, counts)
    return cand & (best >= share * pages)


def _vendor_assets(table: PageTable, pages: np.ndarray) -> np.ndarray:
    """Images, redirects and links on two pages or more that sit on shared infrastructure."""
    vendor = np.zeros(table.n_artifacts, dtype=bool)
    cand = np.flatnonzero(table.kind_mask(_URL_KINDS) & (pages >= 2))
    if cand.size == 0 or table.store is None:
        return vendor
    labels = table.artifact_labels(cand)
    for c in cand.tolist():
        if shared_host(labels[c][1]) is not None:
            vendor[c] = True
    return vendor


def _own_addresses(table: PageTable, pages: np.ndarray, sites: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """E-mail handles on two pages or more of one site, at that site's domain."""
    own = np.zeros(table.n_artifacts, dtype=bool)
    cand = np.flatnonzero(contact & (sites == 1) & (pages >= 2))
    if cand.size == 0 or table.store is None:
        return own
    first = np.full(table.n_artifacts, -1, dtype=np.int64)
    first[table.pair_art[::-1]] = table.pair_page[::-1]  # a page carrying each artifact
    labels = table.artifact_labels(cand)
    for c in cand.tolist():
        kind, label = labels[c]
        if kind == "handle" and label.startswith("email:"):
            site = table.sites[table.page_site[first[c]]]
            own[c] = registered_domain(label.rpartition("@")[2]) == site
    return own


def artifact_evidence(
    table: PageTable,
    *,
    ubiquity: float = 0.2,
    min_ubiquitous_sites: int = 3,
    ubiquity_contacts: float | None = None,
    concentration: float = 0.8,
) -> Evidence:
    """Weigh every artifact of a run by rarity and flag ubiquitous ones.

    Parameters
    ----------
    table : PageTable
    ubiquity : float
        Share of the run's sites above which an artifact is ubiquitous.
    min_ubiquitous_sites : int
        An artifact on fewer sites is never ubiquitous (small runs).
    ubiquity_contacts : float or None
        The share for contact kinds; None (default) exempts them.
    concentration : float
        An artifact with at least this share of its pages in one contact group
        is never ubiquitous.

    Returns
    -------
    Evidence
    """
    n_art = table.n_artifacts
    n_sites = table.n_sites
    pages = np.bincount(table.pair_art, minlength=n_art).astype(np.int64)
    a_of, s_of = _artifact_site_pairs(table)
    sites = np.bincount(a_of, minlength=n_art).astype(np.int64)
    safe = np.maximum(sites, 1)
    if n_sites > 1:
        rarity = np.clip(np.log(n_sites / safe) / math.log(n_sites), 0.0, 1.0)
    else:
        rarity = np.ones(n_art)
    idf = np.log1p(n_sites / safe)

    strong = table.strong_mask
    contact = table.contact_mask
    over = (sites > ubiquity * n_sites) & (sites >= min_ubiquitous_sites)
    if ubiquity_contacts is None:
        ubiquitous = over & ~contact
    else:
        over_c = (sites > ubiquity_contacts * n_sites) & (sites >= min_ubiquitous_sites)
        ubiquitous = np.where(contact, over_c, over)
    concentrated = np.zeros(n_art, dtype=bool)
    cand = ubiquitous & ~contact
    if cand.any():
        concentrated = _concentrated(table, pages, contact, cand, concentration)
        ubiquitous &= ~concentrated

    platform = np.zeros(n_art, dtype=bool)
    if table.platforms:
        plat = table.site_platform[s_of]
        # artifacts whose sites all share one platform
        first = np.full(n_art, -2, dtype=np.int64)
        lo = np.full(n_art, np.iinfo(np.int64).max)
        hi = np.full(n_art, np.iinfo(np.int64).min)
        np.minimum.at(lo, a_of, plat)
        np.maximum.at(hi, a_of, plat)
        one_platform = (lo == hi) & (lo >= 0) & (sites >= 2)
        first[one_platform] = lo[one_platform]
        plat_sites = np.bincount(table.site_platform[table.site_platform >= 0],
                                 minlength=len(table.platforms))
        cand = np.flatnonzero(one_platform & ~contact)
        platform[cand] = sites[cand] > ubiquity * plat_sites[first[cand]]

    vendor = _vendor_assets(table, pages)
    platform |= vendor
    tie = strong & (pages >= 2) & ~ubiquitous & ~platform
    return Evidence(
        pages=pages,
        sites=sites,
        rarity=rarity,
        idf=idf,
        ubiquitous=ubiquitous,
        concentrated=concentrated,
        platform=platform,
        vendor=vendor,
        own_address=_own_addresses(table, pages, sites, contact),
        strong=strong,
        contact=contact,
        tie=tie,
        ubiquity=ubiquity,
        n_sites=n_sites,
    )
