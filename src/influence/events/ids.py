"""Interning identifiers to dense integer indices, in sorted-id order.

:func:`intern` assigns the indices, applying the one rule for the type of ids
(:func:`typed`), and :class:`IdIndex` maps them back to identifiers; :func:`used`,
:func:`index_map` and :func:`remap` renumber them when unused ids are dropped
(:meth:`Events.compact <influence.Events.compact>`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: An integer written in canonical decimal: ``0``, or an optional minus and no leading zero.
_CANONICAL = re.compile("0|-?[1-9][0-9]{0,18}")


def is_canonical(text: str) -> bool:
    """Whether *text* is an int64 written in canonical decimal (``0`` or ``-?[1-9][0-9]*``).

    No spaces, no ``+``, no leading zeros, ASCII digits only: the text an integer id is
    written as, so that reading it as that integer loses nothing.

    Examples
    --------
    >>> from influence.events.ids import is_canonical
    >>> is_canonical("12"), is_canonical("007"), is_canonical("+1"), is_canonical("-5")
    (True, False, False, True)
    """
    return _CANONICAL.fullmatch(text) is not None and -(2**63) <= int(text) < 2**63


def typed(ids: np.ndarray) -> tuple[np.ndarray, NDArray[np.intp] | None]:
    """The distinct ids of a table under the one rule for their type, and how they moved.

    The rule: the ids are integers (int64) exactly when every distinct id is an integer
    or text in canonical decimal (:func:`is_canonical`); otherwise every id is text,
    integers written in decimal. So ``"12"`` and ``12`` are the one integer id 12, while
    ``"007"`` stays the text ``"007"``, and a table holding ``"12"`` and ``"ann"`` has the
    text ids ``"12"`` and ``"ann"``. Every door reaches this rule (files, pandas, Arrow,
    records, arrays), so the same log gives the same ids of the same type.

    Parameters
    ----------
    ids : numpy.ndarray
        Sorted distinct ids, int64 or text (as :func:`intern` finds them: a ``str``
        array, or an object array of ``str``, :func:`text_array`).

    Returns
    -------
    ids : numpy.ndarray
        Sorted, int64 or text.
    rank : numpy.ndarray or None
        Old position -> new position when the ids were text turned integers (their order
        changes from text order to numeric order); ``None`` when unchanged.

    Notes
    -----
    The cost is linear in the number of distinct ids (one check each, stopping at the
    first that is not canonical), plus one sort of them when they become integers.
    """
    if not is_text(ids):
        return ids, None
    if ids.size and not is_canonical(str(ids[-1])):  # the last in text order: often a name
        return ids, None
    texts = ids.tolist()
    if not all(map(is_canonical, texts)):
        return ids, None
    numbers = np.array([int(t) for t in texts], dtype=np.int64)
    order = np.argsort(numbers, kind="stable")
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    return numbers[order], rank


def intern(
    *columns: np.ndarray, vocab: np.ndarray | None = None
) -> tuple[np.ndarray, list[NDArray[np.int32]]]:
    """Sorted unique keys over all *columns* and, per column, each element's index.

    With a *vocab* (sorted distinct ids: int64, or objects that are ``str``), the columns
    hold positions in it, and the keys returned are the ids at the positions used.

    The keys come out under the one rule for the type of ids (:func:`typed`): text
    columns whose every distinct id is a canonical integer give int64 keys. Integer
    keys in a dense range take an O(n) path (a presence table and a cumulative sum)
    instead of sorting; the result is the same either way. Object
    arrays of ``str`` are interned by hashing (a dict of the distinct ids), so that
    memory grows with the distinct ids, not with rows times the longest id; the
    distinct ids come back as a ``str`` array.
    """
    uniques, codes = _intern(columns)
    if vocab is not None:
        used_ids = vocab[uniques]
        uniques = used_ids if used_ids.dtype.kind != "O" else text_array(used_ids.tolist())
    uniques, rank = typed(uniques)
    if rank is None:
        return uniques, codes
    return uniques, [rank[c].astype(np.int32) for c in codes]


def _intern(columns: tuple[np.ndarray, ...]) -> tuple[np.ndarray, list[NDArray[np.int32]]]:
    """:func:`intern` before the rule for the type of ids."""
    sizes = [c.shape[0] for c in columns]
    n = sum(sizes)
    if any(c.dtype.kind == "O" for c in columns):
        return _intern_strings(columns, n)
    if n == 0:
        empty = columns[0][:0].copy() if columns else np.zeros(0, dtype=np.int64)
        return empty, [np.zeros(0, dtype=np.int32) for _ in columns]
    nonempty = [c for c in columns if c.size]
    if all(c.dtype.kind == "i" for c in columns):
        low = min(int(c.min()) for c in nonempty)
        high = max(int(c.max()) for c in nonempty)
        span = high - low + 1
        if span <= 4 * n + 1024:
            present = np.zeros(span, dtype=bool)
            for c in nonempty:
                present[c - low if low else c] = True
            rank = (np.cumsum(present, dtype=np.int32) - 1).astype(np.int32)
            uniques = np.flatnonzero(present).astype(np.int64) + low
            return uniques, [rank[c - low if low else c] for c in columns]
    joined = np.concatenate(columns) if len(columns) > 1 else columns[0]
    uniques, inverse = np.unique(joined, return_inverse=True)
    codes = inverse.reshape(-1).astype(np.int32)
    bounds = np.cumsum([0, *sizes])
    return uniques, [codes[bounds[k] : bounds[k + 1]] for k in range(len(columns))]


#: Columns of at least this many strings are hashed by Arrow when pyarrow is installed.
ARROW_ROWS = 50_000


def _intern_strings(
    columns: tuple[np.ndarray, ...], n: int
) -> tuple[np.ndarray, list[NDArray[np.int32]]]:
    """:func:`intern` for columns of ``str`` objects, by hashing (Arrow's, for long ones)."""
    if n >= ARROW_ROWS:
        hashed = _intern_with_arrow(columns)
        if hashed is not None:
            return hashed
    position: dict[str, int] = {}
    for column in columns:
        position.update(dict.fromkeys(column.tolist(), 0))
    distinct = sorted(position)
    for j, key in enumerate(distinct):
        position[key] = j
    uniques = text_array(distinct)
    codes = [
        np.fromiter(map(position.__getitem__, c.tolist()), dtype=np.int32, count=c.shape[0])
        for c in columns
    ]
    return uniques, codes


def _intern_with_arrow(
    columns: tuple[np.ndarray, ...],
) -> tuple[np.ndarray, list[NDArray[np.int32]]] | None:
    """:func:`_intern_strings` by Arrow's ``dictionary_encode``; ``None`` without pyarrow.

    The distinct strings are then sorted in Python (as :func:`sorted` orders them), so
    the result is the same as the dictionary's.
    """
    try:
        pa = importlib.import_module("pyarrow")
    except ImportError:
        return None
    joined = np.concatenate(columns) if len(columns) > 1 else columns[0]
    try:
        encoded = pa.array(joined, type=pa.large_string()).dictionary_encode()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    values = encoded.dictionary.to_pylist()
    order = sorted(range(len(values)), key=values.__getitem__)
    rank = np.empty(len(values), dtype=np.int32)
    rank[order] = np.arange(len(values), dtype=np.int32)
    uniques = text_array([values[j] for j in order])
    codes = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.intp)]
    bounds = np.cumsum([0, *(c.shape[0] for c in columns)])
    return uniques, [codes[bounds[k] : bounds[k + 1]] for k in range(len(columns))]


