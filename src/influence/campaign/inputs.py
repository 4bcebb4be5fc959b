"""What ``select`` is told by its caller, checked: costs per account, excluded ids, the topic.

Ids are matched by the log's own rule (:meth:`influence.IdIndex.index`): ``"12"`` and
``12`` are the same integer id, surrounding spaces are ignored, and ``"012"`` or
``"12.0"`` are not ``12``. A cost given for an id written otherwise than the log writes
it (a spreadsheet's ``1543.0``, a zero-padded ``01624``) is an error naming the file's
line, and so is a cost list none of whose ids is an account of the log; ids of a cost
list that are well formed but absent from the log are ignored (a price list may cover
more accounts than one log). An id in ``exclude`` that is no user of the log is an error
naming it (a typo would otherwise leave the account it meant eligible).
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.events.ids import IdIndex
from influence.events.table import Events
from influence.events.topics import topic_name, topic_names

__all__ = ["known_ids", "known_topic", "per_user_costs", "read_costs"]


def known_topic(events: Events, topic: Any, hashtags: bool) -> str:
    """The tag *topic* names; ``ValueError`` listing the topics there are unless some event
    is about it.

    The topic as given (spaces around it dropped, case-folded) when some event is about
    it, else as a hashtag reads (:func:`influence.events.topics.topic_name`: ``"#Music"``
    is ``"music"``), so that a tag holding ``#`` itself is still found.
    """
    if not isinstance(topic, str) or not topic.strip():
        raise ValueError(
            f"The 'topic' parameter of select must be a non-empty string. Got {topic!r}."
        )
    known = topic_names(events, hashtags=hashtags)
    for name in (topic.strip().casefold(), topic_name(topic)):
        if name in known:
            return name
    shown = ", ".join(repr(t) for t in known[:20]) + (", ..." if len(known) > 20 else "")
    hint = "" if hashtags else " (hashtags=True also reads #tags in the text)"
    raise ValueError(
        f"The 'topic' parameter of select names a topic no event is about: "
        f"{topic!r}; allowed: [{shown}]{hint}"
    )


def known_ids(users: IdIndex, ids: Iterable[Any]) -> set[Any]:
    """*ids* as a set; ``ValueError`` naming those that are no user of the log."""
    given = list(ids)
    if not given:
        return set()
    at = users.indices(np.asarray(given, dtype=object))
    unknown = [given[i] for i in np.flatnonzero(at < 0).tolist()]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        raise ValueError(
            f"The 'exclude' parameter of select names {len(unknown)} id"
            f"{'' if len(unknown) == 1 else 's'} that no user of the log has: {shown}"
        )
    return set(given)


def per_user_costs(value: Any, given: IdIndex, users: IdIndex) -> NDArray[np.float64] | None:
    """Cost per user of *users* (``nan`` where none was given), from any accepted form.

    *given* are the users of the whole log (an array of costs is one per user of it).
    """
    if value is None:
        return None
    where = "The 'cost' parameter of select"
    lines: dict[str, int] = {}
    if isinstance(value, (str, os.PathLike)):
        where = os.fspath(value)
        value, lines = _rows(value)
    if isinstance(value, Mapping) or hasattr(value, "items"):
        pairs = list(value.items())
        keys = [k for k, _ in pairs]
        amounts = np.array([one_cost(k, c) for k, c in pairs], dtype=np.float64)
        found = given.indices(np.asarray(keys, dtype=object)) if keys else np.zeros(0, np.int64)
        for key in (keys[i] for i in np.flatnonzero(found < 0).tolist()):
            if _misspelt(key, given):
                line = f", line {lines[key]}" if key in lines else ""
                raise ValueError(
                    f"{where}{line}: a cost for {key!r}, which is not an id as the log writes "
                    f"them (integers such as {given.id(0)!r}): did you mean {_as_int(key)}?"
                )
        if keys and not np.any(found >= 0):
            shown = ", ".join(repr(k) for k in keys[:3]) + (", ..." if len(keys) > 3 else "")
            raise ValueError(f"{where}: none of its {len(keys)} ids is a user of the log ({shown})")
        at = users.indices(np.asarray(keys, dtype=object)) if keys else np.zeros(0, np.int64)
        out = np.full(len(users), np.nan)
        out[at[at >= 0]] = amounts[at >= 0]
        return out
    amounts = np.asarray(value, dtype=np.float64)
    if amounts.shape != (len(given),):
        raise ValueError(
            f"The 'cost' parameter of select, as an array, must hold one cost per user of "
            f"events.users ({len(given)}). Got shape {amounts.shape}."
        )
    for i in np.flatnonzero(~(np.isfinite(amounts) & (amounts > 0))):
        one_cost(given.id(int(i)), amounts[i])
    at = given.indices(users.ids)
    return np.asarray(amounts[at], dtype=np.float64)


def _as_int(key: Any) -> int | None:
    """The integer *key* spells otherwise (``1543.0``, ``"01624"``), else ``None``."""
    try:
        number = float(str(key).strip())
    except ValueError:
        return None
    return int(number) if math.isfinite(number) and number == int(number) else None


def _misspelt(key: Any, users: IdIndex) -> bool:
    """Whether *key*, unknown to a log of integer ids, spells an integer otherwise."""
    number = _as_int(key)
    if np.asarray(users.ids).dtype.kind != "i" or number is None:
        return False
    return isinstance(key, (float, np.floating)) or str(key).strip() != str(number)


def one_cost(user: Any, value: Any) -> float:
    """*value* as a positive, finite cost; ``ValueError`` naming *user* otherwise."""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        amount = math.nan
    if not (math.isfinite(amount) and amount > 0):
        raise ValueError(
            f"The 'cost' parameter of select must give each account a positive, finite "
            f"cost. Got {value!r} for {user!r}."
        )
    return amount


def read_costs(path: str | os.PathLike[str]) -> dict[str, float]:
    """Costs from a CSV file of ``user,cost`` rows; a first row whose cost is not a
    number is a header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "costs.csv"
    >>> _ = path.write_text("user,cost\\nann,100\\nbob,250.5\\n")
    >>> read_costs(path)
    {'ann': 100.0, 'bob': 250.5}
    """
    return _rows(path)[0]


def _rows(path: str | os.PathLike[str]) -> tuple[dict[str, float], dict[str, int]]:
    """The costs of a cost file, and the line each id is on."""
    out: dict[str, float] = {}
    lines: dict[str, int] = {}
    name = os.fspath(path)
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2:
                raise ValueError(
                    f"{name}, line {line}: a cost file has two columns, user and cost; got "
                    f"{len(row)}"
                )
            user, amount = row[0].strip(), row[1].strip()
            if line == 1 and not _is_number(amount):
                continue  # the header
            if user in out:
                raise ValueError(f"{name}, line {line}: {user!r} has a cost already")
            try:
                out[user] = one_cost(user, amount)
            except ValueError:
                raise ValueError(
                    f"{name}, line {line}: the cost of {user!r} must be a positive, finite "
                    f"number; got {amount!r}"
                ) from None
            lines[user] = line
    return out, lines


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
