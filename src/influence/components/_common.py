"""Small vectorised helpers shared by the built-in components."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .. import _actions
from .._events import Events

DAY = 86_400.0

ENGAGEMENT = _actions.mask_of(_actions.ENGAGEMENTS)
IMPLIES_POST = _actions.mask_of(frozenset({_actions.REPLY, _actions.SHARE, _actions.LIKE}))


def received_engagement(events: Events, as_of: float, window_days: float) -> NDArray[np.bool_]:
    """Rows that are engagement with another user inside ``(as_of - window, as_of]``."""
    return np.asarray(
        ENGAGEMENT[events.action]
        & (events.target >= 0)
        & (events.actor != events.target)
        & (events.time > as_of - window_days * DAY)
        & (events.time <= as_of)
    )


def count_distinct_pairs(
    first: NDArray[np.int32], second: NDArray[np.int32], n_first: int, n_second: int
) -> NDArray[np.int64]:
    """For each value of *first*, how many distinct *second* values it is paired with.

    One argsort-free pass: pairs are packed into int64 keys and made unique.
    """
    if first.size == 0:
        return np.zeros(n_first, dtype=np.int64)
    key = first.astype(np.int64) * max(n_second, 1) + second.astype(np.int64)
    unique = np.unique(key)
    return np.bincount(unique // max(n_second, 1), minlength=n_first).astype(np.int64)


def plural(count: float, word: str) -> str:
    """``"1 post"``, ``"3 posts"``."""
    value = int(count)
    return f"{value:,} {word}" + ("" if value == 1 else "s")
