"""Paired bootstrap of a metric's difference between two rankings of the same users.

Private helpers behind :meth:`influence.evaluate.ValidityReport.compare`. One
resample draws ``n`` users with replacement; both methods are measured on the
same draw, so what they have in common (who happened to receive a lot) cancels
out of the difference. A draw is held as multiplicities ``w`` (how often each
user was drawn) rather than an expanded array:

- Spearman on a draw is the weighted Pearson correlation, with weights ``w``,
  of *weighted mid-ranks*: a user's rank is the weight of everyone strictly
  below them plus half the weight of their tie group plus one half, exactly the
  average rank the expanded draw would give. Each array is sorted once; a draw
  costs a few passes over ``n`` numbers instead of two sorts.
- NDCG@k and precision@k on a draw equal, to rounding, the tie-aware metrics
  on the expanded draw, where a user drawn ``w`` times is ``w`` tied copies and
  a tie group's size is the sum of ``w`` over its users. Each array is sorted
  once, best first, and the tie groups along that order (where each begins
  and ends) are found once. Per draw, a cumulative sum of ``w`` over a prefix
  of the order just long enough to hold ``k`` draws finds the tie group that
  straddles slot *k* and the slots it has left; its size in the draw comes
  from the prefix, from the draw's total when it is the last group (the
  lowest value, often most users), or else from reading it to its end. NDCG
  gives each slot its tie group's mean gain (the ideal DCG is the metric's own
  dot product over the same slots); precision sums, over the users who can be
  in the top *k* along the shorter of the two orders, the draws times the
  product of their chances to be in by score and by truth.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


class _Ranker(NamedTuple):
    """One array's sort order and tie groups, computed once for every draw."""

    order: NDArray[np.intp]
    starts: NDArray[np.intp]  # first position of each tie group in sorted order
    group: NDArray[np.intp]  # tie group of each element (original order)

    @classmethod
    def of(cls, values: FloatArray) -> _Ranker:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        group = np.empty(values.size, dtype=np.intp)
        group[order] = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]]) - 1
        return cls(order, starts, group)

    def ranks(self, weights: FloatArray) -> FloatArray:
        """Average (1-based) ranks in the sample where item ``i`` appears ``weights[i]`` times."""
        sizes = np.add.reduceat(weights[self.order], self.starts)
        below = np.cumsum(sizes) - sizes
        return np.asarray((below + (sizes + 1.0) / 2.0)[self.group], dtype=np.float64)


def weighted_spearman(rx: FloatArray, ry: FloatArray, weights: FloatArray) -> float:
    """Pearson correlation of two rank arrays with integer weights (``nan`` if undefined)."""
    total = float(weights.sum())
    if total < 2:
        return math.nan
    dx = rx - float(weights @ rx) / total
    dy = ry - float(weights @ ry) / total
    wx = weights * dx
    denominator = math.sqrt(float(wx @ dx) * float((weights * dy) @ dy))
    if denominator == 0.0:
        return math.nan
    return float(np.clip(float(wx @ dy) / denominator, -1.0, 1.0))


def spearman_differences(
    a: FloatArray, b: FloatArray, truth: FloatArray, samples: Iterable[FloatArray]
) -> FloatArray:
    """``spearman(a) - spearman(b)`` on each draw (multiplicities, see :func:`draws`)."""
    ra, rb, rt = _Ranker.of(a), _Ranker.of(b), _Ranker.of(truth)
    out = []
    for w in samples:
        truth_ranks = rt.ranks(w)
        out.append(
            weighted_spearman(ra.ranks(w), truth_ranks, w)
            - weighted_spearman(rb.ranks(w), truth_ranks, w)
        )
    return np.asarray(out, dtype=np.float64)


class _Head(NamedTuple):
    """The first *k* slots of a draw, in one array's best-first order."""

    users: IntArray  # a prefix of the best-first order, reaching the last slot
    taken: IntArray  # how many of the slots each of those users holds
    size: int  # slots held: ``min(k, draw size)``

    @property
    def slots(self) -> IntArray:
        """Who holds each slot, best first: the expanded draw's top *k*."""
        return np.repeat(self.users, self.taken)


def best_first(values: FloatArray) -> IntArray:
    """Positions in descending order of value; equal values keep index order."""
    return np.argsort(-values, kind="stable")


def _prefix(users: IntArray, weights: FloatArray, k: int) -> tuple[FloatArray, FloatArray]:
    """Draws of the first users of *users* and their running total, until it reaches *k*.

    Only a prefix is read: ``2k + 64`` users to start with, doubled until its
    users were drawn at least *k* times (a draw of ``n`` from ``n`` draws each
    user once on average) or it is all of *users*.
    """
    n = users.size
    length = min(n, 2 * k + 64)
    while True:
        counts = weights[users[:length]]
        held = np.cumsum(counts)
        if length == n or held[-1] >= k:
            return counts, held
        length = min(n, 2 * length)


