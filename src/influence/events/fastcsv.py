"""Splitting a CSV file with pyarrow's multithreaded reader, when it splits as the csv module.

:func:`split` is the fast path of :meth:`Events.read_csv <influence.Events.read_csv>`:
every cell read as text, by pyarrow, when the ``arrow`` extra is installed. It only
answers for files it can read exactly as the built-in reader
(:class:`~influence.events.csvfile.Records`) does, and returns ``None`` for anything else,
so that the caller reads the whole file the built-in way and results are always the same:

- the encoding is UTF-8 (with or without a byte-order mark, as *encoding* says), the
  delimiter one ASCII character other than a quote or a line break;
- the file holds no NUL, no carriage return but in CRLF line ends, and no blank line, so
  that every line is one row and the rows are numbered by position (the file is mapped
  into memory, not copied, unless compressed, and searched with ``find``; a blank line is
  looked for only when pyarrow read a row with an empty first cell, as it reads a blank
  line);
- its quotes, if any, are where RFC 4180 puts them, on one line (:func:`_quotes_plain`):
  a quoted cell starts at a line's start or after a delimiter, ends before a delimiter or
  a line end, holds no line break, and doubles any quote inside it. The csv module and
  pyarrow read such cells alike; a stray quote, a quoted line break or a quote left open
  is left to the csv module;
- pyarrow reads it (every row as wide as the first, valid UTF-8), and no cell is longer
  than the csv module's field size limit.
"""

from __future__ import annotations

import codecs
import contextlib
import csv as _csv
import gzip
import importlib
import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from influence.events.csvfile import FIELD_LIMIT
from influence.events.files import PathLike

__all__ = ["Split", "split"]

_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Split:
    """A CSV file split into cells by pyarrow."""

    header: list[str]
    """The cells of the first line, as the csv module gives them (not stripped)."""
    table: Any
    """A ``pyarrow.Table`` of string columns named ``"0"``, ``"1"``, ... by position, one
    row per record after the header (the first line too, without a header)."""
    first_line: int
    """The line number of the table's first row (2 with a header, else 1)."""


def split(path: PathLike, *, delimiter: str, encoding: str, header: bool) -> Split | None:
    """The cells of the CSV file *path*, or ``None`` when only the built-in reader can tell.

    Parameters
    ----------
    path : str or path-like
        The file (``.gz`` is decompressed); it must exist.
    delimiter : str
        The cell separator.
    encoding : str
        The file's encoding: only UTF-8 (``utf-8-sig`` drops a byte-order mark) is read here.
    header : bool
        Whether the first line is a header (the table's rows then start on line 2).
    """
    try:
        pa = importlib.import_module("pyarrow")
        csv = importlib.import_module("pyarrow.csv")
    except ImportError:
        return None
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return None
    if codec not in ("utf-8", "utf-8-sig") or len(delimiter) != 1:
        return None
    if not delimiter.isascii() or delimiter in '"\r\n\x00':
        return None
    with _source(path) as data:
        return _split(pa, csv, data, delimiter, codec, header)


def _split(pa: Any, csv: Any, data: Any, delimiter: str, codec: str, header: bool) -> Split | None:
    """:func:`split` of the file's bytes *data* (a ``bytes`` or a read-only ``mmap``)."""
    start = 0
    if data[: len(_BOM)] == _BOM:
        if codec != "utf-8-sig":
            return None  # the mark would be part of the first cell: leave that to the csv module
        start = len(_BOM)
    if len(data) <= start or not _plain(data, start):
        return None
    quoted = data.find(b'"', start) >= 0
    if quoted and not _quotes_plain(data, start, delimiter):
        return None
    end = data.find(b"\n", start)
    first = bytes(data[start : end if end >= 0 else len(data)]).removesuffix(b"\r")
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    cells = next(_csv.reader([line], delimiter=delimiter)) if quoted else line.split(delimiter)
    if any(len(cell) > FIELD_LIMIT for cell in cells):
        return None
    names = [str(k) for k in range(len(cells))]
    reader = pa.BufferReader(pa.py_buffer(data)[start:])
    try:
        table = csv.read_csv(
            reader,
            read_options=csv.ReadOptions(
                column_names=names, skip_rows=1 if header else 0, use_threads=True
            ),
            parse_options=csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"' if quoted else False,
                double_quote=quoted,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,  # there are none (_plain): every line is a row
            ),
            convert_options=csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError):
        return None  # a row of another width, text that is not UTF-8, ...
    finally:
        reader.close()  # the cells are copies: the file's bytes may go
        del reader
    if not _short(table) or _blank_lines(table, data, start):
        return None
    return Split(cells, table, 2 if header else 1)


