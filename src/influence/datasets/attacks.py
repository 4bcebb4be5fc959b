"""The planted attacks: the spam account and its farm, the farm's customers, ring and Sybils.

Each attack reads the ordinary population and draws only from the stream it is given, so that
switching it off removes its events and changes nothing else. Attack events after the end of
the log are dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.datasets.populations import _Ordinary
from influence.datasets.rows import _delays, _engagement_rows, _follow_rows, _names, _Rows
from influence.events import actions as _actions

__all__ = ["FARM_TEXTS", "SPAM_TEXTS"]

#: The handful of texts the spam account repeats.
SPAM_TEXTS: tuple[str, ...] = ("acorn", "sniff", "jump jump jump", "acorn acorn", "sniff sniff")
#: What the farm bots that post at all post.
FARM_TEXTS: tuple[str, ...] = ("gm", "follow back", "f4f", "nice", "acorn")
#: What a conversing ring member does with a genuine post (``ring_mixing``).
_CHAT_ACTIONS = np.array(
    [_actions.REPLY, _actions.MENTION, _actions.LIKE, _actions.SHARE], dtype=np.int8
)
_CHAT_SHARE = np.array([0.35, 0.15, 0.35, 0.15])


def _spam(
    rng: np.random.Generator, end: float
) -> tuple[_Rows, NDArray[np.float64], NDArray[np.str_]]:
    """The spam account's posts: 100-300 a day (pro rata on a last partial day)."""
    n_days = max(math.ceil(end / DAY), 1)
    length = np.minimum(DAY, end - np.arange(n_days) * DAY)
    per_day = rng.integers(100, 301, n_days)
    count = np.rint(per_day * length / DAY).astype(np.int64)
    day = np.repeat(np.arange(n_days), count)
    time = np.sort(day * DAY + rng.random(day.size) * length[day])
    post_id = _names("x", time.size)
    text = np.asarray(SPAM_TEXTS)[rng.choice(len(SPAM_TEXTS), size=time.size)]
    return _Rows.make(time, "spam", _actions.POST, post=post_id, text=text), time, post_id


def _farm(
    rng: np.random.Generator,
    size: int,
    end: float,
    spam_time: NDArray[np.float64],
    spam_post: NDArray[np.str_],
    pop: _Ordinary,
    genuine: NDArray[np.int64],
) -> tuple[_Rows, NDArray[np.str_]]:
    """Fresh bots that follow the spam account and like or share its every later post."""
    ids = _names("farm", size, 5)
    window = min(10 * DAY, end / 2)
    created = end - rng.uniform(0.1, 1.0, size) * window
    follow = created + rng.lognormal(math.log(60.0), 0.5, size)
    # Every spam post after the bot's creation, liked or shared within minutes.
    first = np.searchsorted(spam_time, created)
    count = spam_time.size - first
    bot = np.repeat(np.arange(size), count)
    offset = np.arange(bot.size) - np.repeat(np.cumsum(count) - count, count)
    post = first[bot] + offset
    time = spam_time[post] + rng.lognormal(math.log(90.0), 1.0, bot.size)
    action = np.where(rng.random(bot.size) < 0.7, _actions.LIKE, _actions.SHARE).astype(np.int8)
    amplify = _Rows.make(time, ids[bot], action, target="spam", parent=spam_post[post])
    junk = _bot_junk(rng, ids, created, end)
    cover = _bot_cover(rng, ids, created, pop, genuine, 0.5)
    rows = _Rows.concat([_follow_rows(follow, ids, "spam"), amplify, junk, cover])
    return rows.take(rows.time <= end), ids


def _bot_junk(
    rng: np.random.Generator, ids: NDArray[np.str_], created: NDArray[np.float64], end: float
) -> _Rows:
    """Some bots (40%) post a few junk texts (3 on average) after their creation."""
    size = ids.size
    n_junk = rng.poisson(3.0, size) * (rng.random(size) < 0.4)
    poster = np.repeat(np.arange(size), n_junk)
    junk_time = created[poster] + rng.random(poster.size) * (end - created[poster])
    junk_text = np.asarray(FARM_TEXTS)[rng.choice(len(FARM_TEXTS), size=poster.size)]
    return _Rows.make(
        junk_time, ids[poster], _actions.POST, post=_names("f", poster.size), text=junk_text
    )


def _bot_cover(
    rng: np.random.Generator,
    ids: NDArray[np.str_],
    created: NDArray[np.float64],
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    rate: float,
) -> _Rows:
    """Camouflage: likes (Poisson, mean *rate* per bot) of genuine posts made from two
    days before the bot's creation on."""
    size = ids.size
    is_genuine = np.zeros(pop.ids.size, dtype=bool)
    is_genuine[genuine] = True
    real = np.flatnonzero(is_genuine[pop.post_author])
    start = np.searchsorted(pop.post_time[real], created - 2 * DAY)
    available = real.size - start
    n_cover = rng.poisson(rate, size) * (available > 0)
    liker = np.repeat(np.arange(size), n_cover)
    pick = real[start[liker] + (rng.random(liker.size) * available[liker]).astype(np.int64)]
    cover_time = np.maximum(pop.post_time[pick], created[liker]) + rng.lognormal(
        math.log(3600.0), 1.0, liker.size
    )
    return _Rows.make(
        cover_time,
        ids[liker],
        _actions.LIKE,
        target=pop.ids[pop.post_author[pick]],
        parent=pop.post_id[pick],
    )


