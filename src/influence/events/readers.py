"""Reading events from records, arrays, pandas, CSV, JSON Lines and Arrow into a table.

Each reader does the work behind one :class:`~influence.Events` constructor (which stays
the door users call, e.g. :meth:`Events.read_csv <influence.Events.read_csv>`): it maps
the event fields to the source's columns, gathers them and hands them to
:func:`~influence.events.assemble.assemble`, returning the validated
:class:`~influence.events.assemble.Table`. :func:`field_map` and :func:`require_columns`
are the column-mapping rules, shared with the readers of :mod:`influence.engines`.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from influence._memory import give_back, gives_back
from influence._progress import Progress
from influence.events import actions as _action_names
from influence.events import arrow as _arrow
from influence.events import coded, fastcsv
from influence.events.arrowcols import CODED_FIELDS, event_column, event_columns
from influence.events.assemble import FIELDS, Errors, Table, assemble, validate_errors
from influence.events.csvfile import Records
from influence.events.files import PathLike, file_bar, open_text

if TYPE_CHECKING:
    from influence.events.base import EventColumns

__all__ = [
    "constant_columns",
    "field_map",
    "from_arrays",
    "from_arrow",
    "from_pandas",
    "from_records",
    "read_csv",
    "read_jsonl",
    "require_columns",
]

#: The fields every event needs; a source must have a column for each.
REQUIRED = ("time", "actor", "action")


def field_map(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Event field -> source column name, defaulting to the field's own name.

    Parameters
    ----------
    columns : mapping, optional
        Event field -> the caller's column name, for the fields whose names differ.

    Returns
    -------
    dict
        Every event field (``time``, ``actor``, ``action``, ``target``, ``post``,
        ``parent``, ``text``, ``platform``, ``topics``, ``id``) -> its column name.

    Raises
    ------
    TypeError
        When *columns* is not a mapping.
    ValueError
        When *columns* names a field that is not an event field (with a hint when the
        mapping looks reversed, column -> field).
    """
    mapping = {field: field for field in FIELDS}
    if columns is None:
        return mapping
    if not isinstance(columns, Mapping):
        raise TypeError(
            f"columns must be a mapping from event field to column name; got {columns!r}"
        )
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        flipped = {v: k for k, v in columns.items() if k not in FIELDS and v in FIELDS}
        hint = (
            f"; columns maps event field -> your column name, so {unknown} looks reversed: "
            f"write {flipped!r} for those"
            if flipped
            else ""
        )
        raise ValueError(
            f"columns has unknown event field(s) {unknown}; allowed: {list(FIELDS)}{hint}"
        )
    mapping.update(columns)
    return mapping


def require_columns(
    mapping: Mapping[str, str],
    names: Sequence[str],
    where: str,
    *,
    given: Iterable[str] = (),
) -> None:
    """Raise naming the required columns *names* lacks, and how to map them.

    Parameters
    ----------
    mapping : mapping
        Event field -> column name, as made by :func:`field_map`.
    names : sequence of str
        The columns the source has.
    where : str
        The source, as the message names it (e.g. ``"the DataFrame"``).
    given : iterable of str, optional
        Fields given otherwise (as constants), which need no column.

    Raises
    ------
    ValueError
        When a column for ``time``, ``actor`` or ``action`` is missing.
    """
    fixed = set(given)
    fields = [f for f in REQUIRED if mapping[f] not in names and f not in fixed]
    if fields:
        missing = [mapping[f] for f in fields]
        raise ValueError(
            f"{where} lacks required column(s) {missing}; has {list(names)}. Map event fields "
            f"to your columns with columns={{field: column}}, e.g. columns={{{fields[0]!r}: ...}}"
        )


