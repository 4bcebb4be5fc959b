"""Property-based tests of :class:`influence.Events` (hypothesis)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import ACTIONS, Events, InvalidEventError
from influence.events.assemble import canonical

T0 = 1_714_554_000  # 2024-05-01T09:00:00Z

FAST = settings(max_examples=60, deadline=None)

# A small pool so that rows often tie on time, actor and target; 2 and "2" are one user.
USERS = st.sampled_from(["ann", "bob", "cy", 1, 2, "2"])
TEXTS = st.sampled_from([None, "", "hi", "yo", "Hi"])
PLATFORMS = st.sampled_from([None, "x", "y"])
TOPICS = st.sampled_from([None, [], ["a"], ["b", "a"], "a, b", ("c",)])
INTERACTIONS = [
    "reply",
    "comment",
    "share",
    "retweet",
    "Quote",
    "like",
    "favourite",
    "mention",
    "follow",
]
CANONICAL = {"comment": "reply", "retweet": "share", "quote": "share", "favourite": "like"}


def canonical_name(spelling: str) -> str:
    lower = spelling.lower()
    return CANONICAL.get(lower, lower)


@st.composite
def times(draw: st.DrawFn) -> Any:
    """One of a few instants, written in one of several equivalent forms."""
    seconds = T0 + draw(st.integers(0, 3))
    form = draw(st.sampled_from(["int", "float", "iso", "isoz", "text", "datetime"]))
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    return {
        "int": seconds,
        "float": float(seconds),
        "iso": moment.replace(tzinfo=None).isoformat(),
        "isoz": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": str(seconds),
        "datetime": moment.astimezone(dt.timezone(dt.timedelta(hours=-3))),
    }[form]


@st.composite
def extras(draw: st.DrawFn) -> dict[str, Any]:
    """Optional fields that play no part in validation."""
    out: dict[str, Any] = {}
    for name, strategy in (("text", TEXTS), ("platform", PLATFORMS), ("topics", TOPICS)):
        value = draw(strategy)
        if value is not None or draw(st.booleans()):
            out[name] = value
    return out


@st.composite
def valid_records(
    draw: st.DrawFn, max_posts: int = 4, max_interactions: int = 12, clones: bool = True
) -> list[dict[str, Any]]:
    """Records that are all valid together: unique post ids, every target resolvable.

    With *clones*, some records are repeated with only text, platform, topics
    or post id changed, so that rows tie on (time, action, actor, target).
    """
    records: list[dict[str, Any]] = []
    post_ids: list[str] = []
    for k in range(draw(st.integers(0, max_posts))):
        pid = f"p{k}"
        post_ids.append(pid)
        records.append(
            {
                "time": draw(times()),
                "actor": draw(USERS),
                "action": "post",
                "post": pid,
                **draw(extras()),
            }
        )
    for j in range(draw(st.integers(0, max_interactions))):
        spelling = draw(st.sampled_from(INTERACTIONS))
        name = canonical_name(spelling)
        record: dict[str, Any] = {
            "time": draw(times()),
            "actor": draw(USERS),
            "action": spelling,
            **draw(extras()),
        }
        if name == "follow" or not post_ids or draw(st.booleans()):
            record["target"] = draw(USERS)
        if name != "follow" and post_ids and ("target" not in record or draw(st.booleans())):
            record["parent"] = draw(st.sampled_from(post_ids))
        if name in ("reply", "share") and draw(st.booleans()):
            pid = f"r{j}"
            record["post"] = pid
            post_ids.append(pid)
        records.append(record)
    if clones and records:
        for c in range(draw(st.integers(0, 4))):
            clone = dict(draw(st.sampled_from(records)))
            clone.update(draw(extras()))
            if "post" in clone:
                if clone["action"] == "post" or draw(st.booleans()):
                    clone["post"] = f"c{c}"
                else:
                    del clone["post"]
            records.append(clone)
    return records


# ---------------------------------------------------------------------- (a) permutations


@FAST
@given(st.data())
def test_any_permutation_gives_the_same_table(data: st.DataObject) -> None:
    records = data.draw(valid_records())
    shuffled = data.draw(st.permutations(records))
    ev = Events.from_records(records)
    again = Events.from_records(shuffled)
    assert again == ev
    assert again.to_records() == ev.to_records()
    assert np.all(np.diff(ev.time) >= 0)
    assert len(ev) == len(records)


@FAST
@given(st.data())
def test_ties_differing_only_in_optional_fields(data: st.DataObject) -> None:
    base = {"time": T0, "actor": "ann", "action": "mention", "target": "bob"}
    variants = data.draw(st.lists(extras(), min_size=2, max_size=8))
    records = [base | extra for extra in variants]
    records += [
        {"time": T0, "actor": "ann", "action": "post", "post": f"t{i}", **extra}
        for i, extra in enumerate(variants)
    ]
    records += [
        {"time": T0, "actor": "ann", "action": "reply", "target": "bob", "post": f"q{i}"}
        for i in range(len(variants))
    ]
    shuffled = data.draw(st.permutations(records))
    assert Events.from_records(shuffled) == Events.from_records(records)


# ---------------------------------------------------------------------- (b) round trip


@FAST
@given(valid_records())
def test_to_records_round_trips(records: list[dict[str, Any]]) -> None:
    ev = Events.from_records(records)
    back = Events.from_records(ev.to_records())
    assert back == ev
    assert back.to_records() == ev.to_records()
    assert list(back.users) == list(ev.users)


# ---------------------------------------------------------------------- (c) rejections

INVALID: list[Any] = [
    {"actor": "ann", "action": "follow", "target": "bob"},
    {"time": None, "actor": "ann", "action": "follow", "target": "bob"},
    {"time": "", "actor": "ann", "action": "follow", "target": "bob"},
    {"time": "never", "actor": "ann", "action": "follow", "target": "bob"},
    {"time": math.nan, "actor": "ann", "action": "follow", "target": "bob"},
    {"time": -math.inf, "actor": "ann", "action": "follow", "target": "bob"},
    {"time": T0, "action": "follow", "target": "bob"},
    {"time": T0, "actor": "", "action": "follow", "target": "bob"},
    {"time": T0, "actor": 1.5, "action": "follow", "target": "bob"},
    {"time": T0, "actor": "ann", "target": "bob"},
    {"time": T0, "actor": "ann", "action": None, "target": "bob"},
    {"time": T0, "actor": "ann", "action": "poke", "target": "bob"},
    {"time": T0, "actor": "ann", "action": "follow"},
    {"time": T0, "actor": "ann", "action": "follow", "parent": "p0"},
    {"time": T0, "actor": "ann", "action": "reply"},
    {"time": T0, "actor": "ann", "action": "like", "parent": "nowhere"},
    {"time": T0, "actor": "ann", "action": "post"},
    {"time": T0, "actor": "ann", "action": "post", "post": "bad-post", "target": "bob"},
    {"time": T0, "actor": "ann", "action": "mention", "target": "bob", "topics": 7},
    "not a record",
    None,
    ["time", "actor"],
]


def _text_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("actor", "target", "post", "parent")
    return [{k: str(v) if k in keys else v for k, v in r.items()} for r in records]


@FAST
@given(st.data())
def test_rejection_accounting(data: st.DataObject) -> None:
    valid = data.draw(valid_records(clones=False))
    invalid = data.draw(st.lists(st.sampled_from(INVALID), max_size=8))
    mixed: list[tuple[bool, Any]] = [(True, r) for r in valid] + [(False, r) for r in invalid]
    mixed = data.draw(st.permutations(mixed))
    records = [record for _, record in mixed]
    bad_rows = [i for i, (ok, _) in enumerate(mixed) if not ok]

    ev = Events.from_records(records, errors="skip")
    assert len(ev) + len(ev.rejected) == len(records)
    assert [row for row, _ in ev.rejected] == bad_rows
    for row, reason in ev.rejected:
        assert reason.startswith(f"row {row}: ")
    # Exact duplicates kept are counted apart from the rows set aside.
    counts = {k: v for k, v in ev.report().items() if k != "exact duplicate (kept)"}
    assert sum(counts.values()) == len(bad_rows)
    # The kept rows are those of the valid records alone. Ids are compared as text: a str id
    # in a rejected row still turns an all-int id column into strings (a column-level rule).
    alone = Events.from_records([r for ok, r in mixed if ok])
    assert _text_ids(ev.to_records()) == _text_ids(alone.to_records())

    if bad_rows:
        with pytest.raises(InvalidEventError) as info:
            Events.from_records(records)
        assert info.value.row == bad_rows[0]
        assert str(info.value) == ev.rejected[0].reason
        assert info.value.kind == ev.rejected[0].kind
    else:
        assert Events.from_records(records) == ev


# ---------------------------------------------------------------------- (d) arrays vs records


@st.composite
def numeric_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Rows with integer users and post ids, in any order.

    Users are mostly small integers (the dense interning path), sometimes far
    apart ones (the sorting path).
    """
    users = st.one_of(st.integers(0, 6), st.sampled_from([-(2**40), 10**12, 2**62]))
    rows: list[dict[str, Any]] = []
    post_ids: list[int] = []
    for k in range(draw(st.integers(0, 4))):
        post_ids.append(1000 + k)
        rows.append(
            {
                "time": draw(st.integers(0, 5)),
                "actor": draw(users),
                "action": "post",
                "post": 1000 + k,
            }
        )
    for j in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from(ACTIONS[1:]))
        row: dict[str, Any] = {
            "time": draw(st.integers(0, 5)),
            "actor": draw(users),
            "action": name,
        }
        if name == "follow" or not post_ids or draw(st.booleans()):
            row["target"] = draw(users)
        if name != "follow" and post_ids and ("target" not in row or draw(st.booleans())):
            row["parent"] = draw(st.sampled_from(post_ids))
        if name in ("reply", "share") and draw(st.booleans()):
            post_ids.append(2000 + j)
            row["post"] = 2000 + j
        rows.append(row)
    return draw(st.permutations(rows))


