"""Turning user-supplied times into float64 epoch seconds (UTC)."""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

_UTC = _dt.timezone.utc


def parse_time(value: Any) -> float:
    """Return *value* as epoch seconds UTC, or raise ``ValueError`` saying why.

    Accepted: ``int``/``float`` epoch seconds (finite), ``datetime.datetime``
    (naive means UTC), ``datetime.date`` (midnight UTC), ``numpy.datetime64``,
    and strings holding either a number or an ISO 8601 date-time with or without
    a UTC offset (``Z`` accepted).
    """
    if isinstance(value, bool):
        raise ValueError("a boolean is not a time")
    if isinstance(value, (int, np.integer)):
        return float(value)
    if isinstance(value, (float, np.floating)):
        seconds = float(value)
        if not math.isfinite(seconds):
            raise ValueError("time must be finite")
        return seconds
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return float(value.timestamp())
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC).timestamp()
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise ValueError("time is NaT")
        return float(datetime64_seconds(np.asarray([value]))[0])
    if isinstance(value, str):
        return _parse_string(value)
    raise ValueError(f"a {type(value).__name__} is not a time")


def _parse_string(text: str) -> float:
    stripped = text.strip()
    if not stripped:
        raise ValueError("time is empty")
    try:
        number = float(stripped)
    except ValueError:
        pass
    else:
        if not math.isfinite(number):
            raise ValueError("time must be finite")
        return number
    iso = stripped
    if iso[-1] in "zZ":
        iso = iso[:-1] + "+00:00"
    try:
        moment = _dt.datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError("not epoch seconds nor an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UTC)
    return moment.timestamp()


def datetime64_seconds(values: np.ndarray) -> NDArray[np.float64]:
    """Epoch seconds of a ``datetime64`` array, in its own unit (no overflow past 2262).

    A cast to nanoseconds, the usual route, wraps around for times after 2262
    or before 1677; here each unit is scaled in floating point. ``NaT`` gives
    an arbitrary number: mask it with ``np.isnat``.
    """
    unit, count = np.datetime_data(values.dtype)
    if unit in ("Y", "M"):  # calendar units have no fixed length: go through days
        values = values.astype("datetime64[D]")
        unit, count = "D", 1
    ticks = values.view(np.int64).astype(np.float64)
    if unit in _SUBSECOND:  # divide by a whole number: exact for whole seconds
        return np.asarray(ticks * count / _SUBSECOND[unit], dtype=np.float64)
    return np.asarray(ticks * (_SECONDS[unit] * count), dtype=np.float64)


#: Ticks per second of the sub-second datetime64 units, and seconds per tick of the others.
_SUBSECOND = {"ms": 10**3, "us": 10**6, "ns": 10**9, "ps": 10**12, "fs": 10**15, "as": 10**18}
_SECONDS = {"s": 1, "m": 60, "h": 3_600, "D": 86_400, "W": 604_800}


#: Times must fall in the years 1 to 9999, what a ``datetime`` and ISO 8601 text can hold
#: (epoch seconds from -62,135,596,800 to 253,402,300,799).
EARLIEST, LATEST = -62_135_596_800.0, 253_402_300_800.0
#: What to add when a number is out of that range: it is most likely in a finer unit.
UNIT_HINT = " (epoch milliseconds or microseconds must be divided by 1,000 or 1,000,000)"


def to_epoch(value: Any, *, name: str = "as_of") -> float:
    """Parse a scoring time given by the caller; errors name the parameter."""
    try:
        seconds = parse_time(value)
    except ValueError as exc:
        raise ValueError(
            f"{name} must be epoch seconds, a datetime or an ISO 8601 string; got {value!r} ({exc})"
        ) from None
    if not EARLIEST <= seconds < LATEST:
        hint = UNIT_HINT if is_numeric(value) else ""
        raise ValueError(f"{name} must fall in the years 1 to 9999{hint}; got {value!r}")
    return seconds


def is_numeric(value: Any) -> bool:
    """Whether *value* is a number, or text holding one (not a date)."""
    if isinstance(value, (int, float, np.number)):
        return True
    if not isinstance(value, str):
        return False
    try:
        float(value.strip())
    except ValueError:
        return False
    return True


def format_time(seconds: float) -> str:
    """ISO 8601 UTC text of epoch seconds, for messages and reprs."""
    if not math.isfinite(seconds):
        return str(seconds)
    moment = _dt.datetime.fromtimestamp(seconds, tz=_UTC)
    if moment.microsecond:
        return moment.isoformat().replace("+00:00", "Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
