"""The Spark dialect of :func:`influence.engines.read_spark` (``spark`` extra).

pyspark is imported when the reader is called, never at import time, and
only through :func:`influence.engines.window.require_module` (so the module type-checks
without pyspark installed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from influence.engines.window import (
    TEXT_MARGIN,
    Days,
    prune_bound,
    read_window,
    require_module,
)
from influence.events.assemble import Errors
from influence.events.table import Events
from influence.events.timeparse import EARLIEST, LATEST

__all__ = ["read_spark", "spark_log"]

_NUMERIC = ("byte", "short", "integer", "long", "float", "double", "decimal")


def spark_log(frame: Any) -> tuple[list[str], Callable[[str], _SparkLog]]:
    """The frame's column names, and how to bind it to its time column (for
    :func:`influence.engines.window.read_window`)."""
    owner = "read_spark"
    require_module("pyspark", "spark", owner)
    sql = require_module("pyspark.sql", "spark", owner)
    functions = require_module("pyspark.sql.functions", "spark", owner)
    require_module("pyarrow", "spark", owner)
    if not isinstance(frame, sql.DataFrame):
        raise TypeError(f"{owner} reads a pyspark.sql.DataFrame; got {type(frame).__name__}")
    if not hasattr(frame, "toArrow"):
        raise ImportError(f"{owner} needs pyspark>=4.0 (DataFrame.toArrow)")
    return list(frame.columns), lambda time: _SparkLog(frame, functions, time)


class _SparkLog:
    """A Spark DataFrame and its time column, as column expressions."""

    def __init__(self, frame: Any, functions: Any, time: str) -> None:
        self.frame, self.functions, self.time = frame, functions, time
        self.kind = frame.schema[time].dataType
        self.seconds, self.margin = _spark_seconds(functions, time, self.kind, "read_spark")

    def latest(self) -> float | None:
        found = self.frame.agg(self.functions.max(self.seconds)).collect()
        return None if not found or found[0][0] is None else float(found[0][0])

    def rows(self, kept: list[str], high: float | None, low: float | None) -> Any:
        frame, functions, seconds = self.frame, self.functions, self.seconds
        if high is not None:
            inside = seconds <= functions.lit(high)
            if low is not None:
                inside = inside & (seconds > functions.lit(low))
                prune = _spark_prune(functions, self.time, self.kind, low)
                if prune is not None:
                    frame = frame.filter(prune)
            frame = frame.filter(seconds.isNull() | inside)
        # Decimals reach Arrow as a type Events does not read as times: as doubles, then.
        wide = self.kind.typeName() == "decimal"
        projection = [
            _column(functions, c).cast("double").alias(c)
            if wide and c == self.time
            else _column(functions, c)
            for c in kept
        ]
        return frame.select(*projection).toArrow()


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
    bound, moment = prune_bound(low)
    if name in ("byte", "short", "integer", "long"):
        return column.isNull() | (column > functions.lit(bound))
    if name == "double":  # NaN is above every number in Spark
        return (
            column.isNull()
            | (column == functions.lit(-math.inf))
            | (column > functions.lit(float(bound)))
        )
    if name in ("timestamp", "date") and moment is not None:  # None: before year 1
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
        margin = TEXT_MARGIN
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


def read_spark(
    frame: Any,
    *,
    as_of: Any = None,
    days: Days = "auto",
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
    scorer: Any = None,
) -> Events:
    """The events of the scoring window, filtered by Spark.

    Spark keeps the rows in ``(as_of - days, as_of]`` and the event columns
    only, on the cluster (for a time column of timestamps, dates, integers or
    doubles, the window's lower bound is pushed down to the source, which
    skips older Parquet row groups), and the window is collected to the driver as
    Arrow data (``DataFrame.toArrow``) for :meth:`Events.from_arrow`. The
    window must fit in the driver's memory; the log need not.

    Time columns may be numbers (epoch seconds), ``timestamp``,
    ``timestamp_ntz`` (read as UTC, like naive times everywhere in this
    library), ``date``, or text (ISO 8601, or epoch seconds written as text).
    The result does not depend on ``spark.sql.session.timeZone``, and the
    session's configuration is left as it is.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        The log (classic or Spark Connect DataFrame).
    as_of, days, columns, errors, scorer
        As for :func:`read_duckdb` (the default *as_of* is computed by Spark;
        ``days="auto"`` reads what *scorer* reads, 180 days without one).

    Returns
    -------
    Events

    Raises
    ------
    ImportError
        When pyspark (4.0 or later) or pyarrow is not installed
        (``pip install 'influence-score[spark]'``).
    TypeError
        When *frame* is not a Spark DataFrame, or *scorer* is neither a scorer
        nor a component.
    ValueError
        When a required column is missing, the time column has a type that is
        not a time, or a parameter is invalid; :class:`InvalidEventError` for a
        bad row with ``errors="raise"``.

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from influence.engines import read_spark
    >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
    >>> log = spark.createDataFrame(  # doctest: +SKIP
    ...     [(1, "bob", "like", "ann"), (5, "cy", "share", "ann"), (9, "ann", "reply", "cy")],
    ...     "time long, actor string, action string, target string")
    >>> events = read_spark(log, as_of=8, days=5 / 86400)  # doctest: +SKIP
    >>> len(events), events.users.ids.tolist()  # doctest: +SKIP
    (1, ['ann', 'cy'])
    """
    names, open_log = spark_log(frame)
    return read_window("read_spark", names, open_log, as_of, days, columns, errors, scorer)
