"""Sparse graph primitives: PageRank as a power iteration over CSR.

Everything here works on a :mod:`scipy.sparse` adjacency matrix with
``row = source``, ``column = target`` and ``value = weight``; there is no
Python loop per node or edge, and no :mod:`networkx` object.
"""

from __future__ import annotations

import itertools
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from . import _progress, _validate
from .exceptions import ConvergenceWarning

__all__ = ["pagerank"]


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
    source: Any = adjacency  # sparse matrices and arrays alike
    if sp.issparse(source):
        matrix = sp.csr_array(source.tocsr().astype(np.float64, copy=False))  # type: ignore[attr-defined]
    elif isinstance(adjacency, np.ndarray) and adjacency.ndim == 2:
        matrix = sp.csr_array(adjacency.astype(np.float64))
    else:
        raise TypeError(
            "adjacency must be a scipy sparse matrix or array or a 2-d numpy array "
            f"(row = source, column = target); got {type(adjacency).__name__}"
        )
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"adjacency must be square; got shape {matrix.shape}")
    # min and max catch negative, infinite and NaN weights (NaN fails both comparisons).
    if matrix.nnz and not (matrix.data.min() >= 0 and matrix.data.max() < np.inf):
        raise ValueError("adjacency weights must be finite and non-negative")
    return sp.csr_array(matrix)


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
    adjacency : scipy sparse matrix or array, or 2-d ndarray, shape (n, n)
        ``adjacency[i, j]`` is the weight of the edge from ``i`` to ``j``;
        non-negative. Repeated entries of a COO matrix are summed.
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
        (scipy releases the GIL inside them); graphs under 200,000 edges use
        one. The result is bitwise reproducible for a given value on any
        machine; different values may differ in the last bits, since the
        blocks' partial sums are added in a different grouping.
    progress : {"auto", True, False}, default "auto"
        A progress bar over the iterations, showing the last L1 change (needs
        tqdm); ``"auto"``: only for graphs of 2,000,000 edges or more.
        ``INFLUENCE_PROGRESS=0`` in the environment turns it off.

    Returns
    -------
    ndarray of float64, shape (n,)
        The PageRank vector; it sums to 1 (an empty graph gives an empty array).

    Raises
    ------
    ValueError
        For a non-square matrix, negative or non-finite weights, a damping
        outside ``[0, 1)``, or a personalization, dangling or ``x0`` vector of
        the wrong length, with negative entries or summing to zero.

    Notes
    -----
    Each iteration is one sparse product :math:`A^\top z` with
    :math:`z = d\,x_k / w^{\mathrm{out}}`, computed on the transposed *view* of
    the CSR matrix (no transposed copy is built: the CSC product reads
    :math:`z` sequentially), split into two row blocks that run on two threads
    for big graphs, plus a few vector updates. With the
    default ``dangling`` the dangling and teleport terms merge into
    :math:`(1 - \mathbf{1}^\top y)\,p` with :math:`y = d P^\top x_k`, which
    also keeps the iterate summing to exactly 1 without a gather over the
    dangling nodes.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation
       ranking: Bringing order to the Web", Stanford InfoLab, 1999.
    .. [2] A. N. Langville, C. D. Meyer, "Deeper Inside PageRank", Internet
       Mathematics 1(3), 2004 (dangling nodes, personalization).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> a = sp.csr_array(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float))
    >>> pagerank(a).round(6).tolist()  # a cycle: every node alike
    [0.333333, 0.333333, 0.333333]
    """
    damping = _validate.number("pagerank", "damping", damping, low=0.0, high=1.0, high_open=True)
    _validate.number("pagerank", "tol", tol, low=0.0, low_open=True)
    if not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(
            f"The 'max_iter' parameter of pagerank must be a positive int. "
            f"Got {max_iter!r} instead."
        )
    matrix = _as_csr(adjacency)
    n = matrix.shape[0]
    shown = _progress.wanted(progress, big=matrix.nnz >= _progress.GRAPH_EDGES, owner="pagerank")
    if n == 0:
        return np.zeros(0)
    p = _probability("personalization", personalization, n)
    if p is None:
        p = np.full(n, 1.0 / n)
    q = _probability("dangling", dangling, n)
    x = _probability("x0", x0, n)
    x = p.copy() if x is None else x

    out_weight = _row_sums(matrix)
    scale = np.divide(damping, out_weight, out=np.zeros(n), where=out_weight > 0)
    workers = 2 if threads is None else threads
    if not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(
            f"The 'threads' parameter of pagerank must be an int >= 1. Got {threads!r} instead."
        )
    blocks = _row_blocks(matrix, int(workers))
    pool = ThreadPoolExecutor(len(blocks)) if len(blocks) > 1 else None
    bar = _progress.progress(None, shown, "pagerank", unit="it")
    err = float("inf")
    z = np.empty(n)
    diff = np.empty(n)
    teleport = p if q is None else None
    uniform = personalization is None and q is None
    try:
        for _ in range(int(max_iter)):
            np.multiply(x, scale, out=z)
            y = _step(blocks, z, pool)
            moved = float(y.sum())
            if uniform:
                y += (1.0 - moved) / n  # a scalar: one pass instead of two
            elif teleport is not None:
                y += (1.0 - moved) * teleport
            else:
                assert q is not None
                y += (damping - moved) * q + (1.0 - damping) * p
            np.subtract(y, x, out=diff)
            np.abs(diff, out=diff)
            err = float(diff.sum())
            x = y
            if shown:
                bar.set_postfix_str(f"L1 change {err:.1e}, tol {tol:.0e}", refresh=False)
                bar.update(1)
            if err < tol:
                return x
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown()
    warnings.warn(
        f"pagerank did not converge to tol={tol:g} in {max_iter} iterations (last L1 change "
        f"{err:.3g}); returning the last iterate",
        ConvergenceWarning,
        stacklevel=2,
    )
    return x


def _row_sums(matrix: sp.csr_array) -> NDArray[np.float64]:
    """Sum of each row of a CSR matrix, in one ``reduceat`` pass over its data."""
    n = matrix.shape[0]
    out = np.zeros(n)
    if matrix.nnz == 0:
        return out
    starts = matrix.indptr[:-1]
    filled = starts < matrix.indptr[1:]
    out[filled] = np.add.reduceat(matrix.data, starts[filled])
    return out


def _row_blocks(matrix: sp.csr_array, count: int) -> list[tuple[int, int, Any]]:
    """*count* row blocks of *matrix* with about equal non-zeros, as transpose views."""
    n = matrix.shape[0]
    if count == 1 or matrix.nnz < 200_000:
        return [(0, n, matrix.T)]
    cuts = np.searchsorted(matrix.indptr, np.arange(1, count) * (matrix.nnz // count))
    edges = [0, *sorted({int(c) for c in cuts}), n]
    blocks = []
    for lo, hi in itertools.pairwise(edges):
        if hi > lo:
            # The block's transpose, in CSC form, over views of the CSR arrays: no copy,
            # and set through the attributes rather than the constructor, whose index
            # checks would cost a pass over the block's indices.
            start, stop = int(matrix.indptr[lo]), int(matrix.indptr[hi])
            part = sp.csc_array((n, hi - lo))
            part.data = matrix.data[start:stop]
            part.indices = matrix.indices[start:stop]
            part.indptr = matrix.indptr[lo : hi + 1] - start
            blocks.append((lo, hi, part))
    return blocks


def _step(
    blocks: list[tuple[int, int, Any]],
    z: NDArray[np.float64],
    pool: ThreadPoolExecutor | None,
) -> NDArray[np.float64]:
    """``A.T @ z`` as the sum of the blocks' products, added in block order.

    ``A.T`` of a CSR block is a CSC view: its product reads ``z`` in order and
    needs no transposed copy of the matrix. scipy releases the GIL inside it,
    so the blocks run in parallel on a thread pool.
    """

    def run(block: tuple[int, int, Any]) -> NDArray[np.float64]:
        lo, hi, part = block
        return np.asarray(part @ z[lo:hi])

    parts = list(pool.map(run, blocks)) if pool is not None else [run(b) for b in blocks]
    total = parts[0]
    for part in parts[1:]:
        total += part
    return total
