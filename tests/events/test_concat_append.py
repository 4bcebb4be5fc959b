"""Tests of :mod:`influence.events.append`: the append case of ``concat`` equals the general one.

A batch whose rows start at or after the latest row of the table it is appended to is put
in the canonical order without a sort of the whole (only the rows tied on time across the
boundary are sorted again). Every property here builds the same tables through that path
and through the general one (``follows`` patched to refuse), and checks that they agree in
every column, id, lookup, trust weight and report, and with building from all the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events
from influence.events import append as _append
from influence.events.append import COMPACT, boundaries, follows, increasing
from influence.events.concat import concat, merge_values

FAST = settings(max_examples=120, deadline=None)

NAMES = st.sampled_from(["ann", "bob", "cy", "dee", "zed", "007"])
#: Integers of several widths: as text ("10" < "9") they sort otherwise, so that integer ids
#: turned text by a batch with text ids move, and the append path must be refused.
NUMBERS = st.sampled_from([2, 9, 10, 12, 100])
MIXED = st.one_of(NUMBERS, NAMES)
TEXTS = st.sampled_from([None, "hi", "yo", "new text"])
PLATFORMS = st.sampled_from([None, "x", "y", "zz"])
TOPICS = st.sampled_from([None, ["a"], ["b", "a"], ["c"]])


@st.composite
def batch(
    draw: st.DrawFn,
    times: list[float],
    users: st.SearchStrategy[Any],
    prefix: str,
    parents: list[Any],
    copies: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Rows at *times*: posts (ids *prefix*-numbered), replies and shares of *parents* or
    of this batch's posts, engagement, exact copies of *copies* or of this batch's rows."""
    rows: list[dict[str, Any]] = []
    created: list[Any] = []
    for k in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["post", "reply", "share", "like", "follow", "copy"]))
        if kind == "copy":
            sources = [r for r in [*copies, *rows] if "post" not in r and r["time"] in times]
            if sources:
                rows.append(dict(draw(st.sampled_from(sources))))
            continue
        row: dict[str, Any] = {"time": draw(st.sampled_from(times)), "actor": draw(users)}
        if kind in ("post", "reply", "share"):
            row["post"] = draw(st.sampled_from([f"{prefix}{k}", int(f"{k}{ord(prefix)}")]))
        if kind != "post":
            row["target"] = draw(users)
        if kind in ("reply", "share") and parents + created:
            row["parent"] = draw(st.sampled_from(parents + created))
        row["action"] = kind
        if "post" in row:
            created.append(row["post"])
        for field, values in (("text", TEXTS), ("platform", PLATFORMS), ("topics", TOPICS)):
            value = draw(values)
            if value is not None:
                row[field] = value
        rows.append(row)
    return rows


def posts_of(rows: list[dict[str, Any]]) -> list[Any]:
    return [r["post"] for r in rows if "post" in r]


def build(rows: list[dict[str, Any]]) -> Events:
    return Events.from_records(rows, errors="skip")


#: The globals ``concat`` reads ``follows`` from (the module it was defined in, whatever
#: the name it is imported under: pytest's doctest collection may import it again).
SCOPE = concat.__globals__


@contextmanager
def spied() -> Iterator[list[bool]]:
    """The answers ``follows`` gives inside the block (one per ``concat`` of 2+ tables)."""
    answers: list[bool] = []

    def spy(*args: Any) -> bool:
        answers.append(_append.follows(*args))
        return answers[-1]

    with patch.dict(SCOPE, {"follows": spy}):
        yield answers


def general(tables: list[Events], *, dedupe: bool = False) -> Events:
    """``concat`` through the general path: a sort of the whole."""
    with patch.dict(SCOPE, {"follows": lambda *args: False}):
        return concat(tables, dedupe=dedupe)


def same(a: Events, b: Events) -> None:
    """Identical tables: columns, ids of the same type, lookups, trust, report, rejected."""
    assert a.users.ids.dtype == b.users.ids.dtype
    assert a.posts.ids.dtype == b.posts.ids.dtype
    assert a == b
    assert (a.trust is None) == (b.trust is None)
    assert a.report() == b.report()
    assert a.rejected == b.rejected


