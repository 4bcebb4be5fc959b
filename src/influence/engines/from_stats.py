"""Scores from a window's sufficient statistics: the components' formulas on aggregated tables.

The driver's half of :func:`influence.engines.score_spark`: which scorers can be scored
from :mod:`influence.engines.stats` (:func:`plan_of`), the trust of each engagement
pair (:func:`pair_keep`, between the engine's two passes), and the scores
(:func:`score_from_stats`). Every formula is the component's own (its docstring gives
it), applied to per-pair and per-user sums instead of per-event arrays, through the
components' public functions (:func:`~influence.components.quid_pro_quo`,
:func:`~influence.kernels.saturate`, :meth:`~influence.components.Inactivity.factor`,
:func:`~influence.graph.pagerank`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from influence._time import DAY
from influence.components import (
    Activity,
    Authenticity,
    Authority,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Reciprocity,
)
from influence.components.reciprocity import quid_pro_quo
from influence.engines.stats import PairStats, Sums, WindowStats
from influence.graph import pagerank
from influence.kernels import action_weight_table, saturate

__all__ = ["SUPPORTED", "Plan", "pair_keep", "plan_of", "score_from_stats"]

#: The components scored from the statistics, by role.
SUPPORTED: Mapping[str, tuple[type, ...]] = {
    "signals": (Engagement, Activity, DistinctEngagers, Longevity, Authority),
    "discounts": (Reciprocity, Credibility),
    "modifiers": (Inactivity, Authenticity),
}
#: The engagement actions' codes in the order of :data:`~influence.engines.stats.ACTION_COLUMNS`.
_ENGAGING = (1, 2, 3, 4)


@dataclass(frozen=True)
class Plan:
    """The parameters the statistics are computed with, read off a supported scorer.

    ``why`` lists the reasons a scorer cannot be scored from statistics (then it is
    scored on the driver); empty when it can.
    """

    span_days: float
    window_days: float = Engagement.window_days
    half_life_days: float = Engagement.half_life_days
    fast_minutes: float = Reciprocity.fast_minutes
    tau_days: float = Longevity.tau_days
    timed_days: float = 2.0 * Longevity.window_days
    exposure_days: float = Engagement.exposure_days
    history_days: float = Inactivity.history_days
    activity_weights: tuple[tuple[str, float], ...] = tuple(Activity.WEIGHTS.items())
    credibility: Credibility | None = None
    why: tuple[str, ...] = field(default=())


def plan_of(scorer: Any) -> Plan:
    """What the statistics of *scorer*'s window are computed with, or why they cannot be.

    Supported: the signals, discounts and modifiers of :data:`SUPPORTED` (exactly those
    classes), Authority without a teleport, at most one Credibility discount, and
    Authenticity's judge the same one (``credibility``), all of them on one engagement time
    scale (``window_days``, ``half_life_days``; Inactivity keeps its own).
    """
    why: list[str] = []
    values: dict[str, Any] = {}
    scales: set[tuple[float, Any]] = set()
    judges: set[Credibility] = set()
    for role, allowed in SUPPORTED.items():
        for name, component in getattr(scorer, role):
            if type(component) not in allowed:
                why.append(f"{name!r} ({type(component).__name__}) is not scored from statistics")
                continue
            if isinstance(component, Authority) and component.teleport is not None:
                why.append(f"{name!r} has a teleport")
            if isinstance(component, Reciprocity):
                values["fast_minutes"] = float(component.fast_minutes)
            if isinstance(component, Longevity):
                values["tau_days"] = float(component.tau_days)
                values["timed_days"] = float(component.lookback_days)
            if isinstance(component, Engagement):
                values["exposure_days"] = float(component.exposure_days)
            if isinstance(component, Activity):
                values["activity_weights"] = tuple(component.WEIGHTS.items())
            if isinstance(component, (Credibility, Authenticity)):
                judge = component if isinstance(component, Credibility) else component.credibility
                judges.add(judge)
                scales.add((float(judge.window_days), judge.half_life_days))
            elif isinstance(component, Inactivity):
                values["history_days"] = float(component.history_days)
            else:
                half = getattr(component, "half_life_days", None)
                scales.add((float(component.window_days), half))
    if sum(isinstance(c, Credibility) for _, c in scorer.discounts) > 1:
        why.append("more than one Credibility discount")
    if len(judges) > 1:
        why.append("the Credibility discounts and Authenticity's judge differ")
    elif judges:
        values["credibility"] = judges.pop()
    windows = {window for window, _ in scales}
    halves = {float(half) for _, half in scales if half is not None}
    if len(windows) > 1 or len(halves) > 1:
        why.append(f"the parts have several time scales {sorted(scales, key=str)}")
    else:
        if windows:
            values["window_days"] = windows.pop()
        if halves:
            values["half_life_days"] = halves.pop()
    return Plan(span_days=float(scorer.lookback_days), why=tuple(why), **values)


def selectivity(
    pairs: PairStats, n_users: int, as_of: float, reference_per_day: float
) -> NDArray[np.float64]:
    r"""Per user, :func:`~influence.kernels.engager_selectivity` from the pair table:
    :math:`(1 + r_v / r_0)^{-1/2}`, :math:`r_v` the engager's rows per day since their
    first one (at least a day)."""
    counts = np.bincount(pairs.source, weights=pairs.events, minlength=n_users)
    first = np.full(n_users, as_of)
    np.minimum.at(first, pairs.source, pairs.first)
    span = np.maximum((as_of - first) / DAY, 1.0)
    return np.asarray((1.0 + counts / span / reference_per_day) ** -0.5)


def pair_weight(
    pairs: PairStats,
    sums_by_action: NDArray[np.float64],
    sigma: NDArray[np.float64],
    actions: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Per pair, :math:`\\sigma_v \\sum_k a_k R_k` (recency x action x selectivity)."""
    return np.asarray(sigma[pairs.source] * (sums_by_action @ actions[list(_ENGAGING)]))


