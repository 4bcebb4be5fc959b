"""Arrow in and out: Events.from_arrow (pyarrow, polars, any PyCapsule) and Scores as a stream."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import numpy as np
import pytest

from influence import Events, InvalidEventError, Scorer, Scores
from influence.testing import small_world, small_world_records

pa = pytest.importorskip("pyarrow")

T0 = 1_714_554_000  # 2024-05-01T09:00:00Z


def follow(actor: Any = "a", target: Any = "b", time: float = T0) -> dict[str, Any]:
    return {"time": time, "actor": actor, "action": "follow", "target": target}


def table_of(records: list[dict[str, Any]]) -> Any:
    """A pyarrow table with a column for every key of any record (null where absent)."""
    keys = list(dict.fromkeys(k for r in records for k in r))
    return pa.table({k: [r.get(k) for r in records] for k in keys})


class Capsule:
    """Arrow data offered only through ``__arrow_c_stream__``, as a third-party library would."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self._table.__arrow_c_stream__(requested_schema)


# ---------------------------------------------------------------------- from_arrow, pyarrow


def test_records_through_arrow_give_the_same_table() -> None:
    records = small_world_records(seed=3)
    table = table_of(records)
    assert table.column("topics").type == pa.list_(pa.string())
    assert Events.from_arrow(table) == Events.from_records(records)


def test_round_trip_of_an_events_table() -> None:
    events = small_world(seed=1)
    assert Events.from_arrow(table_of(events.to_records())) == events


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_timestamps_with_a_time_zone_are_read_as_utc(unit: str) -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    times = [
        dt.datetime(2024, 5, 1, 11, 0, tzinfo=paris),
        dt.datetime(2024, 5, 1, 12, 30, tzinfo=paris),
    ]
    table = pa.table(
        {
            "time": pa.array(times, type=pa.timestamp(unit, tz="Europe/Paris")),
            "actor": ["a", "b"],
            "action": ["follow", "follow"],
            "target": ["b", "a"],
        }
    )
    assert Events.from_arrow(table).time.tolist() == [float(T0), float(T0) + 1.5 * 3600]


def test_naive_timestamps_and_dates_are_utc() -> None:
    table = pa.table(
        {
            "time": pa.array([dt.datetime(2024, 5, 1, 9)], type=pa.timestamp("us")),
            "actor": [1],
            "action": ["follow"],
            "target": [2],
        }
    )
    assert Events.from_arrow(table).time.tolist() == [float(T0)]
    dates = table.set_column(0, "time", pa.array([dt.date(2024, 5, 1)], type=pa.date32()))
    assert Events.from_arrow(dates).time.tolist() == [float(T0 - 9 * 3600)]


def test_null_time_is_a_missing_field() -> None:
    table = pa.table(
        {
            "time": pa.array([dt.datetime(2024, 5, 1, 9), None], type=pa.timestamp("s")),
            "actor": ["a", "b"],
            "action": ["follow", "follow"],
            "target": ["b", "a"],
        }
    )
    with pytest.raises(InvalidEventError, match="row 1: field 'time' is missing") as info:
        Events.from_arrow(table)
    assert (info.value.row, info.value.field, info.value.kind) == (1, "time", "missing field")
    events = Events.from_arrow(table, errors="skip")
    assert len(events) == 1
    assert events.report() == {"missing field": 1}


def test_integer_ids_with_nulls_keep_every_digit() -> None:
    big = 2**62 + 1  # not representable as a float64
    table = pa.table(
        {
            "time": [T0, T0 + 1, T0 + 2],
            "actor": pa.array([big, 2, 3], type=pa.int64()),
            "action": ["post", "like", "follow"],
            "target": pa.array([None, None, big], type=pa.int64()),
            "post": pa.array([10, None, None], type=pa.int64()),
            "parent": pa.array([None, 10, None], type=pa.int64()),
        }
    )
    events = Events.from_arrow(table)
    assert list(events.users) == [2, 3, big]
    assert events.to_records()[1]["target"] == big  # resolved from the parent post's author


