"""Validity of a selection: the distinct people the chosen reach after the cut-off.

Choose on the events up to a cut-off, then count the distinct people who engage any of
the chosen in ``(cutoff, cutoff + horizon]`` (an engagement action aimed at one of them,
by someone else): the audience the campaign would have had. The selection is compared
with two simple rules on the same past, the top *k* eligible accounts by standing score
(:attr:`Campaign.top_users <influence.campaign.Campaign.top_users>`) and the top *k*
accounts by distinct engagers in the window, each difference with a paired bootstrap
interval over the people who engaged anyone in the future window (each draw resamples
people; both rules are counted on the same draw).

:func:`spread_reach` asks the same of the spread objective, *hops* out: the people who
engaged one of the chosen after the cut-off (hop 1), and those who then engaged one of them
(hop 2, after their own first engagement of the hop before: time-respecting paths), for the
selection by ``objective="spread"`` against the one by ``objective="expected"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.campaign.audience import audiences
from influence.campaign.select import select
from influence.evaluate.bootstrap import draws
from influence.events.table import Events
from influence.kernels import engagement_between
from influence.scoring.scorer import Scorer

__all__ = ["Comparison", "future_reach", "reached_within", "spread_reach"]


@dataclass(frozen=True)
class Comparison:
    """One *k*: each rule's future reach and the selection's lead over each, with intervals.

    ``reach`` maps ``"selection"``, ``"top score"`` and ``"top engagers"`` to the number
    of distinct people who engaged one of that rule's accounts after the cut-off;
    ``lead`` maps the two baselines to ``(difference, low, high)``, the selection's
    lead and its 95% paired bootstrap interval; ``forecast`` the selection's
    :attr:`Campaign.reach <influence.campaign.Campaign.reach>`, what it was expected to
    reach (its calibration against ``reach["selection"]``).
    """

    k: int
    reach: dict[str, int]
    lead: dict[str, tuple[float, float, float]]
    population: int
    forecast: float = float("nan")


def _reached(
    events: Events, accounts: NDArray[np.int64], start: float, end: float
) -> NDArray[np.int64]:
    """The distinct people who engaged one of *accounts* in ``(start, end]``."""
    chosen = np.zeros(events.n_users + 1, dtype=bool)
    chosen[accounts] = True
    rows = engagement_between(events, start, end)
    rows &= chosen[events.target]
    return np.unique(events.actor[rows]).astype(np.int64)


def reached_within(
    events: Events, accounts: NDArray[np.int64], start: float, end: float, hops: int
) -> NDArray[np.int64]:
    """The distinct people reached from *accounts* within *hops* time-respecting steps.

    A person is reached at step 1 by engaging one of *accounts* in ``(start, end]``, and
    at step :math:`t + 1` by engaging, in the same period, someone reached at step
    :math:`t` after that someone was first reached. With ``hops=1`` these are the people
    who engaged one of the accounts.
    """
    n = events.n_users
    active = np.full(n, np.inf)
    active[accounts] = start
    rows = engagement_between(events, start, end)
    actor, target, time = events.actor[rows], events.target[rows], events.time[rows]
    reached = np.zeros(n, dtype=bool)
    for _ in range(hops):  # a loop over steps; each one vectorised over the events
        live = time > active[target]
        first = np.full(n, np.inf)
        np.minimum.at(first, actor[live], time[live])
        reached |= np.isfinite(first)
        active = np.minimum(active, first)
    return np.flatnonzero(reached).astype(np.int64)


def spread_reach(
    events: Events,
    cutoff: float,
    horizon_days: float,
    ks: tuple[int, ...] = (10, 50, 100),
    *,
    hops: int = 2,
    epsilon: float = 0.5,
    window_days: float = STANDING.window_days,
    scorer: Scorer | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> list[Comparison]:
    """The spread selection against the expected-reach selection, 1 to *hops* steps out.

    ``reach`` maps ``"spread, t hop(s)"`` and ``"expected, t hop(s)"`` to the people each
    selection reached within *t* steps after the cut-off; ``lead`` maps ``"t hop(s)"`` to
    the spread selection's lead and its 95% paired bootstrap interval over the people
    who engaged anyone after the cut-off.

    Examples
    --------
    >>> from influence.datasets import synthetic
    >>> world = synthetic(seed=0, n_users=60, days=30.0, twins=False)
    >>> rows = spread_reach(world.events, world.end - 10 * 86400.0, 10, ks=(5,), resamples=20)
    >>> sorted(rows[0].lead)
    ['1 hop', '2 hops']
    """
    judge = Scorer() if scorer is None else scorer
    past = events.until(cutoff).compact()
    scores = judge.score(past, as_of=cutoff)
    end = cutoff + horizon_days * DAY
    future = engagement_between(events, cutoff, end)
    people = np.unique(events.actor[future])
    out = []
    for k in ks:
        hit: dict[str, NDArray[np.float64]] = {}
        for objective in ("spread", "expected"):
            chosen = select(
                past,
                k,
                as_of=cutoff,
                window_days=window_days,
                objective=objective,
                horizon_days=horizon_days,
                hops=hops,
                epsilon=epsilon,
                seed=seed,
                scorer=judge,
                scores=scores,
            )
            accounts = events.users.indices(np.asarray(list(chosen.users)))
            for step in range(1, hops + 1):
                reached = reached_within(events, accounts[accounts >= 0], cutoff, end, step)
                hit[f"{objective}, {_steps(step)}"] = np.isin(people, reached).astype(np.float64)
        lead = {}
        for step in range(1, hops + 1):
            diff = hit[f"spread, {_steps(step)}"] - hit[f"expected, {_steps(step)}"]
            sample = np.array([float(w @ diff) for w in draws(people.size, resamples, seed)])
            low, high = np.percentile(sample, [2.5, 97.5]) if sample.size else (0.0, 0.0)
            lead[_steps(step)] = (float(diff.sum()), float(low), float(high))
        reach = {name: int(h.sum()) for name, h in hit.items()}
        out.append(Comparison(int(k), reach, lead, int(people.size)))
    return out


def _steps(step: int) -> str:
    return f"{step} hop" if step == 1 else f"{step} hops"


def future_reach(
    events: Events,
    cutoff: float,
    horizon_days: float,
    ks: tuple[int, ...] = (10, 50, 100),
    *,
    window_days: float = STANDING.window_days,
    objective: str = "expected",
    half_life_days: float | None = None,
    scorer: Scorer | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> list[Comparison]:
    """Choose on the events up to *cutoff*, count who engages the chosen afterwards.

    The selection maximises *objective* (:func:`influence.campaign.select`); with
    ``"expected"``, for a campaign period of *horizon_days*, the period measured.

    Examples
    --------
    >>> from influence.datasets import synthetic
    >>> world = synthetic(seed=0, n_users=60, days=30.0, twins=False)
    >>> rows = future_reach(world.events, world.end - 10 * 86400.0, 10, ks=(5,), resamples=50)
    >>> rows[0].k, sorted(rows[0].reach)
    (5, ['selection', 'top engagers', 'top score'])
    """
    judge = Scorer() if scorer is None else scorer
    past = events.until(cutoff).compact()
    scores = judge.score(past, as_of=cutoff)
    found = audiences(past, as_of=cutoff, window_days=window_days, scorer=judge)
    size = found.size()
    by_engagers = np.lexsort((np.arange(size.size), -size))
    end = cutoff + horizon_days * DAY
    future = np.flatnonzero(engagement_between(events, cutoff, end))
    people = np.unique(events.actor[future])
    out = []
    for k in ks:
        chosen = select(
            past,
            k,
            as_of=cutoff,
            window_days=window_days,
            objective=objective,
            horizon_days=horizon_days,
            half_life_days=half_life_days,
            scorer=judge,
            scores=scores,
        )
        rules: dict[str, Any] = {
            "selection": chosen.users,
            "top score": chosen.top_users,
            "top engagers": [found.users.id(int(i)) for i in by_engagers[:k] if size[i] > 0],
        }
        hit: dict[str, NDArray[np.float64]] = {}
        for name, users in rules.items():
            accounts = events.users.indices(np.asarray(list(users)))
            reached = _reached(events, accounts[accounts >= 0], cutoff, end)
            hit[name] = np.isin(people, reached).astype(np.float64)
        lead = {}
        for base in ("top score", "top engagers"):
            diff = hit["selection"] - hit[base]
            sample = np.array([float(w @ diff) for w in draws(people.size, resamples, seed)])
            low, high = np.percentile(sample, [2.5, 97.5]) if sample.size else (0.0, 0.0)
            lead[base] = (float(diff.sum()), float(low), float(high))
        reach = {name: int(h.sum()) for name, h in hit.items()}
        out.append(Comparison(int(k), reach, lead, int(people.size), float(chosen.reach)))
    return out
