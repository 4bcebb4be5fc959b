"""Arrow columns as the event normalisers' inputs, without a Python loop over rows.

:func:`event_column` hands :func:`~influence.events.assemble.assemble` what it would get
from the same values as Python objects, in a form it reads in bulk:

- ids, actions and platforms held as text (or as dictionaries of text) become a
  :class:`~influence.events.coded.Coded` column: Arrow's hash-based ``dictionary_encode``
  finds the distinct values (no sort of the strings), and each distinct value is judged
  once; a column of ids that are all canonical decimal integers becomes int64 directly;
- times held as text become float64 when Arrow reads every cell as a number (as Python's
  ``float`` reads it) and every time falls in the years 1 to 9999; any other text (ISO
  8601 dates, blanks, out-of-range numbers) takes the row-by-row path, so that values and
  messages stay exactly the same;
- everything else goes through :func:`influence.events.arrow.to_numpy`.

pyarrow is imported only when Arrow data is read (:func:`~influence.events.arrow.require_pyarrow`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from influence.events.arrow import require_pyarrow, to_numpy
from influence.events.coded import Coded
from influence.events.timeparse import EARLIEST, LATEST

__all__ = ["CODED_FIELDS", "event_column", "event_columns"]

#: Event fields whose values repeat (names, not free text): read as distinct values.
CODED_FIELDS = ("actor", "target", "post", "parent", "id", "action", "platform")
_ID_FIELDS = ("actor", "target", "post", "parent", "id")


def event_columns(columns: dict[str, Any]) -> dict[str, Any]:
    """:func:`event_column` of each field -> Arrow column.

    Actor and target (post and parent) read as :class:`~influence.events.coded.Coded`
    share one table of distinct values, so that each id is judged once.
    """
    pa = require_pyarrow("reading Arrow data")
    out: dict[str, Any] = {}
    for one, two in (("actor", "target"), ("post", "parent")):
        if one not in columns or two not in columns:
            continue
        first, second = _text(pa, columns[one]), _text(pa, columns[two])
        if first is None or second is None:
            continue
        ints = _canonical_ints(pa, first), _canonical_ints(pa, second)
        if ints[0] is not None and ints[1] is not None:
            out[one], out[two] = ints
            continue
        if first.type != second.type:  # one type, to hash them together
            first, second = first.cast(pa.large_string()), second.cast(pa.large_string())
        both = _coded(pa, _chunks(pa, first) + _chunks(pa, second), len(first))
        out[one], out[two] = both
    for field, column in columns.items():
        if field not in out:
            out[field] = event_column(column, field)
    return out


def _text(pa: Any, column: Any) -> Any:
    """*column* as string or large_string when it holds text (or a dictionary of text)."""
    kind = column.type
    if pa.types.is_dictionary(kind) and _is_text(pa, kind.value_type):
        try:
            return column.cast(pa.large_string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # views, in some versions
            return None
    return _plain(pa, column) if _is_text(pa, kind) else None


def _chunks(pa: Any, column: Any) -> list[Any]:
    """The chunks of *column* (an ``Array`` is one)."""
    return list(column.chunks) if isinstance(column, pa.ChunkedArray) else [column]


def event_column(column: Any, field: str) -> Any:
    """One Arrow column (``Array`` or ``ChunkedArray``) of event *field* for the normalisers.

    Returns a numpy array or a :class:`~influence.events.coded.Coded` column, read by the
    normalisers of :mod:`influence.events.columns` to the same result as the column's
    values as Python objects.
    """
    pa = require_pyarrow("reading Arrow data")
    kind = column.type
    if field == "time" and _is_text(pa, kind):
        numbers = _decimal_times(pa, column)
        return numbers if numbers is not None else to_numpy(column)
    if field in CODED_FIELDS:
        text = _text(pa, column)
        if text is not None:
            if field in _ID_FIELDS:  # the common case of numeric ids, without hashing
                ints = _canonical_ints(pa, text)
                if ints is not None:
                    return ints
            return _coded(pa, _chunks(pa, text), len(text))[0]
    return to_numpy(column, ids=field in CODED_FIELDS)


def _is_text(pa: Any, kind: Any) -> bool:
    view = getattr(pa.types, "is_string_view", None)
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or (view is not None and view(kind))
    )


def _plain(pa: Any, column: Any) -> Any:
    """*column* as string or large_string (what the compute kernels take)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    return column.cast(pa.large_string())