def from_records(
    records: Iterable[Mapping[str, Any]],
    *,
    errors: Errors = "raise",
    columns: Mapping[str, str] | None = None,
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
) -> Table:
    """The table of :meth:`Events.from_records <influence.Events.from_records>`."""
    validate_errors(errors)
    mapping = field_map(columns)
    cols: dict[str, list[Any]] = {field: [] for field in FIELDS}
    present = dict.fromkeys(FIELDS, False)
    n = 0
    extra: dict[int, tuple[str, str]] = {}
    for i, record in enumerate(records):
        n += 1
        if not isinstance(record, Mapping):
            extra[i] = ("bad row", f"a {type(record).__name__} is not a mapping of fields")
            for field in FIELDS:
                cols[field].append(None)
            continue
        for field in FIELDS:
            value = record.get(mapping[field])
            if value is not None:
                present[field] = True
            cols[field].append(value)
    data = {f: (cols[f] if present[f] or f in REQUIRED else None) for f in FIELDS}
    return assemble(data, n, errors=errors, extra=extra, dedupe=dedupe, known_posts=known_posts)


def from_arrays(
    time: Any,
    actor: Any,
    action: Any,
    target: Any = None,
    *,
    post: Any = None,
    parent: Any = None,
    text: Any = None,
    platform: Any = None,
    topics: Any = None,
    id: Any = None,
    errors: Errors = "raise",
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
) -> Table:
    """The table of :meth:`Events.from_arrays <influence.Events.from_arrays>`."""
    validate_errors(errors)
    data = {
        "time": time,
        "actor": actor,
        "action": action,
        "target": target,
        "post": post,
        "parent": parent,
        "text": text,
        "platform": platform,
        "topics": topics,
        "id": id,
    }
    return assemble(data, len(time), errors=errors, dedupe=dedupe, known_posts=known_posts)


def constant_columns(
    constants: Mapping[str, Any] | None,
    mapping: Mapping[str, str],
    explicit: Mapping[str, str] | None,
    names: Sequence[str],
) -> dict[str, Any]:
    """The fields given one value for every row, checked against the mapped columns.

    Parameters
    ----------
    constants : mapping, optional
        Event field -> the value every row takes (``{"action": "mention"}``).
    mapping : mapping
        Event field -> column name, as made by :func:`field_map`.
    explicit : mapping, optional
        The caller's own ``columns``: a field mapped there is mapped, whatever the source.
    names : sequence of str
        The columns the source has.

    Returns
    -------
    dict
        Event field -> value.

    Raises
    ------
    TypeError
        When *constants* is not a mapping.
    ValueError
        When a key is not an event field, or a field is both mapped to a column and given
        a constant.
    """
    if constants is None:
        return {}
    if not isinstance(constants, Mapping):
        raise TypeError(f"constants must be a mapping from event field to value; got {constants!r}")
    unknown = sorted(set(constants) - set(FIELDS))
    if unknown:
        raise ValueError(f"constants has unknown event field(s) {unknown}; allowed: {list(FIELDS)}")
    for field in constants:
        if (explicit is not None and field in explicit) or mapping[field] in names:
            raise ValueError(
                f"event field {field!r} is both read from column {mapping[field]!r} and given "
                f"the constant {constants[field]!r}; choose one (drop it from columns or "
                f"from constants)"
            )
    return dict(constants)


def _constant(value: Any, n: int) -> np.ndarray:
    column = np.empty(n, dtype=object)
    column[:] = [value] * n
    return column


def _by_line(
    data: dict[str, Any],
    fixed: Mapping[str, Any],
    lines: np.ndarray | list[int],
    extra: dict[int, tuple[str, str]],
    errors: Errors,
    dedupe: bool,
    actions: Mapping[str, int] | None = None,
    known_posts: EventColumns | None = None,
) -> Table:
    """Validate the columns a file reader gathered, its constants filled in, with rows
    numbered by their line in the file (*actions*: the log's action values, renamed)."""
    for f, value in fixed.items():
        data[f] = _constant(value, len(lines)) if f == "time" else coded.constant(value, len(lines))
    return assemble(
        data,
        len(lines),
        errors=errors,
        rows=np.asarray(lines, dtype=np.int64),
        unit="line",
        extra=extra,
        dedupe=dedupe,
        actions=actions,
        known_posts=known_posts,
    )


