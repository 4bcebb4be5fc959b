"""Read the scoring window of a log through DuckDB or Spark (see :mod:`influence.engines`)."""

from __future__ import annotations

import datetime
import importlib
import math
import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from influence import _validate
from influence._time import DAY
from influence.events.assemble import FIELDS, Errors, validate_errors
from influence.events.readers import field_map, require_columns
from influence.events.table import Events
from influence.events.timeparse import EARLIEST, LATEST, to_epoch

__all__ = ["DEFAULT_DAYS", "read_duckdb", "read_spark"]

#: History kept before the scoring time: twice the house components' 90-day window.
DEFAULT_DAYS = 180.0

#: Margin of the engine-side filter on times given as text: any UTC offset fits in it.
_TEXT_MARGIN = DAY

#: File readers by extension, for a path or glob given as the source.
_READERS = {
    ".parquet": "read_parquet",
    ".csv": "read_csv",
    ".tsv": "read_csv",
    ".json": "read_json",
    ".jsonl": "read_json",
    ".ndjson": "read_json",
}


def _require(module: str, extra: str, owner: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{owner} needs {module}: pip install 'influence-score[{extra}]'"
        ) from None


def _window(as_of: Any, days: Any, owner: str) -> tuple[float | None, float]:
    """The caller's scoring time (``None``: from the data) and the window length in seconds."""
    when = None if as_of is None else to_epoch(as_of)
    if days is None:
        return when, math.inf
    return when, _validate.number(owner, "days", days, low=0.0, low_open=True) * DAY


def _exact(events: Events, as_of: float | None, span: float) -> Events:
    """The events in ``(as_of - span, as_of]``, times as parsed by :class:`Events`."""
    if not len(events):
        return events
    end = events.end if as_of is None else as_of
    assert end is not None
    keep = (events.time <= end) & (events.time > end - span)
    return events if keep.all() else events.select(keep).compact()


class _Log(Protocol):
    """One log in an engine, its time column chosen: what :func:`_read` needs of it."""

    margin: float  # slack of the engine-side time filter (text times: a day)

    def latest(self) -> float | None:
        """The latest readable time, epoch seconds (``None``: none is readable)."""

    def rows(self, kept: list[str], high: float | None, low: float | None) -> Any:
        """Arrow data: columns *kept*, the rows in ``(low, high]`` and those with no
        readable time (``None``: that side unbounded)."""


def _read(
    owner: str,
    names: list[str],
    open_log: Callable[[str], _Log],
    as_of: Any,
    days: Any,
    columns: Mapping[str, str] | None,
    errors: Errors,
) -> Events:
    """The window reader every engine shares; *open_log* binds the engine's log to
    its time column (by name) once the required columns are known to be there."""
    validate_errors(errors)
    when, span = _window(as_of, days, owner)
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
        return _exact(fetch(span + end - latest), latest, span)
    return _exact(events, when, span)


