"""influence.graph.pagerank iterate by iterate against a plain scipy power iteration.

The reference below is the textbook loop, written the obvious way (a fresh
vector per step, the dangling mass gathered explicitly): it starts from the
same vector and stops by the same rule (L1 change below ``tol``), so every
iterate, and the returned one, must agree with ``pagerank``'s to rounding:
1e-12 relative per node, on graphs under and over the size at which the rows
are cut into blocks, with dangling nodes, weights, self-loops, personalization,
a separate dangling vector and a warm start.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import ConvergenceWarning
from influence.graph import pagerank


def plain_pagerank(
    a: sp.csr_array,
    damping: float = 0.85,
    personalization: np.ndarray | None = None,
    dangling: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
    x0: np.ndarray | None = None,
) -> np.ndarray:
    """x <- d A^T (x / w) + d (sum of x over dangling nodes) q + (1 - d) p, from x0 (or p)."""
    n = a.shape[0]
    p = np.full(n, 1.0 / n) if personalization is None else personalization / personalization.sum()
    q = p if dangling is None else dangling / dangling.sum()
    w = np.asarray(a.sum(axis=1)).ravel()
    sinks = w == 0
    x = p.copy() if x0 is None else x0 / x0.sum()
    for _ in range(max_iter):
        share = np.divide(x, w, out=np.zeros(n), where=~sinks)
        new = damping * (a.T @ share) + damping * x[sinks].sum() * q + (1 - damping) * p
        change = np.abs(new - x).sum()
        x = new
        if change < tol:
            break
    return x


def heavy_tailed(seed: int, n: int, m: int, dangling: float = 0.3) -> sp.csr_array:
    """Uniform sources (a share of the nodes has no out-edges), heavy-tailed targets."""
    rng = np.random.default_rng(seed)
    sources = np.flatnonzero(rng.random(n) >= dangling)
    src = sources[rng.integers(0, sources.size, m)]
    dst = (rng.pareto(1.1, m) * n / 50).astype(np.int64) % n
    return sp.csr_array(sp.coo_array((rng.random(m) + 0.1, (src, dst)), shape=(n, n)))


def assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    assert np.all(theirs > 0)
    assert np.max(np.abs(ours - theirs) / theirs) < 1e-12


GRAPHS = {
    "small": heavy_tailed(0, 300, 2_000),
    "blocks": heavy_tailed(1, 20_000, 300_000),  # over 200,000 edges: row blocks on 2 threads
    "no dangling": heavy_tailed(2, 2_000, 20_000, dangling=0.0),
}


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("tol", [1e-6, 1e-13])
def test_every_option_agrees_with_the_plain_loop(name: str, threads: int, tol: float) -> None:
    a = GRAPHS[name]
    n = a.shape[0]
    rng = np.random.default_rng(len(name))
    p, q, x0 = rng.random(n) + 0.1, rng.random(n) + 0.1, rng.random(n) + 0.1
    for kwargs in (
        {},
        {"personalization": p},
        {"personalization": p, "dangling": q},
        {"dangling": q},
        {"x0": x0},
        {"damping": 0.5, "personalization": p, "x0": x0},
    ):
        ours = pagerank(a, tol=tol, threads=threads, progress=False, **kwargs)  # type: ignore[arg-type]
        assert_same(ours, plain_pagerank(a, tol=tol, **kwargs))  # type: ignore[arg-type]


def test_the_same_iterates_when_stopped_early() -> None:
    # Stopped after k iterations, pagerank returns the reference's k-th iterate.
    a = GRAPHS["blocks"]
    for k in (1, 2, 5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours = pagerank(a, tol=1e-300, max_iter=k, progress=False)
        assert_same(ours, plain_pagerank(a, tol=0.0, max_iter=k))


def test_self_loops_duplicates_and_integer_weights() -> None:
    rng = np.random.default_rng(4)
    n, m = 500, 5_000
    src, dst = rng.integers(100, n, m), rng.integers(0, n, m)
    dst[:500] = src[:500]  # self-loops
    a = sp.csr_array(sp.coo_array((rng.integers(1, 5, m), (src, dst)), shape=(n, n)))
    assert a.dtype.kind == "i"
    expected = plain_pagerank(a.astype(np.float64), tol=1e-13)
    assert_same(pagerank(a, tol=1e-13), expected)
    assert_same(pagerank(a.tocsc(), tol=1e-13), expected)
    assert_same(pagerank(a.tocoo(), tol=1e-13), expected)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 80), damping=st.floats(0.0, 0.95))
def test_relabelling_the_nodes_relabels_the_ranks(seed: int, n: int, damping: float) -> None:
    # Node order carries no meaning: pagerank of P A P^T is P pagerank(A), to rounding.
    rng = np.random.default_rng(seed)
    m = int(rng.integers(0, 6 * n))
    a = sp.csr_array(
        sp.coo_array(
            (rng.random(m) + 0.05, (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n)
        )
    )
    p = rng.random(n) + 0.1
    order = rng.permutation(n)
    relabelled = sp.csr_array(a[order][:, order])
    rank = pagerank(a, damping=damping, personalization=p, tol=1e-14, progress=False)
    moved = pagerank(relabelled, damping=damping, personalization=p[order], tol=1e-14)
    assert np.max(np.abs(moved - rank[order]) / rank[order]) < 1e-12