def test_small_integer_ids_with_nulls_read_as_from_records() -> None:
    # Read in bulk (float64 with NaN for the nulls), not one Python object per row.
    records = [
        {"time": T0, "actor": 5, "action": "post", "post": 10},
        {"time": T0 + 1, "actor": 2, "action": "like", "parent": 10},
        {"time": T0 + 2, "actor": 3, "action": "follow", "target": 2},
        {"time": T0 + 3, "actor": -(2**53), "action": "mention", "target": 2**53},
    ]
    columns = ("time", "actor", "action", "target", "post", "parent")
    table = pa.table(
        {
            c: pa.array([r.get(c) for r in records], type=None if c == "action" else pa.int64())
            for c in columns
        }
    )
    got, want = Events.from_arrow(table), Events.from_records(records)
    assert got.to_records() == want.to_records()
    assert list(got.users) == list(want.users)


def test_dictionary_columns_with_nulls_are_decoded() -> None:
    # pyarrow's own to_numpy of a dictionary chunk may show a value where the row is null
    actor = pa.array(["a", "b", "c", "a"]).dictionary_encode()
    target = pa.DictionaryArray.from_arrays(
        pa.array([1, None, 0, None], type=pa.int32()), pa.array(["x", "y"])
    )
    table = pa.table(
        {
            "time": [T0, T0 + 1, T0 + 2, T0 + 3],
            "actor": actor,
            "action": pa.array(["like", "like", "like", "post"]).dictionary_encode(),
            "target": target,
            "post": [None, None, None, "p1"],
        }
    )
    events = Events.from_arrow(table, errors="skip")
    assert [(r["actor"], r.get("target")) for r in events.to_records()] == [
        ("a", "y"),
        ("c", "x"),
        ("a", None),
    ]
    assert [r.row for r in events.rejected] == [1]
    assert events.report() == {"unresolved target": 1}


@pytest.mark.parametrize(
    "ids",
    [
        [" ann ", "bob", "ann"],  # stripped, as everywhere
        ["x" * 100, "bob", "x" * 100],  # too long for the fixed-width path
        ["a\x00", "a", "a\x00"],  # a trailing NUL numpy's str arrays would drop
        ["", "bob", "ann"],  # blank: missing
    ],
)
def test_string_ids_read_as_by_from_records(ids: list[str]) -> None:
    records = [
        follow(ids[0], "bob"),
        follow(ids[1], ids[2], T0 + 1),
        follow(ids[2], ids[1], T0 + 2),
    ]
    mine = Events.from_arrow(table_of(records), errors="skip")
    theirs = Events.from_records(records, errors="skip")
    assert mine == theirs
    assert [tuple(r) for r in mine.rejected] == [tuple(r) for r in theirs.rejected]


def test_several_chunks_and_dictionary_chunks() -> None:
    first = pa.table({"time": [T0], "actor": ["a"], "action": ["follow"], "target": ["b"]})
    second = pa.table({"time": [T0 + 1], "actor": ["b"], "action": ["follow"], "target": ["c"]})
    table = pa.concat_tables([first, second])
    assert table.column("actor").num_chunks == 2
    expected = Events.from_records([follow("a", "b"), follow("b", "c", T0 + 1)])
    assert Events.from_arrow(table) == expected
    encoded = table.set_column(
        1,
        "actor",
        pa.chunked_array([c.dictionary_encode() for c in table.column("actor").chunks]),
    )
    assert Events.from_arrow(encoded) == expected


def test_record_batch_reader_and_record_batch() -> None:
    table = pa.Table.from_pylist([follow("a", "b"), follow("b", "a", T0 + 1)])
    expected = Events.from_arrow(table)
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    assert Events.from_arrow(reader) == expected
    assert Events.from_arrow(table.to_batches()[0]) == expected


def test_any_object_with_the_stream_capsule() -> None:
    table = pa.Table.from_pylist([follow("a", "b"), follow("b", "a", T0 + 1)])
    assert Events.from_arrow(Capsule(table)) == Events.from_arrow(table)


def test_columns_mapping() -> None:
    table = pa.table({"ts": [T0], "who": ["a"], "verb": ["follow"], "whom": ["b"]})
    events = Events.from_arrow(
        table, columns={"time": "ts", "actor": "who", "action": "verb", "target": "whom"}
    )
    assert events.to_records() == [follow()]


