"""Near-duplicate page text: MinHash over character shingles (weak evidence).

Machine-written campaign pages reuse one template. Character shingles need no
word segmentation, so Chinese text works as is. Candidate pairs come from
MinHash LSH buckets; each page keeps at most ``max_neighbors`` near
duplicates, so a template shared by thousands of pages costs linear time.

>>> base = "LEB卡续费只需要三步：登录官网，选择套餐，完成支付。" * 4
>>> texts = {1: base + "联系客服A", 2: base + "联系客服B", 3: "完全不同的一篇关于天气和旅行的文章，今天阳光很好。" * 4}
>>> [(a, b) for a, b, s in near_duplicates(texts, threshold=0.5)]
[(1, 2)]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from datasketch import MinHash, MinHashLSH

__all__ = ["near_duplicates", "shingles"]

logger = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")


def shingles(text: str, k: int = 5) -> set[bytes]:
    """The set of ``k``-character shingles of normalized text.

    >>> sorted(shingles("Ab  cd", k=3))
    [b' cd', b'ab ', b'b c']
    >>> shingles("ab", k=3)
    {b'ab'}
    """
    norm = _SPACE.sub(" ", text.lower()).strip()
    if len(norm) <= k:
        return {norm.encode("utf-8")} if norm else set()
    return {norm[i : i + k].encode("utf-8") for i in range(len(norm) - k + 1)}


def near_duplicates(
    texts: Mapping[int, str],
    *,
    threshold: float = 0.6,
    num_perm: int = 64,
    k: int = 5,
    max_neighbors: int = 5,
    seed: int = 1,
) -> list[tuple[int, int, float]]:
    """Pairs of texts whose estimated Jaccard similarity is at least ``threshold``.

    Parameters
    ----------
    texts : mapping of int to str
        Page key to page text.
    threshold : float
        Minimum estimated Jaccard similarity of shingle sets.
    num_perm : int
        MinHash permutations.
    k : int
        Shingle length in characters.
    max_neighbors : int
        Near duplicates kept per page (the most similar ones).
    seed : int
        MinHash seed; the result is deterministic for a given seed.

    Returns
    -------
    list of (int, int, float)
        ``(a, b, similarity)`` with ``a < b``, sorted.
    """
    keys = sorted(texts)
    sets = [shingles(texts[key], k) for key in keys]
    keep = [i for i, s in enumerate(sets) if s]
    if len(keep) < 2:
        return []
    hashes = MinHash.bulk([list(sets[i]) for i in keep], num_perm=num_perm, seed=seed)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in zip(keep, hashes):
        lsh.insert(i, m)
    by_index = dict(zip(keep, hashes))
    found: dict[tuple[int, int], float] = {}
    for i, m in zip(keep, hashes):
        scored = []
        for j in lsh.query(m):
            if j == i:
                continue
            sim = m.jaccard(by_index[j])
            if sim >= threshold:
                scored.append((-sim, j))
        scored.sort()
        for neg, j in scored[:max_neighbors]:
            a, b = (keys[i], keys[j]) if keys[i] < keys[j] else (keys[j], keys[i])
            found[(a, b)] = -neg
    logger.debug("near duplicates: %s texts, %s pairs", len(keep), len(found))
    return sorted((a, b, s) for (a, b), s in found.items())
