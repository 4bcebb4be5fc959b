"""Arrow data in and out, through the Arrow PyCapsule interface.

Nothing here imports pyarrow, polars or pandas at module level: pyarrow is
imported when Arrow data is actually read or written, and the library core
keeps its dependencies (numpy, scipy, networkx).

- In: any object with ``__arrow_c_stream__`` (a pyarrow ``Table`` or
  ``RecordBatchReader``, a polars ``DataFrame``, a DuckDB relation, ...) or
  ``__arrow_c_array__`` (a ``RecordBatch``) is read into one pyarrow table,
  and each column becomes a numpy array the event normalisers read:
  timestamps and dates as ``datetime64`` (``NaT`` for nulls), numbers as
  numeric arrays (integers with nulls as objects, so that large ids keep
  every digit), strings and dictionaries (categoricals) as object arrays with
  ``None`` for nulls, lists as object arrays of lists.
- Out: :func:`export_stream` builds a pyarrow table from numpy columns and
  returns its ``__arrow_c_stream__`` capsule.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["column_names", "export_stream", "is_arrow", "read_table", "require_pyarrow", "to_numpy"]

INSTALL = "pip install 'influence-score[arrow]'"


def require_pyarrow(owner: str) -> Any:
    """The :mod:`pyarrow` module, or an :class:`ImportError` naming the ``arrow`` extra."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        raise ImportError(f"{owner} needs pyarrow: {INSTALL}") from None


def optional_pyarrow() -> Any:
    """The :mod:`pyarrow` module, or ``None`` when it is not installed (a fast path skipped)."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        return None


def is_arrow(obj: object) -> bool:
    """Whether *obj* offers Arrow data through the PyCapsule interface."""
    return hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "__arrow_c_array__")


def read_table(obj: object, owner: str) -> Any:
    """*obj* as one ``pyarrow.Table`` (a stream is read to its end).

    Raises
    ------
    TypeError
        When *obj* has neither ``__arrow_c_stream__`` nor ``__arrow_c_array__``.
    ImportError
        When pyarrow is not installed.
    """
    if not is_arrow(obj):
        raise TypeError(
            f"{owner} needs Arrow data: an object with __arrow_c_stream__ (a pyarrow Table or "
            "RecordBatchReader, a polars DataFrame, ...) or __arrow_c_array__ (a RecordBatch); "
            f"got {type(obj).__name__}"
        )
    pa = require_pyarrow(owner)
    if isinstance(obj, pa.Table):
        return obj
    if isinstance(obj, pa.RecordBatch):
        return pa.Table.from_batches([obj])
    if isinstance(obj, pa.RecordBatchReader):
        return obj.read_all()
    if hasattr(obj, "__arrow_c_stream__") and hasattr(pa.RecordBatchReader, "from_stream"):
        return pa.RecordBatchReader.from_stream(obj).read_all()
    return pa.table(obj)


def column_names(table: Any) -> list[str]:
    """The table's column names, in order."""
    return [str(name) for name in table.column_names]


#: Longest string kept in a fixed-width numpy array by ``to_numpy(..., ids=True)``;
#: columns with longer values stay object arrays (a fixed width costs n * width * 4 bytes).
MAX_ID_LENGTH = 64


def to_numpy(column: Any, *, ids: bool = False) -> np.ndarray:
    """One Arrow column (``ChunkedArray`` or ``Array``) as a 1-d numpy array.

    Nulls stay recognisable to the normalisers: ``NaT`` in times, ``NaN`` in
    floats, ``None`` elsewhere.

    Parameters
    ----------
    column : pyarrow.ChunkedArray or pyarrow.Array
    ids : bool, default False
        The column holds identifiers or names (actor, action, ...): a string
        column without nulls whose values are short becomes a fixed-width
        ``str`` array, built from its distinct values only, which the
        normalisers read without a Python loop.
    """
    pa = require_pyarrow("reading Arrow data")
    kind = column.type
    types = pa.types
    if types.is_dictionary(kind):
        return _join([_decode(chunk, ids) for chunk in _chunks(pa, column)])
    if types.is_integer(kind) or types.is_boolean(kind):
        if column.null_count and ids and types.is_integer(kind) and exact_as_float(column):
            # Nullable integer ids: float64 with NaN for the nulls, read by the normalisers
            # as the same ids and missing cells (not a Python object per row).
            return np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False))
        if column.null_count:
            return _objects(column.to_pylist())
        return np.asarray(column.to_numpy(zero_copy_only=False))
    strings = types.is_string(kind) or types.is_large_string(kind) or _is_string_view(pa, kind)
    if ids and strings and not column.null_count and len(column):
        try:
            encoded = [chunk.dictionary_encode() for chunk in _chunks(pa, column)]
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # string views in some versions
            encoded = None
        if encoded is not None:
            return _join([_decode(chunk, ids) for chunk in encoded])
    if (
        strings
        or types.is_floating(kind)
        or types.is_timestamp(kind)
        or types.is_date(kind)
        or types.is_null(kind)
    ):
        try:
            return np.asarray(column.to_numpy(zero_copy_only=False))
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # e.g. views in older pyarrow
            return _objects(column.to_pylist())
    return _objects(column.to_pylist())  # lists (topics), decimals, durations, ...


