"""Distinct engagers received: how many different people engage with a user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from influence._time import STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import POSITIVE, Constraint
from influence.events.table import Events
from influence.kernels import count_distinct_pairs, engagement_index, plural, sums

__all__ = ["DistinctEngagers"]


@dataclass(frozen=True)
class DistinctEngagers(BaseComponent):
    r"""Signal: the number of distinct other users who engaged with a user.

    .. math::

        s(u) = \ln\big(1 + |\{v \ne u : v \text{ replied to, shared, liked or
        mentioned } u \text{ within the window}\}|\big)

    Repeats by the same person add nothing, so twenty likes from one account
    count as one engager (times the mean trust of their events,
    :attr:`influence.Events.trust`, when the scorer's discounts set it); the
    logarithm makes the hundredth engager worth less than the first (Klout's
    True Reach counted people, not actions; Cha et al. 2010 showed raw counts
    mislead). Follows are not engagement.

    Parameters
    ----------
    window_days : float, default 90
        Only engagement in ``(as_of - window_days, as_of]`` counts (Klout's
        90-day window).

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "share", "target": "ann"},
    ... ])
    >>> values = DistinctEngagers()(ev, as_of=3.0)
    >>> round(float(values[ev.users.index("ann")]), 4)  # ln(1 + 2)
    1.0986
    """

    name: ClassVar[str] = "distinct_engagers"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {"window_days": POSITIVE}

    window_days: float = STANDING.window_days

    @property
    def lookback_days(self) -> float:
        """The window: nothing before it counts."""
        return float(self.window_days)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        # The engagement pairs of the window, grouped once per table (engagement_index).
        index = engagement_index(events, as_of, self.window_days)
        target = events.target[index.rows]
        n = events.n_users
        engagers = np.bincount(index.target, minlength=n).astype(np.int64)
        counted = engagers.astype(np.float64)
        if events.trust is not None:  # each engager counted by the mean trust of their events
            trust = sums(index, events.trust[index.rows])
            times = np.bincount(index.inverse, minlength=index.source.size)
            counted = np.bincount(index.target, weights=trust / times, minlength=n).astype(
                np.float64
            )
        actions = np.bincount(target, minlength=n).astype(np.int64)
        parent = events.parent[index.rows]
        has_parent = parent >= 0
        posts = count_distinct_pairs(target[has_parent], parent[has_parent], n, len(events.posts))
        return Evidence(
            values=np.log1p(counted),
            details={"engagers": engagers, "engagements": actions, "posts": posts},
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["engagers"]:
            return f"no engagement from others in the last {self.window_days:g} days"
        posts = f" with {plural(details['posts'], 'post')}" if details["posts"] else ""
        return (
            f"{plural(details['engagers'], 'distinct user')} engaged "
            f"{plural(details['engagements'], 'time')}{posts} in the last "
            f"{self.window_days:g} days ({points:+.1f} points)"
        )
