"""influence.evaluate.bootstrap: metric differences read off multiplicities, and the draws.

The reference is the metric itself on the draw written out (each user's copies
side by side), as the bootstrap used to compute it: a user drawn ``w`` times is
``w`` tied copies, and the metric averages over every way of breaking ties.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import ArrayLike, NDArray

from influence.evaluate import ValidityReport, ndcg_at_k, precision_at_k, spearman
from influence.evaluate import bootstrap as _bootstrap

FloatArray = NDArray[np.float64]
Metric = Callable[[ArrayLike, ArrayLike, int], float]
Differences = Callable[[FloatArray, FloatArray, FloatArray, int, Iterable[FloatArray]], FloatArray]


def expanded(
    metric: Metric, a: FloatArray, b: FloatArray, truth: FloatArray, k: int, w: FloatArray
) -> float:
    picked = np.repeat(np.arange(truth.size), w.astype(np.intp))
    return metric(a[picked], truth[picked], k) - metric(b[picked], truth[picked], k)


FAST: dict[Metric, Differences] = {
    ndcg_at_k: _bootstrap.ndcg_differences,
    precision_at_k: _bootstrap.precision_differences,
}


def assert_same(metric: Metric, a: list[float], b: list[float], truth: list[float], k: int,
                draws: list[list[int]]) -> None:  # fmt: skip
    x, y, t = (np.array(v, dtype=np.float64) for v in (a, b, truth))
    samples = [np.array(w, dtype=np.float64) for w in draws]
    found = FAST[metric](x, y, t, k, samples)
    expected = np.array([expanded(metric, x, y, t, k, w) for w in samples])
    assert found.shape == expected.shape
    assert np.array_equal(np.isnan(found), np.isnan(expected))
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)


@st.composite
def cases(draw: st.DrawFn, low: int) -> tuple[list[float], list[float], list[float], int,
                                              list[list[int]]]:  # fmt: skip
    """Small arrays of integers from a narrow range (many ties), zero weights, k up to 2n."""
    n = draw(st.integers(1, 12))
    values = st.lists(st.integers(low, 3).map(float), min_size=n, max_size=n)
    a, b, truth = draw(values), draw(values), draw(values)
    k = draw(st.integers(1, 2 * n + 2))
    weights = st.lists(st.integers(0, 3), min_size=n, max_size=n)
    return a, b, truth, k, draw(st.lists(weights, min_size=1, max_size=4))


@settings(max_examples=300, deadline=None)
@given(cases(low=0))
def test_ndcg_differences_equal_the_expanded_draw(
    case: tuple[list[float], list[float], list[float], int, list[list[int]]],
) -> None:
    assert_same(ndcg_at_k, *case)


@settings(max_examples=300, deadline=None)
@given(cases(low=-2))
def test_precision_differences_equal_the_expanded_draw(
    case: tuple[list[float], list[float], list[float], int, list[list[int]]],
) -> None:
    assert_same(precision_at_k, *case)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 5, 40, 200, 500]))
def test_on_seeded_draws_of_a_larger_population(seed: int, k: int) -> None:
    """Draws that outgrow the first prefix read (k up to the population and beyond)."""
    rng = np.random.default_rng(seed)
    n = 300
    truth = rng.poisson(0.3, n).astype(np.float64)
    a, b = (np.floor(truth + rng.normal(0, s, n)) for s in (0.5, 2.0))
    samples = list(_bootstrap.draws(n, 3, seed=seed % 1000))
    for metric in (ndcg_at_k, precision_at_k):
        assert_same(metric, list(a), list(b), list(truth), k, [list(w) for w in samples])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 3, 40, 150]))
def test_on_draws_where_a_tie_runs_past_the_prefix_read(seed: int, k: int) -> None:
    """Long runs of ties at the k-th slot, beyond the ``2k + 64`` users first read.

    Few users above zero make the zeros the tie at slot k and the last group
    (its size in the draw comes from the draw's total); negative values put
    the zeros in the middle (the group is read to its end).
    """
    rng = np.random.default_rng(seed)
    n = 600

    def sparse(rate: float) -> FloatArray:
        return np.where(rng.random(n) < rate, rng.integers(1, 4, n), 0).astype(np.float64)

    def signed(rate: float) -> FloatArray:
        return sparse(rate) - (rng.random(n) < 0.3)

    samples = [list(w) for w in _bootstrap.draws(n, 2, seed=seed % 1000)]
    for metric in (ndcg_at_k, precision_at_k):
        truth = sparse(0.03)
        assert_same(metric, list(sparse(0.05)), list(signed(0.05)), list(truth), k, samples)
        assert_same(metric, list(signed(0.02)), list(truth), list(truth), k, samples)
    assert_same(precision_at_k, list(sparse(0.3)), list(signed(0.1)), list(signed(0.02)), k,
                samples)  # fmt: skip


def test_copies_of_one_user_tie() -> None:
    # user 0 drawn three times ties with itself for the top 2 by truth: each copy is in
    # 2/3 of the time; by a, user 1 is first and two of user 0's copies share the second place
    a, b, t = np.array([1.0, 2.0]), np.array([2.0, 1.0]), np.array([5.0, 0.0])
    draw = [np.array([3.0, 1.0])]  # expanded: 0, 0, 0, 1
    hits_a, hits_b = 1 / 3 * 2 / 3 * 3, 2 * 2 / 3  # copies of user 0 in both, on average
    found = _bootstrap.precision_differences(a, b, t, 2, draw)[0]
    assert found == pytest.approx((hits_a - hits_b) / 2, abs=1e-15)
    ideal = 5 + 5 / math.log2(3)
    found = _bootstrap.ndcg_differences(a, b, t, 2, draw)[0]
    assert found == pytest.approx(5 / math.log2(3) / ideal - 1.0, abs=1e-15)


@pytest.mark.parametrize("metric", [ndcg_at_k, precision_at_k])
def test_hand_cases(metric: Metric) -> None:
    # ties in score straddle the cut: user 0's two copies tie with user 1
    assert_same(metric, [1, 1, 0], [0, 1, 1], [0, 5, 1], 2, [[2, 1, 1], [1, 2, 0], [0, 0, 3]])
    # nobody drawn received anything: nan; an empty draw: nan
    assert_same(metric, [3, 2, 1], [1, 2, 3], [0, 0, 4], 1, [[1, 1, 0], [0, 0, 0]])
    # k beyond the draw: everyone drawn is ranked
    assert_same(metric, [3, 2, 1], [1, 2, 3], [2, 0, 4], 50, [[1, 0, 2], [3, 3, 3]])


def test_hand_values() -> None:
    a, b, t = np.array([2.0, 1.0, 0.0]), np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.0, 3.0])
    draw = [np.array([0.0, 1.0, 2.0])]  # expanded: users 1, 2, 2
    # top 2 by a: users 1, 2 (gains 0, 3); by b: 2, 2 (3, 3); ideal 3, 3
    ideal = 3.0 + 3.0 / math.log2(3.0)
    found = _bootstrap.ndcg_differences(a, b, t, 2, draw)
    assert found[0] == pytest.approx(3.0 / math.log2(3.0) / ideal - 1.0, abs=1e-15)
    assert _bootstrap.precision_differences(a, b, t, 2, draw)[0] == pytest.approx(-0.5)


def test_bad_input_is_refused() -> None:
    ok = np.array([1.0, 2.0])
    draws = [np.ones(2)]
    with pytest.raises(ValueError, match="non-negative truth"):
        _bootstrap.ndcg_differences(ok, ok, np.array([1.0, -1.0]), 1, draws)
    with pytest.raises(ValueError, match="finite"):
        _bootstrap.precision_differences(ok, np.array([1.0, math.nan]), ok, 1, draws)
    with pytest.raises(ValueError, match="same length"):
        _bootstrap.precision_differences(ok, ok, np.ones(3), 1, draws)
    with pytest.raises(ValueError, match="positive k"):
        _bootstrap.ndcg_differences(ok, ok, ok, 0, draws)


def test_compare_uses_the_fast_path_and_refuses_unknown_metrics() -> None:
    rng = np.random.default_rng(5)
    truth = rng.poisson(1.0, 200).astype(np.float64)
    good, bad = truth + rng.normal(0, 0.5, 200), rng.normal(0, 1, 200)
    table = {
        "scorer": {"ndcg@7": ndcg_at_k(good, truth, 7), "m": 0.0},
        "noise": {"ndcg@7": ndcg_at_k(bad, truth, 7), "m": 0.0},
    }
    report = ValidityReport(
        table=table, cutoff=0.0, horizon=1.0, population=200, users=np.arange(200),
        truth=truth, values={"scorer": good, "noise": bad},
    )  # fmt: skip
    c = report.compare("ndcg@7", "noise", resamples=50, seed=2)
    samples = list(_bootstrap.draws(200, 50, seed=2))
    spread = np.array([expanded(ndcg_at_k, good, bad, truth, 7, w) for w in samples])
    spread = spread[np.isfinite(spread)]
    assert (c.low, c.high) == pytest.approx(tuple(np.quantile(spread, [0.025, 0.975])), abs=1e-12)
    with pytest.raises(ValueError, match="'metrics' parameter"):
        report.compare("m", "noise")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=30
    )
)
def test_resampled_spearman_is_spearman_of_the_expanded_draw(
    rows: list[tuple[int, int, int]],
) -> None:
    """Weighted mid-ranks give exactly the ranks of the draw written out (ties included)."""
    x, t, copies = (np.array(c, dtype=np.float64) for c in zip(*rows, strict=True))
    if copies.sum() < 2:
        copies[0] = copies[1] = 1.0
    picked = np.repeat(np.arange(x.size), copies.astype(np.intp))
    rx = _bootstrap._Ranker.of(x).ranks(copies)
    rt = _bootstrap._Ranker.of(t).ranks(copies)
    expected = spearman(x[picked], t[picked])
    found = _bootstrap.weighted_spearman(rx, rt, copies)
    if math.isnan(expected):
        assert math.isnan(found)
    else:
        assert found == pytest.approx(expected, abs=1e-12)


def test_draws_are_seeded_multiplicities() -> None:
    first = list(_bootstrap.draws(50, 5, seed=3))
    again = list(_bootstrap.draws(50, 5, seed=3))
    other = list(_bootstrap.draws(50, 5, seed=4))
    assert all(w.sum() == 50 and w.shape == (50,) for w in first)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))
