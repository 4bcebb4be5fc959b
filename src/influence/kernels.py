"""Small vectorised helpers shared by the built-in components."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.events import actions as _actions
from influence.events.table import Events
from influence.pairs import pair_index, pairs_of_rows, sorted_lookup
from influence.trusted import partial_trust

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


def recency_weights(
    age_seconds: NDArray[np.float64], window_days: float, half_life_days: float
) -> NDArray[np.float64]:
    r"""Weight of an event of a given age: a half-life, tapered smoothly to zero at the window.

    .. math::

        w(a) = 2^{-a/h} \cos^2\!\Big(\frac{\pi}{2} \frac{a}{W}\Big) \quad (0 \le a < W),
        \qquad w(a) = 0 \text{ otherwise}

    The taper has zero slope at the window's edge, so an event leaving the
    window changes a score by a vanishing amount, not a cliff. Computed in blocks of
    :data:`BLOCK` ages, so that the temporaries stay in the cache however long the
    log (the same operations on each age: the result does not depend on the block).
    """
    ages = np.asarray(age_seconds, dtype=np.float64)
    out = np.empty(ages.shape)
    flat, into = ages.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, BLOCK):  # blocks, not events: a few per million
        into[start : start + BLOCK] = _recency(
            flat[start : start + BLOCK], window_days, half_life_days
        )
    return out


#: Elements per block of the blockwise elementwise kernels (:func:`recency_weights`):
#: half a megabyte per float64 temporary, well inside the cache.
BLOCK = 1 << 16


def window_slice(events: Events, as_of: float, window_days: float) -> tuple[int, int]:
    """The rows in ``(as_of - window, as_of]``: rows are sorted by time, so a slice
    ``[start, stop)``."""
    time = events.time
    start = int(np.searchsorted(time, as_of - window_days * DAY, side="right"))
    return start, int(np.searchsorted(time, as_of, side="right"))


def window_recency(
    events: Events, as_of: float, window_days: float, half_life_days: float
) -> tuple[int, NDArray[np.float64]]:
    """The first row of the window ``(as_of - window, as_of]`` and the
    :func:`recency_weights` of every row in it, so that ``recency[rows - start]`` is
    that of any rows of the window. Computed once per table and parameters
    (:func:`shared`): the engagement weights, Activity and Engagement's posts read it.
    """

    def compute() -> tuple[int, NDArray[np.float64]]:
        start, stop = window_slice(events, as_of, window_days)
        ages = as_of - events.time[start:stop]
        return start, recency_weights(ages, window_days, half_life_days)

    key = ("window-recency", float(as_of), float(window_days), float(half_life_days))
    return shared(events, key, compute, uses_trust=False)


def _recency(
    age_seconds: NDArray[np.float64], window_days: float, half_life_days: float
) -> NDArray[np.float64]:
    age = age_seconds / DAY
    inside = (age >= 0.0) & (age < window_days)
    x = np.clip(age / window_days, 0.0, 1.0)
    weight = np.exp2(-np.maximum(age, 0.0) / half_life_days) * np.cos(0.5 * np.pi * x) ** 2
    return np.where(inside, weight, 0.0)


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


def engager_selectivity(
    events: Events, as_of: float, window_days: float, reference_per_day: float
) -> NDArray[np.float64]:
    r"""Per user, how much one of their engagement actions is worth, in ``(0, 1]``.

    .. math::

        \sigma(v) = \big(1 + r_v / r_0\big)^{-1/2}

    with :math:`r_v` the user's engagement actions on others per day over the
    span they are seen in the window (at least one day) and :math:`r_0` the
    reference rate. Someone who likes everything in sight (hundreds a day) gives
    a fraction of what a selective person gives per action. Computed once per
    event table and parameters (:func:`shared`).
    """
    key = ("selectivity", float(as_of), float(window_days), float(reference_per_day))

    def compute() -> NDArray[np.float64]:
        whole = _judged_on(events)
        if whole is None:
            return _selectivity(events, as_of, window_days, reference_per_day)
        table, users = whole
        return engager_selectivity(table, as_of, window_days, reference_per_day)[users]

    return shared(events, key, compute, uses_trust=False)


_JUDGED_ON = ("engagers-judged-on",)


def restrict(events: Events, part: Events) -> tuple[Events, NDArray[np.int64]]:
    """*part* (some rows of *events*), compacted, with its engagers judged on all of *events*.

    Returns the compacted table, without trust (set it with
    :meth:`~influence.Events.with_trust`), and for each of its users their index in
    *events*. The signals read the part (a topic's events), but
    :func:`engager_selectivity` of the part, and of any table
    :meth:`~influence.Events.with_trust` makes from it, is that of the whole table:
    someone who likes everything in sight does not become selective by being read one
    topic at a time.

    Raises
    ------
    ValueError
        When *part* does not share the user table of *events* (make it with
        :meth:`Events.select <influence.Events.select>` or
        :func:`influence.events.topics.topic_events`).

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": t, "actor": "fan", "action": "like", "target": f"u{t % 3}"}
    ...     for t in range(90)])
    >>> sub, users = restrict(ev, ev.select(ev.target == ev.users.index("u0")))
    >>> len(sub), sub.users.ids.tolist(), users.tolist()
    (30, ['fan', 'u0'], [0, 1])
    >>> bool(engager_selectivity(sub, 89, 90, 20)[0] == engager_selectivity(ev, 89, 90, 20)[0])
    True
    """
    if part.users is not events.users:
        raise ValueError(
            "restrict needs a part of the events (sharing their user table, as "
            "Events.select makes it); got a table with its own users"
        )
    mentioned = np.zeros(events.n_users + 1, dtype=bool)  # the spare last slot takes -1
    mentioned[part.actor] = True
    mentioned[part.target] = True
    users = np.flatnonzero(mentioned[:-1]).astype(np.int64)
    sub = part.with_trust(None).compact()
    whole = events.with_trust(None)
    sub.memo.get(_JUDGED_ON, lambda: (whole, users), uses_trust=False)
    return sub, users


def _judged_on(events: Events) -> tuple[Events, NDArray[np.int64]] | None:
    """The whole table and user map :func:`restrict` left on *events*, if any."""
    for memo in (events.memo, events.memo.base):
        if memo is not None and _JUDGED_ON in memo:
            return memo.get(_JUDGED_ON, lambda: None)
    return None


def _selectivity(
    events: Events, as_of: float, window_days: float, reference_per_day: float
) -> NDArray[np.float64]:
    mask = received_engagement(events, as_of, window_days)
    rows = np.flatnonzero(mask)
    n = events.n_users
    counts = np.bincount(events.actor[rows], minlength=n).astype(np.float64)
    first = np.full(n, as_of)
    rev = rows[::-1]
    first[events.actor[rev]] = events.time[rev]  # rows are time-sorted: earliest write wins last
    span_days = np.maximum((as_of - first) / DAY, 1.0)
    rate = counts / span_days
    return np.asarray((1.0 + rate / reference_per_day) ** -0.5)


def saturate(total: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""What one engager's summed weight is worth: :math:`1 - e^{-x}`, at most 1.

    One person counts at most once, however often they engage: a like (weight
    1) is worth 0.63 of an engager, a share (3) 0.95, twenty likes 1.
    """
    return np.asarray(-np.expm1(-np.asarray(total, dtype=np.float64)))


