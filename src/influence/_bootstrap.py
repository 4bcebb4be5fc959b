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
- NDCG@k and precision@k run on the expanded draw, users in index order, so
  ties keep the same index rule as the metrics themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


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


def metric_differences(
    metric: Callable[[FloatArray, FloatArray], float],
    a: FloatArray,
    b: FloatArray,
    truth: FloatArray,
    samples: Iterable[FloatArray],
) -> FloatArray:
    """``metric(a) - metric(b)`` on each expanded draw, users kept in index order."""
    users = np.arange(truth.size)
    out = []
    for w in samples:
        picked = np.repeat(users, w.astype(np.intp))
        out.append(metric(a[picked], truth[picked]) - metric(b[picked], truth[picked]))
    return np.asarray(out, dtype=np.float64)


def draws(n: int, resamples: int, seed: int) -> Iterator[FloatArray]:
    """*resamples* draws of *n* items with replacement, each as multiplicities (floats)."""
    rng = np.random.default_rng(seed)
    for _ in range(resamples):
        yield np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
