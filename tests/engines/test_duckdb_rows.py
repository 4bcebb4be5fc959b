"""read_duckdb gives the events of Events.from_arrow of the same rows, whatever the ids.

With ``days=None`` and no ``as_of`` the window is every row, in the source's order, so
``read_duckdb`` must give exactly ``Events.from_arrow`` of the relation: events, ids (values
and type), posts, and the rows set aside with their numbers and reasons; whatever the
caller's connection settings (collation, string views).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, InvalidEventError
from influence.datasets.loaders import load_bitcoin_otc, load_collegemsg
from influence.engines import read_duckdb

duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

DATA = Path("/work/shared/data")
TEXT = ["ann", "bob", "cy", "Zoe", "a-1", "u10", "u9", "~x"]
INTS = ["0", "7", "12", "-3", "9000000000"]
ODD = ["", "  ", " ann", "bob ", "007", "+1", "a\x01", "é", "naïve", "99999999999999999999"]
#: Mostly actions as written, some that need judging or are refused.
ACTIONS = [*["like"] * 8, "share", "reply", "mention", "post", "follow", " like", "bogus", ""]


def same(got: Events, want: Events) -> None:
    assert got == want
    for name in ("users", "posts"):
        mine, theirs = getattr(got, name).ids, getattr(want, name).ids
        assert (mine.dtype.kind == "i") == (theirs.dtype.kind == "i")
        assert mine.tolist() == theirs.tolist()
    assert [(*r, r.kind) for r in got.rejected] == [(*r, r.kind) for r in want.rejected]
    assert got.report() == want.report()


def compare(relation: Any, errors: str) -> None:
    """read_duckdb of every row against Events.from_arrow of the same rows."""
    rows = relation.to_arrow_table()
    want = outcome(lambda: Events.from_arrow(rows, errors=errors))  # type: ignore[arg-type]
    got = outcome(lambda: read_duckdb(relation, days=None, errors=errors))  # type: ignore[arg-type]
    if isinstance(want, Events):
        assert isinstance(got, Events)
        same(got, want)
    else:
        assert got == want  # the same message for the first bad row


def outcome(make: Any) -> Any:
    """The events *make* builds, or the message of the InvalidEventError it raises."""
    try:
        return make()
    except InvalidEventError as exc:
        return str(exc)


@st.composite
def tables(draw: st.DrawFn) -> Any:
    pools = draw(st.lists(st.sampled_from([TEXT, INTS, ODD]), min_size=1, max_size=3))
    user = st.sampled_from([*sorted({v for p in pools for v in p}) * 4, None])
    post = st.one_of(st.sampled_from(["p1", "p2", "p3", "1", "2", "07", " p1", ""]), st.none())
    row = st.tuples(
        st.one_of(*[st.integers(0, 50)] * 6, st.none()),
        user,
        st.sampled_from(ACTIONS),
        user,
        post,
        post,
    )
    rows = draw(st.lists(row, max_size=30))
    names = ["time", "actor", "action", "target", "post", "parent"]
    return pa.table(
        {
            name: pa.array([r[k] for r in rows], pa.int64() if name == "time" else pa.string())
            for k, name in enumerate(names)
        }
    )


@settings(max_examples=50, deadline=None)
@given(tables(), st.sampled_from(["skip", "raise"]))
def test_the_same_events_as_from_arrow_of_the_rows(table: Any, errors: str) -> None:
    con = duckdb.connect()
    compare(con.from_arrow(table), errors)


def table_of(events: Events, prefix: str | None) -> Any:
    """*events* as raw rows: ids as text (with *prefix*) or as integers."""
    records = events.to_records()

    def ident(value: Any) -> Any:
        return value if prefix is None else f"{prefix}{value}"

    return pa.table(
        {
            "time": pa.array([r["time"] for r in records]),
            "actor": pa.array([ident(r["actor"]) for r in records]),
            "action": pa.array([r["action"] for r in records]),
            "target": pa.array([ident(r["target"]) if "target" in r else None for r in records]),
        }
    )


@pytest.mark.parametrize("prefix", [None, "", "u"])
@pytest.mark.parametrize(
    ("loader", "name"),
    [
        (load_collegemsg, "collegemsg/CollegeMsg.txt"),
        (load_bitcoin_otc, "bitcoin-otc/soc-sign-bitcoinotc.csv"),
    ],
)
def test_real_logs(loader: Any, name: str, prefix: str | None) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    table = table_of(loader(path), prefix)
    compare(duckdb.connect().from_arrow(table), "raise")


def test_the_callers_connection_settings_do_not_change_the_ids() -> None:
    con = duckdb.connect()
    con.execute("SET default_collation = 'nocase'")
    con.execute("CREATE TABLE log (time BIGINT, actor VARCHAR, action VARCHAR, target VARCHAR)")
    rows = [(1, "Ann", "like", "ann"), (2, "ann", "like", "B"), (3, "b", "like", "Ann")]
    con.executemany("INSERT INTO log VALUES (?, ?, ?, ?)", rows)
    events = read_duckdb(con.table("log"), days=None)
    assert events.users.ids.tolist() == ["Ann", "B", "ann", "b"]
    compare(con.table("log"), "raise")
    con.execute("SET produce_arrow_string_view = true")
    compare(con.table("log"), "raise")
    assert con.sql("SHOW TABLES").fetchall() == [("log",)]  # nothing left behind


def test_integer_and_mixed_id_columns() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE log (time BIGINT, actor BIGINT, action VARCHAR, target VARCHAR)")
    con.executemany(
        "INSERT INTO log VALUES (?, ?, ?, ?)", [(1, 5, "like", "7"), (2, 7, "share", "ann")]
    )
    compare(con.table("log"), "raise")
    assert read_duckdb(con.table("log"), days=None).users.ids.tolist() == ["5", "7", "ann"]
    con.execute("UPDATE log SET target = '5' WHERE time = 2")
    compare(con.table("log"), "raise")
    assert read_duckdb(con.table("log"), days=None).users.ids.tolist() == [5, 7]


def test_an_empty_window() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE log (time BIGINT, actor VARCHAR, action VARCHAR, target VARCHAR)")
    compare(con.table("log"), "raise")
    assert len(read_duckdb(con.table("log"), days=None)) == 0
