"""Momentum: how many people are engaging a user now, on a scale of hours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import NON_NEGATIVE, POSITIVE, Constraint
from influence.events.table import Events
from influence.kernels import action_weight_table, engagement_pairs, saturate

__all__ = ["Momentum"]


@dataclass(frozen=True)
class Momentum(BaseComponent):
    r"""Signal: how many people are engaging a user right now.

    .. math::

        s(u) = \ln\Big(1 + \sum_v \big(1 - e^{-\sum_{e:\, v \to u} w_e}\big)\, \tau_{vu}\Big),
        \qquad w_e = \rho_h(t - t_e)\, a_{\mathrm{action}(e)}\, \sigma(v)

    the engaged-people mass of :class:`~influence.components.Engagement` (action
    weights, engager selectivity, each engager counted at most once, times the
    trust :math:`\tau_{vu}` the scorer's discounts leave on the pair) with a
    recency :math:`\rho_h` of hours rather than weeks: a half-life of 6 hours
    inside a 7-day window, and no rate-per-post factor. Engagement's 90-day,
    30-day-half-life view measures standing; momentum measures who is paying
    attention now, which is what best predicts the next days' engagement in
    the validation logs (the Higgs announcement, a week of student messages).
    An engager who engaged an hour ago counts about 0.9 of a person, one who
    engaged two days ago under 0.01; repeats by one account add nothing, so
    one account hammering replies is still one person.

    Parameters
    ----------
    half_life_days : float, default 0.25
    window_days : float, default 7
    selectivity_per_day : float, default 20
    reply_weight, share_weight, like_weight, mention_weight : float
        As in :class:`~influence.components.Engagement` (defaults 2, 3, 1, 1.5).
        :meth:`influence.Scorer.trending` sets them all to 1: who is paying
        attention now, whatever they do, is one person each.

    References
    ----------
    .. [1] A. Rao et al., "Klout score: Measuring influence across multiple
       social networks", IEEE Big Data 2015 (Amplification: engagement per
       post, recent activity weighted up).
    .. [2] Q. Zhao et al., "SEISMIC: A Self-Exciting Point Process Model for
       Predicting Tweet Popularity", KDD 2015 (attention to a post decays
       within hours).

    Examples
    --------
    >>> from influence import Events
    >>> from influence.components import Momentum
    >>> hour = 3600.0
    >>> ev = Events.from_records(
    ...     [{"time": 100 * hour, "actor": f"f{k}", "action": "share", "target": "hot"}
    ...      for k in range(3)]
    ...     + [{"time": 52 * hour, "actor": f"g{k}", "action": "share", "target": "cold"}
    ...        for k in range(3)])
    >>> values = Momentum()(ev, as_of=100 * hour)
    >>> [round(float(values[ev.users.index(u)]), 2) for u in ("hot", "cold")]
    [1.35, 0.03]
    """

    name: ClassVar[str] = "momentum"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "half_life_days": POSITIVE,
        "window_days": POSITIVE,
        "selectivity_per_day": POSITIVE,
        "reply_weight": NON_NEGATIVE,
        "share_weight": NON_NEGATIVE,
        "like_weight": NON_NEGATIVE,
        "mention_weight": NON_NEGATIVE,
    }

    half_life_days: float = 0.25
    window_days: float = 7.0
    selectivity_per_day: float = 20.0
    reply_weight: float = 2.0
    share_weight: float = 3.0
    like_weight: float = 1.0
    mention_weight: float = 1.5

    @property
    def lookback_days(self) -> float:
        """The window: nothing before it counts."""
        return float(self.window_days)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        pairs = engagement_pairs(
            events,
            as_of,
            window_days=self.window_days,
            half_life_days=self.half_life_days,
            selectivity_per_day=self.selectivity_per_day,
            actions=action_weight_table(
                reply=self.reply_weight,
                share=self.share_weight,
                like=self.like_weight,
                mention=self.mention_weight,
            ),
        )
        mass = np.bincount(pairs.target, weights=saturate(pairs.weight) * pairs.trust, minlength=n)
        return Evidence(
            values=np.log1p(mass),
            details={"now": mass, "window": np.bincount(pairs.target, minlength=n)},
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["window"]:
            return f"nobody engaged them in the last {self.window_days:g} days"
        people = "person" if details["window"] == 1 else "people"
        return (
            f"{details['now']:.1f} people's worth of engagement in the last hours "
            f"(half-life {24 * self.half_life_days:g} h), {int(details['window']):,} {people} "
            f"in the last {self.window_days:g} days ({points:+.1f} points)"
        )
