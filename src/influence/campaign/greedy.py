"""Weighted coverage with a frequency goal, and its lazy greedy maximisation (CELF).

The objective, for a set :math:`S` of accounts and a frequency goal :math:`F \\ge 1`:

.. math::

    f(S) = \\frac{1}{F} \\sum_v \\mathrm{top}_F\\{a_{uv} : u \\in S\\},

the sum over people :math:`v` of the :math:`F` largest exposure weights :math:`a_{uv}`
(:mod:`influence.campaign.audience`) among the chosen, divided by :math:`F`. When every
exposure of a person carries the same weight :math:`w_v` it is
:math:`\\sum_v w_v \\min(F, |\\{u \\in S: v \\in A(u)\\}|) / F`: with :math:`F = 1`, the
weighted number of distinct people reached. The sum of the :math:`F` largest of a set of
non-negative numbers is a weighted rank function of a uniform matroid, so :math:`f` is
monotone and submodular, and adding account :math:`u` gains

.. math::

    \\Delta(u \\mid S) = \\frac{1}{F} \\sum_{v \\in A(u)} \\big(a_{uv} - m_v(S)\\big)_+,

with :math:`m_v(S)` the :math:`F`-th largest exposure of :math:`v` so far (0 while it has
fewer). Coverage is computed exactly from the sparse rows, never sampled.

The greedy (Nemhauser, Wolsey and Fisher, 1978) adds the account of largest gain; with
at most *k* accounts it reaches at least :math:`(1 - 1/e)` of the best set of *k*. Lazy
evaluation (CELF, Leskovec et al. 2007) keeps each account's last gain as an upper bound
(submodularity: gains only shrink) and re-evaluates only the account on top, which gives
exactly the plain greedy's choices: ties go to the smaller user index (the smaller user
id, since :class:`~influence.IdIndex` keeps ids sorted), and a gain re-evaluated in
floating point never exceeds the bound it replaces (every term shrinks, and rounded
addition is monotone). The greedy stops early when no account adds anything.

With costs and a budget, the *cost-benefit* variant ranks by :math:`\\Delta(u)/c(u)`
among the accounts that still fit; CELF runs both it and the unit-cost greedy (largest
:math:`\\Delta`, among those that fit) and keeps the better, which reaches at least
:math:`\\tfrac12(1 - 1/e)` of the best set within the budget.

References
----------
.. [1] G. L. Nemhauser, L. A. Wolsey, M. L. Fisher, "An analysis of approximations for
   maximizing submodular set functions - I", Mathematical Programming 14, 1978.
.. [2] J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance,
   "Cost-effective outbreak detection in networks", KDD 2007.
"""

from __future__ import annotations

import heapq
from typing import Any, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = ["Coverage", "Greedy", "Objective", "coverage", "lazy_greedy", "row_sums"]


