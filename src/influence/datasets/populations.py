"""The genuine populations: ordinary users and their roles, the curator and the dormant star.

:func:`_ordinary` draws the ordinary users (latent quality, audience, posting rate and
activity), their posts, engagement and follows; every other population builds on it.
:func:`_roles` picks the ring members and the Sybil target among them, whatever is switched
on. The curator and the dormant star are genuine accounts simulated on their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.datasets.rows import (
    _ENGAGE_SHARE,
    _LINK_SHARE,
    _PER_POST,
    _engage,
    _engagement_rows,
    _follow_rows,
    _names,
    _poisson_posts,
    _posting,
    _Rows,
)
from influence.datasets.topics import TOPIC_NAMES, _affinity, _post_topics
from influence.events import actions as _actions

_LINK_SITES = np.array(
    ["news.example.org", "science.example.com", "blog.example.net", "papers.example.edu"]
)


@dataclass(frozen=True)
class _Ordinary:
    """The ordinary population: parameters per user, posts and the rows of the log."""

    ids: NDArray[np.str_]
    quality: NDArray[np.float64]
    audience: NDArray[np.float64]
    posts_per_day: NDArray[np.float64]
    activity: NDArray[np.float64]
    mean: NDArray[np.float64]  # expected engagements per post
    post_author: NDArray[np.int64]  # posts in the log, by time
    post_time: NDArray[np.float64]
    post_id: NDArray[np.str_]
    rows: _Rows


def _ordinary(
    rng: np.random.Generator,
    n: int,
    end: float,
    topics: tuple[np.random.Generator, NDArray[np.float64]] | None = None,
) -> _Ordinary:
    """The ordinary users; with *topics* (a random stream and each user's share of posts
    per topic, :mod:`~influence.datasets.topics`), each post is about a topic of its
    author's and its engagers are drawn by interest in it."""
    ids = _names("u", n, 5)
    quality = rng.lognormal(0.0, 0.6, n)
    audience = rng.pareto(1.6, n) + 1.0
    posts_per_day = rng.lognormal(math.log(0.6), 0.8, n)
    activity = rng.lognormal(0.0, 0.8, n)
    mean = _PER_POST * quality * audience

    n_posts = rng.poisson(posts_per_day * end / DAY)
    author = np.repeat(np.arange(n), n_posts)
    post_time = rng.uniform(0.0, end, author.size)
    order = np.argsort(post_time, kind="stable")
    author, post_time = author[order], post_time[order]
    post_id = _names("p", author.size)
    topic, weight, tags = None, activity, np.asarray("")
    if topics is not None:
        topic_rng, shares = topics
        topic = _post_topics(topic_rng, shares, author)
        weight = _affinity(activity, shares)
        tags = np.asarray(TOPIC_NAMES)[topic]
    post_of, actor, time, action = _engage(
        rng,
        mean=mean[author],
        post_time=post_time,
        post_author=author,
        pool=np.arange(n),
        weight=weight,
        end=end,
        topic=topic,
    )
    follow_count = rng.poisson(3.0, n)
    follower = np.repeat(np.arange(n), follow_count)
    liked = audience * quality
    followed = rng.choice(n, size=follower.size, p=liked / liked.sum())
    follow_time = rng.uniform(0.0, end, follower.size)
    ok = follower != followed
    rows = _Rows.concat(
        [
            _Rows.make(post_time, ids[author], _actions.POST, post=post_id, topics=tags),
            _engagement_rows(post_of, ids[actor], time, action, ids[author[post_of]], post_id),
            _follow_rows(follow_time[ok], ids[follower[ok]], ids[followed[ok]]),
        ]
    )
    return _Ordinary(
        ids=ids,
        quality=quality,
        audience=audience,
        posts_per_day=posts_per_day,
        activity=activity,
        mean=mean,
        post_author=author,
        post_time=post_time,
        post_id=post_id,
        rows=rows,
    )


def _roles(
    rng: np.random.Generator, pop: _Ordinary, ring_size: int, end: float
) -> tuple[NDArray[np.int64], int]:
    """Ring members and the Sybil target, chosen whatever is switched on."""
    n = pop.ids.size
    # Ring members: ordinary users, not among the biggest audiences.
    candidates = np.flatnonzero(pop.audience < np.quantile(pop.audience, 0.9))
    if candidates.size < ring_size:
        candidates = np.argsort(pop.audience, kind="stable")[:ring_size]
    members = np.sort(rng.choice(candidates, size=ring_size, replace=False))
    # Sybil target: a weak genuine user (bottom third by expected engagement a day)
    # who posted recently.
    genuine = np.ones(n, dtype=bool)
    genuine[members] = False
    strength = pop.posts_per_day * pop.mean
    recent = np.bincount(pop.post_author[pop.post_time > end - 14 * DAY], minlength=n)
    weak = genuine & (strength <= np.quantile(strength[genuine], 1 / 3))
    pool = np.flatnonzero(weak & (recent >= 2))
    if pool.size == 0:  # a tiny or short world: the weakest genuine user who posted at all
        posted = np.flatnonzero(genuine & (np.bincount(pop.post_author, minlength=n) > 0))
        pool = posted if posted.size else np.flatnonzero(genuine)
        pool = pool[[int(np.argmin(strength[pool]))]]
    return members, int(rng.choice(pool))


