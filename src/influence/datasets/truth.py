"""The ground truth: expected distinct genuine engagers in the future window, computed.

The expectation under the simulation's own model, given each poster's latent parameters:
closed form up to a numerical integral over post times (:func:`_landing_table`), not one
noisy draw of the future.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.datasets.rows import _DELAY_FAST, _DELAY_LATE, _LATE_SHARE


def _crowd_truth(
    rate: float, mean: float, weight: NDArray[np.float64], table: tuple[Any, Any]
) -> float:
    """Expected distinct engagers in the window of a Poisson poster (*rate* a day) whose
    posts draw ``Poisson(mean)`` engagements from engagers weighted by *weight*."""
    expected = _expected_engagers(
        np.array([rate / DAY]), np.array([mean]), np.zeros(1), weight / weight.sum(), table
    )
    return float(expected[0])


def _delay_cdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(delay <= x) under the mixture of :func:`_delays` (0 for x <= 0)."""
    erf = np.vectorize(math.erf, otypes=[np.float64])
    logx = np.log(np.maximum(x, 1e-300))
    out = np.zeros_like(x)
    for share, (median, sigma) in ((1 - _LATE_SHARE, _DELAY_FAST), (_LATE_SHARE, _DELAY_LATE)):
        z = (logx - math.log(median)) / (sigma * math.sqrt(2.0))
        out += share * 0.5 * (1.0 + erf(z))
    return np.where(x > 0, out, 0.0)


def _landing_table(
    first: float, last: float, end: float, future: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Tabulate :math:`H(x) = \int_{first}^{last} (1 - e^{-x q(s)})\, ds` in log-log.

    :math:`q(s)` is the probability that an engagement with a post made at
    :math:`s` lands in the future window ``(end, end + future]``. For a poster
    at rate :math:`r` over ``[first, last]`` whose posts draw ``Poisson(m)``
    engagements, one engager with share :math:`p` of them engages at least once
    in the window with probability :math:`1 - e^{-r H(m p)}` (the Laplace
    functional of the Poisson process of posts).
    """
    # u = end - s: time from the post to the end of the log; q has kinks at u = -future, 0.
    lo, hi = end - last, end - first
    cuts = sorted({lo, hi, *(c for c in (-future, 0.0) if lo < c < hi)})
    nodes = np.unique(
        np.concatenate(
            [
                a + np.concatenate(([0.0], np.geomspace(min(60.0, b - a), b - a, 1500)))
                for a, b in itertools.pairwise(cuts)
                if b > a
            ]
            or [np.array([lo])]
        )
    )
    mid, width = 0.5 * (nodes[1:] + nodes[:-1]), np.diff(nodes)
    q = _delay_cdf(mid + future) - _delay_cdf(mid)
    log_x = np.linspace(math.log(1e-12), math.log(1e6), 400)
    h = -np.expm1(-np.exp(log_x)[:, None] * q[None, :]) @ width
    return log_x, np.log(np.maximum(h, 1e-300))


def _expected_engagers(
    rate: NDArray[np.float64],
    mean: NDArray[np.float64],
    self_share: NDArray[np.float64],
    shares: NDArray[np.float64],
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Expected distinct engagers in the window, per poster.

    *rate* (posts per second) and *mean* (engagements per post) describe each
    poster; *shares* are the engager shares of the genuine engagers (summing to
    at most 1 over the whole pool) and *self_share* the poster's own share, 0
    when not among them: self-engagement is dropped, like in the simulation.
    """
    log_x, log_h = table

    def hits(x: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
        lx = np.log(np.maximum(x, 1e-300))
        below = lx < log_x[0]
        lh = np.where(below, lx + (log_h[0] - log_x[0]), np.interp(lx, log_x, log_h))
        return np.asarray(np.where(x > 0, -np.expm1(-r * np.exp(lh)), 0.0))

    values, counts = _compress(shares)
    out = np.empty(rate.size)
    step = max(1, 2_000_000 // max(values.size, 1))
    for i in range(0, rate.size, step):  # chunks of posters: bounded memory
        x = mean[i : i + step, None] * values[None, :]
        out[i : i + step] = hits(x, rate[i : i + step, None]) @ counts
    return np.maximum(out - hits(mean * self_share, rate), 0.0)


def _compress(shares: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Engager shares as (value, count) pairs: exact up to 4,096 engagers, else binned."""
    if shares.size <= 4096:
        return shares, np.ones(shares.size)
    logs = np.log(shares)
    edges = np.linspace(logs.min(), logs.max(), 4097)
    which = np.clip(np.searchsorted(edges, logs, side="right") - 1, 0, 4095)
    counts = np.bincount(which, minlength=4096).astype(np.float64)
    sums = np.bincount(which, weights=shares, minlength=4096)
    used = counts > 0
    return sums[used] / counts[used], counts[used]
