"""The named baselines as ordinary signal components, for a Scorer or the validity harness.

Each class here is a frozen dataclass following the component protocol of
:mod:`influence.components.base`: ``role = "signal"``, ``evidence(events, *,
as_of)`` with per-user facts, a ``reason`` a person reads, and its parameters'
constraints declared. Each also takes *as_of* by position, so that an instance
is itself a baseline ``(events, as_of) -> values`` (:data:`~influence.evaluate.BASELINES`).

They read :attr:`Events.trust <influence.Events.trust>` as the house signals
do: in a :class:`~influence.Scorer` with discounts, a discounted event counts
for its trust. The tables the validity harness hands a baseline carry no
trust, and the baseline functions (:func:`~influence.evaluate.received_count`,
...) read every table as untrusted, as they always have.

They are not registered (:mod:`influence.components.registry`): they are
measuring sticks, not parts of a house score, and their module is not imported
with :mod:`influence`, so a configuration naming them would depend on an
import elsewhere. Register one yourself, under a name of your choice, to name
it in a configuration: ``influence.register("received_count")(ReceivedCount)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import POSITIVE, Constraint
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels import count_distinct_pairs, group_sums, plural, recency_weights

__all__ = ["DistinctEngagerCount", "FollowerCount", "ReceivedCount", "RecencyReceived"]

FloatArray = NDArray[np.float64]

_ENGAGEMENT = _actions.mask_of(_actions.ENGAGEMENTS)


def _engagement_rows(events: Events, start: float, end: float) -> NDArray[np.intp]:
    """Rows of engagement with another user in ``(start, end]`` (rows are time-sorted)."""
    lo = int(np.searchsorted(events.time, start, side="right"))
    hi = int(np.searchsorted(events.time, end, side="right"))
    target, actor = events.target[lo:hi], events.actor[lo:hi]
    keep = _ENGAGEMENT[events.action[lo:hi]] & (target >= 0) & (actor != target)
    return np.flatnonzero(keep) + lo


def _follow_rows(events: Events, as_of: float) -> NDArray[np.intp]:
    """Rows of following another user at or before *as_of*."""
    stop = int(np.searchsorted(events.time, as_of, side="right"))
    actor, target = events.actor[:stop], events.target[:stop]
    keep = (events.action[:stop] == _actions.FOLLOW) & (target >= 0) & (actor != target)
    return np.flatnonzero(keep)


def _distinct(events: Events, rows: NDArray[np.intp]) -> FloatArray:
    """Distinct actors per target over *rows*, each counted by the mean trust of their rows."""
    n = events.n_users
    target, actor = events.target[rows], events.actor[rows]
    if events.trust is None:
        return count_distinct_pairs(target, actor, n, n).astype(np.float64)
    who, _, trust, times = group_sums(target, actor, events.trust[rows], n)
    return np.bincount(who, weights=trust / times, minlength=n).astype(np.float64)


def _counts(events: Events, rows: NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
    """Events and distinct actors per target over *rows*, untrusted: the facts of a reason."""
    n = events.n_users
    target, actor = events.target[rows], events.actor[rows]
    times = np.bincount(target, minlength=n).astype(np.float64)
    people = count_distinct_pairs(target, actor, n, n).astype(np.float64)
    return times, people


class _Baseline(BaseComponent):
    """A signal that also takes *as_of* by position, as a baseline is called."""

    role: ClassVar[Role] = "signal"

    def __call__(self, events: Events, as_of: float) -> FloatArray:
        """The values, one per user of ``events.users``, ignoring events after *as_of*."""
        return self._values(events, float(as_of))

    def _values(self, events: Events, as_of: float) -> FloatArray:
        raise NotImplementedError


@dataclass(frozen=True)
class ReceivedCount(_Baseline):
    """Signal and baseline: engagement events received from others at or before *as_of*.

    Every reply, share, like or mention by another user counts once (times its
    trust, when the scorer's discounts set :attr:`influence.Events.trust`),
    over all history; follows, posts and self-interactions do not count.
    :func:`~influence.evaluate.received_count` is ``ReceivedCount()`` on an
    untrusted table.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> from influence.evaluate import ReceivedCount
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 9, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> ReceivedCount()(ev, as_of=5.0).tolist()
    [2.0, 0.0, 0.0]
    >>> scores = Scorer(signals=[ReceivedCount()], discounts=[], modifiers=[]).score(ev, as_of=5)
    >>> print(scores.explain("ann"))
    ann: 33.3 / 100
      received_count   +33.3  received 2 engagements from 1 other user (+33.3 points)
    """

    name: ClassVar[str] = "received_count"

    def _values(self, events: Events, as_of: float) -> FloatArray:
        rows = _engagement_rows(events, -math.inf, as_of)
        weights = None if events.trust is None else events.trust[rows]
        return np.bincount(events.target[rows], weights=weights, minlength=events.n_users).astype(
            np.float64
        )

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        as_of = float(as_of)
        times, people = _counts(events, _engagement_rows(events, -math.inf, as_of))
        return Evidence(
            values=self._values(events, as_of),
            details={"engagements": times, "engagers": people},
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["engagements"]:
            return "no engagement received from others"
        return (
            f"received {plural(details['engagements'], 'engagement')} from "
            f"{plural(details['engagers'], 'other user')} ({points:+.1f} points)"
        )


@dataclass(frozen=True)
class DistinctEngagerCount(_Baseline):
    """Signal and baseline: distinct other users who engaged with a user at or before *as_of*.

    Each engager counts once however often they engaged (by the mean trust of
    their events, when the scorer's discounts set :attr:`influence.Events.trust`),
    over all history. :class:`influence.components.DistinctEngagers` counts the
    same people inside a 90-day window and takes the logarithm (its
    ``details["engagers"]``, with a window longer than the log, is this count);
    :func:`~influence.evaluate.distinct_engagers` is ``DistinctEngagerCount()``
    on an untrusted table.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import DistinctEngagerCount
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "reply", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "mention", "target": "ann"},
    ... ])
    >>> DistinctEngagerCount()(ev, as_of=3.0).tolist()
    [2.0, 0.0, 0.0]
    """

    name: ClassVar[str] = "distinct_engager_count"

    def _values(self, events: Events, as_of: float) -> FloatArray:
        return _distinct(events, _engagement_rows(events, -math.inf, as_of))

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        as_of = float(as_of)
        times, people = _counts(events, _engagement_rows(events, -math.inf, as_of))
        return Evidence(
            values=self._values(events, as_of),
            details={"engagers": people, "engagements": times},
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["engagers"]:
            return "nobody else has engaged with them"
        return (
            f"{plural(details['engagers'], 'distinct user')} engaged "
            f"{plural(details['engagements'], 'time')} ({points:+.1f} points)"
        )


@dataclass(frozen=True)
class RecencyReceived(_Baseline):
    """Signal and baseline: received engagement, each event weighted by its recency.

    The weight of an engagement event of age :math:`a` is
    :func:`influence.kernels.recency_weights`: :math:`2^{-a/h}`
    inside the window, tapered to zero at its edge (times the event's trust,
    when the scorer's discounts set :attr:`influence.Events.trust`). The
    default time scale is the house scorer's (:func:`recency_received`); a
    shorter one asks whether a plain count of *recent* engagement predicts as
    well as the scorer (``RecencyReceived(half_life_days=0.25, window_days=7)``
    is Momentum's time scale). A short half-life forecasts the next days well
    and churns from one day to the next: :func:`rank_stability` measures that
    side.

    Parameters
    ----------
    half_life_days : float, default 30
        Positive.
    window_days : float, default 90
        Positive; engagement older than this weighs nothing.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import RecencyReceived
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 86400, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> [round(v, 3) for v in RecencyReceived(half_life_days=1, window_days=7)(ev, 86400).tolist()]
    [1.475, 0.0, 0.0]
    """

    name: ClassVar[str] = "recency_received"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "half_life_days": POSITIVE,
        "window_days": POSITIVE,
    }

    half_life_days: float = STANDING.half_life_days
    window_days: float = STANDING.window_days

    def _values(self, events: Events, as_of: float) -> FloatArray:
        rows = _engagement_rows(events, -math.inf, as_of)
        weights = recency_weights(as_of - events.time[rows], self.window_days, self.half_life_days)
        if events.trust is not None:
            weights = weights * events.trust[rows]
        return np.bincount(events.target[rows], weights=weights, minlength=events.n_users).astype(
            np.float64
        )

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        as_of = float(as_of)
        rows = _engagement_rows(events, as_of - self.window_days * DAY, as_of)
        times, people = _counts(events, rows)
        return Evidence(
            values=self._values(events, as_of),
            details={"engagements": times, "engagers": people},
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        window = f"the last {self.window_days:g} days"
        if not details["engagements"]:
            return f"no engagement received from others in {window}"
        return (
            f"received {plural(details['engagements'], 'engagement')} from "
            f"{plural(details['engagers'], 'other user')} in {window}, the newest "
            f"counting most (half-life {self.half_life_days:g} days) ({points:+.1f} points)"
        )


@dataclass(frozen=True)
class FollowerCount(_Baseline):
    """Signal and baseline: distinct users who followed a user at or before *as_of*.

    Unfollows are not part of the event model, so this counts everyone who
    ever followed (each follower by the mean trust of their follow events, when
    the scorer's discounts set :attr:`influence.Events.trust`).
    :func:`~influence.evaluate.follower_count` is ``FollowerCount()`` on an
    untrusted table.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import FollowerCount
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "follow", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "follow", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "follow", "target": "ann"},
    ... ])
    >>> FollowerCount()(ev, as_of=3.0).tolist()
    [2.0, 0.0, 0.0]
    """

    name: ClassVar[str] = "follower_count"

    def _values(self, events: Events, as_of: float) -> FloatArray:
        return _distinct(events, _follow_rows(events, as_of))

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        as_of = float(as_of)
        _, people = _counts(events, _follow_rows(events, as_of))
        return Evidence(values=self._values(events, as_of), details={"followers": people})

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["followers"]:
            return "nobody follows them"
        return f"followed by {plural(details['followers'], 'user')} ({points:+.1f} points)"
