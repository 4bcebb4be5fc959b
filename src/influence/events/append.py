"""The append case of concatenation: tables whose rows follow one another in time.

A day's batch appended to a log starts at or after the log's latest event. Each table is
in the canonical order already (time, action, actor, target, then the other columns), and
when every table's codes move to the union's by increasing maps (new ids inserted among
the old keep the old ones' relative order), each table stays in that order under the new
codes. The canonical order of the whole is then the tables end to end, but for the rows
that share a time across the boundary between two tables, which are sorted again on their
own (:func:`settle`). :func:`influence.events.concat.concat` takes this path when
:func:`follows` says it may, and the general one (a stable sort of the whole) otherwise;
both give the same table (tests/events/test_concat_append.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from influence.events.base import COLUMNS, EventColumns
from influence.events.order import canonical
from influence.events.views import repeated

__all__ = ["COMPACT", "boundaries", "follows", "increasing", "settle"]

#: The memo key under which :meth:`Events.compact <influence.Events.compact>` remembers
#: that a table mentions every one of its ids.
COMPACT = ("compact",)


def increasing(mapping: NDArray[np.int32]) -> bool:
    """Whether an old code -> new code map keeps the codes' order (strictly increasing).

    Examples
    --------
    >>> import numpy as np
    >>> from influence.events.append import increasing
    >>> increasing(np.array([0, 2, 3])), increasing(np.array([1, 0]))
    (True, False)
    """
    return mapping.size < 2 or bool(np.all(mapping[1:] > mapping[:-1]))


def follows(tables: Sequence[EventColumns], maps: Sequence[NDArray[np.int32]]) -> bool:
    """Whether the canonical order of *tables* together is theirs end to end, but for
    ties on time at their boundaries.

    True when the tables with rows follow one another in time (each starts at or after
    the latest event of the one before), every code map in *maps* is increasing, and
    each table with :attr:`~influence.Events.trust` has its rows equal in every column
    in ascending order of trust (the last tie-break of the canonical order; a table
    weighted by :meth:`~influence.Events.with_trust` after it was built may not).
    Cost: one comparison per table, one pass per map, and for a table with trust one
    pass over its rows.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.events.append import follows
    >>> like = {"action": "like", "target": "ann"}
    >>> monday = Events.from_records([{"time": 5, "actor": "bob", **like}])
    >>> tuesday = Events.from_records([{"time": 9, "actor": "cy", **like}])
    >>> follows([monday, tuesday], []), follows([tuesday, monday], [])
    (True, False)
    """
    latest = -np.inf
    for table in tables:
        if len(table):
            if table.time[0] < latest:
                return False
            latest = float(table.time[-1])
    if not all(increasing(m) for m in maps):
        return False
    return all(_trust_in_order(t) for t in tables if t.trust is not None and len(t) > 1)


def _trust_in_order(table: EventColumns) -> bool:
    """Whether the rows of *table* equal in every column come in ascending trust."""
    assert table.trust is not None
    same = repeated([getattr(table, name) for name in COLUMNS])[1:]
    return bool(np.all(table.trust[1:][same] >= table.trust[:-1][same]))


def boundaries(time: NDArray[np.float64], starts: Sequence[int]) -> list[tuple[int, int]]:
    """The runs of rows sharing one time across a boundary between two tables.

    *time* is the tables' time columns end to end (ascending, as :func:`follows` found
    them), *starts* the first row of each table but the first; each run is ``(lo, hi)``,
    every row of that time, in order and without repeats.

    Examples
    --------
    >>> import numpy as np
    >>> from influence.events.append import boundaries
    >>> boundaries(np.array([0.0, 1.0, 1.0, 1.0, 2.0]), [2, 4])
    [(1, 4)]
    """
    runs: list[tuple[int, int]] = []
    for start in starts:
        if 0 < start < time.size and time[start - 1] == time[start]:
            lo = int(np.searchsorted(time, time[start], side="left"))
            hi = int(np.searchsorted(time, time[start], side="right"))
            if not runs or runs[-1] != (lo, hi):
                runs.append((lo, hi))
    return runs


def settle(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rest: list[np.ndarray],
    runs: list[tuple[int, int]],
    starts: Sequence[int],
    *,
    n_users: int,
) -> int:
    """Sort each run of rows (:func:`boundaries`) into the canonical order, in place.

    *columns* are time, action, actor and target, *rest* the other columns in the
    order :func:`~influence.events.order.canonical` takes them, all arrays of this
    concatenation's own (written in place). The canonical order is a sort by every
    column, so sorting a run of one time on its own gives the rows the places a sort of
    the whole would.

    Returns
    -------
    int
        The rows, in the runs, equal in every column to the row before them once sorted,
        less those that already were within their own table: the exact duplicates found
        across the tables (rows of two tables can only be equal at one time, in a run).

    Examples
    --------
    Two tables of one like each at the same time, the second's actor first in order:

    >>> import numpy as np
    >>> from influence.events.append import settle
    >>> time, action = np.array([1.0, 1.0]), np.array([4, 4], dtype=np.int8)
    >>> actor, target = np.array([2, 1], dtype=np.int32), np.array([0, 0], dtype=np.int32)
    >>> rest = [np.full(2, -1, dtype=np.int32) for _ in range(5)]
    >>> settle((time, action, actor, target), rest, [(0, 2)], [1], n_users=3), actor.tolist()
    (0, [1, 2])
    """
    time, action, actor, target = columns
    across = 0
    for lo, hi in runs:
        part = slice(lo, hi)
        before = repeated([c[part] for c in (time, action, actor, target, *rest[:5])])
        before[[s - lo for s in starts if lo < s < hi]] = False  # a table's first row
        within = int(before.sum())
        t, a, s, g, r = canonical(
            time[part],
            action[part],
            actor[part],
            target[part],
            [x[part] for x in rest],
            n_users=n_users,
        )
        for column, values in zip((time, action, actor, target, *rest), (t, a, s, g, *r)):
            column[part] = values
        after = repeated([c[part] for c in (time, action, actor, target, *rest[:5])])
        across += int(after.sum()) - within
    return across
