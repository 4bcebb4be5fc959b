"""Views of an event table's columns: its id spaces compacted, and its rows as records."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events.assemble import Table
from influence.events.ids import index_map, remap, used

__all__ = [
    "compact_table",
    "records",
    "row_mask",
    "same_tables",
    "same_trust",
    "repeated",
    "repeats",
    "slice_table",
    "trust_weights",
]


def compact_table(t: Table) -> Table | None:
    """*t* without the users, posts, texts and topic sets no event mentions, in index
    order (``None`` when every one is mentioned: nothing to drop). The platform names
    (a handful) are kept as they are."""
    users = used(len(t.users), t.actor, t.target)
    posts = used(len(t.posts), t.post, t.parent)
    texts = used(len(t.texts), t.text)
    topics = used(len(t.topic_sets), t.topics)
    if users.all() and posts.all() and texts.all() and topics.all():
        return None
    user_map = np.cumsum(users, dtype=np.int64).astype(np.int32) - 1
    kept_texts, kept_topics = np.flatnonzero(texts).tolist(), np.flatnonzero(topics).tolist()
    return Table(
        time=t.time,
        actor=user_map[t.actor],
        target=remap(t.target, user_map),
        action=t.action,
        post=remap(t.post, index_map(posts)),
        parent=remap(t.parent, index_map(posts)),
        text=remap(t.text, index_map(texts)),
        platform=t.platform,
        topics=remap(t.topics, index_map(topics)),
        users=t.users.take(np.flatnonzero(users)),
        posts=t.posts.take(np.flatnonzero(posts)),
        texts=tuple(t.texts[i] for i in kept_texts),
        platforms=t.platforms,
        topic_sets=tuple(t.topic_sets[i] for i in kept_topics),
        rejected=t.rejected,
        duplicates=t.duplicates,
    )


def same_tables(mine: Table, theirs: Table, columns: tuple[str, ...]) -> bool:
    """Whether two tables hold the same ids, lookup tables and *columns*."""
    return (
        len(mine.time) == len(theirs.time)
        and np.array_equal(mine.users.ids, theirs.users.ids)
        and np.array_equal(mine.posts.ids, theirs.posts.ids)
        and mine.texts == theirs.texts
        and mine.platforms == theirs.platforms
        and mine.topic_sets == theirs.topic_sets
        and all(np.array_equal(getattr(mine, n), getattr(theirs, n)) for n in columns)
    )


def records(t: Table) -> list[dict[str, Any]]:
    """The rows of *t* as plain dicts (original ids, times in epoch seconds), in order."""
    users, posts = t.users.ids.tolist(), t.posts.ids.tolist()
    out: list[dict[str, Any]] = []
    for i in range(len(t.time)):
        record: dict[str, Any] = {
            "time": float(t.time[i]),
            "actor": users[t.actor[i]],
            "action": _actions.ACTIONS[t.action[i]],
        }
        if t.target[i] >= 0:
            record["target"] = users[t.target[i]]
        if t.post[i] >= 0:
            record["post"] = posts[t.post[i]]
        if t.parent[i] >= 0:
            record["parent"] = posts[t.parent[i]]
        if t.text[i] >= 0:
            record["text"] = t.texts[t.text[i]]
        if t.platforms[t.platform[i]] != "default":
            record["platform"] = t.platforms[t.platform[i]]
        if t.topics[i] >= 0:
            record["topics"] = list(t.topic_sets[t.topics[i]])
        out.append(record)
    return out


def slice_table(t: Table, rows: Any, columns: tuple[str, ...], **tables: Any) -> Table:
    """The rows *rows* of *t*'s *columns*, with its lookup tables (or *tables* instead)."""
    fields = {name: getattr(t, name)[rows] for name in columns}
    names = ("users", "posts", "texts", "platforms", "topic_sets", "rejected")
    keep = {name: getattr(t, name) for name in names}
    keep.update(tables)
    table = Table(**fields, **keep, duplicates=0)
    # The exact duplicates among the rows kept (equal rows are neighbours in the canonical
    # order, and stay so): at most the table's (rows with distinct ids were not counted).
    if not t.duplicates:
        return table
    return replace(table, duplicates=min(t.duplicates, repeats(table, columns)))


def repeats(table: Table, columns: tuple[str, ...]) -> int:
    """Rows of *table* equal in every one of *columns* to the row before them (in the
    canonical order, equal rows are neighbours)."""
    return int(repeated([getattr(table, name) for name in columns]).sum())


def repeated(columns: list[np.ndarray]) -> NDArray[np.bool_]:
    """Per row of the equally long *columns*, whether it equals the row before it in
    every one (the first row never does)."""
    n = int(columns[0].shape[0]) if columns else 0
    same = np.zeros(n, dtype=bool)
    if n > 1:
        same[1:] = True
        for column in columns:
            same[1:] &= column[1:] == column[:-1]
    return same


def row_mask(mask: Any, n: int) -> NDArray[np.bool_]:
    """*mask* as *n* booleans, one per event; refused when its shape differs."""
    out = np.asarray(mask, dtype=bool)
    if out.shape != (n,):
        raise ValueError(f"mask must have shape ({n},); got {out.shape}")
    return out


def trust_weights(trust: Any, n: int, *, copy: bool = True) -> NDArray[np.float64]:
    """*trust* as *n* float64 weights, refused unless finite and in ``[0, 1]``.

    A copy, so that the caller's array cannot change the table's weights; with
    ``copy=False``, a read-only float64 array that owns its memory is taken as it is (the
    caller promises never to change it: a scorer's trust, kept in the table's memo, so the
    trusted table costs no second copy).
    """
    fixed = (
        not copy
        and isinstance(trust, np.ndarray)
        and trust.dtype == np.float64
        and trust.base is None
        and not trust.flags.writeable
    )
    weights = trust if fixed else np.array(trust, dtype=np.float64)
    if weights.shape != (n,):
        raise ValueError(f"trust must hold one weight per event ({n}); got shape {weights.shape}")
    if n and not (np.all(np.isfinite(weights)) and weights.min() >= 0.0 and weights.max() <= 1.0):
        raise ValueError("trust weights must be finite and in [0, 1]")
    return weights


def same_trust(
    mine: NDArray[np.float64] | None, theirs: NDArray[np.float64] | None, n: int, m: int
) -> bool:
    """Whether two trust columns (``None``: all ones) of *n* and *m* events are equal."""
    if mine is None and theirs is None:
        return True
    a = np.ones(n) if mine is None else mine
    b = np.ones(m) if theirs is None else theirs
    return bool(np.array_equal(a, b))
