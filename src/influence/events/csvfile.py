"""Splitting a CSV file into numbered records, setting aside a broken quote, not the file.

The csv module, left alone, lets one unterminated quote swallow every line after it into a
single cell (or fail with ``_csv.Error`` once that cell passes its field size limit of
131,072 characters). :class:`Records` reads the same dialect, but a record that cannot be
read (an unterminated quote, a cell over the limit, a stray quote) or that spans several
lines with a line break inside a cell that may not hold one is handed back as broken, with
the reason, and the lines after its first line are read again as records of their own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

__all__ = ["FIELD_LIMIT", "Record", "Records"]

#: The csv module's limit on one cell, in characters (131,072 unless changed).
FIELD_LIMIT = csv.field_size_limit()

#: ``(first line, cells, reason)``: *cells* is ``None`` when the record is broken.
Record = tuple[int, list[str] | None, str]


class _Lines:
    """The physical lines of a text file, numbered, with lines pushed back to read again."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._pending: list[str] = []  # a stack: the next line to read is last
        self.number = 0  # the number of the last line handed out
        self.taken: list[str] = []  # the lines of the record being read

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._pending.pop() if self._pending else next(self._handle)
        self.number += 1
        self.taken.append(line)
        return line

    def push_back(self, lines: list[str]) -> None:
        self._pending.extend(reversed(lines))
        self.number -= len(lines)


class Records:
    """The records of a CSV file, each with the number of the line it starts on.

    Parameters
    ----------
    handle : text file
        Opened with ``newline=""``.
    delimiter : str
        The cell separator.

    Attributes
    ----------
    multiline : set of int
        Positions of the cells that may hold a line break (free text); a record that spans
        lines with a line break in any other cell is broken (an unterminated quote).
    """

    def __init__(self, handle: IO[str], delimiter: str) -> None:
        self._lines = _Lines(handle)
        self._delimiter = delimiter
        self._reader = self._new_reader()
        self.multiline: set[int] = set()

    def _new_reader(self) -> Iterator[list[str]]:
        return csv.reader(self._lines, delimiter=self._delimiter, strict=True)

    def __iter__(self) -> Iterator[Record]:
        return self

    def __next__(self) -> Record:
        lines = self._lines
        while True:
            lines.taken = []
            first = lines.number + 1
            try:
                row = next(self._reader)
            except csv.Error as exc:
                return first, None, self._broken(first, str(exc))
            if not row:
                continue  # a blank line
            if len(lines.taken) > 1 and any(
                ("\n" in cell or "\r" in cell) and j not in self.multiline
                for j, cell in enumerate(row)
            ):
                return first, None, self._broken(first, "")
            return first, row, ""

    def _broken(self, first: int, error: str) -> str:
        """Read the lines after *first* again; the reason the record from *first* is broken."""
        taken = self._lines.taken
        self._lines.push_back(taken[1:])
        self._reader = self._new_reader()
        span = len(taken)
        if error.startswith("field larger than field limit"):
            if span > 1:
                return (
                    f"a quoted cell opened on line {first} runs over {span:,} lines past the "
                    f"field size limit ({FIELD_LIMIT:,} characters): an unterminated quote? "
                    f"The lines after it are read on their own"
                )
            return f"a cell is longer than the field size limit ({FIELD_LIMIT:,} characters)"
        if error == "unexpected end of data":
            return (
                f"a quote opened on line {first} is never closed (an unterminated quote); "
                f"the lines after it are read on their own"
            )
        if error:
            return f"unreadable CSV ({error})"
        return (
            f"a quoted cell opened on line {first} runs over {span:,} lines, with a line break "
            f"in a cell that cannot hold one (only text can): an unterminated quote? The lines "
            f"after it are read on their own"
        )
