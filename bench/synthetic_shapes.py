"""The ``scattered`` and ``skewed`` shapes of :mod:`bench.synthetic_tables`.

Generated with numpy a chunk of pages at a time, so a table of 10M pages
(about 90M page-artifact pairs) is written in minutes within a few GB.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["write_shaped_table", "pareto_sizes"]

#: Pages written per chunk.
CHUNK = 200_000


def pareto_sizes(rng: np.random.Generator, total: int, lo: int, hi: int, alpha: float,
                 force_max: bool) -> np.ndarray:
    """Sizes in ``lo..hi`` (Pareto tail) adding up to ``total``; the first is
    ``hi`` when ``force_max``.

    >>> s = pareto_sizes(np.random.default_rng(0), 1000, 2, 300, 1.2, True)
    >>> int(s.sum()), int(s[0]), int(s.min()) >= 1
    (1000, 300, True)
    """
    sizes = [min(hi, total)] if force_max and total > 0 else []
    left = total - sum(sizes)
    while left > 0:  # the draws add up to more than ``left``: the last one is cut
        draw = np.minimum(hi, (lo * (1.0 + rng.pareto(alpha, 1 + left // lo))).astype(np.int64))
        cum = np.cumsum(draw)
        cut = int(np.searchsorted(cum, left))
        part = draw[: cut + 1]
        part[-1] -= int(cum[cut]) - left
        sizes.extend(part.tolist())
        left -= int(part.sum())
    return np.asarray(sizes, dtype=np.int64)


def _zipf(rng: np.random.Generator, vocab: int, size, s: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, vocab + 1) ** s
    cdf = np.cumsum(p / p.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(size)), vocab - 1)


def _art(kind: str, label: str) -> str:
    return f'{{"kind":"{kind}","label":"{label}"}}'


def write_shaped_table(n_pages: int, directory: str | Path, *, seed: int = 0,
                       skewed: bool = False) -> dict[str, int]:
    """Write ``pages.jsonl``, ``truth.tsv`` and ``truth-shared.tsv`` (see
    :mod:`bench.synthetic_tables`)."""
    rng = np.random.default_rng(seed)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    n = int(n_pages)
    top = max(2, min(100_000, n // 10))

    # sites
    if skewed:
        site_sizes = pareto_sizes(rng, n, 1, top, 1.0, True)
        page_site = np.repeat(np.arange(site_sizes.size), site_sizes)[rng.permutation(n)]
    else:
        page_site = rng.integers(max(1, n // 10), size=n)

    # campaigns: half of the pages
    n_camp_pages = n // 2
    sizes = pareto_sizes(rng, n_camp_pages, 2, top if skewed else 5000, 1.2, skewed)
    sizes = sizes[sizes >= 2]
    n_c = sizes.size
    page_camp = np.full(n, -1, dtype=np.int64)
    page_camp[rng.permutation(n)[: int(sizes.sum())]] = np.repeat(np.arange(n_c), sizes)
    n_handles = rng.integers(1, 5, size=n_c)
    n_images = rng.integers(1, 4, size=n_c)
    has_ga = rng.random(n_c) < 0.3
    k = n_handles + n_images + has_ga
    art_off = np.concatenate([[0], np.cumsum(k)])
    pick1 = (rng.random(n) * np.where(page_camp >= 0, k[page_camp], 1)).astype(np.int64)
    pick2 = (rng.random(n) * np.where(page_camp >= 0, k[page_camp], 1)).astype(np.int64)
    two = (rng.random(n) < 0.5) & (pick2 != pick1)

    def camp_art(c: int, j: int) -> str:
        if j < n_handles[c]:
            return _art("handle", f"telegram:camp{c}_h{j}")
        if j < n_handles[c] + n_images[c]:
            return _art("image", f"https://img.example/c{c}/{j}.png")
        return _art("tracking_id", f"ga:UA-{1000 + c}-1")

    n_dom = max(10, n // 10)
    hosts = [_art("image_host", f"img{h}.example.net") for h in range(5)]
    halves = [_art("domain", "googleapis.com"), _art("image", "https://static.example/pixel.gif"),
              _art("tracking_id", "gtm:GTM-HALF01")]

    stats = {"pages": n, "campaigns": int(n_c), "campaign_pages": int((page_camp >= 0).sum()),
             "pairs": 0, "largest_campaign": int(sizes.max()) if n_c else 0,
             "largest_site": int(np.bincount(page_site).max())}
    with (out / "pages.jsonl").open("w") as fh, (out / "truth.tsv").open("w") as truth:
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            m = hi - lo
            doms = np.sort(_zipf(rng, n_dom, (m, 6)), axis=1)
            keep = np.ones((m, 6), dtype=bool)
            keep[:, 1:] = doms[:, 1:] != doms[:, :-1]
            host = rng.integers(5, size=m)
            half = rng.random((m, 3)) < 0.5 if skewed else np.zeros((m, 3), dtype=bool)
            lines = []
            for i in range(m):
                p = lo + i
                url = f"http://site{page_site[p]}.com/p{p}.html"
                arts = [f'{{"kind":"domain","label":"d{d}.org"}}' for d in doms[i][keep[i]].tolist()]
                arts.append(hosts[host[i]])
                arts.append(_art("image", f"{url}/own.jpg"))
                arts += [h for h, on in zip(halves, half[i].tolist()) if on]
                c = int(page_camp[p])
                if c >= 0:
                    arts.append(camp_art(c, int(pick1[p])))
                    if two[p]:
                        arts.append(camp_art(c, int(pick2[p])))
                    truth.write(f"{url}\tcamp{c}\n")
                stats["pairs"] += len(arts)
                lines.append(f'{{"url":"{url}","fetched_at":"2026-11-{1 + p % 28:02d}T00:00:00Z",'
                             f'"artifacts":[{",".join(arts)}]}}\n')
            fh.write("".join(lines))

    # what can be found at best: components of pages sharing campaign artifacts
    rows = np.flatnonzero(page_camp >= 0)
    a1 = art_off[page_camp[rows]] + pick1[rows]
    r2 = rows[two[rows]]
    a2 = art_off[page_camp[r2]] + pick2[r2]
    left = np.concatenate([rows, r2])
    right = np.concatenate([a1, a2]) + n
    size = n + int(art_off[-1])
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(size, size))
    _, comp = connected_components(graph, directed=False)
    comp = comp[:n]
    comp_size = np.bincount(comp)
    with (out / "truth-shared.tsv").open("w") as fh:
        for p in rows[comp_size[comp[rows]] >= 2].tolist():
            fh.write(f"http://site{page_site[p]}.com/p{p}.html\tcc{comp[p]}\n")
    return stats
