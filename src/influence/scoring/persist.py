"""Saving and loading :class:`~influence.Scores`, and exporting them as CSV or JSON.

Two file formats hold the same content, chosen by the file's extension:

``.npz``
    A zip of ``.npy`` arrays, written and read with ``allow_pickle=False``:
    ``meta`` (a 0-d unicode array holding the JSON metadata), ``users``
    (int64, or fixed-width unicode for string ids; string ids of very uneven
    lengths as ``users.utf8`` and ``users.ends`` instead, their UTF-8 bytes and each
    id's end: :mod:`influence.scoring.id_files`), ``values`` (float64,
    ``(n,)``), ``parts`` and ``components`` (float64, ``(n, k)``: each part's
    points and each component's own output) and ``details/<part>/<key>`` (one
    array ``(n,)`` per fact a component gave as evidence).
``.parquet`` (needs ``pyarrow``)
    One row per user: columns ``user``, ``score``, ``parts/<part>``,
    ``components/<part>`` and ``details/<part>/<key>``; the metadata JSON in
    the schema's key-value metadata under ``influence.scores``.

The metadata: ``format`` (``"influence.scores"``), ``version`` (1),
``as_of``, the scorer's ``config``, the part ``names`` and ``roles``,
``details`` (the fact names per part) and the ``library`` version that wrote
the file. Nothing is ever pickled. Loading rebuilds each component from the
configuration through the registry, so that explanations give the same
reasons; a component whose type is not registered in the loading process
(a custom component not imported, or never registered) keeps its points,
values and facts but explains itself with the generic sentence
(``"<part>: value 1.23 (+4.5 points)"``).
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import math
import os
import secrets
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from influence.components import registry as _registry
from influence.components.base import Evidence, role_of
from influence.events.ids import IdIndex, held, text_array
from influence.scoring.id_files import id_arrays, id_members, read_ids
from influence.scoring.safe_load import (
    DETAIL_KINDS,
    MAX_META_BYTES,
    Refused,
    check_layout,
    check_parquet_schema,
    expected_columns,
    load_json,
    npz_members,
    parquet_file,
    read_member,
)

if TYPE_CHECKING:
    from influence.scoring.scores import Scores

PathLike = str | os.PathLike[str]

FORMAT = "influence.scores"
VERSION = 1
_META_KEYS = {"format", "version", "as_of", "config", "names", "roles", "details", "library"}
_DETAIL_KINDS = DETAIL_KINDS
#: Leading characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- helpers
def _suffix(path: PathLike) -> str:
    return Path(path).suffix.lower()


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary path next to *path*, moved over it when the block succeeds."""
    if not path.parent.is_dir():
        raise FileNotFoundError(f"no such directory: {path.parent}")
    # not tempfile.mkstemp: its files are private (0600); this one gets the usual permissions
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        yield temp
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _library_version() -> str:
    from influence._version import VERSION as library

    return library


def _detail_array(part: str, key: str, value: Any, n: int) -> NDArray[Any]:
    """An evidence array as written: never an object array."""
    array = np.asarray(value)
    if array.dtype.kind == "O":
        items = array.tolist() if array.ndim == 1 else None
        if items is None or not all(isinstance(x, str) for x in items):
            raise ValueError(
                f"cannot save the evidence {key!r} of part {part!r}: an object array that is "
                "not all strings (only booleans, numbers and strings are stored)"
            )
        array = _strings(items)
    if array.dtype.kind not in _DETAIL_KINDS:
        raise ValueError(
            f"cannot save the evidence {key!r} of part {part!r}: dtype {array.dtype} "
            "(only booleans, numbers and strings are stored)"
        )
    if array.shape != (n,):
        raise ValueError(
            f"cannot save the evidence {key!r} of part {part!r}: shape {array.shape}, "
            f"expected ({n},)"
        )
    return array


