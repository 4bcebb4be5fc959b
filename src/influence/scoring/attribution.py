"""Attribution: how the points a score's discounts and modifiers take split among them."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from influence._time import TimeScale
from influence.events.table import Events
from influence.kernels import ENGAGEMENT, recency_weights

__all__ = ["discount_shares", "modifier_effects"]


def discount_shares(
    events: Events, as_of: float, keeps: list[NDArray[np.float64]], scales: list[TimeScale]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per user and discount: the mean weight kept on the engagement received in the
    discount's window, and the discount's share of what all discounts removed around the user.

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
    rows = np.flatnonzero((events.actor != events.target) & (events.time <= as_of))
    target, actor = events.target[rows], events.actor[rows]
    received = (target >= 0) & ENGAGEMENT[events.action[rows]]
    age = as_of - events.time[rows]
    lost = np.zeros((n, k))
    for j, keep in enumerate(keeps):
        recency = recency_weights(age, scales[j].window_days, scales[j].half_life_days)
        gone = 1.0 - keep[rows]
        # The mean is over the engagement in the discount's window, as its points are.
        seen = received & (recency > 0)
        count = np.bincount(target[seen], minlength=n).astype(np.float64)
        taken = np.bincount(target[seen], weights=gone[seen], minlength=n)
        kept[:, j] = np.divide(count - taken, count, out=np.ones(n), where=count > 0)
        weighted = gone * recency
        lost[:, j] = np.bincount(
            target[received], weights=weighted[received], minlength=n
        ) + np.bincount(actor, weights=weighted, minlength=n)
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
