"""The recency weight of an event's age, and the window's weights computed once per table."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.events.table import Events
from influence.kernels.rows import shared

__all__ = ["BLOCK", "recency_weights", "window_recency", "window_slice"]


def recency_weights(
    age_seconds: NDArray[np.float64], window_days: float, half_life_days: float
) -> NDArray[np.float64]:
    r"""Weight of an event of a given age: a half-life, tapered smoothly to zero at the window.

    .. math::

        w(a) = 2^{-a/h} \cos^2\!\Big(\frac{\pi}{2} \frac{a}{W}\Big) \quad (0 \le a < W),
        \qquad w(a) = 0 \text{ otherwise}

    The taper has zero slope at the window's edge, so an event leaving the
    window changes a score by a vanishing amount, not a cliff. Computed in blocks of
    :data:`BLOCK` ages, so that the temporaries stay in the cache however long the
    log (the same operations on each age: the result does not depend on the block).
    """
    ages = np.asarray(age_seconds, dtype=np.float64)
    out = np.empty(ages.shape)
    flat, into = ages.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, BLOCK):  # blocks, not events: a few per million
        into[start : start + BLOCK] = _recency(
            flat[start : start + BLOCK], window_days, half_life_days
        )
    return out


#: Elements per block of the blockwise elementwise kernels (:func:`recency_weights`):
#: half a megabyte per float64 temporary, well inside the cache.
BLOCK = 1 << 16


def window_slice(events: Events, as_of: float, window_days: float) -> tuple[int, int]:
    """The rows in ``(as_of - window, as_of]``: rows are sorted by time, so a slice
    ``[start, stop)``."""
    time = events.time
    start = int(np.searchsorted(time, as_of - window_days * DAY, side="right"))
    return start, int(np.searchsorted(time, as_of, side="right"))


def window_recency(
    events: Events, as_of: float, window_days: float, half_life_days: float
) -> tuple[int, NDArray[np.float64]]:
    """The first row of the window ``(as_of - window, as_of]`` and the
    :func:`recency_weights` of every row in it, so that ``recency[rows - start]`` is
    that of any rows of the window. Computed once per table and parameters
    (:func:`shared`): the engagement weights, Activity and Engagement's posts read it.
    """

    def compute() -> tuple[int, NDArray[np.float64]]:
        start, stop = window_slice(events, as_of, window_days)
        ages = as_of - events.time[start:stop]
        return start, recency_weights(ages, window_days, half_life_days)

    key = ("window-recency", float(as_of), float(window_days), float(half_life_days))
    return shared(events, key, compute, uses_trust=False)


def _recency(
    age_seconds: NDArray[np.float64], window_days: float, half_life_days: float
) -> NDArray[np.float64]:
    age = age_seconds / DAY
    inside = (age >= 0.0) & (age < window_days)
    x = np.clip(age / window_days, 0.0, 1.0)
    weight = np.exp2(-np.maximum(age, 0.0) / half_life_days) * np.cos(0.5 * np.pi * x) ** 2
    return np.where(inside, weight, 0.0)