def kinds(tables: list[Events], name: str) -> set[bool]:
    """Whether the tables' (non-empty) ids of *name* are text, integers, or both."""
    ids = [getattr(t, name).ids for t in tables]
    return {x.dtype.kind in "UO" for x in ids if x.size} or {True}


def appended(
    data: st.DataObject, users: st.SearchStrategy[Any], parts: int, later: Any = None
) -> tuple[list[list[dict[str, Any]]], list[Events]]:
    """A log and *parts* - 1 batches, each at or after the latest row before it, often
    tied with it; the rows and the tables built from them. The batches' users are drawn
    from *later* when given."""
    rows = [data.draw(batch([0.0, 1.5, 3.0], users, "p", [], []))]
    users = users if later is None else later
    tables = [build(rows[0])]
    for k in range(1, parts):
        end = max((t.end for t in tables if t.end is not None), default=0.0)
        times = data.draw(st.sampled_from([[end], [end, end + 1.5], [end + 1.5, end + 3.0]]))
        old = [r for part in rows for r in part]
        new = data.draw(batch(times, users, "pqr"[k], posts_of(old), old))
        rows.append(new)
        tables.append(build(new))
    return rows, tables


USERS = [(NAMES, NAMES), (NUMBERS, NUMBERS), (NUMBERS, MIXED), (MIXED, MIXED)]


@FAST
@given(st.data(), st.sampled_from(USERS), st.integers(2, 3))
def test_appending_in_time_order_equals_the_general_path_and_building_at_once(
    data: st.DataObject, users: tuple[Any, Any], parts: int
) -> None:
    rows, tables = appended(data, users[0], parts, users[1])
    with spied() as answers:
        fast = concat(tables)
    slow = general(tables)
    same(fast, slow)
    every = [r for part in rows for r in part]
    want = build(every)
    assert fast == want
    assert fast.report() == want.report()
    if all(len(kinds(tables, name)) == 1 for name in ("users", "posts")):
        assert answers == [True]  # ids of one type: the maps keep the order
    for dedupe in (False, True):
        same(concat(tables, dedupe=dedupe), general(tables, dedupe=dedupe))
    assert concat(tables, dedupe=True) == Events.from_records(every, errors="skip", dedupe=True)


@FAST
@given(st.data(), st.lists(st.sampled_from([0.25, 0.5, 1.0]), min_size=30, max_size=30))
def test_trust_rides_along_as_in_the_general_path(
    data: st.DataObject, weights: list[float]
) -> None:
    _, (old, new) = appended(data, NAMES, 2)
    trusted = old.with_trust(weights[: len(old)])
    with spied() as answers:
        fast = concat([trusted, new])
    same(fast, general([trusted, new]))
    assert fast.with_trust(None) == concat([old, new])
    assert len(answers) == 1


def test_rows_equal_but_for_trust_in_descending_trust_take_the_general_path() -> None:
    like = {"time": 5, "actor": "bob", "action": "like", "target": "ann"}
    old = Events.from_records([like, like]).with_trust([1.0, 0.5])
    new = Events.from_records([{**like, "time": 9}])
    assert not follows([old, new], [])
    assert follows([old.with_trust([0.5, 1.0]), new], [])
    both = concat([old, new])
    assert both.trust is not None
    assert both.trust.tolist() == [0.5, 1.0, 1.0]
    same(both, general([old, new]))


def test_a_tie_at_the_boundary_is_sorted_as_building_at_once_sorts_it() -> None:
    old = [
        {"time": 0, "actor": "bob", "action": "post", "post": "p1"},
        {"time": 7, "actor": "dee", "action": "like", "target": "bob"},
    ]
    new = [
        {"time": 7, "actor": "ann", "action": "like", "target": "bob"},  # before dee's
        {"time": 7, "actor": "dee", "action": "like", "target": "bob"},  # a copy across
        {
            "time": 8,
            "actor": "cy",
            "action": "reply",
            "post": "p2",
            "parent": "p1",
            "target": "bob",
        },
    ]
    with spied() as answers:
        both = concat([Events.from_records(old), Events.from_records(new)])
    assert answers == [True]
    assert [both.users.id(int(a)) for a in both.actor] == ["bob", "ann", "dee", "dee", "cy"]
    assert both == Events.from_records(old + new)
    assert both.report() == {"exact duplicate (kept)": 1}


