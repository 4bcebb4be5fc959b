"""Events from id columns an engine has interned: each column as codes into distinct values.

An engine that finds the distinct values of the id and action columns itself (DuckDB
hashes and sorts them on every core: :func:`influence.engines.read_duckdb`) hands them
over as an :class:`Interned` table of distinct values and, per field, each row's code into
it. :func:`from_interned` builds the same :class:`~influence.Events` as
:meth:`Events.from_arrow <influence.Events.from_arrow>` of the rows themselves, without
hashing or sorting a string per row:

- distinct text ids that need no judging (non-empty printable ASCII without a space, not
  all integers) and come sorted as Python sorts text are the users' (posts') vocabulary as
  they stand: a row's code is its key (:attr:`~influence.events.coded.Coded.plain`); when
  they do not come sorted, one sort of the distinct values puts them in order;
- distinct ids that are all canonical decimal integers, on rows that all have one, become
  int64 ids;
- any other values (blanks, spaces, control characters, non-ASCII text, integers among
  nulls, actions) are judged once each, as every door judges distinct values
  (:class:`~influence.events.coded.Coded`).

Validation is the one every constructor shares (:func:`~influence.events.assemble.assemble`),
rows numbered from 0 in the order given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._memory import gives_back
from influence.events.arrow import require_pyarrow
from influence.events.arrowcols import CODED_FIELDS, event_column, event_columns
from influence.events.assemble import FIELDS, Errors, assemble, validate_errors
from influence.events.coded import Coded
from influence.events.table import Events

__all__ = ["Interned", "from_interned"]

#: Fields whose values are ids (the rest of :data:`CODED_FIELDS` are names: actions, ...).
ID_FIELDS = ("actor", "target", "post", "parent", "id")


@dataclass(frozen=True)
class Interned:
    """One table of distinct values and, per event field, each row's code into it.

    Fields that share an index (actor and target; post and parent) share one table, so
    that each id is judged once.
    """

    values: Any
    """The distinct values: an Arrow text array (``string``, ``large_string`` or
    ``string_view``) without nulls or repeats; read fastest when sorted as Python sorts
    text (byte order of UTF-8, as DuckDB's ``ORDER BY`` under the binary collation)."""
    codes: Mapping[str, NDArray[np.int32]]
    """Event field -> per row, the position of its value in :attr:`values`, or ``-1``
    for a null."""


@gives_back
def from_interned(
    columns: Mapping[str, Any],
    interned: Sequence[Interned],
    n: int,
    *,
    errors: Errors = "raise",
) -> Events:
    """The events of *n* rows given as Arrow columns and interned columns.

    Parameters
    ----------
    columns : mapping
        Event field -> Arrow column (``Array`` or ``ChunkedArray``) of *n* rows, for the
        fields not interned.
    interned : sequence of Interned
        Fields given as codes into distinct values (ids: actor, target, post, parent, id;
        names: action, platform).
    n : int
        The number of rows.
    errors : {"raise", "skip"}, default "raise"
        As for the other constructors.

    Returns
    -------
    Events
        Equal to :meth:`Events.from_arrow <influence.Events.from_arrow>` of the same
        rows, with the same rows set aside (numbered from 0).

    Raises
    ------
    ValueError
        When a field is given twice or is not an event field, codes are not int32 of
        *n* rows within ``[-1, len(values))``, or a column has another length;
        :class:`~influence.exceptions.InvalidEventError` for a bad row with
        ``errors="raise"``.

    Examples
    --------
    >>> import numpy as np
    >>> import pyarrow as pa
    >>> from influence.events.interned import Interned, from_interned
    >>> codes = {"actor": np.array([1, 2], np.int32), "target": np.array([0, 0], np.int32)}
    >>> users = Interned(pa.array(["ann", "bob", "cy"]), codes)
    >>> rest = {"time": pa.array([5.0, 9.0]), "action": pa.array(["like", "share"])}
    >>> events = from_interned(rest, [users], 2)
    >>> events.users.ids.tolist(), len(events)
    (['ann', 'bob', 'cy'], 2)

    See Also
    --------
    influence.Events.from_arrow : The same events from the rows themselves.
    influence.engines.read_duckdb : Interns a window's ids in DuckDB.
    """
    validate_errors(errors)
    pa = require_pyarrow("from_interned")
    arrays: dict[str, Any] = dict.fromkeys(FIELDS)
    given = [*columns, *(field for group in interned for field in group.codes)]
    for field in given:
        if field not in FIELDS or given.count(field) > 1:
            what = "given twice" if field in FIELDS else "not an event field"
            raise ValueError(
                f"from_interned: field {field!r} is {what}; expected each of "
                f"{', '.join(FIELDS)} at most once"
            )
    for field, column in columns.items():
        if len(column) != n:
            raise ValueError(
                f"from_interned: column {field!r} has {len(column)} rows; expected {n}"
            )
    for group in interned:
        arrays.update(_group(pa, group, n))
    arrays.update(event_columns(dict(columns)))
    return Events(assemble(arrays, n, errors=errors))


def _group(pa: Any, group: Interned, n: int) -> dict[str, Any]:
    """The normalisers' inputs for the fields of one :class:`Interned` table."""
    values = group.values
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.large_string())  # views; refuses what is not text
    size = len(values)
    for field, codes in group.codes.items():
        if field not in CODED_FIELDS:
            raise ValueError(
                f"from_interned: field {field!r} cannot be interned; expected one of "
                f"{', '.join(CODED_FIELDS)}"
            )
        if not isinstance(codes, np.ndarray) or codes.dtype != np.int32 or codes.shape != (n,):
            raise ValueError(
                f"from_interned: the codes of {field!r} must be an int32 array of {n} rows; "
                f"got {getattr(codes, 'dtype', type(codes).__name__)} of shape "
                f"{getattr(codes, 'shape', None)}"
            )
        if n and (int(codes.min()) < -1 or int(codes.max()) >= size):
            raise ValueError(
                f"from_interned: the codes of {field!r} must lie in [-1, {size}); got "
                f"{int(codes.min())}..{int(codes.max())}"
            )
    if values.null_count:
        raise ValueError("from_interned: the distinct values hold a null; use code -1 instead")
    fields = list(group.codes)
    if fields and all(field in ID_FIELDS for field in fields):
        text = _plain(pa, values)
        if text is not None:
            ids, rank = text
            return {
                f: Coded(ids, c if rank is None else rank[c], True) for f, c in group.codes.items()
            }
        if _digits(pa, values) and all(bool((c >= 0).all()) for c in group.codes.values()):
            ints = event_column(values, fields[0])  # int64 when every one is canonical
            if isinstance(ints, np.ndarray) and ints.dtype.kind == "i":
                return {f: ints[c] for f, c in group.codes.items()}
    objects = np.empty(size, dtype=object)
    objects[:] = values.to_pylist()
    return {f: Coded(objects, c) for f, c in group.codes.items()}


