"""influence.graph: pagerank exact against networkx and a dense reference, to_networkx, contract."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import ConvergenceWarning, Events
from influence.graph import engagement_graph, pagerank, to_networkx


def reference(
    a: np.ndarray, d: float = 0.85, p: np.ndarray | None = None, q: np.ndarray | None = None
) -> np.ndarray:
    """Dense linear-algebra PageRank: solve (I - d M^T) x = (1 - d) p with dangling rows -> q."""
    n = a.shape[0]
    p = np.full(n, 1.0 / n) if p is None else p / p.sum()
    q = p if q is None else q / q.sum()
    out = a.sum(axis=1)
    m = np.where(out[:, None] > 0, a / np.where(out > 0, out, 1.0)[:, None], q[None, :])
    return np.linalg.solve(np.eye(n) - d * m.T, (1 - d) * p)


def random_graph(seed: int, n: int = 60, m: int = 300, dangling: float = 0.3) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src >= int(dangling * n)  # the first nodes have no out-edges
    return sp.csr_array(
        sp.coo_array((rng.random(keep.sum()) + 0.05, (src[keep], dst[keep])), shape=(n, n))
    )


def networkx_pagerank(a: sp.csr_array, **kwargs: object) -> np.ndarray:
    graph = nx.from_scipy_sparse_array(a, create_using=nx.DiGraph)
    result = nx.pagerank(graph, tol=1e-15, max_iter=100_000, **kwargs)  # type: ignore[arg-type]
    return np.array([result[i] for i in range(a.shape[0])])


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_networkx(seed: int) -> None:
    a = random_graph(seed)
    n = a.shape[0]
    rng = np.random.default_rng(100 + seed)
    p, q = rng.random(n), rng.random(n)
    cases = [
        ({}, {}),
        ({"personalization": p}, {"personalization": dict(enumerate(p))}),
        (
            {"personalization": p, "dangling": q},
            {"personalization": dict(enumerate(p)), "dangling": dict(enumerate(q))},
        ),
        ({"damping": 0.5}, {"alpha": 0.5}),
    ]
    for ours_kw, nx_kw in cases:
        ours = pagerank(a, tol=1e-14, **ours_kw)  # type: ignore[arg-type]
        assert np.abs(ours - networkx_pagerank(a, **nx_kw)).max() < 1e-9
        assert ours.sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 25),
    density=st.floats(0.0, 0.5),
    damping=st.floats(0.0, 0.95),
)
def test_agrees_with_dense_reference(seed: int, n: int, density: float, damping: float) -> None:
    rng = np.random.default_rng(seed)
    a = np.where(rng.random((n, n)) < density, rng.random((n, n)) + 0.01, 0.0)
    p = rng.random(n) + 0.01
    ours = pagerank(sp.csr_array(a), damping=damping, personalization=p, tol=1e-14)
    assert np.abs(ours - reference(a, damping, p)).max() < 1e-10


def test_self_loops_and_repeated_entries_follow_networkx() -> None:
    a = sp.coo_array(([1.0, 2.0, 1.0, 1.0, 0.5], ([0, 0, 1, 1, 2], [1, 1, 1, 2, 0])), shape=(4, 4))
    summed = np.zeros((4, 4))
    np.add.at(summed, (a.row, a.col), a.data)
    assert np.abs(pagerank(a, tol=1e-14) - reference(summed)).max() < 1e-12


def test_star_by_hand() -> None:
    # k leaves each link to the hub; the hub is dangling. With x_leaf = a, x_hub = c:
    # a = ((1 - d) + d c) / n and k a + c = 1, so a = 1 / (n + d k).
    k, d = 9, 0.85
    n = k + 1
    a = sp.csr_array((np.ones(k), (np.arange(1, n), np.zeros(k, dtype=int))), shape=(n, n))
    x = pagerank(a, damping=d, tol=1e-14)
    leaf = 1.0 / (n + d * k)
    assert x[1:] == pytest.approx(np.full(k, leaf), abs=1e-12)
    assert x[0] == pytest.approx(1 - k * leaf, abs=1e-12)


def test_chain_by_hand() -> None:
    # 0 -> 1 -> 2, node 2 dangling, uniform teleport: x0 = t, x1 = t + d x0, x2 = t + d x1,
    # with t = ((1 - d) + d x2) / 3 and the three summing to 1.
    d = 0.85
    a = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    x = pagerank(a, damping=d, tol=1e-14)
    t = x[0]
    assert x[1] == pytest.approx(t + d * x[0], abs=1e-12)
    assert x[2] == pytest.approx(t + d * x[1], abs=1e-12)
    assert t == pytest.approx(((1 - d) + d * x[2]) / 3, abs=1e-12)


def test_cycle_and_disconnected_cycles_are_uniform() -> None:
    rows, cols = [0, 1, 2, 3, 4], [1, 2, 0, 4, 3]  # a 3-cycle and a 2-cycle
    a = sp.csr_array((np.ones(5), (rows, cols)), shape=(5, 5))
    assert pagerank(a, tol=1e-14) == pytest.approx(np.full(5, 0.2), abs=1e-12)


def test_empty_and_edgeless_graphs() -> None:
    assert pagerank(sp.csr_array((0, 0))).shape == (0,)
    p = np.array([1.0, 3.0, 0.0, 4.0])
    assert pagerank(sp.csr_array((4, 4)), personalization=p) == pytest.approx(p / p.sum())
    assert pagerank(np.zeros((3, 3))) == pytest.approx(np.full(3, 1 / 3))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"adjacency": sp.csr_array(np.array([[0.0, -1.0], [1.0, 0.0]]))}, "non-negative"),
        ({"adjacency": sp.csr_array(np.array([[0.0, np.nan], [1.0, 0.0]]))}, "finite"),
        ({"adjacency": sp.csr_array(np.ones((2, 3)))}, "square"),
        ({"personalization": [0.0, 0.0]}, "must not sum to zero"),
        ({"personalization": [1.0, 1.0, 1.0]}, "one entry per node"),
        ({"dangling": [1.0, -1.0]}, "non-negative"),
        ({"x0": [0.0, 0.0]}, "'x0'"),
        ({"damping": 1.0}, "'damping' parameter of pagerank"),
        ({"max_iter": 0}, "'max_iter'"),
        ({"threads": 0}, "'threads'"),
    ],
)
def test_bad_input_is_a_clear_value_error(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"adjacency": sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        pagerank(**args)  # type: ignore[arg-type]


def test_not_a_matrix_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="scipy sparse"):
        pagerank([[0, 1], [1, 0]])


def test_non_convergence_warns_and_returns_the_last_iterate() -> None:
    a = random_graph(3)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        x = pagerank(a, max_iter=2, tol=1e-15)
    assert x.sum() == pytest.approx(1.0)
    assert np.all(x >= 0)


def test_warm_start_from_the_answer_converges_at_once() -> None:
    a = random_graph(4)
    exact = pagerank(a, tol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        again = pagerank(a, tol=1e-12, max_iter=1, x0=exact)
    assert np.abs(again - exact).sum() < 1e-12


def test_threads_give_reproducible_and_consistent_results() -> None:
    rng = np.random.default_rng(0)
    n, m = 20_000, 400_000  # above the size at which the product is split into blocks
    a = sp.csr_array(
        sp.coo_array((rng.random(m), (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n))
    )
    one, two = pagerank(a, threads=1), pagerank(a, threads=2)
    assert np.array_equal(two, pagerank(a, threads=2))
    assert np.abs(one - two).max() < 1e-15
    assert np.abs(one - reference_sparse(a)).sum() < 1e-8


def reference_sparse(a: sp.csr_array) -> np.ndarray:
    return networkx_pagerank(a) if a.shape[0] <= 2_000 else pagerank(a, tol=1e-13, threads=1)


def test_input_is_not_mutated() -> None:
    a = random_graph(5)
    before = (a.data.copy(), a.indices.copy(), a.indptr.copy())
    p = np.ones(a.shape[0])
    pagerank(a, personalization=p)
    assert np.array_equal(a.data, before[0])
    assert np.array_equal(a.indices, before[1])
    assert np.array_equal(a.indptr, before[2])
    assert np.all(p == 1.0)


def big_graph(seed: int = 0, n: int = 20_000, m: int = 400_000) -> sp.csr_array:
    """Above the size at which the rows are cut into blocks; about a third dangling."""
    rng = np.random.default_rng(seed)
    src = rng.integers(n // 3, n, m)
    return sp.csr_array(
        sp.coo_array((rng.random(m) + 0.01, (src, rng.integers(0, n, m))), shape=(n, n))
    )


def test_scipy_kernels_match_the_public_product(monkeypatch: pytest.MonkeyPatch) -> None:
    # pagerank calls scipy's private csr_matvec / csc_matvec when they pass a check on a tiny
    # matrix, and the public `@` product otherwise: both paths must give the same answer.
    import influence.graph.ranking as graph

    assert graph._kernels() is not None  # the fast path is the one normally taken
    rng = np.random.default_rng(7)
    cases = []
    for a in (random_graph(0), big_graph()):
        n = a.shape[0]
        p, q = rng.random(n), rng.random(n)
        for kwargs in ({}, {"personalization": p}, {"personalization": p, "dangling": q}):
            for threads in (1, 2):
                cases.append((a, {**kwargs, "threads": threads}))
    fast = [pagerank(a, tol=1e-13, **kw) for a, kw in cases]  # type: ignore[arg-type]
    monkeypatch.setattr(graph, "_kernels", lambda: None)
    slow = [pagerank(a, tol=1e-13, **kw) for a, kw in cases]  # type: ignore[arg-type]
    for x, y in zip(fast, slow):
        assert np.abs(x - y).max() < 1e-15
        assert x.sum() == pytest.approx(1.0, abs=1e-12)


def test_mixed_index_dtypes_give_the_same_result() -> None:
    a = big_graph(1)
    mixed = sp.csr_array(a.shape)
    mixed.data = a.data
    mixed.indices = a.indices.astype(np.int32)
    mixed.indptr = a.indptr.astype(np.int64)
    assert np.array_equal(pagerank(mixed), pagerank(a))


@pytest.mark.parametrize("bad", [np.inf, -np.inf, -1e-300, np.nan])
def test_any_bad_weight_in_any_block_is_caught(bad: float) -> None:
    a = big_graph(2)
    for position in (0, a.nnz // 2, a.nnz - 1):  # first block, either side of the cut, last
        b = a.copy()
        b.data[position] = bad
        with pytest.raises(ValueError, match="finite and non-negative"):
            pagerank(b)


def test_rows_whose_weights_overflow_count_as_dangling() -> None:
    a = sp.csr_array(np.array([[0.0, 1e308, 1e308], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    x = pagerank(a, tol=1e-14)
    dangling = pagerank(sp.csr_array(np.array([[0.0] * 3, [1.0, 0.0, 0.0], [0.0] * 3])), tol=1e-14)
    assert np.abs(x - dangling).max() < 1e-12


def test_kernels_that_misbehave_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy.sparse import _sparsetools

    import influence.graph.ranking as graph

    check = graph._kernels.__wrapped__  # uncached
    assert check() is not None
    monkeypatch.setattr(_sparsetools, "csc_matvec", lambda *args: None)  # adds nothing
    assert check() is None
    monkeypatch.delattr(_sparsetools, "csr_matvec")
    assert check() is None


# networkx interop: influence.graph.to_networkx and pagerank of a networkx graph.

DAY = 86_400.0
T0 = 1_700_000_000.0


def random_log(seed: int, n_users: int = 40, n_events: int = 600) -> Events:
    """Engagement of every kind, posts, follows and self-interactions over 120 days."""
    rng = np.random.default_rng(seed)
    actions = rng.choice(["post", "reply", "share", "like", "mention", "follow"], n_events)
    actor, target = rng.integers(0, n_users, n_events), rng.integers(0, n_users, n_events)
    times = rng.random(n_events) * 120 * DAY
    records = [
        {"time": T0 + float(t), "actor": f"user{a:02d}", "action": str(act)}
        | ({"post": f"p{k}"} if act == "post" else {"target": f"user{b:02d}"})
        for k, (t, a, b, act) in enumerate(zip(times, actor, target, actions))
    ]
    return Events.from_records(records)


def sparse_edges(a: sp.csr_array, events: Events) -> dict[tuple[object, object], float]:
    coo = a.tocoo()
    ids = events.users.ids.tolist()
    return {
        (ids[i], ids[j]): float(w)
        for i, j, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist())
        if w > 0
    }


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("trusted", [False, True])
def test_to_networkx_is_the_engagement_graph(seed: int, trusted: bool) -> None:
    events = random_log(seed)
    if trusted:  # some events distrusted, some partly: pairs of trust 0 are no edges
        rng = np.random.default_rng(seed)
        events = events.with_trust(
            np.where(rng.random(len(events)) < 0.3, 0.0, rng.random(len(events)))
        )
    as_of = T0 + 100 * DAY  # events after it are left out, and older than the window
    params = {"window_days": 60.0, "half_life_days": 10.0, "selectivity_per_day": 5.0}
    g = to_networkx(events, as_of, **params)  # type: ignore[arg-type]
    a = engagement_graph(events, as_of, **params)
    assert isinstance(g, nx.DiGraph)
    assert list(g) == list(events.users)
    assert [k for _, k in g.nodes(data="index")] == list(range(events.n_users))
    assert g.graph == {"as_of": as_of}
    edges = {(v, u): w for v, u, w in g.edges(data="weight")}
    assert edges == sparse_edges(a, events)  # the same floats, not merely close
    assert len(edges) > 20
    assert not any(v == u for v, u in edges)
    a.eliminate_zeros()
    assert (nx.to_scipy_sparse_array(g, format="csr") != a).nnz == 0
    assert np.array_equal(pagerank(g), pagerank(a))  # node order = events.users order


def test_to_networkx_defaults_and_time_formats() -> None:
    events = random_log(7)
    g = to_networkx(events)  # the last event's time, the standing scale
    assert g.graph["as_of"] == events.end
    edges = {(v, u): w for v, u, w in g.edges(data="weight")}
    assert edges == sparse_edges(engagement_graph(events, events.end or 0.0), events)
    iso = datetime.datetime.fromtimestamp(T0 + 50 * DAY, datetime.timezone.utc).isoformat()
    assert to_networkx(events, iso).graph["as_of"] == T0 + 50 * DAY
    empty = to_networkx(Events.empty())
    assert (empty.number_of_nodes(), empty.graph["as_of"]) == (0, None)


@pytest.mark.parametrize("name", ["window_days", "half_life_days", "selectivity_per_day"])
def test_to_networkx_rejects_bad_parameters(name: str) -> None:
    with pytest.raises(ValueError, match=f"'{name}' parameter of to_networkx"):
        to_networkx(random_log(0), **{name: 0.0})  # type: ignore[arg-type]


def random_digraph(seed: int, n: int = 50, m: int = 250) -> nx.DiGraph:
    """String nodes added in a shuffled order, dangling nodes, self-loops, unweighted edges."""
    rng = np.random.default_rng(seed)
    g = nx.DiGraph()
    g.add_nodes_from(f"n{k}" for k in rng.permutation(n))
    for v, u in zip(rng.integers(0, n, m), rng.integers(int(0.3 * n), n, m)):
        if v >= int(0.3 * n):  # the nodes n0 .. n14 have no out-edges
            g.add_edge(f"n{v}", f"n{u}", weight=float(rng.random() + 0.05))
    for v, u in list(g.edges)[::7]:
        del g[v][u]["weight"]  # weight 1, as networkx reads it
    return g


@pytest.mark.parametrize("seed", range(4))
def test_pagerank_of_a_networkx_graph_equals_networkx(seed: int) -> None:
    g = random_digraph(seed)
    rng = np.random.default_rng(200 + seed)
    p, q = rng.random(len(g)), rng.random(len(g))
    cases = [
        ({}, {}),
        ({"damping": 0.6}, {"alpha": 0.6}),
        ({"personalization": p}, {"personalization": dict(zip(g, p))}),
        (
            {"personalization": p, "dangling": q, "damping": 0.9},
            {"personalization": dict(zip(g, p)), "dangling": dict(zip(g, q)), "alpha": 0.9},
        ),
    ]
    for ours_kw, nx_kw in cases:
        ours = pagerank(g, tol=1e-14, **ours_kw)  # type: ignore[arg-type]
        theirs = nx.pagerank(g, tol=1e-15, max_iter=100_000, **nx_kw)  # type: ignore[arg-type]
        assert isinstance(ours, np.ndarray)
        assert list(theirs) == list(g)
        assert np.abs(ours - np.array(list(theirs.values()))).max() < 1e-12


@pytest.mark.parametrize("kind", [nx.Graph, nx.MultiDiGraph])
def test_pagerank_reads_other_networkx_graphs_as_networkx_does(kind: type[nx.Graph]) -> None:
    g = kind(random_digraph(5))
    if g.is_multigraph():
        g.add_edges_from([("n20", "n30", {"weight": 2.0}), ("n20", "n30", {"weight": 0.5})])
    theirs = nx.pagerank(g, tol=1e-15, max_iter=100_000)
    assert np.abs(pagerank(g, tol=1e-14) - np.array([theirs[v] for v in g])).max() < 1e-12


def test_pagerank_of_small_networkx_graphs() -> None:
    assert pagerank(nx.DiGraph()).shape == (0,)
    assert pagerank(nx.empty_graph(3, create_using=nx.DiGraph)) == pytest.approx(np.full(3, 1 / 3))
    with pytest.raises(ValueError, match="non-negative"):
        pagerank(nx.DiGraph([("a", "b", {"weight": -1.0})]))


def test_importing_and_scoring_never_import_networkx() -> None:
    code = """
import sys
import numpy as np, scipy.sparse as sp
import influence, influence.graph
from influence import Events, Scorer
from influence.components import Authority
ev = Events.from_records([
    {"time": 0, "actor": "bob", "action": "share", "target": "ann"},
    {"time": 5, "actor": "cy", "action": "like", "target": "ann"},
])
Scorer().score(ev)
Authority()(ev, as_of=5.0)
influence.graph.pagerank(sp.csr_array(np.ones((3, 3))))
print("networkx" in sys.modules)
"""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert run.stdout.strip() == "False"
