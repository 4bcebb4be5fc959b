"""Event rows and engagement: the columns every population emits and the draws they share.

Each population builds its events as :class:`_Rows` (ids as strings, times in seconds since
the world's epoch) that the generator concatenates. The engagement model is here too, shared
by every population: ``Poisson`` engagements a post, engagers drawn by weight, actions by
share and log-normal delays with a late-discovery tail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.events import actions as _actions

_ENGAGE_ACTIONS = np.array(
    [_actions.LIKE, _actions.SHARE, _actions.REPLY, _actions.MENTION], dtype=np.int8
)
_ENGAGE_SHARE = np.array([0.6, 0.2, 0.15, 0.05])
_LINK_SHARE = np.array([0.55, 0.35, 0.07, 0.03])  # links get shared more, discussed less
#: Expected engagements of a post per unit of quality x audience.
_PER_POST = 0.24
#: Engagement delays: a log-normal mixture, minutes to days, with a late-discovery tail.
_DELAY_FAST = (3 * 3600.0, 1.5)  # (median seconds, sigma)
_DELAY_LATE = (4 * DAY, 1.0)
_LATE_SHARE = 0.05


@dataclass(frozen=True)
class _Rows:
    """Event columns of one population; ids as str arrays, ``""`` where absent."""

    time: NDArray[np.float64]  # seconds since EPOCH
    actor: NDArray[np.str_]
    action: NDArray[np.int8]
    target: NDArray[np.str_]
    post: NDArray[np.str_]
    parent: NDArray[np.str_]
    text: NDArray[np.str_]
    topics: NDArray[np.str_]

    @classmethod
    def make(
        cls,
        time: NDArray[np.float64],
        actor: Any,
        action: Any,
        *,
        target: Any = "",
        post: Any = "",
        parent: Any = "",
        text: Any = "",
        topics: Any = "",
    ) -> _Rows:
        n = time.size

        def column(value: Any) -> NDArray[np.str_]:
            return np.asarray(np.broadcast_to(np.asarray(value, dtype=str), (n,)))

        return cls(
            time=np.asarray(time, dtype=np.float64),
            actor=column(actor),
            action=np.broadcast_to(np.asarray(action, dtype=np.int8), (n,)).copy(),
            target=column(target),
            post=column(post),
            parent=column(parent),
            text=column(text),
            topics=column(topics),
        )

    def take(self, keep: NDArray[np.bool_]) -> _Rows:
        return _Rows(*(getattr(self, f)[keep] for f in _ROW_FIELDS))

    @staticmethod
    def concat(blocks: list[_Rows]) -> _Rows:
        return _Rows(*(np.concatenate([getattr(b, f) for b in blocks]) for f in _ROW_FIELDS))


_ROW_FIELDS = ("time", "actor", "action", "target", "post", "parent", "text", "topics")


def _names(prefix: str, count: int, width: int = 0) -> NDArray[np.str_]:
    """``prefix`` + zero-padded numbers: ``_names("u", 3, 5)`` -> u00000, u00001, u00002."""
    numbers = np.arange(count).astype(str)
    padded = np.char.zfill(numbers, width) if width and count else numbers
    return np.asarray(np.char.add(prefix, padded))


def _delays(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """Engagement delays in seconds: the fast log-normal, with a late-discovery tail."""
    fast = rng.lognormal(math.log(_DELAY_FAST[0]), _DELAY_FAST[1], n)
    late = rng.lognormal(math.log(_DELAY_LATE[0]), _DELAY_LATE[1], n)
    return np.where(rng.random(n) < _LATE_SHARE, late, fast)


def _engage(
    rng: np.random.Generator,
    *,
    mean: NDArray[np.float64],
    post_time: NDArray[np.float64],
    post_author: NDArray[np.int64],
    pool: NDArray[np.int64],
    weight: NDArray[np.float64],
    end: float,
    share: NDArray[np.float64] = _ENGAGE_SHARE,
    topic: NDArray[np.int64] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int8]]:
    """Engagement with posts: ``Poisson(mean)`` per post, engagers from *pool* by *weight*.

    With *topic* (each post's topic), *weight* has a column per topic and the
    engagers of a post are drawn by its topic's column. Returns the post
    (position), the engager (an ordinary user), the time and the action of every
    engagement in the log: self-engagement and engagement after *end* are dropped.
    """
    count = rng.poisson(mean)
    post_of = np.repeat(np.arange(post_time.size), count)
    if topic is None:
        actor = pool[rng.choice(pool.size, size=post_of.size, p=weight / weight.sum())]
    else:
        actor = np.empty(post_of.size, dtype=np.int64)
        topic_of = topic[post_of]
        for t in range(weight.shape[1]):  # a loop over topics, not rows
            here = np.flatnonzero(topic_of == t)
            column = weight[:, t]
            actor[here] = pool[rng.choice(pool.size, size=here.size, p=column / column.sum())]
    time = post_time[post_of] + _delays(rng, post_of.size)
    action = rng.choice(_ENGAGE_ACTIONS, size=post_of.size, p=share)
    keep = (actor != post_author[post_of]) & (time <= end)
    return post_of[keep], actor[keep], time[keep], action[keep]


def _engagement_rows(
    post_of: NDArray[np.int64],
    actor_id: NDArray[np.str_],
    time: NDArray[np.float64],
    action: NDArray[np.int8],
    author_id: NDArray[np.str_],
    post_id: NDArray[np.str_],
) -> _Rows:
    """Rows of engagement events; mentions name the author but no post."""
    return _Rows.make(
        time,
        actor_id,
        action,
        target=author_id,
        parent=np.where(action != _actions.MENTION, post_id[post_of], ""),
    )


def _follow_rows(time: NDArray[np.float64], follower: NDArray[np.str_], followed: Any) -> _Rows:
    return _Rows.make(time, follower, _actions.FOLLOW, target=followed)


def _poisson_posts(
    rng: np.random.Generator, rate: NDArray[np.float64], start: float, end: float
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Posts of a Poisson process of *rate* (a day) per author over ``[start, end]``: the
    author (position in *rate*) and the time of each, by time."""
    count = rng.poisson(rate * max(end - start, 0.0) / DAY)
    author = np.repeat(np.arange(rate.size), count)
    time = start + rng.random(author.size) * (end - start)
    order = np.argsort(time, kind="stable")
    return author[order], time[order]


def _posting(
    rng: np.random.Generator,
    *,
    user: NDArray[np.str_],
    post_id: NDArray[np.str_],
    post_time: NDArray[np.float64],
    mean: NDArray[np.float64],
    engagers: NDArray[np.str_],
    weight: NDArray[np.float64],
    end: float,
    share: NDArray[np.float64] = _ENGAGE_SHARE,
    self_index: NDArray[np.int64] | None = None,
    text: Any = "",
) -> _Rows:
    """Posts (by *user*, one per post) and their engagement: ``Poisson(mean)`` a post, the
    engagers among *engagers* by *weight*; *self_index*, the author's position among the
    engagers (``-1``: not one), drops self-engagement."""
    author = np.full(post_time.size, -1, dtype=np.int64) if self_index is None else self_index
    post_of, actor, time, action = _engage(
        rng,
        mean=mean,
        post_time=post_time,
        post_author=author,
        pool=np.arange(engagers.size),
        weight=weight,
        end=end,
        share=share,
    )
    return _Rows.concat(
        [
            _Rows.make(post_time, user, _actions.POST, post=post_id, text=text),
            _engagement_rows(post_of, engagers[actor], time, action, user[post_of], post_id),
        ]
    )
