"""Attribution: how the points a score's discounts and modifiers take split among them."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, TimeScale
from influence.events.table import Events
from influence.kernels import ENGAGEMENT, recency_weights

__all__ = ["Kept", "compose", "discount_shares", "modifier_effects"]


class Kept(NamedTuple):
    """One discount's weights where they are below 1: the *rows* (ascending) and their
    *weights*; every other row keeps all of its weight."""

    rows: NDArray[np.intp]
    weights: NDArray[np.float64]

    @classmethod
    def of(cls, weights: NDArray[np.float64]) -> Kept:
        """The rows of *weights* (one per row) below 1, and their weights.

        Examples
        --------
        >>> import numpy as np
        >>> Kept.of(np.array([1.0, 0.25, 1.0, 0.0]))
        Kept(rows=array([1, 3]), weights=array([0.25, 0.  ]))
        """
        rows = np.flatnonzero(weights < 1.0)
        return cls(rows, weights[rows])


#: Rows per block of :func:`discount_shares`' counts.
_BLOCK = 1 << 20


def discount_shares(
    events: Events, as_of: float, keeps: list[Kept], scales: list[TimeScale]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per user and discount (*keeps*: each one's weights below 1): the mean weight kept on
    the engagement received within the
    discount's window (its scale's ``window_days``: what it judges, so that the value
    depends on no older event), and the discount's share of what all discounts removed
    around the user.

    "Removed around the user" is the weight a discount takes off the engagement the user
    received and off the user's own events (posts included: they feed the user's
    activity), each event weighted by the recency of the discount's own time scale
    (*scales*: 90-day window, 30-day half-life in the house), so that old events
    count little; where no discount removed anything the
    shares are equal. It is an attribution rule, not a counterfactual: the discounts'
    points together are exact, their split is this proportion.
    """
    n, k = events.n_users, len(keeps)
    kept = np.ones((n, k))
    removed = np.full((n, k), 1.0 / max(k, 1))
    if k == 0:
        return kept, removed
    # One pass over the table for what no discount changes: the engagement each user
    # received within each window. The rest reads only the rows a discount took weight
    # off (most rows keep all of theirs): a skipped row would add +0.0 to each sum, so
    # the sums are bit for bit those over every row.
    scored = (events.actor != events.target) & (events.time <= as_of)
    received = scored & (events.target >= 0) & ENGAGEMENT[events.action]
    # Counted a block of rows at a time (whole counts: the same sums in any order), so
    # that no row-sized index or age array is held.
    tallies = {days: np.zeros(n, dtype=np.int64) for days in {s.window_days for s in scales}}
    for start in range(0, len(events), _BLOCK):  # blocks, not rows
        rows = np.flatnonzero(received[start : start + _BLOCK]) + start
        age = as_of - events.time[rows]
        for days, tally in tallies.items():
            tally += np.bincount(events.target[rows[age < days * DAY]], minlength=n)
    counts = {days: tally.astype(np.float64) for days, tally in tallies.items()}
    lost = np.zeros((n, k))
    for j, keep in enumerate(keeps):
        chosen = scored[keep.rows]  # the rows the discount took weight off, in row order
        hit = keep.rows[chosen]
        target, actor, gone = events.target[hit], events.actor[hit], 1.0 - keep.weights[chosen]
        del chosen
        age = as_of - events.time[hit]
        got = received[hit]
        del hit
        inside = got & (age < scales[j].window_days * DAY)
        count = counts[scales[j].window_days]
        taken = np.bincount(target[inside], weights=gone[inside], minlength=n)
        del inside
        kept[:, j] = np.divide(count - taken, count, out=np.ones(n), where=count > 0)
        weighted = recency_weights(age, scales[j].window_days, scales[j].half_life_days)
        del age
        weighted *= gone  # the same products as gone * recency, in the recency's array
        del gone
        lost[:, j] = np.bincount(target[got], weights=weighted[got], minlength=n) + np.bincount(
            actor, weights=weighted, minlength=n
        )
        del target, actor, got, weighted  # before the next discount's rows are read
    total = lost.sum(axis=1, keepdims=True)
    share = np.divide(lost, total, out=removed, where=total > 0)
    return np.clip(kept, 0.0, 1.0), share


def modifier_effects(
    before: NDArray[np.float64], after: NDArray[np.float64], factors: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Split the total loss ``before - after`` among modifiers by their log-factors.

    The share of modifier *j* is ``ln m_j / sum_k ln m_k``: independent of
    the modifiers' order, and exact in total. Where some factor is zero the
    loss is shared equally among the zero factors.
    """
    n, k = factors.shape
    if k == 0:
        return np.zeros((n, 0))
    loss = after - before
    zero = factors <= 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(zero, 1.0, factors))
        total = logs.sum(axis=1, keepdims=True)
        share = np.where(total < 0, logs / total, 0.0)
    any_zero = zero.any(axis=1)
    if any_zero.any():
        share[any_zero] = zero[any_zero] / zero[any_zero].sum(axis=1, keepdims=True)
    return np.asarray(loss[:, None] * share, dtype=np.float64)


def compose(
    calibration: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    raw: NDArray[np.float64],
    full: NDArray[np.float64],
    contributions: NDArray[np.float64],
    removed: NDArray[np.float64],
    factors: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The final scores and their parts in points: each signal's share of the score
    without the discounts (*full*, *contributions*: a column per signal), each
    discount's share of what they removed (*removed*: a column per discount), each
    modifier's share of the loss it caused (*factors*: a column per modifier); *raw* is
    the signals' sum on the trusted table."""
    undiscounted = calibration(full)
    calibrated = calibration(raw)
    final = calibrated * np.prod(factors, axis=1)
    k_s, k_d = contributions.shape[1], removed.shape[1]
    parts = np.empty((raw.size, k_s + k_d + factors.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(full[:, None] > 0, contributions / full[:, None], 0.0)
    parts[:, :k_s] = undiscounted[:, None] * share
    parts[:, k_s : k_s + k_d] = (calibrated - undiscounted)[:, None] * removed
    parts[:, k_s + k_d :] = modifier_effects(calibrated, final, factors)
    parts += 0.0  # a zero loss times a share is -0.0: shown as "-0.0" in tables
    return final, parts