def test_missing_required_column() -> None:
    table = pa.table({"time": [T0], "user": ["a"], "action": ["follow"]})
    with pytest.raises(ValueError, match=r"lacks required column\(s\) \['actor'\]"):
        Events.from_arrow(table)


def test_repeated_column_name() -> None:
    table = pa.Table.from_arrays(
        [pa.array([T0]), pa.array(["a"]), pa.array(["follow"]), pa.array(["b"]), pa.array(["c"])],
        names=["time", "actor", "action", "target", "target"],
    )
    with pytest.raises(ValueError, match="2 columns named 'target'"):
        Events.from_arrow(table)


def test_bad_rows_are_reported_as_by_the_other_constructors() -> None:
    records = [
        follow(),
        {"time": "yesterday", "actor": "a", "action": "follow", "target": "b"},
        {"time": T0, "actor": "a", "action": "poke", "target": "b"},
        {"time": T0, "actor": None, "action": "like", "target": "b"},
    ]
    table = pa.table(
        {
            "time": ["2024-05-01T09:00:00Z", "yesterday", "2024-05-01T09:00:00Z", "2024-05-01"],
            "actor": ["a", "a", "a", None],
            "action": ["follow", "follow", "poke", "like"],
            "target": ["b", "b", "b", "b"],
        }
    )
    mine = Events.from_arrow(table, errors="skip")
    theirs = Events.from_records(records, errors="skip")
    assert [tuple(r) for r in mine.rejected] == [tuple(r) for r in theirs.rejected]
    assert mine.report() == theirs.report()
    with pytest.raises(InvalidEventError) as info:
        Events.from_arrow(table)
    assert (info.value.row, info.value.field, info.value.kind) == (1, "time", "bad time")


def test_errors_and_columns_are_checked() -> None:
    table = pa.Table.from_pylist([follow()])
    with pytest.raises(ValueError, match="errors must be one of"):
        Events.from_arrow(table, errors="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"unknown event field\(s\) \['user'\]"):
        Events.from_arrow(table, columns={"user": "actor"})


def test_not_arrow_data() -> None:
    with pytest.raises(TypeError, match=r"from_arrow needs Arrow data.*got list"):
        Events.from_arrow([follow()])


def test_the_table_is_not_modified() -> None:
    table = table_of(small_world_records(seed=2))
    before = table.to_pylist()
    Events.from_arrow(table)
    assert table.to_pylist() == before


def test_without_pyarrow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    table = pa.Table.from_pylist([follow()])
    scores = Scorer().score(small_world())
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    with pytest.raises(ImportError, match=r"from_arrow needs pyarrow.*influence-score\[arrow\]"):
        Events.from_arrow(Capsule(table))
    with pytest.raises(ImportError, match=r"influence-score\[arrow\]"):
        scores.__arrow_c_stream__()


# ---------------------------------------------------------------------- polars and pandas


def test_polars_dataframe() -> None:
    pl = pytest.importorskip("polars")
    records = [
        {"time": T0, "actor": "ann", "action": "post", "post": "p1", "topics": ["a", "b"]},
        {"time": T0 + 60, "actor": "bob", "action": "retweet", "parent": "p1"},
        {"time": T0 + 120, "actor": "cy", "action": "like", "target": "ann"},
    ]
    frame = pl.DataFrame(records)
    expected = Events.from_records(records)
    assert Events.from_arrow(frame) == expected
    assert Events.from_pandas(frame) == expected  # routed to from_arrow


def test_polars_categoricals_and_time_zones() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            "time": [dt.datetime(2024, 5, 1, 11), dt.datetime(2024, 5, 1, 12)],
            "actor": ["a", "b"],
            "action": ["follow", "follow"],
            "target": ["b", None],
        }
    ).with_columns(
        pl.col("time").dt.replace_time_zone("Europe/Paris"),
        pl.col("actor", "target", "action").cast(pl.Categorical),
    )
    events = Events.from_pandas(frame, errors="skip")
    assert events.to_records() == [follow("a", "b")]
    assert [r.row for r in events.rejected] == [1]  # the null target is missing, not "b"


