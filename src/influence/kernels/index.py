"""The window's engagement rows grouped by pair: one sort, shared, and per-pair sums.

Every component that reads (engager, engaged) pairs reads this one index.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence.events.table import Events
from influence.kernels.rows import received_engagement, shared
from influence.pairs import pairs_of_rows

__all__ = ["PairIndex", "engagement_index", "engagers_received", "sums"]


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
