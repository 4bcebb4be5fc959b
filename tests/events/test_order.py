"""The canonical row order: rows sorted by their contents, whatever order they came in."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from influence.events.order import canonical

ROWS = st.lists(
    st.tuples(
        st.sampled_from([0.0, 1.0, 2.0, 2.5, 1e9, -3.0]),
        st.integers(0, 4),  # action
        st.integers(0, 5),  # actor
        st.integers(-1, 5),  # target (-1: none)
        st.integers(-1, 2),  # a further column that settles ties
    ),
    min_size=1,
    max_size=30,
)

#: Whole seconds far apart and close together: with 2**25 users, several blocks of time.
WHOLE_SECONDS = st.lists(
    st.tuples(
        st.sampled_from([0.0, 1.0, 255.0, 256.0, 257.0, 1e9, 1e9 + 1, 3000.0]),
        st.integers(0, 4),
        st.integers(0, 5),
        st.integers(-1, 5),
        st.integers(-1, 2),
    ),
    min_size=1,
    max_size=30,
)


def _columns(rows: list[tuple[float, int, int, int, int]]) -> list[np.ndarray]:
    time, action, actor, target, extra = zip(*rows)
    return [
        np.array(time, dtype=np.float64),
        np.array(action, dtype=np.int8),
        np.array(actor, dtype=np.int32),
        np.array(target, dtype=np.int32),
        np.array(extra, dtype=np.int32),
    ]


@settings(max_examples=200, deadline=None)
@given(
    rows=ROWS | WHOLE_SECONDS,
    shuffle=st.randoms(use_true_random=False),
    users=st.sampled_from([6, 2**25, 2**30]),
)
def test_canonical_sorts_rows_by_their_contents(
    rows: list[tuple[float, int, int, int, int]], shuffle: object, users: int
) -> None:
    # the rows sorted already (no sort needed), and shuffled; with many users and whole
    # seconds far apart the key packs only within blocks of time (2**25), and with more
    # users not even then (2**30): the ties on time are sorted on their own
    ordered = sorted(rows)
    mixed = list(rows)
    shuffle.shuffle(mixed)  # type: ignore[attr-defined]
    expected = _columns(ordered)
    for given_rows in (ordered, mixed):
        columns = _columns(given_rows)
        before = [c.copy() for c in columns]
        time, action, actor, target, rest = canonical(*columns[:4], [columns[4]], n_users=users)
        for got, want in zip([time, action, actor, target, *rest], expected):
            assert got.tolist() == want.tolist()
        for column, kept in zip(columns, before):
            assert np.array_equal(column, kept)  # nothing given is changed
