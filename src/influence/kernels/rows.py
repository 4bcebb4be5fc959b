"""Which rows a signal reads, and the memo every kernel shares.

Engagement rows, post answers and origins, distinct pairs, group sums.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.events import actions as _actions
from influence.events.table import Events
from influence.pairs import pair_index
from influence.trusted import partial_trust

__all__ = [
    "ENGAGEMENT",
    "IMPLIES_POST",
    "count_distinct_pairs",
    "engagement_between",
    "group_sums",
    "plural",
    "post_answers",
    "post_origins",
    "received_engagement",
    "shared",
]


ENGAGEMENT = _actions.mask_of(_actions.ENGAGEMENTS)


IMPLIES_POST = _actions.mask_of(frozenset({_actions.REPLY, _actions.SHARE, _actions.LIKE}))


T = TypeVar("T")


def shared(
    events: Events, key: tuple[Any, ...], compute: Callable[[], T], *, uses_trust: bool = True
) -> T:
    """``compute()``, once per event table and *key*: components reuse each other's work.

    Several components need the same engagement pairs and engager selectivity; each
    computes them through this function, so a scoring run sorts them once. The result
    is kept in the table's own memo (:attr:`Events.memo <influence.Events.memo>`), made
    read-only, and dropped with the table. With ``uses_trust=False`` (the result ignores
    :attr:`Events.trust`), a table made by :meth:`Events.with_trust` shares the entry of
    the plain table it was made from.
    """
    return events.memo.get(key, compute, uses_trust=uses_trust)


def received_engagement(events: Events, as_of: float, window_days: float) -> NDArray[np.bool_]:
    """Rows that are engagement with another user inside ``(as_of - window, as_of]``."""
    return engagement_between(events, as_of - window_days * DAY, as_of)


def engagement_between(events: Events, start: float, end: float) -> NDArray[np.bool_]:
    """Rows that are engagement with another user inside ``(start, end]``."""
    return np.asarray(
        ENGAGEMENT[events.action]
        & (events.target >= 0)
        & (events.actor != events.target)
        & (events.time > start)
        & (events.time <= end)
    )


def post_origins(events: Events, as_of: float) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """When each post was created and by whom, at or before *as_of*.

    Arrays over post indices plus one spare last slot, so that ``parent == -1`` (no
    post) reads ``nan`` and ``-1``; posts created later read the same. Computed once
    per table and time (:func:`shared`).
    """

    def compute() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        created = np.full(len(events.posts) + 1, np.nan)
        author = np.full(len(events.posts) + 1, -1, dtype=np.int64)
        made = np.flatnonzero((events.post >= 0) & (events.time <= as_of))
        created[events.post[made]] = events.time[made]
        author[events.post[made]] = events.actor[made]
        return created, author

    return shared(events, ("post-origins", float(as_of)), compute, uses_trust=False)


def post_answers(
    events: Events, as_of: float, *, since: float = -math.inf, trusted: bool = False
) -> NDArray[np.float64]:
    """Per post, the replies, shares and likes others gave it in ``(since, as_of]`` (*since*:
    where the caller's lookback begins, so that nothing older is read through a post's id),
    by trust when *trusted*, else one each; over post indices plus a spare last slot that
    reads 0 (``post == -1`` indexes it). Posts nobody answers are how volume shows: rules
    count the answered ones, so that padding a feed with unread posts changes nothing."""
    since = float(since)
    if trusted and events.trust is not None:
        key = ("post-answers", float(as_of), since, True)
        return shared(events, key, lambda: _trusted_answers(events, as_of, since))

    def compute() -> NDArray[np.float64]:
        parents = events.parent[_answer_rows(events, as_of, since)]
        answers = np.bincount(parents, minlength=len(events.posts))
        return np.append(answers.astype(np.float64), 0.0)

    # Without trust, counted by trust is counted one each: the same entry.
    key = ("post-answers", float(as_of), since, False)
    return shared(events, key, compute, uses_trust=False)


def _answer_rows(events: Events, as_of: float, since: float) -> NDArray[np.intp]:
    """The rows that are others' replies, shares and likes of a post in ``(since, as_of]``
    (trust-free: shared by :func:`post_answers` with and without trust)."""

    def compute() -> NDArray[np.intp]:
        return np.flatnonzero(
            (events.parent >= 0)
            & (events.actor != events.target)
            & IMPLIES_POST[events.action]
            & (events.time <= as_of)
            & (events.time > since)
        )

    return shared(events, ("answer-rows", float(as_of), since), compute, uses_trust=False)


def _trusted_answers(events: Events, as_of: float, since: float) -> NDArray[np.float64]:
    """:func:`post_answers` counted by trust: the plain counts, summed again by trust only
    for the posts with an answer of trust other than 1 (:func:`partial_trust`)."""
    answers = np.array(post_answers(events, as_of, since=since), dtype=np.float64)
    rows = _answer_rows(events, as_of, since)
    partial = partial_trust(events, rows, events.parent[rows], answers.size)
    answers[partial.groups] = partial.trust
    return answers


def count_distinct_pairs(
    first: NDArray[np.int32], second: NDArray[np.int32], n_first: int, n_second: int
) -> NDArray[np.int64]:
    """For each value of *first*, how many distinct *second* values it is paired with.

    One sort of packed int64 keys (values, not an argsort: no row order is needed),
    then one ``np.bincount`` of the distinct keys' first halves.
    """
    if first.size == 0:
        return np.zeros(n_first, dtype=np.int64)
    width = max(n_second, 1)
    key = np.sort(first.astype(np.int64) * width + second.astype(np.int64))
    distinct = key[np.concatenate(([True], key[1:] != key[:-1]))]
    return np.bincount(distinct // width, minlength=n_first).astype(np.int64)


def plural(count: float, word: str) -> str:
    """``"1 post"``, ``"3 posts"``."""
    value = int(count)
    return f"{value:,} {word}" + ("" if value == 1 else "s")


def group_sums(
    first: NDArray[np.integer[Any]],
    second: NDArray[np.integer[Any]],
    weights: NDArray[np.float64],
    n_second: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Sum *weights* (shape ``(n,)`` or ``(n, k)``) per distinct ``(first, second)`` pair.

    Returns the pairs' ``first`` and ``second`` values, the sums and the event
    counts, pairs in key order (:func:`pair_index`, then one ``np.bincount``
    per column). ``bincount`` adds each pair's rows in table order, so a pair's
    sum does not depend on other rows, bit for bit (an unstable sort followed by
    ``np.add.reduceat`` would let unrelated users' rows reorder it).
    """
    pair_first, pair_second, inverse = pair_index(first, second, n_second)
    values = np.asarray(weights, dtype=np.float64)
    size = pair_first.size
    columns = values.reshape(values.shape[0], int(np.prod(values.shape[1:])))
    sums = np.zeros((size, columns.shape[1]))
    for j in range(columns.shape[1]):
        sums[:, j] = np.bincount(inverse, weights=columns[:, j], minlength=size)
    counts = np.bincount(inverse, minlength=size).astype(np.int64)
    return pair_first, pair_second, sums.reshape(size, *values.shape[1:]), counts
