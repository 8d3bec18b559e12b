"""Quality metrics against values computed by hand."""

from __future__ import annotations

import itertools
import random

import pytest

from analysis.metrics import adjusted_rand_index, bcubed, pairwise_precision_recall

TRUTH = ["a", "a", "a", "b", "b", "c"]
PRED = [1, 1, 2, 2, 2, 3]


def test_pairwise_by_hand():
    # predicted pairs: (0,1) (2,3) (2,4) (3,4); true pairs: (0,1) (0,2) (1,2) (3,4)
    # together in both: (0,1) (3,4)  ->  P = 2/4, R = 2/4
    assert pairwise_precision_recall(TRUTH, PRED) == (0.5, 0.5)


def test_ari_by_hand():
    # index = 2, sum_a = 3 + 1 = 4, sum_b = 1 + 3 = 4, pairs = 15
    # expected = 16/15, max = 4, ARI = (2 - 16/15) / (4 - 16/15) = 14/44
    assert adjusted_rand_index(TRUTH, PRED) == pytest.approx(14 / 44)


def test_bcubed_by_hand():
    # precision per item: 1, 1, 1/3, 2/3, 2/3, 1 -> 14/18
    # recall per item: 2/3, 2/3, 1/3, 1, 1, 1 -> 14/18
    p, r = bcubed(TRUTH, PRED)
    assert p == pytest.approx(14 / 18) and r == pytest.approx(14 / 18)
    # all in one cluster: precision = (3*3/6 + 2*2/6 + 1/6)/6 = 14/36, recall 1
    p, r = bcubed(TRUTH, [0] * 6)
    assert p == pytest.approx(14 / 36) and r == 1.0


def test_perfect_and_singletons():
    assert adjusted_rand_index(TRUTH, [9, 9, 9, 8, 8, 7]) == 1.0
    assert pairwise_precision_recall(TRUTH, TRUTH) == (1.0, 1.0)
    assert bcubed(TRUTH, TRUTH) == (1.0, 1.0)
    # everything a singleton: no predicted pair, recall 0
    assert pairwise_precision_recall(TRUTH, range(6)) == (1.0, 0.0)
    assert adjusted_rand_index(TRUTH, range(6)) == pytest.approx(0.0)


def _brute_ari(t, p):
    n = len(t)
    pairs = list(itertools.combinations(range(n), 2))
    a = sum(t[i] == t[j] for i, j in pairs)
    b = sum(p[i] == p[j] for i, j in pairs)
    ab = sum(t[i] == t[j] and p[i] == p[j] for i, j in pairs)
    expected = a * b / len(pairs)
    top = (a + b) / 2
    return 1.0 if top == expected else (ab - expected) / (top - expected)


def test_against_brute_force():
    rng = random.Random(4)
    for _ in range(30):
        n = rng.randint(2, 25)
        t = [rng.randint(0, 4) for _ in range(n)]
        p = [rng.randint(0, 4) for _ in range(n)]
        assert adjusted_rand_index(t, p) == pytest.approx(_brute_ari(t, p))


def test_length_mismatch():
    with pytest.raises(ValueError):
        pairwise_precision_recall([1, 2], [1])
