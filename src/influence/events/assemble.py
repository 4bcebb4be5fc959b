"""From normalised columns to a validated, canonical event table.

Cross-field rules (required fields per action, duplicate ids, resolving a
missing target from the parent post's author) live here, and the rows are put in the
canonical order (:func:`~influence.events.order.canonical`), so that every constructor
of :class:`~influence.Events` shares them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events import columns as _columns
from influence.events import known_posts as _known
from influence.events.coded import Coded
from influence.events.ids import IdIndex, intern
from influence.events.order import canonical
from influence.exceptions import InvalidEventError

if TYPE_CHECKING:
    from influence.events.base import EventColumns

Errors = Literal["raise", "skip"]

#: The id fields that share the users' index, and those that share the posts'.
USERS, POSTS = ("actor", "target"), ("post", "parent")

FIELDS: tuple[str, ...] = (
    "time",
    "actor",
    "action",
    "target",
    "post",
    "parent",
    "text",
    "platform",
    "topics",
    "id",
)


@dataclass(frozen=True)
class Rejection:
    """One input row that was set aside, with the reason in words.

    Unpacks as ``(row, reason)``; :attr:`kind` is the category counted by
    :meth:`Events.report`.
    """

    row: int
    reason: str
    kind: str

    def __iter__(self) -> Any:
        return iter((self.row, self.reason))


@dataclass(frozen=True)
class Table:
    """The finished columns and lookup tables, ready to become an ``Events``."""

    time: NDArray[np.float64]
    actor: NDArray[np.int32]
    target: NDArray[np.int32]
    action: NDArray[np.int8]
    post: NDArray[np.int32]
    parent: NDArray[np.int32]
    text: NDArray[np.int32]
    platform: NDArray[np.int16]
    topics: NDArray[np.int32]
    users: IdIndex
    posts: IdIndex
    texts: tuple[str, ...]
    platforms: tuple[str, ...]
    topic_sets: tuple[tuple[str, ...], ...]
    rejected: tuple[Rejection, ...]
    duplicates: int = 0
    """Exact duplicate rows kept (each counts as an event of its own): rows equal to an
    earlier row in every field, neither with an ``id``."""


def validate_errors(errors: str) -> Errors:
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be one of 'raise', 'skip'; got {errors!r}")
    return errors  # type: ignore[return-value]


def assemble(
    columns: dict[str, Any],
    n: int,
    *,
    errors: Errors,
    rows: NDArray[np.int64] | None = None,
    unit: str = "row",
    extra: dict[int, tuple[str, str]] | None = None,
    dedupe: bool = False,
    actions: Mapping[str, int] | None = None,
    known_posts: EventColumns | None = None,
) -> Table:
    """Validate *columns* (field -> array-like or ``None``) and build a table.

    *rows* labels each input position for messages (default ``0..n-1``), and
    *unit* names it (``"row"`` or ``"line"``). *extra* holds problems found
    before this point (unparseable JSON lines, say), keyed by position. Exact duplicate
    rows (equal in every field, without an ``id``) are counted in ``Table.duplicates``,
    or with *dedupe* dropped, all but the first, as rejections of kind
    ``"exact duplicate"``. *actions* maps the log's own action values to codes
    (:func:`influence.events.actions.renamed`). A row that names only its parent post,
    not in these rows, takes its target from the post's author in *known_posts*
    (:func:`influence.events.known_posts.resolve`).
    """
    _known.validate_known_posts(known_posts)
    label = np.arange(n, dtype=np.int64) if rows is None else rows
    problems: dict[int, tuple[str, str, str, Any]] = {}

    def note(found: _columns.Problems, field: str, raw: Any) -> None:
        for i, (kind, message) in found.items():
            if i not in problems:
                value = None if raw is None else raw[i]
                problems[i] = (kind, message, field, value)

    if extra:
        for i, (kind, message) in extra.items():
            problems[i] = (kind, message, "", None)

    arrays = {k: None if v is None else _columns.as_array(v) for k, v in columns.items()}
    for key, arr in arrays.items():
        if arr is not None and arr.shape != (n,):
            raise ValueError(f"column {key!r} has shape {arr.shape}; expected ({n},)")

    raw_time = arrays.get("time")
    if raw_time is None:
        time = np.zeros(n)
        found = {i: ("missing field", "field 'time' is missing") for i in range(n)}
    else:
        time, found = _columns.times(raw_time)
    note(found, "time", arrays.get("time"))
    users_pair = _columns.id_pair(arrays.get("actor"), arrays.get("target"), n, USERS)
    (actor, actor_missing, found), (target, target_missing, found_target), users = users_pair
    posts_pair = _columns.id_pair(arrays.get("post"), arrays.get("parent"), n, POSTS)
    (post, post_missing, found_post), (parent, parent_missing, found_parent), posts = posts_pair
    note(found, "actor", arrays.get("actor"))
    note(
        {
            int(i): ("missing field", "field 'actor' is missing")
            for i in np.flatnonzero(actor_missing)
        },
        "actor",
        arrays.get("actor"),
    )
    action, found = _columns.actions(arrays.get("action"), n, actions)
    note(found, "action", arrays.get("action"))
    note(found_target, "target", arrays.get("target"))
    note(found_post, "post", arrays.get("post"))
    note(found_parent, "parent", arrays.get("parent"))
    event_id, id_missing, found = _columns.ids(arrays.get("id"), n, "id")
    note(found, "id", arrays.get("id"))
    text, found = _columns.strings(arrays.get("text"), n, "text")
    note(found, "text", arrays.get("text"))
    platform, found = _columns.strings(arrays.get("platform"), n, "platform")
    note(found, "platform", arrays.get("platform"))
    topics, found = _columns.topics(arrays.get("topics"), n)
    note(found, "topics", arrays.get("topics"))

    is_post = action == _actions.POST
    if is_post.any():
        need = np.zeros(n, dtype=bool)
        need[list(problems)] = True
        for i in np.flatnonzero(~need & is_post & post_missing).tolist():
            problems[int(i)] = (
                "missing field",
                "field 'post' is missing: a post event needs the id of the post it creates",
                "post",
                None,
            )
        for i in np.flatnonzero(~need & is_post & ~target_missing).tolist():
            problems[int(i)] = (
                "bad value",
                f"field 'target': a post has no target; got "
                f"{_item(target[i], users)!r} (use a 'mention' event to address a user)",
                "target",
                _item(target[i], users),
            )
    ok = np.ones(n, dtype=bool)
    ok[list(problems)] = False

    duplicates: dict[int, tuple[str, str, str, Any]] = {}
    if arrays.get("id") is not None:
        _mark_duplicates(event_id, ok & ~id_missing, label, unit, "id", "duplicate id", duplicates)
        ok[list(duplicates)] = False
    if arrays.get("post") is not None:  # else no row creates a post
        creates = ok & ~post_missing & _actions.mask_of(_actions.CREATES_POST)[action]
        _mark_duplicates(post, creates, label, unit, "post", "duplicate post", problems, posts)
        ok[list(problems)] = False

    # Resolve missing targets from the author of the parent post.
    short = target_missing.any()  # of a target: most logs give every row one
    resolvable = _actions.mask_of(_actions.RESOLVABLE)[action] if short else np.zeros(0, bool)
    lookup = np.zeros(0, dtype=np.intp)
    if short and arrays.get("post") is not None and arrays.get("parent") is not None:
        needs_target = ok & ~is_post & target_missing
        lookup = np.flatnonzero(needs_target & resolvable & ~parent_missing)
    if lookup.size:
        creates = ok & ~post_missing & _actions.mask_of(_actions.CREATES_POST)[action]
        creators = np.flatnonzero(creates)
        order = np.argsort(post[creators], kind="stable")
        keys = post[creators][order]
        pos = np.searchsorted(keys, parent[lookup])
        pos_c = np.minimum(pos, max(keys.size - 1, 0))
        hit = (
            (keys.size > 0) & (keys[pos_c] == parent[lookup])
            if keys.size
            else np.zeros(lookup.size, dtype=bool)
        )
        rows_hit = lookup[hit]
        # a copy (the keys may be what was given), wide enough for the author ids
        target = target.astype(np.result_type(target, actor))
        target[rows_hit] = actor[creators[order[pos_c[hit]]]]
        target_missing[rows_hit] = False
    if short and known_posts is not None and arrays.get("parent") is not None:
        answering = np.flatnonzero(ok & ~is_post & target_missing & resolvable & ~parent_missing)
        if answering.size:
            actor, target, users, seen = _known.resolve(
                known_posts, answering, parent, posts, actor, target, users
            )
            target_missing[answering[seen]] = False
    unresolved = np.flatnonzero(ok & ~is_post & target_missing).tolist() if short else []
    for i in unresolved:
        name = _actions.ACTIONS[action[i]]
        if parent_missing[i] or not resolvable[i]:
            how = "" if not resolvable[i] else " or a 'parent' post"
            message = f"field 'target' is missing: a {name} event needs a target{how}"
            value = None
        else:
            known = " nor among the known posts" if known_posts is not None else ""
            hint = (
                "; if it was posted in an earlier table, read these rows with "
                "known_posts=that table"
                if known_posts is None
                else ""
            )
            message = (
                f"field 'target' is missing and 'parent' {_item(parent[i], posts)!r} is not a post "
                f"in the data{known}, so the {name}'s target is unknown{hint}"
            )
            value = _item(parent[i], posts)
        problems[int(i)] = ("unresolved target", message, "target", value)
    ok[list(problems)] = False

    if problems and errors == "raise":
        first = min(problems)
        kind, message, field, value = problems[first]
        raise InvalidEventError(
            f"{unit} {label[first]}: {message}",
            row=int(label[first]),
            field=field,
            value=value,
            kind=kind,
        )
    rejected_all = {**problems, **duplicates}
    rejected = tuple(
        Rejection(int(label[i]), f"{unit} {label[i]}: {rejected_all[i][1]}", rejected_all[i][0])
        for i in sorted(rejected_all)
    )
    keep = np.flatnonzero(ok)
    has_id = None if arrays.get("id") is None else ~id_missing
    table, tagged = _build(
        keep,
        time,
        actor,
        target,
        target_missing,
        action,
        post,
        post_missing,
        parent,
        parent_missing,
        text,
        platform,
        topics,
        rejected,
        position=keep if dedupe else None,
        has_id=None if has_id is None else has_id[keep].astype(np.int8),
        vocabs=(users, posts),
    )
    return exact_duplicates(table, tagged, label, unit, dedupe=dedupe)


_ROW_COLUMNS = ("time", "action", "actor", "target", "post", "parent", "platform", "text", "topics")


def exact_duplicates(
    table: Table,
    tagged: dict[str, np.ndarray],
    label: NDArray[np.int64],
    unit: str,
    *,
    dedupe: bool,
) -> Table:
    """*table* with its exact duplicate rows counted, or with *dedupe* dropped.

    A row is an exact duplicate when it equals the row before it (in canonical order) in
    every column and neither has an ``id``. *tagged* holds, in the table's order, ``"id"``
    (1 where the row had an id) and ``"at"`` (its input position, needed to drop).
    """
    n = int(table.time.shape[0])
    if n < 2:
        return table
    # Rows that repeat the time of the row before, then of those the ones that repeat it
    # in every other column: each column is compared on the candidates only.
    after = np.flatnonzero(table.time[1:] == table.time[:-1]) + 1
    for name in _ROW_COLUMNS[1:]:
        if not after.size:
            break
        column = getattr(table, name)
        after = after[column[after] == column[after - 1]]
    if "id" in tagged and after.size:
        bare = tagged["id"] == 0
        after = after[bare[after] & bare[after - 1]]
    repeat = np.zeros(n, dtype=bool)
    repeat[after] = True
    count = int(after.size)
    if not count:
        return table
    if not dedupe:
        return replace(table, duplicates=count)
    at = tagged["at"]
    first = np.maximum.accumulate(np.where(repeat, 0, np.arange(n)))
    dropped = [
        Rejection(
            int(label[at[i]]),
            f"{unit} {label[at[i]]}: an exact duplicate of {unit} {label[at[first[i]]]} "
            "(dropped: dedupe=True)",
            "exact duplicate",
        )
        for i in np.flatnonzero(repeat).tolist()
    ]
    rejected = tuple(sorted((*table.rejected, *dropped), key=lambda r: r.row))
    fields = {name: getattr(table, name)[~repeat] for name in _ROW_COLUMNS}
    return replace(table, **fields, rejected=rejected)


def _item(value: Any, vocab: np.ndarray | None = None) -> Any:
    """*value* as a Python object (numpy scalars have ``.item()``, object cells are one).

    With a *vocab* (:func:`~influence.events.columns.id_pair`), *value* is a position in it.
    """
    if vocab is not None:
        value = vocab[int(value)]
    return value.item() if isinstance(value, np.generic) else value


def _mark_duplicates(
    keys: np.ndarray,
    mask: NDArray[np.bool_],
    label: NDArray[np.int64],
    unit: str,
    field: str,
    kind: str,
    out: dict[int, tuple[str, str, str, Any]],
    vocab: np.ndarray | None = None,
) -> None:
    """Mark every repeat of a key after its first occurrence (in input order)."""
    where = np.flatnonzero(mask)
    if where.size < 2:
        return
    order = np.argsort(keys[where], kind="stable")
    sorted_keys = keys[where][order]
    repeat = np.zeros(where.size, dtype=bool)
    repeat[1:] = sorted_keys[1:] == sorted_keys[:-1]
    if not repeat.any():
        return
    group_start = np.flatnonzero(~repeat)
    first_of = where[order][
        group_start[np.searchsorted(group_start, np.arange(where.size), side="right") - 1]
    ]
    for j in np.flatnonzero(repeat).tolist():
        i = int(where[order[j]])
        first = int(first_of[j])
        what = "event id" if field == "id" else "post id"
        out[i] = (
            kind,
            f"{what} {_item(keys[i], vocab)!r} repeats {unit} {label[first]} (first kept)",
            field,
            _item(keys[i], vocab),
        )


def _intern_objects(
    values: list[Any] | Coded, keep: NDArray[np.int64]
) -> tuple[tuple[Any, ...], NDArray[np.int32]]:
    """Sorted distinct non-``None`` values of the kept rows and each row's code (-1: none).

    A :class:`~.coded.Coded` column (its codes never ``-1``: see
    :func:`~.columns.judged_coded`) is read one distinct value at a time, not row by row.
    """
    if isinstance(values, Coded) and values.plain:  # sorted distinct values, -1: none
        codes = values.codes[keep]
        used = np.zeros(values.values.shape[0] + 1, dtype=bool)
        used[codes] = True  # -1 marks the spare last slot
        used = used[:-1]
        rank = np.append(np.cumsum(used, dtype=np.int32) - 1, np.int32(-1))  # -1 stays -1
        return tuple(values.values[used].tolist()), rank[codes]
    if isinstance(values, Coded):
        codes = values.codes[keep]
        used = np.zeros(values.values.shape[0], dtype=bool)
        used[codes] = True
        distinct = values.values.tolist()
        table = tuple(sorted({v for v, u in zip(distinct, used.tolist()) if u and v is not None}))
        position = {v: j for j, v in enumerate(table)}
        mapped = [-1 if v is None else position.get(v, -1) for v in distinct]
        return table, np.asarray(mapped, dtype=np.int32)[codes]
    kept = [values[i] for i in keep.tolist()]
    table = tuple(sorted({v for v in kept if v is not None}))
    if not table:
        return table, np.full(len(kept), -1, dtype=np.int32)
    position = {v: j for j, v in enumerate(table)}
    codes = np.fromiter((position.get(v, -1) for v in kept), dtype=np.int32, count=len(kept))
    return table, codes


def _or_default(platform: Any) -> Any:
    return "default" if platform is None else platform


def _or_none(tags: Any) -> Any:
    return tags or None


def _mapped(values: list[Any] | Coded, how: Callable[[Any], Any]) -> list[Any] | Coded:
    """*how* applied to each row's value: to each distinct value of a coded column."""
    if isinstance(values, Coded):
        out = np.empty(values.values.shape[0], dtype=object)
        for k, value in enumerate(values.values.tolist()):
            out[k] = how(value)
        return Coded(out, values.codes)
    return [how(v) for v in values]


