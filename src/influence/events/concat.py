"""Appending event tables: several tables as one, equal to building it from all their rows.

:func:`concat` is the work of :meth:`Events.concat <influence.Events.concat>` and
:meth:`Events.append <influence.Events.append>`. It never goes back to Python records: the
sorted id tables are merged (a union of sorted distinct ids, each table's codes remapped
through ``np.searchsorted``), the columns are concatenated, and the canonical order is
restored from the tables' own canonical runs by stable sorts, which numpy's adaptive
(Timsort) merge handles in near-linear time. When the tables follow one another in time (a
day appended to a log), no sort of the whole is needed: :mod:`influence.events.append`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import chain
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events.append import COMPACT, boundaries, follows, settle
from influence.events.assemble import Table
from influence.events.base import COLUMNS, EventColumns
from influence.events.ids import IdIndex, as_text, held, is_text, join_text, typed
from influence.events.order import canonical
from influence.events.views import repeated, repeats

__all__ = ["concat", "merge_ids", "merge_values"]

_E = TypeVar("_E", bound=EventColumns)


def concat(tables: Sequence[_E], *, dedupe: bool = False) -> _E:
    """The events of several tables as one table, equal to building it from all their rows.

    The result equals ``Events.from_records(rows_1 + rows_2 + ...)`` built from the rows
    the tables were built from: the same ids, of the same type, the same canonical row
    order, the same users, posts, texts, platforms and topic sets, and the same
    :meth:`~influence.Events.report`. Whatever the order of *tables*, the columns and id
    tables are the same (``concat([a, b]) == concat([b, a])``), and
    ``concat([concat([a, b]), c]) == concat([a, b, c])``.

    Parameters
    ----------
    tables : sequence of Events
        At least one table. A single table is returned as it is.
    dedupe : bool, default False
        Keep one of the rows equal in every column, across and within the tables (as
        the readers' ``dedupe=True`` does, but without a rejection per dropped row: the
        tables no longer hold the input rows), before post ids are checked, so that a
        batch appended twice (a retry) is appended once.

    Returns
    -------
    Events

    Raises
    ------
    TypeError
        When *tables* is not a sequence of :class:`~influence.Events` (a single table
        is not: write ``concat([a, b])``).
    ValueError
        When *tables* is empty, or when one post id is created (by a post, reply or
        share) in two of the tables: building from all rows would reject the later row
        as a ``"duplicate post"``, and the tables no longer know which row that was.

    Notes
    -----
    The rules, where building from all rows has more to go on than the tables:

    - **Ids.** Users and posts are typed by the one rule (:class:`~influence.IdIndex`)
      over the union of the tables' ids: integer ids exactly when every table's ids are.
      Appending a table with text ids to one with integer ids turns every id into text
      (``12`` becomes ``"12"``), and since text sorts differently, every user and post
      index, and so the canonical order, may change.
    - **Rejected rows** of every table are kept as they were, table after table, each
      numbered by its row (or line) in its own input, so that ``row`` still points into
      the file it came from. A reply without a target whose parent post is in another
      table was rejected when its own table was built (its target was unknown there):
      give replies a target, or build from all rows, when parents cross files.
    - **Exact duplicates.** Rows equal in every column in two tables count as exact
      duplicates in :meth:`~influence.Events.report` (``"exact duplicate (kept)"``), as
      they do within one table; they are kept, also when the tables were built with
      ``dedupe=True`` (a table does not keep the input rows needed to drop them).
    - **Event ids.** A table does not keep the ``id`` field (it is checked when the
      table is built), so an ``id`` repeated across tables is not caught, and two rows
      with distinct ids, equal in every other field, in two tables, count as an exact
      duplicate. Check ids across files before appending when they may repeat.
    - **Trust.** When some table has :attr:`~influence.Events.trust` weights, each row
      keeps its weight, and the rows of a table without them weigh 1 (fully trusted,
      as ``trust=None`` means). Weights computed on one table are not recomputed.

    Cost: linear in the rows plus the distinct ids (a sort of the distinct ids when
    their type changes), with no Python loop over rows. When each table starts at or
    after the latest row of the one before (a day appended to a log), the rows are not
    sorted again: each table keeps its order, and only the rows tied on time across a
    boundary are sorted (:mod:`influence.events.append`); the codes of a table move by
    one gather per column when new ids sort among its own (codes are positions in the
    sorted ids), and the check that no post is created twice reads the rows of all
    tables but the biggest.

    Examples
    --------
    >>> from influence import Events
    >>> monday = Events.from_records([
    ...     {"time": 0, "actor": 1, "action": "post", "post": "p1"},
    ...     {"time": 60, "actor": 2, "action": "like", "target": 1},
    ... ])
    >>> tuesday = Events.from_records([
    ...     {"time": 86400, "actor": "ann", "action": "reply", "post": "p2", "parent": "p1",
    ...      "target": 1},
    ... ])
    >>> both = Events.concat([monday, tuesday])
    >>> len(both), both.users.ids.tolist(), both.posts.ids.tolist()
    (3, ['1', '2', 'ann'], ['p1', 'p2'])
    >>> both == Events.from_records(monday.to_records() + tuesday.to_records())
    True
    """
    parts = _checked(tables)
    if len(parts) == 1:
        return parts[0]
    t = [p._table for p in parts]
    users, user_maps = merge_ids([x.users.ids for x in t])
    posts, post_maps = merge_ids([x.posts.ids for x in t])
    texts, text_maps = merge_values([x.texts for x in t])
    with_rows = [x for x in t if len(x.time)]
    platforms, platform_maps = merge_values([x.platforms for x in (with_rows or t)])
    if not with_rows:
        platform_maps = [np.zeros(len(x.platforms), dtype=np.int32) for x in t]
    elif len(with_rows) < len(t):  # a table without rows takes no platform of its own
        maps = iter(platform_maps)
        platform_maps = [next(maps) if len(x.time) else np.zeros(0, np.int32) for x in t]
    if len(platforms) > np.iinfo(np.int16).max:
        raise ValueError(f"at most {np.iinfo(np.int16).max} platforms are supported")
    topic_sets, topic_maps = merge_values([x.topic_sets for x in t])

    def joined(name: str, maps: list[NDArray[np.int32]] | None = None) -> np.ndarray:
        columns = [getattr(x, name) for x in t]
        if maps is not None:
            columns = [c if m is None else m[c] for c, m in zip(columns, _through(maps))]
        return np.concatenate(columns)

    time = joined("time")
    action = joined("action")
    actor = joined("actor", user_maps)
    target = joined("target", user_maps)
    rest = [
        joined("post", post_maps),
        joined("parent", post_maps),
        joined("platform", platform_maps).astype(np.int16),
        joined("text", text_maps),
        joined("topics", topic_maps),
    ]
    trusted = any(p.trust is not None for p in parts)
    if trusted:  # rides along as the last tie-break: equal rows are interchangeable
        weights = [np.ones(len(p)) if p.trust is None else p.trust for p in parts]
        rest.append(np.concatenate(weights))
    starts = np.cumsum([len(p) for p in parts[:-1]]).tolist()
    groups = (user_maps, post_maps, text_maps, platform_maps, topic_maps)
    code_maps = [m for ms in groups for m, p in zip(ms, parts) if len(p)]  # tables with rows
    across: int | None = None
    if follows(parts, code_maps):
        runs = boundaries(time, starts)  # only rows tied on time across tables move
        across = settle((time, action, actor, target), rest, runs, starts, n_users=len(users))
    else:
        if time.size and not bool(np.all(time[1:] >= time[:-1])):
            order = np.argsort(time, kind="stable")  # merges the tables' sorted runs
            time, action, actor, target = time[order], action[order], actor[order], target[order]
            rest = [r[order] for r in rest]
        time, action, actor, target, rest = canonical(
            time, action, actor, target, rest, n_users=len(users)
        )
    dropped = False
    if dedupe:  # equal rows are neighbours in the canonical order
        repeat = repeated([time, action, actor, target, *rest[:5]])
        if repeat.any():
            dropped = True
            keep = ~repeat
            time, action, actor, target = time[keep], action[keep], actor[keep], target[keep]
            rest = [column[keep] for column in rest]
    post, parent, platform, text, topics = rest[:5]
    if _maybe_twice(parts, post_maps, len(posts)):
        _no_post_twice(post, action, posts)
    table = Table(
        time=time,
        actor=actor,
        target=target,
        action=action,
        post=post,
        parent=parent,
        text=text,
        platform=platform,
        topics=topics,
        users=_index(users, [x.users for x in t]),
        posts=_index(posts, [x.posts for x in t]),
        texts=texts,
        platforms=platforms,
        topic_sets=topic_sets,
        rejected=tuple(chain.from_iterable(x.rejected for x in t)),
    )
    if across is None:
        # Repeats within one table were counted by it (rows with an id excepted); the
        # rows that repeat a row of another table are the new ones.
        across = repeats(table, COLUMNS) - sum(repeats(x, COLUMNS) for x in t)
    kept = 0 if dedupe else sum(x.duplicates for x in t) + across
    table = replace(table, duplicates=kept)
    result = type(parts[0])(table, rest[5] if trusted else None)
    if not dropped and all(COMPACT in p._memo for p in parts):  # every id still mentioned
        result._memo.get(COMPACT, lambda: True)
    return result


def _checked(tables: Sequence[_E]) -> list[_E]:
    """*tables* as a non-empty list of event tables, or a clear error."""
    if isinstance(tables, (EventColumns, str, bytes)) or not isinstance(tables, Iterable):
        raise TypeError(
            "tables must be a sequence of Events tables, e.g. Events.concat([a, b]); "
            f"got {type(tables).__name__}"
        )
    parts: list[_E] = list(tables)
    if not parts:
        raise ValueError("tables must hold at least one Events table; got an empty sequence")
    for i, part in enumerate(parts):
        if not isinstance(part, EventColumns):
            raise TypeError(
                f"tables[{i}] must be an Events table (build it with Events.from_records, "
                f"read_csv, ...); got {type(part).__name__}"
            )
    return parts


def merge_ids(tables: list[np.ndarray]) -> tuple[np.ndarray, list[NDArray[np.int32]]]:
    """The union of sorted distinct id tables under the id rule, and each table's old -> new map.

    Integer tables stay integers; with any text table every id becomes text (integers
    written in decimal), and the union is typed again by :func:`~influence.events.ids.typed`,
    so it is what interning all the ids at once gives. A few ids joining a big table (a
    day's batch appended to a state) are found in it by binary search and inserted;
    tables of about the same size are merged by a stable argsort of their concatenation
    (sorted runs, merged in linear time), which also tells where each id lands.

    Examples
    --------
    >>> import numpy as np
    >>> from influence.events.concat import merge_ids
    >>> ids, maps = merge_ids([np.array([3, 12]), np.array(["12", "ann"])])
    >>> ids.tolist(), [m.tolist() for m in maps]
    (['12', '3', 'ann'], [[1, 0], [0, 2]])
    """
    nonempty = [x for x in tables if x.size]
    if not nonempty:
        return np.zeros(0, dtype=np.int64), [np.zeros(0, dtype=np.int32) for _ in tables]
    text = any(is_text(x) for x in nonempty)
    common = [as_text(x) if text else x for x in tables]
    big = max(range(len(common)), key=lambda k: common[k].size)
    rest = [x for k, x in enumerate(common) if k != big and x.size]
    # (a big table of integers written as text is in numeric order, not text order)
    if rest and 2 * sum(x.size for x in rest) <= common[big].size and is_text(tables[big]) == text:
        union, into = _into(common[big], rest, text)
        maps = [
            into if k == big else np.searchsorted(union, x).astype(np.int32)
            for k, x in enumerate(common)
        ]
        union = held(union)
    else:
        union, maps = _merged(common, text)
    union, rank = typed(union)
    if rank is not None:
        maps = [rank[m].astype(np.int32) for m in maps]
    return union, maps


def _into(
    base: np.ndarray, rest: list[np.ndarray], text: bool
) -> tuple[np.ndarray, NDArray[np.int32]]:
    """A few sorted distinct ids (*rest*) merged into a big table of them (*base*): the
    union, and where each of *base*'s ids lands in it. The new ids are found by binary
    search and inserted (one copy of *base*), so the big table is not sorted again."""
    others = np.unique(join_text(rest) if text else np.concatenate(rest))
    at = np.searchsorted(base, others)
    known = at < base.size
    known[known] = base[at[known]] == others[known]
    new, where = others[~known], at[~known]
    if not new.size:  # nothing joins: the big table is the union, as it is
        return base, np.arange(base.size, dtype=np.int32)
    if text and "O" in (base.dtype.kind, new.dtype.kind):
        kind: Any = object
    elif text:
        kind = f"<U{max(base.dtype.itemsize, new.dtype.itemsize, 4) // 4}"
    else:
        kind = np.int64
    union = np.insert(base.astype(kind, copy=False), where, new.astype(kind))
    before = np.cumsum(np.bincount(where, minlength=base.size + 1))[: base.size]
    return union, (np.arange(base.size) + before).astype(np.int32)


def _merged(common: list[np.ndarray], text: bool) -> tuple[np.ndarray, list[NDArray[np.int32]]]:
    """The union of sorted distinct id tables of about the same size, and each one's map."""
    present = [x for x in common if x.size]
    joined = join_text(present) if text else np.concatenate(present)
    order = np.argsort(joined, kind="stable")  # sorted runs: merged in linear time
    ranked = joined[order]
    distinct = np.ones(ranked.size, dtype=bool)
    distinct[1:] = ranked[1:] != ranked[:-1]
    union = held(ranked[distinct])
    place = np.empty(ranked.size, dtype=np.int32)  # each id's index in the union
    place[order] = np.cumsum(distinct, dtype=np.int32) - 1
    ends = np.cumsum([x.size for x in common]).tolist()
    return union, [place[end - x.size : end] for x, end in zip(common, ends)]


def merge_values(
    tables: list[tuple[Any, ...]],
) -> tuple[tuple[Any, ...], list[NDArray[np.int32]]]:
    """The sorted union of sorted lookup tables (texts, platforms, topic sets) and the maps.

    A loop over the distinct values, not over rows. A few values joining a big table (a
    day's texts appended to a log's) are found in it by binary search, and the big
    table's map is computed in bulk, so the big table's values are not hashed again.

    Examples
    --------
    >>> from influence.events.concat import merge_values
    >>> merge_values([("a", "c"), ("b", "c")])
    (('a', 'b', 'c'), [array([0, 2], dtype=int32), array([1, 2], dtype=int32)])
    """
    big = max(range(len(tables)), key=lambda k: len(tables[k]), default=0)
    base = tables[big] if tables else ()
    if 2 * sum(len(x) for k, x in enumerate(tables) if k != big) > len(base):
        union = tuple(sorted(set(chain.from_iterable(tables))))
        position = {value: j for j, value in enumerate(union)}
        maps = [np.fromiter((position[v] for v in x), dtype=np.int32, count=len(x)) for x in tables]
        return union, maps
    others = sorted(set(chain.from_iterable(x for k, x in enumerate(tables) if k != big)))
    at = [bisect_left(base, v) for v in others]
    fresh = [(j, v) for j, v in zip(at, others) if j == len(base) or base[j] != v]
    union = tuple(sorted((*base, *(v for _, v in fresh)))) if fresh else base  # two sorted runs
    where = np.array([j for j, _ in fresh], dtype=np.int64)
    shift = np.cumsum(np.bincount(where, minlength=len(base) + 1))[: len(base)]
    maps = [
        (np.arange(len(base)) + shift).astype(np.int32)
        if k == big
        else np.fromiter((bisect_left(union, v) for v in x), dtype=np.int32, count=len(x))
        for k, x in enumerate(tables)
    ]
    return union, maps


def _index(ids: np.ndarray, indexes: list[IdIndex]) -> IdIndex:
    """The index of *ids*: a table's own when its ids are the union (no new id joined it),
    so that they are not checked again, else a new one."""
    for index in indexes:
        if index.ids is ids:
            return index
    return IdIndex(ids)


def _through(maps: list[NDArray[np.int32]]) -> list[NDArray[np.int32] | None]:
    """Per old -> new code map, ``None`` when it changes nothing, else the map with ``-1``
    appended, so that one gather (``through[codes]``) translates codes and keeps ``-1``
    (absent) as ``-1``."""
    out: list[NDArray[np.int32] | None] = []
    for mapping in maps:
        if np.array_equal(mapping, np.arange(mapping.size)):
            out.append(None)
        else:
            extended = np.empty(mapping.size + 1, dtype=np.int32)
            extended[:-1] = mapping
            extended[-1] = -1
            out.append(extended)
    return out


def _maybe_twice(parts: Sequence[_E], post_maps: list[NDArray[np.int32]], n_posts: int) -> bool:
    """Whether some post id may be created in two of *parts*: each table created each of
    its posts once, so such a post is created in a table other than the biggest, and is
    created twice among those or is among the biggest's posts. Cost: the rows of the
    other tables and one flag per post, so that a day appended to a log is checked
    without a pass over the log."""
    creates = _actions.mask_of(_actions.CREATES_POST)
    big = max(range(len(parts)), key=lambda k: len(parts[k]))
    made = [
        mapping[p.post[creates[p.action] & (p.post >= 0)]]
        for k, (p, mapping) in enumerate(zip(parts, post_maps))
        if k != big
    ]
    codes = np.concatenate(made) if made else np.zeros(0, dtype=np.int32)
    if not codes.size:
        return False
    if np.unique(codes).size < codes.size:
        return True
    in_big = np.zeros(n_posts, dtype=bool)
    in_big[post_maps[big]] = True
    return bool(in_big[codes].any())


def _no_post_twice(post: NDArray[np.int32], action: NDArray[np.int8], posts: np.ndarray) -> None:
    """Refuse a post id created twice (once per table, since each table refused repeats)."""
    created = post[_actions.mask_of(_actions.CREATES_POST)[action] & (post >= 0)]
    if created.size < 2:
        return
    counts = np.bincount(created, minlength=posts.size)
    twice = np.flatnonzero(counts > 1)
    if twice.size:
        shown = ", ".join(repr(post) for post in posts[twice[:3]].tolist())
        more = f" and {twice.size - 3} more" if twice.size > 3 else ""
        raise ValueError(
            f"post ids {shown}{more} are created in more than one of the tables; a post is "
            "created once (building from all rows would reject the later row as a "
            "'duplicate post'): drop the repeated rows before building the tables"
        )
