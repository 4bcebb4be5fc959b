"""Grouping by pair (influence.pairs): the one sort per table, value sorts, sorted look-ups."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence import Events, pairs
from influence.pairs import pair_order, pairs_of_rows, sorted_lookup, stable_order


@given(st.lists(st.integers(0, 50), max_size=80), st.sampled_from([0, 1, 60, 2**62]))
def test_stable_order_is_the_stable_argsort(values: list[int], offset: int) -> None:
    key = np.asarray(values, dtype=np.int64) + offset  # 2**62: too wide to pack, falls back
    order, ordered = stable_order(key)
    expected = np.argsort(key, kind="stable")
    np.testing.assert_array_equal(order, expected)
    np.testing.assert_array_equal(ordered, key[expected])
    assert order.dtype == np.intp
    assert ordered.dtype == np.int64


@given(
    st.lists(st.integers(-3, 40), unique=True),
    st.lists(st.integers(-5, 45)),
    st.sampled_from([0, 1 << 18]),
)
def test_sorted_lookup_matches_searchsorted(
    table: list[int], needles: list[int], cached: int
) -> None:
    keys = np.sort(np.asarray(table, dtype=np.int64))
    probe = np.asarray(needles, dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:  # 0: the sorted needles even for small tables
        patch.setattr(pairs, "CACHED", cached)
        at, found = sorted_lookup(keys, probe)
    if keys.size == 0:
        assert not found.any()
        return
    pos = np.minimum(np.searchsorted(keys, probe), keys.size - 1)
    np.testing.assert_array_equal(found, keys[pos] == probe)
    np.testing.assert_array_equal(at[found], pos[keys[pos] == probe])


def test_pairs_of_rows_refuses_rows_aimed_at_nobody() -> None:
    events = Events.from_records(
        [
            {"time": 1, "actor": "ann", "action": "post", "post": "p"},
            {"time": 2, "actor": "bob", "action": "like", "target": "ann"},
        ]
    )
    pair_order(events)
    with pytest.raises(ValueError, match="aimed at no other user"):
        pairs_of_rows(events, np.ones(2, dtype=bool))
    with pytest.raises(ValueError, match="aimed at no other user"):  # as many rows as aimed
        pairs_of_rows(events, np.array([True, False]))


def random_events(seed: int, n: int) -> Events:
    rng = np.random.default_rng(seed)
    target = rng.integers(-1, 6, n).astype(np.float64)
    post = np.where(target < 0, np.arange(n), -1).astype(np.float64)
    target[target < 0] = np.nan  # posts: aimed at nobody
    post[post < 0] = np.nan
    return Events.from_arrays(
        time=np.sort(rng.integers(0, 50, n)).astype(np.float64),
        actor=rng.integers(0, 6, n),
        action=np.where(np.isnan(target), 0, 3).astype(np.int8),
        target=target,
        post=post,
    )


@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.booleans())
def test_pair_order_is_the_stable_argsort_of_the_aimed_rows(
    seed: int, n: int, packed: bool
) -> None:
    events = random_events(seed, n)
    rows = np.flatnonzero((events.target >= 0) & (events.actor != events.target))
    key = events.actor[rows].astype(np.int64) * events.n_users + events.target[rows]
    expected = np.argsort(key, kind="stable")
    with pytest.MonkeyPatch.context() as patch:
        if not packed:  # keys too wide to pack: the argsort fallback
            patch.setattr(pairs, "_packed_sort", lambda *_, **__: None)
        order = pair_order(events)
    np.testing.assert_array_equal(order.rows, rows[expected])
    np.testing.assert_array_equal(order.key, key[expected])


@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.booleans())
def test_pairs_of_rows_is_pair_index_of_the_rows(seed: int, n: int, every: bool) -> None:
    events = random_events(seed, n)
    mask = (events.target >= 0) & (events.actor != events.target)
    if not every:  # some of the aimed rows, read from the table's order
        mask &= np.random.default_rng(seed).random(n) < 0.5
        pair_order(events)
    rows = np.flatnonzero(mask)
    got = pairs_of_rows(events, mask)
    expected = pairs.pair_index(events.actor[rows], events.target[rows], events.n_users)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)
