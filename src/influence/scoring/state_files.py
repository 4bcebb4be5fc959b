"""Saving and reading a scoring state's events and ids as an ``.npz`` file, without pickle.

:meth:`ScoringState.save <influence.scoring.incremental.ScoringState.save>` writes, and
:meth:`~influence.scoring.incremental.ScoringState.load` reads, one zip of ``.npy`` arrays
(``allow_pickle=False``, as :mod:`influence.scoring.persist` writes scores):

- ``meta``: a 0-d text array holding JSON: ``format`` (``"influence.state"``),
  ``version``, ``library``, ``as_of``, ``scorer`` (:meth:`Scorer.to_config
  <influence.Scorer.to_config>`), ``scorer_type`` (the scorer's class by qualified name),
  and the events' lookup tables ``texts``, ``platforms`` and ``topic_sets``;
- ``users``, ``posts``: the sorted distinct user and post ids (int64 or text; text of very
  uneven lengths as ``users.utf8`` and ``users.ends``, :mod:`influence.scoring.id_files`);
- ``time``, ``actor``, ``target``, ``action``, ``post``, ``parent``, ``text``,
  ``platform``, ``topics``: the kept events' columns, one row per event, codes into the
  lookup tables (``-1``: none), and ``trust`` when the events carry trust weights;
- ``seen``: the sorted ids of every user seen so far.

Reading checks every header before any data (:mod:`influence.scoring.safe_load`), then
builds the events again through :meth:`Events.from_arrays <influence.Events.from_arrays>`,
so that they are validated as when they were first read, and refuses a file whose events
do not come back as they were written.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._version import VERSION as LIBRARY
from influence.events.coded import Coded, plain_ids
from influence.events.table import Events
from influence.scoring.id_files import id_arrays, id_members, read_ids
from influence.scoring.safe_load import (
    MAX_META_BYTES,
    Refused,
    load_json,
    npz_members,
    read_member,
)

__all__ = ["FORMAT", "VERSION", "Saved", "read_state", "write_state"]

FORMAT = "influence.state"
VERSION = 1
#: The event columns written, with the dtype kinds each may have.
_COLUMNS = {
    "time": "f",
    "actor": "i",
    "target": "i",
    "action": "i",
    "post": "i",
    "parent": "i",
    "text": "i",
    "platform": "i",
    "topics": "i",
}
_META_KEYS = {
    "format",
    "version",
    "library",
    "as_of",
    "scorer",
    "scorer_type",
    "texts",
    "platforms",
    "topic_sets",
}


@dataclass(frozen=True)
class Saved:
    """What a state file holds: the scorer's configuration and class name, the scoring
    time, the kept events and the seen users' ids."""

    scorer: dict[str, Any]
    scorer_type: str
    as_of: float
    events: Events
    seen: NDArray[Any]