def _bytes(pa: Any, values: Any) -> tuple[NDArray[np.int64], np.ndarray]:
    """The offsets of the cells of a text array and its bytes, from the Arrow buffers."""
    _, offsets, data = values.buffers()
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    size = len(values)
    bounds = np.frombuffer(offsets, dtype=width)[values.offset : values.offset + size + 1]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return bounds.astype(np.int64), raw


def _digits(pa: Any, values: Any) -> bool:
    """Whether every value is non-empty and holds only digits and ``-`` (perhaps integers)."""
    if not len(values):
        return False
    bounds, raw = _bytes(pa, values)
    used = raw[int(bounds[0]) : int(bounds[-1])]
    return int(np.diff(bounds).min()) > 0 and not bool(
        np.any(((used < ord("0")) | (used > ord("9"))) & (used != ord("-")))
    )


def _plain(pa: Any, values: Any) -> tuple[np.ndarray, NDArray[np.int32] | None] | None:
    """Distinct text ids that need no judging, as a sorted ``str`` array, and each value's
    rank in it (``None``: they came sorted); ``None`` when some need judging.

    They need none under the rule of :attr:`~influence.events.coded.Coded.plain`: each is
    non-empty printable ASCII without a space, and one holds a byte other than a digit
    or ``-``; and, as :func:`~influence.events.arrowcols.event_columns` holds them, when
    a fixed width costs at most four times their bytes (plus a MiB).
    """
    size = len(values)
    if not size:
        return None
    bounds, raw = _bytes(pa, values)
    used = raw[int(bounds[0]) : int(bounds[-1])]
    lengths = np.diff(bounds)
    longest = int(lengths.max())
    if int(lengths.min()) == 0 or size * longest > 4 * used.size + (1 << 20):
        return None
    if bool(np.any((used < 0x21) | (used > 0x7E))):
        return None
    if not bool(np.any(((used < ord("0")) | (used > ord("9"))) & (used != ord("-")))):
        return None
    cells = np.zeros((size, longest), dtype=np.uint8)
    start = bounds[:-1]
    for j in range(longest):  # a column of bytes at a time: no index array per byte
        has = lengths > j
        cells[has, j] = raw[start[has] + j] if not bool(has.all()) else raw[start + j]
    text = cells.view(f"S{longest}").ravel()
    rank: NDArray[np.int32] | None = None
    if not bool(np.all(text[1:] > text[:-1])):  # not sorted already (or not distinct)
        order = np.argsort(text, kind="stable")
        if not bool(np.all(text[order[1:]] > text[order[:-1]])):
            raise ValueError("from_interned: the distinct values repeat a value")
        rank = np.empty(size + 1, dtype=np.int32)
        rank[order] = np.arange(size, dtype=np.int32)
        rank[size] = -1  # code -1 (a null) stays -1
        cells = cells[order]
    # ASCII: each byte is its code point, so widening the bytes gives the str array
    # (numpy's own bytes-to-str conversion decodes each cell, many times slower).
    return cells.astype("<u4").view(f"<U{longest}").ravel(), rank
