"""TopicPosters: who posts about a topic, the teleport of a topic's PageRank (TwitterRank)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import POSITIVE, Constraint
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels import plural

__all__ = ["TopicPosters"]


@dataclass(frozen=True)
class TopicPosters(BaseComponent):
    r"""Signal: each user's own posts in the window; on a topic's events, who posts about it.

    :math:`s(u)` is the number of posts :math:`u` made in ``(as_of - window, as_of]``. Read
    on the events about a topic, it is TwitterRank's teleport vector (Weng et al. [1]_): the
    random surfer of a topic's PageRank jumps to a user in proportion to the posts they
    made about the topic. :meth:`Scorer.score_topics <influence.Scorer.score_topics>` gives
    it to :class:`~influence.components.Authority` (``topic_authority=True``).

    Parameters
    ----------
    window_days : float, default 90
        Posts older than this are not counted.

    References
    ----------
    .. [1] J. Weng, E.-P. Lim, J. Jiang and Q. He, "TwitterRank: finding
       topic-sensitive influential twitterers", WSDM 2010.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "ann", "action": "post", "post": "p1"},
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p2"},
    ...     {"time": 2, "actor": "bob", "action": "like", "parent": "p1"}])
    >>> from influence.components import TopicPosters
    >>> TopicPosters()(ev, as_of=2).tolist()
    [2.0, 0.0]
    """

    name: ClassVar[str] = "topic_posters"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {"window_days": POSITIVE}

    window_days: float = STANDING.window_days

    @property
    def lookback_days(self) -> float:
        """The window: nothing before it counts."""
        return float(self.window_days)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        rows = np.flatnonzero(
            (events.action == _actions.POST)
            & (events.time <= as_of)
            & (events.time > as_of - self.window_days * DAY)
        )
        posts = np.bincount(events.actor[rows], minlength=events.n_users).astype(np.float64)
        return Evidence(values=posts, details={"posts": posts})

    def reason(self, details: Mapping[str, float], points: float) -> str:
        return f"{plural(details['posts'], 'post')} in the window ({points:+.1f} points)"
