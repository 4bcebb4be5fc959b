"""read_duckdb: the scoring window of files or a relation, filtered by DuckDB.

Every result is compared with ``Events.from_pandas`` on the same rows followed
by the same window cut (``_window_log.expected``), as for read_spark.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from _window_log import DAY, converted, expected, log, same, seconds
from influence import InvalidEventError
from influence.engines import read_duckdb

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

COLUMNS = "actor VARCHAR, action VARCHAR, target VARCHAR, post VARCHAR, platform VARCHAR"
#: DuckDB time type -> the kind of Python values inserted
KINDS = {
    "BIGINT": "int",
    "DOUBLE": "float",
    "DECIMAL(12,2)": "float",
    "HUGEINT": "int",
    "TIMESTAMPTZ": "aware",
    "TIMESTAMP": "naive",
    "TIMESTAMP_MS": "naive",
    "DATE": "date",
    "VARCHAR": "text",
}


def relation(rows: list[tuple[Any, ...]], time_type: str, con: Any = None) -> Any:
    """The rows as a relation of a table in *con* (default: a new in-memory database)."""
    con = duckdb.connect() if con is None else con
    con.execute(f"CREATE OR REPLACE TABLE log (time {time_type}, {COLUMNS})")
    if rows:
        con.executemany("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?)", rows)
    return con.table("log")


def write_csv(path: Path, rows: list[tuple[Any, ...]]) -> None:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["time", "actor", "action", "target", "post", "platform"])
        out.writerows(["" if v is None else v for v in r] for r in rows)


def write_jsonl(path: Path, rows: list[tuple[Any, ...]]) -> None:
    names = ["time", "actor", "action", "target", "post", "platform"]
    with path.open("w") as f:
        for r in rows:
            f.write(json.dumps({k: v for k, v in zip(names, r) if v is not None}) + "\n")


# ------------------------------------------------------------------ same events as in memory


@pytest.mark.parametrize("time_type", list(KINDS))
def test_every_time_type_gives_the_events_of_the_window(time_type: str) -> None:
    times = seconds()
    # rows exactly at as_of and exactly days before it: the window is (as_of - days, as_of]
    as_of = times[80]
    times += [as_of - 30 * DAY, as_of - 30 * DAY + 1]
    rows = log(converted(times, KINDS[time_type]))
    source = relation(rows, time_type)
    cut = as_of if time_type != "DATE" else times[80] // DAY * DAY
    for when, days in ((None, 180), (cut, 30)):
        got = read_duckdb(source, as_of=when, days=days)
        assert same(got, expected(rows, when, days))
        assert len(got) > 0
    assert len(got) < len(rows)


def test_as_of_defaults_to_the_latest_time_in_the_data() -> None:
    times = seconds()
    rows = log(converted(times, "text"))
    events = read_duckdb(relation(rows, "VARCHAR"), days=10)
    assert events.end == times[-1]  # 2024, not the wall clock
    assert events.start is not None
    assert events.start > times[-1] - 10 * DAY
    assert same(events, expected(rows, days=10))


def test_days_none_keeps_all_history_up_to_as_of() -> None:
    times = seconds()
    rows = log(times)
    source = relation(rows, "DOUBLE")
    assert same(read_duckdb(source, days=None), expected(rows, days=None))
    assert len(read_duckdb(source, days=None)) == len(rows)
    cut = read_duckdb(source, as_of=times[50], days=None)
    assert same(cut, expected(rows, times[50], days=None))
    assert len(cut) == 51


# ------------------------------------------------------------------ files


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_a_file_gives_the_events_of_the_window(tmp_path: Path, suffix: str) -> None:
    times = seconds()
    rows = log(converted(times, "text" if suffix != ".parquet" else "aware"))
    path = tmp_path / f"log{suffix}"
    if suffix == ".parquet":
        relation(rows, "TIMESTAMPTZ").write_parquet(str(path))
    elif suffix == ".csv":
        write_csv(path, rows)
    else:
        write_jsonl(path, rows)
    events = read_duckdb(str(path), days=30)
    assert same(events, expected(rows, days=30))
    assert same(read_duckdb(str(path), as_of=times[40], days=20), expected(rows, times[40], 20))


def test_a_glob_of_parquet_files(tmp_path: Path) -> None:
    times = seconds(150)
    rows = log(times)
    con = duckdb.connect()
    for k in range(3):
        part = relation(rows[k * 50 : (k + 1) * 50], "DOUBLE", con)
        part.write_parquet(str(tmp_path / f"part-{k}.parquet"))
    events = read_duckdb(str(tmp_path / "part-*.parquet"), as_of=times[120], days=60)
    assert same(events, expected(rows, times[120], 60))
    assert same(read_duckdb(str(tmp_path / "*.parquet"), days=None), expected(rows, days=None))


@pytest.mark.parametrize("time_type", ["BIGINT", "DOUBLE", "TIMESTAMP", "TIMESTAMPTZ", "DATE"])
def test_row_groups_before_the_window_are_skipped_and_nothing_else(
    tmp_path: Path, time_type: str
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    times = seconds(200)
    rows = log(converted(times, KINDS[time_type]))
    bad = [None, float("nan"), float("-inf")] if time_type == "DOUBLE" else [None]
    rows[5:5] = log(bad)  # unreadable times in the oldest row group: passed through
    path = tmp_path / "log.parquet"
    pq.write_table(relation(rows, time_type).to_arrow_table(), path, row_group_size=25)
    as_of = times[150] if time_type != "DATE" else times[150] // DAY * DAY
    events = read_duckdb(str(path), as_of=as_of, days=40, errors="skip")
    assert same(events, expected(rows, as_of, 40, errors="skip"))
    assert len(events.rejected) == len(bad)
    with pytest.raises(InvalidEventError):
        read_duckdb(str(path), as_of=as_of, days=40)
    # the statistics do skip row groups (when this DuckDB reports it)
    plan = _plan(path, time_type, as_of - 40 * DAY)
    scanned = re.search(r"Row Groups Scanned: (\d+) / (\d+)", plan)
    if scanned is not None:
        assert int(scanned.group(1)) < int(scanned.group(2))


def _plan(path: Path, time_type: str, low: float) -> str:
    from influence.engines.duckdb import _duckdb_prune

    kind = "TIMESTAMP WITH TIME ZONE" if time_type == "TIMESTAMPTZ" else time_type
    prune = _duckdb_prune('"time"', kind, low)
    assert prune is not None
    con = duckdb.connect()
    query = con.read_parquet(str(path)).filter(prune).project('"time"').sql_query()
    return str(con.sql("EXPLAIN ANALYZE " + query).fetchall()[0][1])


def test_the_connection_time_zone_is_left_alone_and_does_not_change_the_result(
    tmp_path: Path,
) -> None:
    times = seconds()
    texts = log(converted(times, "text"))
    naive = log(converted(times, "naive"))
    path = tmp_path / "log.csv"
    write_csv(path, texts)
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"):
        con = duckdb.connect()
        con.execute(f"SET TimeZone = '{zone}'")
        got = read_duckdb(str(path), as_of=times[60], days=20, connection=con)
        assert same(got, expected(texts, times[60], 20))
        for rows, time_type in ((texts, "VARCHAR"), (naive, "TIMESTAMP")):
            got = read_duckdb(relation(rows, time_type, con), days=20)
            assert same(got, expected(rows, days=20))
        assert con.sql("SELECT current_setting('TimeZone')").fetchall() == [(zone,)]


# ------------------------------------------------------------------ unreadable times


@pytest.mark.parametrize(
    ("time_type", "bad"),
    [("VARCHAR", ["soon", None, "inf", ""]), ("DOUBLE", [float("nan"), None, float("inf")])],
)
def test_unreadable_times_are_passed_to_validation(time_type: str, bad: list[Any]) -> None:
    times = seconds(40)
    good = converted(times, KINDS[time_type])
    rows = log(good[:10] + bad + good[10:])
    source = relation(rows, time_type)
    with pytest.raises(InvalidEventError, match="time"):
        read_duckdb(source)
    events = read_duckdb(source, errors="skip", days=None)
    assert len(events.rejected) == len(bad)
    assert set(events.report()) <= {"bad time", "missing field"}
    assert len(events) == len(times)
    skipped = read_duckdb(source, errors="skip", as_of=times[30], days=50)
    assert len(skipped.rejected) == len(bad)
    assert same(skipped, expected(rows, times[30], 50, errors="skip"))


def test_a_source_without_a_readable_time_is_read_whole() -> None:
    source = relation(log(["never", None]), "VARCHAR")
    with pytest.raises(InvalidEventError):
        read_duckdb(source)
    events = read_duckdb(source, errors="skip")
    assert len(events) == 0
    assert len(events.rejected) == 2


def test_an_empty_source_gives_no_events() -> None:
    events = read_duckdb(relation([], "DOUBLE"))
    assert len(events) == 0
    assert events.n_users == 0


# ------------------------------------------------------------------ columns and sources


def test_column_mapping_and_extra_columns() -> None:
    times = seconds()
    rows = log(times)
    con = duckdb.connect()
    con.execute(
        'CREATE TABLE log ("ts.sec" DOUBLE, who VARCHAR, what VARCHAR, whom VARCHAR, '
        "post VARCHAR, platform VARCHAR, junk INTEGER[], extra MAP(VARCHAR, VARCHAR))"
    )
    con.executemany(
        "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, [1, 2], MAP {'k': 'v'})", [list(r) for r in rows]
    )
    mapping = {"time": "ts.sec", "actor": "who", "action": "what", "target": "whom"}
    got = read_duckdb(con.table("log"), columns=mapping, days=30)
    assert same(got, expected(rows, days=30))
    with pytest.raises(
        ValueError, match=r"lacks required column\(s\) \['time', 'actor', 'action'\]"
    ):
        read_duckdb(con.table("log"))


def test_missing_required_column_is_named() -> None:
    source = duckdb.connect().sql("SELECT 1.0 AS time, 'ann' AS actor")
    with pytest.raises(ValueError, match=r"read_duckdb.*\['action'\].*has \['time', 'actor'\]"):
        read_duckdb(source)
    with pytest.raises(ValueError, match=r"\['when'\]"):
        read_duckdb(source, columns={"time": "when", "action": "actor"})


@pytest.mark.parametrize(
    ("time_type", "value"),
    [("BOOLEAN", "true"), ("BLOB", "'1'::BLOB"), ("TIME", "'09:00'::TIME"), ("DOUBLE[]", "[1.0]")],
)
def test_a_time_column_of_another_type_is_an_error(time_type: str, value: str) -> None:
    source = duckdb.connect().sql(
        f"SELECT {value}::{time_type} AS t, 'a' AS actor, 'follow' AS action, 'b' AS target"
    )
    with pytest.raises(ValueError, match=r'time column "t" has type .*expected numbers'):
        read_duckdb(source, columns={"time": "t"})


def test_a_file_of_unknown_format_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    path.write_text("")
    with pytest.raises(ValueError, match=r"cannot tell the format of .*log\.xlsx"):
        read_duckdb(str(path))


def test_not_a_path_nor_a_relation_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"a duckdb relation; got DataFrame"):
        read_duckdb(pd.DataFrame({"time": [1.0], "actor": ["a"], "action": ["post"]}))
    with pytest.raises(TypeError, match="got int"):
        read_duckdb(3)


def test_a_path_object_is_a_path(tmp_path: Path) -> None:
    rows = log(seconds(20))
    relation(rows, "DOUBLE").write_parquet(str(tmp_path / "log.parquet"))
    assert same(read_duckdb(tmp_path / "log.parquet", days=None), expected(rows, days=None))


def test_parameters_are_checked() -> None:
    source = relation(log(seconds(5)), "DOUBLE")
    with pytest.raises(ValueError, match="days"):
        read_duckdb(source, days=0)
    with pytest.raises(ValueError, match="as_of"):
        read_duckdb(source, as_of="tomorrow")
    with pytest.raises(ValueError, match="errors"):
        read_duckdb(source, errors="ignore")  # type: ignore[arg-type]


def test_infinite_timestamps_are_bad_times() -> None:
    """DuckDB's 'infinity' reaches Arrow as the largest timestamp: rejected, not misread."""
    con = duckdb.connect()
    log = con.sql(
        "select * from (values (TIMESTAMP 'infinity', 'a', 'like', 'b'),"
        " (TIMESTAMP '2024-01-01 00:00:00', 'b', 'like', 'a')) t(time, actor, action, target)"
    )
    with pytest.raises(InvalidEventError, match="years 1 to 9999"):
        read_duckdb(log, days=None)
    events = read_duckdb(log, days=None, errors="skip")
    assert events.time.tolist() == [1_704_067_200.0]
    assert events.report() == {"bad time": 1}


