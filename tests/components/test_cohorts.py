"""Cohorts: anchors and main targets, and the bounded credit of a cohort's pooled suspicion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence import pairs
from influence.components.cohorts import (
    CohortPool,
    cohort_credit,
    credit_ratio,
    farm_rule,
    main_targets_and_anchors,
    own_shares,
)


@pytest.mark.parametrize("bound", [0.5, 1.0, 3.0])
def test_cohort_credit_is_full_then_saturates_below_twice_the_bound(bound: float) -> None:
    mass = np.linspace(0.0, 50.0 * bound, 10_001)
    credit = cohort_credit(mass, bound)
    small = mass <= bound
    assert np.array_equal(credit[small], mass[small])  # in full up to the bound
    assert np.all(np.diff(credit) >= 0.0)  # never less for a larger cohort
    assert np.all(np.diff(credit, 2) <= 1e-12)  # concave
    assert credit.max() <= 2.0 * bound
    assert np.all(credit[mass < 10.0 * bound] < 2.0 * bound)
    assert credit[-1] == pytest.approx(2.0 * bound)


def test_credit_ratio_is_the_share_a_pool_keeps() -> None:
    mass = np.array([0.0, 0.5, 1.0, 4.0])
    ratio = credit_ratio(mass, 1.0)
    assert ratio[0] == 1.0  # an empty pool keeps all (of nothing)
    assert ratio[1] == ratio[2] == 1.0
    assert ratio[3] == pytest.approx(float(cohort_credit(4.0, 1.0)) / 4.0)


def test_main_targets_and_anchors() -> None:
    # pairs sorted by (source, target); appeared: when each of the 5 accounts first showed up
    src = np.array([0, 0, 0, 1, 1, 3])
    dst = np.array([1, 2, 4, 2, 4, 2])
    counts = np.array([2, 2, 1, 1, 1, 5])
    appeared = np.array([5.0, 3.0, 1.0, 9.0, 0.0])
    main, count, anchor = main_targets_and_anchors(src, dst, counts, appeared, 5)
    # 0: a tie of two interactions with 1 and 2 goes to 2, which appeared first
    assert main.tolist() == [2, 4, -1, 2, -1]
    assert count.tolist() == [2, 1, 0, 5, 0]
    # the anchor is the account interacted with that appeared first
    assert anchor.tolist() == [4, 4, -1, 2, -1]


def test_a_pool_credits_its_members_suspect_engagement_as_a_bounded_crowd() -> None:
    # three suspect members (0, 1, 2) of cohort 7 engage account 3; member 4 is not suspect
    source = np.array([0, 1, 2, 4])
    target = np.array([3, 3, 3, 3])
    credit = np.ones(4)
    pooled = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    group = np.array([7, 7, 7, -1, -1])
    pool = CohortPool(source, target, credit, pooled, group, 5, 1.0)
    ratio = float(credit_ratio(3.0, 1.0))
    assert pool.pair_factor() == pytest.approx([ratio, ratio, ratio, 1.0])
    # the pooled factor on events: 1 - s + s * ratio
    half = CohortPool(source, target, credit, pooled * 0.5, group, 5, 1.0)
    expected = 1.0 - 0.5 + 0.5 * float(credit_ratio(1.5, 1.0))
    assert half.factor(np.array([0]), np.array([3])) == pytest.approx([expected])
    assert half.factor(np.array([0]), np.array([4])) == pytest.approx([1.0 - 0.5 + 0.5])


def old_factor(pool: CohortPool, actor: np.ndarray, target: np.ndarray) -> np.ndarray:
    """CohortPool.factor as it was before it sorted its needles (random-access searchsorted)."""
    s = pool.pooled[actor]
    out = np.ones(actor.size)
    inside = np.flatnonzero((s > 0) & (pool.gid[actor] >= 0))
    if inside.size and pool.keys.size:
        keys = pool._keys(actor[inside], target[inside])
        at = np.minimum(np.searchsorted(pool.keys, keys), pool.keys.size - 1)
        found = pool.keys[at] == keys
        out[inside[found]] = pool.ratio[at[found]]
    return np.asarray(1.0 - s + s * out, dtype=np.float64)


@given(
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=40),
    st.integers(0, 2**32 - 1),
)
def test_pool_factor_matches_the_random_access_version(
    edges: list[tuple[int, int]], seed: int
) -> None:
    n = 10
    keys = np.unique([a * n + b for a, b in edges if a != b]).astype(np.int64)
    source, target = keys // n, keys % n
    rng = np.random.default_rng(seed)
    pooled = np.where(rng.random(n) < 0.3, 0.0, rng.random(n))
    group = np.where(rng.random(n) < 0.3, -1, rng.integers(0, 4, n)).astype(np.int64)
    pool = CohortPool(source, target, rng.random(keys.size), pooled, group, n, 1.5)
    actor, aimed = rng.integers(0, n, 60), rng.integers(0, n, 60)  # events: repeats included
    with pytest.MonkeyPatch.context() as patch:  # the sorted needles even for small tables
        patch.setattr(pairs, "CACHED", 0)
        factor, pair_factor = pool.factor(actor, aimed), pool.pair_factor()
    np.testing.assert_array_equal(factor, old_factor(pool, actor, aimed))
    np.testing.assert_array_equal(pair_factor, old_factor(pool, source, target))


def test_own_shares_pool_each_cohort_and_leave_non_members_whole() -> None:
    # accounts 0-2 suspect members of cohort 5, 3 of cohort 6 alone, 4 no member
    suspect = np.array([1.0, 1.0, 0.5, 1.0, 0.0])
    group = np.array([5, 5, 5, 6, -1])
    sizes, share = own_shares(suspect, group, 1.0)
    assert sizes.tolist() == [3, 3, 3, 1, 0]
    ratio = float(credit_ratio(2.5, 1.0))
    assert share == pytest.approx([ratio, ratio, 0.5 + 0.5 * ratio, 1.0, 1.0])
    # a member taken out (suspicion 0) counts for no one: the others pool without it
    sizes, share = own_shares(np.array([1.0, 0.0, 0.5, 1.0, 0.0]), group, 1.0)
    assert sizes.tolist() == [2, 0, 2, 1, 0]
    assert share[1] == 1.0
    assert share[0] == pytest.approx(float(credit_ratio(1.5, 1.0)))


def test_farm_rule_ignores_absent_props() -> None:
    # five props (1-5) each interact twice with account 0, and are all of its audience
    src = np.arange(1, 6)
    dst = np.zeros(5, dtype=np.int64)
    counts = np.full(5, 2)
    working = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    present = np.ones(6)
    farmed, farm = farm_rule(src, dst, counts, present, working, repeat_scale=1.0, crowd_scale=5.0)
    assert farmed[0] > 0.5
    assert np.all(farm[1:] > 0.0)
    # absent (e.g. distrusted) props are in nobody's audience or crowd: nothing is farmed
    gone = present.copy()
    gone[1:] = 0.0
    farmed, farm = farm_rule(
        src, dst, counts, gone, working * gone, repeat_scale=1.0, crowd_scale=5.0
    )
    assert farmed[0] == 0.0
    assert np.all(farm == 0.0)