def action_weight_table(
    *, reply: float = 2.0, share: float = 3.0, like: float = 1.0, mention: float = 1.5
) -> NDArray[np.float64]:
    """Weight per action code for engagement (post and follow weigh nothing)."""
    table = np.zeros(len(_actions.ACTIONS))
    table[_actions.REPLY] = reply
    table[_actions.SHARE] = share
    table[_actions.LIKE] = like
    table[_actions.MENTION] = mention
    return table


def engagement_weights(
    events: Events,
    rows: NDArray[np.intp],
    as_of: float,
    *,
    window_days: float,
    half_life_days: float,
    actions: NDArray[np.float64],
    selectivity_per_day: float,
) -> NDArray[np.float64]:
    """Weight of each engagement row: recency x action weight x engager selectivity."""
    selectivity = engager_selectivity(events, as_of, window_days, selectivity_per_day)
    return np.asarray(
        recency_weights(as_of - events.time[rows], window_days, half_life_days)
        * actions[events.action[rows]]
        * selectivity[events.actor[rows]]
    )


def window_weights(
    events: Events,
    as_of: float,
    *,
    window_days: float,
    half_life_days: float,
    actions: NDArray[np.float64],
    selectivity_per_day: float,
) -> NDArray[np.float64]:
    """:func:`engagement_weights` of every row of ``engagement_index(events, as_of,
    window_days)``, computed once per table and parameters (trust plays no part)."""
    key = (
        "window-weights",
        float(as_of),
        float(window_days),
        float(half_life_days),
        float(selectivity_per_day),
        tuple(np.asarray(actions, dtype=np.float64).tolist()),
    )

    def compute() -> NDArray[np.float64]:
        # engagement_weights of the window's rows, their recency read from the window's.
        rows = engagement_index(events, as_of, window_days).rows
        start, recency = window_recency(events, as_of, window_days, half_life_days)
        selectivity = engager_selectivity(events, as_of, window_days, selectivity_per_day)
        return np.asarray(
            recency[rows - start] * actions[events.action[rows]] * selectivity[events.actor[rows]]
        )

    return shared(events, key, compute, uses_trust=False)