def _floats(rows: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([float(r[key]) if key in r else np.nan for r in rows], dtype=np.float64)


def _objects(rows: list[dict[str, Any]], key: str, convert: Any = str) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    out[:] = [convert(r[key]) if key in r else None for r in rows]
    return out


@FAST
@given(numeric_rows())
def test_from_arrays_numeric_agrees_with_from_records(rows: list[dict[str, Any]]) -> None:
    ev = Events.from_arrays(
        time=np.array([r["time"] for r in rows], dtype=np.int64),
        actor=np.array([r["actor"] for r in rows], dtype=np.int64),
        action=np.array([ACTIONS.index(r["action"]) for r in rows], dtype=np.int8),
        target=_floats(rows, "target"),
        post=_floats(rows, "post"),
        parent=_floats(rows, "parent"),
    )
    assert ev == Events.from_records(rows)
    if rows:
        assert ev.users.ids.dtype.kind == "i"


@FAST
@given(numeric_rows(), st.sampled_from(["U", "O"]))
def test_from_arrays_strings_agree_with_from_records(rows: list[dict[str, Any]], kind: str) -> None:
    as_text = [{k: (v if k == "action" else str(v)) for k, v in r.items()} for r in rows]
    dtype = str if kind == "U" else object
    ev = Events.from_arrays(
        time=np.array([r["time"] for r in as_text], dtype=dtype),
        actor=np.array([r["actor"] for r in as_text], dtype=dtype),
        action=np.array([r["action"].upper() for r in as_text], dtype=dtype),
        target=_objects(as_text, "target"),
        post=_objects(as_text, "post"),
        parent=_objects(as_text, "parent"),
    )
    assert ev == Events.from_records(as_text)


@FAST
@given(valid_records(clones=True))
def test_from_arrays_objects_agree_with_from_records(records: list[dict[str, Any]]) -> None:
    fields = ["target", "post", "parent", "text", "platform", "topics"]
    ev = Events.from_arrays(
        time=_objects(records, "time", lambda v: v),
        actor=_objects(records, "actor", lambda v: v),
        action=_objects(records, "action", lambda v: v),
        **{f: _objects(records, f, lambda v: v) for f in fields},
    )
    assert ev == Events.from_records(records)


# ---------------------------------------------------------------------- canonical order


@FAST
@given(st.data())
def test_canonical_packed_key_and_lexsort_agree(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 30))
    ints = st.lists(st.integers(0, 3), min_size=n, max_size=n)
    time = np.array(data.draw(ints), dtype=np.float64)
    action = np.array(data.draw(ints), dtype=np.int8)
    actor = np.array(data.draw(ints), dtype=np.int32)
    target = np.array(data.draw(ints), dtype=np.int32) - 1
    rest = [np.array(data.draw(ints), dtype=np.int32) - 1 for _ in range(3)]
    perm = np.array(data.draw(st.permutations(range(n))))

    def run(order: np.ndarray, n_users: int) -> list[list[float]]:
        out = canonical(
            time[order],
            action[order],
            actor[order],
            target[order],
            [r[order] for r in rest],
            n_users=n_users,
        )
        t, a, s, g, others = out
        return [t.tolist(), a.tolist(), s.tolist(), g.tolist(), *(o.tolist() for o in others)]

    identity = np.arange(n)
    packed = run(identity, 4)
    assert run(perm, 4) == packed
    assert run(identity, 2**31) == packed  # too many users to pack: the lexsort path
    assert run(perm, 2**31) == packed
    rows = sorted(zip(*packed))
    assert [list(column) for column in zip(*rows)] == packed
