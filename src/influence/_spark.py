"""The Spark side of :func:`influence.engines.read_spark` (``spark`` extra).

pyspark is imported when the reader is called, never at import time, and
only through :func:`influence.engines._require` (so the module type-checks
without pyspark installed).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

from ._assemble import FIELDS, Errors, validate_errors
from ._columns import EARLIEST, LATEST
from ._events import Events, _field_map
from .engines import _TEXT_MARGIN, DAY, DEFAULT_DAYS, _exact, _require, _stale, _window

__all__ = ["read_spark"]

_NUMERIC = ("byte", "short", "integer", "long", "float", "double", "decimal")


def read_spark(
    frame: Any,
    *,
    as_of: Any = None,
    days: float | None = DEFAULT_DAYS,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
) -> Events:
    """Implementation of :func:`influence.engines.read_spark` (documented there)."""
    owner = "read_spark"
    original = frame
    validate_errors(errors)
    _require("pyspark", "spark", owner)
    sql = _require("pyspark.sql", "spark", owner)
    functions = _require("pyspark.sql.functions", "spark", owner)
    _require("pyarrow", "spark", owner)
    if not isinstance(frame, sql.DataFrame):
        raise TypeError(f"{owner} reads a pyspark.sql.DataFrame; got {type(frame).__name__}")
    if not hasattr(frame, "toArrow"):
        raise ImportError(f"{owner} needs pyspark>=4.0 (DataFrame.toArrow)")
    when, span = _window(as_of, days, owner)
    mapping = _field_map(columns)
    names = list(frame.columns)
    missing = [mapping[f] for f in ("time", "actor", "action") if mapping[f] not in names]
    if missing:
        raise ValueError(f"{owner}: the frame lacks required column(s) {missing}; has {names}")
    time = mapping["time"]
    kind = frame.schema[time].dataType
    seconds, margin = _spark_seconds(functions, time, kind, owner)
    end = when
    if end is None:
        found = frame.agg(functions.max(seconds)).collect()  # NULL outside the years 1-9999
        # No readable time at all: keep every row, and validation will say why.
        end = math.inf if not found or found[0][0] is None else float(found[0][0])
    kept = [mapping[f] for f in FIELDS if mapping[f] in names]
    if math.isfinite(end):
        inside = seconds <= functions.lit(end + margin)
        if math.isfinite(span):
            low = end - span - margin
            inside = inside & (seconds > functions.lit(low))
            prune = _spark_prune(functions, time, kind, low)
            if prune is not None:
                frame = frame.filter(prune)
        frame = frame.filter(seconds.isNull() | inside)
    # Decimals reach Arrow as a type Events does not read as times: as doubles, then.
    wide = kind.typeName() == "decimal"
    projection = [
        _column(functions, c).cast("double").alias(c)
        if wide and c == time
        else _column(functions, c)
        for c in kept
    ]
    window = frame.select(*projection).toArrow()
    rename = {f: mapping[f] for f in FIELDS if mapping[f] in names}
    events = Events.from_arrow(window, columns=rename, errors=errors)
    if _stale(events, when, end, span, margin):
        assert events.end is not None
        wider = (span + end - events.end) / DAY
        again = read_spark(original, as_of=end, days=wider, columns=columns, errors=errors)
        return _exact(again, events.end, span)  # the refused rows stay in `rejected`
    return _exact(events, when, span)


def _column(functions: Any, name: str) -> Any:
    """The column called *name*, dots and all (not a path into a struct)."""
    return functions.col("`" + name.replace("`", "``") + "`")


def _spark_prune(functions: Any, time: str, kind: Any, low: float) -> Any:
    """A looser lower bound on the time column itself, which Spark can push down
    to the source (Parquet row groups, partitions); it cannot an expression.

    Keeps every row the exact condition keeps, and those it passes through
    (nulls; NaN and ``-inf`` in doubles). ``None`` for the other types.
    """
    column = _column(functions, time)
    name = kind.typeName()
    bound = math.floor(low) - 1
    if name in ("byte", "short", "integer", "long"):
        return column.isNull() | (column > functions.lit(bound))
    if name == "double":  # NaN is above every number in Spark
        return (
            column.isNull()
            | (column == functions.lit(-math.inf))
            | (column > functions.lit(float(bound)))
        )
    if name in ("timestamp", "date"):
        try:
            moment = datetime.datetime.fromtimestamp(bound - DAY, tz=datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):  # before year 1: nothing to prune
            return None
        value = moment.date() if name == "date" else moment
        return column.isNull() | (column > functions.lit(value))
    return None


def _spark_seconds(functions: Any, time: str, kind: Any, owner: str) -> tuple[Any, float]:
    """The time column in epoch seconds (NULL where unreadable or not finite), and the margin.

    Only the text path depends on the session time zone (for text without an
    offset), hence its margin; ``timestamp_ntz`` is read as UTC, like naive
    times everywhere else.
    """
    column = _column(functions, time)
    name = kind.typeName()
    margin = 0.0
    if name in _NUMERIC:
        seconds = column.cast("double")
    elif name == "timestamp":  # an instant: exact whatever the session time zone
        seconds = functions.unix_micros(column) / 1e6
    elif name == "timestamp_ntz":  # wall-clock time: read as UTC, not in the session zone
        origin = functions.lit("1970-01-01 00:00:00").cast("timestamp_ntz")
        seconds = functions.timestamp_diff("MICROSECOND", origin, column) / 1e6
    elif name == "date":
        seconds = functions.unix_date(column).cast("double") * 86_400.0
    elif name in (
        "string",
        "varchar",
        "char",
    ):  # epoch seconds as text (tried first, as we do), or ISO 8601
        timestamp = functions.unix_micros(functions.try_to_timestamp(column)) / 1e6
        seconds = functions.coalesce(column.try_cast("double"), timestamp)
        margin = _TEXT_MARGIN
    else:
        raise ValueError(
            f"{owner}: the time column {time!r} has type {kind.simpleString()}; expected "
            "numbers (epoch seconds), timestamps, dates or ISO 8601 text"
        )
    finite = (  # NaN, infinities and times outside the years 1-9999 go to validation
        ~functions.isnan(seconds)
        & (seconds >= functions.lit(EARLIEST))
        & (seconds < functions.lit(LATEST))
    )
    return functions.when(finite, seconds), margin
