"""The shared numeric core (influence.kernels): recency weights, pair sums and pair sorts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from influence import Events, pairs
from influence._time import DAY
from influence.kernels import (
    action_weight_table,
    count_distinct_pairs,
    engagement_index,
    engagement_pairs,
    engagement_weights,
    engagers_received,
    group_sums,
    pair_keep_per_event,
    post_answers,
    received_engagement,
    recency_weights,
    sums,
    window_weights,
)
from influence.pairs import pair_index, pair_order, pairs_of_rows
from influence.trusted import partial_trust


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


# --- The rewritten pair kernels against their previous implementations ----------------
# Each reference below is the implementation the kernel had before it was rewritten for
# linear cost (an argsort per call, random-access searchsorted): kept here, slow and
# simple, so that the rewrite is checked to give the same arrays, bit for bit.


def old_pair_index(
    first: NDArray[np.integer[Any]], second: NDArray[np.integer[Any]], n_second: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.intp]]:
    if first.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=np.intp)
    width = max(n_second, 1)
    key = first.astype(np.int64) * width + second.astype(np.int64)
    order = np.argsort(key)
    ordered = key[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    inverse = np.empty(key.size, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    unique = ordered[new]
    return unique // width, unique % width, inverse


def old_count_distinct_pairs(
    first: NDArray[np.integer[Any]], second: NDArray[np.integer[Any]], n_first: int, n_second: int
) -> NDArray[np.int64]:
    pair_first, _, _ = old_pair_index(first, second, n_second)
    return np.bincount(pair_first, minlength=n_first).astype(np.int64)


def old_pair_keep_per_event(
    events: Events,
    as_of: float,
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    keep: NDArray[np.float64],
    rows: NDArray[np.intp],
    inverse: NDArray[np.intp],
) -> NDArray[np.float64]:
    out = np.ones(len(events))
    if source.size == 0:
        return out
    out[rows] = keep[inverse]
    rest = received_engagement(events, as_of, math.inf)
    rest[rows] = False
    others = np.flatnonzero(rest)
    if others.size:
        width = max(events.n_users, 1)
        pair_key = source * width + target
        key = events.actor[others].astype(np.int64) * width + events.target[others]
        pos = np.minimum(np.searchsorted(pair_key, key), pair_key.size - 1)
        found = pair_key[pos] == key
        out[others[found]] = keep[pos[found]]
    return out


def assert_same(new: Sequence[NDArray[Any]], old: Sequence[NDArray[Any]]) -> None:
    assert len(new) == len(old)
    for a, b in zip(new, old):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


small_ints = st.lists(st.integers(0, 6), max_size=60)


@st.composite
def logs(draw: st.DrawFn) -> Events:
    """Small logs with repeated pairs, self-loops, ties in time, posts and parents (or none)."""
    size = draw(st.integers(0, 50))
    users = draw(st.integers(1, 8))
    time = draw(
        st.lists(
            st.sampled_from([0.0, 1.0, 5.0, 86_400.0, 40 * 86_400.0]), min_size=size, max_size=size
        )
    )
    actor = draw(st.lists(st.integers(0, users - 1), min_size=size, max_size=size))
    target = draw(st.lists(st.integers(0, users - 1), min_size=size, max_size=size))
    action = draw(st.lists(st.integers(0, 5), min_size=size, max_size=size))
    codes = np.asarray(action, dtype=np.int8)
    is_post = codes == 0
    posts = np.flatnonzero(is_post)
    parent = np.full(size, np.nan)
    if posts.size:
        picks = draw(st.lists(st.integers(0, posts.size - 1), min_size=size, max_size=size))
        with_parent = draw(st.lists(st.booleans(), min_size=size, max_size=size))
        parent = np.where(np.asarray(with_parent) & ~is_post, np.asarray(picks, float), np.nan)
    return Events.from_arrays(
        time=np.asarray(time, dtype=np.float64),
        actor=np.asarray(actor, dtype=np.int64),
        action=codes,
        target=np.where(is_post, np.nan, np.asarray(target, dtype=np.float64)),
        post=np.where(is_post, np.cumsum(is_post) - 1.0, np.nan),
        parent=parent,
        errors="skip",
    )


@given(small_ints, small_ints)
def test_pair_index_and_distinct_counts_match_the_argsort_versions(
    a: list[int], b: list[int]
) -> None:
    size = min(len(a), len(b))
    first, second = np.asarray(a[:size], np.int32), np.asarray(b[:size], np.int32)
    assert_same(pair_index(first, second, 7), old_pair_index(first, second, 7))
    np.testing.assert_array_equal(
        count_distinct_pairs(first, second, 7, 7), old_count_distinct_pairs(first, second, 7, 7)
    )


@given(logs(), st.sampled_from([0.5, 3.0, 90.0]), st.booleans())
def test_engagement_pairs_from_the_shared_sort_match_a_sort_of_their_own(
    events: Events, window_days: float, sorted_first: bool
) -> None:
    if sorted_first:  # the table's order exists: every selection is filtered from it
        pair_order(events)
    as_of = events.end if len(events) else 0.0
    mask = received_engagement(events, as_of, window_days)
    rows = np.flatnonzero(mask)
    expected = old_pair_index(events.actor[rows], events.target[rows], events.n_users)
    assert_same(pairs_of_rows(events, mask), expected)
    index = engagement_index(events, as_of, window_days)
    np.testing.assert_array_equal(index.rows, rows)
    assert_same((index.source, index.target, index.inverse), expected)


@given(logs(), st.sampled_from([0.5, 3.0, 90.0]), st.integers(0, 2**32 - 1))
def test_pair_keep_per_event_matches_the_searchsorted_version(
    events: Events, window_days: float, seed: int
) -> None:
    as_of = events.end if len(events) else 0.0
    index = engagement_index(events, as_of, window_days)
    keep = np.random.default_rng(seed).uniform(0.0, 1.0, index.source.size)
    args = (events, as_of, index.source, index.target, keep, index.rows, index.inverse)
    with pytest.MonkeyPatch.context() as patch:  # the sorted needles even for small tables
        patch.setattr(pairs, "CACHED", 0)
        np.testing.assert_array_equal(pair_keep_per_event(*args), old_pair_keep_per_event(*args))


# --- Trust read where it is not 1, shared window work: against the direct formulas -----


def with_some_trust(events: Events, draw: st.DrawFn) -> Events:
    """*events* with trust mostly 1 and otherwise anywhere in [0, 1] (or just under 1)."""
    levels = st.sampled_from([1.0, 1.0, 1.0, 0.0, 0.25, 0.5, 1.0 - 2.0**-53])
    return events.with_trust(draw(st.lists(levels, min_size=len(events), max_size=len(events))))


@st.composite
def trusted_logs(draw: st.DrawFn) -> Events:
    return with_some_trust(draw(logs()), draw)


@given(trusted_logs(), st.sampled_from([0.5, 3.0, 90.0]))
def test_partial_trust_sums_are_those_over_all_rows(events: Events, window_days: float) -> None:
    as_of = events.end if len(events) else 0.0
    index = engagement_index(events, as_of, window_days)
    weight = np.linspace(0.1, 3.0, index.rows.size)
    trust = np.asarray(events.trust)[index.rows]
    partial = partial_trust(events, index.rows, index.inverse, index.source.size, weight)
    other = np.zeros(index.source.size, dtype=bool)
    other[index.inverse[trust != 1.0]] = True
    np.testing.assert_array_equal(partial.groups, np.flatnonzero(other))
    expected = (
        sums(index, weight),
        sums(index, weight * trust),
        sums(index, trust),
        np.bincount(index.inverse, minlength=index.source.size).astype(np.int64),
    )
    got = (partial.weight, partial.weighted, partial.trust, partial.n_rows)
    assert_same(got, tuple(e[partial.groups] for e in expected))
    unweighted = partial_trust(events, index.rows, index.inverse, index.source.size)
    counts = expected[3][partial.groups] * 1.0  # weight 1: the weight sums are the counts
    assert_same(unweighted[1:], (counts, partial.trust, partial.trust, partial.n_rows))


@given(trusted_logs(), st.sampled_from([0.5, 3.0, 90.0]))
def test_pair_trust_is_the_weighted_mean_over_all_rows(events: Events, window_days: float) -> None:
    """The previous formula, over every row of every pair."""
    as_of = events.end if len(events) else 0.0
    got = engagement_pairs(
        events, as_of, window_days=window_days, half_life_days=30.0, selectivity_per_day=20.0
    )
    index = engagement_index(events, as_of, window_days)
    weight, trust = got.weight, np.asarray(events.trust)[index.rows]
    row_weight = window_weights(
        events,
        as_of,
        window_days=window_days,
        half_life_days=30.0,
        actions=action_weight_table(),
        selectivity_per_day=20.0,
    )
    trusted, plain = sums(index, row_weight * trust), sums(index, trust)
    mean = np.divide(trusted, weight, out=plain / np.maximum(got.n_events, 1), where=weight > 0)
    mean[plain == got.n_events] = 1.0
    np.testing.assert_array_equal(got.trust, np.clip(mean, 0.0, 1.0))


@given(trusted_logs())
def test_trusted_post_answers_sum_the_trust_of_every_answer(events: Events) -> None:
    as_of = events.end if len(events) else 0.0
    rows = np.flatnonzero(
        (events.parent >= 0)
        & (events.actor != events.target)
        & (events.action >= 1)
        & (events.action <= 3)
        & (events.time <= as_of)
    )
    expected = np.bincount(
        events.parent[rows], weights=np.asarray(events.trust)[rows], minlength=len(events.posts)
    )
    got = post_answers(events, as_of, trusted=True)
    np.testing.assert_array_equal(got, np.append(expected, 0.0))
    plain = post_answers(events.with_trust(None), as_of, trusted=True)
    np.testing.assert_array_equal(plain, post_answers(events.with_trust(None), as_of))


@given(logs(), st.sampled_from([0.5, 3.0, 90.0]))
def test_window_weights_and_counts_are_those_of_the_rows(
    events: Events, window_days: float
) -> None:
    """The window's shared recency gives each row the weight of its own age."""
    as_of = events.end if len(events) else 0.0
    index = engagement_index(events, as_of, window_days)
    table = action_weight_table()
    kwargs: dict[str, Any] = {"window_days": window_days, "half_life_days": 30.0}
    shared_weights = window_weights(
        events, as_of, actions=table, selectivity_per_day=20.0, **kwargs
    )
    direct = engagement_weights(
        events, index.rows, as_of, actions=table, selectivity_per_day=20.0, **kwargs
    )
    np.testing.assert_array_equal(shared_weights, direct)
    counted = np.bincount(index.target, minlength=events.n_users)
    np.testing.assert_array_equal(engagers_received(events, as_of, window_days), counted)
