"""The Events table: empty tables, counts, views (until, select, compact), equality."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from events._sample import COLUMN_DTYPES, HOUR, SAMPLE, SAMPLE_OUT, T0, follow, names, post, sample
from influence import ACTIONS, Events


def test_empty() -> None:
    ev = Events.empty()
    assert len(ev) == 0
    assert ev.n_users == 0
    assert len(ev.users) == 0
    assert len(ev.posts) == 0
    assert ev.start is None
    assert ev.end is None
    assert ev.rejected == ()
    assert ev.report() == {}
    assert ev.to_records() == []
    assert ev.action_counts() == dict.fromkeys(ACTIONS, 0)
    assert ev.is_self().shape == (0,)
    assert ev.nbytes == 0
    assert repr(ev) == "<Events: 0 events, 0 users, empty>"
    assert ev.until(T0) is ev
    assert ev.compact() is ev
    assert len(ev.select(np.zeros(0, dtype=bool))) == 0
    for name, dtype in COLUMN_DTYPES.items():
        assert getattr(ev, name).dtype == dtype


def test_no_rows_kept_equals_empty() -> None:
    records = [follow(action="poke", platform="x", text="t", topics=["a"])]
    ev = Events.from_records(records, errors="skip")
    assert len(ev) == 0
    assert len(ev.rejected) == 1
    assert ev == Events.empty()
    assert ev.platforms == ("default",)
    assert repr(ev) == "<Events: 0 events, 0 users, empty, 1 rejected>"


def test_action_counts() -> None:
    assert sample().action_counts() == {
        "post": 1,
        "reply": 1,
        "share": 1,
        "like": 1,
        "mention": 1,
        "follow": 1,
    }
    ev = Events.from_records([follow(actor=str(i)) for i in range(3)])
    counts = ev.action_counts()
    assert list(counts) == list(ACTIONS)
    assert counts == {"post": 0, "reply": 0, "share": 0, "like": 0, "mention": 0, "follow": 3}


# ---------------------------------------------------------------------- views


class TestViews:
    def test_until(self) -> None:
        ev = sample()
        cut = ev.until(T0 + 2 * HOUR)
        assert len(cut) == 3
        assert cut.to_records() == SAMPLE_OUT[:3]
        assert cut.users is ev.users
        assert cut.n_users == ev.n_users
        assert ev.until("2024-05-01T11:00:00Z") == cut
        assert ev.until(dt.datetime(2024, 5, 1, 11, 0)) == cut
        assert ev.until(T0 + 2 * HOUR - 1).to_records() == SAMPLE_OUT[:2]
        assert len(ev.until(T0 - 1)) == 0
        assert ev.until(T0 + 5 * HOUR) is ev

    def test_until_bad_time(self) -> None:
        with pytest.raises(ValueError, match=r"as_of must be epoch seconds.*'soon'"):
            sample().until("soon")

    def test_select(self) -> None:
        ev = sample()
        mask = ev.action == ACTIONS.index("follow")
        only = ev.select(mask)
        assert only.to_records() == SAMPLE_OUT[5:]
        assert only.users is ev.users
        assert len(ev.select([True] * 6)) == 6
        with pytest.raises(ValueError, match=r"mask must have shape \(6,\); got \(5,\)"):
            ev.select(np.ones(5, dtype=bool))

    def test_compact(self) -> None:
        ev = sample()
        assert ev.compact() is ev
        only = ev.select(ev.action == ACTIONS.index("like")).compact()
        assert list(only.users) == ["cy", "dan"]
        assert list(only.posts) == ["r1"]
        assert only.to_records() == SAMPLE_OUT[3:4]
        mention = ev.select(ev.action == ACTIONS.index("mention")).compact()
        assert list(mention.users) == ["ann", "dan"]
        assert len(mention.posts) == 0
        assert mention.to_records() == SAMPLE_OUT[4:5]

    def test_compact_drops_unused_texts_and_topics(self) -> None:
        records = [
            {"time": T0, "actor": "ann", "action": "post", "post": "p1", "text": "old news",
             "platform": "fb", "topics": ["x"]},
            {"time": T0 + 1, "actor": "bob", "action": "post", "post": "p2", "text": "hello",
             "platform": "tw", "topics": ["y", "z"]},
            {"time": T0 + 2, "actor": "cy", "action": "like", "parent": "p2"},
        ]  # fmt: skip
        ev = Events.from_records(records)
        later = ev.select(ev.time >= T0 + 1).compact()
        assert later.texts == ("hello",)
        assert later.platforms == ev.platforms
        assert later.topic_sets == (("y", "z"),)
        assert later.to_records() == ev.select(ev.time >= T0 + 1).to_records()
        assert later.platform.dtype == np.int16

    def test_compact_keeps_index_order(self) -> None:
        ev = Events.from_records([follow(actor=i, target=i + 1, time=i) for i in range(0, 10, 2)])
        sub = ev.select(ev.time >= 4).compact()
        assert list(sub.users) == [4, 5, 6, 7, 8, 9]
        assert np.all(np.diff(sub.users.ids) > 0)
        assert names(sub, "actor") == [4, 6, 8]
        assert names(sub, "target") == [5, 7, 9]
        assert len(sub.posts) == 0
        nothing = ev.select(np.zeros(len(ev), dtype=bool)).compact()
        assert len(nothing) == 0
        assert len(nothing.users) == 0

    def test_to_records_roundtrip(self) -> None:
        ev = sample()
        assert Events.from_records(ev.to_records()) == ev

    def test_to_records_int_ids(self) -> None:
        ev = Events.from_records([post(actor=5, post_id=9, platform="default")])
        assert ev.to_records() == [{"time": float(T0), "actor": 5, "action": "post", "post": 9}]
        record = ev.to_records()[0]
        assert type(record["actor"]) is int
        assert type(record["time"]) is float

    def test_report_counts_by_kind_most_frequent_first(self) -> None:
        records = [
            follow(action="poke"),
            follow(time=None),
            follow(action="poke"),
            follow(action="wave"),
            follow(),
        ]
        ev = Events.from_records(records, errors="skip")
        report = ev.report()
        assert report == {"unknown action": 3, "missing field": 1}
        assert list(report) == ["unknown action", "missing field"]

    def test_is_self_and_self_interactions_are_kept(self) -> None:
        ev = Events.from_records(
            [
                post(actor="a", post_id="p1"),
                {"time": T0 + 1, "actor": "a", "action": "like", "parent": "p1"},
                follow(actor="a", target="a", time=T0 + 2),
                follow(actor="a", target="b", time=T0 + 3),
            ]
        )
        assert len(ev) == 4
        assert ev.rejected == ()
        assert ev.is_self().tolist() == [False, True, True, False]
        assert ev.is_self().dtype == np.bool_

    def test_nbytes(self) -> None:
        ev = Events.from_records([follow(actor=i, target=i + 1, time=i) for i in range(100)])
        held = [getattr(ev, name) for name in COLUMN_DTYPES]  # blank columns: one value
        assert ev.nbytes == sum(c.itemsize if c.strides == (0,) else c.nbytes for c in held)
        assert ev.nbytes <= 64 * len(ev)
        assert sample().nbytes <= 64 * len(sample())

    def test_equality(self) -> None:
        assert sample() == sample()
        assert sample() != Events.from_records(SAMPLE[:5])
        assert sample() != "sample"
        different_text = [dict(r) for r in SAMPLE]
        different_text[0]["text"] = "bye"
        assert sample() != Events.from_records(different_text)
        int_ids = Events.from_records([follow(actor=1, target=2)])
        same_ids = Events.from_records([follow(actor="1", target="2")])
        assert int_ids == same_ids  # canonical decimal text is the integer id
        str_ids = Events.from_records([follow(actor="01", target="2")])
        assert int_ids != str_ids
        with pytest.raises(TypeError):
            hash(sample())


class TestImmutable:
    def test_setting_attributes_raises(self) -> None:
        ev = sample()
        with pytest.raises(AttributeError, match="immutable"):
            ev.time = np.zeros(6)  # type: ignore[misc]
        with pytest.raises(AttributeError, match="immutable"):
            ev.anything = 1  # type: ignore[attr-defined]
        with pytest.raises(AttributeError, match="immutable"):
            del ev.actor
        assert len(ev.actor) == 6

    @pytest.mark.parametrize("name", list(COLUMN_DTYPES))
    def test_columns_are_read_only(self, name: str) -> None:
        ev = sample()
        column = getattr(ev, name)
        assert not column.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            column[0] = 1
        for view in (ev.until(T0 + HOUR), ev.select(np.ones(6, dtype=bool)), ev.compact()):
            assert not getattr(view, name).flags.writeable

    def test_properties_cannot_be_set(self) -> None:
        ev = sample()
        with pytest.raises(AttributeError):
            ev.users = ev.users  # type: ignore[misc]


def test_a_slice_reports_the_exact_duplicates_it_holds() -> None:
    like = {"action": "like", "target": "ann"}
    ev = Events.from_records(
        [{"time": t, "actor": "bob", **like} for t in [0, 0, 0, 100, 200, 200]]
    )
    assert ev.report() == {"exact duplicate (kept)": 3}
    assert ev.until(50).report() == {"exact duplicate (kept)": 2}
    assert ev.select(ev.time > 150).report() == {"exact duplicate (kept)": 1}
    assert ev.select(ev.time == 100).report() == {}


def test_with_trust_copies_weights_the_caller_could_change() -> None:
    ev = sample()
    mine = np.full(len(ev), 0.5)
    trusted = ev.with_trust(mine)
    mine[0] = 0.0
    assert trusted.trust is not None
    assert trusted.trust[0] == 0.5
    assert ev.with_trust(mine[:]).trust is not mine  # a view of a writable array: copied


def test_with_trust_keeps_a_read_only_array_of_its_own_only_when_told() -> None:
    ev = sample()
    fixed = np.full(len(ev), 0.5)
    fixed.flags.writeable = False
    # By default a copy: the caller could make its array writable again and change it.
    shared = ev.with_trust(fixed)
    assert shared.trust is not fixed
    fixed.flags.writeable = True
    fixed[0] = 0.0
    fixed.flags.writeable = False
    assert shared.trust is not None
    assert shared.trust[0] == 0.5
    # copy=False: the caller promises never to change it, and it is taken as it is.
    assert ev.with_trust(fixed, copy=False).trust is fixed
    assert ev.with_trust(fixed.astype(np.float32), copy=False).trust is not fixed
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        ev.with_trust(np.broadcast_to(np.float64(2.0), (len(ev),)))
