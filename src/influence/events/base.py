"""The storage under :class:`~influence.Events`: immutable columns, slicing and equality.

The columns, the lookup tables (users, posts, ...) and the rejected rows are read-only
attributes of :class:`EventColumns`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from influence.events import views as _views
from influence.events.assemble import Rejection, Table
from influence.events.ids import IdIndex
from influence.events.memo import Memo

__all__ = ["COLUMNS", "EventColumns"]

_E = TypeVar("_E", bound="EventColumns")

#: The per-event columns of an :class:`~influence.Events` table.
COLUMNS = ("action", "actor", "parent", "platform", "post", "target", "text", "time", "topics")


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class EventColumns:
    """A :class:`~.assemble.Table`'s columns and lookup tables as read-only attributes, and its
    trust weights.

    The base of :class:`~influence.Events`, which adds the constructors and the views.
    """

    __slots__ = ("_table", *COLUMNS, "trust", "_memo", "__weakref__")

    _table: Table
    time: NDArray[np.float64]
    actor: NDArray[np.int32]
    target: NDArray[np.int32]
    action: NDArray[np.int8]
    post: NDArray[np.int32]
    parent: NDArray[np.int32]
    text: NDArray[np.int32]
    platform: NDArray[np.int16]
    topics: NDArray[np.int32]
    trust: NDArray[np.float64] | None
    _memo: Memo

    def __init__(
        self,
        table: Table,
        trust: NDArray[np.float64] | None = None,
        *,
        memo: Memo | None = None,
    ) -> None:
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "trust", None if trust is None else _readonly(trust))
        object.__setattr__(self, "_memo", Memo() if memo is None else memo)
        for name in COLUMNS:
            object.__setattr__(self, name, _readonly(getattr(table, name)))

    @property
    def users(self) -> IdIndex:
        """Users: ``users.index(user_id) -> int`` and ``users.id(i) -> user_id``."""
        return self._table.users

    @property
    def n_users(self) -> int:
        """Number of users (actors and targets)."""
        return len(self._table.users)

    @property
    def posts(self) -> IdIndex:
        """Post ids named by ``post`` or ``parent``."""
        return self._table.posts

    @property
    def texts(self) -> tuple[str, ...]:
        """Distinct texts, sorted; ``text`` indexes into it."""
        return self._table.texts

    @property
    def platforms(self) -> tuple[str, ...]:
        """Distinct platform names, sorted; ``platform`` indexes into it."""
        return self._table.platforms

    @property
    def topic_sets(self) -> tuple[tuple[str, ...], ...]:
        """Distinct sorted tuples of topic tags; ``topics`` indexes into it."""
        return self._table.topic_sets

    @property
    def rejected(self) -> tuple[Rejection, ...]:
        """Rows set aside, each unpacking as ``(row, reason)``, in row order."""
        return self._table.rejected

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-event columns (not the id tables); a column no row fills,
        held as one value, counts that value once."""
        return sum(_held_bytes(getattr(self, name)) for name in COLUMNS)

    @property
    def start(self) -> float | None:
        """Time of the earliest event (epoch seconds), ``None`` when empty."""
        return float(self.time[0]) if len(self) else None

    @property
    def end(self) -> float | None:
        """Time of the latest event (epoch seconds), ``None`` when empty."""
        return float(self.time[-1]) if len(self) else None

    def __reduce__(self) -> tuple[Any, tuple[Table, NDArray[np.float64] | None]]:
        """Pickled, copied and deep-copied as its table and trust, with an empty memo."""
        return (type(self), (self._table, self.trust))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Events is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Events is immutable; cannot delete {name!r}")

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def _slice(self: _E, rows: Any, **tables: Any) -> _E:
        """The rows *rows* (a slice or a mask), as a table of the same class."""
        trust = None if self.trust is None else self.trust[rows]
        return type(self)(_views.slice_table(self._table, rows, COLUMNS, **tables), trust)

    def _retrusted(self: _E, trust: Any, *, copy: bool = True) -> _E:
        """The same events with *trust* (``None``: fully trusted); see ``Events.with_trust``.

        Trust-free work is shared with the trust-free table this one came from (its memo
        is this table's own, or the base of this table's memo when with_trust made it).
        """
        plain = self._memo if self.trust is None else self._memo.base
        if trust is None:
            return self if self.trust is None else type(self)(self._table, memo=plain)
        weights = _views.trust_weights(trust, len(self), copy=copy)
        return type(self)(self._table, weights, memo=Memo(plain))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EventColumns):
            return NotImplemented
        trusted = _views.same_trust(self.trust, other.trust, len(self), len(other))
        return trusted and _views.same_tables(self._table, other._table, COLUMNS)

    __hash__ = None  # type: ignore[assignment]


def _held_bytes(column: np.ndarray) -> int:
    """The bytes *column* holds: one value's for a read-only view of a single value."""
    if column.ndim == 1 and column.size and column.strides == (0,):
        return int(column.itemsize)
    return int(column.nbytes)
