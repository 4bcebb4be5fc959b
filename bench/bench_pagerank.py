"""Benchmark: ``influence.graph.pagerank`` against named baselines, same graph, same run.

The graph: ``--nodes`` nodes, ``--edges`` weighted edges with heavy-tailed
in-degrees, and ``--dangling`` of the nodes without out-edges. Printed:

- ``bare``: only the ``A.T @ x`` products that our iteration needs (scipy's
  product on the transposed view of the CSR matrix, the faster of the two
  ways scipy offers here): the floor of any single-threaded power iteration;
- ``influence`` with 1 thread and with 2 threads (row blocks);
- ``floor``: issue 18's memory-bandwidth floor, one read pass of the matrix
  per iteration on 2 threads (each sums half of ``data`` and half of
  ``indices``); every time is also printed as a ratio to it;
- per product, on 2 threads: the scatter that ``pagerank`` does (scipy's
  ``csc_matvec`` over row blocks of the CSR matrix, each block into a buffer
  of its own), and the gather over the transpose (``csr_matvec`` over row
  blocks of the CSR of :math:`A^\top`, each block writing its own rows),
  with the one-off cost of building that transpose (``tocsc``);
- ``scipy-loop``: a plain float64 power iteration written the obvious way;
- ``networkx``, ``igraph`` (PRPACK) and ``scikit-network`` when installed
  (``pip install -e ".[bench]"``); networkx needs minutes at full size, so it
  runs only with ``--networkx``.

Errors are L1 distances to our result at ``tol=1e-12``. ``bare``, ``floor``,
the products and ``influence`` are timed in ``--repeat`` rounds, each round running each of
them once (so that load from another process falls on all alike); each keeps
its best round.
Usage: ``python bench/bench_pagerank.py [--nodes N] [--edges M] [--networkx]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import scipy.sparse as sp

from influence.graph import pagerank


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def graph(nodes: int, edges: int, dangling: float, seed: int = 0) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    has_out = rng.random(nodes) >= dangling
    sources = np.flatnonzero(has_out)
    src = sources[rng.integers(0, sources.size, edges)]
    dst = (rng.pareto(1.1, edges) * nodes / 50).astype(np.int64) % nodes
    weight = rng.random(edges) + 0.1
    return sp.csr_array(sp.coo_array((weight, (src, dst)), shape=(nodes, nodes)))


def scipy_loop(a: sp.csr_array, tol: float) -> np.ndarray:
    n = a.shape[0]
    out = np.asarray(a.sum(axis=1)).ravel()
    dangling = out == 0
    p = np.full(n, 1.0 / n)
    x = p.copy()
    for _ in range(1000):
        x_new = 0.85 * (a.T @ np.divide(x, out, out=np.zeros(n), where=~dangling))
        x_new += (0.85 * x[dangling].sum() + 0.15) * p
        if np.abs(x_new - x).sum() < tol:
            return x_new
        x = x_new
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--dangling", type=float, default=0.3)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--networkx", action="store_true")
    args = parser.parse_args()
    a = graph(args.nodes, args.edges, args.dangling)
    n = a.shape[0]
    print(f"graph: {n:,} nodes, {a.nnz:,} edges, {args.dangling:.0%} dangling; tol {args.tol:g}")
    exact = pagerank(a, tol=1e-12, progress=False)

    # Count our iterations at the requested tolerance (same stopping rule as pagerank).
    iterations = 0
    for k in range(1, 1001):
        _, probe = timed(lambda k=k: _quiet(a, args.tol, k))
        if probe is not None:
            iterations = k
            break
    at = a.T
    x = np.full(n, 1.0 / n)
    pool = ThreadPoolExecutor(1)

    def both(first: Callable[[], Any], second: Callable[[], Any]) -> None:
        helper = pool.submit(second)
        first()
        helper.result()

    def bare() -> None:
        for _ in range(iterations):
            at @ x

    half = a.nnz // 2

    def read(part: slice) -> None:
        a.data[part].sum()
        a.indices[part].sum()

    def floor() -> None:
        for _ in range(iterations):
            both(lambda: read(slice(0, half)), lambda: read(slice(half, None)))

    # Round robin: each round times every candidate once, so that a burst of load from
    # another process falls on all of them alike; each keeps its best round.
    candidates: dict[str, Callable[[], Any]] = {"bare": bare, "floor": floor}
    candidates.update(_products(a, x, both))
    for threads in (1, 2):
        name = f"influence ({threads} thread{'s' if threads > 1 else ''})"
        candidates[name] = lambda t=threads: pagerank(a, tol=args.tol, threads=t, progress=False)
    best = dict.fromkeys(candidates, float("inf"))
    results: dict[str, Any] = {}
    for _ in range(args.repeat):
        for name, func in candidates.items():
            seconds, results[name] = timed(func)
            best[name] = min(best[name], seconds)
    pool.shutdown()
    t_bare, t_floor = best.pop("bare"), best.pop("floor")
    print(
        f"{iterations} iterations; bare A.T@x products {t_bare:.3f} s; floor (2-thread read "
        f"of data and indices, once per iteration) {t_floor:.3f} s"
    )
    if "scatter" in best:
        print(
            f"per product, 2 threads: scatter over A's row blocks (ours) "
            f"{1e3 * best.pop('scatter'):.1f} ms; gather over the rows of A's transpose "
            f"{1e3 * best.pop('gather'):.1f} ms, after building it once in "
            f"{1e3 * best.pop('transpose'):.0f} ms; "
            f"one read pass {1e3 * t_floor / iterations:.1f} ms"
        )
    rows: list[tuple[str, float, float | None]] = [
        (name, seconds, float(np.abs(results[name] - exact).sum()))
        for name, seconds in best.items()
    ]
    t, res = timed(lambda: scipy_loop(a, args.tol))
    rows.append(("scipy-loop", t, float(np.abs(res - exact).sum())))
    rows += _optional(a, args, exact)
    for name, seconds, err in rows:
        error = "" if err is None else f"  L1 error {err:.1e}"
        print(
            f"  {name:<22} {seconds:8.3f} s   /floor {seconds / t_floor:5.2f}   "
            f"/bare {seconds / t_bare:5.2f}{error}"
        )


def _products(
    a: sp.csr_array, x: np.ndarray, both: Callable[[Callable[[], Any], Callable[[], Any]], None]
) -> dict[str, Callable[[], Any]]:
    """One product each way on 2 threads, with scipy's kernels (none if they are missing)."""
    try:
        from scipy.sparse import _sparsetools
    except ImportError:
        print("  (scipy's _sparsetools kernels missing: no per-product times)")
        return {}
    n = a.shape[0]
    csc = a.tocsc()  # its arrays are those of A.T in CSR form
    transposed = sp.csr_array((csc.data, csc.indices, csc.indptr), shape=a.shape)
    buffers = [np.zeros(n), np.zeros(n)]
    out = np.zeros(n)

    def halves(m: sp.csr_array) -> list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
        cut = int(np.searchsorted(m.indptr, m.nnz // 2))
        parts = []
        for lo, hi in ((0, cut), (cut, n)):
            start, stop = int(m.indptr[lo]), int(m.indptr[hi])
            indptr = (m.indptr[lo : hi + 1] - start).astype(m.indices.dtype)
            parts.append((lo, hi, indptr, m.indices[start:stop], m.data[start:stop]))
        return parts

    rows_a, rows_t = halves(a), halves(transposed)

    def scatter(k: int) -> None:
        lo, hi, indptr, indices, data = rows_a[k]
        _sparsetools.csc_matvec(n, hi - lo, indptr, indices, data, x[lo:hi], buffers[k])

    def gather(k: int) -> None:
        lo, hi, indptr, indices, data = rows_t[k]
        _sparsetools.csr_matvec(hi - lo, n, indptr, indices, data, x, out[lo:hi])

    return {
        "scatter": lambda: both(lambda: scatter(0), lambda: scatter(1)),
        "gather": lambda: both(lambda: gather(0), lambda: gather(1)),
        "transpose": a.tocsc,
    }


def _quiet(a: sp.csr_array, tol: float, max_iter: int) -> np.ndarray | None:
    import warnings

    from influence import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            return pagerank(a, tol=tol, max_iter=max_iter, threads=1, progress=False)
        except ConvergenceWarning:
            return None


def _optional(
    a: sp.csr_array, args: argparse.Namespace, exact: np.ndarray
) -> list[tuple[str, float, float | None]]:
    rows: list[tuple[str, float, float | None]] = []
    coo = a.tocoo()
    try:
        import igraph

        build, g = timed(
            lambda: igraph.Graph(
                n=a.shape[0], edges=np.column_stack([coo.row, coo.col]).tolist(), directed=True
            )
        )
        t, res = timed(
            lambda: np.array(
                g.personalized_pagerank(
                    damping=0.85, weights=coo.data.tolist(), implementation="prpack"
                )
            )
        )
        rows.append((f"igraph PRPACK (+{build:.0f} s build)", t, float(np.abs(res - exact).sum())))
    except ImportError:
        print("  (igraph not installed)")
    try:
        from sknetwork.ranking import PageRank

        t, res = timed(
            lambda: PageRank(damping_factor=0.85, tol=args.tol).fit_predict(sp.csr_matrix(a))
        )
        rows.append(("scikit-network", t, float(np.abs(res - exact).sum())))
    except ImportError:
        print("  (scikit-network not installed)")
    if args.networkx:
        import networkx as nx

        build, g = timed(lambda: nx.from_scipy_sparse_array(a, create_using=nx.DiGraph))
        t, res = timed(lambda: nx.pagerank(g, tol=args.tol / a.shape[0]))
        vec = np.array([res[i] for i in range(a.shape[0])])
        rows.append((f"networkx (+{build:.0f} s build)", t, float(np.abs(vec - exact).sum())))
    return rows


if __name__ == "__main__":
    main()