class Coverage:
    """The exposures of each person to the accounts chosen so far (the *F* largest).

    Parameters
    ----------
    matrix : scipy.sparse.csr_array
        Accounts by people, exposure weights in ``[0, 1]``.
    frequency : int
        The frequency goal :math:`F`.
    """

    __slots__ = ("data", "frequency", "indices", "indptr", "matrix", "tops", "total")

    def __init__(self, matrix: Any, frequency: int) -> None:
        self.matrix = matrix
        self.frequency = int(frequency)
        self.indptr = np.asarray(matrix.indptr, dtype=np.int64)
        self.indices = np.asarray(matrix.indices, dtype=np.int64)
        self.data = np.asarray(matrix.data, dtype=np.float64)
        # Per person, their F largest exposures so far, largest first (0 for none).
        self.tops = np.zeros((matrix.shape[1], self.frequency))
        self.total = 0.0

    def fresh(self) -> Coverage:
        """The same objective with nothing chosen."""
        return Coverage(self.matrix, self.frequency)

    def initial(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        """The gains of *rows* with nothing chosen, bit for bit as :meth:`gain` gives them.

        With nothing chosen a gain is its row's sum, added in row order (``np.bincount``
        and ``cumsum`` both add one term after another from 0).
        """
        return np.asarray(row_sums(self.indptr, self.data, rows) / self.frequency)

    def gain(self, account: int) -> float:
        """:math:`\\Delta(u \\mid S)`: what adding *account* would add to the coverage."""
        lo, hi = self.indptr[account], self.indptr[account + 1]
        if hi == lo:
            return 0.0
        floor = self.tops[self.indices[lo:hi], -1]
        # Added one term after another (cumsum), as the initial gains are: rounded
        # addition is monotone, so a gain re-evaluated later never exceeds an earlier one.
        terms = np.maximum(self.data[lo:hi] - floor, 0.0)
        return float(np.cumsum(terms)[-1] / self.frequency)

    def add(self, account: int) -> float:
        """Add *account* to the chosen; returns its gain."""
        gained = self.gain(account)
        lo, hi = self.indptr[account], self.indptr[account + 1]
        people = self.indices[lo:hi]
        rows = np.concatenate([self.tops[people], self.data[lo:hi, None]], axis=1)
        rows = -np.sort(-rows, axis=1)
        self.tops[people] = rows[:, : self.frequency]
        self.total += gained
        return gained


def coverage(matrix: Any, accounts: Any, frequency: int = 1) -> float:
    """:math:`f(S)`, the weighted coverage of the accounts (row indices) *accounts*.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = sp.csr_array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.5]])
    >>> coverage(m, [0, 1]), coverage(m, [0, 1], frequency=2)
    (2.5, 1.75)
    """
    state = Coverage(matrix, frequency)
    for account in dict.fromkeys(int(a) for a in accounts):
        state.add(account)
    return float(np.sum(state.tops) / state.frequency)


class Greedy(NamedTuple):
    """The greedy's choices in order, each one's marginal gain, and re-evaluation count."""

    chosen: NDArray[np.int64]
    gains: NDArray[np.float64]
    evaluations: int


class Objective(Protocol):
    """What the lazy greedy maximises: a monotone submodular set function, kept as a state.

    :class:`Coverage` and :class:`~influence.campaign.expected.ExpectedReach` are two.
    """

    matrix: Any  # accounts by people (its rows are the accounts)
    total: float

    def fresh(self) -> Objective:
        """The same objective with nothing chosen."""
        ...  # pragma: no cover

    def initial(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        """The gains of *rows* with nothing chosen, exactly as :meth:`gain` gives them."""
        ...  # pragma: no cover

    def gain(self, account: int) -> float:
        """What adding *account* would add; never more than any earlier gain of it."""
        ...  # pragma: no cover

    def add(self, account: int) -> float:
        """Add *account*; return its gain."""
        ...  # pragma: no cover


def lazy_greedy(
    objective: Any,
    candidates: NDArray[np.int64],
    *,
    frequency: int = 1,
    k: int | None = None,
    cost: NDArray[np.float64] | None = None,
    budget: float | None = None,
    per_cost: bool = False,
) -> Greedy:
    """CELF: the greedy on :math:`f` over *candidates*, evaluated lazily.

    Parameters
    ----------
    objective : Objective or scipy.sparse.csr_array
        What to maximise (never changed: the greedy works on ``objective.fresh()``); a
        matrix of exposure weights (accounts by people) means its :class:`Coverage`
        with frequency goal *frequency*.
    candidates : array of int
        Row indices that may be chosen.
    frequency : int, default 1
        :math:`F`, for a matrix.
    k : int, optional
        At most this many accounts.
    cost : array of float, optional
        Positive cost per row (all rows); with *budget*, the chosen cost at most it.
    budget : float, optional
        The budget.
    per_cost : bool, default False
        Rank by gain per unit of cost (the cost-benefit greedy) rather than by gain.

    Returns
    -------
    Greedy
        Ties in the ranking go to the smaller row index.
    """
    state: Objective = (
        objective.fresh() if hasattr(objective, "fresh") else Coverage(objective, frequency)
    )
    n_rows = int(state.matrix.shape[0])
    rows = _distinct(np.asarray(candidates, dtype=np.int64))
    price = np.ones(n_rows) if cost is None else np.asarray(cost, dtype=np.float64)
    left = np.inf if budget is None else float(budget)
    if budget is not None:  # what costs more than the budget never fits
        rows = rows[price[rows] <= left]
    limit = rows.size if k is None else min(int(k), rows.size)
    first = state.initial(rows)
    key = first / price[rows] if per_cost else first
    # Stale accounts (evaluated with nothing chosen) wait in ranked order, sorted a
    # chunk at a time; accounts re-evaluated since wait in a heap. The next one is the
    # better of the two heads.
    stale = _Ranked(rows, key, 4 * limit + 64)
    heap: list[tuple[float, int, int]] = []
    chosen: list[int] = []
    gains: list[float] = []
    evaluations = 0
    while len(chosen) < limit:
        head = stale.head()
        if head is not None and (not heap or (-head[0], head[1]) < heap[0][:2]):
            value, row = head
            since = 0
            stale.pop()
        elif heap:
            negative, row, since = heapq.heappop(heap)
            value = -negative
        else:
            break
        if price[row] > left:
            continue  # it will never fit again: the budget only shrinks
        if since == len(chosen):
            if value <= 0.0:
                break  # nothing left adds reach
            gains.append(state.add(row))
            chosen.append(row)
            left -= price[row]
            continue
        evaluations += 1
        gained = state.gain(row)
        heapq.heappush(heap, (-(gained / price[row] if per_cost else gained), row, len(chosen)))
    return Greedy(np.asarray(chosen, dtype=np.int64), np.asarray(gains), evaluations)


class _Ranked:
    """Rows in order of decreasing key, ties by row, sorted a chunk at a time.

    The greedy reads the head of the ranking only (a few times *k* rows, typically): the
    largest keys are picked out by ``np.argpartition`` (linear), every row tied with the
    chunk's smallest key included, so that a chunk is exactly the next rows of the full
    order; only they are sorted. Each further chunk is twice as large.
    """

    __slots__ = ("chunk", "key", "order", "position", "rest", "rows")

    def __init__(self, rows: NDArray[np.int64], key: NDArray[np.float64], chunk: int) -> None:
        self.rows, self.key, self.chunk = rows, np.asarray(key, dtype=np.float64), chunk
        self.rest = np.arange(rows.size)  # positions not ranked yet
        self.order = np.zeros(0, dtype=np.intp)  # the current chunk, ranked
        self.position = 0

    def head(self) -> tuple[float, int] | None:
        """The next row's key and row, or ``None`` when every row was taken."""
        if self.position == self.order.size:
            if not self.rest.size:
                return None
            self._next_chunk()
        at = self.order[self.position]
        return float(self.key[at]), int(self.rows[at])

    def pop(self) -> None:
        """Move past the head."""
        self.position += 1

    def _next_chunk(self) -> None:
        rest = self.rest
        values = self.key[rest]
        if rest.size > self.chunk:
            cut = values[np.argpartition(-values, self.chunk - 1)[self.chunk - 1]]
            inside = values >= cut
            taken, self.rest = rest[inside], rest[~inside]
        else:
            taken, self.rest = rest, rest[:0]
        self.order = taken[np.lexsort((self.rows[taken], -self.key[taken]))]
        self.position = 0
        self.chunk *= 2


def _distinct(rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """*rows* sorted, without repeats (checked in one pass when they are already)."""
    if rows.size < 2 or bool(np.all(rows[1:] > rows[:-1])):
        return rows
    ordered = np.sort(rows)
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def row_sums(
    indptr: NDArray[np.int64], data: NDArray[np.float64], rows: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The sum of each CSR row of *rows*, its entries added one after another from 0.

    ``np.bincount`` adds in order, as the ``cumsum`` of a gain does. When *rows* are
    many (half the matrix or more) every row is summed where it lies, then picked;
    otherwise the entries of *rows* are gathered first.
    """
    n_rows = indptr.size - 1
    if 2 * rows.size >= n_rows:
        every = np.bincount(
            np.repeat(np.arange(n_rows), np.diff(indptr)), weights=data, minlength=n_rows
        )
        return np.asarray(every[rows], dtype=np.float64)
    sizes = indptr[rows + 1] - indptr[rows]
    return np.asarray(
        np.bincount(
            np.repeat(np.arange(rows.size), sizes),
            weights=data[_row_positions(indptr, rows)],
            minlength=rows.size,
        ),
        dtype=np.float64,
    )


def _row_positions(indptr: NDArray[np.int64], rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """The positions in a CSR ``data`` of the entries of *rows*, row after row."""
    starts = indptr[rows]
    sizes = indptr[rows + 1] - starts
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.asarray(np.repeat(starts, sizes) + offsets, dtype=np.int64)
