"""Momentum: engagement arriving now, on a scale of hours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validate
from .._component import BaseComponent, Evidence, Role
from .._events import Events
from .._registry import register
from ._common import action_weight_table, engagement_weights, plural, received_engagement

__all__ = ["Momentum"]


@register()
@dataclass(frozen=True)
class Momentum(BaseComponent):
    r"""Signal: how much engagement a user is receiving right now.

    .. math::

        s(u) = \ln\Big(1 + \sum_{e \to u} w_e\Big), \qquad
        w_e = \rho_h(t - t_e)\, a_{\mathrm{action}(e)}\, \sigma(v_e)

    with the weights of :class:`~influence.components.Engagement` (action
    weights, engager selectivity) but a recency :math:`\rho_h` of hours, not
    weeks: a half-life of 6 hours inside a 7-day window. Engagement's 90-day,
    30-day-half-life view measures standing; momentum measures what is
    happening now, which is what best predicts the next days' engagement in
    the validation logs (the Higgs announcement, a week of student messages).
    Unlike Engagement it counts volume (no per-engager saturation), as
    Klout's *Amplification* did; the gaming defences discount the whole score
    when that volume comes from rings or farms.

    Parameters
    ----------
    half_life_days : float, default 0.25
    window_days : float, default 7
    selectivity_per_day : float, default 20
        As in :class:`~influence.components.Engagement`.
    """

    name: ClassVar[str] = "momentum"
    role: ClassVar[Role] = "signal"

    half_life_days: float = 0.25
    window_days: float = 7.0
    selectivity_per_day: float = 20.0

    def __post_init__(self) -> None:
        for name in ("half_life_days", "window_days", "selectivity_per_day"):
            _validate.number("Momentum", name, getattr(self, name), low=0.0, low_open=True)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        rows = np.flatnonzero(received_engagement(events, as_of, self.window_days))
        weight = engagement_weights(
            events,
            rows,
            as_of,
            window_days=self.window_days,
            half_life_days=self.half_life_days,
            actions=action_weight_table(),
            selectivity_per_day=self.selectivity_per_day,
        )
        target = events.target[rows]
        recent = (as_of - events.time[rows]) <= 86_400.0
        return Evidence(
            values=np.log1p(np.bincount(target, weights=weight, minlength=n)),
            details={
                "last_day": np.bincount(target[recent], minlength=n),
                "window": np.bincount(target, minlength=n),
            },
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["window"]:
            return f"no engagement in the last {self.window_days:g} days"
        return (
            f"{plural(details['last_day'], 'engagement')} in the last day, "
            f"{details['window']:,} in the last {self.window_days:g} days ({points:+.1f} points)"
        )
