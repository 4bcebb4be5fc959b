"""Reading saved-score files without trusting them: every header checked before any data.

:mod:`influence.scoring.persist` reads ``.npz`` and ``.parquet`` files through this module,
so that a hostile or damaged file is refused for its true reason while memory stays small:

- an ``.npz`` member's ``.npy`` header (dtype, shape, order) is read from the zip member
  alone, and its declared size compared with the bytes the member holds (a truncated member,
  or one that declares a huge shape, is refused before a byte of data is decompressed);
  every header is compared with the schema the metadata declares (one row per user) before
  any array is loaded, and the users are read in chunks, each checked sorted and unique;
- a ``.parquet`` file's schema, key-value metadata and row count are read from its footer,
  and compared with the schema before any column is read;
- metadata and configurations nested deeper than :data:`MAX_DEPTH` are refused, as is a
  ``RecursionError`` or ``MemoryError`` met while parsing or loading: a ``ValueError`` with
  the reason, never a traceback.
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from influence.events.ids import FIXED_FACTOR, FIXED_SLACK

__all__ = [
    "DETAIL_KINDS",
    "MAX_DEPTH",
    "MAX_META_BYTES",
    "Member",
    "Refused",
    "check_depth",
    "check_layout",
    "check_parquet_schema",
    "expected_columns",
    "load_json",
    "npz_members",
    "parquet_file",
    "read_member",
    "read_users",
]

#: Deepest nesting of lists and objects read from metadata or a configuration file.
MAX_DEPTH = 64
#: Largest metadata array an ``.npz`` may declare (its JSON text, 4 bytes a character).
MAX_META_BYTES = 64 * 2**20
#: The dtype kinds an evidence array may have: booleans, numbers and strings.
DETAIL_KINDS = "biufU"
_CHUNK_BYTES = 2**20
# NotImplementedError: an unknown compression method; RuntimeError: an encrypted member
_READ_ERRORS = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


class Refused(ValueError):
    """The file does not match the schema."""


# --------------------------------------------------------------------------- nesting
def check_depth(value: Any, what: str, limit: int = MAX_DEPTH) -> None:
    """Refuse *value* when its lists and mappings nest deeper than *limit* (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth > limit:
            raise Refused(f"{what} is nested more than {limit} levels deep")
        stack.extend((child, depth + 1) for child in children)


def load_json(text: str, what: str) -> Any:
    """``json.loads(text)``, nesting checked; :class:`Refused` for what is not JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(
            f"{what} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise Refused(f"{what} is nested too deeply to parse") from None
    check_depth(data, what)
    return data


# --------------------------------------------------------------------------- npz headers
@dataclass(frozen=True)
class Member:
    """One ``.npy`` member of an ``.npz`` archive, as its header declares it."""

    key: str
    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    fortran_order: bool
    offset: int  # bytes of header before the data

    @property
    def nbytes(self) -> int:
        """The bytes of data the header declares (Python integers: no overflow)."""
        return math.prod(self.shape) * self.dtype.itemsize


def _header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> Member:
    fmt = np.lib.format
    try:
        with archive.open(info) as handle:
            version = fmt.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(handle)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(handle)
            else:
                raise Refused(f"array {key!r} has .npy format version {version}; expected 1.0/2.0")
            offset = handle.tell()
    except Refused:
        raise
    except ValueError as exc:
        raise Refused(f"array {key!r} has no readable .npy header ({exc})") from None
    except _READ_ERRORS as exc:
        raise Refused(f"array {key!r} cannot be read ({exc})") from None
    if dtype.hasobject:
        raise Refused(f"array {key!r} is an object array, which is never read (no pickle)")
    member = Member(key, info, tuple(shape), dtype, bool(fortran), offset)
    held = info.file_size - offset
    if held < member.nbytes:
        raise Refused(
            f"array {key!r} is truncated: its header declares {dtype} {member.shape} "
            f"({member.nbytes} bytes) but the member holds {max(held, 0)} bytes"
        )
    if held > member.nbytes:
        raise Refused(
            f"array {key!r} holds {held - member.nbytes} bytes more than its header declares "
            f"({dtype} {member.shape})"
        )
    return member


def npz_members(archive: zipfile.ZipFile) -> dict[str, Member]:
    """Every member's header, by key (the name without ``.npy``); no data is read."""
    members: dict[str, Member] = {}
    for info in archive.infolist():
        name = info.filename
        if not name.endswith(".npy"):
            raise Refused(f"member {name!r} is not an .npy array")
        key = name[: -len(".npy")]
        if key in members:
            raise Refused(f"array {key!r} is stored twice")
        members[key] = _header(archive, info, key)
    return members


def _layout_error(key: str, dtype: np.dtype[Any], shape: tuple[int, ...], kinds: str,
                  expected: tuple[int, ...]) -> str | None:  # fmt: skip
    if dtype.kind not in kinds or (kinds == "f" and dtype.itemsize != 8):
        return f"array {key!r} has dtype {dtype}"
    if shape != expected:
        return f"array {key!r} has shape {shape}; expected {expected}"
    return None


def check_layout(
    meta: Mapping[str, Any], layouts: Mapping[str, tuple[np.dtype[Any], tuple[int, ...]]]
) -> None:
    """Refuse array layouts (dtype and shape by key) that differ from the schema *meta*
    declares: ``users`` one dimension, every other array one row per user."""
    names: list[str] = meta["names"]
    if "users" not in layouts:
        raise Refused("missing array 'users'")
    shape = layouts["users"][1]
    if len(shape) != 1:
        raise Refused(f"array 'users' has shape {shape}; expected one dimension")
    n = shape[0]
    expected: dict[str, tuple[str, tuple[int, ...]]] = {
        "users": ("iU", (n,)),
        "values": ("f", (n,)),
        "parts": ("f", (n, len(names))),
        "components": ("f", (n, len(names))),
    }
    for name in names:
        for fact in meta["details"].get(name, []):
            expected[f"details/{name}/{fact}"] = (DETAIL_KINDS, (n,))
    for key, (kinds, want) in expected.items():
        if key not in layouts:
            raise Refused(f"missing array {key!r}")
        error = _layout_error(key, *layouts[key], kinds, want)
        if error:
            raise Refused(error + (" (one row per user)" if "shape" in error else ""))
    unknown = sorted(set(layouts) - set(expected))
    if unknown:
        raise Refused(f"unexpected array(s) {unknown}")


def read_member(archive: zipfile.ZipFile, member: Member) -> NDArray[Any]:
    """The data of *member*, whose header has been checked."""
    try:
        with archive.open(member.info) as handle:
            handle.seek(member.offset)
            count = math.prod(member.shape)
            array = np.empty(count, dtype=member.dtype)
            _fill(handle, array, member.key)
    except MemoryError:
        raise Refused(
            f"array {member.key!r} ({member.dtype} {member.shape}) does not fit in memory"
        ) from None
    except _READ_ERRORS as exc:
        raise Refused(f"array {member.key!r} cannot be read ({exc})") from None
    if member.fortran_order:
        transposed: NDArray[Any] = array.reshape(member.shape[::-1]).transpose()
        return transposed
    return array.reshape(member.shape)


def _chunks(
    handle: IO[bytes], dtype: np.dtype[Any], count: int, key: str
) -> Iterable[NDArray[Any]]:
    step = max(1, _CHUNK_BYTES // max(dtype.itemsize, 1))
    for start in range(0, count, step):
        size = min(step, count - start) * dtype.itemsize
        data = handle.read(size)
        if len(data) != size:
            raise Refused(f"array {key!r} is truncated: its data ends early")
        yield np.frombuffer(data, dtype=dtype)


def _fill(handle: IO[bytes], array: NDArray[Any], key: str) -> None:
    if array.dtype.itemsize == 0:
        return
    position = 0
    for chunk in _chunks(handle, array.dtype, array.size, key):
        array[position : position + chunk.size] = chunk
        position += chunk.size


def read_users(archive: zipfile.ZipFile, member: Member) -> NDArray[Any]:
    """The ``users`` array, read a chunk at a time and refused at the first chunk that is
    not sorted and unique, so that a declared huge shape is not allocated before it is
    checked; string ids are kept as wide as the longest id, not as the declared width,
    and as objects when that width would take far more than their total length."""
    (count,) = member.shape
    pieces: list[NDArray[Any]] = []
    last: Any = None
    try:
        with archive.open(member.info) as handle:
            handle.seek(member.offset)
            chunks = _chunks(handle, member.dtype, count, "users") if member.dtype.itemsize else ()
            for chunk in chunks:
                increasing = bool(np.all(chunk[1:] > chunk[:-1]))
                if not increasing or (last is not None and not chunk[0] > last):
                    raise Refused("array 'users': ids must be sorted and unique")
                last = chunk[-1]
                if chunk.dtype.kind == "U":
                    width = max(1, int(np.char.str_len(chunk).max()))
                    chunk = chunk.astype(f"U{width}")
                pieces.append(chunk)
    except MemoryError:
        raise Refused(f"array 'users' ({count} ids) does not fit in memory") from None
    except _READ_ERRORS as exc:
        raise Refused(f"array 'users' cannot be read ({exc})") from None
    if not pieces:
        return np.zeros(count, dtype=member.dtype)
    if pieces[0].dtype.kind == "U":
        # Widened to the longest only while that stays compact (as text_array holds ids):
        # one very long id among many short ones is held as objects, not in every slot.
        total = sum(int(np.char.str_len(piece).sum()) for piece in pieces)
        widest = max(piece.dtype.itemsize // 4 for piece in pieces)
        if count * widest > FIXED_FACTOR * total + FIXED_SLACK:
            out = np.empty(count, dtype=object)
            out[:] = [text for piece in pieces for text in piece.tolist()]
            return out
    return np.concatenate(pieces) if len(pieces) > 1 else pieces[0].copy()


# --------------------------------------------------------------------------- parquet
def expected_columns(meta: Mapping[str, Any]) -> list[str]:
    """The Parquet columns the metadata declares, in the order they are written."""
    names = meta["names"]
    expected = ["user", "score"]
    expected += [f"parts/{n}" for n in names] + [f"components/{n}" for n in names]
    expected += [f"details/{p}/{k}" for p in names for k in meta["details"].get(p, [])]
    return expected


def check_parquet_schema(
    pa: Any, schema: Any, meta: Mapping[str, Any], types: Callable[[str], str]
) -> None:
    """Refuse a Parquet schema whose columns or types differ from what *meta* declares;
    *types(column)* names the kinds a column may have: ``"f"`` float64, ``"iU"`` integers
    or strings, ``"biufU"`` booleans, numbers or strings."""
    present = list(schema.names)
    if len(set(present)) != len(present):
        repeated = sorted({c for c in present if present.count(c) > 1})
        raise Refused(f"column(s) {repeated} appear more than once")
    expected = expected_columns(meta)
    missing = [c for c in expected if c not in present]
    if missing:
        raise Refused(f"missing column(s) {missing}")
    extra = [c for c in present if c not in expected]
    if extra:
        raise Refused(f"unexpected column(s) {extra}")
    for name in expected:
        kind = schema.field(name).type
        kinds = types(name)
        ok = (
            ("f" in kinds and pa.types.is_float64(kind))
            or ("i" in kinds and pa.types.is_integer(kind))
            or ("u" in kinds and pa.types.is_integer(kind))
            or ("f" in kinds and kinds != "f" and pa.types.is_floating(kind))
            or ("b" in kinds and pa.types.is_boolean(kind))
            or ("U" in kinds and (pa.types.is_string(kind) or pa.types.is_large_string(kind)))
        )
        if not ok:
            wanted = {"f": "float64", "iU": "integers or strings"}.get(
                kinds, "booleans, numbers or strings"
            )
            raise Refused(f"column {name!r} has type {kind}; expected {wanted}")


def parquet_file(pq: Any, pa: Any, file: Path) -> Any:
    """The ``ParquetFile`` of *file* (footer only; no column is read)."""
    try:
        return pq.ParquetFile(file)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise Refused(f"not a readable Parquet file ({exc})") from None
