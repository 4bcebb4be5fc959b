"""from_interned: events from columns given as codes into distinct values.

Every result is compared with ``Events.from_arrow`` of the same rows: the same events,
ids (values and type), posts, rejections and exact duplicates.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, InvalidEventError
from influence.events.interned import Interned, from_interned

pa = pytest.importorskip("pyarrow")

#: Pools of ids: plain text, integers written canonically, and ids that need judging
#: (blanks, spaces, leading zeros, control characters, non-ASCII, beyond int64).
TEXT = ["ann", "bob", "cy", "Zoe", "a-1", "u10", "u9", "~x"]
INTS = ["0", "7", "12", "-3", "9000000000"]
ODD = ["", "  ", " ann", "bob ", "007", "+1", "a\x01", "é", "naïve", "99999999999999999999", "a b"]
#: Mostly actions as written, some that need judging or are refused.
ACTIONS = [*["like"] * 8, "share", "reply", "mention", "post", "follow", " like", "bogus", ""]


def same(got: Events, want: Events) -> None:
    assert got == want
    for name in ("users", "posts"):
        mine, theirs = getattr(got, name).ids, getattr(want, name).ids
        assert mine.dtype.kind == theirs.dtype.kind or {mine.dtype.kind, theirs.dtype.kind} <= {
            "U",
            "O",
        }
        assert mine.tolist() == theirs.tolist()
    assert [(*r, r.kind) for r in got.rejected] == [(*r, r.kind) for r in want.rejected]
    assert got.report() == want.report()


def interned(table: Any, groups: list[list[str]], shuffle: random.Random | None) -> Any:
    """*table*'s fields of each group as an Interned (sorted distinct values, or shuffled)."""
    out = []
    for fields in groups:
        values = sorted({v for f in fields for v in table.column(f).to_pylist() if v is not None})
        if shuffle is not None:
            shuffle.shuffle(values)
        at = {v: k for k, v in enumerate(values)}
        codes = {
            f: np.array([at.get(v, -1) for v in table.column(f).to_pylist()], dtype=np.int32)
            for f in fields
        }
        out.append(Interned(pa.array(values, pa.string()), codes))
    return out


def build(table: Any, groups: list[list[str]], errors: str, shuffle: random.Random | None) -> Any:
    coded = {f for g in groups for f in g}
    rest = {f: table.column(f) for f in table.column_names if f not in coded}
    return from_interned(
        rest,
        interned(table, groups, shuffle),
        table.num_rows,
        errors=errors,  # type: ignore[arg-type]
    )


def outcome(make: Any) -> Any:
    """The events *make* builds, or the message of the InvalidEventError it raises."""
    try:
        return make()
    except InvalidEventError as exc:
        return str(exc)


@st.composite
def logs(draw: st.DrawFn) -> Any:
    pools = draw(st.lists(st.sampled_from(["text", "ints", "odd"]), min_size=1, max_size=3))
    users = sorted({v for p in pools for v in {"text": TEXT, "ints": INTS, "odd": ODD}[p]})
    user = st.sampled_from([*users * 4, None])
    post = st.one_of(st.sampled_from(["p1", "p2", "p3", "1", "2", "07", " p1", ""]), st.none())
    rows = draw(
        st.lists(
            st.tuples(
                st.one_of(*[st.integers(0, 50)] * 6, st.none()),
                user,
                st.sampled_from(ACTIONS),
                user,
                post,
                post,
            ),
            max_size=30,
        )
    )
    names = ["time", "actor", "action", "target", "post", "parent"]
    columns = {
        name: pa.array([r[k] for r in rows], pa.int64() if name == "time" else pa.string())
        for k, name in enumerate(names)
    }
    return pa.table(columns)


GROUPS = [["actor", "target"], ["post", "parent"], ["action"]]


@settings(max_examples=150, deadline=None)
@given(logs(), st.sampled_from(["skip", "raise"]), st.booleans(), st.integers(0, 3))
def test_the_same_events_as_from_arrow_of_the_rows(
    table: Any, errors: str, shuffled: bool, seed: int
) -> None:
    shuffle = random.Random(seed) if shuffled else None
    want = outcome(lambda: Events.from_arrow(table, errors=errors))  # type: ignore[arg-type]
    got = outcome(lambda: build(table, GROUPS, errors, shuffle))
    if isinstance(want, Events):
        assert isinstance(got, Events)
        same(got, want)
    else:
        assert got == want  # the same message for the first bad row


@pytest.mark.parametrize(
    "groups", [[["actor", "target"]], [["post", "parent"], ["action"]], [["actor"], ["target"]]]
)
def test_some_fields_interned_and_the_rest_read_from_arrow(groups: list[list[str]]) -> None:
    table = pa.table(
        {
            "time": pa.array([3, 1, 2, 2]),
            "actor": pa.array(["bob", "cy", "ann", "ann"]),
            "action": pa.array(["like", "post", "reply", "reply"]),
            "target": pa.array(["ann", None, "cy", "cy"]),
            "post": pa.array([None, "p1", "p2", "p2"]),
            "parent": pa.array(["p1", None, "p1", "p1"]),
        }
    )
    same(build(table, groups, "skip", None), Events.from_arrow(table, errors="skip"))


def test_integer_ids_become_integers_and_text_stays_text() -> None:
    table = pa.table(
        {
            "time": pa.array([1, 2]),
            "actor": pa.array(["12", "-3"]),
            "action": pa.array(["like", "like"]),
            "target": pa.array(["9", "12"]),
        }
    )
    got = build(table, [["actor", "target"]], "raise", random.Random(1))
    assert got.users.ids.tolist() == [-3, 9, 12]
    assert got.users.ids.dtype.kind == "i"
    same(got, Events.from_arrow(table))
    texts = table.set_column(1, "actor", pa.array(["12", "u3"]))
    got = build(texts, [["actor", "target"]], "raise", None)
    assert got.users.ids.tolist() == ["12", "9", "u3"]
    same(got, Events.from_arrow(texts))


def test_bad_input_is_named() -> None:
    users = pa.array(["ann", "bob"])
    time = {"time": pa.array([1.0]), "action": pa.array(["like"])}
    one = np.array([0], np.int32)
    with pytest.raises(ValueError, match="'actor' is given twice"):
        from_interned(time, [Interned(users, {"actor": one}), Interned(users, {"actor": one})], 1)
    with pytest.raises(ValueError, match="'who' is not an event field"):
        from_interned(time, [Interned(users, {"who": one})], 1)
    with pytest.raises(ValueError, match="'time' cannot be interned"):
        from_interned({}, [Interned(users, {"time": one})], 1)
    with pytest.raises(ValueError, match="int32 array of 1 rows; got int64"):
        from_interned(time, [Interned(users, {"actor": one.astype(np.int64)})], 1)
    with pytest.raises(ValueError, match=r"must lie in \[-1, 2\); got 2\.\.2"):
        from_interned(time, [Interned(users, {"actor": one + 2})], 1)
    with pytest.raises(ValueError, match="column 'time' has 1 rows; expected 2"):
        from_interned(time, [], 2)
    with pytest.raises(ValueError, match="hold a null"):
        from_interned(time, [Interned(pa.array(["ann", None]), {"actor": one})], 1)
    with pytest.raises(ValueError, match="repeat a value"):
        from_interned(time, [Interned(pa.array(["bob", "ann", "bob"]), {"actor": one})], 1)
    with pytest.raises(ValueError, match="errors must be one of"):
        from_interned(time, [], 1, errors="ignore")  # type: ignore[arg-type]
