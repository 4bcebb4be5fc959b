"""Reciprocity: discount engagement that is returned quid pro quo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _validate
from .._component import BaseComponent, Evidence, Role
from .._events import Events
from .._registry import register
from ._common import engagement_pairs, kept_engagement_factor, plural, saturate

__all__ = ["Reciprocity", "quid_pro_quo"]


def quid_pro_quo(
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    weight: NDArray[np.float64],
    count: NDArray[np.int64],
    n_users: int,
    *,
    free_exchanges: float,
    scale: float,
) -> NDArray[np.float64]:
    r"""Per directed pair :math:`v \to u`, how much of it is returned quid pro quo, in [0, 1].

    Pairs must be unique and sorted by ``source * n_users + target`` (as
    :func:`group_sums` returns them). With :math:`W` the pair's weight and
    :math:`c` its number of events, and primes for the reverse pair
    :math:`u \to v`,

    .. math::

        q_{vu} = \frac{\min(W, W')}{\max(W, W')}
                 \Big(1 - e^{-\max(0,\ \min(c, c') - f) / k}\Big)

    symmetry times mutual volume beyond :math:`f` free exchanges: two friends
    who reply to each other now and then (:math:`\min(c, c') \le f`) are not
    touched; accounts that return every share score close to 1.
    """
    if source.size == 0:
        return np.zeros(0)
    width = max(n_users, 1)
    forward = source * width + target
    backward = target * width + source
    pos = np.minimum(np.searchsorted(forward, backward), forward.size - 1)
    mutual = forward[pos] == backward
    w_back = np.where(mutual, weight[pos], 0.0)
    c_back = np.where(mutual, count[pos], 0)
    high = np.maximum(weight, w_back)
    symmetry = np.divide(
        np.minimum(weight, w_back), high, out=np.zeros(weight.size), where=high > 0
    )
    volume = -np.expm1(-np.maximum(np.minimum(count, c_back) - free_exchanges, 0.0) / scale)
    return np.asarray(symmetry * volume)


@register()
@dataclass(frozen=True)
class Reciprocity(BaseComponent):
    r"""Modifier: discount the engagement a user receives quid pro quo.

    Each engagement pair :math:`v \to u` gets a quid-pro-quo share
    :math:`q_{vu}` (:func:`quid_pro_quo`: symmetric volumes, repeated well
    beyond what friends exchange). With :math:`M_{vu}` the pair's engagement
    mass as in :class:`~influence.components.Engagement`
    (:math:`1 - e^{-\sum w}`), the factor compares the engagement signal
    without and with the reciprocated mass:

    .. math::

        m(u) = \frac{\ln\big(1 + \sum_v M_{vu}(1 - q_{vu})\big)}
                    {\ln\big(1 + \sum_v M_{vu}\big)}

    so "you retweet mine and I retweet yours" rings lose what they traded, and
    a little more (the calibration is concave), while ordinary friendship is
    untouched. The discounted mass is removed, not spread over the user's other
    engagers.

    Parameters
    ----------
    window_days, half_life_days, selectivity_per_day : float
        As in :class:`~influence.components.Engagement`.
    free_exchanges : float, default 3
        Mutual exchanges per pair that are never discounted.
    scale : float, default 5
        How fast the discount grows with mutual volume beyond the free ones.
    """

    name: ClassVar[str] = "reciprocity"
    role: ClassVar[Role] = "modifier"

    window_days: float = 90.0
    half_life_days: float = 30.0
    selectivity_per_day: float = 20.0
    free_exchanges: float = 3.0
    scale: float = 5.0

    def __post_init__(self) -> None:
        owner = "Reciprocity"
        for name in ("window_days", "half_life_days", "selectivity_per_day", "scale"):
            _validate.number(owner, name, getattr(self, name), low=0.0, low_open=True)
        _validate.number(owner, "free_exchanges", self.free_exchanges, low=0.0)

    def pair_discounts(
        self, events: Events, as_of: float
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Engagement pairs ``(source, target)``, their mass and their quid-pro-quo share."""
        source, target, sums, counts = engagement_pairs(
            events,
            as_of,
            window_days=self.window_days,
            half_life_days=self.half_life_days,
            selectivity_per_day=self.selectivity_per_day,
        )
        share = quid_pro_quo(
            source,
            target,
            sums,
            counts,
            events.n_users,
            free_exchanges=self.free_exchanges,
            scale=self.scale,
        )
        return source, target, saturate(sums), share

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        _, target, mass, share = self.pair_discounts(events, as_of)
        factor, traded = kept_engagement_factor(target, mass, 1.0 - share, n)
        return Evidence(
            values=factor,
            details={
                "traded_share": traded,
                "partners": np.bincount(target[share >= 0.5], minlength=n).astype(np.int64),
            },
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        share = details["traded_share"]
        if share < 0.005:
            return "no quid-pro-quo engagement found"
        who = (
            f" from {plural(details['partners'], 'account')} that return it in kind"
            if details["partners"]
            else " in mutual exchanges"
        )
        return f"{points:+.1f} points: {100 * share:.0f}% of received engagement came{who}"
