"""Baselines a score must beat: counts of received engagement, PageRank, followers.

A baseline is ``(events, as_of) -> one value per user of events.users`` and
must ignore the events after *as_of*. :data:`BASELINES` names the built-in
ones; :class:`RecencyReceived` and :class:`ScorerBaseline` make more. The
named baselines are doors over signal components (:mod:`influence.evaluate.signals`:
:class:`ReceivedCount`, :class:`DistinctEngagerCount`, :class:`RecencyReceived`,
:class:`FollowerCount`) that can go into a :class:`~influence.Scorer` too.
:func:`received` counts what users receive in a window, the truth the
evaluations measure scores against.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from influence.evaluate.protocol import ScorerLike, _positions
from influence.evaluate.signals import (
    DistinctEngagerCount,
    FollowerCount,
    ReceivedCount,
    RecencyReceived,
    _engagement_rows,
    _follow_rows,
)
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.graph import pagerank
from influence.kernels import count_distinct_pairs

__all__ = [
    "BASELINES",
    "Baseline",
    "DistinctEngagerCount",
    "FollowerCount",
    "ReceivedCount",
    "RecencyReceived",
    "ScorerBaseline",
    "distinct_engagers",
    "engagement_pagerank",
    "follower_count",
    "received",
    "received_count",
    "recency_received",
]

FloatArray = NDArray[np.float64]

#: ``(events, as_of) -> one float per user of events.users``; must ignore events after as_of.
Baseline = Callable[[Events, float], ArrayLike]

# The components behind the named baselines; each door hands them an untrusted table.
_RECEIVED_COUNT = ReceivedCount()
_DISTINCT_ENGAGERS = DistinctEngagerCount()
_HOUSE_RECENCY = RecencyReceived()
_FOLLOWERS = FollowerCount()


def _received(events: Events, start: float, end: float, *, distinct: bool) -> FloatArray:
    rows = _engagement_rows(events, start, end)
    n = events.n_users
    if distinct:
        counts = count_distinct_pairs(events.target[rows], events.actor[rows], n, n)
        return counts.astype(np.float64)
    return np.bincount(events.target[rows], minlength=n).astype(np.float64)


def received(
    events: Events, start: Any = None, end: Any = None, *, distinct: bool = False
) -> FloatArray:
    """Engagement each user receives from others in ``(start, end]``.

    Engagement is a reply, share, like or mention by another user; follows,
    posts and self-interactions are not counted.

    Parameters
    ----------
    events : Events
    start, end : float, datetime or str, optional
        The window (epoch seconds, ``datetime`` or ISO 8601); ``None`` leaves
        that side open.
    distinct : bool, default False
        Count distinct engagers instead of engagement events.

    Returns
    -------
    ndarray of float64, shape (events.n_users,)

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import received
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "share", "target": "ann"},
    ...     {"time": 3, "actor": "ann", "action": "reply", "target": "ann"},
    ...     {"time": 4, "actor": "cy", "action": "follow", "target": "ann"},
    ... ])
    >>> received(ev).tolist(), received(ev, distinct=True).tolist()
    ([2.0, 0.0, 0.0], [1.0, 0.0, 0.0])
    """
    lo = -math.inf if start is None else to_epoch(start, name="start")
    hi = math.inf if end is None else to_epoch(end, name="end")
    return _received(events, lo, hi, distinct=distinct)


def received_count(events: Events, as_of: float) -> FloatArray:
    """Baseline: engagement events received from others at or before *as_of* (all history).

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import received_count
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 9, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> received_count(ev, 5.0).tolist()
    [2.0, 0.0, 0.0]
    """
    return _RECEIVED_COUNT(events.with_trust(None), float(as_of))


def distinct_engagers(events: Events, as_of: float) -> FloatArray:
    """Baseline: distinct other users who engaged with a user at or before *as_of*.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import distinct_engagers
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "reply", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "mention", "target": "ann"},
    ... ])
    >>> distinct_engagers(ev, 3.0).tolist()
    [2.0, 0.0, 0.0]
    """
    return _DISTINCT_ENGAGERS(events.with_trust(None), float(as_of))


#: Window and half-life (days) of :func:`recency_received`: the house scorer's own.
RECENCY_WINDOW_DAYS = RecencyReceived.window_days
RECENCY_HALF_LIFE_DAYS = RecencyReceived.half_life_days


def recency_received(events: Events, as_of: float) -> FloatArray:
    """Baseline: received engagement, each event weighted by its recency.

    ``RecencyReceived()`` (:class:`RecencyReceived`): the house scorer's
    window (90 days) and half-life (30 days). The same parameters are used for
    every log: on a log a few days long (Higgs) the weights are all close to 1
    and this baseline is close to :func:`received_count`.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import recency_received
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 30 * 86400, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> [round(v, 3) for v in recency_received(ev, 30 * 86400.0).tolist()]
    [1.375, 0.0, 0.0]
    """
    return _HOUSE_RECENCY(events.with_trust(None), float(as_of))


@dataclass(frozen=True)
class ScorerBaseline:
    """Baseline: another scorer's scores, so that two configurations meet in one report.

    Scores the past it is handed (``scorer.score(events, as_of=as_of)``); users
    it does not score count as 0 (the bottom, for scorers whose scores are
    non-negative, as the house scorer's are). With it, :meth:`ValidityReport.compare` puts
    a paired interval on the difference between two scorers, and
    :func:`rank_stability` compares their churn.

    Parameters
    ----------
    scorer : Scorer
        Anything with ``score(events, as_of=...) -> Scores``.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> from influence.evaluate import ScorerBaseline
    >>> ev = Events.from_records([
    ...     {"time": t, "actor": a, "action": "like", "target": "ann"}
    ...     for t, a in [(1, "bob"), (2, "cy")]])
    >>> weekly = ScorerBaseline(Scorer.house(half_life_days=7, window_days=21))
    >>> [round(v, 1) for v in weekly(ev, 2.0).tolist()]  # ann, bob, cy
    [16.8, 0.0, 0.0]
    """

    scorer: ScorerLike

    def __post_init__(self) -> None:
        if isinstance(self.scorer, type) or not callable(getattr(self.scorer, "score", None)):
            raise TypeError(
                "The 'scorer' parameter of ScorerBaseline must have a score(events, as_of=...) "
                f"method; got {self.scorer!r}"
            )

    def __call__(self, events: Events, as_of: float) -> FloatArray:
        """The scorer's score of each user of ``events.users`` (0 for users it leaves out)."""
        scores = self.scorer.score(events, as_of=as_of)
        index = _positions(events, scores, f"ScorerBaseline({self.scorer!r})")
        out = np.zeros(events.n_users)
        out[index] = np.asarray(scores.values, dtype=np.float64)
        return out


def engagement_pagerank(events: Events, as_of: float) -> FloatArray:
    """Baseline: plain PageRank on the engagement graph up to *as_of* (damping 0.85).

    Edge ``v -> u`` weighs the number of engagement events (reply, share, like,
    mention) by ``v`` on ``u`` at or before *as_of*; self-loops are left out.
    Computed with :func:`influence.graph.pagerank`. Values sum to 1 over
    ``events.users``.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import engagement_pagerank
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> rank = engagement_pagerank(ev, 2.0)
    >>> bool(rank[0] > rank[1] == rank[2]), round(float(rank.sum()), 12)
    (True, 1.0)
    """
    rows = _engagement_rows(events, -math.inf, float(as_of))
    n = events.n_users
    adjacency = sparse.csr_array(
        (np.ones(rows.size), (events.actor[rows], events.target[rows])), shape=(n, n)
    )
    return pagerank(adjacency, damping=0.85)


def follower_count(events: Events, as_of: float) -> FloatArray:
    """Baseline: distinct users who followed a user at or before *as_of*.

    Unfollows are not part of the event model, so this counts everyone who
    ever followed.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import follower_count
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "follow", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "follow", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "follow", "target": "ann"},
    ... ])
    >>> follower_count(ev, 3.0).tolist()
    [2.0, 0.0, 0.0]
    """
    return _FOLLOWERS(events.with_trust(None), float(as_of))


#: The named baselines, in report order. ``"followers"`` is included by default
#: only when the scored window has follow events.
BASELINES: Mapping[str, Baseline] = MappingProxyType(
    {
        "received_count": received_count,
        "distinct_engagers": distinct_engagers,
        "recency_received": recency_received,
        "pagerank": engagement_pagerank,
        "followers": follower_count,
    }
)


def _baselines(
    value: Any, past: Events, cut: float, owner: str = "predictive_validity"
) -> dict[str, Baseline]:
    if value is None:
        chosen = dict(BASELINES)
        if not _follow_rows(past, cut).size:
            del chosen["followers"]
        return chosen
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, str):
        items = [(value, None)]
    else:
        items = [(name, None) for name in value]
    out: dict[str, Baseline] = {}
    for name, func in items:
        if func is None:
            if name not in BASELINES:
                raise ValueError(
                    f"The 'baselines' parameter of {owner} must name baselines "
                    f"among {list(BASELINES)} or map names to callables. Got {name!r}."
                )
            func = BASELINES[name]
        if not isinstance(name, str) or name == "scorer" or not callable(func):
            raise ValueError(
                f"The 'baselines' parameter of {owner} must map names other than "
                f"'scorer' to callables (events, as_of) -> array. Got {name!r}: {func!r}."
            )
        out[name] = func
    return out


def _baseline_values(name: str, func: Baseline, past: Events, cut: float) -> FloatArray:
    """A baseline's values on the past, checked: one finite value per user of ``events.users``."""
    result = np.asarray(func(past, cut), dtype=np.float64)
    if result.shape != (past.n_users,):
        got = f"shape {result.shape}"
    elif not np.isfinite(result).all():
        got = f"{int((~np.isfinite(result)).sum())} NaN or infinite value(s)"
    else:
        return result
    raise ValueError(
        f"baseline {name!r} must return {past.n_users} finite values (one per user of "
        f"events.users); got {got}"
    )