def _head(order: IntArray, weights: FloatArray, k: int) -> _Head:
    """The top *k* slots of the draw *weights* along *order* (see :func:`best_first`)."""
    _, held = _prefix(order, weights, k)
    size = min(k, int(held[-1])) if held.size else 0
    taken = np.diff(np.minimum(held, size), prepend=0).astype(np.intp)
    return _Head(order[: held.size], taken, size)


class _Ordering(NamedTuple):
    """One array's best-first order and its tie groups, computed once for every draw."""

    users: IntArray  # best first, equal values in index order (:func:`best_first`)
    place: IntArray  # place[u]: the position of user u in ``users``
    first: IntArray  # first[p]: where the tie group at position p begins
    stop: IntArray  # stop[p]: one past where it ends
    starts: IntArray  # the positions where a tie group begins, ascending

    @classmethod
    def of(cls, values: FloatArray) -> _Ordering:
        users = best_first(values)
        ordered = values[users]
        n = values.size
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]][:n])
        sizes = np.diff(np.r_[starts, n])
        place = np.empty(n, dtype=np.intp)
        place[users] = np.arange(n)
        return cls(users, place, np.repeat(starts, sizes), np.repeat(starts + sizes, sizes), starts)


class _Cut(NamedTuple):
    """Where the top *k* of a draw ends along an :class:`_Ordering`, ties broken at random.

    The drawn copies at positions before ``start`` are all in; those of the tie
    group at positions ``start:stop``, which straddles the *k*-th slot, are each
    in with chance ``share`` (the slots it has left over its drawn size); the
    rest are out. When the whole draw fits, ``start == stop == n``.
    """

    start: int
    stop: int
    share: float
    slots: int  # ``min(k, draw size)``
    counts: FloatArray  # the draws of the first users in order (at least ``start`` of them)


def _cut(ordering: _Ordering, weights: FloatArray, k: int, total: float) -> _Cut:
    """The :class:`_Cut` of the draw *weights* (of size *total*) at *k* slots.

    Reads a prefix of the order reaching slot *k*; the size of the tie group
    straddling it comes from that prefix, or, when the group is the last one
    (the lowest value, often most users), from the draw's size, or else from
    reading the rest of the group.
    """
    n = ordering.users.size
    counts, held = _prefix(ordering.users, weights, k)
    at = int(np.searchsorted(held, k))  # the position whose draws reach slot k
    if at == held.size:  # fewer than k draws: all of them are in
        return _Cut(n, n, 1.0, int(held[-1]) if held.size else 0, counts)
    start, stop = int(ordering.first[at]), int(ordering.stop[at])
    before = float(held[start - 1]) if start else 0.0
    if stop <= held.size:
        size = float(held[stop - 1]) - before
    elif stop == n:
        size = total - before
    else:
        rest = weights[ordering.users[held.size : stop]]
        size = float(held[-1]) - before + float(rest.sum())
    return _Cut(start, stop, (k - before) / size, k, counts)


def _read(ordering: _Ordering, cut: _Cut, weights: FloatArray) -> tuple[IntArray, FloatArray]:
    """The users at positions ``0:cut.stop`` and their draws."""
    users = ordering.users[: cut.stop]
    if cut.stop <= cut.counts.size:
        return users, cut.counts[: cut.stop]
    return users, weights[users]


def _chances(cut: _Cut, positions: IntArray) -> FloatArray:
    """The chance that a drawn copy at each of *positions* is in the top *k*."""
    return np.where(
        positions < cut.start, 1.0, np.where(positions < cut.stop, cut.share, 0.0)
    ).astype(np.float64)


def _overlap(x: _Ordering, at_x: _Cut, y: _Ordering, at_y: _Cut, weights: FloatArray) -> float:
    """Expected number of drawn copies in the top *k* along both *x* and *y*.

    Ties are broken independently along each, so a copy is in both with the
    product of its chances; the sum runs over the users who can be in the top
    *k* along whichever of the two reaches fewer positions.
    """
    if at_x.stop > at_y.stop:
        x, at_x, y, at_y = y, at_y, x, at_x
    users, counts = _read(x, at_x, weights)
    mine = _chances(at_x, np.arange(users.size))
    theirs = _chances(at_y, y.place[users])
    return float(counts @ (mine * theirs))


def _dcg(
    ordering: _Ordering, cut: _Cut, weights: FloatArray, truth: FloatArray, discount: FloatArray
) -> float:
    """The draw's DCG along *ordering*: each of the top *k* slots has its tie group's mean gain."""
    users, counts = _read(ordering, cut, weights)
    starts = ordering.starts[: int(np.searchsorted(ordering.starts, cut.stop))]
    sizes = np.add.reduceat(counts, starts)
    sums = np.add.reduceat(counts * truth[users], starts)
    means = np.divide(sums, sizes, out=np.zeros_like(sums), where=sizes > 0)
    taken = np.diff(np.minimum(np.cumsum(sizes), cut.slots), prepend=0).astype(np.intp)
    return float(np.repeat(means, taken) @ discount[: cut.slots])


