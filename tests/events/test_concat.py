"""Tests of :mod:`influence.events.concat`: appending tables equals building from all rows."""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events
from influence.events.concat import concat, merge_ids, merge_values

FAST = settings(max_examples=80, deadline=None)

# Integer users, text users that are canonical integers, and text that is not: a part
# holding only integers next to a part with "ann" turns every id into text.
USERS = st.one_of(st.integers(1, 4), st.sampled_from(["3", "ann", "007"]))
TEXTS = st.sampled_from([None, "hi", "yo"])
PLATFORMS = st.sampled_from([None, "x", "y"])
TOPICS = st.sampled_from([None, ["a"], ["b", "a"]])


@st.composite
def logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A random log: posts, replies to them (with a target), engagement, bad rows, copies."""
    rows: list[dict[str, Any]] = []
    created: list[Any] = []
    for k in range(draw(st.integers(0, 14))):
        kind = draw(
            st.sampled_from(["post", "reply", "share", "like", "follow", "bad", "copy", "copy"])
        )
        row: dict[str, Any] = {"time": draw(st.integers(0, 3)) * 1.5, "actor": draw(USERS)}
        if kind == "copy" and rows:  # an exact duplicate of a row that creates no post
            source = draw(st.sampled_from(rows))
            if "post" not in source:
                rows.append(dict(source))
            continue
        if kind in ("post", "reply", "share"):
            row["post"] = draw(st.sampled_from([f"p{k}", 100 + k]))
            created.append(row["post"])
        if kind == "post":
            row["action"] = "post"
        else:
            row["action"] = "poke" if kind == "bad" else "like" if kind == "copy" else kind
            row["target"] = draw(USERS)
            if kind in ("reply", "share") and created[:-1]:
                row["parent"] = draw(st.sampled_from(created[:-1]))
        for field, values in (("text", TEXTS), ("platform", PLATFORMS), ("topics", TOPICS)):
            value = draw(values)
            if value is not None:
                row[field] = value
        rows.append(row)
    return rows


def build(rows: list[dict[str, Any]]) -> Events:
    return Events.from_records(rows, errors="skip")


def same(a: Events, b: Events) -> None:
    """*a* and *b* hold the same table: columns, ids of the same type, lookups, report."""
    assert a.users.ids.dtype.kind == b.users.ids.dtype.kind
    assert a.posts.ids.dtype.kind == b.posts.ids.dtype.kind
    assert a == b
    assert a.report() == b.report()


@FAST
@given(logs(), st.data())
def test_concat_equals_building_from_all_rows(rows: list[dict[str, Any]], data: Any) -> None:
    n_parts = data.draw(st.integers(1, 3))
    label = data.draw(st.lists(st.integers(0, n_parts - 1), min_size=len(rows), max_size=len(rows)))
    parts_rows = [[r for r, j in zip(rows, label) if j == k] for k in range(n_parts)]
    parts = [build(p) for p in parts_rows]
    whole = concat(parts)
    same(whole, build(list(chain.from_iterable(parts_rows))))
    assert whole.rejected == tuple(chain.from_iterable(p.rejected for p in parts))
    same(Events.concat(parts[::-1]), whole)  # the order of the tables does not matter
    if n_parts == 3:
        a, b, c = parts
        same(concat([concat([a, b]), c]), whole)
        same(concat([a, b.append(c)]), whole)


@FAST
@given(logs(), logs())
def test_append_equals_building_from_both(
    first: list[dict[str, Any]], new: list[dict[str, Any]]
) -> None:
    # Second log's post ids renamed, so that no post is created in both.
    new = [{**r, **{k: f"n{r[k]}" for k in ("post", "parent") if k in r}} for r in new]
    same(build(first).append(build(new)), build(first + new))


def test_a_reply_in_the_new_part_to_a_post_in_the_first() -> None:
    first = [{"time": 0, "actor": 1, "action": "post", "post": 7}]
    new = [{"time": 5, "actor": 2, "action": "reply", "post": 8, "parent": 7, "target": 1}]
    both = Events.from_records(first).append(Events.from_records(new))
    assert both == Events.from_records(first + new)
    assert both.posts.ids.tolist() == [7, 8]
    assert both.parent.tolist() == [-1, both.posts.index(7)]


def test_text_ids_turn_every_id_into_text_and_reorder_the_indices() -> None:
    ints = Events.from_records([{"time": 0, "actor": 9, "action": "follow", "target": 10}])
    text = Events.from_records([{"time": 1, "actor": "ann", "action": "follow", "target": 10}])
    both = ints.append(text)
    assert both.users.ids.tolist() == ["10", "9", "ann"]  # 9 was index 0, now 1
    assert both.users.id(int(both.actor[0])) == "9"
    assert both == Events.from_records(ints.to_records() + text.to_records())


def test_empty_tables_add_nothing() -> None:
    ev = Events.from_records([{"time": 0, "actor": "bob", "action": "like", "target": "ann"}])
    assert concat([Events.empty(), ev, Events.from_records([])]) == ev
    assert concat([Events.empty(), Events.empty()]) == Events.empty()
    assert concat([ev]) is ev


def test_duplicates_across_tables_are_counted_and_kept_even_when_deduped() -> None:
    row = {"time": 0, "actor": "bob", "action": "like", "target": "ann"}
    a = Events.from_records([row, row], dedupe=True)
    b = Events.from_records([row])
    both = a.append(b)
    assert len(both) == 2
    assert both.report() == {"exact duplicate": 1, "exact duplicate (kept)": 1}
    assert Events.from_records([row, row]).append(b).report() == {"exact duplicate (kept)": 2}


def test_rejected_rows_keep_their_own_numbers_table_after_table() -> None:
    good = {"time": 0, "actor": "bob", "action": "like", "target": "ann"}
    a = Events.from_records([good, {**good, "action": "poke"}], errors="skip")
    b = Events.from_records([{**good, "time": "soon"}, good], errors="skip")
    both = a.append(b)
    assert [(r.row, r.kind) for r in both.rejected] == [
        (1, a.rejected[0].kind),
        (0, b.rejected[0].kind),
    ]
    assert both.report() == {**a.report(), **b.report(), "exact duplicate (kept)": 1}


def test_trust_follows_its_rows_and_rows_without_it_weigh_one() -> None:
    a = Events.from_records(
        [
            {"time": 3, "actor": "bob", "action": "like", "target": "ann"},
            {"time": 1, "actor": "cy", "action": "like", "target": "ann"},
        ]
    )
    b = Events.from_records([{"time": 2, "actor": "dee", "action": "like", "target": "ann"}])
    weights = {"cy": 0.25, "bob": 0.5}
    trusted = a.with_trust([weights[a.users.id(int(i))] for i in a.actor])
    for both in (trusted.append(b), b.append(trusted)):
        actors = [both.users.id(int(i)) for i in both.actor]
        assert actors == ["cy", "dee", "bob"]
        assert both.trust is not None
        assert both.trust.tolist() == [0.25, 1.0, 0.5]
        assert both.with_trust(None) == a.append(b)
    assert a.append(b).trust is None


def test_a_post_created_in_two_tables_is_refused() -> None:
    a = Events.from_records([{"time": 0, "actor": "ann", "action": "post", "post": "p1"}])
    b = Events.from_records([{"time": 9, "actor": "bob", "action": "post", "post": "p1"}])
    with pytest.raises(ValueError, match="post ids 'p1' are created in more than one"):
        a.append(b)


def test_a_reply_without_target_to_a_post_of_another_table_was_rejected_by_its_own() -> None:
    first = [{"time": 0, "actor": "ann", "action": "post", "post": "p1"}]
    new = [{"time": 5, "actor": "bob", "action": "reply", "post": "p2", "parent": "p1"}]
    appended = Events.from_records(first).append(Events.from_records(new, errors="skip"))
    assert len(appended) == 1
    assert appended.report() == {"unresolved target": 1}
    assert len(Events.from_records(first + new)) == 2  # all at once, the target is found


def test_errors_name_what_was_given() -> None:
    ev = Events.from_records([{"time": 0, "actor": "bob", "action": "like", "target": "ann"}])
    with pytest.raises(ValueError, match="at least one Events table; got an empty"):
        Events.concat([])
    with pytest.raises(TypeError, match=r"sequence of Events tables.*got Events"):
        Events.concat(ev)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"tables\[1\] must be an Events table.*got list"):
        Events.concat([ev, [{"time": 1}]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"new must be an Events table.*got dict"):
        ev.append({"time": 1})  # type: ignore[arg-type]


def test_inputs_are_not_mutated() -> None:
    a = Events.from_records([{"time": 5, "actor": "bob", "action": "like", "target": "ann"}])
    b = Events.from_records([{"time": 1, "actor": 7, "action": "like", "target": 8}])
    before = (a.users.ids.copy(), a.actor.copy(), b.users.ids.copy(), b.actor.copy())
    a.append(b)
    after = (a.users.ids, a.actor, b.users.ids, b.actor)
    assert all(np.array_equal(x, y) for x, y in zip(before, after))


def test_merge_ids_types_the_union_by_the_one_rule() -> None:
    ids, maps = merge_ids([np.array([2, 10]), np.array([1, 10, 30])])
    assert ids.tolist() == [1, 2, 10, 30]
    assert [m.tolist() for m in maps] == [[1, 2], [0, 2, 3]]
    ids, maps = merge_ids([np.array([10]), np.array(["9", "x"])])
    assert ids.tolist() == ["10", "9", "x"]
    assert [m.tolist() for m in maps] == [[0], [1, 2]]
    ids, maps = merge_ids([np.zeros(0, dtype=np.int64), np.array(["a"])])
    assert ids.tolist() == ["a"]
    assert [m.tolist() for m in maps] == [[], [0]]
    values, value_maps = merge_values([(), ("b",), ("a", "b")])
    assert values == ("a", "b")
    assert [m.tolist() for m in value_maps] == [[], [1], [0, 1]]


def test_dedupe_keeps_one_of_the_rows_equal_in_every_column() -> None:
    rows = [
        {"time": 0, "actor": "ann", "action": "post", "post": "p1", "text": "hi"},
        {"time": 60, "actor": "bob", "action": "like", "parent": "p1", "target": "ann"},
        {"time": 60, "actor": "bob", "action": "like", "parent": "p1", "target": "ann"},
        {
            "time": 90,
            "actor": "cy",
            "action": "reply",
            "post": "p2",
            "parent": "p1",
            "target": "ann",
        },
    ]
    a, b = Events.from_records(rows[:3]), Events.from_records(rows[1:])
    with pytest.raises(ValueError, match="created in more than one"):
        concat([a, b, b])  # the retried p2 is created twice
    got = concat([a, b, b], dedupe=True)
    want = Events.from_records(rows, dedupe=True)
    assert len(got) == 3
    assert got.report() == {}
    for name in ("time", "actor", "action", "target", "post", "parent", "text"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert concat([a, a], dedupe=True).report() == {}
    likes = Events.from_records(rows[1:3])
    assert len(concat([likes, likes])) == 4  # without dedupe: kept, and counted
    assert concat([likes, likes]).report() == {"exact duplicate (kept)": 3}


TABLE = st.one_of(
    st.lists(st.integers(-5, 40), max_size=60, unique=True),
    st.lists(
        st.sampled_from(["7", "007", "ann", "bob", "zed", "x" * 300, "12", "-3", "40"]),
        max_size=9,
        unique=True,
    ),
)


#: A big table: at least 40 ids, so that a batch of up to 4 ids a table joins it by insertion.
BIG = st.one_of(
    st.lists(st.integers(-500, 500), min_size=40, max_size=80, unique=True),
    st.lists(
        st.sampled_from([f"u{k}" for k in range(100)] + ["7", "007", "x" * 300, "-3"]),
        min_size=40,
        max_size=80,
        unique=True,
    ),
)


@settings(max_examples=200, deadline=None)
@given(big=TABLE | BIG, small=st.lists(TABLE.map(lambda t: t[:4]), min_size=1, max_size=3))
def test_merge_ids_a_small_batch_into_a_big_table_as_interning_them_all(
    big: list[Any], small: list[list[Any]]
) -> None:
    # Each table as Events interns it (sorted distinct, typed); the union and the maps as
    # interning every id at once gives, whichever path merge_ids takes (insertion into the
    # big table, or the merge of tables of about the same size).
    from influence.events.ids import intern

    def interned(values: list[Any]) -> np.ndarray:
        if not values:
            return np.zeros(0, dtype=np.int64)
        kind = object if isinstance(values[0], str) else np.int64
        return intern(np.array(values, dtype=kind))[0]

    given_tables = [big, *small]
    tables = [interned(t) for t in given_tables]
    ids, maps = merge_ids(tables)
    text = any(t and isinstance(t[0], str) for t in given_tables)
    everything = [str(v) if text else v for t in given_tables for v in t]
    want = interned(everything)
    assert ids.tolist() == want.tolist()
    assert ids.dtype.kind in ("UO" if want.dtype.kind in "UO" else "i")
    for table, found in zip(tables, maps):
        assert [str(v) for v in ids[found].tolist()] == [str(v) for v in table.tolist()]
