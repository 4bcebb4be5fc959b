"""What an account's own conduct says about it: repeated texts, links only, clockwork timing."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from influence.components.activity import Activity
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels import (
    ENGAGEMENT,
    count_distinct_pairs,
    post_answers,
    post_origins,
)
from influence.pairs import stable_order

__all__ = ["answered_by", "content_shares", "history", "regularity"]


def answered_by(
    events: Events, as_of: float, in_window: NDArray[np.bool_], since: float = -np.inf
) -> NDArray[np.float64]:
    """Per account: distinct other accounts that engaged posts of its own in the window,
    posts created after *since* (epoch seconds) only."""
    created, author = post_origins(events, as_of)
    rows = np.flatnonzero(in_window & ENGAGEMENT[events.action] & (events.parent >= 0))
    parent = events.parent[rows]
    owner = np.where(created[parent] > since, author[parent], -1)
    mine = (owner >= 0) & (owner != events.actor[rows])
    n = events.n_users
    return count_distinct_pairs(owner[mine], events.actor[rows][mine], n, n).astype(np.float64)


def history(
    events: Events, as_of: float, since: float
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per account, over ``(since, as_of]``: when it first and last acted, and when it
    first appeared at all (acting or acted upon); with the rows read (actions that are
    not self-interactions), in time order.

    Accounts that did not act read ``as_of`` and ``-inf``.
    """
    t = events.time
    seen = np.flatnonzero((t <= as_of) & (t > since) & (events.actor != events.target))
    first = np.full(events.n_users, float(as_of))
    first[events.actor[seen[::-1]]] = t[seen[::-1]]  # earliest write wins last
    last = np.full(events.n_users, -np.inf)
    last[events.actor[seen]] = t[seen]  # latest write wins
    appeared = first.copy()
    aimed = seen[events.target[seen] >= 0]
    np.minimum.at(appeared, events.target[aimed], t[aimed])
    return seen, first, last, appeared


def content_shares(
    events: Events, in_window: NDArray[np.bool_], as_of: float, content_prior: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Per account: repeated-text share, link-only share (both over answered posts), posts."""
    n = events.n_users
    posts = np.flatnonzero((events.action == _actions.POST) & in_window)
    n_posts = np.bincount(events.actor[posts], minlength=n)
    heard = post_answers(events, as_of)[events.post[posts]] > 0
    with_text = events.text[posts] >= 0
    n_texts = max(len(events.texts), 1)

    def distinct(keep: NDArray[np.bool_]) -> NDArray[np.int64]:
        chosen = posts[keep]
        return count_distinct_pairs(events.actor[chosen], events.text[chosen], n, n_texts)

    texted = np.bincount(events.actor[posts[with_text]], minlength=n)
    repeats = (texted - distinct(with_text)).astype(np.float64)
    answered = distinct(with_text & heard).astype(np.float64)
    junk = np.divide(
        repeats, repeats + answered + content_prior,
        out=np.zeros(n), where=repeats > 0,
    )  # fmt: skip
    link = Activity.link_only(events)[posts]
    link_only = np.bincount(events.actor[posts[link]], minlength=n).astype(np.float64)
    other = np.bincount(events.actor[posts[~link & heard]], minlength=n).astype(np.float64)
    links = np.divide(
        link_only, link_only + other + content_prior,
        out=np.zeros(n), where=link_only > 0,
    )  # fmt: skip
    return junk, links, n_posts


def regularity(events: Events, rows: NDArray[np.intp], min_posts: float) -> NDArray[np.float64]:
    """Per account, how clockwork its timing is: 1 when the gaps between its actions
    barely vary (coefficient of variation 0.1 or less), 0 from 0.5 up (people are
    bursty: their gaps vary more than their mean)."""
    n = events.n_users
    order, _ = stable_order(events.actor[rows])  # rows are time-sorted
    who = events.actor[rows][order]
    when = events.time[rows][order]
    same = who[1:] == who[:-1]
    gap = np.diff(when)[same]
    owner = who[1:][same]
    count = np.bincount(owner, minlength=n).astype(np.float64)
    mean = np.divide(
        np.bincount(owner, weights=gap, minlength=n), count, out=np.zeros(n), where=count > 0
    )
    square = np.divide(
        np.bincount(owner, weights=gap * gap, minlength=n),
        count,
        out=np.zeros(n),
        where=count > 0,
    )
    spread = np.sqrt(np.maximum(square - mean * mean, 0.0))
    variation = np.divide(spread, mean, out=np.full(n, np.inf), where=mean > 0)
    regular = np.clip((0.5 - variation) / 0.4, 0.0, 1.0)
    return np.where(count >= min_posts, regular, 0.0)