@contextlib.contextmanager
def _source(path: PathLike) -> Iterator[Any]:
    """The bytes of *path*: decompressed for ``.gz``, else mapped into memory (not copied)."""
    name = os.fspath(path)
    if name.endswith(".gz"):
        with gzip.open(name, "rb") as handle:
            yield handle.read()
        return
    with open(name, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""  # an empty file cannot be mapped
            return
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield mapped
        finally:
            with contextlib.suppress(BufferError):  # a view is alive: unmapped when it goes
                mapped.close()


def _plain(data: Any, start: int) -> bool:
    """Whether *data* from *start* holds no NUL, lone carriage return or blank first line.

    Each check is one ``find`` (a ``memchr`` scan); a carriage return, when there is one,
    must end a CRLF line end, checked with numpy. Blank lines further on are read by
    pyarrow as rows of empty cells, and looked for only when the first column has one
    (:func:`_blank_lines`).
    """
    if data.find(b"\x00", start) >= 0:
        return False
    if data[start : start + 1] == b"\n" or data[start : start + 2] == b"\r\n":
        return False  # a blank first line
    if data.find(b"\r", start) >= 0:
        raw = np.frombuffer(data, dtype=np.uint8)[start:]
        at = np.flatnonzero(raw == ord("\r")) + 1
        if at[-1] >= raw.size or not bool(np.all(raw[at] == ord("\n"))):
            return False
    return True


#: Bytes per block of :func:`_quotes_plain` (blocks end at a line end).
QUOTE_BLOCK = 1 << 26


def _quotes_plain(data: Any, start: int, delimiter: str) -> bool:
    """Whether every quote of *data* from *start* is where RFC 4180 puts it, on one line.

    Quotes alternate, opening and closing, within each line (a line holding an odd number
    of them has a quote left open or a line break inside a quoted cell). An opening quote
    follows the start, a line end, a delimiter or the closing quote just before it (``""``
    inside a quoted cell); a closing quote precedes the end, a line end (``\\r`` ends CRLF
    lines: :func:`_plain`), a delimiter or the opening quote just after it. Then the csv
    module and pyarrow's parser, quoting with doubled quotes, read the same cells. Read
    in blocks of :data:`QUOTE_BLOCK` bytes, each ending at a line end.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    size, sep = raw.size, ord(delimiter)
    lo = start
    while lo < size:
        hi = data.find(b"\n", min(lo + QUOTE_BLOCK, size) - 1)
        hi = size if hi < 0 else hi + 1
        block = raw[lo:hi]
        at = np.flatnonzero(block == ord('"'))
        if at.size:
            opening, closing = at[0::2], at[1::2]
            if opening.size != closing.size:
                return False
            lines = np.flatnonzero(block == ord("\n"))
            if np.any(np.searchsorted(lines, opening) != np.searchsorted(lines, closing)):
                return False  # a quoted cell across a line end
            where = lo + opening  # in the whole file
            before = raw[np.maximum(where - 1, 0)]
            ok = (where == start) | (where > start) & (
                (before == sep) | (before == ord("\n")) | (before == ord('"'))
            )
            where = lo + closing + 1
            after = raw[np.minimum(where, size - 1)]
            ok_after = (
                (where == size)
                | (after == sep)
                | (after == ord("\n"))
                | (after == ord("\r"))
                | (after == ord('"'))
            )
            if not (bool(np.all(ok)) and bool(np.all(ok_after))):
                return False
        lo = hi
    return True


def _blank_lines(table: Any, data: Any, start: int) -> bool:
    """Whether the file holds a blank line, which pyarrow read as a row of empty cells.

    Only when the first column has an empty cell are the bytes searched (two slower,
    two-byte ``find`` scans).
    """
    compute = importlib.import_module("pyarrow.compute")
    first = table.column(0)
    if not len(first) or (compute.min(compute.binary_length(first)).as_py() or 0) > 0:
        return False
    return bool(data.find(b"\n\n", start) >= 0 or data.find(b"\n\r\n", start) >= 0)


def _short(table: Any) -> bool:
    """Whether no cell is longer than the field size limit (counted in bytes: no fewer)."""
    compute = importlib.import_module("pyarrow.compute")
    for column in table.columns:
        if len(column) and (compute.max(compute.binary_length(column)).as_py() or 0) > FIELD_LIMIT:
            return False
    return True