def _account(
    rng: np.random.Generator,
    pop: _Ordinary,
    pool: NDArray[np.int64],
    *,
    user: str,
    prefix: str,
    rate: float,
    mean: float,
    end: float,
    stop: float | None = None,
    share: NDArray[np.float64] = _ENGAGE_SHARE,
    text: Callable[[int], NDArray[np.str_]] | None = None,
) -> tuple[_Rows, NDArray[np.float64], NDArray[np.str_]]:
    """One account posting at *rate* a day (Poisson) until *stop* (the end of the log by
    default), each post drawing ``Poisson(mean)`` engagements from the ordinary users *pool*
    by activity: its rows and the times and ids of its posts."""
    _, post_time = _poisson_posts(rng, np.array([rate]), 0.0, end if stop is None else stop)
    n = post_time.size
    post_id = _names(prefix, n, 1)
    rows = _posting(
        rng,
        user=np.full(n, user),
        post_id=post_id,
        post_time=post_time,
        mean=np.full(n, mean),
        engagers=pop.ids[pool],
        weight=pop.activity[pool],
        end=end,
        share=share,
        text="" if text is None else text(n),
    )
    return rows, post_time, post_id


@dataclass(frozen=True)
class _Special:
    """A genuine account simulated on its own: the curator or the dormant star."""

    user: str
    quality: float
    posts_per_day: float
    mean: float  # expected engagements per post
    audience: NDArray[np.int64]  # the ordinary users who engage
    stop: float  # seconds since EPOCH of the last possible post
    rows: _Rows


def _special(
    rng: np.random.Generator,
    pop: _Ordinary,
    *,
    user: str,
    prefix: str,
    quality: float,
    reach: float,
    posts_per_day: float,
    audience: NDArray[np.int64],
    stop: float,
    end: float,
    text: Callable[[int], NDArray[np.str_]] | None,
    share: NDArray[np.float64],
) -> _Special:
    mean = _PER_POST * quality * reach
    posts, _, _ = _account(
        rng,
        pop,
        audience,
        user=user,
        prefix=prefix,
        rate=posts_per_day,
        mean=mean,
        end=end,
        stop=stop,
        share=share,
        text=text,
    )
    follow_time = rng.uniform(0.0, stop, audience.size)
    rows = _Rows.concat([posts, _follow_rows(follow_time, pop.ids[audience], user)])
    return _Special(user, quality, posts_per_day, mean, audience, stop, rows)


def _curator(
    rng: np.random.Generator, pop: _Ordinary, genuine: NDArray[np.int64], end: float
) -> _Special:
    audience = genuine[rng.random(genuine.size) < 0.35]
    if audience.size == 0:
        audience = genuine

    def links(count: int) -> NDArray[np.str_]:
        site = _LINK_SITES[rng.integers(0, _LINK_SITES.size, count)]
        story = rng.integers(100_000, 1_000_000, count).astype(str)
        return np.asarray(np.char.add(np.char.add("https://", site), np.char.add("/s/", story)))

    return _special(
        rng,
        pop,
        user="curator",
        prefix="c",
        quality=float(rng.lognormal(0.0, 0.2)),
        reach=1.5,
        posts_per_day=200.0,
        audience=audience,
        stop=end,
        end=end,
        text=links,
        share=_LINK_SHARE,
    )


def _star(
    rng: np.random.Generator, pop: _Ordinary, genuine: NDArray[np.int64], end: float
) -> _Special:
    audience = genuine[rng.random(genuine.size) < 0.7]
    if audience.size == 0:
        audience = genuine
    silent = min(rng.uniform(21.0, 35.0) * DAY, end / 2)
    return _special(
        rng,
        pop,
        user="star",
        prefix="s",
        quality=float(rng.lognormal(math.log(1.5), 0.2)),
        reach=100.0,
        posts_per_day=float(rng.uniform(2.0, 4.0)),
        audience=audience,
        stop=end - silent,
        end=end,
        text=None,
        share=_ENGAGE_SHARE,
    )