def test_a_time_outside_the_years_1_to_9999_does_not_move_the_window() -> None:
    """One row in epoch milliseconds is a bad time, not the end of the window (review)."""
    rows = [
        f"({1_700_000_000 + 3600 * i}, 'u{i % 5}', 'like', 'u{(i + 1) % 5}')" for i in range(50)
    ]
    rows.append("(1700000000000, 'u1', 'like', 'u2')")
    log = duckdb.connect().sql(
        f"select * from (values {', '.join(rows)}) t(time, actor, action, target)"
    )
    events = read_duckdb(log, errors="skip")
    assert len(events) == 50
    assert events.report() == {"bad time": 1}


def test_a_latest_row_refused_for_another_fault_does_not_cut_the_window_short() -> None:
    """The engine ends its window at the latest time it reads; when validation refuses that
    row (a bad action here), the window is read again from the latest row it kept."""
    rows = [
        f"({1_700_000_000 + 3600 * i}, 'u{i % 5}', 'like', 'u{(i + 1) % 5}')" for i in range(50)
    ]
    rows.append(f"({1_700_000_000 + 3600 * 60}, 'u1', 'zap', 'u2')")
    log = duckdb.connect().sql(
        f"select * from (values {', '.join(rows)}) t(time, actor, action, target)"
    )
    events = read_duckdb(log, errors="skip", days=1)
    assert events.end == 1_700_000_000 + 3600 * 49
    assert len(events) == 24  # (end - 1 day, end]: the last 24 hourly likes
    assert events.report() == {"unknown action": 1}  # and the refused row is still reported


