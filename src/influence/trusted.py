"""Sums weighted by trust that read only the rows whose trust is not 1.

After the discounts (:class:`~influence.components.Reciprocity`,
:class:`~influence.components.Credibility`) a few events in a hundred carry a trust other
than 1 (:attr:`Events.trust <influence.Events.trust>`). A group of rows (an engagement
pair, a post's answers) whose rows all have trust 1 sums its trust to its count and its
weight x trust to its plain weight, bit for bit, so the signals take those from the
trust-free work they share with the table without trust, and sum again only the groups
with a row of other trust: linear in those rows, not in the table.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence.events.table import Events

__all__ = [
    "PartialTrust",
    "distrusted_positions",
    "distrusted_rows",
    "partial_trust",
    "trust_of",
]


def trust_of(events: Events, rows: NDArray[np.intp]) -> NDArray[np.float64]:
    """The trust weight of each of *rows* (ones when the table carries no trust)."""
    if events.trust is None:
        return np.ones(rows.size)
    return np.asarray(events.trust[rows], dtype=np.float64)


def distrusted_rows(events: Events) -> NDArray[np.intp]:
    """The rows whose trust is other than 1 (none without trust), ascending.

    Computed once per table (:attr:`Events.memo <influence.Events.memo>`).
    """
    trust = events.trust
    if trust is None:
        return np.zeros(0, dtype=np.intp)
    return events.memo.get(("distrusted-rows",), lambda: np.flatnonzero(trust != 1.0))


def distrusted_positions(events: Events, rows: NDArray[np.intp]) -> NDArray[np.intp]:
    """Where the rows of trust other than 1 stand among the ascending *rows*, ascending."""
    distrusted = distrusted_rows(events)
    if rows.size == 0 or distrusted.size == 0:
        return np.zeros(0, dtype=np.intp)
    at = np.minimum(np.searchsorted(rows, distrusted), rows.size - 1)
    return np.asarray(at[rows[at] == distrusted], dtype=np.intp)


class PartialTrust(NamedTuple):
    """The groups with a row of trust other than 1 (ascending) and, per group, its rows'
    summed weight, weight x trust and trust, and their number (:func:`partial_trust`)."""

    groups: NDArray[np.intp]
    weight: NDArray[np.float64]
    weighted: NDArray[np.float64]
    trust: NDArray[np.float64]
    n_rows: NDArray[np.int64]


def partial_trust(
    events: Events,
    rows: NDArray[np.intp],
    group: NDArray[np.integer],
    n_groups: int,
    weight: NDArray[np.float64] | None = None,
) -> PartialTrust:
    """Sums over the groups of *rows* that hold a row of trust other than 1.

    *rows* are ascending rows of *events*, *group* the group (``0 <= group < n_groups``)
    and *weight* the weight (ones if not given) of each. For the groups with a row of
    trust other than 1, the sums of ``weight``, ``weight * trust`` and ``trust`` over
    their rows and the row counts: bit for bit ``np.bincount(group, weights=...)`` over
    all rows, restricted to those groups (each group's rows are added in the same order),
    but only those groups' rows are read. Every other group sums ``trust`` to its count
    and ``weight * trust`` to its plain weight.

    Examples
    --------
    >>> import numpy as np
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": t, "actor": a, "action": "like", "target": "ann"}
    ...     for t, a in enumerate(["bob", "cy", "bob"])]).with_trust([1.0, 1.0, 0.5])
    >>> rows = np.arange(3)
    >>> part = partial_trust(ev, rows, np.array([0, 1, 0]), 2, np.array([2.0, 1.0, 2.0]))
    >>> part.groups.tolist(), part.weighted.tolist(), part.trust.tolist(), part.n_rows.tolist()
    ([0], [3.0], [1.5], [2])
    """
    positions = distrusted_positions(events, rows)
    if positions.size == 0:
        empty = np.zeros(0)
        return PartialTrust(np.zeros(0, np.intp), empty, empty, empty, np.zeros(0, np.int64))
    marked = np.zeros(n_groups, dtype=bool)
    marked[group[positions]] = True
    chosen = np.flatnonzero(marked[group])  # their rows, in row order
    groups = np.flatnonzero(marked)
    at = np.searchsorted(groups, group[chosen])
    trust = trust_of(events, rows[chosen])
    own = np.ones(chosen.size) if weight is None else weight[chosen]
    size = groups.size
    return PartialTrust(
        groups,
        np.asarray(np.bincount(at, weights=own, minlength=size), np.float64),
        np.asarray(np.bincount(at, weights=own * trust, minlength=size), np.float64),
        np.asarray(np.bincount(at, weights=trust, minlength=size), np.float64),
        np.bincount(at, minlength=size).astype(np.int64),
    )
