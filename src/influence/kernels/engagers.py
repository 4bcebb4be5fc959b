"""What one engagement is worth: engager selectivity, action weights, each row's weight."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels.index import engagement_index
from influence.kernels.recency import recency_weights, window_recency
from influence.kernels.rows import shared

__all__ = [
    "action_weight_table",
    "engagement_weights",
    "engager_selectivity",
    "restrict",
    "saturate",
    "window_weights",
]


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
    # The window's engagement rows as the pair index holds them (every caller reads the
    # index too), each engager's first row found by an int32 scatter of positions.
    rows = engagement_index(events, as_of, window_days).rows
    n = events.n_users
    actors = events.actor[rows]
    counts = np.bincount(actors, minlength=n).astype(np.float64)
    first_at = np.full(n, rows.size, dtype=np.int64 if rows.size >= 2**31 else np.int32)
    first_at[actors[::-1]] = np.arange(rows.size - 1, -1, -1, dtype=first_at.dtype)
    seen = first_at < rows.size  # rows are time-sorted: the earliest write wins, last
    first = np.full(n, as_of)
    first[seen] = events.time[rows[first_at[seen]]]
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