class Pairs(NamedTuple):
    """Engagement pairs ``source -> target`` (read-only arrays, sorted by ``(source, target)``).

    ``weight`` is the pair's summed event weight (recency x action x engager
    selectivity), ``n_events`` its number of events and ``trust`` the
    weight-averaged trust of its events (:attr:`influence.Events.trust`, 1 when
    the table carries none): multiply a pair's saturated mass by it.
    """

    source: NDArray[np.int64]
    target: NDArray[np.int64]
    weight: NDArray[np.float64]
    n_events: NDArray[np.int64]
    trust: NDArray[np.float64]


def engagement_pairs(
    events: Events,
    as_of: float,
    *,
    window_days: float,
    half_life_days: float,
    selectivity_per_day: float,
    actions: NDArray[np.float64] | None = None,
) -> Pairs:
    """Engagement pairs ``(source, target)`` with their summed weight, count and trust.

    Weighted as in Engagement (recency, action weights, the house ones by
    default, engager selectivity); pairs sorted by ``source * n_users + target``.
    Computed once per event table and parameters (:func:`shared`); the arrays
    are read-only.
    """
    table = action_weight_table() if actions is None else np.asarray(actions, dtype=np.float64)
    key = (
        "pairs",
        float(as_of),
        float(window_days),
        float(half_life_days),
        float(selectivity_per_day),
        tuple(table.tolist()),
    )
    return shared(
        events,
        key,
        lambda: _engagement_pairs(
            events, as_of, window_days, half_life_days, selectivity_per_day, table
        ),
    )


class PairIndex(NamedTuple):
    """The engagement rows of a window grouped by ``(actor, target)`` pair.

    ``rows`` are the window's engagement rows (time order), ``source`` and ``target``
    the distinct pairs (sorted by ``source * n_users + target``) and ``inverse`` each
    row's pair. Per-pair sums of any per-row quantity are ``sums(index, values)``.
    """

    rows: NDArray[np.intp]
    source: NDArray[np.int64]
    target: NDArray[np.int64]
    inverse: NDArray[np.intp]


def engagement_index(events: Events, as_of: float, window_days: float) -> PairIndex:
    """The engagement rows in ``(as_of - window, as_of]`` and their pairs, sorted once.

    Shared by every component of a scoring run, and between a table and the same
    table with trust (it does not depend on trust).
    """
    key = ("engagement-index", float(as_of), float(window_days))

    def build() -> PairIndex:
        mask = received_engagement(events, as_of, window_days)
        source, target, inverse = pairs_of_rows(events, mask)
        return PairIndex(np.flatnonzero(mask), source, target, inverse)

    return shared(events, key, build, uses_trust=False)


def engagers_received(events: Events, as_of: float, window_days: float) -> NDArray[np.int64]:
    """Per user, the distinct users who engaged them in ``(as_of - window, as_of]``: the
    pairs of :func:`engagement_index` counted by target. Computed once per table and
    window (:func:`shared`; trust plays no part)."""

    def compute() -> NDArray[np.int64]:
        target = engagement_index(events, as_of, window_days).target
        return np.bincount(target, minlength=events.n_users).astype(np.int64)

    return shared(events, ("engagers", float(as_of), float(window_days)), compute, uses_trust=False)


