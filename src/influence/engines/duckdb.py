"""Read the scoring window of a log with DuckDB (``duckdb`` extra): files or relations."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from influence.engines.window import (
    TEXT_MARGIN,
    Days,
    WindowLog,
    prune_bound,
    read_window,
    require_module,
)
from influence.events.assemble import Errors
from influence.events.table import Events
from influence.events.timeparse import EARLIEST, LATEST

__all__ = ["read_duckdb"]

#: File readers by extension, for a path or glob given as the source.
_READERS = {
    ".parquet": "read_parquet",
    ".csv": "read_csv",
    ".tsv": "read_csv",
    ".json": "read_json",
    ".jsonl": "read_json",
    ".ndjson": "read_json",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_duckdb(
    source: Any,
    *,
    as_of: Any = None,
    days: Days = "auto",
    columns: Mapping[str, str] | None = None,
    connection: Any = None,
    errors: Errors = "raise",
    scorer: Any = None,
) -> Events:
    """The events of the scoring window, scanned and filtered by DuckDB.

    DuckDB reads the source out of core (Parquet row groups older than the
    window are skipped by their statistics when the time column holds
    timestamps, dates, integers or doubles), keeps the rows in
    ``(as_of - days, as_of]`` and the event columns only, fills an Arrow table
    with them on every core and hands it to :meth:`Events.from_arrow`.

    Parameters
    ----------
    source : str, path-like or duckdb.DuckDBPyRelation
        A path or glob of ``.parquet``, ``.csv``/``.tsv`` or
        ``.json``/``.jsonl``/``.ndjson`` files (``.gz`` allowed for text
        files), or a relation (``con.sql("select ...")``,
        ``con.table("events")``), used on its own connection.
    as_of : float, datetime or str, optional
        The scoring time; default: the latest time in the source.
    days : float, None or "auto", default "auto"
        History kept before *as_of*, in days; ``None`` keeps all of it (only
        the rows after *as_of* are left out). ``"auto"``: what *scorer* reads
        (its :attr:`~influence.Scorer.lookback_days`; all history when a part
        declares none), or :data:`~influence.engines.DEFAULT_DAYS` (180, what
        the house scorer reads) without one.
    columns : mapping, optional
        Event field -> column name, when they differ (as for the other
        constructors).
    connection : duckdb.DuckDBPyConnection, optional
        Connection used to read files (default: a new in-memory database);
        its settings are left as they are.
    errors : {"raise", "skip"}, default "raise"
        As for the other constructors.
    scorer : Scorer or component, optional
        The scorer the window is for. With ``days="auto"`` the window holds
        exactly the history it reads, so that its scores equal those of the
        whole log at *as_of* (docs/engines.md); with a number of days shorter
        than that, a :class:`~influence.exceptions.LookbackWarning` names the
        parts that read further back and how far.

    Returns
    -------
    Events

    Raises
    ------
    ImportError
        When duckdb or pyarrow is not installed (``pip install 'influence-score[duckdb]'``).
    TypeError
        When *source* is neither a path nor a DuckDB relation, or *scorer* is
        neither a scorer nor a component.
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

    With the scorer, the window is what it reads (180 days for the house scorer):

    >>> from influence import Scorer
    >>> len(read_duckdb(log, scorer=Scorer()))
    3

    See Also
    --------
    influence.Scorer.lookback_days : How far back a scorer reads.
    read_spark : The same window, read by Spark.
    """
    duckdb = require_module("duckdb", "duckdb", "read_duckdb")
    relation = _duckdb_relation(duckdb, source, connection)

    def open_log(time: str) -> WindowLog:
        return _DuckDBLog(relation, time)

    return read_window(
        "read_duckdb", list(relation.columns), open_log, as_of, days, columns, errors, scorer
    )


class _DuckDBLog:
    """A DuckDB relation and its time column, in SQL."""

    def __init__(self, relation: Any, time: str) -> None:
        self.relation = relation
        self.time = _quote(time)
        self.kind = str(relation.types[list(relation.columns).index(time)]).upper()
        self.seconds, self.margin = _duckdb_seconds(self.time, self.kind, "read_duckdb")
        self.epoch, _ = _duckdb_epoch(self.time, self.kind, "read_duckdb")

    def latest(self) -> float | None:
        if self.kind != "VARCHAR":
            # Epoch seconds grow with the column's values (numbers, timestamps, dates): when
            # the largest value is readable it is the latest readable time, found without
            # the time expression on every row (from the Parquet row groups' statistics).
            top = self.relation.aggregate(f"max({self.time}) AS {self.time}")
            found = top.project(self.seconds).fetchall()
            if found and found[0][0] is not None:
                return float(found[0][0])
        found = self.relation.aggregate(f"max({self.seconds})").fetchall()  # no fetchone in 2.x
        return None if not found or found[0][0] is None else float(found[0][0])

    def rows(self, kept: list[str], high: float | None, low: float | None) -> Any:
        relation, epoch = self.relation, self.epoch
        if high is not None:
            # ``seconds IS NULL OR seconds in (low, high]``, written on the epoch expression
            # itself: DuckDB evaluates it 6 times a row rather than 12 (no common
            # subexpressions in a filter), the same rows.
            inside = f"{epoch} <= {high!r}" + (f" AND {epoch} > {low!r}" if low is not None else "")
            condition = f"{epoch} IS NULL OR NOT ({_usable(epoch)}) OR ({inside})"
            if low is not None:
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
        window = relation.project(", ".join(projection))
        # Materialised, not streamed: DuckDB fills a table on every core, while a stream
        # (``__arrow_c_stream__``) is produced on one thread (0.53 s against 0.93 s for the
        # 4.9M-row window of bench_engines).
        fetch = getattr(window, "to_arrow_table", None) or window.fetch_arrow_table  # 2.x, 1.x
        return fetch()


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
    if connection is None:
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")  # our connection: no bar on stdout
    else:
        con = connection
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
    bound, moment = prune_bound(low)
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
    return f"(CASE WHEN {_usable(expression)} THEN {expression} END)", margin


def _usable(expression: str) -> str:
    """SQL: whether epoch seconds *expression* (not NULL) is a time the library reads."""
    return f"isfinite({expression}) AND {expression} >= {EARLIEST!r} AND {expression} < {LATEST!r}"


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
        return text, TEXT_MARGIN
    raise ValueError(
        f"{owner}: the time column {column} has type {kind}; expected numbers (epoch "
        "seconds), timestamps, dates or ISO 8601 text"
    )