def _content(scores: Scores) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The metadata and the arrays of *scores*, in the ``.npz`` layout."""
    n = len(scores)
    names = scores.part_names
    evidence = scores.evidence
    # Text ids held as objects (very uneven lengths) stay objects here: the .npz writer
    # stores them as UTF-8 bytes and ends (id_files), Parquet as Arrow strings.
    users = np.asarray(scores.users.ids)
    users = users if users.dtype.kind in "UO" else users.astype(np.int64)
    arrays: dict[str, NDArray[Any]] = {
        "users": users,
        "values": np.asarray(scores.values, dtype=np.float64),
        "parts": _stack([scores.parts[name] for name in names], n, "parts"),
        "components": _stack(
            [np.asarray(ev.values, dtype=np.float64) for ev in evidence.values()], n, "components"
        ),
    }
    details: dict[str, list[str]] = {}
    for name, ev in evidence.items():
        details[name] = []
        for key, value in ev.details.items():
            column = f"details/{name}/{key}"
            if column in arrays:
                raise ValueError(
                    f"cannot save: the evidence names {column!r} twice (a part or fact name "
                    "holds '/'); rename the part"
                )
            arrays[column] = _detail_array(name, key, value, n)
            details[name].append(str(key))
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "as_of": scores.as_of,
        "config": scores.config,
        "names": list(names),
        "roles": [scores.roles[name] for name in names],
        "details": details,
        "library": _library_version(),
    }
    return meta, arrays


def _meta_json(meta: Mapping[str, Any]) -> str:
    try:
        return json.dumps(meta, allow_nan=False, sort_keys=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"cannot save: the scorer's configuration is not JSON data ({exc})"
        ) from None


# --------------------------------------------------------------------------- saving
def _write_npz(path: Path, meta: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> None:
    entries = {"meta": np.array(_meta_json(meta)), **id_arrays("users", arrays["users"])}
    entries.update((key, array) for key, array in arrays.items() if key != "users")
    with (
        _replacing(path) as temp,
        zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for key, array in entries.items():
            if array.dtype.kind == "O":  # never reached: guarded by _content
                raise TypeError(f"refusing to write the object array {key!r}")
            with archive.open(f"{key}.npy", "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, array, allow_pickle=False)


def _pyarrow(purpose: str) -> tuple[Any, Any]:
    try:
        pyarrow = importlib.import_module("pyarrow")
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ImportError(f"{purpose} needs pyarrow: pip install pyarrow (or use .npz)") from None
    return pyarrow, parquet


def _write_parquet(path: Path, meta: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> None:
    pa, pq = _pyarrow("saving scores as Parquet")
    names = list(meta["names"])
    columns: dict[str, Any] = {"user": arrays["users"], "score": arrays["values"]}
    for j, name in enumerate(names):
        columns[f"parts/{name}"] = arrays["parts"][:, j]
    for j, name in enumerate(names):
        columns[f"components/{name}"] = arrays["components"][:, j]
    for key, array in arrays.items():
        if key.startswith("details/"):
            columns[key] = array
    table = pa.table({k: pa.array(v) for k, v in columns.items()})
    table = table.replace_schema_metadata({FORMAT: _meta_json(meta)})
    with _replacing(path) as temp:
        pq.write_table(table, temp)


def save_scores(scores: Scores, path: PathLike) -> None:
    """Write *scores* to ``path`` (``.npz``, or ``.parquet`` with pyarrow); called by
    :meth:`Scores.save <influence.Scores.save>`."""
    file = Path(path)
    suffix = _suffix(file)
    if suffix not in (".npz", ".parquet"):
        raise ValueError(
            f"{file}: unknown format {suffix!r} for saved scores; use .npz or .parquet"
        )
    meta, arrays = _content(scores)
    if suffix == ".npz":
        _write_npz(file, meta, arrays)
    else:
        _write_parquet(file, meta, arrays)


# --------------------------------------------------------------------------- loading
_Refuse = Refused


def _read_npz(file: Path) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """Every header checked against the schema before any array's data is read."""
    if not zipfile.is_zipfile(file):
        raise _Refuse("not an .npz archive")
    try:
        archive = zipfile.ZipFile(file)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise _Refuse(f"not a readable .npz archive ({exc})") from None
    with archive:
        members = npz_members(archive)
        if "meta" not in members:
            raise _Refuse("missing array 'meta' (the metadata)")
        head = members.pop("meta")
        if head.shape != () or head.dtype.kind != "U":
            raise _Refuse(
                f"array 'meta' must be a 0-d unicode array; got {head.dtype} {head.shape}"
            )
        if head.nbytes > MAX_META_BYTES:
            raise _Refuse(f"array 'meta' declares {head.nbytes} bytes of metadata")
        meta = _parse_meta(str(read_member(archive, head)[()]))
        users = id_members(members, "users")
        layouts = {key: (m.dtype, m.shape) for key, m in members.items()}
        plain = users.plain.dtype if users.plain is not None else np.dtype("<U1")
        check_layout(meta, {"users": (plain, (users.count,)), **layouts})
        arrays = {"users": read_ids(archive, users)}
        arrays.update({key: read_member(archive, m) for key, m in members.items()})
    return meta, arrays