def write_state(
    path: str | Path,
    *,
    scorer: Mapping[str, Any],
    scorer_type: str,
    as_of: float,
    events: Events,
    seen: NDArray[Any],
) -> None:
    """Write a state's parts to *path* (an ``.npz`` file), replacing it only when done."""
    file = Path(path)
    if file.suffix.lower() != ".npz":
        raise ValueError(f"{file}: a scoring state is saved as .npz; got {file.suffix!r}")
    if not file.parent.is_dir():
        raise FileNotFoundError(f"no such directory: {file.parent}")
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "library": LIBRARY,
        "as_of": as_of,
        "scorer": dict(scorer),
        "scorer_type": scorer_type,
        "texts": list(events.texts),
        "platforms": list(events.platforms),
        "topic_sets": [list(t) for t in events.topic_sets],
    }
    try:
        text = json.dumps(meta, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"cannot save: the scorer's configuration is not JSON data ({exc})"
        ) from None
    arrays: dict[str, NDArray[Any]] = {"meta": np.array(text)}
    # Text ids of very uneven lengths as UTF-8 bytes and ends, not fixed-width (id_files).
    arrays.update(id_arrays("users", np.asarray(events.users.ids)))
    arrays.update(id_arrays("posts", np.asarray(events.posts.ids)))
    arrays.update(id_arrays("seen", np.asarray(seen)))
    arrays.update({name: np.asarray(getattr(events, name)) for name in _COLUMNS})
    if events.trust is not None:
        arrays["trust"] = np.asarray(events.trust)
    temp = file.with_name(f".{file.name}.tmp")
    try:
        # Deflate at level 1: a tenth more bytes than the default level, four times faster
        with zipfile.ZipFile(
            temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            for key, array in arrays.items():
                with archive.open(f"{key}.npy", "w", force_zip64=True) as handle:
                    np.lib.format.write_array(handle, array, allow_pickle=False)
        temp.replace(file)
    finally:
        temp.unlink(missing_ok=True)


def read_state(path: str | Path) -> Saved:
    """Read and check a file written by :func:`write_state`.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        Naming the file and what is wrong with it.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no such file: {file}")
    try:
        return _read(file)
    except Refused as exc:
        raise ValueError(f"{file}: not a saved scoring state: {exc}") from None
    except (RecursionError, MemoryError) as exc:
        raise ValueError(f"{file}: not a saved scoring state: {type(exc).__name__}") from None


def _read(file: Path) -> Saved:
    if not zipfile.is_zipfile(file):
        raise Refused("not an .npz archive")
    with zipfile.ZipFile(file) as archive:
        members = npz_members(archive)
        head = members.pop("meta", None)
        if head is None or head.shape != () or head.dtype.kind != "U":
            raise Refused("missing the 0-d text array 'meta'")
        if head.nbytes > MAX_META_BYTES:
            raise Refused(f"array 'meta' declares {head.nbytes} bytes of metadata")
        meta = _meta(load_json(str(read_member(archive, head)[()]), "the metadata"))
        layouts = {key: id_members(members, key) for key in ("users", "posts", "seen")}
        expected = {**_COLUMNS, "trust": "f"}
        unknown = sorted(set(members) - set(expected))
        missing = sorted(set(expected) - set(members) - {"trust"})
        if unknown or missing:
            raise Refused(f"unexpected arrays {unknown}, missing arrays {missing}")
        n = members["time"].shape
        for key, member in members.items():
            kinds = expected[key]
            if member.dtype.kind not in kinds or (kinds == "f" and member.dtype.itemsize != 8):
                raise Refused(f"array {key!r} has dtype {member.dtype}")
            if len(member.shape) != 1 or (
                (key in _COLUMNS or key == "trust") and member.shape != n
            ):
                raise Refused(f"array {key!r} has shape {member.shape}; expected {n}")
        ids = {key: read_ids(archive, found) for key, found in layouts.items()}
        columns = {key: read_member(archive, m) for key, m in members.items()}
    events = _events(meta, ids, columns)
    return Saved(meta["scorer"], meta["scorer_type"], float(meta["as_of"]), events, ids["seen"])


def _meta(meta: Any) -> dict[str, Any]:
    if not isinstance(meta, dict) or set(meta) != _META_KEYS:
        keys = sorted(meta) if isinstance(meta, dict) else type(meta).__name__
        raise Refused(f"metadata keys {keys}; expected {sorted(_META_KEYS)}")
    if meta["format"] != FORMAT or meta["version"] != VERSION:
        raise Refused(
            f"format {meta['format']!r} version {meta['version']!r}; "
            f"expected {FORMAT!r} version {VERSION}"
        )
    as_of = meta["as_of"]
    if isinstance(as_of, bool) or not isinstance(as_of, (int, float)) or not math.isfinite(as_of):
        raise Refused(f"as_of {as_of!r} is not a finite number")
    if not isinstance(meta["scorer"], dict) or not isinstance(meta["scorer_type"], str):
        raise Refused("the scorer's configuration or class name is malformed")
    for key in ("texts", "platforms"):
        if not isinstance(meta[key], list) or not all(isinstance(v, str) for v in meta[key]):
            raise Refused(f"{key!r} must be a list of strings")
    sets = meta["topic_sets"]
    if not isinstance(sets, list) or not all(
        isinstance(s, list) and all(isinstance(t, str) for t in s) for s in sets
    ):
        raise Refused("'topic_sets' must be a list of lists of strings")
    return meta


def _coded(values: Any, codes: NDArray[Any], key: str, null: bool = True) -> Coded:
    """A column as :class:`Coded`, its codes checked against its lookup table."""
    _check_codes(len(values), codes, key, null)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iUO":
        objects = values.astype(object)  # Python ints and strs, converted in C
    else:
        objects = np.empty(len(values), dtype=object)
        objects[:] = [v.item() if isinstance(v, np.generic) else v for v in values]
    return Coded(objects, codes.astype(np.int32))


def _check_codes(size: int, codes: NDArray[Any], key: str, null: bool) -> None:
    if codes.size and (int(codes.min()) < (-1 if null else 0) or int(codes.max()) >= size):
        raise Refused(f"array {key!r} holds codes outside its lookup table of {size}")


def _id_pair(ids: NDArray[Any], columns: Mapping[str, NDArray[Any]], keys: tuple[str, str]) -> Any:
    """Two id columns of one id table (actor and target, post and parent) as the readers
    hand them to validation, the cheapest way that validates them as when first read.

    Text ids that need no judging (:func:`~influence.events.coded.plain_ids`) go as one
    shared :class:`Coded` vocabulary marked plain; integer ids exact in float64 as the
    ids themselves (float64 with NaN where a row has none, as the Arrow readers give
    them); others as :class:`Coded` objects, each distinct id judged once.
    """
    first, second = (columns[k] for k in keys)
    for key in keys:
        _check_codes(len(ids), columns[key], key, key != "actor")
    if plain_ids(ids):
        return tuple(Coded(ids, columns[k].astype(np.int32), True) for k in keys)
    exact = ids.dtype.kind == "i" and (
        not ids.size or (int(ids.min()) >= -(2**53) and int(ids.max()) <= 2**53)
    )
    if exact:

        def column(codes: NDArray[Any]) -> NDArray[Any]:
            if not codes.size or int(codes.min()) >= 0:
                return np.asarray(ids[codes])
            out = np.full(codes.shape, np.nan)
            has = codes >= 0
            out[has] = ids[codes[has]]
            return out

        return column(first), column(second)
    return tuple(_coded(ids, columns[k], k, null=k != "actor") for k in keys)


def _events(
    meta: Mapping[str, Any], ids: Mapping[str, NDArray[Any]], columns: Mapping[str, NDArray[Any]]
) -> Events:
    """The events again, through :meth:`Events.from_arrays` (validated as when first read)."""
    users, posts = ids["users"], ids["posts"]
    n = columns["time"].shape[0]
    if n and not len(meta["platforms"]):
        raise Refused("events without a platform table")
    topic_sets = [tuple(s) for s in meta["topic_sets"]]
    actor, target = _id_pair(users, columns, ("actor", "target"))
    post, parent = _id_pair(posts, columns, ("post", "parent"))
    try:
        events = Events.from_arrays(
            columns["time"],
            actor,
            columns["action"],
            target,
            post=post,
            parent=parent,
            text=_coded(meta["texts"], columns["text"], "text"),
            platform=_coded(meta["platforms"], columns["platform"], "platform", null=False),
            topics=_coded(topic_sets, columns["topics"], "topics"),
        )
    except ValueError as exc:
        raise Refused(f"its events are not valid ({exc})") from None
    same = len(events) == n and all(
        np.array_equal(getattr(events, key), columns[key]) for key in _COLUMNS
    )
    same = same and np.array_equal(events.users.ids, users)
    if not same:
        raise Refused("its events do not come back as they were written")
    trust = columns.get("trust")
    if trust is not None:
        if trust.size and not (np.all(np.isfinite(trust)) and 0 <= trust.min() <= trust.max() <= 1):
            raise Refused("array 'trust' holds weights outside [0, 1]")
        events = events.with_trust(trust)
    return events