def test_pandas_frames_keep_the_pandas_path() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([follow(), follow("b", "a", T0 + 1)])
    assert Events.from_pandas(frame) == Events.from_arrow(pa.Table.from_pandas(frame))
    if hasattr(frame, "__arrow_c_stream__"):  # pandas >= 2.2 speaks Arrow too
        assert Events.from_arrow(frame) == Events.from_pandas(frame)


# ---------------------------------------------------------------------- Scores out


@pytest.fixture(scope="module")
def scores() -> Scores:
    return Scorer().score(small_world())


def test_pyarrow_table_of_scores(scores: Scores) -> None:
    table = pa.table(scores)
    assert table.column_names == ["user", "score", *scores.part_names]
    assert table.num_rows == len(scores)
    assert table.column("user").to_pylist() == list(scores.users)
    assert table.column("score").to_pylist() == scores.values.tolist()
    for name in scores.part_names:
        assert table.column(name).to_pylist() == scores.parts[name].tolist()
    assert table.schema.field("score").type == pa.float64()


def test_polars_dataframe_of_scores(scores: Scores) -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(scores)
    assert frame.columns == ["user", "score", *scores.part_names]
    assert frame["user"].to_list() == list(scores.users)
    np.testing.assert_array_equal(frame["score"].to_numpy(), scores.values)


def test_same_as_to_pandas(scores: Scores) -> None:
    pytest.importorskip("pandas")
    assert pa.table(scores).to_pandas().equals(scores.to_pandas())


def test_integer_ids_and_empty_scores() -> None:
    events = Events.from_arrays(
        time=np.array([1.0, 2.0]), actor=np.array([7, 8]), action=np.array([3, 3]),
        target=np.array([8, 7]),
    )  # fmt: skip
    table = pa.table(Scorer().score(events))
    assert table.schema.field("user").type == pa.int64()
    assert table.column("user").to_pylist() == [7, 8]
    empty = pa.table(Scorer().score(Events.empty()))
    assert empty.num_rows == 0
    assert empty.schema.field("user").type in (pa.int64(), pa.string(), pa.null())


def test_requested_schema_is_passed_on(scores: Scores) -> None:
    schema = pa.schema(
        [("user", pa.large_string()), ("score", pa.float64())]
        + [(n, pa.float64()) for n in scores.part_names]
    )
    reader = pa.RecordBatchReader.from_stream(scores, schema=schema)
    assert reader.read_all().schema.field("user").type == pa.large_string()


# ---------------------------------------------------------------------- History out


@pytest.fixture(scope="module")
def history() -> Any:
    return Scorer().history(small_world(), every="1D")


def test_pyarrow_table_of_a_history(history: Any) -> None:
    table = pa.table(history)
    records = history.to_records()
    assert table.column_names == ["user", "time", "score", *history.part_names]
    assert table.num_rows == len(records) > len(history)
    assert table.schema.field("time").type == pa.timestamp("us", tz="UTC")
    assert table.column("user").to_pylist() == [r["user"] for r in records]
    micros = table.column("time").cast(pa.int64()).to_numpy()
    np.testing.assert_array_equal(micros, np.round([r["time"] * 1e6 for r in records]))
    for name in ("score", *history.part_names):
        assert table.column(name).to_pylist() == [r[name] for r in records]


def test_polars_and_pandas_frames_of_a_history(history: Any) -> None:
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    frame = pl.DataFrame(history)
    assert frame.columns == ["user", "time", "score", *history.part_names]
    assert str(frame["time"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    expected = history.to_pandas()
    got = pa.table(history).to_pandas()
    late = (got["time"] - expected["time"]).abs().max()
    assert late <= pd.Timedelta(microseconds=0.5)  # microseconds, rounded to the nearest
    pd.testing.assert_frame_equal(got.drop(columns="time"), expected.drop(columns="time"))


def test_an_empty_history_exports_an_empty_table() -> None:
    from influence.scoring.history_result import History

    empty = History(dates=np.zeros(0), scores=(), every=86_400.0, events=small_world())
    table = pa.table(empty)
    assert table.num_rows == 0
    assert table.column_names[:3] == ["user", "time", "score"]