def _repeated(value: int, dtype: type[np.integer[Any]], n: int) -> NDArray[Any]:
    """*n* times *value*, read-only, in the memory of one value (a column no row fills)."""
    return np.broadcast_to(np.array(value, dtype=dtype), (n,))


def _build(
    keep: NDArray[np.int64],
    time: NDArray[np.float64],
    actor: np.ndarray,
    target: np.ndarray,
    target_missing: NDArray[np.bool_],
    action: NDArray[np.int8],
    post: np.ndarray,
    post_missing: NDArray[np.bool_],
    parent: np.ndarray,
    parent_missing: NDArray[np.bool_],
    text: list[str | None] | Coded | None,
    platform: list[str | None] | Coded | None,
    topics: list[tuple[str, ...]] | Coded | None,
    rejected: tuple[Rejection, ...],
    *,
    position: NDArray[np.int64] | None = None,
    has_id: NDArray[np.int8] | None = None,
    vocabs: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
) -> tuple[Table, dict[str, np.ndarray]]:
    """The table of the rows *keep*, and the *has_id* and *position* tags in its order.

    *vocabs* are the users' and posts' vocabularies when their keys are positions in one
    (:func:`~influence.events.columns.id_pair`).
    """

    def kept(column: np.ndarray) -> np.ndarray:
        return column if keep.size == column.shape[0] else column[keep]

    time, action = kept(time), kept(action)
    has_target = ~kept(target_missing)
    target_kept = kept(target)
    user_ids, (actor_idx, target_codes) = intern(
        kept(actor), target_kept if has_target.all() else target_kept[has_target], vocab=vocabs[0]
    )
    if has_target.all():
        target_idx = target_codes
    else:
        target_idx = np.full(keep.size, -1, dtype=np.int32)
        target_idx[has_target] = target_codes

    has_post, has_parent = ~kept(post_missing), ~kept(parent_missing)
    post_ids, (post_codes, parent_codes) = intern(
        kept(post)[has_post], kept(parent)[has_parent], vocab=vocabs[1]
    )
    post_idx = np.full(keep.size, -1, dtype=np.int32)
    post_idx[has_post] = post_codes
    parent_idx = np.full(keep.size, -1, dtype=np.int32)
    parent_idx[has_parent] = parent_codes

    # A column no row fills is one value repeated: held once, not once per row.
    none = _repeated(-1, np.int32, keep.size)
    texts: tuple[Any, ...] = ()
    text_idx = none
    if text is not None:
        texts, text_idx = _intern_objects(text, keep)
    platforms: tuple[Any, ...] = ("default",)
    platform_idx = _repeated(0, np.int16, keep.size)
    if platform is not None:
        platforms, codes = _intern_objects(_mapped(platform, _or_default), keep)
        platforms = platforms or ("default",)  # no rows kept: same table as without the column
        if len(platforms) > np.iinfo(np.int16).max:
            raise ValueError(f"at most {np.iinfo(np.int16).max} platforms are supported")
        platform_idx = codes.astype(np.int16)
    topic_sets: tuple[Any, ...] = ()
    topic_idx = none
    if topics is not None:
        topic_sets, topic_idx = _intern_objects(_mapped(topics, _or_none), keep)

    # Rows equal in every column are ordered by whether they have an id, then by input
    # position: the columns read the same either way, and exact duplicates of a row without
    # an id come together, the first read first.
    tags = [c for c in (has_id, position) if c is not None]
    rest: list[NDArray[Any]] = [post_idx, parent_idx, platform_idx, text_idx, topic_idx, *tags]
    # Columns no row fills hold one value: the order leaves them as they are.
    blank = [post_codes.size == 0, parent_codes.size == 0, platform is None, text is None]
    blank += [topics is None] + [False] * len(tags)
    time, action, actor_idx, target_idx, moved = canonical(
        time,
        action,
        actor_idx,
        target_idx,
        [c for c, b in zip(rest, blank) if not b],
        n_users=len(user_ids),
    )
    ordered = iter(moved)
    rest = [c if b else next(ordered) for c, b in zip(rest, blank)]
    post_idx, parent_idx, platform_idx, text_idx, topic_idx = rest[:5]
    names = [k for k, c in (("id", has_id), ("at", position)) if c is not None]
    tagged = dict(zip(names, rest[5:]))
    return Table(
        time=time,
        actor=actor_idx,
        target=target_idx,
        action=action,
        post=post_idx,
        parent=parent_idx,
        text=text_idx,
        platform=platform_idx,
        topics=topic_idx,
        users=IdIndex(user_ids),
        posts=IdIndex(post_ids),
        texts=texts,
        platforms=platforms,
        topic_sets=topic_sets,
        rejected=rejected,
    ), tagged