#: Text ids are held fixed-width while that takes at most this many times their total
#: length (plus :data:`FIXED_SLACK` characters); otherwise as Python strings.
FIXED_FACTOR = 4
FIXED_SLACK = 1 << 16


def text_array(texts: list[str]) -> np.ndarray:
    """Text ids as one array whose memory follows their total length.

    A fixed-width ``str`` array (fast to search and compare) while its size, the number
    of ids times the longest, stays within :data:`FIXED_FACTOR` times their total length
    plus :data:`FIXED_SLACK` characters; otherwise an object array of ``str``, so that one
    very long id does not widen every slot (issue 15: one 20,000-character id among
    10,000 short ones took 800 MB as fixed width, 0.6 MB as objects).

    Examples
    --------
    >>> from influence.events.ids import text_array
    >>> many = [f"u{i}" for i in range(1000)]
    >>> text_array(many).dtype.kind, text_array([*many, "a" * 100_000]).dtype.kind
    ('U', 'O')
    """
    if not texts:
        return np.zeros(0, dtype="<U1")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    if len(texts) * int(lengths.max()) <= FIXED_FACTOR * int(lengths.sum()) + FIXED_SLACK:
        return np.array(texts, dtype=str)
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


def text_ids(ids: np.ndarray) -> np.ndarray:
    """*ids* as text (integers in decimal) by :func:`text_array`: not ``astype(str)``, which
    would widen every slot to the longest id; a fixed-width ``str`` array as it is.

    Examples
    --------
    >>> from influence.events.ids import text_ids
    >>> text_ids(np.array(["ann", 12], dtype=object)).tolist()
    ['ann', '12']
    >>> text_ids(np.array([*map(str, range(1000)), "x" * 100_000], dtype=object)).dtype.kind
    'O'
    """
    if ids.dtype.kind == "U":
        return ids
    return text_array([str(x) for x in ids.tolist()])


