"""A column held as its distinct values and each row's code, so that it is judged once a value.

Ids and actions repeat: a million events may name a hundred thousand users and four actions.
:class:`Coded` holds such a column as its distinct values and, per row, the position of its
value (``-1`` for a null); the normalisers of :mod:`influence.events.columns` read the
distinct values with the very code they use for plain columns, and :func:`expand` spreads the
verdicts back to the rows with numpy, so that the result is the same as reading every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Coded", "constant", "expand", "plain_characters", "plain_ids"]


@dataclass(frozen=True)
class Coded:
    """A column as distinct *values* and each row's *codes* into them (``-1``: null)."""

    values: np.ndarray
    """The distinct values, a 1-d object array (Python ``str``, ``int``, ...), or a ``str``
    array when :attr:`plain`."""
    codes: NDArray[np.int32]
    """Per row, the position of its value in :attr:`values`, or ``-1`` for a null."""
    plain: bool = False
    """Whether :attr:`values` are sorted text ids that need no judging: a ``str`` array,
    each value non-empty printable ASCII without a space (so nothing to strip and no
    control character), and at least one of them not an integer (so the ids are text).
    Read as ids, each value is then itself. A text column (a post's text) is plain when
    Arrow judged it already (:func:`~influence.events.arrowcols.event_column`): its values
    are the sorted distinct non-missing texts, each row's code ``-1`` where missing."""

    @property
    def shape(self) -> tuple[int]:
        """The column's shape, ``(rows,)``."""
        return (int(self.codes.shape[0]),)

    def __getitem__(self, row: int) -> Any:
        code = int(self.codes[row])
        return None if code < 0 else self.values[code]

    def with_null(self) -> np.ndarray:
        """:attr:`values` with ``None`` appended, so that code ``-1`` reads as the null."""
        out = np.empty(self.values.shape[0] + 1, dtype=object)
        out[:-1] = self.values
        return out

    def objects(self) -> np.ndarray:
        """The column row by row, as an object array (``None`` for nulls)."""
        return self.with_null()[self.codes]


def constant(value: Any, n: int) -> Coded:
    """A column of *n* rows that all hold *value*."""
    values = np.empty(1, dtype=object)
    values[0] = value
    return Coded(values, np.zeros(n, dtype=np.int32))


def expand(column: Coded, problems: dict[int, tuple[str, str]]) -> dict[int, tuple[str, str]]:
    """Problems found in ``column.with_null()``, keyed by position there, moved to the rows.

    Position ``len(column.values)`` is the null; rows with code ``-1`` take its problem.
    """
    if not problems:
        return {}
    null = column.values.shape[0]
    codes = np.where(column.codes < 0, null, column.codes)
    bad = np.zeros(null + 1, dtype=bool)
    bad[list(problems)] = True
    rows = np.flatnonzero(bad[codes])
    return {int(i): problems[int(c)] for i, c in zip(rows.tolist(), codes[rows].tolist())}


def plain_characters(points: NDArray[np.integer[Any]]) -> bool:
    """Whether ids made of these characters (their code points, or ASCII bytes, all the ids'
    together) need no judging, as :attr:`Coded.plain` says: every one printable ASCII
    without a space, and one a character other than a digit or ``-`` (so not every id is
    an integer: the ids are text)."""
    if bool(np.any((points < 0x21) | (points > 0x7E))):
        return False
    return bool(np.any(((points < ord("0")) | (points > ord("9"))) & (points != ord("-"))))


def plain_ids(ids: NDArray[np.str_]) -> bool:
    """Whether a ``str`` array holds sorted distinct ids that need no judging
    (:attr:`Coded.plain`): none empty, no NUL inside one, :func:`plain_characters`, strictly
    increasing. Read from the code points, not id by id.

    Examples
    --------
    >>> import numpy as np
    >>> plain_ids(np.array(["ann", "bob"])), plain_ids(np.array(["12", "7"]))
    (True, False)
    """
    n, width = ids.shape[0], ids.dtype.itemsize // 4
    if ids.dtype.kind != "U" or not n or not width:
        return False
    points = ids.view(np.uint32).reshape(n, width)
    filled = points != 0
    length = filled.sum(axis=1)
    if int(length.min()) == 0 or not np.array_equal(filled, np.arange(width) < length[:, None]):
        return False  # an empty id, or a NUL inside one
    return plain_characters(points[filled]) and bool(np.all(ids[1:] > ids[:-1]))
