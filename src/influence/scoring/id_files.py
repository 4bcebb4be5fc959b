"""Id arrays in ``.npz`` files, written in a size that follows their total length.

The ``.npz`` format holds no object array, so text ids are written either as one
fixed-width ``str`` array (``users``), when :func:`influence.events.ids.text_array` holds
them so (their count times the longest stays within a few times their total length), or
else as their UTF-8 bytes and each id's end (``users.utf8``, ``users.ends``), so that one
very long id among many short ones does not widen every slot: fixed width, one
20,000-character id among a million short ones would take 80 GB. Integer ids are written
as they are.

Reading accepts both layouts, checks every header before any data (as
:mod:`influence.scoring.safe_load` does) and holds the ids as
:func:`~influence.events.ids.text_array` would, sorted and unique or refused.
"""

from __future__ import annotations

import itertools
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.events.ids import held, text_array
from influence.scoring.safe_load import Member, Refused, read_member, read_users

__all__ = ["IdMembers", "id_arrays", "id_members", "read_ids"]

#: Suffixes of the two arrays of the UTF-8 layout.
UTF8, ENDS = ".utf8", ".ends"


def id_arrays(key: str, ids: NDArray[Any]) -> dict[str, NDArray[Any]]:
    """The arrays that store *ids* (sorted, distinct) under *key*, by name.

    Examples
    --------
    >>> import numpy as np
    >>> from influence.events.ids import text_array
    >>> sorted(id_arrays("users", np.array(["ann", "bob"])))
    ['users']
    >>> uneven = text_array([f"u{i}" for i in range(1000)] + ["x" * 100_000])
    >>> found = id_arrays("users", uneven)
    >>> sorted(found), found["users.utf8"].nbytes
    (['users.ends', 'users.utf8'], 103890)
    """
    ids = np.asarray(ids)
    if ids.dtype.kind != "O":
        if ids.dtype.kind == "U" and ids.dtype.itemsize == 0:
            ids = ids.astype("<U1")
        return {key: ids}
    # One encode per distinct id (not per event); surrogates pass, as str arrays hold them.
    encoded = [str(v).encode("utf-8", "surrogatepass") for v in ids.tolist()]
    ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return {key + UTF8: data, key + ENDS: np.asarray(ends, dtype=np.int64)}


@dataclass(frozen=True)
class IdMembers:
    """The members that hold one id array, their headers checked."""

    key: str
    count: int
    plain: Member | None = None
    utf8: Member | None = None
    ends: Member | None = None


def id_members(members: dict[str, Member], key: str) -> IdMembers:
    """Take the members of the ids stored under *key* out of *members*, headers checked
    (no data read): one int64 or ``str`` array, or UTF-8 bytes and int64 ends."""
    plain, utf8, ends = (
        members.pop(key, None),
        members.pop(key + UTF8, None),
        members.pop(key + ENDS, None),
    )
    if plain is not None:
        if utf8 is not None or ends is not None:
            raise Refused(f"array {key!r} is stored in two layouts")
        if plain.dtype.kind not in "iU" or len(plain.shape) != 1:
            raise Refused(f"array {key!r} has dtype {plain.dtype} and shape {plain.shape}")
        return IdMembers(key, plain.shape[0], plain=plain)
    if utf8 is None or ends is None:
        raise Refused(f"missing array {key!r}")
    if utf8.dtype != np.uint8 or len(utf8.shape) != 1:
        raise Refused(f"array {key + UTF8!r} has dtype {utf8.dtype} and shape {utf8.shape}")
    if ends.dtype.kind != "i" or ends.dtype.itemsize != 8 or len(ends.shape) != 1:
        raise Refused(f"array {key + ENDS!r} has dtype {ends.dtype} and shape {ends.shape}")
    return IdMembers(key, ends.shape[0], utf8=utf8, ends=ends)


def read_ids(archive: zipfile.ZipFile, found: IdMembers) -> NDArray[Any]:
    """The ids *found* describes, held as :func:`~influence.events.ids.text_array` holds
    them; :class:`~influence.scoring.safe_load.Refused` unless sorted, unique and, in the
    UTF-8 layout, well formed."""
    if found.plain is not None:
        return held(read_users(archive, found.plain))
    assert found.utf8 is not None
    assert found.ends is not None
    key = found.key
    ends = read_member(archive, found.ends)
    if ends.size and (ends[0] < 0 or np.any(np.diff(ends) < 0) or ends[-1] != found.utf8.shape[0]):
        raise Refused(f"array {key + ENDS!r} does not end each id within {key + UTF8!r}")
    if not ends.size and found.utf8.shape[0]:
        raise Refused(f"array {key + UTF8!r} holds bytes of no id")
    raw = read_member(archive, found.utf8).tobytes()
    starts = [0, *ends[:-1].tolist()]
    try:
        texts = [raw[a:b].decode("utf-8", "surrogatepass") for a, b in zip(starts, ends.tolist())]
    except UnicodeDecodeError as exc:
        raise Refused(f"array {key + UTF8!r} is not UTF-8 ({exc.reason})") from None
    if any(a >= b for a, b in itertools.pairwise(texts)):
        raise Refused(f"array {key!r}: ids must be sorted and unique")
    return text_array(texts)
