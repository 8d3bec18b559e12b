"""Analyze a run: read its store, find campaigns, write ``campaigns.json``.

>>> import tempfile
>>> from crawler.store import PageStore
>>> from crawler.records import Artifact, PageRecord
>>> run_dir = tempfile.mkdtemp()
>>> with PageStore.open_run(run_dir) as store:
...     _ = store.add_pages([PageRecord(f"http://site{i}.com/p", fetched_at="2026-11-0%dT00:00:00Z" % (i + 1),
...         artifacts=[Artifact("handle", "telegram:esim1088", "href")]) for i in range(3)])
>>> doc = analyze_run(run_dir)
>>> [(c["label"], c["size"], c["first_seen"]) for c in doc["campaigns"]]
[('telegram:esim1088', 3, '2026-11-01T00:00:00Z')]
>>> (Path(run_dir) / "campaigns.json").exists()
True
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from analysis.campaigns import CAMPAIGNS_FILENAME, add_cloaking, build_campaigns, write_campaigns
from analysis.clustering import cluster_pages
from analysis.evidence import artifact_evidence
from analysis.landing import add_landing_artifacts
from analysis.similarity import near_duplicates
from analysis.table import PageTable, load_table
from crawler.render.store import store_findings
from crawler.store import PageStore, store_path
from crawler.warc.evidence import add_page_records

__all__ = ["analyze_run", "analyze_store"]

logger = logging.getLogger(__name__)

#: Texts shorter than this are not compared for near duplicates.
MIN_TEXT_CHARS = 80


def _text_pairs(
    store: PageStore, table: PageTable, max_pages: int, threshold: float, seed: int
) -> list[tuple[int, int, float]]:
    texts: dict[int, str] = {}
    for pid, text in store.iter_page_texts(MIN_TEXT_CHARS):
        if len(texts) >= max_pages:
            logger.warning("near-duplicate text: only the first %s pages with text compared", max_pages)
            break
        texts[int(np.searchsorted(table.page_ids, pid))] = text
    return near_duplicates(texts, threshold=threshold, seed=seed) if len(texts) >= 2 else []


def analyze_store(
    store: PageStore,
    *,
    ubiquity: float = 0.2,
    min_pages: int = 2,
    min_sites: int = 2,
    min_attach: float = 1.0,
    text_threshold: float = 0.6,
    max_text_pages: int = 50_000,
    seed: int = 0,
) -> dict[str, Any]:
    """The ``campaigns.json`` document of a store.

    The store gains the run's derived evidence first (landing pages linked from
    several sites, :func:`analysis.landing.add_landing_artifacts`; idempotent);
    nothing else is written.

    Parameters
    ----------
    store : PageStore
    ubiquity : float
        Share of sites above which an artifact is ubiquitous (never evidence).
    min_pages, min_sites : int
        The smallest campaign.
    min_attach : float
        The least weak-evidence weight that attaches a page to a campaign.
    text_threshold : float
        Estimated Jaccard similarity of near-duplicate texts.
    max_text_pages : int
        Pages with text compared for near duplicates, at most.
    seed : int
        Seed of MinHash and Louvain; the same data and seed give the same result.

    Returns
    -------
    dict
        The document (see ``docs/campaigns.md``).
    """
    t0 = time.perf_counter()
    add_landing_artifacts(store)
    table = load_table(store)
    t1 = time.perf_counter()
    evidence = artifact_evidence(table, ubiquity=ubiquity)
    pairs = (
        _text_pairs(store, table, max_text_pages, text_threshold, seed + 1)
        if max_text_pages > 0 else []
    )
    t2 = time.perf_counter()
    clustering = cluster_pages(
        table, evidence, near_dups=pairs, min_pages=min_pages, min_sites=min_sites,
        min_attach=min_attach, seed=seed,
    )
    t3 = time.perf_counter()
    params = {
        "ubiquity": ubiquity, "min_pages": min_pages, "min_sites": min_sites,
        "min_attach": min_attach, "text_threshold": text_threshold, "seed": seed,
    }
    doc = add_page_records(build_campaigns(table, evidence, clustering, parameters=params), store)
    doc = add_cloaking(doc, store_findings(store.conn))  # issue 12: rendered views
    logger.info(
        "analysis: %s pages, %s pairs, %s campaigns; load %.1fs, evidence %.1fs,"
        " clustering %.1fs, report %.1fs",
        table.n_pages, table.pair_page.size, clustering.n_campaigns,
        t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3,
    )
    return doc


def analyze_run(run_dir: str | Path, *, write: bool = True, **options: Any) -> dict[str, Any]:
    """Analyze ``RUN_DIR/crawl.sqlite`` and write ``RUN_DIR/campaigns.json``.

    Parameters
    ----------
    run_dir : str or Path
        A run directory holding ``crawl.sqlite``.
    write : bool
        Write ``campaigns.json`` (default) or only return the document.
    **options
        Passed to :func:`analyze_store` (``ubiquity``, ``min_pages``, ``seed``...).

    Returns
    -------
    dict
        The ``campaigns.json`` document.
    """
    path = store_path(run_dir)
    if not path.exists():
        raise FileNotFoundError(f"no store in {run_dir}: {path} does not exist")
    with PageStore(path) as store:
        doc = analyze_store(store, **options)
    if write:
        start = time.perf_counter()
        write_campaigns(doc, Path(run_dir) / CAMPAIGNS_FILENAME)
        logger.info("analysis: write %.1fs", time.perf_counter() - start)
    return doc
