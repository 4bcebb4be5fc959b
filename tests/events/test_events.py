"""Tests of the event table :class:`influence.Events` and its constructors."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from influence import ACTIONS, Events, IdIndex, InvalidEventError, Rejection

T0 = 1_714_554_000  # 2024-05-01T09:00:00Z
HOUR = 3600

SAMPLE: list[dict[str, Any]] = [
    {
        "time": T0,
        "actor": "ann",
        "action": "post",
        "post": "p1",
        "text": "hello",
        "platform": "tw",
        "topics": ["news", "ai"],
    },
    {"time": T0 + HOUR, "actor": "bob", "action": "retweet", "parent": "p1"},
    {
        "time": T0 + 2 * HOUR,
        "actor": "cy",
        "action": "reply",
        "parent": "p1",
        "post": "r1",
        "text": "nice",
    },
    {"time": T0 + 3 * HOUR, "actor": "dan", "action": "like", "parent": "r1"},
    {"time": T0 + 4 * HOUR, "actor": "ann", "action": "mention", "target": "dan"},
    {"time": T0 + 5 * HOUR, "actor": "eve", "action": "follow", "target": "ann"},
]

SAMPLE_OUT: list[dict[str, Any]] = [
    {
        "time": float(T0),
        "actor": "ann",
        "action": "post",
        "post": "p1",
        "text": "hello",
        "platform": "tw",
        "topics": ["ai", "news"],
    },
    {"time": float(T0 + HOUR), "actor": "bob", "action": "share", "target": "ann", "parent": "p1"},
    {
        "time": float(T0 + 2 * HOUR),
        "actor": "cy",
        "action": "reply",
        "target": "ann",
        "post": "r1",
        "parent": "p1",
        "text": "nice",
    },
    {
        "time": float(T0 + 3 * HOUR),
        "actor": "dan",
        "action": "like",
        "target": "cy",
        "parent": "r1",
    },
    {"time": float(T0 + 4 * HOUR), "actor": "ann", "action": "mention", "target": "dan"},
    {"time": float(T0 + 5 * HOUR), "actor": "eve", "action": "follow", "target": "ann"},
]

COLUMN_DTYPES = {
    "time": np.float64,
    "actor": np.int32,
    "target": np.int32,
    "action": np.int8,
    "post": np.int32,
    "parent": np.int32,
    "text": np.int32,
    "platform": np.int16,
    "topics": np.int32,
}


def sample() -> Events:
    return Events.from_records(SAMPLE)


def follow(time: Any = T0, actor: Any = "a", target: Any = "b", **extra: Any) -> dict[str, Any]:
    return {"time": time, "actor": actor, "action": "follow", "target": target, **extra}


def post(time: Any = T0, actor: Any = "a", post_id: Any = "p1", **extra: Any) -> dict[str, Any]:
    return {"time": time, "actor": actor, "action": "post", "post": post_id, **extra}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def names(ev: Events, column: str) -> list[Any]:
    """A user column as ids (None for -1)."""
    return [None if i < 0 else ev.users.id(int(i)) for i in getattr(ev, column)]


# ---------------------------------------------------------------------- constructors


class TestFromRecords:
    def test_sample(self) -> None:
        ev = sample()
        assert len(ev) == 6
        assert ev.n_users == 5
        assert list(ev.users) == ["ann", "bob", "cy", "dan", "eve"]
        assert ev.to_records() == SAMPLE_OUT
        assert ev.rejected == ()
        assert ev.report() == {}
        assert ev.start == float(T0)
        assert ev.end == float(T0 + 5 * HOUR)

    def test_column_dtypes_and_shapes(self) -> None:
        ev = sample()
        for name, dtype in COLUMN_DTYPES.items():
            column = getattr(ev, name)
            assert column.dtype == dtype, name
            assert column.shape == (len(ev),), name

    def test_columns_are_codes_into_tables(self) -> None:
        ev = sample()
        assert ev.texts == ("hello", "nice")
        assert ev.platforms == ("default", "tw")
        assert ev.topic_sets == (("ai", "news"),)
        assert list(ev.posts) == ["p1", "r1"]
        assert ev.text.tolist() == [0, -1, 1, -1, -1, -1]
        assert ev.platform.tolist() == [1, 0, 0, 0, 0, 0]
        assert ev.topics.tolist() == [0, -1, -1, -1, -1, -1]
        assert ev.post.tolist() == [0, -1, 1, -1, -1, -1]
        assert ev.parent.tolist() == [-1, 0, 0, 1, -1, -1]
        assert ev.target[0] == -1
        assert [ACTIONS[a] for a in ev.action] == [
            "post",
            "share",
            "reply",
            "like",
            "mention",
            "follow",
        ]

    def test_accepts_a_generator(self) -> None:
        assert Events.from_records(r for r in SAMPLE) == sample()

    def test_rows_are_sorted_by_time(self) -> None:
        ev = Events.from_records(list(reversed(SAMPLE)))
        assert ev == sample()
        assert np.all(np.diff(ev.time) >= 0)

    def test_columns_mapping(self) -> None:
        keys = {
            "time": "ts",
            "actor": "user",
            "action": "verb",
            "target": "to",
            "post": "pid",
            "parent": "reply_to",
            "text": "body",
            "platform": "site",
            "topics": "tags",
            "id": "eid",
        }
        renamed = [
            {keys[k]: v for k, v in record.items()} | {"eid": i} for i, record in enumerate(SAMPLE)
        ]
        assert Events.from_records(renamed, columns=keys) == sample()

    def test_columns_mapping_partial_ignores_default_key(self) -> None:
        records = [{"ts": T0, "actor": "a", "action": "follow", "target": "b", "time": "junk"}]
        ev = Events.from_records(records, columns={"time": "ts"})
        assert ev.time.tolist() == [float(T0)]

    def test_empty_input(self) -> None:
        ev = Events.from_records([])
        assert len(ev) == 0
        assert ev == Events.empty()

    def test_optional_fields_absent(self) -> None:
        ev = Events.from_records([follow()])
        assert ev.texts == ()
        assert ev.platforms == ("default",)
        assert ev.topic_sets == ()
        assert len(ev.posts) == 0
        assert ev.to_records() == [
            {"time": float(T0), "actor": "a", "action": "follow", "target": "b"}
        ]

    def test_topics_forms(self) -> None:
        records = [
            post(post_id="p1", topics="b, a,,a "),
            post(post_id="p2", topics=("a", "b")),
            post(post_id="p3", topics=["c"]),
            post(post_id="p4", topics=[]),
            post(post_id="p5", topics=None),
        ]
        ev = Events.from_records(records)
        assert ev.topic_sets == (("a", "b"), ("c",))
        assert sorted(ev.topics.tolist()) == [-1, -1, 0, 0, 1]

    def test_ids_are_stripped(self) -> None:
        ev = Events.from_records([follow(actor="  a ", target="b\t")])
        assert list(ev.users) == ["a", "b"]


class TestFromArrays:
    def test_numeric_fast_path(self) -> None:
        ev = Events.from_arrays(
            time=np.array([20.0, 10.0]),
            actor=np.array([1, 2]),
            action=np.array([4, 5], dtype=np.int8),
            target=np.array([2, 1]),
        )
        assert ev.users.ids.dtype.kind == "i"
        assert list(ev.users) == [1, 2]
        assert ev.to_records() == [
            {"time": 10.0, "actor": 2, "action": "follow", "target": 1},
            {"time": 20.0, "actor": 1, "action": "mention", "target": 2},
        ]

    def test_nan_target_resolved_from_parent(self) -> None:
        ev = Events.from_arrays(
            time=np.array([0, 1, 2]),
            actor=np.array([7, 8, 9]),
            action=np.array(["post", "like", "follow"]),
            target=np.array([np.nan, np.nan, 7.0]),
            post=np.array([100.0, np.nan, np.nan]),
            parent=np.array([np.nan, 100.0, np.nan]),
        )
        assert names(ev, "target") == [None, 7, 7]
        assert list(ev.posts) == [100]

    def test_object_arrays_with_none(self) -> None:
        ev = Events.from_arrays(
            time=np.array(["2024-05-01T09:00:00Z", T0 + 1], dtype=object),
            actor=np.array(["a", 5], dtype=object),
            action=np.array(["post", "Favourite"], dtype=object),
            target=np.array([None, None], dtype=object),
            post=np.array(["p", None], dtype=object),
            parent=np.array([None, "p"], dtype=object),
            text=np.array(["hi", None], dtype=object),
            platform=np.array([None, "x"], dtype=object),
            topics=np.array([["t"], None], dtype=object),
        )
        assert list(ev.users) == ["5", "a"]
        assert ev.to_records() == [
            {
                "time": float(T0),
                "actor": "a",
                "action": "post",
                "post": "p",
                "text": "hi",
                "topics": ["t"],
            },
            {
                "time": float(T0 + 1),
                "actor": "5",
                "action": "like",
                "target": "a",
                "parent": "p",
                "platform": "x",
            },
        ]

    def test_string_arrays(self) -> None:
        ev = Events.from_arrays(
            time=np.array(["1714554000", "2024-05-01T10:00:00+01:00"]),
            actor=np.array(["a", " b "]),
            action=np.array(["Follow", "MENTION"]),
            target=np.array(["b", "a"]),
        )
        assert ev.time.tolist() == [float(T0), float(T0)]
        assert list(ev.users) == ["a", "b"]
        assert ev.action_counts()["follow"] == 1
        assert ev.action_counts()["mention"] == 1

    @pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
    def test_datetime64_time(self, unit: str) -> None:
        times = np.array(["2024-05-01T09:00:00", "2024-05-01T09:00:01"], dtype=f"M8[{unit}]")
        ev = Events.from_arrays(times, np.array([1, 2]), np.array([5, 5]), np.array([2, 1]))
        assert ev.time.tolist() == [float(T0), float(T0 + 1)]

    def test_lists_are_accepted(self) -> None:
        ev = Events.from_arrays([0, 1], ["a", "b"], ["follow", "follow"], ["b", "a"])
        assert len(ev) == 2

    def test_length_mismatch(self) -> None:
        with pytest.raises(ValueError, match=r"column 'actor' has shape \(1,\); expected \(2,\)"):
            Events.from_arrays(
                np.array([0.0, 1.0]), np.array([1]), np.array([5, 5]), np.array([2, 1])
            )

    def test_int_action_codes_out_of_range(self) -> None:
        with pytest.raises(InvalidEventError, match="unknown action 9") as info:
            Events.from_arrays(np.array([0.0]), np.array([1]), np.array([9]), np.array([2]))
        assert info.value.kind == "unknown action"
        assert info.value.field == "action"

    def test_int_action_codes_in_records_and_json(self) -> None:
        # The codes from_arrays takes are accepted in records too; text digits and booleans
        # are not actions.
        records = [
            {"time": T0, "actor": "a", "action": 2, "target": "b"},
            {"time": T0 + 1, "actor": "a", "action": np.int8(3), "target": "b"},
            {"time": T0 + 2, "actor": "a", "action": "share", "target": "b"},
        ]
        ev = Events.from_records(records)
        assert ev.action_counts()["share"] == 2
        assert ev.action_counts()["like"] == 1
        for bad in (9, -1, True, "2"):
            with pytest.raises(InvalidEventError, match="unknown action"):
                Events.from_records([{"time": T0, "actor": "a", "action": bad, "target": "b"}])

    def test_matches_from_records(self) -> None:
        ev = Events.from_arrays(
            time=np.array(
                [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR, T0 + 5 * HOUR]
            ),
            actor=np.array(["ann", "bob", "cy", "dan", "ann", "eve"]),
            action=np.array(["post", "retweet", "reply", "like", "mention", "follow"]),
            target=np.array([None, None, None, None, "dan", "ann"], dtype=object),
            post=np.array(["p1", None, "r1", None, None, None], dtype=object),
            parent=np.array([None, "p1", "p1", "r1", None, None], dtype=object),
            text=np.array(["hello", None, "nice", None, None, None], dtype=object),
            platform=np.array(["tw", None, None, None, None, None], dtype=object),
            topics=np.array([["news", "ai"], None, None, None, None, None], dtype=object),
        )
        assert ev == sample()


class TestReadCsv:
    CSV = (
        "time,actor,action,target,post,parent,text,platform,topics\n"
        f'{T0},ann,post,,p1,,hello,tw,"news, ai"\n'
        f"{T0 + HOUR},bob,retweet,,,p1,,,\n"
        f"{T0 + 2 * HOUR},cy,reply,,r1,p1,nice,,\n"
        f"{T0 + 3 * HOUR},dan,like,,,r1,,,\n"
        f"{T0 + 4 * HOUR},ann,mention,dan,,,,,\n"
        f"{T0 + 5 * HOUR},eve,follow,ann,,,,,\n"
    )

    def test_matches_from_records(self, tmp_path: Path) -> None:
        ev = Events.read_csv(write(tmp_path / "ev.csv", self.CSV))
        assert ev == sample()

    def test_gzip(self, tmp_path: Path) -> None:
        ev = Events.read_csv(write_gz(tmp_path / "ev.csv.gz", self.CSV))
        assert ev == sample()

    def test_str_path(self, tmp_path: Path) -> None:
        path = write(tmp_path / "ev.csv", self.CSV)
        assert Events.read_csv(str(path)) == sample()

    def test_columns_mapping_and_delimiter(self, tmp_path: Path) -> None:
        text = f"when;who;what;whom\n{T0};a;follow;b\n"
        path = write(tmp_path / "ev.csv", text)
        ev = Events.read_csv(
            path,
            delimiter=";",
            columns={"time": "when", "actor": "who", "action": "what", "target": "whom"},
        )
        assert ev.to_records() == [
            {"time": float(T0), "actor": "a", "action": "follow", "target": "b"}
        ]

    def test_extra_columns_and_blank_lines_are_ignored(self, tmp_path: Path) -> None:
        text = f"time,actor,action,target,note\n\n{T0},a,follow,b,x\n\n"
        ev = Events.read_csv(write(tmp_path / "ev.csv", text))
        assert len(ev) == 1

    def test_iso_times(self, tmp_path: Path) -> None:
        text = "time,actor,action,target\n2024-05-01T09:00:00Z,a,follow,b\n"
        ev = Events.read_csv(write(tmp_path / "ev.csv", text))
        assert ev.time.tolist() == [float(T0)]

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError, match=r"no such file: .*nope\.csv"):
            Events.read_csv(tmp_path / "nope.csv")


class TestReadJsonl:
    def lines(self) -> str:
        return "".join(json.dumps(r) + "\n" for r in SAMPLE)

    def test_matches_from_records(self, tmp_path: Path) -> None:
        assert Events.read_jsonl(write(tmp_path / "ev.jsonl", self.lines())) == sample()

    def test_gzip(self, tmp_path: Path) -> None:
        assert Events.read_jsonl(write_gz(tmp_path / "ev.jsonl.gz", self.lines())) == sample()

    def test_blank_lines_and_crlf(self, tmp_path: Path) -> None:
        text = "\n" + self.lines().replace("\n", "\r\n\r\n")
        assert Events.read_jsonl(write(tmp_path / "ev.jsonl", text)) == sample()

    def test_columns_mapping(self, tmp_path: Path) -> None:
        text = json.dumps({"ts": T0, "user": "a", "verb": "follow", "to": "b"}) + "\n"
        ev = Events.read_jsonl(
            write(tmp_path / "ev.jsonl", text),
            columns={"time": "ts", "actor": "user", "action": "verb", "target": "to"},
        )
        assert ev.to_records() == [
            {"time": float(T0), "actor": "a", "action": "follow", "target": "b"}
        ]

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            Events.read_jsonl(tmp_path / "nope.jsonl")


class TestFromPandas:
    def test_matches_from_records(self) -> None:
        assert Events.from_pandas(pd.DataFrame(SAMPLE)) == sample()

    def test_tz_aware_datetime64(self) -> None:
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(["2024-05-01 11:00", "2024-05-01 12:30"]).tz_localize(
                    "Europe/Paris"
                ),
                "actor": ["a", "b"],
                "action": ["follow", "follow"],
                "target": ["b", "a"],
            }
        )
        ev = Events.from_pandas(frame)
        assert ev.time.tolist() == [float(T0), float(T0 + 1.5 * HOUR)]

    def test_naive_datetime64_is_utc(self) -> None:
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(["2024-05-01 09:00"]),
                "actor": [1],
                "action": ["follow"],
                "target": [2],
            }
        )
        assert Events.from_pandas(frame).time.tolist() == [float(T0)]

    def test_nan_in_float_target_column(self) -> None:
        frame = pd.DataFrame(
            {
                "time": [T0, T0 + 1, T0 + 2],
                "actor": [1, 2, 3],
                "action": ["post", "like", "follow"],
                "target": [np.nan, np.nan, 1.0],
                "post": ["p1", None, None],
                "parent": [None, "p1", None],
            }
        )
        assert frame["target"].dtype == np.float64
        ev = Events.from_pandas(frame)
        assert ev.users.ids.dtype.kind == "i"
        assert list(ev.users) == [1, 2, 3]
        assert names(ev, "target") == [None, 1, 1]

    def test_nullable_integer_columns(self) -> None:
        frame = pd.DataFrame(
            {
                "time": pd.array([T0, T0 + 1], dtype="Int64"),
                "actor": pd.array([1, 2], dtype="Int64"),
                "action": pd.array([5, 4], dtype="Int64"),
                "target": pd.array([2, 1], dtype="Int64"),
            }
        )
        ev = Events.from_pandas(frame)
        assert ev.to_records() == [
            {"time": float(T0), "actor": 1, "action": "follow", "target": 2},
            {"time": float(T0 + 1), "actor": 2, "action": "mention", "target": 1},
        ]

    def test_nat_time_is_missing(self) -> None:
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(["2024-05-01 09:00", None]),
                "actor": ["a", "b"],
                "action": ["follow", "follow"],
                "target": ["b", "a"],
            }
        )
        ev = Events.from_pandas(frame, errors="skip")
        assert len(ev) == 1
        assert ev.report() == {"missing field": 1}
        assert ev.rejected[0].row == 1

    def test_columns_mapping(self) -> None:
        frame = pd.DataFrame({"ts": [T0], "who": ["a"], "verb": ["follow"], "whom": ["b"]})
        ev = Events.from_pandas(
            frame, columns={"time": "ts", "actor": "who", "action": "verb", "target": "whom"}
        )
        assert ev.to_records() == [
            {"time": float(T0), "actor": "a", "action": "follow", "target": "b"}
        ]

    def test_missing_required_column(self) -> None:
        frame = pd.DataFrame({"time": [T0], "user": ["a"], "action": ["follow"]})
        with pytest.raises(ValueError, match=r"lacks required column\(s\) \['actor'\]") as info:
            Events.from_pandas(frame)
        assert "columns={field: column}, e.g. columns={'actor': ...}" in str(info.value)

    def test_a_reversed_column_mapping_is_pointed_out(self) -> None:
        frame = pd.DataFrame({"ts": [T0], "actor": ["a"], "action": ["follow"], "target": ["b"]})
        with pytest.raises(ValueError, match=r"looks reversed: write \{'time': 'ts'\} for those"):
            Events.from_pandas(frame, columns={"ts": "time"})
        # only the reversed pairs are flipped, the right ones are left alone
        with pytest.raises(ValueError, match=r"\['who'\] looks reversed: write \{'actor': 'who'\}"):
            Events.from_pandas(frame, columns={"time": "ts", "who": "actor"})

    def test_not_a_dataframe(self) -> None:
        rows = [{"time": T0, "actor": "a", "action": "follow", "target": "b"}]
        with pytest.raises(TypeError, match=r"needs a pandas DataFrame; got list.*from_records"):
            Events.from_pandas(rows)


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


# ---------------------------------------------------------------------- time forms

PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    "value",
    [
        T0,
        float(T0),
        np.int64(T0),
        np.float64(T0),
        dt.datetime(2024, 5, 1, 9, 0),
        dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 5, 1, 11, 0, tzinfo=PARIS_SUMMER),
        pd.Timestamp("2024-05-01T09:00:00Z"),
        "2024-05-01T09:00:00",
        "2024-05-01 09:00:00",
        "2024-05-01T09:00:00Z",
        "2024-05-01T09:00:00z",
        "2024-05-01T09:00:00+00:00",
        "2024-05-01T11:00:00+02:00",
        "2024-05-01T04:00:00-05:00",
        " 2024-05-01T09:00:00Z ",
        str(T0),
        f"{T0}.0",
        f" {T0} ",
        np.datetime64("2024-05-01T09:00:00"),
        np.datetime64("2024-05-01T09:00:00.000000000"),
    ],
    ids=repr,
)
def test_time_forms(value: Any) -> None:
    ev = Events.from_records([follow(time=value)])
    assert ev.time.tolist() == [float(T0)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, 1.5),
        ("1.25", 1.25),
        (-10, -10.0),
        ("2024-05-01T09:00:00.250Z", T0 + 0.25),
        (dt.date(2024, 5, 1), float(T0 - 9 * HOUR)),
        ("2024-05-01", float(T0 - 9 * HOUR)),
    ],
    ids=repr,
)
def test_time_values(value: Any, expected: float) -> None:
    assert Events.from_records([follow(time=value)]).time.tolist() == [expected]


def test_times_far_from_now_are_exact_or_rejected() -> None:
    # datetime64 beyond 2262 (where a cast to nanoseconds wraps around) is read exactly
    ev = Events.from_arrays(
        time=np.array(["2500-01-01", "1600-01-01"], dtype="datetime64[us]"),
        actor=np.array(["a", "b"]), action=np.array(["follow", "follow"]),
        target=np.array(["b", "a"]),
    )  # fmt: skip
    assert ev.time.tolist() == [-11676096000.0, 16725225600.0]
    # whole seconds in nanoseconds stay whole (a multiplication by 1e-9 would not)
    when = np.datetime64("2003-04-10T18:40:00", "ns")
    ev = Events.from_arrays(
        time=np.array([when - np.timedelta64(3600, "s"), when]),
        actor=np.array(["a", "b"]), action=np.array(["follow", "follow"]),
        target=np.array(["b", "a"]),
    )  # fmt: skip
    assert ev.time.tolist() == [1_049_996_400.0, 1_050_000_000.0]
    assert len(ev.until("2003-04-10T18:40:00Z")) == 2
    # outside the years 1-9999 (DuckDB's "infinity", epoch milliseconds): a bad time
    for value in (1_714_554_000_000, 1.7e12, -1e12, np.datetime64("294247-01-10T04:00:54")):
        with pytest.raises(InvalidEventError, match="years 1 to 9999") as caught:
            Events.from_records([follow(time=value)])
        assert ("milliseconds" in str(caught.value)) == (not isinstance(value, np.datetime64))
    ev = Events.from_records([follow(time=1.7e12), follow(time=T0)], errors="skip")
    assert ev.time.tolist() == [float(T0)]
    assert ev.report() == {"bad time": 1}


def test_mixed_time_forms_in_one_column() -> None:
    records = [
        follow(time="2024-05-01T10:00:00Z", actor="x"),
        follow(time=dt.datetime(2024, 5, 1, 9, 30), actor="y"),
        follow(time=T0, actor="z"),
    ]
    ev = Events.from_records(records)
    assert ev.time.tolist() == [float(T0), T0 + 1800.0, T0 + 3600.0]
    assert names(ev, "actor") == ["z", "y", "x"]


# ---------------------------------------------------------------------- actions


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        *[(name, name) for name in ACTIONS],
        ("retweet", "share"),
        ("repost", "share"),
        ("quote", "share"),
        ("comment", "reply"),
        ("favorite", "like"),
        ("favourite", "like"),
        ("reaction", "like"),
        ("ReTweet", "share"),
        ("QUOTE", "share"),
        ("Comment", "reply"),
        ("FAVOURITE", "like"),
        ("  Like  ", "like"),
        ("Follow", "follow"),
    ],
)
def test_action_spellings(spelling: str, canonical: str) -> None:
    if canonical == "post":
        record = post(action=spelling) | {"action": spelling}
    else:
        record = {"time": T0, "actor": "a", "action": spelling, "target": "b"}
    ev = Events.from_records([record])
    assert ACTIONS[ev.action[0]] == canonical
    assert ev.to_records()[0]["action"] == canonical


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
        assert list(ev.posts) == ["100"]


# ---------------------------------------------------------------------- ids and users


class TestUsers:
    def test_mixed_int_and_str_ids(self) -> None:
        ev = Events.from_records(
            [
                follow(actor=1, target="bob"),
                follow(actor="bob", target=10, time=T0 + 1),
                follow(actor=2, target=1, time=T0 + 2),
                follow(actor=np.int64(2), target="1", time=T0 + 3),
            ]
        )
        assert ev.users.ids.dtype.kind == "U"
        assert list(ev.users) == ["1", "10", "2", "bob"]
        assert ev.users.index(1) == ev.users.index("1") == 0
        assert ev.users.index(np.int64(10)) == 1
        assert 2 in ev.users
        assert "2" in ev.users
        assert 3 not in ev.users
        assert ev.users.indices([1, "bob", 99]).tolist() == [0, 3, -1]
        # whitespace is ignored, by index and indices alike
        assert ev.users.indices([" bob", "1 ", "\tbob\n"]).tolist() == [3, 0, 3]
        assert ev.users.index(" bob") == 3
        assert names(ev, "actor") == ["1", "bob", "2", "2"]
        assert names(ev, "target") == ["bob", "10", "1", "1"]

    def test_int_ids_stay_ints(self) -> None:
        ev = Events.from_records([follow(actor=3, target=-7), follow(actor=10**12, target=3)])
        assert ev.users.ids.dtype == np.int64
        assert list(ev.users) == [-7, 3, 10**12]
        assert ev.users.id(2) == 10**12
        assert type(ev.users.id(0)) is int
        assert ev.users.index("3") == 1
        assert "3" in ev.users
        assert "x" not in ev.users
        assert ev.users.indices(["3", "x", -7]).tolist() == [1, -1, 0]
        assert ev.users.indices([" 3", "-7 "]).tolist() == [1, 0]
        assert ev.users.indices(np.array([3, 4, 10**12], dtype=np.int64)).tolist() == [1, -1, 2]
        assert ev.users.indices(np.array([3], dtype=np.uint8)).tolist() == [1]

    def test_whole_floats_are_int_ids(self) -> None:
        ev = Events.from_records([follow(actor=1.0, target=2)])
        assert list(ev.users) == [1, 2]

    def test_two_way_mapping(self) -> None:
        ev = sample()
        users = ev.users
        assert isinstance(users, IdIndex)
        assert len(users) == ev.n_users == 5
        for i, user in enumerate(["ann", "bob", "cy", "dan", "eve"]):
            assert users.index(user) == i
            assert users.id(i) == user
            assert user in users
        assert users.indices(np.array(["eve", "zed", "ann"])).tolist() == [4, -1, 0]
        assert users.indices([]).tolist() == []
        assert "zed" not in users
        assert None not in users
        assert 1.5 not in users
        with pytest.raises(KeyError, match="zed"):
            users.index("zed")
        with pytest.raises(IndexError):
            users.id(5)
        with pytest.raises(IndexError):
            users.id(-1)
        assert repr(users) == "IdIndex(['ann', 'bob', 'cy', 'dan', 'eve'], n=5)"

    def test_ids_are_sorted_whatever_the_input_order(self) -> None:
        records = [follow(actor=a, target=b) for a, b in [("zed", "amy"), ("kim", "bo")]]
        for order in (records, records[::-1]):
            ev = Events.from_records(order)
            assert list(ev.users) == ["amy", "bo", "kim", "zed"]
            assert np.all(ev.users.ids[1:] > ev.users.ids[:-1])

    def test_users_ids_are_read_only(self) -> None:
        ids = sample().users.ids
        with pytest.raises(ValueError, match="read-only"):
            ids[0] = "zzz"

    def test_posts_index(self) -> None:
        ev = sample()
        assert ev.posts.index("r1") == 1
        assert ev.posts.id(0) == "p1"


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
        assert ev.nbytes == sum(getattr(ev, name).nbytes for name in COLUMN_DTYPES)
        assert ev.nbytes <= 64 * len(ev)
        assert sample().nbytes <= 64 * len(sample())

    def test_repr(self) -> None:
        assert repr(sample()) == (
            "<Events: 6 events, 5 users, 2024-05-01T09:00:00Z .. 2024-05-01T14:00:00Z>"
        )
        ev = Events.from_records([follow(time=T0 + 0.5), follow(action="poke")], errors="skip")
        assert repr(ev) == (
            "<Events: 1 events, 2 users, 2024-05-01T09:00:00.500000Z .. "
            "2024-05-01T09:00:00.500000Z, 1 rejected>"
        )

    def test_repr_thousands(self) -> None:
        ev = Events.from_records([follow(actor=i, target=i + 1, time=i) for i in range(1500)])
        assert repr(ev).startswith("<Events: 1,500 events, 1,501 users, 1970-01-01T00:00:00Z")

    def test_equality(self) -> None:
        assert sample() == sample()
        assert sample() != Events.from_records(SAMPLE[:5])
        assert sample() != "sample"
        different_text = [dict(r) for r in SAMPLE]
        different_text[0]["text"] = "bye"
        assert sample() != Events.from_records(different_text)
        int_ids = Events.from_records([follow(actor=1, target=2)])
        str_ids = Events.from_records([follow(actor="1", target="2")])
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


# ---------------------------------------------------------------------- bad input

ALLOWED_TIME = "allowed: epoch seconds, a datetime or an ISO 8601 string"
ALLOWED_ID = "allowed: a string or an integer"
GOOD = post(time=T0, actor="ann", post_id="p1")
GOOD_AFTER = follow(time=T0 + 5, actor="zed", target="ann")

# (case id, bad record, field, kind, value, message fragments)
BAD_RECORDS: list[tuple[str, Any, str, str, Any, list[str]]] = [
    (
        "time absent",
        {"actor": "a", "action": "follow", "target": "b"},
        "time",
        "missing field",
        None,
        ["field 'time' is missing"],
    ),
    ("time None", follow(time=None), "time", "missing field", None, ["field 'time' is missing"]),
    ("time empty", follow(time=""), "time", "missing field", "", ["field 'time' is missing"]),
    ("time blank", follow(time="   "), "time", "missing field", "   ", ["field 'time' is missing"]),
    ("time NaT", follow(time=pd.NaT), "time", "missing field", pd.NaT, ["field 'time' is missing"]),
    (
        "time unparseable",
        follow(time="yesterday"),
        "time",
        "bad time",
        "yesterday",
        ["field 'time'", "'yesterday'", ALLOWED_TIME],
    ),
    (
        "time bad date",
        follow(time="2024-13-45"),
        "time",
        "bad time",
        "2024-13-45",
        ["field 'time'", "'2024-13-45'", ALLOWED_TIME],
    ),
    (
        "time NaN",
        follow(time=float("nan")),
        "time",
        "bad time",
        math.nan,
        ["field 'time'", "finite", "nan", ALLOWED_TIME],
    ),
    (
        "time inf",
        follow(time=float("inf")),
        "time",
        "bad time",
        math.inf,
        ["field 'time'", "finite", "inf", ALLOWED_TIME],
    ),
    (
        "time -inf",
        follow(time=-math.inf),
        "time",
        "bad time",
        -math.inf,
        ["field 'time'", "finite", "-inf", ALLOWED_TIME],
    ),
    (
        "time str inf",
        follow(time="inf"),
        "time",
        "bad time",
        "inf",
        ["field 'time'", "finite", "'inf'", ALLOWED_TIME],
    ),
    (
        "time bool",
        follow(time=True),
        "time",
        "bad time",
        True,
        ["field 'time'", "True", ALLOWED_TIME],
    ),
    ("time list", follow(time=[1]), "time", "bad time", [1], ["field 'time'", "[1]", ALLOWED_TIME]),
    (
        "actor absent",
        {"time": T0, "action": "follow", "target": "b"},
        "actor",
        "missing field",
        None,
        ["field 'actor' is missing"],
    ),
    (
        "actor None",
        follow(actor=None),
        "actor",
        "missing field",
        None,
        ["field 'actor' is missing"],
    ),
    ("actor empty", follow(actor=""), "actor", "missing field", "", ["field 'actor' is missing"]),
    (
        "actor blank",
        follow(actor=" \t"),
        "actor",
        "missing field",
        " \t",
        ["field 'actor' is missing"],
    ),
    (
        "actor fraction",
        follow(actor=1.5),
        "actor",
        "bad id",
        1.5,
        ["field 'actor'", "1.5", ALLOWED_ID],
    ),
    (
        "actor bool",
        follow(actor=True),
        "actor",
        "bad id",
        True,
        ["field 'actor'", "True", ALLOWED_ID],
    ),
    (
        "actor list",
        follow(actor=["a"]),
        "actor",
        "bad id",
        ["a"],
        ["field 'actor'", "['a']", ALLOWED_ID],
    ),
    (
        "actor too big",
        follow(actor=2**70),
        "actor",
        "bad id",
        2**70,
        ["field 'actor'", str(2**70), ALLOWED_ID],
    ),
    (
        "target fraction",
        follow(target=0.5),
        "target",
        "bad id",
        0.5,
        ["field 'target'", "0.5", ALLOWED_ID],
    ),
    (
        "action absent",
        {"time": T0, "actor": "a", "target": "b"},
        "action",
        "missing field",
        None,
        ["field 'action' is missing"],
    ),
    (
        "action None",
        follow(action=None),
        "action",
        "missing field",
        None,
        ["field 'action' is missing"],
    ),
    (
        "action empty",
        follow(action=""),
        "action",
        "missing field",
        "",
        ["field 'action' is missing"],
    ),
    (
        "action unknown",
        follow(action="poke"),
        "action",
        "unknown action",
        "poke",
        [
            "field 'action'",
            "unknown action 'poke'",
            "allowed: ",
            *ACTIONS,
            "retweet->share",
            "comment->reply",
            "favourite->like",
        ],
    ),
    (
        "action list",
        follow(action=["like"]),
        "action",
        "unknown action",
        ["like"],
        ["field 'action'", "unknown action ['like']", "allowed: ", *ACTIONS],
    ),
    (
        "reply no target",
        {"time": T0, "actor": "a", "action": "reply"},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a reply event needs a target or a 'parent' post"],
    ),
    (
        "share no target",
        {"time": T0, "actor": "a", "action": "retweet"},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a share event needs a target or a 'parent' post"],
    ),
    (
        "like no target",
        {"time": T0, "actor": "a", "action": "like", "target": ""},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a like event needs a target or a 'parent' post"],
    ),
    (
        "mention no target",
        {"time": T0, "actor": "a", "action": "mention", "target": None},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a mention event needs a target or a 'parent' post"],
    ),
    (
        "follow no target",
        {"time": T0, "actor": "a", "action": "follow", "parent": "p1"},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a follow event needs a target"],
    ),
    (
        "parent unknown",
        {"time": T0, "actor": "a", "action": "like", "parent": "p9"},
        "target",
        "unresolved target",
        "p9",
        [
            "field 'target' is missing",
            "'parent' 'p9' is not a post in the data",
            "the like's target is unknown",
        ],
    ),
    (
        "post without post id",
        {"time": T0, "actor": "a", "action": "post"},
        "post",
        "missing field",
        None,
        ["field 'post' is missing", "a post event needs the id of the post it creates"],
    ),
    (
        "post with target",
        post(post_id="p2", target="bob"),
        "target",
        "bad value",
        "bob",
        ["field 'target'", "a post has no target", "'bob'", "use a 'mention' event"],
    ),
    (
        "duplicate post id",
        post(post_id="p1", time=T0 + 1),
        "post",
        "duplicate post",
        "p1",
        ["post id 'p1' repeats row 0 (first kept)"],
    ),
    (
        "duplicate post id by reply",
        {"time": T0 + 1, "actor": "b", "action": "reply", "target": "ann", "post": "p1"},
        "post",
        "duplicate post",
        "p1",
        ["post id 'p1' repeats row 0 (first kept)"],
    ),
    (
        "not a mapping",
        ["time", "actor"],
        "",
        "bad row",
        None,
        ["a list is not a mapping of fields"],
    ),
    ("None record", None, "", "bad row", None, ["a NoneType is not a mapping of fields"]),
    (
        "text not a string",
        follow(text={"a": 1}),
        "text",
        "bad value",
        {"a": 1},
        ["field 'text'", "{'a': 1}", "is not a string"],
    ),
    (
        "platform not a string",
        follow(platform=["x"]),
        "platform",
        "bad value",
        ["x"],
        ["field 'platform'", "['x']", "is not a string"],
    ),
    (
        "topics not tags",
        follow(topics=5),
        "topics",
        "bad value",
        5,
        ["field 'topics'", "5", "allowed: a list of strings or one comma-separated string"],
    ),
    (
        "topics non-string tag",
        follow(topics=["a", 1]),
        "topics",
        "bad value",
        ["a", 1],
        ["field 'topics'", "['a', 1]", "non-string tag"],
    ),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if a is pd.NaT:
        return b is pd.NaT
    return bool(a == b)


@pytest.mark.parametrize(
    ("bad", "field", "kind", "value", "fragments"),
    [case[1:] for case in BAD_RECORDS],
    ids=[case[0] for case in BAD_RECORDS],
)
class TestBadRecords:
    def test_raise(self, bad: Any, field: str, kind: str, value: Any, fragments: list[str]) -> None:
        with pytest.raises(InvalidEventError) as info:
            Events.from_records([GOOD, bad, GOOD_AFTER])
        error = info.value
        assert isinstance(error, ValueError)
        message = str(error)
        assert message.startswith("row 1: ")
        if field:
            assert f"'{field}'" in message or f"{field} id" in message
        for fragment in fragments:
            assert fragment in message
        assert error.row == 1
        assert error.field == field
        assert error.kind == kind
        assert _same(error.value, value)

    def test_skip(self, bad: Any, field: str, kind: str, value: Any, fragments: list[str]) -> None:
        records = [GOOD, bad, GOOD_AFTER]
        ev = Events.from_records(records, errors="skip")
        assert len(ev) == 2
        assert len(ev) + len(ev.rejected) == len(records)
        assert ev == Events.from_records([GOOD, GOOD_AFTER])
        (rejection,) = ev.rejected
        assert isinstance(rejection, Rejection)
        row, reason = rejection
        assert row == rejection.row == 1
        assert reason == rejection.reason
        assert rejection.kind == kind
        assert reason.startswith("row 1: ")
        for fragment in fragments:
            assert fragment in reason
        assert ev.report() == {kind: 1}
        with pytest.raises(InvalidEventError) as info:
            Events.from_records(records)
        assert str(info.value) == reason


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
            (4, "line 4: event id '1' repeats line 2 (first kept)")
        ]


class TestBadArguments:
    CONSTRUCTORS: ClassVar[list[str]] = [
        "from_records",
        "from_arrays",
        "read_csv",
        "read_jsonl",
        "from_pandas",
    ]

    def call(self, name: str, tmp_path: Path, **kwargs: Any) -> Events:
        if name == "from_records":
            return Events.from_records([follow()], **kwargs)
        if name == "from_arrays":
            return Events.from_arrays([T0], ["a"], ["follow"], ["b"], **kwargs)
        if name == "read_csv":
            path = write(tmp_path / "ev.csv", f"time,actor,action,target\n{T0},a,follow,b\n")
            return Events.read_csv(path, **kwargs)
        if name == "read_jsonl":
            path = write(tmp_path / "ev.jsonl", json.dumps(follow()) + "\n")
            return Events.read_jsonl(path, **kwargs)
        return Events.from_pandas(pd.DataFrame([follow()]), **kwargs)

    @pytest.mark.parametrize("name", CONSTRUCTORS)
    def test_all_constructors_agree(self, name: str, tmp_path: Path) -> None:
        assert self.call(name, tmp_path) == Events.from_records([follow()])

    @pytest.mark.parametrize("name", CONSTRUCTORS)
    def test_errors_bogus(self, name: str, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="errors must be one of 'raise', 'skip'; got 'bogus'"):
            self.call(name, tmp_path, errors="bogus")

    @pytest.mark.parametrize("name", ["from_records", "read_csv", "read_jsonl", "from_pandas"])
    def test_unknown_columns_field(self, name: str, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"unknown event field\(s\) \['user'\]") as info:
            self.call(name, tmp_path, columns={"user": "actor"})
        assert "allowed: ['time', 'actor', 'action'" in str(info.value)
        assert not isinstance(info.value, InvalidEventError)

    def test_columns_not_a_mapping(self) -> None:
        with pytest.raises(TypeError, match="columns must be a mapping"):
            Events.from_records([follow()], columns=[("time", "ts")])  # type: ignore[arg-type]


# ---------------------------------------------------------------------- bad input in files


class TestBadCsv:
    HEADER = "time,actor,action,target,post,parent\n"

    def test_wrong_number_of_cells(self, tmp_path: Path) -> None:
        text = (
            self.HEADER
            + f"{T0},a,post,,p1,\n"
            + f"{T0},a,follow,b\n"
            + "\n"
            + f"{T0},a,follow,b,,,extra\n"
            + f"{T0},b,like,,,p1\n"
        )
        path = write(tmp_path / "ev.csv", text)
        with pytest.raises(InvalidEventError) as info:
            Events.read_csv(path)
        assert str(info.value) == "line 3: 4 cells where the header has 6"
        assert info.value.row == 3
        assert info.value.kind == "bad row"
        assert info.value.field == ""
        ev = Events.read_csv(path, errors="skip")
        assert len(ev) == 2
        assert [tuple(r) for r in ev.rejected] == [
            (3, "line 3: 4 cells where the header has 6"),
            (5, "line 5: 7 cells where the header has 6"),
        ]
        assert ev.report() == {"bad row": 2}

    def test_row_numbers_are_file_lines(self, tmp_path: Path) -> None:
        text = (
            self.HEADER
            + "\n"
            + f"{T0},a,post,,p1,\n"
            + "\n\n"
            + f"{T0},a,poke,b,,\n"
            + "soon,a,follow,b,,\n"
            + f"{T0},,follow,b,,\n"
            + f"{T0},a,like,,,p9\n"
            + f"{T0},a,post,b,p2,\n"
            + f"{T0},b,like,,,p1\n"
        )
        path = write(tmp_path / "ev.csv", text)
        with pytest.raises(InvalidEventError) as info:
            Events.read_csv(path)
        assert info.value.row == 6
        assert (info.value.field, info.value.kind, info.value.value) == (
            "action",
            "unknown action",
            "poke",
        )
        assert str(info.value).startswith("line 6: field 'action': unknown action 'poke'")
        ev = Events.read_csv(path, errors="skip")
        assert len(ev) == 2
        assert [(r.row, r.kind) for r in ev.rejected] == [
            (6, "unknown action"),
            (7, "bad time"),
            (8, "missing field"),
            (9, "unresolved target"),
            (10, "bad value"),
        ]
        for row, reason in ev.rejected:
            assert reason.startswith(f"line {row}: ")
        assert "'soon'" in ev.rejected[1].reason
        assert "'p9'" in ev.rejected[3].reason

    def test_missing_required_column(self, tmp_path: Path) -> None:
        path = write(tmp_path / "ev.csv", f"time,user,action\n{T0},a,follow\n")
        for errors in ("raise", "skip"):
            with pytest.raises(ValueError, match=r"required column\(s\) \['actor'\]") as info:
                Events.read_csv(path, errors=errors)  # type: ignore[arg-type]
            assert not isinstance(info.value, InvalidEventError)
            assert "columns=" in str(info.value)

    def test_missing_mapped_column(self, tmp_path: Path) -> None:
        path = write(tmp_path / "ev.csv", f"time,actor,action\n{T0},a,follow\n")
        with pytest.raises(ValueError, match=r"required column\(s\) \['when'\]"):
            Events.read_csv(path, columns={"time": "when"})

    def test_empty_file(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"required column\(s\) \['time', 'actor', 'action'\]"):
            Events.read_csv(write(tmp_path / "ev.csv", ""))

    def test_header_only(self, tmp_path: Path) -> None:
        ev = Events.read_csv(write(tmp_path / "ev.csv", "time,actor,action\n"))
        assert len(ev) == 0
        assert ev == Events.empty()


class TestBadJsonl:
    def test_bad_lines(self, tmp_path: Path) -> None:
        lines = [
            json.dumps(GOOD),
            "",
            "{not json",
            "[1, 2]",
            "null",
            "5",
            '"text"',
            "{}",
            json.dumps(follow(action="poke")),
            json.dumps(GOOD_AFTER),
        ]
        path = write(tmp_path / "ev.jsonl", "\n".join(lines) + "\n")
        with pytest.raises(InvalidEventError) as info:
            Events.read_jsonl(path)
        assert info.value.row == 3
        assert info.value.kind == "bad row"
        assert info.value.field == ""
        assert str(info.value).startswith("line 3: invalid JSON")
        ev = Events.read_jsonl(path, errors="skip")
        assert len(ev) == 2
        assert len(ev) + len(ev.rejected) == len([line for line in lines if line])
        assert [(r.row, r.kind) for r in ev.rejected] == [
            (3, "bad row"),
            (4, "bad row"),
            (5, "bad row"),
            (6, "bad row"),
            (7, "bad row"),
            (8, "missing field"),
            (9, "unknown action"),
        ]
        assert ev.rejected[1].reason == "line 4: a JSON list is not an object"
        assert ev.rejected[2].reason == "line 5: a JSON null is not an object"
        assert ev.report() == {"bad row": 5, "missing field": 1, "unknown action": 1}

    def test_nan_time_in_json(self, tmp_path: Path) -> None:
        path = write(
            tmp_path / "ev.jsonl",
            '{"time": NaN, "actor": "a", "action": "follow", "target": "b"}\n',
        )
        with pytest.raises(InvalidEventError, match="line 1: field 'time'") as info:
            Events.read_jsonl(path)
        assert info.value.kind == "bad time"

    def test_gzip_line_numbers(self, tmp_path: Path) -> None:
        text = json.dumps(GOOD) + "\n\n" + json.dumps(follow(time="x")) + "\n"
        ev = Events.read_jsonl(write_gz(tmp_path / "ev.jsonl.gz", text), errors="skip")
        assert [(r.row, r.kind) for r in ev.rejected] == [(3, "bad time")]


class TestBadArrays:
    def test_row_numbers_are_positions(self) -> None:
        ev = Events.from_arrays(
            time=np.array([0.0, np.nan, 2.0, np.inf]),
            actor=np.array([1, 2, 3, 4]),
            action=np.array([5, 5, 7, 5]),
            target=np.array([2.0, 1.0, 1.0, np.nan]),
            errors="skip",
        )
        assert len(ev) == 1
        assert [(r.row, r.kind) for r in ev.rejected] == [
            (1, "bad time"),
            (2, "unknown action"),
            (3, "bad time"),
        ]

    def test_nat_time(self) -> None:
        times = np.array(["2024-05-01T09:00", "NaT"], dtype="M8[s]")
        with pytest.raises(InvalidEventError, match=r"row 1: field 'time' is missing") as info:
            Events.from_arrays(times, np.array([1, 2]), np.array([5, 5]), np.array([2, 1]))
        assert info.value.kind == "missing field"

    def test_big_float_id(self) -> None:
        with pytest.raises(InvalidEventError, match="field 'actor'") as info:
            Events.from_arrays(np.array([0.0]), np.array([1e30]), np.array([5]), np.array([1.0]))
        assert info.value.kind == "bad id"

    def test_uint64_above_int64(self) -> None:
        with pytest.raises(ValueError, match="unsigned ids above 2"):
            Events.from_arrays(
                np.array([0.0]),
                np.array([2**64 - 1], dtype=np.uint64),
                np.array([5]),
                np.array([1]),
            )


class TestBadPandas:
    def test_nan_float_target_without_parent(self) -> None:
        frame = pd.DataFrame(
            {
                "time": [T0, T0],
                "actor": [1, 2],
                "action": ["follow", "follow"],
                "target": [2.0, np.nan],
            }
        )
        with pytest.raises(InvalidEventError) as info:
            Events.from_pandas(frame)
        assert (info.value.row, info.value.field, info.value.kind) == (
            1,
            "target",
            "unresolved target",
        )
        ev = Events.from_pandas(frame, errors="skip")
        assert len(ev) == 1
        assert ev.report() == {"unresolved target": 1}


# ---------------------------------------------------------------------- caller's data


def test_from_records_does_not_mutate_records() -> None:
    records: list[Any] = [
        *copy.deepcopy(SAMPLE),
        {
            "time": "bad",
            "actor": "x",
            "action": "like",
            "parent": "p1",
            "topics": ["b", "a", "b"],
            "extra": {"k": [1]},
        },
        ["not", "a", "mapping"],
        {
            "time": T0,
            "actor": " spaced ",
            "action": " LIKE ",
            "target": " ann ",
            "topics": "z, y",
            "id": "e1",
        },
        {"time": T0, "actor": 1, "action": "follow", "target": 2.0, "id": "e1"},
    ]
    before = copy.deepcopy(records)
    Events.from_records(records, errors="skip")
    Events.from_records(iter(records), errors="skip")
    assert records == before


def test_from_arrays_does_not_mutate_arrays() -> None:
    arrays = {
        "time": np.array([3.0, np.nan, 1.0, 2.0]),
        "actor": np.array([5, 6, 7, 5]),
        "action": np.array([0, 3, 5, 3], dtype=np.int8),
        "target": np.array([np.nan, np.nan, 5.0, np.nan]),
        "post": np.array([10, -1, -1, -1]),
        "parent": np.array([np.nan, 10.0, np.nan, 10.0]),
        "text": np.array(["a", "b", "c", "d"]),
        "platform": np.array(["x", None, "y", None], dtype=object),
        "topics": np.array([["t"], None, "u,v", None], dtype=object),
    }
    before = copy.deepcopy(arrays)
    ev = Events.from_arrays(**arrays, errors="skip")
    assert len(ev) == 3
    for name, array in arrays.items():
        assert array.flags.writeable, name
        assert array.dtype == before[name].dtype, name
        if array.dtype.kind == "f":
            np.testing.assert_array_equal(array, before[name])
        else:
            assert array.tolist() == before[name].tolist(), name


def test_from_arrays_accepts_read_only_arrays() -> None:
    ev = sample().select(sample().target >= 0)
    again = Events.from_arrays(ev.time, ev.actor, ev.action, ev.target)
    assert len(again) == len(ev) == 5
    assert not ev.time.flags.writeable
    assert again.time.tolist() == ev.time.tolist()


def test_from_pandas_does_not_mutate_frame() -> None:
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(["2024-05-01 11:00", "2024-05-01 12:00", None]).tz_localize(
                "Europe/Paris"
            ),
            "actor": [1, 2, 3],
            "action": ["post", "Like", "follow"],
            "target": [np.nan, np.nan, 1.0],
            "post": ["p1", None, None],
            "parent": [None, " p1 ", None],
            "topics": [["a", "b"], None, None],
        }
    )
    before = frame.copy(deep=True)
    dtypes = frame.dtypes.copy()
    ev = Events.from_pandas(frame, errors="skip")
    assert len(ev) == 2
    pd.testing.assert_frame_equal(frame, before)
    assert frame.dtypes.equals(dtypes)
    assert str(frame["time"].dtype).endswith("Europe/Paris]")


def test_csv_with_a_byte_order_mark_is_read(tmp_path: Any) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbftime,actor,action,target\n1,ann,like,bob\n")
    assert len(Events.read_csv(path)) == 1


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