def _prune_bound(low: float) -> tuple[int, datetime.datetime | None]:
    """A looser lower bound for pruning by the raw time column: a whole number of
    seconds below *low*, and a UTC moment a day below that (``None`` before year 1)."""
    bound = math.floor(low) - 1
    try:
        return bound, datetime.datetime.fromtimestamp(bound - DAY, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return bound, None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_duckdb(
    source: Any,
    *,
    as_of: Any = None,
    days: float | None = DEFAULT_DAYS,
    columns: Mapping[str, str] | None = None,
    connection: Any = None,
    errors: Errors = "raise",
) -> Events:
    """The events of the scoring window, scanned and filtered by DuckDB.

    DuckDB reads the source out of core (Parquet row groups older than the
    window are skipped by their statistics when the time column holds
    timestamps, dates, integers or doubles), keeps the rows in
    ``(as_of - days, as_of]`` and the event columns only, and streams them as
    Arrow record batches into :meth:`Events.from_arrow`.

    Parameters
    ----------
    source : str, path-like or duckdb.DuckDBPyRelation
        A path or glob of ``.parquet``, ``.csv``/``.tsv`` or
        ``.json``/``.jsonl``/``.ndjson`` files (``.gz`` allowed for text
        files), or a relation (``con.sql("select ...")``,
        ``con.table("events")``), used on its own connection.
    as_of : float, datetime or str, optional
        The scoring time; default: the latest time in the source.
    days : float or None, default 180
        History kept before *as_of*, in days; ``None`` keeps all of it (only
        the rows after *as_of* are left out).
    columns : mapping, optional
        Event field -> column name, when they differ (as for the other
        constructors).
    connection : duckdb.DuckDBPyConnection, optional
        Connection used to read files (default: a new in-memory database);
        its settings are left as they are.
    errors : {"raise", "skip"}, default "raise"
        As for the other constructors.

    Returns
    -------
    Events

    Raises
    ------
    ImportError
        When duckdb or pyarrow is not installed (``pip install 'influence-score[duckdb]'``).
    TypeError
        When *source* is neither a path nor a DuckDB relation.
    ValueError
        When a required column is missing, the time column has a type that is
        not a time, or a parameter is invalid; :class:`InvalidEventError` for a
        bad row with ``errors="raise"``.

    Examples
    --------
    >>> import duckdb
    >>> from influence.engines import read_duckdb
    >>> con = duckdb.connect()
    >>> log = con.sql(
    ...     "select * from (values (1, 'bob', 'like', 'ann'), (5, 'cy', 'share', 'ann'),"
    ...     " (9, 'ann', 'reply', 'cy')) t(time, actor, action, target)")
    >>> events = read_duckdb(log, as_of=8, days=5 / 86400)  # (3, 8]: cy's share only
    >>> len(events), events.users.ids.tolist()
    (1, ['ann', 'cy'])
    """
    duckdb = _require("duckdb", "duckdb", "read_duckdb")
    relation = _duckdb_relation(duckdb, source, connection)

    def open_log(time: str) -> _Log:
        return _DuckDBLog(relation, time)

    return _read("read_duckdb", list(relation.columns), open_log, as_of, days, columns, errors)


class _DuckDBLog:
    """A DuckDB relation and its time column, in SQL."""

    def __init__(self, relation: Any, time: str) -> None:
        self.relation = relation
        self.time = _quote(time)
        self.kind = str(relation.types[list(relation.columns).index(time)]).upper()
        self.seconds, self.margin = _duckdb_seconds(self.time, self.kind, "read_duckdb")

    def latest(self) -> float | None:
        found = self.relation.aggregate(f"max({self.seconds})").fetchall()  # no fetchone in 2.x
        return None if not found or found[0][0] is None else float(found[0][0])

    def rows(self, kept: list[str], high: float | None, low: float | None) -> Any:
        relation, seconds = self.relation, self.seconds
        if high is not None:
            condition = f"{seconds} IS NULL OR {seconds} <= {high!r}"
            if low is not None:
                condition += f" AND {seconds} > {low!r}"
                prune = _duckdb_prune(self.time, self.kind, low)
                if prune is not None:
                    condition = f"({prune}) AND ({condition})"
            relation = relation.filter(condition)
        # Decimals and 128-bit integers reach Arrow as types Events does not read as times.
        wide = self.kind.startswith("DECIMAL") or self.kind in ("HUGEINT", "UHUGEINT")
        projection = [
            f"CAST({_quote(c)} AS DOUBLE) AS {_quote(c)}"
            if wide and _quote(c) == self.time
            else _quote(c)
            for c in kept
        ]
        return relation.project(", ".join(projection))  # Arrow C stream


def _duckdb_relation(duckdb: Any, source: Any, connection: Any) -> Any:
    if isinstance(source, duckdb.DuckDBPyRelation):
        return source
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not isinstance(source, str):
        raise TypeError(
            "read_duckdb reads a path or glob of files, or a duckdb relation; "
            f"got {type(source).__name__}"
        )
    con = duckdb.connect() if connection is None else connection
    name = source.lower().removesuffix(".gz")
    suffix = next((s for s in _READERS if name.endswith(s)), None)
    if suffix is None:
        raise ValueError(
            f"read_duckdb cannot tell the format of {source!r}: name files "
            f"{', '.join(sorted(_READERS))} (optionally .gz), or pass a relation"
        )
    return getattr(con, _READERS[suffix])(source)


def _duckdb_prune(column: str, kind: str, low: float) -> str | None:
    """A looser lower bound on the time column itself, that DuckDB checks against
    Parquet row-group statistics (it cannot on an expression of the column).

    Keeps every row the exact condition keeps, and those it passes through
    (nulls; NaN and ``-inf`` in doubles), so that it only skips row groups.
    Infinite timestamps and dates are not kept: Arrow carries them as extreme
    times, which the exact cut leaves out anyway (and a third disjunct would
    stop DuckDB from pruning). ``None`` for types whose comparison with a
    literal may round (text, floats, decimals).
    """
    bound, moment = _prune_bound(low)
    if kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"):
        return f"{column} IS NULL OR {column} > {bound}"
    if kind == "DOUBLE":  # NaN is above every number in DuckDB
        return f"{column} IS NULL OR {column} = '-inf'::DOUBLE OR {column} > {float(bound)!r}"
    kinds = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ", "TIMESTAMP": "TIMESTAMP", "DATE": "DATE"}
    if kind not in kinds or moment is None:  # text, floats, decimals; or before year 1
        return None
    text = moment.strftime("%Y-%m-%d") if kind == "DATE" else moment.strftime("%Y-%m-%d %H:%M:%S")
    if kind == "TIMESTAMP WITH TIME ZONE":
        text += "+00"
    return f"{column} IS NULL OR {column} > '{text}'::{kinds[kind]}"


def _duckdb_seconds(column: str, kind: str, owner: str) -> tuple[str, float]:
    """SQL for the time column in epoch seconds (NULL where unreadable), and the margin.

    NaN and infinite values (floats, ``'inf'`` text, infinite timestamps) are
    unreadable too: passed through to validation, not compared.
    """
    expression, margin = _duckdb_epoch(column, kind, owner)
    usable = (
        f"isfinite({expression}) AND {expression} >= {EARLIEST!r} AND {expression} < {LATEST!r}"
    )
    return f"(CASE WHEN {usable} THEN {expression} END)", margin


def _duckdb_epoch(column: str, kind: str, owner: str) -> tuple[str, float]:
    numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
               "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL")  # fmt: skip
    if kind in numeric or kind.startswith("DECIMAL"):
        return f"CAST({column} AS DOUBLE)", 0.0
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return f"epoch({column})", 0.0
    if kind == "VARCHAR":  # ISO 8601 text, or epoch seconds written as text
        # numbers first, as the library parses text (and as read_spark does)
        text = f"COALESCE(TRY_CAST({column} AS DOUBLE), epoch(TRY_CAST({column} AS TIMESTAMPTZ)))"
        return text, _TEXT_MARGIN
    raise ValueError(
        f"{owner}: the time column {column} has type {kind}; expected numbers (epoch "
        "seconds), timestamps, dates or ISO 8601 text"
    )


def read_spark(
    frame: Any,
    *,
    as_of: Any = None,
    days: float | None = DEFAULT_DAYS,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
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
    as_of, days, columns, errors
        As for :func:`read_duckdb` (the default *as_of* is computed by Spark).

    Returns
    -------
    Events

    Raises
    ------
    ImportError
        When pyspark (4.0 or later) or pyarrow is not installed
        (``pip install 'influence-score[spark]'``).
    TypeError
        When *frame* is not a Spark DataFrame.
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
    from influence.engines.spark import spark_log  # imports pyspark only now

    names, open_log = spark_log(frame)
    return _read("read_spark", names, open_log, as_of, days, columns, errors)
