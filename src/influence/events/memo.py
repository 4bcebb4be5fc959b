"""The per-table memo: work computed once for an event table and shared by its readers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import numpy as np

__all__ = ["Memo"]

T = TypeVar("T")


class Memo:
    """Results computed once for one event table, so the components of a run share them.

    Every :class:`~influence.Events` table has its own, :attr:`Events.memo
    <influence.Events.memo>`: several components need the same engagement pairs or
    per-post counts, and each asks the memo for them by a key naming the work and its
    parameters, so a scoring run computes them once. An entry lives as long as the
    table (the memo is held by the table and by nothing global).

    A table made by :meth:`Events.with_trust <influence.Events.with_trust>` has a memo
    of its own for work that reads :attr:`Events.trust <influence.Events.trust>`, and
    shares the trust-free entries (``uses_trust=False``) of the trust-free table it was
    made from (its :attr:`base`). A table sliced from it (``until``, ``select``,
    ``compact``) starts a new memo.

    It is safe to share between threads (the scorer evaluates components side by
    side, :mod:`influence.scoring.lanes`): a key is computed by the first thread to
    ask for it while the others asking for the same key wait for its result, so
    each entry is still computed once.

    Parameters
    ----------
    base : Memo, optional
        The memo of the trust-free table whose trust-free entries this one shares.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([{"time": 1, "actor": "bob", "action": "like", "target": "ann"}])
    >>> calls = []
    >>> def count():
    ...     calls.append(1)
    ...     return len(ev)
    >>> ev.memo.get(("rows",), count, uses_trust=False)
    1
    >>> ev.with_trust([0.5]).memo.get(("rows",), count, uses_trust=False), len(calls)
    (1, 1)
    """

    __slots__ = ("_base", "_entries", "_guard", "_locks")

    def __init__(self, base: Memo | None = None) -> None:
        self._entries: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.RLock] = {}  # one per key being computed
        self._guard = threading.Lock()  # over _locks
        self._base = base

    def __reduce__(self) -> tuple[type[Memo], tuple[()]]:
        """Pickled, copied or deep-copied as an empty memo: its entries are work that the
        copy's readers compute again when they ask (and its locks cannot be pickled)."""
        return (Memo, ())

    @property
    def base(self) -> Memo | None:
        """The trust-free table's memo whose trust-free entries this one shares, if any."""
        return self._base

    def get(self, key: Hashable, compute: Callable[[], T], *, uses_trust: bool = True) -> T:
        """``compute()``, computed the first time *key* is asked for and kept after.

        Parameters
        ----------
        key : hashable
            Names the work and every parameter it depends on, e.g. ``("pairs", as_of)``.
        compute : callable
            Takes no arguments; called at most once per key (unless it raises).
        uses_trust : bool, default True
            ``False`` when the result ignores :attr:`Events.trust
            <influence.Events.trust>`: the entry is then shared with the trust-free table
            this memo's table was made from by ``with_trust``.

        Returns
        -------
        object
            What *compute* returned, made read-only since every reader shares it: a
            numpy array, or the arrays in a tuple or among a dict's values, are flagged
            not writeable.
        """
        owner = self if uses_trust or self._base is None else self._base
        entries = owner._entries
        if key in entries:
            return entries[key]  # type: ignore[no-any-return]
        with owner._guard:
            lock = owner._locks.setdefault(key, threading.RLock())
        with lock:  # a second thread asking for the key waits here for the first's result
            if key not in entries:
                value = compute()
                _freeze(value)
                entries[key] = value
        with owner._guard:
            owner._locks.pop(key, None)
        return entries[key]  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        """Whether this memo holds *key* itself (not through its :attr:`base`)."""
        return key in self._entries

    def __len__(self) -> int:
        """Number of entries this memo holds itself (not through its :attr:`base`)."""
        return len(self._entries)

    def clear(self) -> None:
        """Drop the entries this memo holds (not its :attr:`base`'s); they are recomputed."""
        with self._guard:
            self._entries.clear()

    def __repr__(self) -> str:
        shared = "" if self._base is None else f", sharing {len(self._base)} trust-free"
        return f"<Memo: {len(self)} entries{shared}>"


def _freeze(value: Any) -> None:
    """Flag the arrays of *value* (an array, a tuple or a dict of them) read-only."""
    items: Iterable[Any] = (
        value.values()
        if isinstance(value, dict)
        else value
        if isinstance(value, tuple)
        else (value,)
    )
    for array in items:
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
