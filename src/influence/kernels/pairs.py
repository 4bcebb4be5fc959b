"""Engagement pairs with their summed weight, count and trust; per-pair verdicts per event."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence.events.table import Events
from influence.kernels.engagers import action_weight_table, window_weights
from influence.kernels.index import PairIndex, engagement_index, sums
from influence.kernels.rows import received_engagement, shared
from influence.pairs import sorted_lookup
from influence.trusted import partial_trust

__all__ = ["Pairs", "discounted_share", "engagement_pairs", "pair_keep_per_event"]


class Pairs(NamedTuple):
    """Engagement pairs ``source -> target`` (read-only arrays, sorted by ``(source, target)``).

    ``weight`` is the pair's summed event weight (recency x action x engager
    selectivity), ``n_events`` its number of events and ``trust`` the
    weight-averaged trust of its events (:attr:`influence.Events.trust`, 1 when
    the table carries none): multiply a pair's saturated mass by it.
    """

    source: NDArray[np.int64]
    target: NDArray[np.int64]
    weight: NDArray[np.float64]
    n_events: NDArray[np.int64]
    trust: NDArray[np.float64]


def engagement_pairs(
    events: Events,
    as_of: float,
    *,
    window_days: float,
    half_life_days: float,
    selectivity_per_day: float,
    actions: NDArray[np.float64] | None = None,
) -> Pairs:
    """Engagement pairs ``(source, target)`` with their summed weight, count and trust.

    Weighted as in Engagement (recency, action weights, the house ones by
    default, engager selectivity); pairs sorted by ``source * n_users + target``.
    Computed once per event table and parameters (:func:`shared`); the arrays
    are read-only.
    """
    table = action_weight_table() if actions is None else np.asarray(actions, dtype=np.float64)
    key = (
        "pairs",
        float(as_of),
        float(window_days),
        float(half_life_days),
        float(selectivity_per_day),
        tuple(table.tolist()),
    )
    return shared(
        events,
        key,
        lambda: _engagement_pairs(
            events, as_of, window_days, half_life_days, selectivity_per_day, table
        ),
    )


def _engagement_pairs(
    events: Events,
    as_of: float,
    window_days: float,
    half_life_days: float,
    selectivity_per_day: float,
    actions: NDArray[np.float64],
) -> Pairs:
    index = engagement_index(events, as_of, window_days)

    def untrusted() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
        weight = window_weights(
            events,
            as_of,
            window_days=window_days,
            half_life_days=half_life_days,
            actions=actions,
            selectivity_per_day=selectivity_per_day,
        )
        return weight, *_pair_totals(index, weight)

    key = (
        "pair-weights",
        float(as_of),
        float(window_days),
        float(half_life_days),
        float(selectivity_per_day),
        tuple(actions.tolist()),
    )
    weight, total, counts = shared(events, key, untrusted, uses_trust=False)
    if events.trust is None:  # every pair's trust is 1: one value, held once
        ones = np.broadcast_to(np.ones(1), index.source.shape)
        return Pairs(index.source, index.target, total, counts, ones)
    mean = np.ones(index.source.size)
    # Pairs whose events all have trust 1 have mean trust 1; the others are averaged.
    partial = partial_trust(events, index.rows, index.inverse, index.source.size, weight)
    weights, events_of = partial.weight, partial.n_rows
    # A pair whose events all weigh 0 (at the window's edge) takes its events' mean trust.
    some = np.divide(
        partial.weighted, weights, out=partial.trust / np.maximum(events_of, 1), where=weights > 0
    )
    some[partial.trust == events_of] = 1.0  # fully trusted pairs: exactly 1, not 1 - 1e-16
    mean[partial.groups] = np.clip(some, 0.0, 1.0)
    return Pairs(index.source, index.target, total, counts, mean)


def _pair_totals(
    index: PairIndex, weight: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per pair of *index*, the summed *weight* of its rows and their number."""
    counts = np.bincount(index.inverse, minlength=index.source.size).astype(np.int64)
    return sums(index, weight), counts


def discounted_share(
    target: NDArray[np.int64], mass: NDArray[np.float64], keep: NDArray[np.float64], n_users: int
) -> NDArray[np.float64]:
    """Per user, the share of the engagement mass received that *keep* removes (0 if none)."""
    full = np.bincount(target, weights=mass, minlength=n_users)
    kept = np.bincount(target, weights=mass * keep, minlength=n_users)
    lost = np.divide(full - kept, full, out=np.zeros(n_users), where=full > 0)
    return np.asarray(np.clip(lost, 0.0, 1.0), dtype=np.float64)


def pair_keep_per_event(
    events: Events,
    as_of: float,
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    keep: NDArray[np.float64],
    rows: NDArray[np.intp],
    inverse: NDArray[np.intp],
) -> NDArray[np.float64]:
    """Per event, the *keep* weight of its engagement pair; 1 for events of no listed pair.

    The pairs (sorted by ``source * n_users + target``) were judged on *rows*,
    whose pair indices are *inverse* (as :func:`pair_index` gives them). Other
    engagement events of a listed pair at or before *as_of* (older than the
    window the pairs were judged on) get the pair's weight too.
    """
    out = np.ones(len(events))
    if source.size == 0:
        return out
    out[rows] = keep[inverse]
    rest = received_engagement(events, as_of, math.inf)  # any age
    rest[rows] = False
    others = np.flatnonzero(rest)
    if others.size:
        width = max(events.n_users, 1)
        pair_key = source * width + target
        key = events.actor[others].astype(np.int64) * width + events.target[others]
        pos, found = sorted_lookup(pair_key, key)
        out[others[found]] = keep[pos[found]]
    return out
