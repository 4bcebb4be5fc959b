"""The good twins: genuine accounts that each look like an attack and must be left alone.

Each twin population returns a :class:`_Twin`: its accounts, rows, ground truth and latent
quality. Each draws from its own stream, so planting the twins changes no other event.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, HOUR
from influence.datasets.populations import _account, _Ordinary
from influence.datasets.rows import (
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
from influence.datasets.truth import (
    _compress,
    _crowd_truth,
    _delay_cdf,
    _expected_engagers,
    _landing_table,
)
from influence.events import actions as _actions

_HOUR = HOUR
#: A daily post lands within this of its account's hour (uniform).
_JITTER = 4 * _HOUR
#: What the daily posts draw: likes mostly, some shares and replies.
_DAILY_SHARE = np.array([0.7, 0.18, 0.12, 0.0])
_DAILY_REACH = 65.0  # about 15 engagements a post
_BURST_POSTS, _BURST_SPAN = 40, 20 * 60.0  # posts a day, within this many seconds
#: Conversation partners: the chance that the mate replies to a post, that the author
#: answers the reply, and the median delay of each (log-normal, sigma 1).
_REPLY, _ANSWER, _TALK_DELAY = 0.8, 0.5, 20 * 60.0
_NEWCOMERS, _NEWCOMER_DELAY = 300, 6 * _HOUR  # mean of the exponential delay
_NEWCOMER_ACTIONS = np.array([_actions.LIKE, _actions.SHARE, _actions.REPLY], dtype=np.int8)
_NEWCOMER_SHARE = np.array([0.6, 0.25, 0.15])
_MEMBERS = 25
#: Community engagement: likes and replies; per host post, per member post.
_CLUB_SHARE = np.array([0.6, 0.0, 0.4, 0.0])
_CLUB_HOST_MEAN, _CLUB_MEAN = 6.0, 4.0


@dataclass(frozen=True)
class _Twin:
    """A population of good twins: its accounts by :attr:`World.twins` key, its rows, the
    expected distinct genuine engagers of its accounts over the whole future window and
    their latent quality."""

    groups: dict[str, list[str]]
    rows: _Rows
    truth: dict[str, float]
    quality: dict[str, float]


def _daily(
    rng: np.random.Generator, hour: NDArray[np.float64], end: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """One post a day per account at its *hour*, give or take :data:`_JITTER` (uniform),
    through the log: the account (position in *hour*), the day and the time, by time."""
    n_days = max(math.ceil(end / DAY), 1)
    owner = np.repeat(np.arange(hour.size), n_days)
    day = np.tile(np.arange(n_days), hour.size)
    time = day * DAY + hour[owner] + rng.uniform(-_JITTER, _JITTER, owner.size)
    keep = np.flatnonzero((time > 0) & (time <= end))
    keep = keep[np.argsort(time[keep], kind="stable")]
    return owner[keep], day[keep], time[keep]


def _broadcasters(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
) -> _Twin:
    """Two daily columnists: a post a day at about the same hour, about 15 engagements
    each; they do nothing else."""
    ids = _names("broadcaster", 2, 1)
    hour = rng.uniform(4 * _HOUR, 19 * _HOUR, ids.size)
    quality = rng.lognormal(0.0, 0.1, ids.size)
    mean = _PER_POST * quality * _DAILY_REACH
    owner, day, time = _daily(rng, hour, end)
    weight = pop.activity[genuine]
    rows = _posting(
        rng,
        user=ids[owner],
        post_id=_names("n", time.size, 1),
        post_time=time,
        mean=mean[owner],
        engagers=pop.ids[genuine],
        weight=weight,
        end=end,
        share=_DAILY_SHARE,
        text=np.char.add(np.array(["column ", "letter "])[owner], (day + 1).astype(str)),
    )
    truth = {
        str(ids[i]): _daily_engagers(float(hour[i]), float(mean[i]), weight, end, future)
        for i in range(ids.size)
    }
    return _Twin(
        {"broadcaster": ids.tolist()}, rows, truth, dict(zip(ids.tolist(), quality.tolist()))
    )


def _burst(
    rng: np.random.Generator, pop: _Ordinary, genuine: NDArray[np.int64], end: float
) -> _Twin:
    """The broadcaster with volume: 40 posts of the same text within minutes every day,
    one of which draws a broadcaster's engagement."""
    hour = rng.uniform(4 * _HOUR, 19 * _HOUR, 1)
    mean = _PER_POST * rng.lognormal(0.0, 0.1) * _DAILY_REACH
    _, day, start = _daily(rng, hour, end)
    day = np.repeat(day, _BURST_POSTS)
    time = np.repeat(start, _BURST_POSTS) + rng.uniform(0.0, _BURST_SPAN, day.size)
    engaged = np.zeros(day.size, dtype=bool)
    engaged[np.arange(start.size) * _BURST_POSTS + rng.integers(0, _BURST_POSTS, start.size)] = True
    keep = time <= end
    rows = _posting(
        rng,
        user=np.full(int(keep.sum()), "burst"),
        post_id=_names("v", int(keep.sum())),
        post_time=time[keep],
        mean=np.where(engaged[keep], mean, 0.0),
        engagers=pop.ids[genuine],
        weight=pop.activity[genuine],
        end=end,
        share=_DAILY_SHARE,
        text=np.char.add("digest ", (day[keep] + 1).astype(str)),
    )
    return _Twin({"burst_poster": ["burst"]}, rows, {}, {})