# ------------------------------------------------------------------ the scores a window gives


def _relation_of(events: Any) -> Any:
    """A DuckDB relation holding *events* (original ids, epoch-second times)."""
    return duckdb.connect().from_df(pd.DataFrame(events.to_records()))


@pytest.fixture(scope="module")
def world() -> tuple[Any, Any, float]:
    """A generated world of 240 days (longer than any lookback), with its attacks."""
    from influence.datasets import synthetic

    w = synthetic(seed=3, days=240, n_users=150, curator=False, farm_size=15,
                  n_sybils=30, ring_size=8)  # fmt: skip
    return w.events, _relation_of(w.events), w.end


@pytest.fixture(scope="module")
def college() -> tuple[Any, Any, float]:
    """CollegeMsg, 194 days: longer than the house scorer's 180."""
    from influence.datasets.loaders import load_collegemsg

    path = Path(__file__).resolve().parents[3] / "shared" / "data" / "collegemsg"
    if not (path / "CollegeMsg.txt").exists():
        pytest.skip("real data not available: CollegeMsg (see ../shared/data/README.md)")
    events = load_collegemsg(path / "CollegeMsg.txt")
    return events, _relation_of(events), events.end


def _same_scores(window: Any, whole: Any) -> None:
    """Every user of the window scores as in the whole log, every part to 1e-9; the
    users of the whole log missing from the window score 0 there."""
    got, want = window.to_pandas().set_index("user"), whole.to_pandas().set_index("user")
    assert set(got.index) <= set(want.index)
    assert got.columns.tolist() == want.columns.tolist()
    assert ((got - want.loc[got.index]).abs().to_numpy() <= 1e-9).all()
    assert (want.drop(index=got.index)["score"] == 0).all()


