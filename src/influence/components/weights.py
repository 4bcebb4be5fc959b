"""Engagement weights on a component's own time scale, with the default action weights."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.events.table import Events
from influence.kernels import action_weight_table, window_weights

__all__ = ["scale_weights"]


def scale_weights(events: Events, as_of: float, scale: Any) -> NDArray[np.float64]:
    """:func:`~influence.kernels.window_weights` with the default action weights
    (:func:`~influence.kernels.action_weight_table`), on the time scale and engager
    selectivity of *scale*: a component with ``window_days``, ``half_life_days`` and
    ``selectivity_per_day`` (Longevity and Reciprocity share them, computed once per table).

    Examples
    --------
    >>> from influence import Events
    >>> from influence.components import Longevity, Reciprocity
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "share", "target": "ann"},
    ...     {"time": 60, "actor": "cy", "action": "like", "target": "ann"}])
    >>> weights = scale_weights(ev, 60.0, Reciprocity())
    >>> round(float(weights[0] / weights[1]), 2)  # a share weighs three likes
    3.0
    >>> scale_weights(ev, 60.0, Longevity()) is weights  # one time scale: computed once
    True
    """
    return window_weights(
        events,
        as_of,
        window_days=scale.window_days,
        half_life_days=scale.half_life_days,
        actions=action_weight_table(),
        selectivity_per_day=scale.selectivity_per_day,
    )
