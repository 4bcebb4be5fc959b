"""Generated data sets: a deterministic synthetic social network.

The generator simulates genuine users with a latent content quality and a
heavy-tailed audience. It is the data behind ``influence demo`` and many tests.
Planted adversaries (spam, farms, rings, Sybils) are a later addition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import _actions, _validate
from ._events import Events

__all__ = ["World", "synthetic"]

DAY = 86_400.0
#: 2026-01-01T00:00:00Z, the start of every generated world.
EPOCH = 1_767_225_600.0

_ENGAGE_ACTIONS = np.array([_actions.LIKE, _actions.SHARE, _actions.REPLY, _actions.MENTION])
_ENGAGE_SHARE = np.array([0.6, 0.2, 0.15, 0.05])


@dataclass(frozen=True)
class World:
    """A generated data set and what is true about it.

    Attributes
    ----------
    events : Events
        The observed log (``days`` days starting at :data:`EPOCH`).
    labels : dict
        User id -> account kind (``"genuine"`` for every user so far).
    truth : dict
        User id -> expected distinct engagers per day over the ``future_days``
        after the log ends, simulated with the same parameters.
    quality : dict
        User id -> the latent content quality that drove the simulation.
    """

    events: Events
    labels: dict[str, str]
    truth: dict[str, float]
    quality: dict[str, float]


def synthetic(
    seed: int = 0, *, n_users: int = 500, days: float = 60.0, future_days: float = 14.0
) -> World:
    """Generate a deterministic synthetic world.

    Each user ``u`` has a content quality ``q_u`` (log-normal), an audience
    weight ``a_u`` (Pareto, heavy-tailed) and a posting rate. Every post draws
    a Poisson number of engagements with mean proportional to ``q_u a_u``;
    engagers are drawn in proportion to their own activity, actions are mostly
    likes, then shares, replies and mentions; delays are log-normal (minutes to
    days). Users also follow the accounts they like best.

    Parameters
    ----------
    seed : int
        Same seed, same world.
    n_users : int, default 500
    days : float, default 60
        Length of the observed log.
    future_days : float, default 14
        Length of the simulated future window behind :attr:`World.truth`.

    Examples
    --------
    >>> world = synthetic(seed=1, n_users=50, days=10)
    >>> len(world.events) > 0 and set(world.labels.values()) == {"genuine"}
    True
    """
    n_users = int(_validate.number("synthetic", "n_users", n_users, low=2))
    _validate.number("synthetic", "days", days, low=0.0, low_open=True)
    _validate.number("synthetic", "future_days", future_days, low=0.0, low_open=True)
    rng = np.random.default_rng(seed)
    ids = np.array([f"u{i:05d}" for i in range(n_users)])
    quality = rng.lognormal(0.0, 0.6, n_users)
    audience = rng.pareto(1.6, n_users) + 1.0
    posts_per_day = rng.lognormal(np.log(0.6), 0.8, n_users)
    activity = rng.lognormal(0.0, 0.8, n_users)
    total = days + future_days

    n_posts = rng.poisson(posts_per_day * total)
    author = np.repeat(np.arange(n_users), n_posts)
    post_time = rng.uniform(0.0, total * DAY, author.size)
    mean = 0.08 * quality[author] * audience[author] * 3.0
    n_eng = rng.poisson(mean)
    post_of = np.repeat(np.arange(author.size), n_eng)
    pick = activity / activity.sum()
    actor = rng.choice(n_users, size=post_of.size, p=pick)
    delay = rng.lognormal(np.log(3 * 3600.0), 1.5, post_of.size)
    eng_time = post_time[post_of] + delay
    action = rng.choice(_ENGAGE_ACTIONS, size=post_of.size, p=_ENGAGE_SHARE)
    ok = actor != author[post_of]
    post_of, actor, eng_time, action = post_of[ok], actor[ok], eng_time[ok], action[ok]

    end = days * DAY
    future = (eng_time > end) & (eng_time <= total * DAY)
    fut_pairs = np.unique(author[post_of[future]].astype(np.int64) * n_users + actor[future])
    engagers = np.bincount(fut_pairs // n_users, minlength=n_users) / future_days

    seen_post = post_time <= end
    seen_eng = eng_time <= end
    pid = np.array([f"p{i}" for i in range(author.size)])
    post_ids = pid[seen_post]
    with_parent = seen_eng & (action != _actions.MENTION)
    follows = _follows(rng, n_users, audience, quality, end)
    time = np.concatenate([post_time[seen_post], eng_time[seen_eng], follows[0]]) + EPOCH
    actors = np.concatenate([ids[author[seen_post]], ids[actor[seen_eng]], ids[follows[1]]])
    targets = np.concatenate(
        [
            np.full(int(seen_post.sum()), None, dtype=object),
            ids[author[post_of[seen_eng]]].astype(object),
            ids[follows[2]].astype(object),
        ]
    )
    actions = np.concatenate(
        [
            np.zeros(int(seen_post.sum()), dtype=np.int8),
            action[seen_eng].astype(np.int8),
            np.full(follows[0].size, _actions.FOLLOW, dtype=np.int8),
        ]
    )
    posts = np.concatenate([post_ids, np.full(int(seen_eng.sum()) + follows[0].size, None)]).astype(
        object
    )
    parents = np.concatenate(
        [
            np.full(int(seen_post.sum()), None, dtype=object),
            np.where(with_parent[seen_eng], pid[post_of[seen_eng]], None),
            np.full(follows[0].size, None, dtype=object),
        ]
    )
    events = Events.from_arrays(
        time=time, actor=actors, action=actions, target=targets, post=posts, parent=parents
    )
    return World(
        events=events,
        labels=dict.fromkeys(ids.tolist(), "genuine"),
        truth=dict(zip(ids.tolist(), engagers.astype(float).tolist())),
        quality=dict(zip(ids.tolist(), quality.astype(float).tolist())),
    )


def _follows(
    rng: np.random.Generator,
    n_users: int,
    audience: NDArray[np.float64],
    quality: NDArray[np.float64],
    end: float,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Follow events: each user follows a few accounts, preferring big, good ones."""
    count = rng.poisson(3.0, n_users)
    follower = np.repeat(np.arange(n_users), count)
    weight = audience * quality
    followed = rng.choice(n_users, size=follower.size, p=weight / weight.sum())
    ok = follower != followed
    time = rng.uniform(0.0, end, int(ok.sum()))
    return time, follower[ok], followed[ok]