def exact_as_float(column: Any) -> bool:
    """Whether every integer of the Arrow *column* is exact in float64 (at most 2**53 in
    size; nulls aside)."""
    pc = importlib.import_module("pyarrow.compute")

    bounds = pc.min_max(column).as_py()
    low, high = bounds["min"], bounds["max"]
    return low is None or (low >= -(2**53) and high <= 2**53)


def _chunks(pa: Any, column: Any) -> list[Any]:
    return list(column.chunks) if isinstance(column, pa.ChunkedArray) else [column]


def _join(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=object)
    if len(parts) == 1:
        return parts[0]
    if len({p.dtype.kind for p in parts}) > 1:  # str and object chunks: keep the objects
        parts = [p.astype(object) for p in parts]
    return np.concatenate(parts)


def _is_string_view(pa: Any, kind: Any) -> bool:
    check = getattr(pa.types, "is_string_view", None)
    return bool(check(kind)) if check is not None else False


def _decode(chunk: Any, ids: bool) -> np.ndarray:
    """A dictionary-encoded chunk as the array of its values (``None`` for nulls).

    Decoded by indexing the converted dictionary, so that each distinct value
    is converted once (pyarrow's own ``to_numpy`` of a dictionary chunk does
    not honour nulls in every version).
    """
    values = to_numpy(chunk.dictionary)
    n = len(chunk)
    if not len(values):
        return np.full(n, None, dtype=object)
    if ids and values.dtype.kind == "O":
        texts = values.tolist()
        if all(
            isinstance(v, str) and len(v) <= MAX_ID_LENGTH and not v.endswith("\x00") for v in texts
        ):  # numpy's str arrays drop trailing NULs
            values = np.array(texts, dtype=str)
    codes = np.asarray(chunk.indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.intp)
    out = values[codes]
    if chunk.null_count:
        out = out.astype(object)
        out[np.asarray(chunk.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = None
    return out


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array holding *values* as they are (lists stay lists)."""
    return np.fromiter(values, dtype=object, count=len(values))


def export_stream(
    names: Sequence[str],
    arrays: Sequence[np.ndarray],
    requested_schema: object | None,
    owner: str,
    *,
    times: Sequence[str] = (),
) -> object:
    """The ``__arrow_c_stream__`` capsule of a table with these columns.

    Parameters
    ----------
    names, arrays : sequences of the same length
        Column names and 1-d numpy arrays (string arrays become Arrow strings).
    requested_schema : PyCapsule or None
        Passed on to ``pyarrow.Table.__arrow_c_stream__`` (a consumer's
        preferred schema; honoured when the cast is possible).
    owner : str
        The exporting method, for the ImportError message.
    times : sequence of str, optional
        The columns that hold epoch seconds: exported as UTC timestamps in
        microseconds (rounded to the nearest).
    """
    pa = require_pyarrow(owner)
    columns = [
        pa.array(np.round(np.asarray(a, dtype=np.float64) * 1e6).astype(np.int64),
                 pa.timestamp("us", tz="UTC"))
        if name in times
        else pa.array(a.tolist() if a.dtype.kind == "O" else a)
        for name, a in zip(names, arrays)
    ]  # fmt: skip
    table = pa.Table.from_arrays(columns, names=list(names))
    return table.__arrow_c_stream__(requested_schema)
