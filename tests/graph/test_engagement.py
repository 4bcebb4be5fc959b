"""The engagement graph's CSR arrays, built straight from the sorted engagement pairs."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from components._trusted_logs import trusted_log
from influence import Events
from influence.graph import engagement_graph
from influence.kernels import engagement_pairs, saturate


@given(st.integers(0, 2**32 - 1), st.booleans())
def test_csr_arrays_are_those_of_the_pairs_in_coo_form(seed: int, trusted: bool) -> None:
    """The same data, indices, row pointers and index types as scipy's COO to CSR
    conversion of the pairs, in canonical form (sorted indices, no duplicates)."""
    events = trusted_log(seed)
    events = events if trusted else events.with_trust(None)
    as_of = float(events.end)
    graph = engagement_graph(events, as_of)
    pairs = engagement_pairs(
        events, as_of, window_days=90, half_life_days=30, selectivity_per_day=20
    )
    n = events.n_users
    weight = saturate(pairs.weight) * pairs.trust
    expected = sp.csr_array((weight, (pairs.source, pairs.target)), shape=(n, n))
    for name in ("data", "indices", "indptr"):
        got, want = getattr(graph, name), getattr(expected, name)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert graph.shape == (n, n)
    assert graph.has_canonical_format


def test_an_empty_log_is_an_empty_graph() -> None:
    graph = engagement_graph(Events.empty(), 0.0)
    assert graph.shape == (0, 0)
    assert graph.nnz == 0
    assert graph.indptr.tolist() == [0]


def test_the_graph_is_the_callers_to_change() -> None:
    """Its arrays are its own: changing it in place leaves the shared pairs as they were."""
    events = trusted_log(3).with_trust(None)
    as_of = float(events.end)
    graph = engagement_graph(events, as_of)
    graph.indices[:] = 0
    graph.data[:] = 0.0
    graph.eliminate_zeros()
    again = engagement_graph(events, as_of)
    assert again.nnz > 0
    assert again.indices.max() > 0
