"""Grouping by pair: one sort of packed int64 keys per table, and look-ups in sorted order."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence.events.table import Events

__all__ = [
    "CACHED",
    "PairOrder",
    "pair_index",
    "pair_order",
    "pairs_of_rows",
    "rows_in_pair_order",
    "sorted_lookup",
    "stable_order",
]


def pair_index(
    first: NDArray[np.integer[Any]], second: NDArray[np.integer[Any]], n_second: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.intp]]:
    """Distinct ``(first, second)`` pairs in key order, and each row's pair index.

    One sort of packed int64 keys (:func:`stable_order`); sums per pair are then
    ``np.bincount(inverse, weights=...)``, one pass per column.
    """
    if first.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=np.intp)
    width = max(n_second, 1)
    key = first.astype(np.int64) * width + second.astype(np.int64)
    order, ordered = stable_order(key)
    return _groups(ordered, order, width)


def _groups(
    ordered: NDArray[np.int64], order: NDArray[np.intp], width: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.intp]]:
    """Distinct pairs of the sorted packed keys *ordered*, and each row's pair index
    (*order* gives, for each sorted key, the row it came from)."""
    new, ids = _group_ids(ordered)
    inverse = np.empty(ordered.size, dtype=np.intp)
    inverse[order] = ids
    first, second = np.divmod(ordered[new], width)
    return first, second, inverse


def _group_ids(ordered: NDArray[np.int64]) -> tuple[NDArray[np.bool_], NDArray[np.intp]]:
    """Where each run of equal sorted keys starts, and each key's run number."""
    new = np.empty(ordered.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    ids = np.cumsum(new, dtype=np.intp)
    ids -= 1
    return new, ids


def stable_order(key: NDArray[np.integer[Any]]) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    """``np.argsort(key, kind="stable")`` and the sorted keys, by one sort of values.

    Each non-negative key is packed with its position into one ``uint64``
    (``key << b | position``, with :math:`2^b` at least the number of keys), and the
    packed values are sorted: a sort of values (vectorised, cache-friendly) runs
    several times faster than an argsort, and ties keep their positions' order, so the
    result is exactly the stable argsort. Keys too wide to pack (or negative) fall back
    to ``np.argsort(kind="stable")``.

    Examples
    --------
    >>> import numpy as np
    >>> order, ordered = stable_order(np.array([3, 1, 3, 0]))
    >>> order.tolist(), ordered.tolist()
    ([3, 1, 0, 2], [0, 1, 3, 3])
    """
    size = key.size
    values = np.asarray(key, dtype=np.int64)
    if size == 0:
        return np.zeros(0, dtype=np.intp), values.copy()
    packed = _packed_sort(values, np.arange(size, dtype=np.uint64), size, copy=True)
    if packed is None:
        order = np.argsort(values, kind="stable")
        return order, values[order]
    return packed


def _packed_sort(
    values: NDArray[np.int64], tags: NDArray[np.uint64], bound: int, *, copy: bool
) -> tuple[NDArray[np.intp], NDArray[np.int64]] | None:
    """The sorted *values* and their *tags* (ascending, each below *bound*) in that order,
    ties in the order of the tags; by one sort of ``value << b | tag``. ``None`` when a
    value is negative or too wide to pack. Without *copy*, *values* is sorted in place
    (and *tags* overwritten)."""
    low, high = int(values.min()), int(values.max())
    bits = max(bound - 1, 1).bit_length()
    if low < 0 or high >= 1 << (64 - bits):
        return None
    packed = values.astype(np.uint64) if copy else values.view(np.uint64)
    packed <<= np.uint64(bits)
    packed |= tags
    packed.sort()
    order = np.bitwise_and(packed, np.uint64((1 << bits) - 1), out=tags)
    packed >>= np.uint64(bits)
    return order.view(np.intp), packed.view(np.int64)


def sorted_lookup(
    table: NDArray[np.int64], needles: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Where each of *needles* is in the sorted, distinct *table*, and whether it is there.

    The needles are sorted first (:func:`stable_order`), so the search walks the table
    once in order (a merge of two sorted arrays) instead of jumping at random through
    it, which is what costs when the table no longer fits in the cache. A table that fits
    (fewer than :data:`CACHED` keys) is searched directly: there, sorting many needles
    would cost more than it saves. ``position`` is meaningful where ``found``.

    Examples
    --------
    >>> import numpy as np
    >>> at, found = sorted_lookup(np.array([2, 5, 9]), np.array([9, 4, 2]))
    >>> at[found].tolist(), found.tolist()
    ([2, 0], [True, False, True])
    """
    position = np.zeros(needles.size, dtype=np.intp)
    found = np.zeros(needles.size, dtype=bool)
    if table.size == 0 or needles.size == 0:
        return position, found
    if table.size < CACHED:
        at = np.minimum(np.searchsorted(table, needles), table.size - 1)
        return at, table[at] == needles
    order, ordered = stable_order(needles)
    at = np.minimum(np.searchsorted(table, ordered), table.size - 1)
    position[order] = at
    found[order] = table[at] == ordered
    return position, found


#: Keys of a sorted table that :func:`sorted_lookup` searches directly (2 MiB of int64:
#: inside the cache of a core).
CACHED = 1 << 18


class PairOrder(NamedTuple):
    """Every event aimed at another user, sorted once by ``(actor, target)``, then row.

    ``rows`` are the rows with ``target >= 0`` and ``actor != target`` in that order,
    ``key`` their packed keys ``actor * n_users + target`` (ascending).
    """

    rows: NDArray[np.intp]
    key: NDArray[np.int64]


def pair_order(events: Events) -> PairOrder:
    """The table's aimed events sorted by ``(actor, target)``: one sort per table.

    Every grouping of events by engagement pair (:func:`pairs_of_rows`: the engagement
    window of any length, the interactions of
    :class:`~influence.components.Credibility`) is a linear filter of this order, so a
    scoring run sorts the pairs once, whatever its components and windows. Computed
    once per table (kept in :attr:`Events.memo <influence.Events.memo>`; trust plays no
    part).
    """

    def compute() -> PairOrder:
        aimed = events.target >= 0
        aimed &= events.actor != events.target
        rows = np.flatnonzero(aimed)
        key = events.actor[rows].astype(np.int64)
        key *= max(events.n_users, 1)
        key += events.target[rows]
        if rows.size:  # packed with the row itself: no gather of the rows after the sort
            sorted_rows = _packed_sort(key, rows.astype(np.uint64), len(events), copy=False)
            if sorted_rows is not None:
                return PairOrder(*sorted_rows)
        order, ordered = stable_order(key)
        return PairOrder(rows[order], ordered)

    return events.memo.get(("pair-order",), compute, uses_trust=False)


def pairs_of_rows(
    events: Events, mask: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.intp]]:
    """``pair_index(actor[rows], target[rows], n_users)`` for ``rows = flatnonzero(mask)``.

    The same distinct pairs and row indices, taken from the table's one sort
    (:func:`pair_order`) by a linear filter instead of a sort of their own. *mask*
    (one entry per event) may select only events aimed at another user. A selection of
    less than half the table (a short window) is sorted on its own, unless the table's
    order is already there: sorting the whole table for it would cost more.
    """
    if not _order_known(events) and 2 * int(np.count_nonzero(mask)) < len(events):
        rows = np.flatnonzero(mask)
        return pair_index(events.actor[rows], events.target[rows], events.n_users)
    order = _chosen_in_order(events, mask, "pairs_of_rows")
    new, ids = _group_ids(order.key)
    # Each row's pair, written at its place in the table and read back in row order: a
    # scatter and a linear filter, where numbering the rows first would add a gather.
    spread = np.empty(len(events), dtype=np.intp)
    spread[order.rows] = ids
    first, second = np.divmod(order.key[new], max(events.n_users, 1))
    return first, second, spread[mask]


def rows_in_pair_order(events: Events, mask: NDArray[np.bool_]) -> PairOrder:
    """The rows where *mask* is true, sorted by ``(actor, target)`` then row, and their keys.

    ``rows`` and ``key`` as in :class:`PairOrder`, for the selected rows only: within
    a pair the rows keep their order (the table's time order). A linear filter of the
    table's one sort (:func:`pair_order`), with the rule of :func:`pairs_of_rows`: a
    selection of less than half the table is sorted on its own (:func:`stable_order`)
    unless the table's order is already there. *mask* may select only events aimed at
    another user.

    Examples
    --------
    >>> import numpy as np
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "cy", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "share", "target": "ann"},
    ... ])
    >>> rows_in_pair_order(ev, np.ones(3, dtype=bool)).rows.tolist()
    [1, 0, 2]
    """
    if not _order_known(events) and 2 * int(np.count_nonzero(mask)) < len(events):
        rows = np.flatnonzero(mask)
        aimed = events.target[rows]
        if np.any((aimed < 0) | (aimed == events.actor[rows])):
            raise ValueError("rows_in_pair_order: the mask selects events aimed at no other user")
        width = max(events.n_users, 1)
        order, ordered = stable_order(events.actor[rows].astype(np.int64) * width + aimed)
        return PairOrder(rows[order], ordered)
    return _chosen_in_order(events, mask, "rows_in_pair_order")


def _order_known(events: Events) -> bool:
    """Whether the table's pair order is computed already (in its memo or its base's)."""
    memo = events.memo
    return ("pair-order",) in memo or (memo.base is not None and ("pair-order",) in memo.base)


def _chosen_in_order(events: Events, mask: NDArray[np.bool_], owner: str) -> PairOrder:
    """The table's pair order filtered to the rows of *mask* (all aimed at another user)."""
    order = pair_order(events)
    selected = int(np.count_nonzero(mask))
    if selected == order.rows.size:
        # As many rows as there are aimed ones: all of them, unless one is not aimed (a
        # check in table order, cheaper than reading the mask in pair order).
        aimed = events.target >= 0
        aimed &= events.actor != events.target
        aimed &= mask
        if int(np.count_nonzero(aimed)) == selected:
            return order
    chosen = mask[order.rows]
    if int(np.count_nonzero(chosen)) != selected:
        raise ValueError(f"{owner}: the mask selects events aimed at no other user")
    return PairOrder(order.rows[chosen], order.key[chosen])
