"""The expected reach of a set of accounts in the campaign period, exact, for the greedy.

With :math:`q_{uv}` the chance that person *v* credibly engages account *u* within the
horizon and :math:`n_u` the credible newcomers *u* is expected to attract
(:mod:`influence.campaign.forecast`), the number of the chosen that *v* engages is
:math:`X_v = \\sum_{u \\in S} B_{uv}`, a sum of independent Bernoulli variables of
means :math:`q_{uv}`. With a frequency goal :math:`F \\ge 1` (each person counted up to
:math:`F` exposures), the objective is

.. math::

    f(S) = \\frac{1}{F} \\Big( \\sum_v \\mathbb{E}\\big[\\min(F, X_v)\\big]
           + G\\big(\\textstyle\\sum_{u \\in S} n_u\\big) \\Big),
    \\qquad G(N) = M \\big(1 - e^{-N/M}\\big),

and with :math:`F = 1`,
:math:`f(S) = \\sum_v \\big(1 - \\prod_{u \\in S} (1 - q_{uv})\\big)
+ G(\\sum_{u \\in S} n_u)`:
the expected number of distinct credible people reached, probabilistic coverage (Kempe,
Kleinberg and Tardos 2003 write the independent cascade's spread as such a coverage)
plus a modular term. Newcomers are new to the account that attracts them and are
counted once each (two accounts' future newcomers cannot be told apart in the past; the
sum would over-count any they share). They are drawn from a pool of :math:`M` people,
the distinct credible newcomers of the last horizon (:mod:`influence.campaign.forecast`):
:math:`N` arrivals spread evenly over the pool reach :math:`M(1 - e^{-N/M})` distinct
people in expectation (balls into bins, Poisson limit), about :math:`N` while
:math:`N \\ll M` and never more than :math:`M`. A concave function of a modular one
is monotone and submodular, and so is the sum.

Since :math:`\\mathbb{E}[\\min(F, X + B)] - \\mathbb{E}[\\min(F, X)] = q \\Pr(X < F)` for
a Bernoulli :math:`B` of mean :math:`q` independent of :math:`X`, adding *u* gains

.. math::

    \\Delta(u \\mid S) = \\frac{1}{F} \\Big( \\sum_{v} q_{uv} \\Pr(X_v^S < F)
    + G(N_S + n_u) - G(N_S) \\Big), \\qquad N_S = \\sum_{u' \\in S} n_{u'},

which is non-negative (:math:`f` is monotone) and only shrinks as :math:`S` grows, since
:math:`X_v^S` grows stochastically with :math:`S` (:math:`f` is submodular); so the
greedy's :math:`1 - 1/e` and CELF's lazy evaluation hold as for coverage (Krause and
Golovin 2014). :math:`\\Pr(X_v < F)` is kept exactly by a small dynamic programme per
person over :math:`\\Pr(X_v = j)`, :math:`j < F` (the Poisson-binomial recursion
:math:`P'_j = P_j (1 - q) + P_{j-1} q`), updated for the people of the added account
only, vectorised. Never sampled.

References
----------
.. [1] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through
   a social network", KDD 2003.
.. [2] A. Krause, D. Golovin, "Submodular function maximization", in Tractability:
   Practical Approaches to Hard Problems, Cambridge University Press, 2014.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence.campaign.greedy import row_sums

__all__ = ["ExpectedReach", "expected_reach", "pooled"]


class ExpectedReach:
    """The chosen accounts' expected reach so far, and each candidate's gain.

    Parameters
    ----------
    matrix : scipy.sparse.csr_array
        Accounts by people, chances :math:`q_{uv}` in ``[0, 1]``.
    newcomers : array of float
        :math:`n_u` per account (row), non-negative.
    frequency : int
        The frequency goal :math:`F`.
    cap : float, default inf
        :math:`M`, the pool the newcomers are drawn from: :math:`N` expected newcomers
        count :math:`M(1 - e^{-N/M})` distinct people (never more than :math:`M`).
    """

    __slots__ = (
        "arrived",
        "below",
        "cap",
        "data",
        "frequency",
        "indices",
        "indptr",
        "matrix",
        "newcomers",
        "spread",
        "total",
    )

    def __init__(self, matrix: Any, newcomers: Any, frequency: int, cap: float = np.inf) -> None:
        self.matrix = matrix
        self.cap = float(cap)
        self.arrived = 0.0  # the chosen's newcomers so far, uncapped
        self.frequency = int(frequency)
        self.indptr = np.asarray(matrix.indptr, dtype=np.int64)
        self.indices = np.asarray(matrix.indices, dtype=np.int64)
        self.data = np.asarray(matrix.data, dtype=np.float64)
        self.newcomers = np.asarray(newcomers, dtype=np.float64)
        people = matrix.shape[1]
        # Per person, Pr(X_v = j) for j < F, and Pr(X_v < F) (kept non-increasing).
        self.spread = np.zeros((people, self.frequency))
        self.spread[:, 0] = 1.0
        self.below = np.ones(people)
        self.total = 0.0

    def fresh(self) -> ExpectedReach:
        """The same objective with nothing chosen."""
        return ExpectedReach(self.matrix, self.newcomers, self.frequency, self.cap)

    def initial(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        """The gains of *rows* with nothing chosen, bit for bit as :meth:`gain` gives them.

        Each row's chances are added one after another from 0 (``np.bincount`` adds in
        order, as the ``cumsum`` of :meth:`gain` does).
        """
        known = row_sums(self.indptr, self.data, rows)
        n = self.newcomers[rows]
        if not np.isfinite(self.cap):
            new = n
        elif self.cap <= 0.0:
            new = np.zeros(rows.size)
        else:  # as _new computes it with nothing chosen (e^0 = 1), element by element
            new = self.cap * -np.expm1(-n / self.cap) * np.exp(-0.0 / self.cap)
        return np.asarray(known / self.frequency + new / self.frequency, dtype=np.float64)

    def _new(self, account: int) -> float:
        """What *account*'s newcomers add: :math:`G(N + n_u) - G(N)`, computed as
        :math:`M(1 - e^{-n_u/M})\\, e^{-N/M}`, a fixed factor times one that only
        shrinks as :math:`N` grows (so a later gain never exceeds an earlier one)."""
        n = float(self.newcomers[account])
        if not np.isfinite(self.cap):
            return n
        if self.cap <= 0.0:
            return 0.0
        return float(self.cap * -np.expm1(-n / self.cap) * np.exp(-self.arrived / self.cap))

    def gain(self, account: int) -> float:
        """:math:`\\Delta(u \\mid S)`: what adding *account* would add."""
        lo, hi = self.indptr[account], self.indptr[account + 1]
        known = 0.0
        if hi > lo:
            terms = self.data[lo:hi] * self.below[self.indices[lo:hi]]
            known = float(np.cumsum(terms)[-1])
        return float(np.float64(known) / self.frequency + self._new(account) / self.frequency)

    def add(self, account: int) -> float:
        """Add *account* to the chosen; returns its gain."""
        gained = self.gain(account)
        lo, hi = self.indptr[account], self.indptr[account + 1]
        people, q = self.indices[lo:hi], self.data[lo:hi, None]
        before = self.spread[people]
        after = before * (1.0 - q)
        after[:, 1:] += before[:, :-1] * q
        self.spread[people] = after
        self.below[people] = np.minimum(self.below[people], after.sum(axis=1))
        self.arrived += float(self.newcomers[account])
        self.total += gained
        return gained

    def value(self) -> float:
        """:math:`f(S)` from the distributions: :math:`\\mathbb{E}[\\min(F, X_v)]` summed."""
        counts = np.arange(self.frequency, dtype=np.float64)
        per_person = self.spread @ counts + self.frequency * (1.0 - self.below)
        return float((np.sum(per_person) + self._pool(self.arrived)) / self.frequency)

    def _pool(self, arrived: float) -> float:
        return float(pooled(arrived, self.cap))


def pooled(arrived: ArrayLike, cap: float) -> NDArray[np.float64]:
    """:math:`G(N) = M(1 - e^{-N/M})`: distinct people of a pool of :math:`M` among
    :math:`N` expected arrivals (:math:`N` itself when :math:`M` is infinite, none when
    the pool is empty).

    Examples
    --------
    >>> pooled([0.0, 1.0, 100.0], 10.0).round(3).tolist()
    [0.0, 0.952, 10.0]
    """
    n = np.asarray(arrived, dtype=np.float64)
    if not np.isfinite(cap):
        return n
    if cap <= 0.0:
        return np.zeros_like(n)
    return np.asarray(cap * -np.expm1(-n / cap), dtype=np.float64)


def expected_reach(
    matrix: Any, newcomers: Any, accounts: Any, frequency: int = 1, cap: float = np.inf
) -> float:
    """:math:`f(S)`, the expected reach of the accounts (row indices) *accounts*; the
    newcomers count at most *cap* in total.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> q = sp.csr_array([[0.5, 0.5, 0.0], [0.0, 0.5, 1.0]])
    >>> expected_reach(q, [2.0, 0.0], [0, 1])  # 0.5 + 0.75 + 1 known, 2 new
    4.25
    >>> expected_reach(q, [2.0, 0.0], [0, 1], frequency=2)  # (0.5 + 1 + 1 + 2) / 2
    2.25
    >>> round(expected_reach(q, [2.0, 0.0], [0, 1], cap=1.0), 4)  # 2 from a pool of 1
    3.1147
    """
    state = ExpectedReach(matrix, newcomers, frequency, cap)
    for account in dict.fromkeys(int(a) for a in accounts):
        state.add(account)
    return state.value()
