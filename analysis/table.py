"""The compact, array-based view of a run that analysis works on.

Analysis at a million pages cannot afford one Python object per page-artifact
pair, so :func:`load_table` reads the store into numpy arrays: pages are rows
``0..n_pages-1``, artifacts are columns ``0..n_artifacts-1``, and every pair
is one entry of a few parallel arrays. Labels, URLs and times are fetched
lazily from the store for the few pages and artifacts a report needs.

>>> from crawler.store import PageStore
>>> from crawler.records import Artifact, PageRecord
>>> store = PageStore(":memory:")
>>> _ = store.add_pages([
...     PageRecord("http://a.com/1", artifacts=[Artifact("handle", "telegram:x", "href")]),
...     PageRecord("http://b.com/2", artifacts=[Artifact("handle", "telegram:x", "text", 0.4)]),
... ])
>>> t = load_table(store)
>>> t.n_pages, t.n_artifacts, t.n_sites, t.sites
(2, 1, 2, ['a.com', 'b.com'])
>>> t.pair_page.tolist(), t.pair_art.tolist(), t.pair_firm.tolist()
([0, 1], [0, 0], [True, False])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crawler.domains import EXTRACTOR
from crawler.records import ARTIFACT_KINDS, STRONG_KINDS
from crawler.store import PageStore

__all__ = ["PageTable", "load_table", "distinct", "CONTACT_KINDS", "FIRM_CONFIDENCE"]

#: Strong kinds that name whom to contact or pay, or where to sign up (short and
#: referral links): never ubiquitous by default.
CONTACT_KINDS: frozenset[str] = frozenset({"handle", "invite", "wallet", "link"})

#: A pair found only in page text ties pages only at or above this confidence.
FIRM_CONFIDENCE = 0.9


@dataclass(frozen=True)
class PageTable:
    """Pages, sites, artifacts and page-artifact pairs as arrays.

    Attributes
    ----------
    page_ids : ndarray of int64
        Store id of each page row, ascending.
    page_site : ndarray of int32
        Site (registered domain) index of each page row.
    sites : list of str
        Site names, sorted.
    site_platform : ndarray of int32
        For each site, an index into ``platforms`` of its private public suffix
        (``blogspot.com`` for ``alice.blogspot.com``), or -1.
    platforms : list of str
    art_ids : ndarray of int64
        Store id of each artifact column, ascending.
    art_kind : ndarray of int8
        Index into :data:`crawler.records.ARTIFACT_KINDS`.
    pair_page, pair_art : ndarray of int32
        Page row and artifact column of every pair.
    pair_conf : ndarray of float32
        Extraction confidence of every pair.
    pair_firm : ndarray of bool
        True where the pair ties pages: found outside page text (a link, an
        attribute, a script, an import) or with confidence >= FIRM_CONFIDENCE.
    """

    page_ids: np.ndarray
    page_site: np.ndarray
    sites: list[str]
    site_platform: np.ndarray
    platforms: list[str]
    art_ids: np.ndarray
    art_kind: np.ndarray
    pair_page: np.ndarray
    pair_art: np.ndarray
    pair_conf: np.ndarray
    pair_firm: np.ndarray
    store: PageStore | None = None

    @property
    def n_pages(self) -> int:
        return int(self.page_ids.size)

    @property
    def n_artifacts(self) -> int:
        return int(self.art_ids.size)

    @property
    def n_sites(self) -> int:
        return len(self.sites)

    def kind_mask(self, kinds: frozenset[str] | set[str]) -> np.ndarray:
        """Boolean mask over artifact columns whose kind is in ``kinds``."""
        codes = [i for i, k in enumerate(ARTIFACT_KINDS) if k in kinds]
        return np.isin(self.art_kind, codes)

    @property
    def strong_mask(self) -> np.ndarray:
        return self.kind_mask(STRONG_KINDS)

    @property
    def contact_mask(self) -> np.ndarray:
        return self.kind_mask(CONTACT_KINDS)

    def artifact_labels(self, columns) -> dict[int, tuple[str, str]]:
        """``{column: (kind, label)}`` read from the store."""
        cols = np.fromiter(columns, dtype=np.int64) if not isinstance(columns, np.ndarray) \
            else columns.astype(np.int64)
        if self.store is None:
            raise ValueError("this table has no store to read labels from")
        ids = self.art_ids[cols].tolist()
        found = self.store.artifact_labels(ids)
        return dict(zip(cols.tolist(), map(found.__getitem__, ids)))

    def page_urls_times(self, rows: np.ndarray) -> list[tuple[str, str]]:
        """``(url, fetched_at)`` of each page row, in the order given, read from the store."""
        if self.store is None:
            raise ValueError("this table has no store to read pages from")
        return self.store.page_urls_times(self.page_ids[np.asarray(rows, dtype=np.int64)].tolist())

    def page_summaries(self, rows) -> dict[int, tuple[str, str, str]]:
        """``{row: (url, fetched_at, title)}`` read from the store."""
        rows = [int(r) for r in rows]
        if self.store is None:
            raise ValueError("this table has no store to read pages from")
        found = self.store.page_summaries(int(self.page_ids[r]) for r in rows)
        return {r: found[int(self.page_ids[r])] for r in rows}


def distinct(keys: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``keys``: ``np.unique`` by sorting.

    numpy 2's ``np.unique(keys)`` hashes, and its hash table degrades on
    composite keys (``a * n + b``, ``a << 32 | b``) whose low bits repeat:
    100 times slower than a sort at a million keys, and worse as they grow.

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    out = np.sort(keys, kind="stable")
    if out.size > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def _positions(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The position of each of ``values`` in the ascending ``ids``, as int32: a subtraction
    when the ids are contiguous (as a store's usually are), else a binary search.

    >>> _positions(np.array([4, 5, 6]), np.array([6, 4])).tolist(), _positions(np.array([1, 7]), np.array([7])).tolist()
    ([2, 0], [1])
    """
    if ids.size and int(ids[-1]) - int(ids[0]) + 1 == ids.size:
        return (values - ids[0]).astype(np.int32)
    return np.searchsorted(ids, values).astype(np.int32)


