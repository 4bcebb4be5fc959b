"""Cross-field rules: targets from parents, row-level rejections, duplicate ids, canonical order."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from events._sample import GOOD, GOOD_AFTER, T0, follow, names, post, write
from influence import Events, InvalidEventError

# ---------------------------------------------------------------------- target resolution


class TestTargetFromParent:
    def test_parent_created_by_post(self) -> None:
        ev = Events.from_records(
            [
                post(actor="ann", post_id="p1"),
                {"time": T0 + 1, "actor": "bob", "action": "like", "parent": "p1"},
            ]
        )
        assert names(ev, "target") == [None, "ann"]

    @pytest.mark.parametrize("creator", ["reply", "share", "comment", "retweet"])
    def test_parent_created_by_reply_or_share(self, creator: str) -> None:
        ev = Events.from_records(
            [
                post(actor="ann", post_id="p1"),
                {"time": T0 + 1, "actor": "bob", "action": creator, "parent": "p1", "post": "r1"},
                {"time": T0 + 2, "actor": "cy", "action": "like", "parent": "r1"},
            ]
        )
        assert names(ev, "target") == [None, "ann", "bob"]

    def test_reply_with_explicit_target_creates_a_post(self) -> None:
        ev = Events.from_records(
            [
                {"time": T0, "actor": "bob", "action": "reply", "target": "ann", "post": "r1"},
                {"time": T0 + 1, "actor": "cy", "action": "mention", "parent": "r1"},
            ]
        )
        assert names(ev, "target") == ["ann", "bob"]

    def test_parent_later_in_the_input(self) -> None:
        ev = Events.from_records(
            [
                {"time": T0 + 2, "actor": "cy", "action": "like", "parent": "r1"},
                {"time": T0 + 1, "actor": "bob", "action": "reply", "parent": "p1", "post": "r1"},
                post(actor="ann", post_id="p1", time=T0),
            ]
        )
        assert names(ev, "actor") == ["ann", "bob", "cy"]
        assert names(ev, "target") == [None, "ann", "bob"]

    def test_parent_later_in_time(self) -> None:
        ev = Events.from_records(
            [
                {"time": T0, "actor": "bob", "action": "like", "parent": "p1"},
                post(actor="ann", post_id="p1", time=T0 + 10),
            ]
        )
        assert names(ev, "target") == ["ann", None]

    def test_explicit_target_wins_over_parent(self) -> None:
        ev = Events.from_records(
            [
                post(actor="ann", post_id="p1"),
                {"time": T0 + 1, "actor": "bob", "action": "reply", "parent": "p1", "target": "cy"},
            ]
        )
        assert names(ev, "target") == [None, "cy"]
        assert ev.to_records()[1]["parent"] == "p1"

    def test_author_ids_longer_than_explicit_targets(self) -> None:
        records = [
            post(actor="annabelle", post_id="p1"),
            {"time": T0 + 1, "actor": "bob", "action": "like", "parent": "p1"},
            follow(actor="bob", target="c", time=T0 + 2),
        ]
        expected = [None, "annabelle", "c"]
        assert names(Events.from_records(records), "target") == expected
        ev = Events.from_arrays(
            time=np.array([T0, T0 + 1, T0 + 2]),
            actor=np.array(["annabelle", "bob", "bob"]),
            action=np.array(["post", "like", "follow"]),
            target=np.array(["", "", "c"]),
            post=np.array(["p1", "", ""]),
            parent=np.array(["", "p1", ""]),
        )
        assert names(ev, "target") == expected
        assert list(ev.users) == ["annabelle", "bob", "c"]

    def test_int_author_with_str_targets(self) -> None:
        ev = Events.from_records(
            [
                post(actor=123456789, post_id="p1"),
                {"time": T0 + 1, "actor": "bob", "action": "like", "parent": "p1"},
                follow(actor="bob", target="c", time=T0 + 2),
            ]
        )
        assert names(ev, "target") == [None, "123456789", "c"]

    def test_int_post_ids(self) -> None:
        ev = Events.from_records(
            [
                post(actor=10, post_id=100),
                {"time": T0 + 1, "actor": 20, "action": "share", "parent": 100},
            ]
        )
        assert names(ev, "target") == [None, 10]
        assert list(ev.posts) == [100]

    def test_mixed_int_and_str_post_ids(self) -> None:
        ev = Events.from_records(
            [
                post(actor="ann", post_id=100),
                {"time": T0 + 1, "actor": "bob", "action": "share", "parent": "100"},
            ]
        )
        assert names(ev, "target") == [None, "ann"]
        assert list(ev.posts) == [100]  # "100" is canonical decimal: the integer post id


def test_raise_reports_the_first_bad_row() -> None:
    records = [GOOD, follow(action="poke"), follow(time="never"), GOOD_AFTER]
    with pytest.raises(InvalidEventError) as info:
        Events.from_records(records)
    assert info.value.row == 1
    assert info.value.kind == "unknown action"


def test_first_problem_of_a_row_is_reported() -> None:
    with pytest.raises(InvalidEventError) as info:
        Events.from_records([{"time": "never", "actor": None, "action": "poke"}])
    assert info.value.field == "time"


def test_skip_keeps_rejections_in_row_order() -> None:
    records = [
        follow(action="poke"),
        GOOD,
        {"time": T0, "actor": "a", "action": "like", "parent": "nope"},
        "junk",
        follow(time=None),
        GOOD_AFTER,
        post(post_id="p1", time=T0 + 9),
    ]
    ev = Events.from_records(records, errors="skip")
    assert [row for row, _ in ev.rejected] == [0, 2, 3, 4, 6]
    assert len(ev) + len(ev.rejected) == len(records)
    assert ev.report() == {
        "unknown action": 1,
        "unresolved target": 1,
        "bad row": 1,
        "missing field": 1,
        "duplicate post": 1,
    }
    assert ev.rejected[4].reason == "row 6: post id 'p1' repeats row 1 (first kept)"


def test_rejected_parent_does_not_resolve_targets() -> None:
    records = [
        post(post_id="p1", actor="ann", time="bad"),
        {"time": T0, "actor": "bob", "action": "like", "parent": "p1"},
    ]
    ev = Events.from_records(records, errors="skip")
    assert len(ev) == 0
    assert ev.report() == {"bad time": 1, "unresolved target": 1}


class TestDuplicateEventIds:
    RECORDS: ClassVar[list[dict[str, Any]]] = [
        follow(id="e1", text="first"),
        follow(id="e2", text="second"),
        follow(id="e1", text="repeat"),
        follow(id=None, text="no id"),
        follow(id="e1", text="again"),
        follow(text="no id either"),
    ]

    @pytest.mark.parametrize("errors", ["raise", "skip"])
    def test_first_kept_repeats_rejected(self, errors: Any) -> None:
        ev = Events.from_records(self.RECORDS, errors=errors)
        assert sorted(r["text"] for r in ev.to_records()) == [
            "first",
            "no id",
            "no id either",
            "second",
        ]
        assert [tuple(r) for r in ev.rejected] == [
            (2, "row 2: event id 'e1' repeats row 0 (first kept)"),
            (4, "row 4: event id 'e1' repeats row 0 (first kept)"),
        ]
        assert ev.report() == {"duplicate id": 2}
        assert len(ev) + len(ev.rejected) == len(self.RECORDS)

    def test_int_and_str_ids_match(self) -> None:
        ev = Events.from_records([follow(id=7), follow(id="7", text="x")])
        assert len(ev) == 1
        assert ev.rejected[0].kind == "duplicate id"
        assert ev.texts == ()

    def test_duplicates_alongside_errors(self) -> None:
        records = [follow(id=1), follow(id=1), follow(id=2, action="poke")]
        with pytest.raises(InvalidEventError) as info:
            Events.from_records(records)
        assert info.value.row == 2
        ev = Events.from_records(records, errors="skip")
        assert ev.report() == {"duplicate id": 1, "unknown action": 1}
        assert [r.row for r in ev.rejected] == [1, 2]

    def test_bad_first_occurrence_does_not_reject_the_repeat(self) -> None:
        records = [follow(id="e", time="bad"), follow(id="e")]
        ev = Events.from_records(records, errors="skip")
        assert len(ev) == 1
        assert ev.report() == {"bad time": 1}

    def test_files(self, tmp_path: Path) -> None:
        text = "time,actor,action,target,id\n" + "".join(
            f"{T0},a,follow,b,{i}\n" for i in (1, 2, 1)
        )
        ev = Events.read_csv(write(tmp_path / "ev.csv", text))
        assert len(ev) == 2
        assert [tuple(r) for r in ev.rejected] == [
            (4, "line 4: event id 1 repeats line 2 (first kept)")  # an integer id
        ]


@pytest.mark.parametrize("whole_seconds", [True, False])
def test_canonical_order_paths_agree_with_sorted_input(whole_seconds: bool) -> None:
    rng = np.random.default_rng(7)
    n = 5_000
    time = rng.integers(0, 500, n).astype(float)
    if not whole_seconds:
        time += rng.random(n).round(1)
    actor, target = rng.integers(0, 50, n), rng.integers(0, 50, n)
    action = rng.integers(1, 5, n).astype(np.int8)
    order = np.argsort(time, kind="stable")
    shuffled = Events.from_arrays(time, actor, action, target)
    ordered = Events.from_arrays(time[order], actor[order], action[order], target[order])
    assert shuffled == ordered
    assert np.all(np.diff(shuffled.time) >= 0)


# ---------------------------------------------------------------------- blank columns


def test_a_column_no_row_fills_is_held_once() -> None:
    rows = [{"time": T0 + k, "actor": "ann", "action": "like", "target": "bob"} for k in range(5)]
    ev = Events.from_records(rows)
    for name, value in (("text", -1), ("topics", -1), ("platform", 0)):
        column = getattr(ev, name)
        assert column.tolist() == [value] * 5
        assert column.strides == (0,)  # one value, not one per row
        assert not column.flags.writeable
        assert getattr(ev.select(np.arange(5) % 2 == 0), name).tolist() == [value] * 3
        assert getattr(ev.until(T0 + 1), name).tolist() == [value] * 2
    filled = Events.from_records([{**rows[0], "text": "hi", "platform": "x", "topics": ["a"]}])
    for name in ("text", "topics", "platform"):
        assert getattr(filled, name).strides != (0,)
        assert getattr(filled, name).tolist() == [0]
    # nbytes counts what is held: the blank columns' one value each, not one per row.
    held = sum(
        getattr(ev, c).nbytes for c in ("time", "action", "actor", "target", "post", "parent")
    )
    assert ev.nbytes == held + ev.text.itemsize + ev.topics.itemsize + ev.platform.itemsize