@gives_back
def read_csv(
    path: PathLike,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
    progress: Progress = "auto",
    header: bool = True,
    constants: Mapping[str, Any] | None = None,
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
    fast: bool = True,
    actions: Mapping[str, str] | None = None,
) -> Table:
    """The table of :meth:`Events.read_csv <influence.Events.read_csv>`.

    With *fast* (and pyarrow installed) the file is split into cells by pyarrow's
    multithreaded reader when :func:`~influence.events.fastcsv.split` can read it exactly
    as the csv module does, and its columns are read in bulk
    (:func:`~influence.events.arrowcols.event_column`); otherwise, or with ``fast=False``,
    row by row. Either way gives the same table, rejections and errors.
    """
    validate_errors(errors)
    renamed = _action_names.renamed(actions, "Events.read_csv")
    if header:
        mapping = field_map(columns)
    elif columns is None:
        mapping = {field: str(k) for k, field in enumerate(FIELDS, start=1)}
    else:
        mapping = field_map(columns)
    name = os.fspath(path)
    bar, shown = file_bar(path, progress, "Events.read_csv")
    with bar:
        cells = None
        if fast and os.path.exists(name):
            cells = fastcsv.split(path, delimiter=delimiter, encoding=encoding, header=header)
        if cells is not None:
            bar.update(os.path.getsize(name))
            names, where_header = _names(name, header, cells.header)
            fixed, where = _columns_of(constants, mapping, columns, names, where_header)
            bar.set_postfix_str("validating")
            n = int(cells.table.num_rows)
            data: dict[str, Any] = dict.fromkeys(FIELDS)
            data.update(event_columns({f: cells.table.column(j) for f, j in where.items()}))
            lines = np.arange(cells.first_line, cells.first_line + n, dtype=np.int64)
            del cells  # the cells' text, no longer needed, goes back before validating
            give_back()
            return _by_line(data, fixed, lines, {}, errors, dedupe, renamed, known_posts)
        with open_text(path, encoding, bar if shown else None) as handle:
            records = Records(handle, delimiter)
            first = next(records, None)
            if header:
                if first is not None and first[1] is None:
                    raise ValueError(f"{name}: line {first[0]}: cannot read the header: {first[2]}")
                names, where_header = _names(name, header, first[1] if first else None)
                first = None
            else:
                names, where_header = _names(name, header, first[1] if first else None)
            fixed, where = _columns_of(constants, mapping, columns, names, where_header)
            if "text" in where:
                records.multiline.add(where["text"])
            cols: dict[str, list[Any]] = {f: [] for f in where}
            lines_read: list[int] = []
            extra: dict[int, tuple[str, str]] = {}
            width = len(names)
            rest = records if first is None else itertools.chain([first], records)
            for line, row, reason in rest:
                pos = len(lines_read)
                lines_read.append(line)
                if row is None:
                    extra[pos] = ("bad row", reason)
                    row = []
                elif len(row) != width:
                    has = "the header has" if header else "the first row has"
                    extra[pos] = ("bad row", f"{len(row)} cells where {has} {width}")
                for f, j in where.items():
                    cols[f].append(row[j] if j < len(row) else None)
        bar.set_postfix_str("validating")
        data = {f: cols.get(f) for f in FIELDS}
        lines_at = np.array(lines_read, dtype=np.int64)
        return _by_line(data, fixed, lines_at, extra, errors, dedupe, renamed, known_posts)


def _names(name: str, header: bool, first: list[str] | None) -> tuple[list[str], str]:
    """The column names of a CSV file whose first record is *first*, and how to name them."""
    if header:
        return [h.strip() for h in first] if first else [], f"{name}: the header"
    names = [str(k) for k in range(1, len(first) + 1)] if first else []
    return names, f"{name} (no header: columns are named by position, 1 to {len(names)})"


def _columns_of(
    constants: Mapping[str, Any] | None,
    mapping: Mapping[str, str],
    columns: Mapping[str, str] | None,
    names: list[str],
    where_header: str,
) -> tuple[dict[str, Any], dict[str, int]]:
    """The constant fields and, per field read from the file, the position of its column."""
    fixed = constant_columns(constants, mapping, columns, names)
    require_columns(mapping, names, where_header, given=fixed)
    where = {f: names.index(mapping[f]) for f in FIELDS if mapping[f] in names}
    for f in where:
        if names.count(mapping[f]) > 1:
            at = [k + 1 for k, h in enumerate(names) if h == mapping[f]]
            raise ValueError(
                f"{where_header} names column {mapping[f]!r} {len(at)} times (cells "
                f"{at}); rename all but one, so that it is clear which to read"
            )
    return fixed, where


