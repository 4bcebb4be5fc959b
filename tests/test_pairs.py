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
