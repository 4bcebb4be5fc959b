"""influence.evaluate.metrics: Spearman, NDCG@k and precision@k, by hand and by brute force."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from influence.evaluate import ndcg_at_k, precision_at_k, spearman


def test_spearman_perfect_reversed_and_monotone() -> None:
    assert spearman([1.0, 2.0, 3.0, 4.0], [10, 20, 30, 40]) == 1.0
    assert spearman([1.0, 2.0, 3.0, 4.0], [40, 30, 20, 10]) == -1.0
    assert spearman([1.0, 5.0, 100.0], [1, 2, 3]) == 1.0  # ranks only


def test_spearman_ties_match_scipy() -> None:
    score = [3.0, 1.0, 1.0, 2.0, 5.0, 5.0, 0.0]
    truth = [2, 0, 1, 1, 4, 3, 0]
    assert spearman(score, truth) == pytest.approx(spearmanr(score, truth)[0], abs=1e-12)
    # by hand: average ranks of score [5, 2.5, 2.5, 4, 6.5, 6.5, 1]
    # and of truth [5, 1.5, 3.5, 3.5, 7, 6, 1.5]
    rs = np.array([5, 2.5, 2.5, 4, 6.5, 6.5, 1]) - 4
    rt = np.array([5, 1.5, 3.5, 3.5, 7, 6, 1.5]) - 4
    assert spearman(score, truth) == pytest.approx(rs @ rt / math.sqrt((rs @ rs) * (rt @ rt)))


def test_spearman_undefined_is_nan_not_a_crash() -> None:
    assert math.isnan(spearman([1.0, 2.0, 3.0], [0, 0, 0]))  # nobody received anything
    assert math.isnan(spearman([7.0, 7.0], [1, 2]))  # constant score
    assert math.isnan(spearman([1.0], [1.0]))
    assert math.isnan(spearman([], []))


def test_ndcg_hand_made_cases() -> None:
    assert ndcg_at_k([3.0, 2.0, 1.0], [5, 1, 0], 2) == 1.0
    # reversed: the top 2 by score hold gains 0 and 1
    expected = (0 + 1 / math.log2(3)) / (5 + 1 / math.log2(3))
    assert ndcg_at_k([1.0, 2.0, 3.0], [5, 1, 0], 2) == pytest.approx(expected)
    # only the order matters, not the gains' order among equal truths
    assert ndcg_at_k([1.0, 2.0, 3.0], [1, 1, 1], 2) == 1.0


def test_ndcg_ties_share_their_ranks_discounts() -> None:
    # two users tie for the one place: either is first half the time, whatever their index
    assert ndcg_at_k([1.0, 1.0], [0, 5], 1) == 0.5
    assert ndcg_at_k([1.0, 1.0], [5, 0], 1) == 0.5
    # a tie at ranks 2..4 with k = 2: each of the three gets a third of rank 2's discount
    assert ndcg_at_k([2.0, 1.0, 1.0, 1.0], [0, 3, 0, 0], 2) == pytest.approx(1 / math.log2(3) / 3)
    # a tie wholly inside the top k: the mean gain at each of its ranks
    expected = 2.5 * (1 + 1 / math.log2(3)) / 5
    assert ndcg_at_k([1.0, 1.0, 0.0], [0, 5, 0], 2) == pytest.approx(expected)
    assert ndcg_at_k([1.0, 1.0, 0.0], [5, 0, 0], 2) == pytest.approx(expected)


def test_ndcg_k_larger_than_n_ranks_everyone() -> None:
    score, truth = [1.0, 3.0, 2.0], [2, 0, 1]
    assert ndcg_at_k(score, truth, 1000) == ndcg_at_k(score, truth, 3)
    dcg = 0 / 1 + 1 / math.log2(3) + 2 / 2
    idcg = 2 / 1 + 1 / math.log2(3) + 0
    assert ndcg_at_k(score, truth, 1000) == pytest.approx(dcg / idcg)


def test_ndcg_undefined_and_invalid() -> None:
    assert math.isnan(ndcg_at_k([1.0, 2.0], [0, 0], 5))
    assert math.isnan(ndcg_at_k([], [], 5))
    with pytest.raises(ValueError, match="non-negative"):
        ndcg_at_k([1.0, 2.0], [-1, 2], 1)
    with pytest.raises(ValueError, match="'k' parameter of ndcg_at_k must be an integer"):
        ndcg_at_k([1.0], [1.0], 0)
    with pytest.raises(ValueError, match="'k' parameter of ndcg_at_k must be an integer"):
        ndcg_at_k([1.0], [1.0], True)  # type: ignore[arg-type]


def test_precision_hand_made_cases() -> None:
    assert precision_at_k([4.0, 3.0, 2.0, 1.0], [9, 8, 1, 0], 2) == 1.0
    assert precision_at_k([1.0, 2.0, 3.0, 4.0], [9, 8, 1, 0], 2) == 0.0
    assert precision_at_k([4.0, 3.0, 2.0, 1.0], [0, 9, 8, 1], 2) == 0.5
    assert precision_at_k([4.0, 3.0, 2.0, 1.0], [0, 9, 8, 1], 3) == pytest.approx(2 / 3)


def test_precision_ties_are_averaged() -> None:
    # score ties: users 0 and 1 tie for the one place, each is in half the time
    assert precision_at_k([1.0, 1.0, 0.0], [0, 5, 0], 1) == 0.5
    assert precision_at_k([1.0, 1.0, 0.0], [5, 0, 0], 1) == 0.5
    # truth ties: users 1 and 2 tie on 3 for the top 1 by truth
    assert precision_at_k([0.0, 1.0, 2.0], [0, 3, 3], 1) == 0.5
    assert precision_at_k([0.0, 2.0, 1.0], [0, 3, 3], 1) == 0.5
    # ties on both sides, independently broken: 1/2 * 1/3 for each of users 1 and 2
    assert precision_at_k([0.0, 1.0, 1.0, 0.0], [0, 2, 2, 2], 1) == pytest.approx(1 / 3)


def test_precision_reviewer_example_no_longer_depends_on_user_order() -> None:
    # Only user 0 received anything; the second place by truth goes to one of the three
    # others at random, so the second by score is in it one time in three, whoever it is.
    # The index rule gave 1.0 for the first and 0.5 for the second.
    assert precision_at_k([9, 1, 0, 0], [5, 0, 0, 0], k=2) == pytest.approx(2 / 3, abs=1e-15)
    assert precision_at_k([9, 0, 1, 0], [5, 0, 0, 0], k=2) == pytest.approx(2 / 3, abs=1e-15)
    assert ndcg_at_k([9, 1, 0, 0], [5, 0, 0, 0], k=2) == ndcg_at_k([9, 0, 1, 0], [5, 0, 0, 0], k=2)


def test_precision_k_larger_than_n_and_all_zero_truth() -> None:
    assert precision_at_k([1.0, 2.0, 3.0], [3, 2, 1], 10) == 1.0
    assert math.isnan(precision_at_k([1.0, 2.0, 3.0], [0, 0, 0], 2))
    assert math.isnan(precision_at_k([], [], 2))


def _tie_broken_tops(values: list[float], k: int) -> dict[frozenset[int], int]:
    """How many of the n! tie-breaking orders give each top-k set (brute force)."""
    from collections import Counter
    from itertools import permutations

    n = len(values)
    tops: Counter[frozenset[int]] = Counter()
    for order in permutations(range(n)):  # order[i]: user i's place among its ties
        ranked = sorted(range(n), key=lambda u: (-values[u], order[u]))
        tops[frozenset(ranked[:k])] += 1
    return dict(tops)


def _brute_ndcg(score: list[float], truth: list[float], k: int) -> float:
    """NDCG@k averaged over all n! orders of tied scores, one by one."""
    from itertools import permutations

    n = len(score)
    k = min(k, n)
    ideal = sum(g / math.log2(r + 2) for r, g in enumerate(sorted(truth, reverse=True)[:k]))
    if ideal == 0.0:
        return math.nan
    found = []
    for order in permutations(range(n)):
        ranked = sorted(range(n), key=lambda u: (-score[u], order[u]))
        found.append(sum(truth[u] / math.log2(r + 2) for r, u in enumerate(ranked[:k])))
    return sum(found) / len(found) / ideal


def _brute_precision(score: list[float], truth: list[float], k: int) -> float:
    """precision@k averaged over all pairs of tie-breaking orders, by score and by truth."""
    n = len(score)
    k = min(k, n)
    if not any(truth):
        return math.nan
    by_score, by_truth = _tie_broken_tops(score, k), _tie_broken_tops(truth, k)
    total = sum(a * b * len(s & t) for s, a in by_score.items() for t, b in by_truth.items())
    return total / math.factorial(n) ** 2 / k


@st.composite
def _tied(draw: st.DrawFn, low: int, max_size: int) -> tuple[list[float], list[float], int]:
    """Score and truth of a few users from a narrow range of integers (many ties), and k."""
    n = draw(st.integers(1, max_size))
    values = st.lists(st.integers(low, 3).map(float), min_size=n, max_size=n)
    return draw(values), draw(values), draw(st.integers(1, n + 2))


def _same(found: float, expected: float) -> None:
    assert math.isnan(found) == math.isnan(expected)
    if not math.isnan(expected):
        assert found == pytest.approx(expected, rel=0, abs=1e-12)


@settings(max_examples=120, deadline=None)
@given(_tied(low=0, max_size=6))
def test_ndcg_is_the_mean_over_every_tie_break(case: tuple[list[float], list[float], int]) -> None:
    score, truth, k = case
    _same(ndcg_at_k(score, truth, k), _brute_ndcg(score, truth, k))


@settings(max_examples=120, deadline=None)
@given(_tied(low=-2, max_size=6))
def test_precision_is_the_mean_over_every_tie_break(
    case: tuple[list[float], list[float], int],
) -> None:
    score, truth, k = case
    _same(precision_at_k(score, truth, k), _brute_precision(score, truth, k))


@settings(max_examples=200, deadline=None)
@given(_tied(low=-2, max_size=40), st.randoms(use_true_random=False))
def test_ndcg_and_precision_ignore_the_order_of_users(
    case: tuple[list[float], list[float], int], random: Any
) -> None:
    score, truth, k = case
    order = list(range(len(score)))
    random.shuffle(order)
    s, t = np.array(score), np.array(truth)
    _same(precision_at_k(s[order], t[order], k), precision_at_k(s, t, k))
    gains = np.abs(t)
    _same(ndcg_at_k(s[order], gains[order], k), ndcg_at_k(s, gains, k))


def test_metrics_reject_bad_input() -> None:
    for metric in (spearman, lambda s, t: ndcg_at_k(s, t, 1), lambda s, t: precision_at_k(s, t, 1)):
        with pytest.raises(ValueError, match="same length"):
            metric([1.0, 2.0], [1.0])
        with pytest.raises(ValueError, match="finite"):
            metric([1.0, math.nan], [1.0, 2.0])
        with pytest.raises(ValueError, match="1-D"):
            metric([[1.0]], [[1.0]])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), min_size=2, max_size=40),
    st.integers(1, 12),
)
def test_metrics_are_bounded_and_depend_on_order_only(pairs: list[tuple[int, int]], k: int) -> None:
    score = np.array([p[0] for p in pairs], dtype=float)
    truth = np.array([p[1] for p in pairs], dtype=float)
    stretched = np.exp(score) * 3.0 - 1.0  # strictly increasing: the same ranking
    for metric, low in (
        (spearman, -1.0),
        (lambda s, t: ndcg_at_k(s, t, k), 0.0),
        (lambda s, t: precision_at_k(s, t, k), 0.0),
    ):
        value = metric(score, truth)
        assert math.isnan(value) or low - 1e-12 <= value <= 1.0 + 1e-12
        other = metric(stretched, truth)
        assert (math.isnan(value) and math.isnan(other)) or value == pytest.approx(other)


def test_top_k_shortcut_agrees_with_a_full_sort() -> None:
    rng = np.random.default_rng(3)
    score = rng.integers(0, 5, 500).astype(float)  # many ties straddle the boundary
    truth = rng.integers(0, 7, 500).astype(float)

    def chance(values: Any, k: int) -> Any:
        """Each user's chance to be in the top k, ties broken at random, from all users."""
        above = (values[None, :] > values[:, None]).sum(axis=1)
        tied = (values[None, :] == values[:, None]).sum(axis=1)
        return np.clip(k - above, 0, tied) / tied

    order = np.argsort(-score, kind="stable")
    mean_gain = np.array([truth[score == v].mean() for v in score])  # over each user's ties
    for k in (1, 7, 100, 499, 500, 800):
        top = order[: min(k, 500)]
        discount = 1 / np.log2(np.arange(2, top.size + 2))
        ideal = np.sort(truth)[::-1][: top.size] @ discount
        expected = mean_gain[top] @ discount / ideal
        assert ndcg_at_k(score, truth, k) == pytest.approx(expected, rel=0, abs=1e-12)
        expected = chance(score, top.size) @ chance(truth, top.size) / top.size
        assert precision_at_k(score, truth, k) == pytest.approx(expected, rel=0, abs=1e-12)