def read_jsonl(
    path: PathLike,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
    encoding: str = "utf-8-sig",
    progress: Progress = "auto",
    constants: Mapping[str, Any] | None = None,
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
    actions: Mapping[str, str] | None = None,
) -> Table:
    """The table of :meth:`Events.read_jsonl <influence.Events.read_jsonl>`.

    Notes
    -----
    Every line is read by :func:`json.loads`: there is no pyarrow path, as there is for
    :func:`read_csv`, because ``pyarrow.json.read_json`` (pyarrow 26) reads many files
    differently, and for some no check short of parsing every line would tell which. It
    skips blank lines and reads two objects on one line as two rows (so rows lose
    their line numbers, and a bad line is not reported); it turns integers beyond int64,
    and every integer of a key that also holds a fraction, into floats (an id of 2**53 + 1
    becomes another id); it reads a ``null`` line as a row of nulls (not a bad row), and
    a file holding only ``null`` crashes the interpreter (a segmentation fault). It
    refuses what the built-in reader accepts: a key given twice (the last wins), a key
    holding a number on one line and text on another, lone surrogates, ``1e400``.
    ``bench/bench_readers.py --jsonl`` measures this reader against ``pyarrow.json``.
    """
    validate_errors(errors)
    renamed = _action_names.renamed(actions, "Events.read_jsonl")
    mapping = field_map(columns)
    fixed = constant_columns(constants, mapping, columns, ())
    cols: dict[str, list[Any]] = {f: [] for f in FIELDS}
    lines: list[int] = []
    extra: dict[int, tuple[str, str]] = {}
    bar, shown = file_bar(path, progress, "Events.read_jsonl")
    with bar:
        with open_text(path, encoding, bar if shown else None) as handle:
            for number, line in enumerate(handle, start=1):
                if number == 1 and line.startswith("\ufeff"):
                    line = line[1:]  # a byte-order mark, whatever the encoding said
                if not line.strip():
                    continue
                pos = len(lines)
                lines.append(number)
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    record = None
                    extra[pos] = ("bad row", f"invalid JSON ({exc.msg} at column {exc.colno})")
                else:
                    if not isinstance(record, dict):
                        kind = "null" if record is None else type(record).__name__
                        extra[pos] = ("bad row", f"a JSON {kind} is not an object")
                        record = None
                for f in FIELDS:
                    cols[f].append(record.get(mapping[f]) if record else None)
        bar.set_postfix_str("validating")
        data: dict[str, Any] = {
            f: (v if any(x is not None for x in v) or f in REQUIRED else None)
            for f, v in cols.items()
        }
        for f, value in fixed.items():
            if any(x is not None for x in cols[f]):
                raise ValueError(
                    f"event field {f!r} is both read from key {mapping[f]!r} and given the "
                    f"constant {value!r}; choose one (drop it from columns or from constants)"
                )
        return _by_line(data, fixed, lines, extra, errors, dedupe, renamed, known_posts)


