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

:func:`event_columns` converts the columns at once, in threads: Arrow's kernels release
the GIL.

pyarrow is imported only when Arrow data is read (:func:`~influence.events.arrow.require_pyarrow`).
"""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.events.arrow import exact_as_float, require_pyarrow, to_numpy
from influence.events.coded import Coded, plain_characters
from influence.events.timeparse import EARLIEST, LATEST

__all__ = ["CODED_FIELDS", "event_column", "event_columns"]

#: Event fields whose values repeat (names, not free text): read as distinct values.
CODED_FIELDS = ("actor", "target", "post", "parent", "id", "action", "platform")
_ID_FIELDS = ("actor", "target", "post", "parent", "id")


#: Threads converting columns at once (Arrow's kernels release the GIL).
_WORKERS = 4


def event_columns(columns: dict[str, Any]) -> dict[str, Any]:
    """:func:`event_column` of each field -> Arrow column, the columns converted at once.

    Actor and target (post and parent) read as :class:`~influence.events.coded.Coded`
    share one table of distinct values, so that each id is judged once.
    """
    pa = require_pyarrow("reading Arrow data")
    out: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        pairs = []
        for one, two in (("actor", "target"), ("post", "parent")):
            if one not in columns or two not in columns:
                continue
            first, second = _text(pa, columns[one]), _text(pa, columns[two])
            if first is None or second is None:
                continue
            futures = (
                pool.submit(_canonical_ints, pa, first),
                pool.submit(_canonical_ints, pa, second),
            )
            pairs.append((one, two, first, second, futures))
        paired = {field for pair in pairs for field in pair[:2]}
        single = {
            field: pool.submit(event_column, column, field)
            for field, column in columns.items()
            if field not in paired
        }
        for one, two, first, second, (ints_one, ints_two) in pairs:
            ints = ints_one.result(), ints_two.result()
            if ints[0] is not None and ints[1] is not None:
                out[one], out[two] = ints
            else:
                out[one], out[two] = _coded_pair(pa, pool, first, second)
        for field, future in single.items():
            out[field] = future.result()
    return {field: out[field] for field in columns}


def _text(pa: Any, column: Any) -> Any:
    """*column* as string or large_string when it holds text (or a dictionary of text)."""
    kind = column.type
    if pa.types.is_dictionary(kind) and _is_text(pa, kind.value_type):
        try:
            return column.cast(pa.large_string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # views, in some versions
            return None
    return _plain(pa, column) if _is_text(pa, kind) else None


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
    if field in ("text", "topics"):
        text = _text(pa, column)
        if text is not None:  # texts judged by Arrow; topic cells one distinct cell each
            return _texts(pa, text) if field == "text" else _coded(pa, text, False)
    if field in CODED_FIELDS:
        text = _text(pa, column)
        if text is not None:
            if field in _ID_FIELDS:  # the common case of numeric ids, without hashing
                ints = _canonical_ints(pa, text)
                if ints is not None:
                    return ints
            return _coded(pa, text, field in _ID_FIELDS)
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
    """The cells as int64 when every one is a canonical decimal integer, else ``None``;
    with empty cells among them (a post's target in a CSV file), float64 holding NaN for
    those (a missing id to the normalisers), when every integer is exact in float64.

    Arrow's cast to int64 refuses spaces, ``+``, fractions and numbers beyond int64; of
    what it takes, only a leading zero (``007``, ``-0``, ``0x1f``) is not canonical, found
    from the first bytes of the cells, read straight from the Arrow buffers.
    """
    pc = importlib.import_module("pyarrow.compute")

    if column.null_count or not len(column):
        return None
    text = _plain(pa, column)
    empty = pc.equal(pc.binary_length(text), 0)
    blanks = pc.sum(empty).as_py() or 0
    cells = pc.if_else(empty, pa.scalar(None, text.type), text) if blanks else text
    try:
        cells.slice(0, 64).cast(pa.int64())  # text ids fail here, without a pass over all
        ints = cells.cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    if any(_leading_zero(pa, chunk) for chunk in chunks):
        return None
    if not blanks:
        return np.asarray(ints.to_numpy(), dtype=np.int64)
    if blanks == len(text) or not exact_as_float(ints):
        return None
    return np.asarray(ints.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _leading_zero(pa: Any, chunk: Any) -> bool:
    """Whether a cell of a text chunk starts with ``0`` or ``-0``, but ``0`` (empty cells
    aside)."""
    if not len(chunk):
        return False
    _, offsets, data = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    length = np.diff(bounds)
    start = bounds[:-1][length > 0]
    if not start.size:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    first = raw[start]
    zero = first == ord("0")  # "0" alone is canonical, "07" and "0x7" are not
    if bool(np.any(length[length > 0][zero] > 1)):
        return True
    minus = start[first == ord("-")]  # the cast took it, so a digit follows
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


def _coded(pa: Any, column: Any, ids: bool) -> Coded:
    """A text column as its distinct values (found by hashing) and each row's code.

    With *ids*, values that need no judging come sorted, marked
    :attr:`~influence.events.coded.Coded.plain` (:func:`_plain_sorted`).
    """
    dictionary, codes = _encode(pa, column)
    return _with_values(pa, dictionary, codes, ids)


def _coded_pair(pa: Any, pool: Any, first: Any, second: Any) -> tuple[Coded, Coded]:
    """Two text id columns as one table of distinct values, and each row's code.

    Each column is hashed on its own (at once, in *pool*), then their two tables of
    distinct values are merged.
    """
    if first.type != second.type:  # one type, to merge them
        first, second = first.cast(pa.large_string()), second.cast(pa.large_string())
    one, two = pool.submit(_encode, pa, first), pool.submit(_encode, pa, second)
    (values_one, codes_one), (values_two, codes_two) = one.result(), two.result()
    merged = pa.concat_arrays([values_one, values_two]).dictionary_encode()
    moved = np.asarray(merged.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    cut = len(values_one)
    move_one = np.append(moved[:cut], np.int32(-1))  # code -1 (a null) stays -1
    move_two = np.append(moved[cut:], np.int32(-1))
    codes = np.concatenate([move_one[codes_one], move_two[codes_two]])
    both = _with_values(pa, merged.dictionary, codes, True)
    split = codes_one.shape[0]
    return (
        Coded(both.values, both.codes[:split], both.plain),
        Coded(both.values, both.codes[split:], both.plain),
    )


def _encode(pa: Any, column: Any) -> tuple[Any, NDArray[np.int32]]:
    """The distinct values of a text column (an Arrow array) and each row's position in
    them (``-1``: null), by Arrow's hashing of the column as one array."""
    if isinstance(column, pa.ChunkedArray):
        # one array: hashing chunk by chunk hands each chunk a copy of the table so far
        try:
            column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
        except (pa.ArrowInvalid, pa.ArrowCapacityError):  # over 2 GiB of text in one array
            column = column.cast(pa.large_string()).combine_chunks()
    encoded = column.dictionary_encode()
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    return encoded.dictionary, codes


def _with_values(pa: Any, dictionary: Any, codes: NDArray[np.int32], ids: bool) -> Coded:
    """The :class:`~influence.events.coded.Coded` column of *codes* into *dictionary*."""
    plain = _plain_sorted(pa, dictionary) if ids else None
    if plain is not None:
        text, rank = plain
        return Coded(text, np.append(rank, np.int32(-1))[codes], True)
    values = np.empty(len(dictionary), dtype=object)
    values[:] = dictionary.to_pylist()
    return Coded(values, codes)


def _plain_sorted(pa: Any, dictionary: Any) -> tuple[np.ndarray, NDArray[np.int32]] | None:
    """Distinct text ids that need no judging, sorted, and each one's rank; else ``None``.

    They need none when each is non-empty printable ASCII without a space (nothing to
    strip, no control character) and one holds a byte other than a digit or ``-`` (so
    not every id is an integer: the ids are text). Read straight from the Arrow buffers,
    as a ``str`` array sorted as Python sorts text (for ASCII, byte order).
    """
    n = len(dictionary)
    if not n or dictionary.null_count:
        return None
    _, offsets, data = dictionary.buffers()
    width = np.int64 if pa.types.is_large_string(dictionary.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[dictionary.offset : dictionary.offset + n + 1]
    raw = np.frombuffer(data, dtype=np.uint8)
    used = raw[int(bounds[0]) : int(bounds[-1])]
    lengths = np.diff(bounds)
    longest = int(lengths.max())
    if int(lengths.min()) == 0 or longest > 64 or n * longest > 4 * used.size + (1 << 20):
        return None  # a blank id; a long one (a pass per byte); or widths too uneven
    if not plain_characters(used):
        return None  # a control character, a space, not ASCII; or perhaps all integers
    cells = np.zeros((n, longest), dtype=np.uint8)
    start = bounds[:-1]
    for j in range(longest):  # a byte position at a time: no index array of n * longest
        has = lengths > j
        cells[has, j] = raw[start[has] + j]
    order = np.argsort(cells.view(f"S{longest}").ravel(), kind="stable")
    rank = np.empty(n, dtype=np.int32)
    rank[order] = np.arange(n, dtype=np.int32)
    # ASCII bytes are their code points: widened, they are the str array (numpy's bytes
    # to str conversion decodes cell by cell, 0.4 s for 2.4M ids)
    return cells[order].astype("<u4").view(f"<U{longest}").ravel(), rank


#: The characters Python counts as whitespace (``str.isspace``: what ``str.strip()``
#: removes), by code point; ``tests/events/test_text_column.py`` checks the list against
#: the running Python.
PYTHON_SPACES = (
    0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
    *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
)  # fmt: skip
#: A regular expression (RE2) for a cell that ``str.strip()`` leaves empty.
BLANK = "^[" + "".join(f"\\x{{{c:x}}}" for c in PYTHON_SPACES) + "]*$"


def _texts(pa: Any, column: Any) -> Coded:
    """A text column judged by Arrow, as :func:`~influence.events.columns.strings` judges
    the same cells as Python strings, with no pass in Python over rows or texts but the
    one that makes the sorted distinct texts Python strings: a null or a cell of nothing
    but whitespace is missing (code ``-1``), any other cell is itself. The values are the
    distinct texts sorted as Python sorts them (Arrow sorts UTF-8 by its bytes, which is
    by code point), so the column is :attr:`~influence.events.coded.Coded.plain`."""
    pc = importlib.import_module("pyarrow.compute")
    blank = pc.fill_null(pc.match_substring_regex(column, BLANK), True)
    cells = pc.if_else(blank, pa.scalar(None, column.type), column)
    dictionary, codes = _encode(pa, cells)
    order = np.asarray(pc.array_sort_indices(dictionary).to_numpy(), dtype=np.int64)
    rank = np.empty(order.size + 1, dtype=np.int32)
    rank[order] = np.arange(order.size, dtype=np.int32)
    rank[-1] = -1  # a null's code stays -1
    values = np.empty(order.size, dtype=object)
    values[:] = dictionary.take(pa.array(order, type=pa.int64())).to_pylist()
    return Coded(values, rank[codes], True)