def _column_kinds(column: str) -> str:
    if column == "user":
        return "iU"
    return _DETAIL_KINDS if column.startswith("details/") else "f"


def _read_parquet(file: Path) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The footer's schema and metadata checked before any column is read."""
    pa, pq = _pyarrow("loading scores from Parquet")
    source = parquet_file(pq, pa, file)
    with contextlib.closing(source):
        schema = source.schema_arrow
        raw = (schema.metadata or {}).get(FORMAT.encode())
        if raw is None:
            raise _Refuse(f"no {FORMAT!r} metadata in the Parquet schema")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refuse("the metadata is not UTF-8") from None
        meta = _parse_meta(text)
        names = meta["names"]
        check_parquet_schema(pa, schema, meta, _column_kinds)
        n = source.metadata.num_rows
        groups = sum(source.metadata.row_group(i).num_rows for i in range(source.num_row_groups))
        if groups != n:
            raise _Refuse(f"the footer declares {n} rows but its row groups hold {groups}")
        columns: dict[str, NDArray[Any]] = {}
        for name in expected_columns(meta):
            try:
                column = source.read(columns=[name]).column(name)
            except (pa.ArrowException, OSError, ValueError) as exc:
                raise _Refuse(f"column {name!r} cannot be read ({exc})") from None
            if len(column) != n:
                raise _Refuse(f"column {name!r} has {len(column)} rows; the footer declares {n}")
            if column.null_count:
                raise _Refuse(f"column {name!r} has {column.null_count} missing value(s)")
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                items = column.to_pylist()
                # Ids as text_array holds them; evidence strings fixed-width.
                columns[name] = text_array(items) if name == "user" else _strings(items)
            else:
                columns[name] = np.asarray(column.to_numpy())
    arrays: dict[str, NDArray[Any]] = {
        "users": columns["user"],
        "values": columns["score"],
        "parts": _stack([columns[f"parts/{name}"] for name in names], n, "parts"),
        "components": _stack([columns[f"components/{name}"] for name in names], n, "components"),
    }
    arrays.update({k: v for k, v in columns.items() if k.startswith("details/")})
    return meta, arrays


