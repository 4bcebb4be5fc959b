"""The readers behind the Events constructors: records, arrays, CSV, JSON Lines, pandas."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from events._sample import (
    COLUMN_DTYPES,
    GOOD,
    GOOD_AFTER,
    HOUR,
    SAMPLE,
    SAMPLE_OUT,
    T0,
    follow,
    names,
    post,
    sample,
    write,
    write_gz,
)
from influence import ACTIONS, Events, InvalidEventError
from influence.events import readers
from influence.events.assemble import FIELDS, Table
from influence.events.readers import field_map, require_columns

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
        ev = Events.from_records([follow(actor="  a ", target="b\u00a0")])
        assert list(ev.users) == ["a", "b"]

    def test_a_control_character_in_an_id_is_refused(self) -> None:
        with pytest.raises(InvalidEventError, match="control character") as info:
            Events.from_records([follow(actor="a", target="b\t")])
        assert info.value.kind == "bad id"


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
        assert str(info.value) == f"{path}: line 3: 4 cells where the header has 6"
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
        assert str(info.value).startswith(f"{path}: line 6: field 'action': unknown action 'poke'")
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
        assert str(info.value).startswith(f"{path}: line 3: invalid JSON")
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

    def test_uint64_above_int64_are_text_as_the_id_rule_says(self) -> None:
        # pandas reads a 20-digit id as uint64: the same ids as read_csv's, as text
        ev = Events.from_arrays(
            np.array([0.0, 1.0]),
            np.array([2**64 - 1, 3], dtype=np.uint64),
            np.array([5, 5]),
            np.array([1, 1]),
        )
        assert ev.users.ids.tolist() == ["1", "18446744073709551615", "3"]
        assert ev.users.index("18446744073709551615") == 1
        same = Events.from_records(
            [
                {"time": 0, "actor": "18446744073709551615", "action": "follow", "target": 1},
                {"time": 1, "actor": 3, "action": "follow", "target": 1},
            ]
        )
        assert same == ev


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


# ---------------------------------------------------------------------- column mapping


class TestFieldMap:
    def test_defaults_to_the_field_names(self) -> None:
        assert field_map(None) == {f: f for f in FIELDS}
        assert list(field_map(None)) == list(FIELDS)

    def test_maps_the_named_fields_only(self) -> None:
        mapping = field_map({"time": "ts", "actor": "user"})
        assert mapping["time"] == "ts"
        assert mapping["actor"] == "user"
        assert mapping["target"] == "target"

    def test_rejects_unknown_fields_and_points_out_a_reversed_mapping(self) -> None:
        with pytest.raises(ValueError, match=r"unknown event field\(s\) \['ts'\]") as info:
            field_map({"ts": "time"})
        assert "looks reversed: write {'time': 'ts'}" in str(info.value)
        with pytest.raises(TypeError, match="columns must be a mapping"):
            field_map([("time", "ts")])  # type: ignore[arg-type]

    def test_require_columns_names_the_missing_ones(self) -> None:
        mapping = field_map({"time": "when"})
        require_columns(mapping, ["when", "actor", "action"], "the source")
        with pytest.raises(ValueError, match=r"the source lacks required column\(s\) \['when'\]"):
            require_columns(mapping, ["time", "actor", "action"], "the source")
        with pytest.raises(ValueError, match=r"\['actor', 'action'\]; has \['when'\]"):
            require_columns(mapping, ["when"], "the source")

    def test_readers_return_the_table_the_constructors_wrap(self) -> None:
        table = readers.from_records(SAMPLE)
        assert isinstance(table, Table)
        assert Events(table) == sample()


# --------------------------------------------------------------------------- Parquet
def test_read_parquet_reads_like_from_arrow_and_numbers_rows_from_one(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "time": [1, 2, 3],
            "actor": ["ann", "bob", "cy"],
            "action": ["like", "poke", "share"],
            "target": ["bob", "ann", "ann"],
        }
    )
    path = tmp_path / "log.parquet"
    pq.write_table(table, path)
    with pytest.raises(InvalidEventError, match="row 2"):
        Events.read_parquet(path)
    kept = Events.read_parquet(path, errors="skip")
    assert kept == Events.from_arrow(table, errors="skip")
    assert [r.row for r in kept.rejected] == [2]
    renamed = tmp_path / "renamed.parquet"
    pq.write_table(table.rename_columns(["t", "actor", "action", "target"]), renamed)
    assert len(Events.read_parquet(renamed, columns={"time": "t"}, errors="skip")) == 2
    with pytest.raises(ValueError, match="required column"):
        Events.read_parquet(renamed)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        Events.read_parquet(junk)
    with pytest.raises(FileNotFoundError):
        Events.read_parquet(tmp_path / "missing.parquet")


@pytest.mark.parametrize("fast", [True, False])
def test_read_csv_and_jsonl_read_the_logs_own_action_values(tmp_path: Path, fast: bool) -> None:
    # Higgs writes RT, MT and RE: read as share, mention and reply (case ignored), as if
    # the file had said so; a value the mapping and the vocabulary both lack is a bad row.
    mapping = {"RT": "share", "MT": "mention", "RE": "reply"}
    path = tmp_path / "higgs.csv"
    path.write_text("time,actor,action,target\n1,b,RT,a\n2,c,mt,a\n3,a,RE,c\n4,d,like,a\n")
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "time,actor,action,target\n1,b,share,a\n2,c,mention,a\n3,a,reply,c\n4,d,like,a\n"
    )
    read = Events(readers.read_csv(path, actions=mapping, fast=fast, progress=False))
    assert read == Events.read_csv(plain, progress=False)
    lines = tmp_path / "higgs.jsonl"
    lines.write_text(
        "".join(json.dumps(r) + "\n" for r in read.to_records()).replace('"share"', '"RT"')
    )
    assert Events.read_jsonl(lines, actions=mapping, progress=False) == read
    with pytest.raises(InvalidEventError, match="RT"):
        readers.read_csv(path, actions={"MT": "mention"}, fast=fast, progress=False)
    with pytest.raises(ValueError, match=r"'actions' parameter of Events\.read_csv"):
        Events.read_csv(path, actions={"RT": "retweeted"}, progress=False)


def test_a_bad_parquet_row_names_the_file(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "ev.parquet"
    table = pa.table(
        {
            "time": [1.0, 2.0],
            "actor": ["a", "b"],
            "action": ["follow", "poke"],
            "target": ["b", "a"],
        }
    )
    pq.write_table(table, path)
    with pytest.raises(InvalidEventError, match=rf"^{re.escape(str(path))}: row 2: field 'action'"):
        Events.read_parquet(path)
