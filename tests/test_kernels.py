"""The shared numeric core (influence.kernels): recency weights and pair sums."""

from __future__ import annotations

import numpy as np
import pytest

from influence._time import DAY
from influence.kernels import group_sums, recency_weights


def test_recency_weight_is_smooth_at_the_window_edge() -> None:
    ages = np.linspace(0.0, 120.0, 100_001) * DAY
    weights = recency_weights(ages, 90.0, 30.0)
    assert weights[0] == 1.0
    assert np.all(np.diff(weights) <= 0.0)
    assert np.max(np.abs(np.diff(weights))) < 1e-4  # no cliff anywhere, the edge included
    assert recency_weights(np.array([30.0 * DAY]), 1e9, 30.0)[0] == pytest.approx(0.5)


def test_group_sums_add_each_pair_in_table_order() -> None:
    """Other pairs' rows cannot reorder a pair's sum: it is the same, bit for bit."""
    rng = np.random.default_rng(0)
    n = 200_000
    first, second = rng.integers(0, 50, n), rng.integers(0, 50, n)
    weights = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)  # order-sensitive sums
    alone = group_sums(first, second, weights, 50)
    extra = np.zeros(n + 50_000, dtype=bool)
    extra[rng.choice(extra.size, 50_000, replace=False)] = True  # unrelated rows, interleaved
    f, s, w = np.empty(extra.size, np.int64), np.empty(extra.size, np.int64), np.ones(extra.size)
    f[~extra], s[~extra], w[~extra] = first, second, weights
    f[extra], s[extra] = rng.integers(50, 60, 50_000), rng.integers(0, 50, 50_000)
    mixed = group_sums(f, s, w, 50)
    pairs = alone[0].size
    np.testing.assert_array_equal(mixed[0][:pairs], alone[0])
    np.testing.assert_array_equal(mixed[2][:pairs], alone[2])
    expected = np.zeros((50, 50))
    np.add.at(expected, (first, second), weights)
    np.testing.assert_allclose(alone[2], expected[alone[0], alone[1]], rtol=1e-9, atol=1e-6)
