"""The window reader every engine shares: the scoring window of a log, validated once."""

from __future__ import annotations

import datetime
import importlib
import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

from influence import _validate
from influence._time import DAY
from influence.events.assemble import FIELDS, Errors, validate_errors
from influence.events.readers import field_map, require_columns
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.exceptions import LookbackWarning

__all__ = [
    "DEFAULT_DAYS",
    "TEXT_MARGIN",
    "Days",
    "WindowLog",
    "lookbacks",
    "prune_bound",
    "read_window",
    "require_module",
]

#: History kept before the scoring time when no scorer is given: what the house scorer
#: reads (``Scorer().lookback_days``: its 90-day window and one more before it).
DEFAULT_DAYS = 180.0
#: What ``days`` may be: a number of days, ``None`` (all history) or ``"auto"``.
Days = float | None | Literal["auto"]
#: Margin of the engine-side filter on times given as text: any UTC offset fits in it.
TEXT_MARGIN = DAY


def require_module(module: str, extra: str, owner: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{owner} needs {module}: pip install 'influence-score[{extra}]'"
        ) from None


def lookbacks(owner: str, scorer: Any) -> dict[str, float]:
    """Days before ``as_of`` each part of *scorer* reads, by name (empty for ``None``).

    *scorer* is an :class:`influence.Scorer` (its ``lookbacks``) or one component (its
    ``lookback_days``; a callable that declares none reads all history).
    """
    if scorer is None:
        return {}
    parts = getattr(scorer, "lookbacks", None)
    if isinstance(parts, Mapping):
        return {str(name): float(days) for name, days in parts.items()}
    days = getattr(scorer, "lookback_days", None)
    if days is None and not callable(scorer):
        raise TypeError(
            f"The 'scorer' parameter of {owner} must be an influence.Scorer or a component "
            f"(with lookbacks or lookback_days). Got {type(scorer).__name__} instead."
        )
    days = math.inf if days is None else days
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not days > 0:
        raise ValueError(
            f"The 'scorer' parameter of {owner} declares lookback_days={days!r}; expected a "
            "positive number of days (math.inf for all history)"
        )
    name = getattr(scorer, "name", None) or getattr(scorer, "__name__", None)
    return {str(name or type(scorer).__name__): float(days)}


def window_span(
    as_of: Any, days: Any, owner: str, scorer: Any = None
) -> tuple[float | None, float]:
    """The caller's scoring time (``None``: from the data) and the window length in seconds.

    ``days="auto"`` reads what *scorer* needs (:data:`DEFAULT_DAYS` without one); a
    shorter window than *scorer* needs gives a :class:`~influence.exceptions.LookbackWarning`
    naming the parts it cannot hold.
    """
    when = None if as_of is None else to_epoch(as_of)
    needs = lookbacks(owner, scorer)
    if isinstance(days, str):
        if days != "auto":
            raise ValueError(
                f"The 'days' parameter of {owner} must be a positive number of days, None "
                f"(all history) or 'auto' (what the scorer reads). Got {days!r} instead."
            )
        longest = max(needs.values(), default=DEFAULT_DAYS)
        days = None if math.isinf(longest) else longest
    if days is None:
        return when, math.inf
    span = _validate.number(owner, "days", days, low=0.0, low_open=True) * DAY
    short = {name: need for name, need in needs.items() if need * DAY > span}
    if short:
        parts = ", ".join(
            f"{name!r} {'all history' if math.isinf(need) else f'{need:g} days'}"
            for name, need in sorted(short.items(), key=lambda item: (-item[1], item[0]))
        )
        warnings.warn(
            f"{owner}: days={days:g} holds less history than the scorer reads ({parts}); "
            "scores of this window may differ from the whole log's. Leave days='auto' to "
            "read what the scorer needs.",
            LookbackWarning,
            stacklevel=4,
        )
    return when, span


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
    scorer: Any = None,
) -> Events:
    """The window reader every engine shares; *open_log* binds the engine's log to
    its time column (by name) once the required columns are known to be there."""
    validate_errors(errors)
    when, span = window_span(as_of, days, owner, scorer)
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