@gives_back
def from_pandas(
    frame: Any,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
) -> Table:
    """The table of :meth:`Events.from_pandas <influence.Events.from_pandas>`.

    Arrow data that is not a pandas object (a polars DataFrame, for one) is read by
    :func:`from_arrow`.
    """
    validate_errors(errors)
    if _arrow.is_arrow(frame) and not _is_pandas(frame):
        return from_arrow(
            frame, columns=columns, errors=errors, dedupe=dedupe, known_posts=known_posts
        )
    if not hasattr(frame, "columns"):
        hint = " (for a list of dicts, use Events.from_records)" if isinstance(frame, list) else ""
        raise TypeError(
            f"Events.from_pandas needs a pandas DataFrame; got {type(frame).__name__}{hint}"
        )
    mapping = field_map(columns)
    names = list(frame.columns)
    require_columns(mapping, names, "the DataFrame")
    data: dict[str, Any] = {}
    for field in FIELDS:
        name = mapping[field]
        if name not in names:
            data[field] = None
            continue
        series = frame[name]
        if str(series.dtype).startswith("datetime64") and getattr(series.dt, "tz", None):
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        dtype = series.dtype
        if getattr(dtype, "kind", "O") in "iufM" and not series.hasnans:
            data[field] = series.to_numpy(copy=True)
        elif getattr(dtype, "kind", "O") == "f":
            data[field] = series.to_numpy(dtype=np.float64, copy=True)
        else:
            data[field] = _pandas_coded(series, field)
    return assemble(data, len(frame), errors=errors, dedupe=dedupe, known_posts=known_posts)


def _pandas_coded(series: Any, field: str) -> Any:
    """An id, action, platform, text or topics column of objects (text, nullable integers) through
    Arrow's hashing when pyarrow is installed and reads it as text or integers, so that
    each distinct value is judged once (:func:`~influence.events.arrowcols.event_column`:
    the same result as the objects); otherwise, and for any other field, the objects."""
    wanted = field in CODED_FIELDS or field in ("text", "topics")
    pa = _arrow.optional_pyarrow() if wanted else None
    if pa is None:
        return series.to_numpy(dtype=object, copy=True)
    try:
        column = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return series.to_numpy(dtype=object, copy=True)  # mixed kinds: judged one by one
    if pa.types.is_string(column.type) or pa.types.is_integer(column.type):
        return event_column(column, field)
    return series.to_numpy(dtype=object, copy=True)


@gives_back
def from_arrow(
    data: Any,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
) -> Table:
    """The table of :meth:`Events.from_arrow <influence.Events.from_arrow>`."""
    validate_errors(errors)
    table = _arrow.read_table(data, "Events.from_arrow")
    arrays = _arrow_columns(table, columns)
    n = int(table.num_rows)
    del table  # what the caller did not hold goes back before validating
    give_back()
    return assemble(arrays, n, errors=errors, dedupe=dedupe, known_posts=known_posts)


@gives_back
def read_parquet(
    path: PathLike,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
    dedupe: bool = False,
    known_posts: EventColumns | None = None,
) -> Table:
    """The table of :meth:`Events.read_parquet <influence.Events.read_parquet>`."""
    validate_errors(errors)
    _arrow.require_pyarrow("Events.read_parquet")
    pa = importlib.import_module("pyarrow")
    parquet = importlib.import_module("pyarrow.parquet")
    try:
        table = parquet.read_table(os.fspath(path))
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ValueError(f"not a readable Parquet file ({exc})") from None
    rows = np.arange(1, int(table.num_rows) + 1, dtype=np.int64)  # row 1 is the first row
    arrays = _arrow_columns(table, columns)
    del table  # the Arrow data not shared with the arrays goes back before validating
    give_back()
    return assemble(
        arrays, len(rows), errors=errors, rows=rows, dedupe=dedupe, known_posts=known_posts
    )


def _arrow_columns(table: Any, columns: Mapping[str, str] | None) -> dict[str, Any]:
    """The event fields of a ``pyarrow.Table`` as :func:`assemble` reads them (``None``
    for a field the table lacks)."""
    mapping = field_map(columns)
    names = _arrow.column_names(table)
    require_columns(mapping, names, "the Arrow data")
    present: dict[str, Any] = {}
    for field in FIELDS:
        name = mapping[field]
        count = names.count(name)
        if count > 1:
            raise ValueError(f"Arrow data has {count} columns named {name!r}; expected one")
        if count:
            present[field] = table.column(name)
    arrays: dict[str, Any] = dict.fromkeys(FIELDS)
    arrays.update(event_columns(present))
    return arrays


def _is_pandas(obj: object) -> bool:
    """Whether *obj* is a pandas object (checked without importing pandas)."""
    return any(cls.__module__.split(".")[0] == "pandas" for cls in type(obj).__mro__)
