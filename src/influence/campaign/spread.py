"""Spread within a few hops: an independent cascade on observed engagement, estimated by IMM.

**The influence graph.** Each known exposure of :mod:`influence.campaign.forecast` is an
edge :math:`u \\to v` (*v* may be influenced by *u*) with probability

.. math::

    q_{uv} = a_{uv}\\, g(s_{uv}),

the forecast's calibrated, trust-weighted chance that *v* engages *u* within the horizon
(:attr:`Forecast.chance <influence.campaign.Forecast.chance>`, reused as it is): a bought
or fake engager's edges carry :math:`a_{uv} = 0`, so it is never reached and propagates
nothing. The cascade is the independent cascade of Kempe, Kleinberg and Tardos (2003)
limited to :math:`h` steps (``hops``, 2 by default): the seeds are active at step 0, and
each node activated at step :math:`t < h` gets one chance to activate each of its
out-neighbours, independently. Flipping every edge once in advance (the *live-edge*
graph :math:`L`), the nodes active after :math:`h` steps are those within distance
:math:`h` of the seeds in :math:`L`, so the spread

.. math::

    \\sigma_h(S) = \\mathbb{E}_L\\big[\\,|\\{v : d_L(S, v) \\le h\\}|\\,\\big]

is an expected coverage, monotone and submodular. The seeds count themselves.

**Reverse-reachable sets, truncated.** A random RR set :math:`R` picks a root :math:`v`
uniformly among the :math:`n` users and a live-edge graph :math:`L`, and holds the nodes
within distance :math:`h` of :math:`v` in :math:`L` *backwards* (:math:`d_L(u, v) \\le h`);
it is sampled by a breadth-first search from :math:`v` over in-edges that flips each
in-edge of a node when it is expanded and stops at depth :math:`h` (each node is expanded
once, at its least depth, so each edge is flipped at most once). Then
:math:`S \\cap R \\ne \\emptyset` exactly when :math:`v` is active after :math:`h` steps,
and (Borgs et al. 2014)

.. math::

    \\sigma_h(S) = n \\Pr[S \\cap R \\ne \\emptyset] \\approx n\\, F_{\\mathcal R}(S),

:math:`F_{\\mathcal R}(S)` the fraction of the sets of :math:`\\mathcal R` that *S* hits.
With :math:`h = 1` a set is the root and its live in-neighbours, and
:math:`\\sigma_1(S) = |S| + \\sum_{v \\notin S} \\big(1 - \\prod_{u \\in S}(1 - q_{uv})\\big)`.

**IMM** (Tang, Shi and Xiao 2015) chooses how many sets to draw. With
:math:`\\varepsilon' = \\sqrt2\\,\\varepsilon`, :math:`\\ell' = \\ell(1 + \\ln 2 / \\ln n)` and

.. math::

    \\lambda' = \\frac{(2 + \\tfrac23\\varepsilon')\\,(\\ln\\binom nk + \\ell'\\ln n
    + \\ln\\log_2 n)\\, n}{\\varepsilon'^2}, \\qquad
    \\lambda^* = \\frac{2n\\big((1 - 1/e)\\,\\alpha + \\beta\\big)^2}{\\varepsilon^2},

:math:`\\alpha = \\sqrt{\\ell'\\ln n + \\ln 2}`,
:math:`\\beta = \\sqrt{(1 - 1/e)(\\ln\\binom nk + \\ell'\\ln n + \\ln 2)}`, the sampling
phase tries :math:`x = n/2^i`, :math:`i = 1, \\dots, \\log_2 n - 1`: it draws
:math:`\\lambda'/x` sets, runs the greedy, and stops at the first *i* where the greedy's
estimate :math:`n F_{\\mathcal R}(S_i) \\ge (1 + \\varepsilon')x`, with the lower bound
:math:`LB = n F_{\\mathcal R}(S_i)/(1 + \\varepsilon')` on the optimum (else
:math:`LB = 1`). The final :math:`\\theta = \\lceil\\lambda^*/LB\\rceil` sets are drawn afresh,
independent of the sampling phase's (the correction of Chen 2018 to the paper's reuse), and
the greedy on them returns a set with
:math:`\\sigma_h(S) \\ge (1 - 1/e - \\varepsilon)\\,\\mathrm{OPT}` with probability at least
:math:`1 - 1/n^\\ell`. Limiting the cascade to :math:`h` steps changes only what a set
holds: the martingale bounds are about the sets' hit indicators, whatever they are.

**Node selection** is the greedy maximum coverage of the sets: each node's count of
uncovered sets it belongs to, one ``np.bincount`` at the start, and after each choice a
``np.bincount`` of the nodes of the sets it newly covers subtracted; the candidate of most
uncovered sets is chosen (ties to the smaller index). A modular term per node
(:func:`node_selection`'s *bonus*: the forecast's newcomers, in
:func:`influence.campaign.select`) is added to
the gain, exactly.

Everything is vectorised: the sets are drawn in batches, one breadth-first frontier per
batch (packed ``set * n + node`` keys, coin flips from one seeded
``numpy.random.Generator``, so the same seed gives the same sets), and stored as one CSR
(set to nodes); the only Python loops are over batches, depths and the *k* choices.

References
----------
.. [1] Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a martingale
   approach", SIGMOD 2015.
.. [2] C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
   nearly optimal time", SODA 2014.
.. [3] D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a
   social network", KDD 2003.
.. [4] W. Chen, "An issue in the martingale analysis of the influence maximization
   algorithm IMM", CSoNet 2018.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from influence import _validate
from influence.campaign.greedy import _row_positions

__all__ = [
    "DEFAULT_EPSILON",
    "IMM",
    "InfluenceGraph",
    "RRSets",
    "SpreadEstimate",
    "imm",
    "influence_graph",
    "node_selection",
    "rr_sets",
]

#: The default :math:`\varepsilon`: IMM's guarantee is then :math:`1 - 1/e - 0.5 \approx 0.13`
#: of the optimum; halving it draws four times as many sets.
DEFAULT_EPSILON = 0.5
#: Roots per batch of the breadth-first search.
BATCH = 1 << 15


@dataclass(frozen=True)
class InfluenceGraph:
    """The cascade's edges by head: ``sources[indptr[v]:indptr[v + 1]]`` may influence *v*.

    Attributes
    ----------
    indptr : ndarray of int64
        CSR of in-edges, ``n + 1`` offsets.
    sources : ndarray of int64
        The tail :math:`u` of each in-edge.
    probability : ndarray of float
        :math:`q_{uv}` of each in-edge, in ``[0, 1]``.
    n : int
        The number of nodes (users).
    """

    indptr: NDArray[np.int64]
    sources: NDArray[np.int64]
    probability: NDArray[np.float64]
    n: int


def influence_graph(chance: Any) -> InfluenceGraph:
    """The graph of :math:`u \\to v` edges of probability ``chance[u, v]`` (accounts by
    people, :attr:`Forecast.chance <influence.campaign.Forecast.chance>`), by head.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = influence_graph(sp.csr_array([[0.0, 0.5], [0.0, 0.0]]))
    >>> g.indptr.tolist(), g.sources.tolist(), g.probability.tolist()
    ([0, 0, 1], [0], [0.5])
    """
    matrix = sp.csr_array(sp.csr_array(chance).T)  # rows: heads v; columns: tails u
    matrix.sort_indices()
    n = int(matrix.shape[0])
    if matrix.shape != (n, n):
        raise ValueError(f"The influence graph needs a square matrix; got {matrix.shape}")
    return InfluenceGraph(
        indptr=np.asarray(matrix.indptr, dtype=np.int64),
        sources=np.asarray(matrix.indices, dtype=np.int64),
        probability=np.clip(np.asarray(matrix.data, dtype=np.float64), 0.0, 1.0),
        n=n,
    )


@dataclass(frozen=True)
class SpreadEstimate:
    """An estimate of :math:`\\sigma_h(S)` (plus the exact newcomers) and its interval.

    ``value = n * hit / sets + newcomers``; ``low`` and ``high`` the Wilson score interval
    of the hit fraction (at *level*), times *n*, plus the same newcomers.
    """

    value: float
    low: float
    high: float
    hit: int
    sets: int
    level: float


@dataclass(frozen=True)
class RRSets:
    """Reverse-reachable sets as one CSR: ``nodes[indptr[j]:indptr[j + 1]]`` is set *j*.

    Each set's nodes are ascending, its root among them.
    """

    indptr: NDArray[np.int64]
    nodes: NDArray[np.int64]
    n: int
    hops: int

    @property
    def count(self) -> int:
        """:math:`\\theta`, the number of sets."""
        return int(self.indptr.size - 1)

    def owners(self) -> NDArray[np.int64]:
        """The set of each entry of :attr:`nodes`."""
        return np.repeat(np.arange(self.count, dtype=np.int64), np.diff(self.indptr))

    def hit(self, accounts: Any) -> NDArray[np.bool_]:
        """Per set, whether one of *accounts* (node indices) is in it."""
        mask = np.zeros(self.n, dtype=bool)
        mask[np.asarray(accounts, dtype=np.int64)] = True
        return np.bincount(self.owners()[mask[self.nodes]], minlength=self.count) > 0

    def estimate(self, accounts: Any, newcomers: Any = None, level: float = 0.95) -> SpreadEstimate:
        """:math:`n F_{\\mathcal R}(S)`, plus the newcomers of *accounts* when given.

        Examples
        --------
        >>> import scipy.sparse as sp
        >>> g = influence_graph(sp.csr_array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0, 0, 0]]))
        >>> rr_sets(g, 1000, hops=2, seed=1).estimate([0]).value  # 0 -> 1 -> 2, surely
        3.0
        """
        chosen = np.unique(np.asarray(accounts, dtype=np.int64))
        extra = 0.0 if newcomers is None else float(np.sum(np.asarray(newcomers)[chosen]))
        sets = self.count
        hits = int(np.count_nonzero(self.hit(chosen))) if sets else 0
        if not sets:
            return SpreadEstimate(extra, extra, extra + self.n, 0, 0, level)
        z = NormalDist().inv_cdf(0.5 + level / 2.0)
        share = hits / sets
        centre = (share + z * z / (2 * sets)) / (1 + z * z / sets)
        half = (
            z / (1 + z * z / sets) * math.sqrt(share * (1 - share) / sets + z * z / (4 * sets**2))
        )
        return SpreadEstimate(
            value=self.n * share + extra,
            low=self.n * max(centre - half, 0.0) + extra,
            high=self.n * min(centre + half, 1.0) + extra,
            hit=hits,
            sets=sets,
            level=level,
        )


def _reverse_bfs(
    graph: InfluenceGraph, roots: NDArray[np.int64], hops: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """The sorted packed keys ``set * n + node`` of the RR sets rooted at *roots*."""
    n = max(graph.n, 1)
    visited = np.arange(roots.size, dtype=np.int64) * n + roots
    frontier = visited
    for _ in range(hops):
        heads = frontier % n
        starts = graph.indptr[heads]
        sizes = graph.indptr[heads + 1] - starts
        total = int(sizes.sum())
        if not total:
            break
        at = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(total)
        live = rng.random(total) < graph.probability[at]
        owners = np.repeat(frontier // n, sizes)[live]
        found = np.unique(owners * n + graph.sources[at[live]])
        where = np.searchsorted(visited, found)
        seen = where < visited.size
        seen[seen] = visited[where[seen]] == found[seen]
        frontier = found[~seen]
        if not frontier.size:
            break
        visited = np.sort(np.concatenate((visited, frontier)))
    return visited


def _extend(
    graph: InfluenceGraph,
    count: int,
    hops: int,
    rng: np.random.Generator,
    parts: list[tuple[NDArray[np.int64], NDArray[np.int64]]],
    have: int,
) -> int:
    """Append sets to *parts* (``(sizes, nodes)`` per batch) until there are *count*."""
    n = max(graph.n, 1)
    while have < count:
        size = min(BATCH, count - have)
        roots = rng.integers(0, graph.n, size=size).astype(np.int64)
        keys = _reverse_bfs(graph, roots, hops, rng)
        parts.append((np.bincount(keys // n, minlength=size), keys % n))
        have += size
    return have


def _assemble(
    parts: list[tuple[NDArray[np.int64], NDArray[np.int64]]], n: int, hops: int
) -> RRSets:
    sizes = [s for s, _ in parts]
    nodes = [v for _, v in parts]
    indptr = np.zeros(sum(s.size for s in sizes) + 1, dtype=np.int64)
    if sizes:
        np.cumsum(np.concatenate(sizes), out=indptr[1:])
    flat = np.concatenate(nodes).astype(np.int64) if nodes else np.zeros(0, dtype=np.int64)
    return RRSets(indptr=indptr, nodes=flat, n=n, hops=hops)


def rr_sets(
    graph: InfluenceGraph,
    count: int,
    *,
    hops: int = 2,
    seed: int | np.random.Generator = 0,
) -> RRSets:
    """*count* random RR sets truncated at depth *hops*, roots uniform over the nodes.

    Parameters
    ----------
    graph : InfluenceGraph
        The cascade's edges.
    count : int
        :math:`\\theta`.
    hops : int, default 2
        The cascade's steps :math:`h`.
    seed : int or numpy.random.Generator, default 0
        The same seed (or a generator in the same state) gives the same sets.

    Returns
    -------
    RRSets
    """
    if not graph.n:
        raise ValueError("rr_sets needs a graph with at least one node")
    count = _validate.integer("rr_sets", "count", count, low=0)
    hops = _validate.integer("rr_sets", "hops", hops, low=1)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    parts: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    _extend(graph, count, hops, rng, parts, 0)
    return _assemble(parts, graph.n, hops)


def node_selection(
    sets: RRSets,
    k: int,
    candidates: Any = None,
    bonus: Any = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64], int]:
    """The greedy maximum coverage of the sets: at most *k* nodes among *candidates*.

    Returns the chosen in order, each one's gain :math:`n\\,\\Delta F_{\\mathcal R} +
    \\text{bonus}_u` (people), and the number of sets covered. The greedy stops when no
    candidate gains anything; ties go to the smaller index.

    Examples
    --------
    >>> sets = RRSets(np.array([0, 2, 3, 5]), np.array([0, 1, 1, 1, 2]), n=3, hops=1)
    >>> chosen, gains, covered = node_selection(sets, 2)
    >>> chosen.tolist(), gains.tolist(), covered
    ([1], [3.0], 3)
    """
    n, theta = sets.n, sets.count
    allowed = np.zeros(n, dtype=bool)
    allowed[np.arange(n) if candidates is None else np.asarray(candidates, dtype=np.int64)] = True
    extra = np.zeros(n) if bonus is None else np.asarray(bonus, dtype=np.float64)
    scale = n / theta if theta else 0.0
    counts = np.bincount(sets.nodes, minlength=n).astype(np.float64)
    order = np.argsort(sets.nodes, kind="stable")
    member = sets.owners()[order]  # node -> sets, node after node
    mptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sets.nodes, minlength=n), out=mptr[1:])
    covered = np.zeros(theta, dtype=bool)
    chosen: list[int] = []
    gains: list[float] = []
    total = 0
    for _ in range(min(int(k), int(np.count_nonzero(allowed)))):
        score = np.where(allowed, counts * scale + extra, -np.inf)
        u = int(np.argmax(score))
        if not score[u] > 0.0:
            break
        mine = member[mptr[u] : mptr[u + 1]]
        new = mine[~covered[mine]]
        covered[new] = True
        total += int(new.size)
        counts -= np.bincount(sets.nodes[_row_positions(sets.indptr, new)], minlength=n)
        chosen.append(u)
        gains.append(float(score[u]))
        allowed[u] = False
    return np.asarray(chosen, dtype=np.int64), np.asarray(gains, dtype=np.float64), total


@dataclass(frozen=True)
class IMM:
    """IMM's choice and the sets it was read on.

    Attributes
    ----------
    chosen : ndarray of int64
        The chosen nodes, in order.
    gains : ndarray of float
        Each one's marginal spread on :attr:`sets` (plus its bonus).
    sets : RRSets
        The final :math:`\\theta` sets, drawn after the sampling phase.
    sampled : int
        Sets drawn in the sampling phase.
    lower_bound : float
        :math:`LB`, the sampling phase's lower bound on the optimum spread.
    epsilon, ell : float
        The guarantee's parameters: :math:`1 - 1/e - \\varepsilon` with probability at
        least :math:`1 - 1/n^\\ell`.
    """

    chosen: NDArray[np.int64]
    gains: NDArray[np.float64]
    sets: RRSets
    sampled: int
    lower_bound: float
    epsilon: float
    ell: float


def _log_binomial(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def imm(
    graph: InfluenceGraph,
    k: int,
    *,
    hops: int = 2,
    epsilon: float = DEFAULT_EPSILON,
    ell: float = 1.0,
    seed: int = 0,
    candidates: Any = None,
    bonus: Any = None,
) -> IMM:
    """IMM: at most *k* seeds of near-greatest :math:`h`-step spread.

    Parameters
    ----------
    graph : InfluenceGraph
        The cascade's edges.
    k : int
        At most this many seeds.
    hops : int, default 2
        :math:`h`.
    epsilon : float, default 0.5
        :math:`\\varepsilon`, in ``(0, 1 - 1/e)``.
    ell : float, default 1
        :math:`\\ell`: the guarantee holds with probability at least :math:`1 - 1/n^\\ell`.
    seed : int, default 0
        The random generator's seed; the same seed gives the same result.
    candidates : array of int, optional
        The nodes that may be chosen (all by default).
    bonus : array of float, optional
        A non-negative modular term per node added to the final selection's gains (not to
        the sampling phase, whose lower bound is for the spread alone).

    Returns
    -------
    IMM

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> star = sp.csr_array(([1.0] * 4, ([0, 0, 1, 1], [1, 2, 3, 4])), shape=(5, 5))
    >>> found = imm(influence_graph(star), 1, hops=2, seed=3)
    >>> found.chosen.tolist(), round(float(found.gains[0]), 6)  # 0 -> {1, 2}, 1 -> {3, 4}
    ([0], 5.0)
    """
    k = _validate.integer("imm", "k", k, low=1)
    hops = _validate.integer("imm", "hops", hops, low=1)
    eps = _validate.number(
        "imm", "epsilon", epsilon, low=0.0, high=1.0 - 1.0 / math.e, low_open=True, high_open=True
    )
    ell = _validate.number("imm", "ell", ell, low=0.0, low_open=True)
    seed = _validate.integer("imm", "seed", seed, low=0)
    n = graph.n
    if n < 1:
        raise ValueError("imm needs a graph with at least one node")
    pool = np.arange(n) if candidates is None else np.unique(np.asarray(candidates, np.int64))
    k = min(k, max(int(pool.size), 1))
    rng = np.random.default_rng(seed)
    big = max(n, 2)
    log_n = math.log(big)
    ell_ = ell * (1.0 + math.log(2.0) / log_n)
    log_cnk = _log_binomial(big, min(k, big))
    eps_ = math.sqrt(2.0) * eps
    lam_ = (
        (2.0 + 2.0 * eps_ / 3.0)
        * (log_cnk + ell_ * log_n + math.log(max(math.log2(big), 1.0)))
        * big
        / eps_**2
    )
    parts: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    have = 0
    lower = 1.0
    for i in range(1, max(int(math.log2(big)), 2)):
        x = big / 2.0**i
        have = _extend(graph, math.ceil(lam_ / x), hops, rng, parts, have)
        _, _, covered = node_selection(_assemble(parts, n, hops), k, pool)
        spread = n * covered / have
        if spread >= (1.0 + eps_) * x:
            lower = spread / (1.0 + eps_)
            break
    e = 1.0 - 1.0 / math.e
    alpha = math.sqrt(ell_ * log_n + math.log(2.0))
    beta = math.sqrt(e * (log_cnk + ell_ * log_n + math.log(2.0)))
    theta = math.ceil(2.0 * big * (e * alpha + beta) ** 2 / eps**2 / lower)
    final: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    _extend(graph, theta, hops, rng, final, 0)
    sets = _assemble(final, n, hops)
    chosen, gains, _ = node_selection(sets, k, pool, bonus)
    return IMM(chosen, gains, sets, have, lower, eps, ell)


def marginal_gains(sets: RRSets, accounts: Any, bonus: Any = None) -> NDArray[np.float64]:
    """Each account's marginal :math:`n\\,\\Delta F_{\\mathcal R}` (plus its bonus), in order."""
    extra = np.zeros(sets.n) if bonus is None else np.asarray(bonus, dtype=np.float64)
    scale = sets.n / sets.count if sets.count else 0.0
    covered = np.zeros(sets.count, dtype=bool)
    owners = sets.owners()
    out = []
    for account in (int(a) for a in accounts):  # k accounts, never per set
        mine = owners[sets.nodes == account]
        out.append(np.count_nonzero(~covered[mine]) * scale + float(extra[account]))
        covered[mine] = True
    return np.asarray(out, dtype=np.float64)


def shared(sets: RRSets, accounts: Any, bonus: Any = None) -> NDArray[np.float64]:
    """``out[i, j]``: :math:`n` times the share of sets both hit (the people both are
    expected to reach within the hops); the diagonal, each one's spread alone plus bonus."""
    rows = np.asarray(accounts, dtype=np.int64)
    at = np.full(sets.n, -1, dtype=np.int64)
    at[rows] = np.arange(rows.size)
    keep = at[sets.nodes] >= 0
    member = sp.csr_array(
        (np.ones(int(keep.sum())), (at[sets.nodes[keep]], sets.owners()[keep])),
        shape=(rows.size, sets.count),
    )
    scale = sets.n / sets.count if sets.count else 0.0
    out = np.asarray((member @ member.T).toarray(), dtype=np.float64) * scale
    if rows.size and bonus is not None:
        out[np.diag_indices(rows.size)] += np.asarray(bonus, dtype=np.float64)[rows]
    return out