def _stack(columns: list[NDArray[Any]], n: int, what: str) -> NDArray[Any]:
    for column in columns:
        if column.dtype.kind != "f":
            raise _Refuse(f"the {what} columns must be float64; got {column.dtype}")
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def _parse_meta(text: str) -> dict[str, Any]:
    meta = load_json(text, "the metadata")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _Refuse(f"not an influence scores file (no format {FORMAT!r} in the metadata)")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _Refuse(f"the format version must be an integer; got {version!r}")
    if version != VERSION:
        raise _Refuse(
            f"format version {version} is not supported; this release reads version {VERSION}"
        )
    missing = sorted(_META_KEYS - set(meta))
    if missing:
        raise _Refuse(f"metadata lacks {missing}")
    unknown = sorted(set(meta) - _META_KEYS)
    if unknown:
        raise _Refuse(f"metadata has unknown key(s) {unknown}")
    names, roles, details = meta["names"], meta["roles"], meta["details"]
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
        raise _Refuse(f"metadata 'names' must be a list of strings; got {names!r}")
    if len(set(names)) != len(names):
        raise _Refuse(f"metadata 'names' repeats a name: {names}")
    if (
        not isinstance(roles, list)
        or len(roles) != len(names)
        or not all(r in ("signal", "discount", "modifier") for r in roles)
    ):
        raise _Refuse(
            f"metadata 'roles' must give 'signal', 'discount' or 'modifier' for each of the "
            f"{len(names)} parts; got {roles!r}"
        )
    if (
        not isinstance(details, dict)
        or set(details) - set(names)
        or not all(
            isinstance(v, list) and all(isinstance(k, str) for k in v) for v in details.values()
        )
    ):
        raise _Refuse("metadata 'details' must map part names to lists of fact names")
    as_of = meta["as_of"]
    if as_of is not None and (
        isinstance(as_of, bool) or not isinstance(as_of, (int, float)) or not math.isfinite(as_of)
    ):
        raise _Refuse(f"metadata 'as_of' must be epoch seconds or null; got {as_of!r}")
    if not isinstance(meta["config"], dict):
        raise _Refuse("metadata 'config' must be an object (the scorer's configuration)")
    return meta


def _array(
    arrays: Mapping[str, NDArray[Any]], key: str, kinds: str, shape: tuple[int, ...]
) -> NDArray[Any]:
    if key not in arrays:
        raise _Refuse(f"missing array {key!r}")
    array = arrays[key]
    if array.dtype.kind not in kinds or (kinds == "f" and array.dtype.itemsize != 8):
        raise _Refuse(f"array {key!r} has dtype {array.dtype}")
    if array.shape != shape:
        raise _Refuse(f"array {key!r} has shape {array.shape}; expected {shape}")
    return array


def _components(meta: Mapping[str, Any]) -> tuple[object, ...]:
    """The components named by the configuration, rebuilt; ``None`` for unknown types."""
    config = meta["config"]
    groups = [config.get(key, []) for key in ("signals", "discounts", "modifiers")]
    if not all(isinstance(group, list) for group in groups):
        raise _Refuse(
            "the scorer configuration's 'signals', 'discounts' and 'modifiers' must be lists"
        )
    entries = [entry for group in groups for entry in group]
    if not all(isinstance(e, Mapping) and isinstance(e.get("type"), str) for e in entries):
        raise _Refuse("the scorer configuration lists components without a 'type'")
    named = [str(e.get("name") or e["type"]) for e in entries]
    if named != list(meta["names"]):
        raise _Refuse(
            f"the scorer configuration's parts {named} differ from the stored parts "
            f"{list(meta['names'])}"
        )
    built: list[object] = []
    for entry, name, role in zip(entries, named, meta["roles"]):
        try:
            _registry.lookup(entry["type"])
        except ValueError:
            built.append(None)  # not registered here: generic reasons
            continue
        try:
            component = _registry.build(entry["type"], entry.get("params") or {})
        except (TypeError, ValueError) as exc:
            raise _Refuse(
                f"part {name!r} cannot be rebuilt from its configuration ({exc})"
            ) from None
        if role_of(component) != role:
            raise _Refuse(f"part {name!r} is stored as a {role} but its type is not")
        built.append(component)
    return tuple(built)


