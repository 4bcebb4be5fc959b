"""Interaction pairs: counts and engagement per pair, read run by run from the pair order."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from influence import Events
from influence.components.interactions import interaction_pairs
from influence.events import actions
from influence.pairs import pair_order, pairs_of_rows

T0 = 1_700_000_000.0


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([3, 4, 5])),
        max_size=40,
    ),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_interaction_pairs_match_the_per_row_pair_index(
    rows: list[tuple[int, int, int]], seed: int, sorted_first: bool
) -> None:
    # mentions, likes of no particular post, follows; self-interactions left out by the mask
    events = Events.from_arrays(
        time=T0 + np.arange(len(rows), dtype=np.float64),
        actor=np.asarray([a for a, _, _ in rows], dtype=np.int64),
        action=np.asarray([c for _, _, c in rows], dtype=np.int8),
        target=np.asarray([b for _, b, _ in rows], dtype=np.float64),
    )
    if sorted_first:  # the table's pair order known already, or not
        pair_order(events)
    chosen = np.random.default_rng(seed).random(len(events)) < 0.7
    mask = chosen & (events.actor != events.target)
    pairs = interaction_pairs(events, mask)
    # as the pairs were read before: a pair index per row, then sums per pair
    source, target, inverse = pairs_of_rows(events, mask)
    engaged = actions.mask_of(actions.ENGAGEMENTS)[events.action[np.flatnonzero(mask)]]
    np.testing.assert_array_equal(pairs.source, source)
    np.testing.assert_array_equal(pairs.target, target)
    np.testing.assert_array_equal(pairs.counts, np.bincount(inverse, minlength=source.size))
    np.testing.assert_array_equal(
        pairs.engaged, np.bincount(inverse[engaged], minlength=source.size) > 0
    )
