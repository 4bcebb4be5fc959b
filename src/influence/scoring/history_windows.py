"""Each date's window of a history, cut from one table with work done once for all dates.

A history scores, at each date :math:`d`, the table ``events.until(d).compact()`` with
the rows older than the scorer's lookback dropped (:func:`influence.scoring.history.windows`).
Cutting each one from scratch reads every column to find the ids its rows mention, and
rewrites every id column, each date. :class:`WindowCutter` instead finds, once, the first
row that mentions each user, post, text and topic set: the ids a window's prefix
``[0, stop)`` mentions are those first mentioned before ``stop``, found by one comparison
per id, and they nest as ``stop`` grows, so their number names them. Per distinct set the
id table and the map from old to new indices are made once; an id space whose kept ids
are its first ones (every id, or ids numbered in the order they appear) keeps its
columns as slices of the table's, not copies. The rows ``[first, stop)`` are then one
slice of each column. Nothing older is read: every part reads only its lookback, a post's
answers included (:func:`influence.kernels.post_answers`), so a date's scores need no row
before the window. Dates ascend, so the ids kept only grow: each space keeps the map and id
table of the latest count alone, not one per date.

The window is equal, column for column and id for id, to what ``until(d).compact()``
then ``select`` of its rows gives, so each date's scores are bitwise those of
:meth:`Scorer.score <influence.Scorer.score>` at that date on every log tested
(``tests/scoring/test_history_windows.py``).

Each window still sorts its own engagement pairs (:func:`influence.pairs.pair_order`):
the table's order filtered to a window's rows would be the window's exactly (a stable
sort stays sorted under a filter, and compaction renumbers users in order), but on 2M
events filtering it took 19 ms a date against 16 ms for the window's own packed sort.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from influence.events.assemble import Table
from influence.events.base import COLUMNS
from influence.events.table import Events
from influence.events.views import repeated

__all__ = ["WindowCutter", "first_rows"]

_Sized = TypeVar("_Sized", bound=Sized)

#: The name :meth:`Events.report <influence.Events.report>` gives the exact duplicate rows kept.
_DUPLICATES = "exact duplicate (kept)"


def first_rows(size: int, n: int, *columns: NDArray[np.integer[Any]]) -> NDArray[np.int64]:
    """Per code ``0..size-1``, the first of the *n* rows whose *columns* mention it
    (``n`` for a code none mentions); ``-1`` mentions nothing.

    Examples
    --------
    >>> import numpy as np
    >>> first_rows(3, 4, np.array([2, -1, 0, 2]), np.array([-1, 0, -1, -1])).tolist()
    [1, 4, 0]
    """
    first = np.full(size + 1, n, dtype=np.int64)  # the spare last slot takes the -1s
    for column in columns:
        np.minimum.at(first, column, np.arange(column.shape[0], dtype=np.int64))
    return first[:size]


@dataclass
class _Space:
    """One id space (users, posts, texts or topic sets): the first row mentioning each
    id, and for the latest number of ids kept, the map from old to new indices (``None``
    when the kept ids are the first ones: indices unchanged; else one entry per id and a
    last one, ``-1``, that ``-1`` reads) and the kept ids' positions."""

    first: NDArray[np.int64]
    latest: tuple[int, NDArray[np.int32] | None, NDArray[np.intp]] | None = None

    def at(self, stop: int) -> tuple[int, NDArray[np.int32] | None, NDArray[np.intp]]:
        """The number of ids the rows ``[0, stop)`` mention, their map and positions."""
        used = self.first < stop
        count = int(np.count_nonzero(used))
        if self.latest is None or self.latest[0] != count:  # dates ascend: the latest only
            identity = bool(used[:count].all())
            mapping = None
            if not identity:  # old index -> new, and a spare last entry: -1 stays -1
                mapping = np.empty(used.size + 1, dtype=np.int32)
                np.cumsum(used, out=mapping[:-1])
                mapping[:-1] -= 1
                mapping[-1] = -1
            self.latest = (count, mapping, np.flatnonzero(used))
        return self.latest