def _scores(meta: dict[str, Any], arrays: dict[str, NDArray[Any]]) -> dict[str, Any]:
    names: list[str] = meta["names"]
    k = len(names)
    if "users" not in arrays:
        raise _Refuse("missing array 'users'")
    users = arrays["users"]
    if users.ndim != 1:
        raise _Refuse(f"array 'users' has shape {users.shape}; expected one dimension")
    n = users.shape[0]
    users = _array(arrays, "users", "iUO", (n,))  # objects: text from Parquet (text_array)
    if users.dtype.kind == "i":
        users = users.astype(np.int64)
    values = _array(arrays, "values", "f", (n,))
    parts = _array(arrays, "parts", "f", (n, k))
    outputs = _array(arrays, "components", "f", (n, k))
    for key, array in (("values", values), ("parts", parts), ("components", outputs)):
        if not np.all(np.isfinite(array)):
            raise _Refuse(f"array {key!r} has non-finite values")
    expected = {"users", "values", "parts", "components"}
    evidence: list[Evidence] = []
    for j, name in enumerate(names):
        facts: dict[str, NDArray[Any]] = {}
        for key in meta["details"].get(name, []):
            column = f"details/{name}/{key}"
            facts[key] = _array(arrays, column, _DETAIL_KINDS, (n,))
            expected.add(column)
        evidence.append(Evidence(np.ascontiguousarray(outputs[:, j], dtype=np.float64), facts))
    unknown = sorted(set(arrays) - expected)
    if unknown:
        raise _Refuse(f"unexpected array(s) {unknown}")
    try:
        index = IdIndex(held(users.copy()))
    except (TypeError, ValueError) as exc:
        raise _Refuse(f"array 'users': {exc}") from None
    as_of = meta["as_of"]
    return {
        "users": index,
        "values": np.array(values, dtype=np.float64),
        "parts": np.array(parts, dtype=np.float64),
        "names": tuple(names),
        "roles": tuple(meta["roles"]),
        "evidence": tuple(evidence),
        "components": _components(meta),
        "as_of": None if as_of is None else float(as_of),
        "config": meta["config"],
    }


def load_scores(path: PathLike) -> dict[str, Any]:
    """Read scores written by :func:`save_scores`: the keyword arguments of
    :class:`~influence.Scores` (``Scores.load`` builds it); ``ValueError`` for any other
    file. Plain data back, so that this module needs no more than the type of Scores."""
    file = Path(path)
    suffix = _suffix(file)
    if suffix not in (".npz", ".parquet"):
        raise ValueError(
            f"{file}: unknown format {suffix!r} for saved scores; use .npz or .parquet"
        )
    if not file.is_file():
        raise FileNotFoundError(f"no such file: {file}")
    try:
        meta, arrays = _read_npz(file) if suffix == ".npz" else _read_parquet(file)
        return _scores(meta, arrays)
    except _Refuse as exc:
        raise ValueError(f"{file}: not valid saved scores: {exc}") from None
    except RecursionError:
        raise ValueError(
            f"{file}: not valid saved scores: the configuration is nested too deeply"
        ) from None
    except MemoryError:
        raise ValueError(f"{file}: not valid saved scores: too large for memory") from None


# --------------------------------------------------------------------------- export
def neutralise(text: str) -> str:
    """*text* safe for a spreadsheet cell: a leading ``'`` when it would start a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    are run as formulas by spreadsheet programs (OWASP, "CSV injection");
    the quote makes them plain text.

    Examples
    --------
    >>> from influence.scoring.persist import neutralise
    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("ann"), neutralise("-1")
    ('\\'=HYPERLINK("http://x")', 'ann', "'-1")
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _strings(items: list[str]) -> NDArray[np.str_]:
    return np.array(items, dtype=str) if items else np.zeros(0, dtype="<U1")


def _number(value: float) -> str:
    return repr(float(value) + 0.0)  # + 0.0 turns -0.0 into 0.0


def write_csv(scores: Scores, path: PathLike) -> None:
    """One row per user (index order): ``user``, ``score``, then each part's points."""
    names = scores.part_names
    ids = scores.users.ids
    text_ids = ids.dtype.kind in "UO"
    file = Path(path)
    with _replacing(file) as temp, open(temp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["user", "score", *(neutralise(n) for n in names)])
        values = scores.values
        parts = _stack([scores.parts[name] for name in names], len(ids), "parts")
        for i, user in enumerate(ids.tolist()):
            cell = neutralise(user) if text_ids else str(user)
            writer.writerow(
                [cell, _number(values[i]), *(_number(parts[i, j]) for j in range(len(names)))]
            )


def write_json(scores: Scores, path: PathLike) -> None:
    """A JSON list of records (:meth:`Scores.to_records`), one per line."""
    lines = [json.dumps(record, allow_nan=False) for record in scores.to_records()]
    file = Path(path)
    with _replacing(file) as temp:
        temp.write_text("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n", "utf-8")
