"""The window reader every engine shares: the scoring window of a log, validated once."""

from __future__ import annotations

import datetime
import importlib
import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from influence import _validate
from influence._time import DAY
from influence.events.assemble import FIELDS, Errors, validate_errors
from influence.events.readers import field_map, require_columns
from influence.events.table import Events
from influence.events.timeparse import to_epoch

__all__ = [
    "DEFAULT_DAYS",
    "TEXT_MARGIN",
    "WindowLog",
    "prune_bound",
    "read_window",
    "require_module",
]

#: History kept before the scoring time: twice the house components' 90-day window.
DEFAULT_DAYS = 180.0
#: Margin of the engine-side filter on times given as text: any UTC offset fits in it.
TEXT_MARGIN = DAY


def require_module(module: str, extra: str, owner: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{owner} needs {module}: pip install 'influence-score[{extra}]'"
        ) from None


def window_span(as_of: Any, days: Any, owner: str) -> tuple[float | None, float]:
    """The caller's scoring time (``None``: from the data) and the window length in seconds."""
    when = None if as_of is None else to_epoch(as_of)
    if days is None:
        return when, math.inf
    return when, _validate.number(owner, "days", days, low=0.0, low_open=True) * DAY


def exact_window(events: Events, as_of: float | None, span: float) -> Events:
    """The events in ``(as_of - span, as_of]``, times as parsed by :class:`Events`."""
    if not len(events):
        return events
    end = events.end if as_of is None else as_of
    assert end is not None
    keep = (events.time <= end) & (events.time > end - span)
    return events if keep.all() else events.select(keep).compact()


class WindowLog(Protocol):
    """One log in an engine, its time column chosen: what :func:`_read` needs of it."""

    margin: float  # slack of the engine-side time filter (text times: a day)

    def latest(self) -> float | None:
        """The latest readable time, epoch seconds (``None``: none is readable)."""

    def rows(self, kept: list[str], high: float | None, low: float | None) -> Any:
        """Arrow data: columns *kept*, the rows in ``(low, high]`` and those with no
        readable time (``None``: that side unbounded)."""


def read_window(
    owner: str,
    names: list[str],
    open_log: Callable[[str], WindowLog],
    as_of: Any,
    days: Any,
    columns: Mapping[str, str] | None,
    errors: Errors,
) -> Events:
    """The window reader every engine shares; *open_log* binds the engine's log to
    its time column (by name) once the required columns are known to be there."""
    validate_errors(errors)
    when, span = window_span(as_of, days, owner)
    mapping = field_map(columns)
    require_columns(mapping, names, f"{owner}: the source")
    log = open_log(mapping["time"])
    # The latest time validation will accept: the engines' time expressions are NULL for
    # NaN, infinities and times outside the years 1-9999 (one row in epoch milliseconds
    # must not move the window past the others). No readable time: read every row.
    end = when if when is not None else log.latest()
    end = math.inf if end is None else end
    kept = [mapping[f] for f in FIELDS if mapping[f] in names]
    rename = {f: mapping[f] for f in FIELDS if mapping[f] in names}

    def fetch(length: float) -> Events:
        high = end + log.margin if math.isfinite(end) else None
        low = end - length - log.margin if high is not None and math.isfinite(length) else None
        return Events.from_arrow(log.rows(kept, high, low), columns=rename, errors=errors)

    events = fetch(span)
    latest = events.end
    if when is None and latest is not None and math.isfinite(span) and latest < end - log.margin:
        # The engine's window ended at the latest time it read, but validation refused that
        # row (another fault), so rows between the two windows' starts are missing: read
        # from the start of the window that ends at the latest kept row to the engine's
        # end. The refused rows are still reported.
        return exact_window(fetch(span + end - latest), latest, span)
    return exact_window(events, when, span)


def prune_bound(low: float) -> tuple[int, datetime.datetime | None]:
    """A looser lower bound for pruning by the raw time column: a whole number of
    seconds below *low*, and a UTC moment a day below that (``None`` before year 1)."""
    bound = math.floor(low) - 1
    try:
        return bound, datetime.datetime.fromtimestamp(bound - DAY, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return bound, None