class WindowCutter:
    """The windows of one table, each equal to ``events.until(date).compact()`` with the
    rows before ``first`` dropped (see the module's docstring).

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 5, "actor": "cy", "action": "like", "target": "dee"},
    ...     {"time": 9, "actor": "eve", "action": "like", "target": "ann"},
    ... ])
    >>> cut = WindowCutter(ev)
    >>> window = cut.window(1, 2)
    >>> window == ev.until(5).compact().select([False, True])
    True
    >>> window.users.ids.tolist()
    ['ann', 'bob', 'cy', 'dee']
    """

    def __init__(self, events: Events) -> None:
        n = len(events)
        self.events = events
        self._users = _Space(first_rows(events.n_users, n, events.actor, events.target))
        self._posts = _Space(first_rows(len(events.posts), n, events.post, events.parent))
        self._texts = _Space(first_rows(len(events.texts), n, events.text))
        self._topics = _Space(first_rows(len(events.topic_sets), n, events.topics))
        self._tables: dict[str, tuple[int, Any]] = {}
        # Exact duplicate rows (equal to the row before them) kept in any window: the
        # count a slice of the table reports (at most the table's own).
        self._duplicates = int(events.report().get(_DUPLICATES, 0))
        self._repeats: NDArray[np.int64] | None = None
        if self._duplicates:
            same = repeated([getattr(events, name) for name in COLUMNS])
            self._repeats = np.concatenate([[0], np.cumsum(same, dtype=np.int64)])

    def window(self, first: int, stop: int) -> Events:
        """The rows ``[first, stop)`` over the ids the rows ``[0, stop)`` mention, indexed as
        ``events.until(...).compact()`` indexes them: what ``until(...).compact()`` then
        ``select`` of those rows gives."""
        ev = self.events
        if first == 0 and stop == len(ev):
            return ev.compact()  # the table itself when it is compact: its memo is shared
        rows = np.s_[first:stop]
        users, user_map, user_pos = self._users.at(stop)
        posts, post_map, post_pos = self._posts.at(stop)
        texts, text_map, text_pos = self._texts.at(stop)
        topics, topic_map, topic_pos = self._topics.at(stop)
        table = Table(
            time=ev.time[rows],
            actor=ev.actor[rows] if user_map is None else user_map[ev.actor[rows]],
            target=_renumbered(ev.target[rows], user_map),
            action=ev.action[rows],
            post=_renumbered(ev.post[rows], post_map),
            parent=_renumbered(ev.parent[rows], post_map),
            text=_renumbered(ev.text[rows], text_map),
            platform=ev.platform[rows],
            topics=_renumbered(ev.topics[rows], topic_map),
            users=self._table("users", ev.users, users, lambda: ev.users.take(user_pos)),
            posts=self._table("posts", ev.posts, posts, lambda: ev.posts.take(post_pos)),
            texts=self._table(
                "texts", ev.texts, texts, lambda: tuple(ev.texts[i] for i in text_pos.tolist())
            ),
            platforms=ev.platforms,
            topic_sets=self._table(
                "topics",
                ev.topic_sets,
                topics,
                lambda: tuple(ev.topic_sets[i] for i in topic_pos.tolist()),
            ),
            rejected=ev.rejected,
            duplicates=self._kept_duplicates(first, stop),
        )
        return Events(table, None if ev.trust is None else ev.trust[rows])

    def _table(self, name: str, whole: _Sized, count: int, make: Callable[[], _Sized]) -> _Sized:
        """The id table of *count* kept ids of space *name*, made once for the latest count
        (*whole*, the table's own, when every id is kept)."""
        if count == len(whole):
            return whole
        if self._tables.get(name, (-1, None))[0] != count:  # dates ascend: the latest only
            self._tables[name] = (count, make())
        made: _Sized = self._tables[name][1]
        return made

    def _kept_duplicates(self, first: int, stop: int) -> int:
        """What ``until`` then ``select`` count: the table's duplicates, at most the rows of
        the prefix equal to the row before them, then at most the window's."""
        if self._repeats is None:
            return 0
        kept = min(self._duplicates, int(self._repeats[stop]))
        if first == 0 or not kept:
            return kept
        return min(kept, int(self._repeats[stop] - self._repeats[min(first + 1, stop)]))


def _renumbered(codes: NDArray[np.int32], mapping: NDArray[np.int32] | None) -> NDArray[np.int32]:
    """*codes* through *mapping* (whose last entry, read by ``-1``, is ``-1``), or as they
    are when *mapping* is ``None``: one gather, where :func:`~influence.events.ids.remap`
    masks the absent codes first."""
    return codes if mapping is None else mapping[codes]
