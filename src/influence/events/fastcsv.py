"""Splitting a CSV file with pyarrow's multithreaded reader, when it splits as the csv module.

:func:`split` is the fast path of :meth:`Events.read_csv <influence.Events.read_csv>`:
every cell read as text, by pyarrow, when the ``arrow`` extra is installed. It only
answers for files it can read exactly as the built-in reader
(:class:`~influence.events.csvfile.Records`) does, and returns ``None`` for anything else,
so that the caller reads the whole file the built-in way and results are always the same:

- the encoding is UTF-8 (with or without a byte-order mark, as *encoding* says), the
  delimiter one ASCII character other than a quote or a line break;
- the file holds no quote (so no quoted cell, no cell spanning lines, no stray quote), no
  NUL, no carriage return but in CRLF line ends, and no blank line (so that the rows are
  the lines, numbered by position: pyarrow skips blank lines, and a blank line shows as
  fewer rows than lines);
- pyarrow reads it (every row as wide as the first, valid UTF-8) into as many rows as the
  file has lines, and no cell is longer than the csv module's field size limit.
"""

from __future__ import annotations

import codecs
import gzip
import importlib
import os
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
    data = _bytes(path)
    if data.startswith(_BOM):
        if codec != "utf-8-sig":
            return None  # the mark would be part of the first cell: leave that to the csv module
        data = data[len(_BOM) :]
    if not data or not _plain(data):
        return None
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].removesuffix(b"\r")
    try:
        cells = first.decode("utf-8").split(delimiter)
    except UnicodeDecodeError:
        return None
    if any(len(cell) > FIELD_LIMIT for cell in cells):
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    lines = int(np.count_nonzero(raw == ord("\n"))) + (0 if data.endswith(b"\n") else 1)
    names = [str(k) for k in range(len(cells))]
    try:
        table = csv.read_csv(
            pa.BufferReader(data),
            read_options=csv.ReadOptions(
                column_names=names, skip_rows=1 if header else 0, use_threads=True
            ),
            parse_options=csv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=True,  # then a blank line shows as one row too few
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
    if table.num_rows != lines - (1 if header else 0) or not _short(table):
        return None
    return Split(cells, table, 2 if header else 1)


def _bytes(path: PathLike) -> bytes:
    name = os.fspath(path)
    if name.endswith(".gz"):
        with gzip.open(name, "rb") as handle:
            return handle.read()
    with open(name, "rb") as handle:
        return handle.read()


def _plain(data: bytes) -> bool:
    """Whether *data* has no quote, NUL, leading blank line or carriage return but in CRLF.

    Blank lines further on are found by counting rows (pyarrow skips them).
    """
    if b'"' in data or b"\x00" in data or data.startswith((b"\n", b"\r\n")):
        return False
    if b"\r" in data:
        raw = np.frombuffer(data, dtype=np.uint8)
        at = np.flatnonzero(raw == ord("\r")) + 1
        if at[-1] >= raw.size or not bool(np.all(raw[at] == ord("\n"))):
            return False
    return True


def _short(table: Any) -> bool:
    """Whether no cell is longer than the field size limit (counted in bytes: no fewer)."""
    compute = importlib.import_module("pyarrow.compute")
    for column in table.columns:
        if len(column) and (compute.max(compute.binary_length(column)).as_py() or 0) > FIELD_LIMIT:
            return False
    return True