def _lengths(ids: np.ndarray) -> NDArray[np.int64]:
    if ids.dtype.kind == "U":
        return np.asarray(np.char.str_len(ids), dtype=np.int64)
    return np.fromiter(map(len, ids.tolist()), dtype=np.int64, count=ids.size)


def _compact(lengths: list[NDArray[np.int64]]) -> bool:
    """Whether text of these lengths fits fixed width compactly (:func:`text_array`)."""
    count = sum(x.size for x in lengths)
    longest = max((int(x.max()) for x in lengths if x.size), default=0)
    return count * longest <= FIXED_FACTOR * sum(int(x.sum()) for x in lengths) + FIXED_SLACK


def join_text(arrays: list[np.ndarray]) -> np.ndarray:
    """Text id arrays joined end to end, held as :func:`text_array` would hold the whole.

    Fixed-width when the joined array is compact, else an object array of ``str``: two
    compact arrays, one of many short ids and one of a single very long id, do not
    join compactly.
    """
    if not arrays:
        return np.zeros(0, dtype="<U1")
    if _compact([_lengths(a) for a in arrays]):
        return np.concatenate([a.astype(str) for a in arrays])
    return np.concatenate([a.astype(object) for a in arrays])


def held(ids: np.ndarray) -> np.ndarray:
    """Text ids held as :func:`text_array` holds them (int64 ids as they are)."""
    if not is_text(ids) or not ids.size:
        return ids
    fixed = _compact([_lengths(ids)])
    if fixed == (ids.dtype.kind == "U"):
        return ids
    return ids.astype(str) if fixed else ids.astype(object)


def is_text(ids: np.ndarray) -> bool:
    """Whether an id array holds text: a ``str`` array or an object array (of ``str``)."""
    return ids.dtype.kind in "UO"


def as_text(ids: np.ndarray) -> np.ndarray:
    """*ids* as text (:func:`text_array`): integers written in decimal, text as it is."""
    return ids if is_text(ids) else text_array([str(v) for v in ids.tolist()])


def used(size: int, *columns: np.ndarray) -> NDArray[np.bool_]:
    """Which of *size* codes the columns mention (``-1``, absent, mentions none)."""
    mask = np.zeros(size + 1, dtype=bool)  # the spare last slot takes the -1s
    for column in columns:
        mask[column] = True
    return mask[:size]