def pair_keep(scorer: Any, stats: PairStats, sums: Sums, n_users: int) -> NDArray[np.float64]:
    """Per pair, the product of the scorer's Reciprocity discounts' keep weights
    (1 - quid pro quo); Credibility's are judged apart (:mod:`influence.engines.judged`)."""
    keep = np.ones(stats.source.size)
    for _, component in scorer.discounts:
        if not isinstance(component, Reciprocity):
            continue
        share = quid_pro_quo(
            stats.source,
            stats.target,
            stats.amplified,
            n_users,
            fast=stats.fast,
            posts=sums.answered_posts,
            free_exchanges=component.free_exchanges,
            scale=component.scale,
            free_common=component.free_common,
            ring_scale=component.ring_scale,
        )
        keep = keep * (1.0 - share)
    return keep


def score_from_stats(
    scorer: Any,
    stats: WindowStats,
    keep: NDArray[np.float64],
    own: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """The scores of the window and each part's values (signals with the discounts'
    trust, as they enter the score; modifiers' factors), from its statistics, the
    pairs' keep weights (all discounts') and *own*, Authenticity's factor if the scorer
    has it (:func:`influence.engines.judged.judged`)."""
    n = stats.users.size
    raw = np.zeros(n)
    parts: dict[str, NDArray[np.float64]] = {}
    for name, component in scorer.signals:
        values = _signal(component, stats, keep, n)
        parts[name] = values
        raw += scorer.weights[name] * values
    final = np.asarray(scorer.calibration(raw), dtype=np.float64)
    for name, component in scorer.modifiers:
        if isinstance(component, Authenticity):
            assert own is not None
            parts[name] = own
            final = final * own
            continue
        seen = stats.trusted.last_seen
        known = np.isfinite(seen)
        days = np.where(known, (stats.as_of - np.where(known, seen, stats.as_of)) / DAY, 0.0)
        parts[name] = np.where(known, component.factor(days), 1.0)
        final = final * parts[name]
    return final, parts


def _signal(
    component: Any, stats: WindowStats, keep: NDArray[np.float64], n: int
) -> NDArray[np.float64]:
    pairs, as_of = stats.pairs, stats.as_of
    house = action_weight_table()
    if isinstance(component, DistinctEngagers):
        return np.log1p(np.bincount(pairs.target, weights=keep, minlength=n))
    if isinstance(component, Activity):
        engagers = np.bincount(pairs.target, weights=keep, minlength=n)
        gate = component.reach_gate
        reach = -np.expm1(-engagers / gate) if gate > 0 else np.ones(n)
        amount = stats.trusted.activity
        return np.asarray(amount / (amount + component.half_saturation) * reach)
    if isinstance(component, Engagement):
        sigma = selectivity(pairs, n, as_of, component.selectivity_per_day)
        weight = pair_weight(pairs, pairs.recency, sigma, component.action_weights())
        mass = np.bincount(pairs.target, weights=saturate(weight) * keep, minlength=n)
        volume = np.bincount(pairs.target, weights=weight * keep, minlength=n)
        factor = component.rate_factor(volume, stats.sums.exposed_posts)
        return np.asarray(np.log1p(mass * factor), dtype=np.float64)
    if isinstance(component, Longevity):
        sigma = selectivity(pairs, n, as_of, component.selectivity_per_day)
        kept = pair_weight(pairs, pairs.lasting, sigma, house)
        return np.log1p(np.bincount(pairs.target, weights=saturate(kept) * keep, minlength=n))
    assert isinstance(component, Authority)
    return _authority(component, stats, keep, n)


def _authority(
    component: Authority, stats: WindowStats, keep: NDArray[np.float64], n: int
) -> NDArray[np.float64]:
    """:class:`~influence.components.Authority`'s values: PageRank on the pair table."""
    if n == 0:
        return np.zeros(0)
    pairs = stats.pairs
    sigma = selectivity(pairs, n, stats.as_of, component.selectivity_per_day)
    weight = saturate(pair_weight(pairs, pairs.recency, sigma, action_weight_table())) * keep
    graph = sp.csr_array((weight, (pairs.source, pairs.target)), shape=(n, n))
    present = stats.trusted.present
    population = int(present.sum())
    teleport = None
    if population < n:
        weights = present.astype(np.float64)
        teleport = weights if weights.sum() > 0 else None
    rank = pagerank(graph, damping=component.damping, personalization=teleport, tol=component.tol)
    out_weight = np.asarray(graph @ np.ones(n), dtype=np.float64)
    share = np.divide(rank, out_weight, out=np.zeros(n), where=out_weight > 0)
    earned = component.damping * (graph.T @ share)
    return np.log1p(population * earned)
