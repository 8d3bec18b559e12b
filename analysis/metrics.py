"""Clustering quality against a ground truth: ARI, pairwise and B-cubed.

Every function takes two equal-length sequences of cluster labels, one per
item (``labels_true``, ``labels_pred``). Give each unclustered item a label of
its own (a singleton): these metrics count singletons honestly, unlike NMI,
which singletons inflate.

>>> truth = ["a", "a", "a", "b", "b", "c"]
>>> pred = [1, 1, 2, 2, 2, 3]
>>> round(adjusted_rand_index(truth, pred), 4)
0.3182
>>> pairwise_precision_recall(truth, pred)
(0.5, 0.5)
>>> [round(x, 4) for x in bcubed(truth, pred)]
[0.7778, 0.7778]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

__all__ = ["adjusted_rand_index", "pairwise_precision_recall", "bcubed", "contingency"]


def _codes(labels: Sequence[Hashable] | np.ndarray) -> np.ndarray:
    index: dict[Hashable, int] = {}
    return np.fromiter((index.setdefault(x, len(index)) for x in labels), dtype=np.int64)


def contingency(labels_true, labels_pred) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-zero cells of the contingency table and the marginals.

    Returns
    -------
    cells : ndarray of int64
        ``n_ij`` for every (true, predicted) cluster pair that shares items.
    true_sizes, pred_sizes : ndarray of int64
        The size of each item's true and predicted cluster, per cell
        (``a_i`` and ``b_j`` aligned with ``cells``).
    """
    t = _codes(labels_true)
    p = _codes(labels_pred)
    if t.size != p.size:
        raise ValueError("labels_true and labels_pred differ in length")
    if t.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    key, cells = np.unique(t * (int(p.max()) + 1) + p, return_counts=True)
    a = np.bincount(t)[key // (int(p.max()) + 1)]
    b = np.bincount(p)[key % (int(p.max()) + 1)]
    return cells.astype(np.int64), a.astype(np.int64), b.astype(np.int64)


def _pairs(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def adjusted_rand_index(labels_true, labels_pred) -> float:
    """Adjusted Rand index (Hubert and Arabie): 1 for identical partitions, ~0 for chance.

    >>> adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7])
    1.0
    >>> adjusted_rand_index([0, 1, 2], [0, 1, 2])
    1.0
    """
    t = _codes(labels_true)
    p = _codes(labels_pred)
    n = t.size
    if n < 2:
        return 1.0
    cells, _, _ = contingency(t, p)
    index = _pairs(cells)
    sum_a = _pairs(np.bincount(t))
    sum_b = _pairs(np.bincount(p))
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    top = 0.5 * (sum_a + sum_b)
    if top == expected:
        return 1.0
    return float((index - expected) / (top - expected))


def pairwise_precision_recall(labels_true, labels_pred) -> tuple[float, float]:
    """Precision and recall over item pairs put together.

    Precision: of the pairs the prediction puts in one cluster, the share that
    the truth puts together too; recall the other way round. 1.0 when there
    is no pair to judge.

    >>> pairwise_precision_recall([0, 0, 1, 1], [0, 0, 0, 0])
    (0.3333333333333333, 1.0)
    """
    t = _codes(labels_true)
    p = _codes(labels_pred)
    if t.size == 0:
        return 1.0, 1.0
    cells, _, _ = contingency(t, p)
    together = _pairs(cells)
    pred_pairs = _pairs(np.bincount(p))
    true_pairs = _pairs(np.bincount(t))
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    return precision, recall


def bcubed(labels_true, labels_pred) -> tuple[float, float]:
    """B-cubed precision and recall (Bagga and Baldwin), averaged over items.

    >>> bcubed([0, 0, 1], [0, 0, 1])
    (1.0, 1.0)
    """
    cells, a, b = contingency(labels_true, labels_pred)
    n = int(cells.sum())
    if n == 0:
        return 1.0, 1.0
    c = cells.astype(np.float64)
    return float((c * c / b).sum() / n), float((c * c / a).sum() / n)
