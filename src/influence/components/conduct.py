"""What an account's own conduct says about it: repeated texts, links only, clockwork timing."""

from __future__ import annotations

import math
from typing import NamedTuple

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

__all__ = [
    "ContentCounts",
    "History",
    "answered_by",
    "clockwork",
    "clockwork_of",
    "content_counts",
    "content_shares",
    "gap_sums",
    "history",
    "regularity",
    "shares_of",
]


def answered_by(
    events: Events,
    as_of: float,
    in_window: NDArray[np.bool_],
    since: float = -np.inf,
    *,
    owners: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """Per account: distinct other accounts that engaged posts of its own in the window,
    posts created after *since* (epoch seconds) only.

    With *owners* (one flag per account), only the posts of the flagged accounts are
    counted: the others read 0, and their posts' engagement is not sorted at all.
    """
    created, author = post_origins(events, as_of)
    # Per post, the author counted for it (-1: none): one look-up per engagement.
    counted = np.where(created > since, author, -1)
    if owners is not None:
        known = np.flatnonzero(counted >= 0)
        counted[known[~owners[counted[known]]]] = -1
    rows = np.flatnonzero(in_window & ENGAGEMENT[events.action] & (events.parent >= 0))
    owner = counted[events.parent[rows]]
    actor = events.actor[rows]
    mine = (owner >= 0) & (owner != actor)
    n = events.n_users
    return count_distinct_pairs(owner[mine], actor[mine], n, n).astype(np.float64)


class History(NamedTuple):
    """Per account, over ``(since, as_of]``: when it first and last acted, and when it
    first appeared at all (acting or acted upon); with the rows read (actions that are
    not self-interactions, in time order) and the same rows sorted by actor.

    Accounts that did not act read ``as_of`` and ``-inf``. ``order`` sorts ``rows`` by
    actor, stably (each account's rows stay in time order); ``who`` and ``when`` are
    their actors and times in that order.
    """

    rows: NDArray[np.intp]
    first: NDArray[np.float64]
    last: NDArray[np.float64]
    appeared: NDArray[np.float64]
    order: NDArray[np.intp]
    who: NDArray[np.int64]
    when: NDArray[np.float64]


def history(events: Events, as_of: float, since: float) -> History:
    """Each account's :class:`History` over ``(since, as_of]``.

    One sort of the rows by actor (:func:`~influence.pairs.stable_order`): an account's
    first and last action are the ends of its run, read in order, and the same sorted
    rows give :func:`clockwork` its gaps.
    """
    n = events.n_users
    # The table is in time order: the rows of (since, as_of] are one slice of it.
    lo, hi = np.searchsorted(events.time, [since, as_of], side="right")
    actor, target, t = events.actor[lo:hi], events.target[lo:hi], events.time[lo:hi]
    acting = actor != target
    seen = np.flatnonzero(acting)
    order, who = stable_order(actor[acting])
    t_seen = t[acting]
    when = t_seen[order]
    first = np.full(n, float(as_of))
    last = np.full(n, -np.inf)
    if seen.size:
        new = np.empty(seen.size, dtype=bool)
        new[0] = True
        np.not_equal(who[1:], who[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        first[who[starts]] = when[starts]
        ends = np.append(starts[1:], seen.size) - 1
        last[who[ends]] = when[ends]
    # First acted upon: the earliest write of each target wins (written last); rows aimed
    # at no one (target -1) write to a spare last slot.
    upon = np.full(n + 1, np.inf)
    upon[target[acting][::-1]] = t_seen[::-1]
    seen += lo
    return History(seen, first, last, np.minimum(first, upon[:n]), order, who, when)


class ContentCounts(NamedTuple):
    """Per account, its posts in a window and what the repetition and link-only shares
    read of them (:func:`content_counts`)."""

    repeats: NDArray[np.float64]
    answered: NDArray[np.float64]
    link_only: NDArray[np.float64]
    other: NDArray[np.float64]
    posts: NDArray[np.int64]


def content_counts(
    events: Events, in_window: NDArray[np.bool_], as_of: float, *, since: float = -math.inf
) -> ContentCounts:
    """Per account, over its posts in *in_window*: ``repeats`` (posts with a text, less
    its distinct texts), ``answered`` (distinct texts of posts others answered in
    ``(since, as_of]``), ``link_only`` (posts that are only links), ``other`` (the other
    posts others answered) and ``posts``."""
    n = events.n_users
    posts = np.flatnonzero((events.action == _actions.POST) & in_window)
    n_posts = np.bincount(events.actor[posts], minlength=n)
    heard = post_answers(events, as_of, since=since)[events.post[posts]] > 0
    with_text = events.text[posts] >= 0
    n_texts = max(len(events.texts), 1)

    def distinct(keep: NDArray[np.bool_]) -> NDArray[np.int64]:
        chosen = posts[keep]
        return count_distinct_pairs(events.actor[chosen], events.text[chosen], n, n_texts)

    texted = np.bincount(events.actor[posts[with_text]], minlength=n)
    repeats = (texted - distinct(with_text)).astype(np.float64)
    answered = distinct(with_text & heard).astype(np.float64)
    link = Activity.link_only(events)[posts]
    link_only = np.bincount(events.actor[posts[link]], minlength=n).astype(np.float64)
    other = np.bincount(events.actor[posts[~link & heard]], minlength=n).astype(np.float64)
    return ContentCounts(repeats, answered, link_only, other, n_posts)


def content_shares(
    events: Events, in_window: NDArray[np.bool_], as_of: float, content_prior: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Per account: repeated-text share, link-only share (both over answered posts), posts."""
    counts = content_counts(events, in_window, as_of)
    return (*shares_of(counts, content_prior), counts.posts)


def shares_of(
    counts: ContentCounts, content_prior: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per account: repeated-text share and link-only share, both over answered posts
    (:class:`~influence.components.Credibility`'s junk and links), from its counts."""
    n = counts.posts.size
    repeats, link_only = counts.repeats, counts.link_only
    junk = np.divide(
        repeats, repeats + counts.answered + content_prior,
        out=np.zeros(n), where=repeats > 0,
    )  # fmt: skip
    links = np.divide(
        link_only, link_only + counts.other + content_prior,
        out=np.zeros(n), where=link_only > 0,
    )  # fmt: skip
    return junk, links


def regularity(events: Events, rows: NDArray[np.intp], min_posts: float) -> NDArray[np.float64]:
    """Per account, how clockwork the timing of its actions in *rows* (time-sorted) is:
    :func:`clockwork` of the rows sorted by actor."""
    order, who = stable_order(events.actor[rows])
    return clockwork(who, events.time[rows][order], events.n_users, min_posts)


def clockwork(
    who: NDArray[np.int64], when: NDArray[np.float64], n: int, min_posts: float
) -> NDArray[np.float64]:
    """Per account, how clockwork its timing is: 1 when the gaps between its actions
    barely vary (coefficient of variation 0.1 or less), 0 from 0.5 up (people are
    bursty: their gaps vary more than their mean).

    *who* and *when* are the actions' actors and times, sorted by actor and, within an
    actor, by time (as :class:`History` has them); accounts with fewer than *min_posts*
    actions read 0.
    """
    return clockwork_of(*gap_sums(who, when, n), min_posts)


def gap_sums(
    who: NDArray[np.int64], when: NDArray[np.float64], n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per account, over the gaps between its consecutive actions (*who* and *when* as
    :func:`clockwork` reads them): how many, their sum and the sum of their squares."""
    same = who[1:] == who[:-1]
    gap = np.diff(when)[same]
    owner = who[1:][same]
    count = np.bincount(owner, minlength=n).astype(np.float64)
    total = np.asarray(np.bincount(owner, weights=gap, minlength=n), dtype=np.float64)
    np.multiply(gap, gap, out=gap)  # squared in place: no second gap-sized temporary
    square = np.asarray(np.bincount(owner, weights=gap, minlength=n), dtype=np.float64)
    return count, total, square


def clockwork_of(
    count: NDArray[np.float64],
    total: NDArray[np.float64],
    square: NDArray[np.float64],
    min_posts: float,
) -> NDArray[np.float64]:
    """:func:`clockwork` from each account's :func:`gap_sums`."""
    n = count.size
    mean = np.divide(total, count, out=np.zeros(n), where=count > 0)
    square = np.divide(square, count, out=np.zeros(n), where=count > 0)
    spread = np.sqrt(np.maximum(square - mean * mean, 0.0))
    variation = np.divide(spread, mean, out=np.full(n, np.inf), where=mean > 0)
    regular = np.clip((0.5 - variation) / 0.4, 0.0, 1.0)
    return np.where(count >= min_posts, regular, 0.0)