def _scorers() -> list[Any]:
    from influence import Scorer

    return [Scorer(), Scorer.trending()]


@pytest.mark.slow
@pytest.mark.parametrize("log", ["world", "college"])
@pytest.mark.parametrize("which", [0, 1], ids=["house", "trending"])
def test_the_window_a_scorer_reads_scores_as_the_whole_log(
    log: str, which: int, request: pytest.FixtureRequest
) -> None:
    events, source, end = request.getfixturevalue(log)
    scorer = _scorers()[which]
    window = read_duckdb(source, as_of=end - 3 * DAY, scorer=scorer)
    assert window.start is not None
    assert window.start > end - 3 * DAY - scorer.lookback_days * DAY
    assert events.start is not None
    assert events.start < window.start
    _same_scores(
        scorer.score(window, as_of=end - 3 * DAY), scorer.score(events, as_of=end - 3 * DAY)
    )
    # as_of from the data on both sides: the engine's latest time is the table's
    _same_scores(scorer.score(read_duckdb(source, scorer=scorer)), scorer.score(events))


def _built_ins() -> list[Any]:
    from influence.components import (
        Activity,
        Authenticity,
        Authority,
        Credibility,
        DistinctEngagers,
        Engagement,
        Inactivity,
        Longevity,
        Momentum,
        Reciprocity,
    )

    return [Activity(), Authenticity(), Authority(), Credibility(), DistinctEngagers(),
            Engagement(), Inactivity(), Longevity(), Momentum(), Reciprocity()]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("log", ["world", "college"])