def sums(index: PairIndex, values: NDArray[Any]) -> NDArray[np.float64]:
    """Per pair of *index*, the sum of a per-row quantity (rows in ``index.rows`` order)."""
    return np.asarray(
        np.bincount(index.inverse, weights=values, minlength=index.source.size), dtype=np.float64
    )


def _engagement_pairs(
    events: Events,
    as_of: float,
    window_days: float,
    half_life_days: float,
    selectivity_per_day: float,
    actions: NDArray[np.float64],
) -> Pairs:
    index = engagement_index(events, as_of, window_days)

    def untrusted() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
        weight = window_weights(
            events,
            as_of,
            window_days=window_days,
            half_life_days=half_life_days,
            actions=actions,
            selectivity_per_day=selectivity_per_day,
        )
        return weight, *_pair_totals(index, weight)

    key = (
        "pair-weights",
        float(as_of),
        float(window_days),
        float(half_life_days),
        float(selectivity_per_day),
        tuple(actions.tolist()),
    )
    weight, total, counts = shared(events, key, untrusted, uses_trust=False)
    if events.trust is None:  # every pair's trust is 1: one value, held once
        ones = np.broadcast_to(np.ones(1), index.source.shape)
        return Pairs(index.source, index.target, total, counts, ones)
    mean = np.ones(index.source.size)
    # Pairs whose events all have trust 1 have mean trust 1; the others are averaged.
    partial = partial_trust(events, index.rows, index.inverse, index.source.size, weight)
    weights, events_of = partial.weight, partial.n_rows
    # A pair whose events all weigh 0 (at the window's edge) takes its events' mean trust.
    some = np.divide(
        partial.weighted, weights, out=partial.trust / np.maximum(events_of, 1), where=weights > 0
    )
    some[partial.trust == events_of] = 1.0  # fully trusted pairs: exactly 1, not 1 - 1e-16
    mean[partial.groups] = np.clip(some, 0.0, 1.0)
    return Pairs(index.source, index.target, total, counts, mean)


def _pair_totals(
    index: PairIndex, weight: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per pair of *index*, the summed *weight* of its rows and their number."""
    counts = np.bincount(index.inverse, minlength=index.source.size).astype(np.int64)
    return sums(index, weight), counts


def discounted_share(
    target: NDArray[np.int64], mass: NDArray[np.float64], keep: NDArray[np.float64], n_users: int
) -> NDArray[np.float64]:
    """Per user, the share of the engagement mass received that *keep* removes (0 if none)."""
    full = np.bincount(target, weights=mass, minlength=n_users)
    kept = np.bincount(target, weights=mass * keep, minlength=n_users)
    lost = np.divide(full - kept, full, out=np.zeros(n_users), where=full > 0)
    return np.asarray(np.clip(lost, 0.0, 1.0), dtype=np.float64)


def pair_keep_per_event(
    events: Events,
    as_of: float,
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    keep: NDArray[np.float64],
    rows: NDArray[np.intp],
    inverse: NDArray[np.intp],
) -> NDArray[np.float64]:
    """Per event, the *keep* weight of its engagement pair; 1 for events of no listed pair.

    The pairs (sorted by ``source * n_users + target``) were judged on *rows*,
    whose pair indices are *inverse* (as :func:`pair_index` gives them). Other
    engagement events of a listed pair at or before *as_of* (older than the
    window the pairs were judged on) get the pair's weight too.
    """
    out = np.ones(len(events))
    if source.size == 0:
        return out
    out[rows] = keep[inverse]
    rest = received_engagement(events, as_of, math.inf)  # any age
    rest[rows] = False
    others = np.flatnonzero(rest)
    if others.size:
        width = max(events.n_users, 1)
        pair_key = source * width + target
        key = events.actor[others].astype(np.int64) * width + events.target[others]
        pos, found = sorted_lookup(pair_key, key)
        out[others[found]] = keep[pos[found]]
    return out