def _canonical_ints(pa: Any, column: Any) -> np.ndarray | None:
    """The cells as int64 when every one is a canonical decimal integer, else ``None``.

    Arrow's cast to int64 refuses spaces, ``+``, fractions and numbers beyond int64; of
    what it takes, only a leading zero (``007``, ``-0``, ``0x1f``) is not canonical, found
    from the first bytes of the cells, read straight from the Arrow buffers.
    """
    if column.null_count or not len(column):
        return None
    text = _plain(pa, column)
    try:
        ints = text.cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    if any(_leading_zero(pa, chunk) for chunk in chunks):
        return None
    return np.asarray(ints.to_numpy(), dtype=np.int64)


def _leading_zero(pa: Any, chunk: Any) -> bool:
    """Whether a cell of a (non-empty-celled) text chunk starts with ``0`` or ``-0``, but ``0``."""
    if not len(chunk):
        return False
    _, offsets, data = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    raw = np.frombuffer(data, dtype=np.uint8)
    first = raw[bounds[:-1]]
    zero = np.flatnonzero(first == ord("0"))  # "0" alone is canonical, "07" and "0x7" are not
    if zero.size and bool(np.any(bounds[zero + 1] - bounds[zero] > 1)):
        return True
    minus = bounds[:-1][first == ord("-")]  # the cast took it, so a digit follows
    return bool(minus.size) and bool(np.any(raw[minus + 1] == ord("0")))


def _decimal_times(pa: Any, column: Any) -> np.ndarray | None:
    """Epoch seconds of text cells that all hold plain decimal numbers in range, else ``None``.

    Arrow's cast to float64 reads ``[+-]digits[.digits][e[+-]digits]`` (correctly rounded,
    as Python's ``float``), besides spellings of infinity and NaN, which fall outside the
    range and so take the row-by-row path; it refuses the rest (spaces, ``_``, dates).
    """
    if column.null_count or not len(column):
        return None
    try:
        numbers = np.asarray(_plain(pa, column).cast(pa.float64()).to_numpy(), np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not bool(np.all((numbers >= EARLIEST) & (numbers < LATEST))):  # NaN fails too
        return None  # the row-by-row path words these (with the milliseconds hint)
    return numbers


def _coded(pa: Any, chunks: list[Any], split: int) -> tuple[Coded, Coded]:
    """Text chunks as one table of distinct values (by hashing), and each row's code.

    The rows before *split* make the first column, the rest the second; both share the
    table of values.
    """
    if not chunks:
        empty = Coded(np.empty(0, dtype=object), np.zeros(0, dtype=np.int32))
        return empty, empty
    encoded = pa.chunked_array(chunks, type=chunks[0].type).dictionary_encode()
    parts = list(encoded.chunks)
    if not parts:
        empty = Coded(np.empty(0, dtype=object), np.zeros(0, dtype=np.int32))
        return empty, empty
    dictionary = parts[0].dictionary
    if any(len(c.dictionary) != len(dictionary) for c in parts[1:]):  # not one shared table
        return _coded(pa, [pa.concat_arrays(chunks)], split)
    values = np.empty(len(dictionary), dtype=object)
    values[:] = dictionary.to_pylist()
    codes = np.concatenate(
        [
            np.asarray(c.indices.fill_null(-1).to_numpy(zero_copy_only=False), np.int32)
            for c in parts
        ]
    )
    return Coded(values, codes[:split]), Coded(values, codes[split:])
