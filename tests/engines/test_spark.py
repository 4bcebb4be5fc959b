"""read_spark: the scoring window of a Spark DataFrame, filtered by Spark.

Every result is compared with ``Events.from_pandas`` on the same rows followed
by the same window cut (``_window_log.expected``). One local session
serves the whole module (its start-up is most of the run time).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _window_log import DAY, converted, expected, log, same, seconds
from influence import InvalidEventError
from influence.engines import read_spark

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

from pyspark.sql import SparkSession  # noqa: E402

ZONE = "spark.sql.session.timeZone"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = (
        SparkSession.builder.master("local[1]")
        .appName("influence-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.showConsoleProgress", "false")
        # tiny jobs: compiling whole-stage code or adaptive plans costs more than it saves
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.adaptive.enabled", "false")
        # a quick JVM for short jobs: the C1 compiler only, no parallel GC threads
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# ------------------------------------------------------------------ the log

SCHEMA = "actor string, action string, target string, post string, platform string"
#: Spark time type -> the kind of Python values given to createDataFrame
KINDS = {
    "bigint": "int",
    "double": "float",
    "decimal(12,2)": "decimal",
    "timestamp": "aware",
    "timestamp_ntz": "naive",
    "date": "date",
    "string": "text",
}


def frame(spark: Any, rows: list[tuple[Any, ...]], time_type: str) -> Any:
    return spark.createDataFrame(rows, f"time {time_type}, {SCHEMA}")


# ------------------------------------------------------------------ same events as in memory

TYPES = list(KINDS)


@pytest.mark.parametrize("time_type", TYPES)
def test_every_time_type_gives_the_events_of_the_window(spark: Any, time_type: str) -> None:
    times = seconds()
    # rows exactly at as_of and exactly days before it: the window is (as_of - days, as_of]
    as_of = times[80]
    times += [as_of - 30 * DAY, as_of - 30 * DAY + 1]
    rows = log(converted(times, KINDS[time_type]))
    df = frame(spark, rows, time_type)
    cut = as_of if time_type != "date" else times[80] // DAY * DAY
    if time_type.startswith("decimal"):  # Events reads decimals as floats, not as Decimal objects
        rows = log(converted(times, "float"))
    for when, days in ((None, 180), (cut, 30)):
        got = read_spark(df, as_of=when, days=days)
        want = expected(rows, when, days)
        assert same(got, want)
        assert len(got) > 0
    assert len(got) < len(rows)


def test_as_of_defaults_to_the_latest_time_in_the_data(spark: Any) -> None:
    times = seconds()
    rows = log(converted(times, KINDS["string"]))
    events = read_spark(frame(spark, rows, "string"), days=10)
    assert events.end == times[-1]  # 2024, not the wall clock
    assert events.start is not None
    assert events.start > times[-1] - 10 * DAY
    assert same(events, expected(rows, days=10))


def test_days_none_keeps_all_history_up_to_as_of(spark: Any) -> None:
    times = seconds()
    rows = log(times)
    df = frame(spark, rows, "double")
    assert same(read_spark(df, days=None), expected(rows, days=None))
    assert len(read_spark(df, days=None)) == len(rows)
    assert same(read_spark(df, as_of=times[50], days=None), expected(rows, times[50], days=None))
    assert len(read_spark(df, as_of=times[50], days=None)) == 51


def test_session_time_zone_is_left_alone_and_does_not_change_the_result(spark: Any) -> None:
    times = seconds()
    texts = log(converted(times, KINDS["string"]))
    naive = log(converted(times, KINDS["timestamp_ntz"]))
    aware = log(converted(times, KINDS["timestamp"]))
    before = spark.conf.get(ZONE)
    try:
        for zone in ("Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"):
            spark.conf.set(ZONE, zone)
            for rows, time_type in ((texts, "string"), (naive, "timestamp_ntz")):
                got = read_spark(frame(spark, rows, time_type), as_of=times[60], days=20)
                assert same(got, expected(rows, times[60], 20))
                assert spark.conf.get(ZONE) == zone
            got = read_spark(frame(spark, aware, "timestamp"), days=20)
            assert same(got, expected(aware, days=20))
            assert spark.conf.get(ZONE) == zone
    finally:
        spark.conf.set(ZONE, before)
    assert spark.conf.get(ZONE) == before


@pytest.mark.parametrize("time_type", ["bigint", "double", "timestamp", "date"])
def test_a_parquet_source_gives_the_events_of_the_window(
    spark: Any, tmp_path: Path, time_type: str
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    times = seconds(200)
    rows = log(converted(times, KINDS[time_type]))
    bad = [None, float("nan"), float("-inf")] if time_type == "double" else [None]
    rows[5:5] = log(bad)  # unreadable times in the oldest row group: passed through
    path = str(tmp_path / "log.parquet")
    pq.write_table(frame(spark, rows, time_type).toArrow(), path, row_group_size=25)
    source = spark.read.parquet(path)
    as_of = times[150] if time_type != "date" else times[150] // DAY * DAY
    events = read_spark(source, as_of=as_of, days=40, errors="skip")
    assert same(events, expected(rows, as_of, 40, errors="skip"))
    assert len(events.rejected) == len(bad)


# ------------------------------------------------------------------ unreadable times


@pytest.mark.parametrize(
    ("time_type", "bad"),
    [("string", ["soon", None, "inf", ""]), ("double", [float("nan"), None, float("inf")])],
)
def test_unreadable_times_are_passed_to_validation(
    spark: Any, time_type: str, bad: list[Any]
) -> None:
    times = seconds(40)
    good = converted(times, KINDS[time_type])
    rows = log(good[:10] + bad + good[10:])
    df = frame(spark, rows, time_type)
    with pytest.raises(InvalidEventError, match="time"):
        read_spark(df)
    events = read_spark(df, errors="skip", days=None)
    assert len(events.rejected) == len(bad)
    assert set(events.report()) <= {"bad time", "missing field"}
    assert len(events) == len(times)
    skipped = read_spark(df, errors="skip", as_of=times[30], days=50)
    assert len(skipped.rejected) == len(bad)
    assert same(skipped, expected(rows, times[30], 50, errors="skip"))


def test_a_frame_without_a_readable_time_is_read_whole(spark: Any) -> None:
    rows = log(["never", None])
    df = frame(spark, rows, "string")
    with pytest.raises(InvalidEventError):
        read_spark(df)
    events = read_spark(df, errors="skip")
    assert len(events) == 0
    assert len(events.rejected) == 2


def test_an_empty_frame_gives_no_events(spark: Any) -> None:
    events = read_spark(frame(spark, [], "double"))
    assert len(events) == 0
    assert events.n_users == 0


# ------------------------------------------------------------------ columns


def test_column_mapping_and_extra_columns(spark: Any) -> None:
    times = seconds()
    rows = log(times)
    df = spark.createDataFrame(
        [(*r, [1, 2], {"k": "v"}) for r in rows],
        "`ts.sec` double, who string, what string, whom string, post string, platform string, "
        "junk array<int>, extra map<string,string>",
    )
    mapping = {"time": "ts.sec", "actor": "who", "action": "what", "target": "whom"}
    got = read_spark(df, columns=mapping, days=30)
    assert same(got, expected(rows, days=30))
    with pytest.raises(
        ValueError, match=r"lacks required column\(s\) \['time', 'actor', 'action'\]"
    ):
        read_spark(df)


def test_missing_required_column_is_named(spark: Any) -> None:
    df = spark.createDataFrame([(1.0, "ann")], "time double, actor string")
    with pytest.raises(ValueError, match=r"read_spark.*\['action'\].*has \['time', 'actor'\]"):
        read_spark(df)
    with pytest.raises(ValueError, match=r"\['when'\]"):
        read_spark(df, columns={"time": "when", "action": "actor"})


@pytest.mark.parametrize("time_type", ["boolean", "binary", "array<double>"])
def test_a_time_column_of_another_type_is_an_error(spark: Any, time_type: str) -> None:
    value = {"boolean": True, "binary": b"1", "array<double>": [1.0]}[time_type]
    df = spark.createDataFrame([(value, "a", "follow", "b")], f"t {time_type}, actor string, "
                               "action string, target string")  # fmt: skip
    with pytest.raises(ValueError, match=r"time column 't' has type .*expected numbers"):
        read_spark(df, columns={"time": "t"})


def test_not_a_spark_frame_is_a_type_error(spark: Any) -> None:
    with pytest.raises(TypeError, match=r"pyspark.sql.DataFrame; got DataFrame"):
        read_spark(pd.DataFrame({"time": [1.0], "actor": ["a"], "action": ["post"]}))
    with pytest.raises(TypeError, match="got str"):
        read_spark("logs/*.parquet")


def test_parameters_are_checked(spark: Any) -> None:
    df = frame(spark, log(seconds(5)), "double")
    with pytest.raises(ValueError, match="days"):
        read_spark(df, days=0)
    with pytest.raises(ValueError, match="as_of"):
        read_spark(df, as_of="tomorrow")
    with pytest.raises(ValueError, match="errors"):
        read_spark(df, errors="ignore")


def test_a_time_outside_the_years_1_to_9999_does_not_move_the_window(spark: Any) -> None:
    """One row in epoch milliseconds is a bad time, not the end of the window (review)."""
    rows = [(1_700_000_000 + 3600 * i, f"u{i % 5}", "like", f"u{(i + 1) % 5}") for i in range(50)]
    rows.append((1_700_000_000_000, "u1", "like", "u2"))
    df = spark.createDataFrame(rows, "time long, actor string, action string, target string")
    events = read_spark(df, errors="skip")
    assert len(events) == 50
    assert events.report() == {"bad time": 1}


def test_the_window_a_scorer_reads_and_a_shorter_one_warns(spark: Any) -> None:
    """As for read_duckdb: days="auto" reads what the scorer reads, a shorter window warns."""
    from influence import Scorer
    from influence.engines import LookbackWarning

    rows = log(converted(seconds(), "float"))
    df = frame(spark, rows, "double")
    assert same(read_spark(df, scorer=Scorer()), expected(rows, days=Scorer().lookback_days))
    assert same(read_spark(df), expected(rows, days=180))
    with pytest.warns(LookbackWarning, match=r"read_spark: days=30 .*'longevity' 180 days"):
        read_spark(df, days=30, scorer=Scorer())