@pytest.mark.parametrize("which", range(10), ids=lambda i: type(_built_ins()[i]).__name__)
def test_the_window_a_component_reads_gives_its_whole_log_output(
    log: str, which: int, request: pytest.FixtureRequest
) -> None:
    import numpy as np

    from influence.components.base import role_of

    events, source, end = request.getfixturevalue(log)
    component = _built_ins()[which]
    window = read_duckdb(source, as_of=end, scorer=component)
    got, want = component(window, as_of=end), component(events, as_of=end)
    if role_of(component) == "discount":  # one weight per event: the window's rows
        cut = events.time > end - component.lookback_days * DAY
        assert np.array_equal(events.time[cut], window.time)
        np.testing.assert_allclose(got, want[cut], rtol=0, atol=1e-9)
    else:
        np.testing.assert_allclose(got, want[events.users.indices(window.users.ids)], atol=1e-9)


def test_a_window_shorter_than_the_scorer_reads_warns_naming_the_parts() -> None:
    from influence import Scorer
    from influence.engines import LookbackWarning

    rows = [(float(t), f"u{t % 5}", "like", f"u{(t + 1) % 5}", None, None)
            for t in range(0, 400 * 86_400, 86_400)]  # fmt: skip
    source = relation(rows, "DOUBLE")
    with pytest.warns(LookbackWarning, match=r"days=120 .*'longevity' 180 days") as caught:
        short = read_duckdb(source, days=120, scorer=Scorer())
    assert "'engagement'" not in str(caught[0].message)  # 90 days: it is not short of them
    assert same(short, expected(rows, days=120))
    assert same(read_duckdb(source, scorer=Scorer()), expected(rows, days=180))
    assert same(read_duckdb(source), expected(rows, days=180))  # "auto" without a scorer

    def plain(events: Any, *, as_of: float) -> Any:
        return events.time[:0]

    with pytest.warns(LookbackWarning, match="'plain' all history"):
        read_duckdb(source, days=300, scorer=plain)
    assert same(read_duckdb(source, scorer=plain), expected(rows, days=None))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"days": "all"}, ValueError, "'days' parameter of read_duckdb .* or 'auto'"),
        ({"scorer": "house"}, TypeError, "'scorer' parameter of read_duckdb must be"),
    ],
)
def test_a_bad_days_or_scorer_is_refused(kwargs: dict[str, Any], error: type, message: str) -> None:
    source = relation([(1.0, "a", "like", "b", None, None)], "DOUBLE")
    with pytest.raises(error, match=message):
        read_duckdb(source, **kwargs)


def test_a_silent_author_liked_for_an_old_post_scores_the_same_from_the_window() -> None:
    """Issue 15's case: a post older than the window, liked every day by its readers,
    from an author silent since. The window that the scorer reads gives the whole log's
    score."""
    from influence import Events, Scorer

    day = 86_400.0
    records: list[dict[str, Any]] = [
        {"time": 0.0, "actor": "star", "action": "post", "post": "hit", "text": "a hit"}
    ]
    records += [
        {"time": 250 * day + d * day / 3, "actor": f"fan{d % 40}", "action": "like",
         "parent": "hit", "target": "star"}
        for d in range(90)
    ]  # fmt: skip
    events = Events.from_records(records)
    source = duckdb.connect().from_df(pd.DataFrame(events.to_records()))
    _same_scores(Scorer().score(read_duckdb(source, scorer=Scorer())), Scorer().score(events))
