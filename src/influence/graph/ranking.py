"""PageRank as a power iteration over a CSR adjacency matrix.

Everything here works on a :mod:`scipy.sparse` adjacency matrix with
``row = source``, ``column = target`` and ``value = weight``; there is no
Python loop per node or edge, and no :mod:`networkx` object.

networkx is for interop only (:func:`~influence.graph.to_networkx`, and
:func:`pagerank` of a networkx graph): only ``to_networkx`` imports it, when called.

The row sums and the sparse products call scipy's compiled CSR/CSC kernels
(``csr_matvec``, ``csc_matvec`` from the private ``scipy.sparse._sparsetools``,
which scipy's ``@`` calls after allocating a zeroed result): they add into
buffers allocated once per call. They are checked once on a 2 x 2 matrix; if
they are missing or misbehave, ``np.add.reduceat`` and the public ``@`` product
take their place, with the same result up to rounding (a test checks that both
paths agree).
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from influence import _progress, _validate
from influence.exceptions import ConvergenceWarning

__all__ = ["pagerank"]

_T = TypeVar("_T")
_TINIEST = float(np.nextafter(0.0, 1.0))  # the smallest positive double (subnormal)


def _probability(name: str, value: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
    """A non-negative length-*n* vector normalised to sum 1, or ``None``."""
    if value is None:
        return None
    vector = np.asarray(value, dtype=np.float64)
    if vector.shape != (n,):
        raise ValueError(
            f"The {name!r} parameter of pagerank must have one entry per node ({n}); "
            f"got shape {vector.shape}."
        )
    if not np.all(np.isfinite(vector)) or np.any(vector < 0):
        raise ValueError(f"The {name!r} parameter of pagerank must be finite and non-negative.")
    total = float(vector.sum())
    if total <= 0:
        raise ValueError(f"The {name!r} parameter of pagerank must not sum to zero. Got {total}.")
    return vector / total


def _as_csr(adjacency: Any) -> sp.csr_array:
    """*adjacency* as a square float64 CSR array, without a copy when it already is one.

    The weights are checked later, block by block, by the threads that sum the
    rows (``_Power._prepare``).
    """
    source: Any = adjacency  # sparse matrices and arrays alike
    if sp.issparse(source):
        matrix = sp.csr_array(source.tocsr().astype(np.float64, copy=False))  # type: ignore[attr-defined]
    elif isinstance(adjacency, np.ndarray) and adjacency.ndim == 2:
        matrix = sp.csr_array(adjacency.astype(np.float64))
    elif (nx := sys.modules.get("networkx")) and isinstance(adjacency, nx.Graph):
        # Read as networkx.pagerank reads it. (No networkx imported, no networkx graph.)
        if len(adjacency) == 0:
            return sp.csr_array((0, 0))
        matrix = sp.csr_array(
            nx.to_scipy_sparse_array(adjacency, weight="weight", dtype=np.float64, format="csr")
        )
    else:
        raise TypeError(
            "adjacency must be a scipy sparse matrix or array, a 2-d numpy array (row = "
            f"source, column = target) or a networkx graph; got {type(adjacency).__name__}"
        )
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"adjacency must be square; got shape {matrix.shape}")
    return matrix


def pagerank(
    adjacency: Any,
    damping: float = 0.85,
    personalization: ArrayLike | None = None,
    dangling: ArrayLike | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
    x0: ArrayLike | None = None,
    *,
    threads: int = 2,
    progress: _progress.Progress = "auto",
) -> NDArray[np.float64]:
    r"""PageRank of every node of a weighted directed graph.

    The stationary distribution of a random surfer who, with probability
    :math:`d`, follows an out-edge with probability proportional to its weight
    and otherwise teleports to a node drawn from the personalization vector
    :math:`p`; from a node without out-edges (dangling) the surfer jumps to a
    node drawn from the dangling vector :math:`q`:

    .. math::

        x_{k+1} = d\,P^\top x_k + d\,\Big(\sum_{i \in D} x_{k,i}\Big) q + (1 - d)\,p,

    with :math:`P = \mathrm{diag}(1 / w^{\mathrm{out}}) A` the row-normalised
    adjacency. These are :func:`networkx.pagerank`'s semantics (weighted
    out-degree normalisation, dangling mass spread by ``dangling``, which
    defaults to the personalization vector), and the result agrees with it.

    Parameters
    ----------
    adjacency : scipy sparse matrix or array, 2-d ndarray, or networkx graph
        ``adjacency[i, j]`` is the weight of the edge from ``i`` to ``j``;
        non-negative. Repeated entries of a COO matrix are summed. A networkx
        graph is read as :func:`networkx.pagerank` reads it: node ``i`` is
        ``list(adjacency)[i]``, weights are the edges' ``"weight"`` attribute
        (1 when absent), parallel edges add up and an undirected edge goes
        both ways; the vectors below follow the same node order.
    damping : float, default 0.85
        Probability :math:`d` of following an edge, in ``[0, 1)``.
    personalization : array-like of shape (n,), optional
        Teleport distribution :math:`p` (normalised here); uniform by default.
    dangling : array-like of shape (n,), optional
        Where dangling nodes' mass goes (normalised here); defaults to
        :math:`p`.
    tol : float, default 1e-10
        Stop when the L1 norm of the change between two iterates is below
        *tol*. (networkx's ``tol`` is per node: its threshold is ``n * tol``.)
    max_iter : int, default 1000
        Iterations at most; past it a :class:`~influence.ConvergenceWarning` is
        issued and the last iterate returned.
    x0 : array-like of shape (n,), optional
        Starting vector (warm start, normalised here); :math:`p` by default.
    threads : int, default 2
        Row blocks of the adjacency whose products run on as many threads
        (scipy's kernels and numpy's vector passes release the GIL); graphs
        under 200,000 edges use one. The result is bitwise reproducible for a
        given value on any machine, whatever the load (which thread runs which
        block does not matter); different values may differ in the last bits,
        since the blocks' partial sums are added in a different grouping.
    progress : {"auto", True, False}, default "auto"
        A progress bar over the iterations, showing the last L1 change (needs
        tqdm); ``"auto"``: only for graphs of 2,000,000 edges or more.
        ``INFLUENCE_PROGRESS=0`` in the environment turns it off.

    Returns
    -------
    ndarray of float64, shape (n,)
        The PageRank vector; it sums to 1 (an empty graph gives an empty array).
        For a networkx graph too: entry ``i`` is node ``list(adjacency)[i]``,
        and ``dict(zip(adjacency, rank))`` is :func:`networkx.pagerank`'s dict.

    Raises
    ------
    ValueError
        For a non-square matrix, negative or non-finite weights, a damping
        outside ``[0, 1)``, or a personalization, dangling or ``x0`` vector of
        the wrong length, with negative entries or summing to zero.

    Notes
    -----
    Each iteration is one sparse product :math:`A^\top z` with
    :math:`z = d\,x_k / w^{\mathrm{out}}`, computed on the CSR arrays read as
    the CSC form of :math:`A^\top` (no transposed copy is built: the product
    reads :math:`z` in order and adds into the result), plus a few vector
    passes. For big graphs the rows are cut into ``threads`` blocks of about
    equal non-zeros, whose products run in parallel: block :math:`k` adds
    :math:`A_k^\top z_k` into a buffer of its own; then each thread takes a
    slice of the nodes, adds the buffers there into the new iterate, and forms
    the next :math:`z` and the L1 change. The buffers are allocated once: the
    iteration allocates nothing. Before the iteration, the blocks' weights are
    read twice, in parallel too: their minimum (validation) and the row sums
    :math:`w^{\mathrm{out}}`.

    The dangling and teleport terms are merged: the next iterate starts from
    :math:`(1 - m_k)\,p` (or :math:`(d - m_k)\,q + (1 - d)\,p` with a separate
    ``dangling`` vector), where :math:`m_k = d \sum_{i \notin D} x_{k,i}` is the
    mass the product moves along edges, so the iterate keeps summing to 1
    without a gather over the dangling nodes; the product then adds into it.

    The product scatters (each row of :math:`A` adds into its targets) rather
    than gathers over the rows of :math:`A^\top`, which would need neither the
    buffers nor their merge: measured on 1M nodes and 10M edges with
    heavy-tailed in-degrees, the gather took twice as long per product (its
    reads of :math:`z` are random over all nodes, whereas most of the scatter's
    writes go to the few most-followed nodes, which stay in cache), after a
    transposition costing more than 15 scatters.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation
       ranking: Bringing order to the Web", Stanford InfoLab, 1999.
    .. [2] A. N. Langville, C. D. Meyer, "Deeper Inside PageRank", Internet
       Mathematics 1(3), 2004 (dangling nodes, personalization).

    See Also
    --------
    to_networkx : The engagement graph as a ``networkx.DiGraph``.
    networkx.pagerank : The same semantics, as a dict keyed by node.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> a = sp.csr_array(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float))
    >>> pagerank(a).round(6).tolist()  # a cycle: every node alike
    [0.333333, 0.333333, 0.333333]
    >>> import networkx as nx
    >>> g = nx.DiGraph([("ann", "bob"), ("cy", "bob")])
    >>> dict(zip(g, pagerank(g).round(4).tolist()))  # bob is dangling: his mass teleports
    {'ann': 0.2128, 'bob': 0.5745, 'cy': 0.2128}
    """
    damping = _validate.number("pagerank", "damping", damping, low=0.0, high=1.0, high_open=True)
    _validate.number("pagerank", "tol", tol, low=0.0, low_open=True)
    _validate.integer("pagerank", "max_iter", max_iter, low=1)
    matrix = _as_csr(adjacency)
    n = matrix.shape[0]
    shown = _progress.wanted(progress, big=matrix.nnz >= _progress.GRAPH_EDGES, owner="pagerank")
    if n == 0:
        return np.zeros(0)
    p = _probability("personalization", personalization, n)
    q = _probability("dangling", dangling, n)
    x = _probability("x0", x0, n)

    workers = 2 if threads is None else threads
    if not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(
            f"The 'threads' parameter of pagerank must be an int >= 1. Got {threads!r} instead."
        )
    kernels = _kernels()
    if matrix.indptr.dtype != matrix.indices.dtype and matrix.nnz > np.iinfo(np.int32).max:
        kernels = None  # the kernels want one index type, and int32 cannot hold the offsets
    blocks = _row_blocks(matrix, int(workers), fast=kernels is not None)
    pool = ThreadPoolExecutor(len(blocks) - 1) if len(blocks) > 1 else None
    bar: _progress.Bar | None = None
    try:
        power = _Power(matrix, blocks, kernels, damping, pool, p, q)
        power.start(x)
        bar = _progress.progress(None, shown, "pagerank", unit="it")
        err = float("inf")
        for _ in range(int(max_iter)):
            err = power.step()
            if shown:
                bar.set_postfix_str(f"L1 change {err:.1e}, tol {tol:.0e}", refresh=False)
                bar.update(1)
            if err < tol:
                return power.x
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.shutdown()
    warnings.warn(
        f"pagerank did not converge to tol={tol:g} in {max_iter} iterations (last L1 change "
        f"{err:.3g}); returning the last iterate",
        ConvergenceWarning,
        stacklevel=2,
    )
    return power.x


_Kernel = Callable[..., None]


@functools.cache
def _kernels() -> tuple[_Kernel, _Kernel] | None:
    """scipy's compiled ``csr_matvec`` and ``csc_matvec``, or ``None``.

    They live in the private ``scipy.sparse._sparsetools`` (scipy's own ``@``
    calls them after allocating a zeroed result); unlike the public product
    they add into a given buffer, so the iteration allocates nothing. They are
    checked once on a 2 x 2 matrix, which also checks that they accumulate
    (``y += A x``): if the import fails or the answer is off, ``None`` tells
    :func:`pagerank` to use ``np.add.reduceat`` and the public product instead,
    with the same result up to rounding.
    """
    try:
        from scipy.sparse import _sparsetools

        csr_matvec: _Kernel = _sparsetools.csr_matvec
        csc_matvec: _Kernel = _sparsetools.csc_matvec
        indptr, indices = np.array([0, 2, 3]), np.array([0, 1, 1])
        data, x = np.array([1.0, 2.0, 3.0]), np.array([5.0, 7.0])  # A = [[1, 2], [0, 3]]
        rows, cols = np.ones(2), np.ones(2)
        csr_matvec(2, 2, indptr, indices, data, x, rows)  # rows += A x = [19, 21]
        csc_matvec(2, 2, indptr, indices, data, x, cols)  # cols += A.T x = [5, 31]
    except Exception:  # any failure of a private API means: do without it
        return None
    if rows.tolist() != [20.0, 22.0] or cols.tolist() != [6.0, 32.0]:
        return None
    return csr_matvec, csc_matvec


class _Block(NamedTuple):
    """Rows ``lo:hi`` of the CSR matrix, as views of its arrays."""

    lo: int
    hi: int
    indptr: NDArray[Any]  # rebased to start at 0, in the indices' dtype
    indices: NDArray[Any]
    data: NDArray[np.float64]
    view: Any  # the block's transpose as a CSC array over the same arrays (public products)


def _row_blocks(matrix: sp.csr_array, count: int, *, fast: bool) -> list[_Block]:
    """*count* row blocks of *matrix* with about equal non-zeros (one under 200,000)."""
    n = matrix.shape[0]
    edges = [0, n]
    if count > 1 and matrix.nnz >= 200_000:
        cuts = np.searchsorted(matrix.indptr, np.arange(1, count) * (matrix.nnz // count))
        edges = [0, *sorted({int(c) for c in cuts if 0 < c < n}), n]
    blocks = []
    for lo, hi in itertools.pairwise(edges):
        start, stop = int(matrix.indptr[lo]), int(matrix.indptr[hi])
        indptr = matrix.indptr[lo : hi + 1] - matrix.indptr[lo]
        if fast and indptr.dtype != matrix.indices.dtype:
            indptr = indptr.astype(matrix.indices.dtype)  # the kernels want one index type
        data, indices = matrix.data[start:stop], matrix.indices[start:stop]
        view = None
        if not fast:
            # The block's transpose, in CSC form, over views of the CSR arrays: no copy,
            # and set through the attributes rather than the constructor, whose index
            # checks would cost a pass over the block's indices.
            view = sp.csc_array((n, hi - lo))
            view.data, view.indices, view.indptr = data, indices, indptr
        blocks.append(_Block(lo, hi, indptr, indices, data, view))
    return blocks


class _Power:
    r"""The state of the power iteration, and its two parallel phases per step.

    Phase 1: block :math:`k` (rows ``lo:hi`` of :math:`A`) adds
    :math:`A_k^\top z_k` into its own buffer ``acc[k]``, buffer 0 starting from
    the teleport term. Phase 2 cuts the nodes into as many equal slices and on
    each one adds the other buffers into buffer 0 (the new iterate) and zeroes
    them, forms the next :math:`z`, takes the L1 change, and sums the mass the
    next product will move along edges, :math:`d \sum_{i \notin D} x_i`, which
    sets the next teleport term before that product starts.
    """

    def __init__(
        self,
        matrix: sp.csr_array,
        blocks: list[_Block],
        kernels: tuple[_Kernel, _Kernel] | None,
        damping: float,
        pool: ThreadPoolExecutor | None,
        p: NDArray[np.float64] | None,
        q: NDArray[np.float64] | None,
    ) -> None:
        n = matrix.shape[0]
        self.n, self.blocks, self.kernels, self.pool = n, blocks, kernels, pool
        self.damping = damping
        # The teleport term: (1 - moved) p, or (d - moved) q + (1 - d) p with a dangling q;
        # with neither given, the scalar (1 - moved) / n.
        self.uniform = p is None and q is None
        self.p = np.full(n, 1.0 / n) if p is None and q is not None else p
        self.q = q
        self.rest = None if q is None or self.p is None else (1.0 - damping) * self.p
        self.scale = np.empty(n)  # d / out-weight, 0 for dangling nodes
        self.keep = np.empty(n)  # d for nodes with out-edges, 0 for dangling ones
        out_weight = np.zeros(n)
        checks = self._map(lambda k: self._prepare(blocks[k], out_weight), len(blocks))
        if not all(low >= 0 for low, _ in checks):  # NaN fails too
            raise ValueError("adjacency weights must be finite and non-negative")
        # Non-negative weights: the row sums are finite unless a weight is infinite, or the
        # sums overflow: such rows then move nothing (scale 0) and count as dangling.
        if not np.isfinite(sum(total for _, total in checks)):
            if np.isinf(matrix.data).any():
                raise ValueError("adjacency weights must be finite and non-negative")
            np.multiply(self.scale > 0, damping, out=self.keep)
        bounds = np.linspace(0, n, len(blocks) + 1).astype(int)
        self.slices = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]
        self.x, self.z = np.empty(n), np.empty(n)
        self.acc = [out_weight] + [np.zeros(n) for _ in blocks[1:]]  # out_weight: done with
        self.moved = 0.0

    def _map(self, func: Callable[[int], _T], count: int) -> list[_T]:
        """``[func(0), ..., func(count - 1)]``, run by this thread and the pool's.

        Each thread takes the next task as it gets free (this one too, rather
        than wait); which thread runs a task never changes its result.
        """
        if self.pool is None or count == 1:
            return [func(k) for k in range(count)]
        results: list[_T | None] = [None] * count
        tasks = iter(range(count))
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    k = next(tasks, None)
                if k is None:
                    return
                results[k] = func(k)

        helpers = [self.pool.submit(work) for _ in range(count - 1)]
        work()
        for helper in helpers:
            helper.result()
        return results  # type: ignore[return-value]

    def _prepare(self, block: _Block, out_weight: NDArray[np.float64]) -> tuple[float, float]:
        """Out-weights, ``scale`` and ``keep`` of a block's rows; its least weight and total."""
        lo, hi = block.lo, block.hi
        low = float(block.data.min()) if block.data.size else 0.0
        rows = out_weight[lo:hi]
        if self.kernels is not None:
            # The block times a one-column vector of ones: every column index is 0 (an
            # untouched calloc'd array, read from the zero page), so the kernel streams the
            # data and sums each row in order, without reduceat's cost per row.
            zero = np.zeros(block.data.size, dtype=block.indices.dtype)
            self.kernels[0](hi - lo, 1, block.indptr, zero, block.data, np.ones(1), rows)
        elif block.data.size:
            starts = block.indptr[:-1]
            filled = starts < block.indptr[1:]
            with np.errstate(over="ignore"):  # overflowing rows: see __init__
                rows[filled] = np.add.reduceat(block.data, starts[filled])
        total = float(rows.sum())
        keep = np.multiply(rows > 0, self.damping, out=self.keep[lo:hi])
        # scale = d / w, 0 where w = 0: keep / max(w, smallest double), without the slow
        # `where=` of np.divide.
        np.maximum(rows, _TINIEST, out=rows)
        np.divide(keep, rows, out=self.scale[lo:hi])
        return low, total

    def start(self, x: NDArray[np.float64] | None) -> None:
        """Start from *x* (a probability vector, not modified), or from :math:`p`."""
        start = self.p if x is None else x
        parts = self._map(lambda h: self._begin(h, start), len(self.slices))
        self.moved = math.fsum(parts)

    def _begin(self, h: int, start: NDArray[np.float64] | None) -> float:
        s = self.slices[h]
        if start is None:
            self.x[s] = 1.0 / self.n
        else:
            self.x[s] = start[s]
        np.multiply(self.x[s], self.scale[s], out=self.z[s])
        return float(np.einsum("i,i->", self.x[s], self.keep[s]))

    def _fill(self, target: NDArray[np.float64]) -> None:
        moved = self.moved
        if self.uniform:
            target.fill((1.0 - moved) / self.n)  # a scalar: no pass over p
        elif self.rest is None:
            assert self.p is not None
            np.multiply(self.p, 1.0 - moved, out=target)
        else:
            assert self.q is not None
            np.multiply(self.q, self.damping - moved, out=target)
            np.add(target, self.rest, out=target)

    def _spread(self, k: int) -> None:
        """Phase 1, block *k*: ``acc[k] += A_k.T z_k`` (buffer 0 first set to the teleport)."""
        block = self.blocks[k]
        lo, hi = block.lo, block.hi
        acc, z = self.acc[k], self.z[lo:hi]
        if k == 0:
            self._fill(acc)
        if self.kernels is not None:
            self.kernels[1](self.n, hi - lo, block.indptr, block.indices, block.data, z, acc)
        else:
            np.add(acc, block.view @ z, out=acc)

    def _gather(self, h: int) -> tuple[float, float]:
        """Phase 2, slice *h*: the new iterate, the next ``z``, the L1 change, the moved mass."""
        s = self.slices[h]
        y = self.acc[0][s]
        for other in self.acc[1:]:
            np.add(y, other[s], out=y)
            other[s] = 0.0
        np.multiply(y, self.scale[s], out=self.z[s])
        change = self.x[s]  # the old iterate, not needed any more
        np.subtract(y, change, out=change)
        np.abs(change, out=change)
        return float(change.sum()), float(np.einsum("i,i->", y, self.keep[s]))

    def step(self) -> float:
        """One iteration; returns the L1 change."""
        self._map(self._spread, len(self.blocks))
        parts = self._map(self._gather, len(self.slices))
        self.x, self.acc[0] = self.acc[0], self.x
        self.moved = math.fsum(m for _, m in parts)
        return math.fsum(e for e, _ in parts)
