"""The validated, immutable, columnar event table every component reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence.events import actions as _actions
from influence.events import concat as _concat
from influence.events import display as _display
from influence.events import links as _links
from influence.events import views as _views
from influence.events.assemble import Rejection
from influence.events.base import COLUMNS, EventColumns
from influence.events.constructors import EventConstructors
from influence.events.memo import Memo
from influence.events.timeparse import to_epoch

__all__ = ["COLUMNS", "Events", "Rejection"]


class Events(EventConstructors):
    """A validated, immutable, columnar table of interaction events.

    Build it with one of the constructors: :meth:`from_records`,
    :meth:`from_arrays`, :meth:`read_csv`, :meth:`read_jsonl`,
    :meth:`from_pandas` or :meth:`from_arrow`. Rows are validated once, users are interned to dense
    ``int32`` indices (see :attr:`users`; ids are int64 or text by one rule whatever the
    constructor, see :class:`~influence.IdIndex`), and rows are stored in a canonical
    order (time, action, actor, target, ...) that depends only on their
    contents, so that any ordering of the same input gives the same table and
    therefore the same scores.

    Columns (read-only numpy arrays, one entry per event):

    ``time`` (float64, epoch seconds UTC), ``actor`` and ``target`` (int32 user
    indices, ``target == -1`` for posts), ``action`` (int8 codes into
    :data:`influence.ACTIONS`), ``post`` and ``parent`` (int32 indices into
    :attr:`posts`, ``-1`` when absent), ``text`` (int32 into :attr:`texts`),
    ``platform`` (int16 into :attr:`platforms`) and ``topics`` (int32 into
    :attr:`topic_sets`), ``-1`` when absent.

    Every row is an event: two rows equal in every field, without an ``id``, are two
    events and count twice. :meth:`report` counts them (``"exact duplicate (kept)"``);
    ``dedupe=True`` on any constructor keeps the first of each and sets the others aside
    (kind ``"exact duplicate"``). Rows with distinct ``id`` values are never duplicates.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": "2024-05-01T09:00:00Z", "actor": "ann", "action": "post", "post": "p1"},
    ...     {"time": "2024-05-01T10:00:00Z", "actor": "bob", "action": "retweet", "parent": "p1"},
    ...     {"time": "2024-05-01T11:00:00Z", "actor": "cy", "action": "poke", "target": "ann"},
    ... ], errors="skip")
    >>> len(ev), len(ev.rejected), ev.users.id(int(ev.target[1]))
    (2, 1, 'ann')
    >>> ev.report()
    {'unknown action': 1}
    """

    __slots__ = ()

    @classmethod
    def concat(cls, tables: Sequence[Events]) -> Events:
        """Several tables as one, equal to building it from all their rows at once.

        *tables* is a sequence (``Events.concat([a, b])``). Ids follow the one rule over
        all the tables (integer ids and text ids give text ids, and the indices may
        change); rows take the canonical order; rejected rows are kept, each numbered in
        its own input; rows of a table without :attr:`trust` weigh 1.
        :func:`influence.events.concat.concat` gives every rule, its limits and the cost.

        Examples
        --------
        >>> from influence import Events
        >>> a = Events.from_records([{"time": 1, "actor": 12, "action": "follow", "target": 3}])
        >>> b = Events.from_records([{"time": 2, "actor": "ann", "action": "follow", "target": 3}])
        >>> Events.concat([a, b]).users.ids.tolist()
        ['12', '3', 'ann']
        """
        return _concat.concat(tables)

    def append(self, new: Events) -> Events:
        """These events and the *new* ones as one table: ``Events.concat([self, new])``.

        Examples
        --------
        >>> from influence import Events
        >>> like = {"action": "like", "target": "ann"}
        >>> day1 = Events.from_records([{"time": 1, "actor": "bob", **like}])
        >>> day2 = Events.from_records([{"time": 90000, "actor": "cy", **like}])
        >>> day1.append(day2)
        <Events: 2 events, 3 users, 1970-01-01T00:00:01Z .. 1970-01-02T01:00:00Z>
        """
        if not isinstance(new, EventColumns):
            raise TypeError(
                "new must be an Events table (build it first: "
                f"events.append(Events.from_records(rows))); got {type(new).__name__}"
            )
        return _concat.concat([self, new])

    @classmethod
    def empty(cls) -> Events:
        """An event table with no rows and no users."""
        return cls.from_arrays(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8))

    def report(self) -> dict[str, int]:
        """Count of rejected rows per kind of problem, most frequent first.

        Exact duplicate rows kept (they count twice; see :class:`Events`) are counted
        last, as ``"exact duplicate (kept)"``; with ``dedupe=True`` the dropped ones are
        rejected rows of kind ``"exact duplicate"``. The latest rows, when they stand far
        beyond the bulk of the log (:mod:`influence.events.outliers`), are counted as
        ``"far future (kept)"``: the default ``as_of`` would be theirs.
        """
        return _display.events_report(self, self._table.duplicates)

    def action_counts(self) -> dict[str, int]:
        """Number of events per action name (all actions listed, zeros included)."""
        counts = np.bincount(self.action, minlength=len(_actions.ACTIONS))
        return {name: int(c) for name, c in zip(_actions.ACTIONS, counts)}

    def is_self(self) -> NDArray[np.bool_]:
        """Mask of self-interactions (``actor == target``); they count for nothing."""
        return np.asarray(self.actor == self.target)

    def link(self, mapping: Any) -> Events:
        """The events with the accounts of one person, across platforms, merged into one user.

        *mapping* takes account ids to person ids: a dict, a pandas Series, or two arrays
        ``(accounts, persons)``. Engagement between one person's own accounts becomes
        self-interaction, which counts for nothing. :func:`influence.events.links.link`
        gives the rules, the errors and an example.
        """
        return _links.link(self, mapping)

    def until(self, as_of: Any) -> Events:
        """The events at or before *as_of*, with the same user table (a cheap slice)."""
        cut = to_epoch(as_of)
        stop = int(np.searchsorted(self.time, cut, side="right"))
        if stop == len(self):
            return self
        return self._slice(np.s_[:stop])

    def select(self, mask: NDArray[np.bool_]) -> Events:
        """The events where *mask* is true, with the same user table."""
        return self._slice(_views.row_mask(mask, len(self)))

    def compact(self) -> Events:
        """Drop users, posts, texts and topic sets that no event mentions.

        Index order is kept, so the compacted table scores the same; platform names
        are kept as they are. A table found compact is remembered so (its memo).
        """
        if ("compact",) not in self._memo:
            table = _views.compact_table(self._table)
            if table is not None:
                return Events(table, self.trust)
            self._memo.get(("compact",), lambda: True)
        return self

    def with_trust(self, trust: ArrayLike | None, *, copy: bool = True) -> Events:
        """The same events, each engagement weighted by how much it is trusted.

        *trust* holds one weight in ``[0, 1]`` per event (row order); the :class:`~influence.Scorer`
        sets it from its discounts (Reciprocity, Credibility) before the signals read the
        table, so that engagement from a ring or a Sybil counts for what it is worth. ``None``
        means every event is fully trusted. The columns are shared; the weights copied, unless
        ``copy=False`` and *trust* is a read-only float64 array owning its memory, kept as it
        is (the caller promises never to change it).

        Examples
        --------
        >>> from influence import Events
        >>> ev = Events.from_records([
        ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
        ...     {"time": 2, "actor": "cy", "action": "like", "target": "ann"},
        ... ])
        >>> ev.with_trust([1.0, 0.25]).trust.tolist(), ev.trust is None
        ([1.0, 0.25], True)
        """
        return self._retrusted(trust, copy=copy)

    @property
    def memo(self) -> Memo:
        """Work computed once for this table and shared by every component that reads it.

        ``events.memo.get(key, compute, uses_trust=...)`` returns ``compute()``, computed
        the first time *key* is asked for, read-only; the memo lives and dies with the
        table. A table made by :meth:`with_trust` shares the trust-free entries
        (``uses_trust=False``) of the table it was made from, and keeps the entries that
        read :attr:`trust` to itself. See :class:`influence.events.memo.Memo`.
        """
        return self._memo

    def to_records(self) -> list[dict[str, Any]]:
        """The events as plain dicts (original ids, times in epoch seconds), in canonical order."""
        return _views.records(self._table)

    def __repr__(self) -> str:
        return _display.events_repr(self)

    def _repr_html_(self) -> str:
        """Notebook display: size, time span, events per action and rejected rows."""
        return _display.events_html(self)