@dataclass(frozen=True)
class _Customers:
    """The customers of a farm that sells engagement, and their posts (sorted by time)."""

    ids: NDArray[np.str_]  # every customer, genuine ones first
    fresh: NDArray[np.str_]  # the fresh accounts among them
    post_time: NDArray[np.float64]
    post_owner: NDArray[np.str_]
    post_id: NDArray[np.str_]
    rows: _Rows  # the fresh customers' own posts and follows


def _customers(
    rng: np.random.Generator,
    count: int,
    pop: _Ordinary,
    genuine: NDArray[np.bool_],
    members: NDArray[np.int64],
    target: int,
    end: float,
) -> _Customers:
    """Half weak genuine users (never the Sybil target nor a ring member), half fresh
    accounts that post about twice a day."""
    n = pop.ids.size
    strength = pop.posts_per_day * pop.mean
    recent = np.bincount(pop.post_author[pop.post_time > end - 14 * DAY], minlength=n)
    weak = genuine & (strength <= np.quantile(strength[genuine], 1 / 3)) & (recent >= 2)
    weak[target] = False
    weak[members] = False
    pool = np.flatnonzero(weak)
    chosen = np.sort(rng.choice(pool, size=min(count // 2, pool.size), replace=False))
    n_fresh = count - chosen.size
    fresh = _names("buyer", n_fresh, 5)
    created = end - rng.uniform(min(10 * DAY, end / 4), min(30 * DAY, 0.75 * end), n_fresh)
    rate = rng.lognormal(math.log(2.0), 0.3, n_fresh)
    n_posts = rng.poisson(rate * (end - created) / DAY)
    owner = np.repeat(np.arange(n_fresh), n_posts)
    fresh_time = created[owner] + rng.random(owner.size) * (end - created[owner])
    fresh_post = _names("b", owner.size)
    # Each follows three established accounts, soon after its creation.
    follower = np.repeat(np.arange(n_fresh), 3)
    liked = np.where(genuine, pop.audience * pop.quality, 0.0)
    followed = rng.choice(n, size=follower.size, p=liked / liked.sum())
    follow_time = created[follower] + rng.lognormal(math.log(600.0), 1.0, follower.size)
    own = np.isin(pop.post_author, chosen)
    time = np.concatenate([pop.post_time[own], fresh_time])
    order = np.argsort(time, kind="stable")
    return _Customers(
        ids=np.concatenate([pop.ids[chosen], fresh]),
        fresh=fresh,
        post_time=time[order],
        post_owner=np.concatenate([pop.ids[pop.post_author[own]], fresh[owner]])[order],
        post_id=np.concatenate([pop.post_id[own], fresh_post])[order],
        rows=_Rows.concat(
            [
                _Rows.make(fresh_time, fresh[owner], _actions.POST, post=fresh_post),
                _follow_rows(follow_time, fresh[follower], pop.ids[followed]),
            ]
        ),
    )


def _service(
    rng: np.random.Generator,
    size: int,
    end: float,
    buyers: _Customers,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
) -> tuple[_Rows, NDArray[np.str_]]:
    """Fresh bots that spread follows, likes and shares over the farm's customers."""
    ids = _names("farm", size, 5)
    window = min(10 * DAY, end / 2)
    created = end - rng.uniform(0.1, 1.0, size) * window
    k = buyers.ids.size
    # Each bot follows each customer with probability 1/2.
    bot, whom = np.repeat(np.arange(size), k), np.tile(np.arange(k), size)
    keep = rng.random(bot.size) < 0.5
    bot, whom = bot[keep], whom[keep]
    follow = _follow_rows(
        created[bot] + rng.lognormal(math.log(600.0), 1.0, bot.size), ids[bot], buyers.ids[whom]
    )
    # Each customer post after the bot's creation, liked or shared with probability 1/2.
    first = np.searchsorted(buyers.post_time, created)
    count = buyers.post_time.size - first
    bot = np.repeat(np.arange(size), count)
    post = first[bot] + np.arange(bot.size) - np.repeat(np.cumsum(count) - count, count)
    keep = rng.random(bot.size) < 0.5
    bot, post = bot[keep], post[keep]
    time = buyers.post_time[post] + rng.lognormal(math.log(90.0), 1.0, bot.size)
    action = np.where(rng.random(bot.size) < 0.7, _actions.LIKE, _actions.SHARE).astype(np.int8)
    amplify = _Rows.make(
        time, ids[bot], action, target=buyers.post_owner[post], parent=buyers.post_id[post]
    )
    junk = _bot_junk(rng, ids, created, end)
    cover = _bot_cover(rng, ids, created, pop, genuine, 3.0)
    rows = _Rows.concat([follow, amplify, junk, cover])
    return rows.take(rows.time <= end), ids


def _ring(
    rng: np.random.Generator, members: NDArray[np.int64], pop: _Ordinary, end: float
) -> _Rows:
    """Ring members follow each other, then share each other's every post within minutes."""
    k = members.size
    follower, followed = np.repeat(members, k), np.tile(members, k)
    pair = follower != followed
    follow_time = rng.uniform(0.0, min(3 * DAY, end), int(pair.sum()))
    posts = np.flatnonzero(np.isin(pop.post_author, members))
    post_of, sharer = np.repeat(posts, k), np.tile(members, posts.size)
    other = sharer != pop.post_author[post_of]
    post_of, sharer = post_of[other], sharer[other]
    time = pop.post_time[post_of] + rng.lognormal(math.log(180.0), 0.7, post_of.size)
    rows = _Rows.concat(
        [
            _follow_rows(follow_time, pop.ids[follower[pair]], pop.ids[followed[pair]]),
            _Rows.make(
                time,
                pop.ids[sharer],
                _actions.SHARE,
                target=pop.ids[pop.post_author[post_of]],
                parent=pop.post_id[post_of],
            ),
        ]
    )
    return rows.take(rows.time <= end)


def _chatter(
    rng: np.random.Generator,
    members: NDArray[np.int64],
    ring_rows: _Rows,
    mixing: float,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
) -> _Rows:
    """Ring members' conversation with genuine users: ``mixing / (1 - mixing)`` replies,
    mentions, likes and shares of genuine posts (Poisson) per share given to the ring."""
    member_ids = pop.ids[members]  # sorted, like every id of the ordinary population
    given, per = np.unique(ring_rows.actor[ring_rows.action == _actions.SHARE], return_counts=True)
    shares = np.zeros(members.size)
    shares[np.searchsorted(member_ids, given)] = per
    talker = np.repeat(members, rng.poisson(shares * mixing / (1.0 - mixing)))
    is_genuine = np.zeros(pop.ids.size, dtype=bool)
    is_genuine[genuine] = True
    real = np.flatnonzero(is_genuine[pop.post_author])
    if real.size == 0:
        return _Rows.make(np.zeros(0), "", _actions.LIKE)
    appeal = (pop.audience * pop.quality)[pop.post_author[real]]
    pick = real[rng.choice(real.size, size=talker.size, p=appeal / appeal.sum())]
    time = pop.post_time[pick] + _delays(rng, talker.size)
    action = rng.choice(_CHAT_ACTIONS, size=talker.size, p=_CHAT_SHARE)
    rows = _engagement_rows(
        pick, pop.ids[talker], time, action, pop.ids[pop.post_author[pick]], pop.post_id
    )
    return rows.take(rows.time <= end)


def _sybils(
    rng: np.random.Generator,
    count: int,
    target: int,
    pop: _Ordinary,
    end: float,
    *,
    mesh: int = 0,
) -> tuple[_Rows, NDArray[np.str_]]:
    """A burst of fresh accounts that follow the target and like its recent posts (and,
    with *mesh*, as many fellow Sybils each, within a day of their creation)."""
    ids = _names("sybil", count, 5)
    span = min(rng.uniform(3.0, 8.0) * DAY, end / 2)
    burst = end - span
    created = burst + rng.uniform(0.0, min(6 * 3600.0, span / 2), count)
    follow = created + rng.lognormal(math.log(120.0), 0.5, count)
    posts = np.flatnonzero((pop.post_author == target) & (pop.post_time >= burst - 14 * DAY))
    target_id = pop.ids[target]
    if posts.size:
        sybil, post = np.repeat(np.arange(count), posts.size), np.tile(posts, count)
        liked = rng.random(sybil.size) < 0.7
        sybil, post = sybil[liked], post[liked]
        time = np.maximum(pop.post_time[post], created[sybil])
        parent: Any = pop.post_id[post]
    else:  # nothing to like in the log: likes name the target only
        sybil, time, parent = np.arange(count), created.copy(), ""
    time = time + rng.lognormal(math.log(1200.0), 1.0, sybil.size)
    blocks = [
        _follow_rows(follow, ids, target_id),
        _Rows.make(time, ids[sybil], _actions.LIKE, target=target_id, parent=parent),
    ]
    if mesh:
        # Each Sybil likes `mesh` others drawn at random (never itself; a repeat is a
        # second like): a random non-zero shift along the list.
        liker = np.repeat(np.arange(count), mesh)
        mate = (liker + rng.integers(1, count, liker.size)) % count
        when = created[liker] + rng.uniform(0.0, DAY, liker.size)
        blocks.append(_Rows.make(when, ids[liker], _actions.LIKE, target=ids[mate]))
    rows = _Rows.concat(blocks)
    return rows.take(rows.time <= end), ids