def _checked(
    owner: str, a: FloatArray, b: FloatArray, truth: FloatArray, k: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    arrays = tuple(np.asarray(x, dtype=np.float64) for x in (a, b, truth))
    if any(x.ndim != 1 or x.shape != arrays[2].shape for x in arrays):
        raise ValueError(f"{owner} needs three 1-D arrays of the same length")
    if not all(np.isfinite(x).all() for x in arrays):
        raise ValueError(f"{owner} needs finite values (no NaN or infinity)")
    if k < 1:
        raise ValueError(f"{owner} needs a positive k; got {k}")
    return arrays[0], arrays[1], arrays[2]


def discount(size: int) -> FloatArray:
    """``1 / log2(r + 1)`` for ranks ``r = 1 .. size``, as :func:`~influence.evaluate.ndcg_at_k`."""
    return 1.0 / np.log2(np.arange(2, size + 2, dtype=np.float64))


def ndcg_differences(
    a: FloatArray, b: FloatArray, truth: FloatArray, k: int, samples: Iterable[FloatArray]
) -> FloatArray:
    """``ndcg_at_k(a) - ndcg_at_k(b)`` on each draw (multiplicities, see :func:`draws`).

    Equal, to rounding, to the metric on the expanded draw, ties and undefined
    cases included: ``nan`` when the draw is empty or nobody drawn has positive
    truth. The ideal DCG is the metric's own dot product over the same slots.

    Parameters
    ----------
    a, b, truth : ndarray of float, shape (n,)
        Finite; *truth* non-negative (checked once, on all users).
    k : int
        Positive; a draw smaller than *k* is ranked whole.
    samples : iterable of ndarray of float, shape (n,)
        Non-negative integer multiplicities, one array per draw.

    Returns
    -------
    ndarray of float
        One difference per draw.
    """
    a, b, truth = _checked("ndcg_differences", a, b, truth, k)
    if (truth < 0).any():
        raise ValueError("ndcg_at_k needs non-negative truth (gains)")
    by_a, by_b = _Ordering.of(a), _Ordering.of(b)
    order_t = best_first(truth)
    discounts = discount(min(k, truth.size))
    out = []
    for w in samples:
        ideal_head = _head(order_t, w, k)
        if ideal_head.size > discounts.size:
            discounts = discount(ideal_head.size)
        ideal = float(truth[ideal_head.slots] @ discounts[: ideal_head.size])
        if ideal_head.size == 0 or ideal == 0.0:
            out.append(math.nan)
            continue
        total = float(w.sum())  # the draw's size, once per draw
        found = [
            min(_dcg(by, _cut(by, w, k, total), w, truth, discounts) / ideal, 1.0)
            for by in (by_a, by_b)
        ]
        out.append(found[0] - found[1])
    return np.asarray(out, dtype=np.float64)


def precision_differences(
    a: FloatArray, b: FloatArray, truth: FloatArray, k: int, samples: Iterable[FloatArray]
) -> FloatArray:
    """``precision_at_k(a) - precision_at_k(b)`` on each draw (multiplicities, see :func:`draws`).

    Equal, to rounding, to the metric on the expanded draw, ties and undefined
    cases included: ``nan`` when the draw is empty or everyone drawn has zero
    truth.

    Parameters
    ----------
    a, b, truth : ndarray of float, shape (n,)
        Finite values.
    k : int
        Positive; a draw smaller than *k* is ranked whole.
    samples : iterable of ndarray of float, shape (n,)
        Non-negative integer multiplicities, one array per draw.

    Returns
    -------
    ndarray of float
        One difference per draw.
    """
    a, b, truth = _checked("precision_differences", a, b, truth, k)
    by_a, by_b, by_t = _Ordering.of(a), _Ordering.of(b), _Ordering.of(truth)
    negative = np.flatnonzero(truth < 0)
    out = []
    for w in samples:
        total = float(w.sum())  # the draw's size, once per draw
        at_t = _cut(by_t, w, k, total)
        if at_t.slots == 0:
            out.append(math.nan)
            continue
        # The best truth drawn comes first: nonzero, or zero with a negative one drawn.
        best = truth[by_t.users[int(np.argmax(at_t.counts > 0))]]
        if best == 0.0 and not w[negative].any():
            out.append(math.nan)
            continue
        hits = [_overlap(by, _cut(by, w, k, total), by_t, at_t, w) for by in (by_a, by_b)]
        out.append((hits[0] - hits[1]) / at_t.slots)
    return np.asarray(out, dtype=np.float64)


def draws(n: int, resamples: int, seed: int) -> Iterator[FloatArray]:
    """*resamples* draws of *n* items with replacement, each as multiplicities (floats)."""
    rng = np.random.default_rng(seed)
    for _ in range(resamples):
        yield np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