def test_a_batch_before_the_latest_row_takes_the_general_path() -> None:
    old = Events.from_records([{"time": 5, "actor": "bob", "action": "like", "target": "ann"}])
    late = Events.from_records([{"time": 4, "actor": "cy", "action": "like", "target": "ann"}])
    with spied() as answers:
        both = concat([old, late])
    assert answers == [False]
    assert both == Events.from_records(old.to_records() + late.to_records())


def test_a_post_created_in_both_is_refused_on_either_path() -> None:
    old = Events.from_records([{"time": 0, "actor": "ann", "action": "post", "post": "p1"}])
    new = Events.from_records([{"time": 9, "actor": "bob", "action": "post", "post": "p1"}])
    for join in (concat, general):
        with pytest.raises(ValueError, match="post ids 'p1' are created in more than one"):
            join([old, new])
    shared = Events.from_records(
        [
            {
                "time": 9,
                "actor": "bob",
                "action": "share",
                "post": "p2",
                "parent": "p1",
                "target": "ann",
            }
        ]
    )
    same(concat([old, shared]), general([old, shared]))  # p1 named in both, created once


def test_the_appended_table_is_known_compact_when_its_parts_are() -> None:
    like = {"action": "like", "target": "ann"}
    old = Events.from_records([{"time": 0, "actor": "bob", **like}]).compact()
    new = Events.from_records([{"time": 9, "actor": "cy", **like}])
    assert COMPACT in old.memo
    assert COMPACT not in new.memo
    assert COMPACT not in concat([old, new]).memo  # not known: found by compact()
    both = concat([old, new.compact()])
    assert COMPACT in both.memo
    assert both.compact() is both
    wider = Events.from_records(
        [{"time": 9, "actor": "cy", **like}, {"time": 1, "actor": "x"}], errors="skip"
    )
    deduped = concat([old, old], dedupe=True)  # a row dropped: ids may no longer be named
    assert COMPACT not in deduped.memo
    assert deduped.compact() == deduped
    assert concat([old, wider.compact()]).compact() == concat([old, wider]).compact()


def test_empty_tables_and_a_users_only_table_keep_the_append_path() -> None:
    ev = Events.from_records([{"time": 0, "actor": "bob", "action": "like", "target": "ann"}])
    with spied() as answers:
        assert concat([Events.empty(), ev, Events.from_records([])]) == ev
    assert answers == [True]


def test_helpers() -> None:
    assert increasing(np.array([0, 2, 5], dtype=np.int32))
    assert not increasing(np.array([1, 0], dtype=np.int32))
    time = np.array([0.0, 1.0, 1.0, 1.0, 2.0, 2.0])
    assert boundaries(time, [2, 3, 5]) == [(1, 4), (4, 6)]
    assert boundaries(time, [1, 4]) == []


VALUES = st.sampled_from(["", "a", "b", "hi", "yo", "zz", "é"]) | st.tuples(st.sampled_from("abc"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(VALUES, max_size=40).map(lambda v: sorted(set(v), key=repr)), max_size=4))
def test_merge_values_a_small_batch_into_a_big_table_as_sorting_them_all(
    given_tables: list[list[Any]],
) -> None:
    # Lookup tables hold one kind of value each (texts, or topic sets): sorted and distinct.
    for kind in (str, tuple):
        tables = [tuple(sorted(v for v in t if isinstance(v, kind))) for t in given_tables]
        union, maps = merge_values(tables)  # type: ignore[arg-type]
        assert union == tuple(sorted({v for t in tables for v in t}))
        for table, found in zip(tables, maps):
            assert found.dtype == np.int32
            assert [union[j] for j in found.tolist()] == list(table)