def _partners(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """Two pairs of friends who reply to each other's posts within minutes, all along the
    log; a few friends of each engage their posts too."""
    ids = _names("partner", 4, 1)
    mate = np.array([1, 0, 3, 2])
    rate = rng.lognormal(math.log(0.8), 0.2, ids.size)
    quality = rng.lognormal(0.0, 0.3, ids.size)
    mean = _PER_POST * quality * 5.0
    friends = genuine[np.argsort(rng.random((ids.size, genuine.size)), axis=1)[:, :8]]
    blocks, times, posts, truth = [], [], [], {}
    for i, user in enumerate(ids.tolist()):  # each partner's posts, engaged by its friends
        rows, time, post = _account(
            rng, pop, friends[i], user=user, prefix=f"t{i}-", rate=rate[i], mean=mean[i], end=end
        )
        blocks.append(rows)
        times.append(time)
        posts.append(post)
        # The mate's replies and answers, minutes after the post: rate x F in the window.
        talk = _REPLY * (rate[i] + _ANSWER * rate[mate[i]]) * future / DAY
        crowd = _crowd_truth(rate[i], mean[i], pop.activity[friends[i]], table)
        truth[user] = crowd - math.expm1(-talk)
    author = np.repeat(np.arange(ids.size), [t.size for t in times])
    post_time, post_id = np.concatenate(times), np.concatenate(posts)
    replied = np.flatnonzero(rng.random(post_time.size) < _REPLY)
    reply_time = post_time[replied] + rng.lognormal(math.log(_TALK_DELAY), 1.0, replied.size)
    reply_id = _names("r", replied.size, 1)
    answered = np.flatnonzero(rng.random(replied.size) < _ANSWER)
    answer_time = reply_time[answered] + rng.lognormal(math.log(_TALK_DELAY), 1.0, answered.size)
    poster, replier = ids[author[replied]], ids[mate[author[replied]]]
    blocks += [
        _Rows.make(
            reply_time,
            replier,
            _actions.REPLY,
            target=poster,
            post=reply_id,
            parent=post_id[replied],
        ),
        _Rows.make(
            answer_time,
            poster[answered],
            _actions.REPLY,
            target=replier[answered],
            post=_names("a", answered.size, 1),
            parent=reply_id[answered],
        ),
    ]
    rows = _Rows.concat(blocks)
    return _Twin(
        {"partners": ids.tolist()},
        rows.take(rows.time <= end),
        truth,
        dict(zip(ids.tolist(), quality.tolist())),
    )


def _viral(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """An ordinary user one of whose posts, late in the log, brings 300 newcomers who
    engage it once each and do nothing else."""
    quality = float(rng.lognormal(0.0, 0.3))
    mean = _PER_POST * quality * rng.uniform(3.0, 6.0)
    rate = float(rng.lognormal(math.log(0.8), 0.3))
    regular, _, _ = _account(
        rng, pop, genuine, user="viral", prefix="w", rate=rate, mean=mean, end=end
    )
    span = min(10 * DAY, end / 6)
    delay = min(_NEWCOMER_DELAY, span / 8)
    newcomers = _names("newcomer", _NEWCOMERS, 5)
    time = end - span + rng.exponential(delay, newcomers.size)
    action = rng.choice(_NEWCOMER_ACTIONS, size=newcomers.size, p=_NEWCOMER_SHARE)
    fans = _Rows.make(time, newcomers, action, target="viral", parent="viral-post")
    rows = _Rows.concat(
        [
            regular,
            _Rows.make(np.array([end - span]), "viral", _actions.POST, post="viral-post"),
            fans.take(fans.time <= end),
        ]
    )
    # Newcomers whose delay lands in the window (none, but in a tiny log) count too.
    late = newcomers.size * (math.exp(-span / delay) - math.exp(-(span + future) / delay))
    truth = {"viral": _crowd_truth(rate, mean, pop.activity[genuine], table) + late}
    truth.update(dict.fromkeys(newcomers.tolist(), 0.0))  # nobody engages them
    return _Twin(
        {"viral": ["viral"], "newcomer": newcomers.tolist()}, rows, truth, {"viral": quality}
    )


def _recipients(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
) -> _Twin:
    """Three accounts that receive mentions from a few contacts each, every few days, and
    barely act: one mention from the first, none from the others."""
    ids = _names("recipient", 3, 1)
    size = np.minimum(rng.integers(3, 7, ids.size), genuine.size)
    contacts = [rng.choice(genuine, size=k, replace=False) for k in size]
    whom = np.repeat(np.arange(ids.size), size)
    contact = np.concatenate(contacts)
    rate = rng.uniform(0.1, 1 / 3, contact.size)  # a day
    sender = np.repeat(np.arange(contact.size), rng.poisson(rate * end / DAY))
    time = rng.uniform(0.0, end, sender.size)
    rows = _Rows.concat(
        [
            _Rows.make(time, pop.ids[contact[sender]], _actions.MENTION, target=ids[whom[sender]]),
            _Rows.make(
                np.array([max(end - 50 * DAY, end / 6)]),
                ids[0],
                _actions.MENTION,
                target=pop.ids[contacts[0][0]],
            ),
        ]
    )
    # Each contact mentions at its rate, no delay: present in the window w.p. 1 - e^{-rate F}.
    expected = np.bincount(whom, weights=-np.expm1(-rate * future / DAY), minlength=ids.size)
    return _Twin({"recipient": ids.tolist()}, rows, dict(zip(ids.tolist(), expected.tolist())), {})


def _link_poster(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """About 3 distinct links a day, each engaged by about 5 genuine users."""
    audience = genuine[rng.random(genuine.size) < 0.35]
    if audience.size == 0:
        audience = genuine
    quality = float(rng.lognormal(0.0, 0.2))
    mean = _PER_POST * quality * 22.0

    def links(count: int) -> NDArray[np.str_]:
        number = np.char.zfill(np.arange(count).astype(str), 5)
        return np.asarray(np.char.add("https://example.org/notes/", number))

    rows, _, _ = _account(
        rng,
        pop,
        audience,
        user="links",
        prefix="l",
        rate=3.0,
        mean=mean,
        end=end,
        share=_LINK_SHARE,
        text=links,
    )
    truth = {"links": _crowd_truth(3.0, mean, pop.activity[audience], table)}
    return _Twin({"link_poster": ["links"]}, rows, truth, {"links": quality})


def _community(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """An established account whose club joins within a day, late in the log: members
    follow it and engage its posts, and post and engage each other's posts."""
    members = _names("member", _MEMBERS, 5)
    n = members.size
    span = min(12 * DAY, end / 5)
    joined = end - span + rng.uniform(0.0, span / 12, n)
    start = end - span + span / 12  # everyone is in: the club's life begins
    quality = float(rng.lognormal(0.0, 0.3))
    mean = _PER_POST * quality * rng.uniform(3.0, 6.0)
    rate = float(rng.lognormal(0.0, 0.2))
    host_rows, host_time, host_post = _account(
        rng, pop, genuine, user="host", prefix="h", rate=rate, mean=mean, end=end
    )
    host = np.full(host_time.size, "host")
    blocks = [host_rows]
    # The members' engagement of the host's posts from the club's start on.
    post_of, actor, time, action = _engage(
        rng,
        mean=np.where(host_time >= start, _CLUB_HOST_MEAN, 0.0),
        post_time=host_time,
        post_author=np.full(host_time.size, -1, dtype=np.int64),
        pool=np.arange(n),
        weight=np.ones(n),
        end=end,
        share=_CLUB_SHARE,
    )
    blocks.append(_engagement_rows(post_of, members[actor], time, action, host[post_of], host_post))
    # Follows: the host minutes after joining, then three fellow members.
    fan = np.repeat(np.arange(n), 3)
    fellow = (fan + 1 + np.argsort(rng.random((n, n - 1)), axis=1)[:, :3].ravel()) % n
    blocks += [
        _follow_rows(joined + rng.lognormal(math.log(600.0), 1.0, n), members, "host"),
        _follow_rows(
            start + rng.lognormal(math.log(3600.0), 1.0, fan.size), members[fan], members[fellow]
        ),
    ]
    # The members' own posts, engaged by fellow members.
    member_rate = rng.lognormal(0.0, 0.3, n)
    author, post_time = _poisson_posts(rng, member_rate, start, end)
    blocks.append(
        _posting(
            rng,
            user=members[author],
            post_id=_names("m", post_time.size, 1),
            post_time=post_time,
            mean=np.full(post_time.size, _CLUB_MEAN),
            engagers=members,
            weight=np.ones(n),
            end=end,
            share=_CLUB_SHARE,
            self_index=author,
        )
    )
    rows = _Rows.concat(blocks)
    club = _landing_table(start, end + future, end, future)
    fellows = np.full(n, 1.0 / n)
    host_truth = _crowd_truth(rate, mean, pop.activity[genuine], table) + _crowd_truth(
        rate, _CLUB_HOST_MEAN, np.ones(n), club
    )
    member_truth = _expected_engagers(
        member_rate / DAY, np.full(n, _CLUB_MEAN), fellows, fellows, club
    )
    return _Twin(
        {"community": ["host"], "member": members.tolist()},
        rows.take(rows.time <= end),
        {"host": host_truth, **dict(zip(members.tolist(), member_truth.tolist()))},
        {"host": quality},
    )


def _daily_engagers(
    hour: float, mean: float, weight: NDArray[np.float64], end: float, future: float
) -> float:
    r"""Expected distinct engagers in the window of a poster who posts once a day at *hour*
    give or take :data:`_JITTER` (uniform), each post drawing ``Poisson(mean)``
    engagements from engagers weighted by *weight*.

    Engager :math:`v` (share :math:`p`) is absent with probability
    :math:`\prod_k E_J[e^{-m p q(s_k)}]` over the days :math:`k`, the jitter
    :math:`J` independent from one day to the next (midpoint rule, 64 points).
    """
    days = np.arange(math.ceil((end + future + _JITTER) / DAY) + 1)
    jitter = ((np.arange(64) + 0.5) / 64 * 2.0 - 1.0) * _JITTER
    s = (days * DAY + hour)[:, None] + jitter[None, :]
    q = (_delay_cdf(end + future - s) - _delay_cdf(end - s)).ravel()
    values, counts = _compress(weight / weight.sum())
    absent = np.empty(values.size)
    step = max(1, 2_000_000 // q.size)
    for i in range(0, values.size, step):  # chunks of engagers: bounded memory
        x = mean * values[i : i + step, None] * q[None, :]
        absent[i : i + step] = np.log(np.exp(-x).reshape(-1, days.size, 64).mean(axis=2)).sum(1)
    return float(-np.expm1(absent) @ counts)
