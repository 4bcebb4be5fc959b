"""Normalising input columns into typed numpy arrays, one vectorised pass each.

Every normaliser returns clean arrays plus the rows it could not read, as a
mapping from input position to ``(kind, message)``. Nothing here knows about
rows' meaning beyond one field; cross-field rules live in :mod:`._assemble`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events.coded import Coded, expand
from influence.events.ids import is_canonical
from influence.events.timeparse import (
    EARLIEST,
    LATEST,
    UNIT_HINT,
    datetime64_seconds,
    is_numeric,
    parse_time,
)

Problems = dict[int, tuple[str, str]]
"""Input position -> (kind, message) for rows a normaliser rejected."""


def as_array(values: Any) -> Any:
    """A 1-d numpy view or copy of *values* without converting element types.

    A :class:`~influence.events.coded.Coded` column is kept as it is: the normalisers
    read its distinct values once each.
    """
    if isinstance(values, (np.ndarray, Coded)):
        return values
    if hasattr(values, "to_numpy"):
        return np.asarray(values.to_numpy())
    seq = values if isinstance(values, Sequence) else list(values)
    out = np.empty(len(seq), dtype=object)
    out[:] = seq
    return out


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def _show(value: Any) -> str:
    if isinstance(value, (np.number, np.bool_, np.str_)):
        value = value.item()  # show 9, not np.int64(9)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def times(values: Any, field: str = "time") -> tuple[NDArray[np.float64], Problems]:
    """Epoch seconds (float64, UTC) and the rows whose time is unusable."""
    if isinstance(values, Coded):
        values = values.objects()
    out, problems = _seconds(values, field)
    beyond = (out < EARLIEST) | (out >= LATEST)
    outside = np.flatnonzero(beyond).tolist() if beyond.any() else []
    for i in outside:
        if i not in problems:
            why = "time must fall in the years 1 to 9999"
            if is_numeric(values[i]):  # a number, or text holding one (CSV, the CLI)
                why += UNIT_HINT
            problems[int(i)] = _time_problem(field, values[i], why)
        out[i] = 0.0
    return out, problems


def _seconds(values: np.ndarray, field: str) -> tuple[NDArray[np.float64], Problems]:
    problems: Problems = {}
    if values.dtype.kind in "iu":
        return values.astype(np.float64), problems
    if values.dtype.kind == "f":
        out = values.astype(np.float64, copy=True)
        bad = ~np.isfinite(out)
        if bad.any():
            for i in np.flatnonzero(bad).tolist():
                problems[int(i)] = _time_problem(
                    field, out[i], "time must be finite (not NaN or infinite)"
                )
            out[bad] = 0.0
        return out, problems
    if values.dtype.kind == "M":
        nat = np.isnat(values)
        out = datetime64_seconds(values)
        for i in np.flatnonzero(nat).tolist():
            problems[int(i)] = ("missing field", f"field {field!r} is missing (NaT)")
        out[nat] = 0.0
        return out, problems
    out = np.zeros(len(values), dtype=np.float64)
    for i, value in enumerate(values.tolist() if values.dtype.kind != "O" else values):
        if (_is_missing(value) and not isinstance(value, float)) or (
            isinstance(value, np.datetime64) and np.isnat(value)
        ):
            problems[i] = ("missing field", f"field {field!r} is missing")
            continue
        try:
            out[i] = parse_time(value)
        except ValueError as exc:
            problems[i] = _time_problem(field, value, str(exc))
    return out, problems


def _time_problem(field: str, value: Any, why: str) -> tuple[str, str]:
    return (
        "bad time",
        f"field {field!r}: {why}; got {_show(value)}; allowed: epoch seconds, a datetime "
        "or an ISO 8601 string such as '2012-07-04T09:00:00Z'",
    )


def ids(values: Any, n: int, field: str) -> tuple[np.ndarray, NDArray[np.bool_], Problems]:
    """Identifier keys (int64, or str in a str or object array), a missing mask and bad rows.

    Integers stay integers, and so does the text of a column whose every id is an integer
    or text in canonical decimal (:func:`~influence.events.ids.is_canonical`): the rule
    for the type of ids, applied early (:func:`~influence.events.ids.typed` applies it
    to the whole table). Strings are kept exactly but for surrounding whitespace, which
    is dropped (a blank string is a missing id); a string holding a control character (NUL,
    tab, line break, carriage return, escape: any of U+0000-U+001F and U+007F-U+009F) is
    refused: files and terminals do not keep it apart from the characters around it.
    Strings read from Python objects come back as an object array, so that one long id
    does not widen every row. Floats are accepted
    when they hold whole numbers (pandas turns integer columns with gaps into floats).
    """
    problems: Problems = {}
    if values is None:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool), problems
    if isinstance(values, Coded):  # the distinct values, judged once each
        keys, missing, judged = ids(values.with_null(), values.values.shape[0] + 1, field)
        return keys[values.codes], missing[values.codes], expand(values, judged)
    kind = values.dtype.kind
    if kind in "iu":
        if kind == "u" and values.size and values.max() > np.iinfo(np.int64).max:
            # beyond int64: written in decimal as text, as the id rule says (ids.typed)
            return ids(values.astype(str), n, field)
        return np.asarray(values, dtype=np.int64), np.zeros(n, dtype=bool), problems
    if kind == "f":
        missing = np.isnan(values)
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2.0**63)
        for i in np.flatnonzero(~missing & ~whole).tolist():
            problems[int(i)] = _id_problem(field, values[i])
        keys = np.where(whole, values, 0).astype(np.int64)
        return keys, missing, problems
    if kind in "US":
        text = values.astype(str)
        stripped = np.char.strip(text)
        blank = stripped == ""
        bad = _controls(text) & ~blank
        for i in np.flatnonzero(bad).tolist():
            problems[int(i)] = _control_problem(field, text[i].item())
        return stripped, blank, problems
    if kind == "b":
        for i in range(n):
            problems[i] = _id_problem(field, bool(values[i]))
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool), problems
    found: list[Any] = [0] * n
    missing = np.zeros(n, dtype=bool)
    any_str = False
    for i, value in enumerate(values):
        if isinstance(value, str):
            key = value.strip()
            if not key:
                missing[i] = True  # blank: nothing to keep
            elif _CONTROL.search(value):
                problems[i] = _control_problem(field, value)
            else:
                found[i] = key
                any_str = True
        elif _is_missing(value):
            missing[i] = True
        elif (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))) or (
            isinstance(value, (float, np.floating)) and float(value).is_integer()
        ):
            if -(2**63) <= int(value) < 2**63:
                found[i] = int(value)
            else:
                problems[i] = _id_problem(field, value)
        else:
            problems[i] = _id_problem(field, value)
    if any_str and not all(is_canonical(k) for k in found if isinstance(k, str)):
        return _objects([k if isinstance(k, str) else str(k) for k in found]), missing, problems
    return np.array([int(k) for k in found], dtype=np.int64), missing, problems


#: The control characters an id may not hold (C0, DEL and C1).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _controls(text: np.ndarray) -> NDArray[np.bool_]:
    """Which strings of a str array hold a control character (NULs inside included)."""
    width = text.dtype.itemsize // 4
    if not text.size or not width:
        return np.zeros(text.shape, dtype=bool)
    points = np.ascontiguousarray(text).view(np.uint32).reshape(text.size, width)
    control = ((points >= 1) & (points < 0x20)) | ((points >= 0x7F) & (points < 0xA0))
    inside = np.arange(width) < np.char.str_len(text)[:, None]  # NULs before the end
    return np.asarray(control.any(axis=1) | ((points == 0) & inside).any(axis=1))


def _control_problem(field: str, value: str) -> tuple[str, str]:
    where = _CONTROL.search(value)
    char = "" if where is None else f" ({where.group()!r} at position {where.start()})"
    return (
        "bad id",
        f"field {field!r}: {_show(value)} holds a control character{char}; ids are kept "
        "exactly, and a control character cannot be (remove it, or replace it)",
    )


def _id_problem(field: str, value: Any) -> tuple[str, str]:
    return (
        "bad id",
        f"field {field!r}: {_show(value)} is not an identifier; allowed: a string or an "
        "integer from -2**63 to 2**63-1",
    )


Judged = tuple[np.ndarray, NDArray[np.bool_], Problems]
"""What :func:`ids` returns: keys, the missing mask and the rows it refused."""


def id_pair(
    first: Any, second: Any, n: int, fields: tuple[str, str]
) -> tuple[Judged, Judged, np.ndarray | None]:
    """Two id columns that share one index (actor and target, post and parent), judged.

    Returns what :func:`ids` gives for each, their keys of one type (:func:`unify`), and a
    vocabulary: ``None`` when the keys are the ids themselves; otherwise the keys are
    positions in the vocabulary, the sorted distinct ids of both columns (an int64 or
    object array). The second form is taken when both columns (or the one present) are
    :class:`~influence.events.coded.Coded`: their distinct values are judged once each and
    no per-row string is ever hashed or compared; when those values are
    :attr:`~influence.events.coded.Coded.plain` they are the vocabulary as they stand.
    """
    given = [c for c in (first, second) if c is not None]
    plain = [isinstance(c, Coded) and c.plain for c in given]
    if given and all(plain) and given[0].values is given[-1].values:
        return _plain(first, n), _plain(second, n), given[0].values
    if not given or not all(isinstance(c, Coded) for c in given):
        one, two = ids(first, n, fields[0]), ids(second, n, fields[1])
        keys = unify(one[0], two[0])
        return (keys[0], *one[1:]), (keys[1], *two[1:]), None
    judged: list[Judged | None] = []
    for column, field in zip((first, second), fields):
        before = judged[0] if judged else None
        if column is None:
            judged.append(None)
        elif before is not None and first is not None and column.values is first.values:
            judged.append(_renamed(before, fields[0], field))  # one table: judged once
        else:
            judged.append(ids(column.with_null(), column.values.shape[0] + 1, field))
    present = [j for j in judged if j is not None]
    keys = unify(*(j[0] for j in present))
    usable = [k[~j[1] & ~_refused(j[2], k.shape[0])] for k, j in zip(keys, present)]
    pool = np.concatenate(usable) if len(usable) > 1 else usable[0]
    if pool.dtype.kind == "i":
        vocab = np.unique(pool)
        slots = [np.minimum(np.searchsorted(vocab, k), max(vocab.size - 1, 0)) for k in keys]
    else:
        vocab = _objects(sorted(set(pool.tolist())))
        at = {key: j for j, key in enumerate(vocab.tolist())}
        slots = [
            np.fromiter(map(at.get, k.tolist(), itertools.repeat(0)), np.int64, k.shape[0])
            for k in keys
        ]
    out: list[Judged] = []
    for column, result in zip((first, second), judged):
        if column is None or result is None:
            out.append((np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool), {}))
            continue
        slot = slots.pop(0)
        out.append((slot[column.codes], result[1][column.codes], expand(column, result[2])))
    return out[0], out[1], vocab


def _plain(column: Coded | None, n: int) -> Judged:
    """:func:`id_pair`'s verdict on a column of :attr:`~influence.events.coded.Coded.plain`
    ids: each value is itself, so a row's key is its code (``-1``, a null, is missing)."""
    if column is None:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool), {}
    return column.codes, column.codes < 0, {}


