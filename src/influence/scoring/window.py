"""The scoring window: the events at or before ``as_of``, the time taken from the data."""

from __future__ import annotations

from typing import Any

from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import to_epoch

__all__ = ["scoring_window"]


def scoring_window(events: Any, as_of: Any) -> tuple[Events, float | None, float]:
    """The window every scoring method reads, its ``as_of`` and the time the parts read.

    Checks that *events* is an :class:`~influence.Events`; with *as_of* ``None`` the
    latest event's time is taken (never the clock), with a
    :class:`~influence.FarFutureWarning` when the latest events stand far beyond the
    bulk of the log, pointed at the user's line (the first outside ``influence``). The
    window is ``events.until(as_of).compact()`` (the table itself
    when nothing is cut, so work in its memo is shared).

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 9, "actor": "cy", "action": "like", "target": "dee"},
    ... ])
    >>> window, when, t = scoring_window(ev, 5)
    >>> len(window), window.users.ids.tolist(), when
    (1, ['ann', 'bob'], 5.0)
    """
    if not isinstance(events, Events):
        raise TypeError(
            f"events must be an influence.Events; got {type(events).__name__}. "
            "Build one with Events.from_pandas, from_records, from_arrays, from_arrow or "
            "read_csv."
        )
    if as_of is None:  # the latest event: say so when it stands far beyond the rest
        warn_far_future(events)
    when = events.end if as_of is None else to_epoch(as_of)
    window = events.until(when).compact() if when is not None else events
    return window, when, 0.0 if when is None else when