def _platform(site: str) -> str:
    ext = EXTRACTOR.extract_str(site)
    return ext.suffix if ext.is_private and ext.domain else ""


def load_table(store: PageStore) -> PageTable:
    """Read a store into a :class:`PageTable` (pages, sites, artifacts, pairs).

    Parameters
    ----------
    store : PageStore
        The run's store; kept on the table to read labels and URLs later.

    Returns
    -------
    PageTable
    """
    page_ids, domains = store.page_sites()
    sites = sorted(set(domains))
    site_index = {s: i for i, s in enumerate(sites)}
    page_site = np.fromiter(map(site_index.__getitem__, domains), dtype=np.int32, count=len(domains))
    del domains
    plat_names = [_platform(s) for s in sites]
    platforms = sorted({p for p in plat_names if p})
    plat_index = {p: i for i, p in enumerate(platforms)}
    site_platform = np.asarray([plat_index.get(p, -1) for p in plat_names], dtype=np.int32)

    art_ids, kind_codes = store.artifact_kind_codes(ARTIFACT_KINDS)
    p_ids, a_ids, conf, in_text = store.pair_details_arrays()
    pair_page = _positions(page_ids, p_ids)
    pair_art = _positions(art_ids, a_ids)
    del p_ids, a_ids
    firm = ~in_text | (conf >= FIRM_CONFIDENCE)
    return PageTable(
        page_ids=page_ids,
        page_site=page_site,
        sites=sites,
        site_platform=site_platform,
        platforms=platforms,
        art_ids=art_ids,
        art_kind=kind_codes.astype(np.int8),
        pair_page=pair_page,
        pair_art=pair_art,
        pair_conf=conf,
        pair_firm=firm,
        store=store,
    )