def _renamed(judged: Judged, old: str, new: str) -> Judged:
    """*judged* of one field, its messages naming another that read the same values."""
    before, after = f"field {old!r}", f"field {new!r}"
    found = {i: (kind, text.replace(before, after, 1)) for i, (kind, text) in judged[2].items()}
    return judged[0], judged[1], found


def _refused(problems: Problems, size: int) -> NDArray[np.bool_]:
    mask = np.zeros(size, dtype=bool)
    mask[list(problems)] = True
    return mask


def unify(*columns: np.ndarray) -> list[np.ndarray]:
    """Give id columns one key type: strings as soon as one column holds strings.

    Integers become their decimal text. Str arrays stay as they are when every column is
    one; otherwise all become object arrays of ``str``.
    """
    kinds = {c.dtype.kind for c in columns}
    if kinds <= {"i"} or kinds == {"U"}:
        return list(columns)
    return [c if c.dtype.kind == "O" else _objects([str(v) for v in c.tolist()]) for c in columns]


def actions(
    values: Any, n: int, renamed: Mapping[str, int] | None = None
) -> tuple[NDArray[np.int8], Problems]:
    """Action codes (int8) and rows with a missing or unknown action.

    *renamed* maps the log's own text values (stripped, lower case) to codes first
    (:func:`influence.events.actions.renamed`).
    """
    if isinstance(values, Coded):  # the distinct spellings, judged once each
        codes, found = actions(values.with_null(), values.values.shape[0] + 1, renamed)
        return codes[values.codes], expand(values, found)
    problems: Problems = {}
    codes = np.zeros(n, dtype=np.int8)
    if values is None:
        for i in range(n):
            problems[i] = ("missing field", "field 'action' is missing")
        return codes, problems
    if values.dtype.kind in "iu":
        ok = (values >= 0) & (values < len(_actions.ACTIONS))
        codes[ok] = values[ok]
        for i in np.flatnonzero(~ok).tolist():
            problems[int(i)] = _action_problem(values[i])
        return codes, problems
    if values.dtype.kind == "U":
        spellings = values
    elif values.dtype.kind == "O":  # element-wise: astype(str) fails on lists and arrays
        # An integer action code (as from_arrays takes) reads as its action's name.
        spellings = np.array([_spelling(v) for v in values.tolist()], dtype=str)
    else:
        spellings = values.astype(str)
    uniques, inverse = np.unique(spellings, return_inverse=True)
    table = np.full(len(uniques), -1, dtype=np.int16)
    for j, spelling in enumerate(uniques.tolist()):
        code = renamed.get(spelling.strip().lower()) if renamed else None
        code = _actions.code_of(spelling) if code is None else code
        table[j] = -1 if code is None else code
    mapped = table[inverse.reshape(-1)]
    bad = mapped < 0
    codes[~bad] = mapped[~bad]
    raw = values if values.dtype.kind == "O" else values.astype(object)
    for i in np.flatnonzero(bad).tolist():
        value = raw[i]
        if _is_missing(value):
            problems[int(i)] = ("missing field", "field 'action' is missing")
        else:
            problems[int(i)] = _action_problem(value)
    return codes, problems