def index_map(used: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Old code -> new code for the kept codes (in order)."""
    return np.cumsum(used, dtype=np.int64).astype(np.int32) - 1


def remap(codes: np.ndarray, mapping: np.ndarray) -> NDArray[np.int32]:
    """*codes* translated through *mapping*, keeping ``-1`` (absent) as ``-1``."""
    out = np.full(codes.shape, -1, dtype=np.int32)
    has = codes >= 0
    out[has] = mapping[codes[has]]
    return out


class IdIndex:
    """A two-way map between identifiers and dense indices ``0..n-1``.

    Identifiers are kept sorted, so the index of an identifier does not depend
    on the order in which the data arrived. They are all integers (int64) or all
    text (str), by one rule whatever the door the data came in by (a CSV or JSON
    Lines file, pandas, Arrow, Polars, DuckDB, records or arrays): integers exactly
    when every distinct id is an integer or text in canonical decimal (``0`` or
    ``-?[1-9][0-9]*`` within int64: no spaces, no ``+``, no leading zeros);
    otherwise text, integers written in decimal. So a CSV file of ``1,2,3`` gives
    the integers 1, 2 and 3, as pandas does; ``"007"`` stays the text ``"007"``;
    and a log holding ``"12"`` and ``"ann"`` has the text ids ``"12"`` and
    ``"ann"``. Users and posts are typed each on their own. Lookups take either
    form: ``index(12)`` and ``index("12")`` find the same id. Text ids are held in one
    fixed-width ``str`` array of the distinct ids while that costs at most four times
    their total length, and as an object array of ``str`` otherwise
    (:func:`text_array`): memory follows the total length of the distinct ids,
    whatever the number of events and however long the longest.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "mention", "target": "ann"},
    ... ])
    >>> ev.users.index("bob"), ev.users.id(0), len(ev.users)
    (1, 'ann', 2)
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "12", "action": "mention", "target": 9},
    ... ])
    >>> ev.users.ids.tolist(), ev.users.index("12"), ev.users.index(12)
    ([9, 12], 1, 1)
    """

    __slots__ = ("_ids",)

    def __init__(self, ids: np.ndarray) -> None:
        ids = np.asarray(ids)
        if ids.dtype.kind not in "iUO" or (
            ids.dtype.kind == "O" and not all(isinstance(x, str) for x in ids.tolist())
        ):
            raise TypeError(
                "ids must be an int64 array, a str array or an object array of str; "
                f"got {ids.dtype}"
            )
        if ids.size > 1 and not bool(np.all(ids[1:] > ids[:-1])):
            raise ValueError("ids must be sorted and unique")
        ids.flags.writeable = False
        self._ids = ids

    @property
    def ids(self) -> np.ndarray:
        """All identifiers, sorted, as a read-only int64 array or text array (``str``, or an
        object array of ``str`` when the ids are very uneven in length: :func:`text_array`)."""
        return self._ids

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._ids.tolist())

    def __contains__(self, key: object) -> bool:
        return self._find(key) >= 0

    def __repr__(self) -> str:
        head = ", ".join(repr(x) for x in self._ids[:5].tolist())
        more = ", ..." if len(self) > 5 else ""
        return f"IdIndex([{head}{more}], n={len(self)})"

    def _coerce(self, key: object) -> Any:
        if is_text(self._ids):
            if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
                return str(int(key))
            return key.strip() if isinstance(key, str) else None
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            return int(key)
        if isinstance(key, str):
            text = key.strip()
            return int(text) if is_canonical(text) else None  # "007" is not the id 7
        return None

    def _find(self, key: object) -> int:
        value = self._coerce(key)
        if value is None or len(self) == 0:
            return -1
        pos = int(np.searchsorted(self._ids, value))
        if pos < len(self) and self._ids[pos] == value:
            return pos
        return -1

    def index(self, key: object) -> int:
        """The dense index of identifier *key*; ``KeyError`` when absent."""
        pos = self._find(key)
        if pos < 0:
            raise KeyError(f"unknown id {key!r}")
        return pos

    def id(self, index: int) -> Any:
        """The identifier at dense index *index* (a Python ``int`` or ``str``)."""
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} ids")
        return self._ids[index : index + 1].tolist()[0]

    def indices(self, keys: Any) -> NDArray[np.int64]:
        """Vectorised :meth:`index`: ``-1`` where an identifier is absent.

        Keys are read as :meth:`index` reads one: surrounding whitespace is ignored.
        """
        arr = np.asarray(keys)
        if self._ids.dtype.kind == "i" and arr.dtype.kind not in "iu":
            return np.array([self._find(k) for k in arr.tolist()], dtype=np.int64)
        if is_text(self._ids):
            if arr.dtype.kind == "U":
                arr = np.char.strip(arr)
            else:  # not astype(str): one very long key would widen every slot
                keys = [k.strip() if isinstance(k, str) else str(k) for k in arr.ravel().tolist()]
                arr = text_array(keys).reshape(arr.shape)
        if len(self) == 0:
            return np.full(arr.shape, -1, dtype=np.int64)
        pos = np.searchsorted(self._ids, arr)
        clipped = np.minimum(pos, len(self) - 1)
        found = self._ids[clipped] == arr
        return np.where(found, clipped, -1).astype(np.int64)

    def take(self, indices: NDArray[np.integer]) -> IdIndex:
        """A new index holding the identifiers at the given (sorted) positions."""
        return IdIndex(self._ids[indices])
