"""Cohorts: anchors and main targets, and the bounded credit of a cohort's pooled suspicion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence import pairs
from influence.components.cohorts import (
    CohortPool,
    audiences,
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


def old_at_extreme(
    src: np.ndarray, key: np.ndarray, candidates: np.ndarray, n: int, *, largest: bool
) -> np.ndarray:
    value = key[candidates].astype(np.float64)
    extreme = np.full(n, -np.inf if largest else np.inf)
    (np.maximum if largest else np.minimum).at(extreme, src[candidates], value)
    return candidates[value == extreme[src[candidates]]]


def old_first_per_source(src: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    return candidates[np.diff(src[candidates], prepend=-1) != 0]


def old_main_targets_and_anchors(
    src: np.ndarray, dst: np.ndarray, counts: np.ndarray, appeared: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """main_targets_and_anchors as it was before reductions over runs (ufunc.at scatters)."""
    every = np.arange(src.size)
    best = old_at_extreme(src, counts, every, n, largest=True)
    best = old_at_extreme(src, appeared[dst], best, n, largest=False)
    first_best = old_first_per_source(src, best)
    main_target = np.full(n, -1, dtype=np.int64)
    main_count = np.zeros(n, dtype=np.int64)
    main_target[src[first_best]] = dst[first_best]
    main_count[src[first_best]] = counts[first_best]
    oldest = old_first_per_source(src, old_at_extreme(src, appeared[dst], every, n, largest=False))
    anchor = np.full(n, -1, dtype=np.int64)
    anchor[src[oldest]] = dst[oldest]
    return main_target, main_count, anchor


pair_lists = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 3)), max_size=40
)


def sorted_pairs(edges: list[tuple[int, int, int]]) -> tuple[np.ndarray, ...]:
    """Distinct (source, target) pairs sorted by key, with a count each (the last given)."""
    n = 8
    chosen = {a * n + b: c for a, b, c in edges if a != b}
    keys = np.asarray(sorted(chosen), dtype=np.int64)
    counts = np.asarray([chosen[k] for k in keys.tolist()], dtype=np.int64)
    return keys // n, keys % n, counts


@given(pair_lists, st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=8, max_size=8))
def test_main_targets_and_anchors_match_the_scatter_version(
    edges: list[tuple[int, int, int]], times: list[float]
) -> None:
    src, dst, counts = sorted_pairs(edges)
    appeared = np.asarray(times)  # few values: ties in counts and in first appearance
    got = main_targets_and_anchors(src, dst, counts, appeared, 8)
    for new, old in zip(got, old_main_targets_and_anchors(src, dst, counts, appeared, 8)):
        np.testing.assert_array_equal(new, old)


def old_farm_rule(
    src: np.ndarray,
    dst: np.ndarray,
    counts: np.ndarray,
    present: np.ndarray,
    working: np.ndarray,
    *,
    repeat_scale: float,
    crowd_scale: float,
) -> tuple[np.ndarray, np.ndarray]:
    """farm_rule as it was before it read only the pairs of working props."""
    n = present.size
    out = np.bincount(src, weights=counts, minlength=n)
    audience = np.bincount(dst, weights=present[src], minlength=n)
    props = np.bincount(dst, weights=working[src], minlength=n)
    propped = np.clip(
        np.divide(props, audience * 0.5, out=np.zeros(n), where=audience > 0), 0.0, 1.0
    )
    works = np.maximum(np.bincount(src, weights=propped[dst], minlength=n), 1.0)
    crowd = np.bincount(dst, weights=(working * works)[src], minlength=n)
    several = -np.expm1(-np.maximum(props - 1.0, 0.0) / repeat_scale)
    farmed = propped * several * -np.expm1(-np.maximum(crowd - 1.0, 0.0) / crowd_scale)
    to_farmed = np.bincount(src, weights=counts * farmed[dst], minlength=n)
    served = np.clip(
        (np.divide(to_farmed, out, out=np.zeros(n), where=out > 0) - 0.5) / 0.4, 0.0, 1.0
    )
    busy = -np.expm1(-np.maximum(to_farmed - 1.0, 0.0) / repeat_scale)
    return farmed, working * served * busy


@given(pair_lists, st.integers(0, 2**32 - 1))
def test_farm_rule_matches_the_version_reading_every_pair(
    edges: list[tuple[int, int, int]], seed: int
) -> None:
    src, dst, counts = sorted_pairs(edges)
    rng = np.random.default_rng(seed)
    present = (rng.random(8) < 0.8).astype(np.float64)
    working = np.where(rng.random(8) < 0.5, 0.0, rng.random(8)) * present
    scales = {"repeat_scale": 1.0, "crowd_scale": 2.0}
    old = old_farm_rule(src, dst, counts, present, working, **scales)
    for audience in (None, audiences(src, dst, present)):
        new = farm_rule(src, dst, counts, present, working, audience=audience, **scales)
        np.testing.assert_array_equal(new[0], old[0])
        np.testing.assert_array_equal(new[1], old[1])