def _spelling(value: Any) -> str:
    """An action as text: integer codes in range become their action's name."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        code = _actions.code_of(value)
        return str(value) if code is None else _actions.ACTIONS[code]
    return str(value)


def _action_problem(value: Any) -> tuple[str, str]:
    return (
        "unknown action",
        f"field 'action': unknown action {_show(value)}; allowed: {_actions.ALLOWED_TEXT}",
    )


def strings(values: Any, n: int, field: str) -> tuple[list[str | None] | Coded | None, Problems]:
    """Optional text-like column as Python strings; ``None`` for an absent column.

    A :class:`Coded` column is judged one distinct value at a time and comes back coded:
    its values judged (``None`` where missing), the same codes (:func:`judged_coded`).
    """
    problems: Problems = {}
    if values is None:
        return None, problems
    if isinstance(values, Coded):
        if values.plain:  # judged already: sorted distinct texts, -1 where missing
            return values, problems
        return judged_coded(values, lambda v, k: strings(v, k, field))
    out: list[str | None] = [None] * n
    for i, value in enumerate(values.tolist()):
        if _is_missing(value):
            continue
        if isinstance(value, str):
            out[i] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[i] = str(value)
        else:
            problems[i] = ("bad value", f"field {field!r}: {_show(value)} is not a string")
    return out, problems


def topics(values: Any, n: int) -> tuple[list[tuple[str, ...]] | Coded | None, Problems]:
    """Topic tags per row as sorted tuples (a string is split on commas); ``None`` if absent.

    A :class:`Coded` column is judged one distinct value at a time (:func:`judged_coded`).
    """
    problems: Problems = {}
    empty: tuple[str, ...] = ()
    if values is None:
        return None, problems
    if isinstance(values, Coded):
        return judged_coded(values, topics)
    out: list[tuple[str, ...]] = [empty] * n
    for i, value in enumerate(values.tolist()):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, str):
            tags = [t.strip() for t in value.split(",")]
        elif isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
            tags = list(value)
            if not all(isinstance(t, str) for t in tags):
                problems[i] = (
                    "bad value",
                    f"field 'topics': {_show(value)} holds a non-string tag",
                )
                continue
            tags = [t.strip() for t in tags]
        else:
            problems[i] = (
                "bad value",
                f"field 'topics': {_show(value)} is not a list of tags; allowed: a list of "
                "strings or one comma-separated string",
            )
            continue
        out[i] = tuple(sorted({t for t in tags if t}))
    return out, problems


def judged_coded(
    column: Coded, judge: Callable[[Any, int], tuple[Any, Problems]]
) -> tuple[Coded, Problems]:
    """*judge* (a column reader: values, length -> per-row results and problems) applied to
    the distinct values of *column* and its null once each, the results coded as the rows
    were: a row's result is its value's, the null's for code ``-1``.

    The per-row problems are those of the row's value (:func:`~.coded.expand`). The null's
    result is what *judge* makes of ``None``; it is kept as the last value and the rows
    that read it take its position, so that ``-1`` codes need no special case downstream.
    """
    judged, found = judge(column.with_null(), column.values.shape[0] + 1)
    values = np.empty(len(judged), dtype=object)
    for k, result in enumerate(judged):  # one per distinct value; tuples stay whole
        values[k] = result
    codes = np.where(column.codes < 0, len(judged) - 1, column.codes).astype(np.int32)
    return Coded(values, codes), expand(column, found)
