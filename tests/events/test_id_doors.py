"""The same log gives the same ids of the same type, whatever the door it comes in by."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from influence import Events, Scorer
from influence.events.ids import IdIndex, is_canonical, typed

T0 = 1_700_000_000
#: Integer ids chosen so that text order and numeric order differ (10 < 9 as text).
INT_ROWS = [
    (T0 + 0, 9, "mention", 10),
    (T0 + 60, 10, "reply", 9),
    (T0 + 120, 2, "share", 10),
    (T0 + 180, 10, "like", 2),
    (T0 + 240, 9, "mention", 2),
]
#: Text ids: one looks like an integer but has a leading zero, one is canonical decimal.
TEXT_ROWS = [
    (T0 + 0, "007", "mention", "12"),
    (T0 + 60, "ann", "reply", "007"),
    (T0 + 120, "12", "share", "ann"),
    (T0 + 180, "ann", "like", "bob"),
]
NAMES = ("time", "actor", "action", "target")
Door = Callable[[list[tuple[Any, ...]], Path], Events]


def _pa() -> Any:
    """pyarrow, or a skip: the `test` extra alone has no pyarrow (the doors without it run)."""
    return pytest.importorskip("pyarrow")


def _pq() -> Any:
    return pytest.importorskip("pyarrow.parquet")


def _frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(NAMES))


def _write_csv(rows: list[tuple[Any, ...]], path: Path, delimiter: str) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(NAMES)
        writer.writerows(rows)


def _csv(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    _write_csv(rows, tmp / "log.csv", ",")
    return Events.read_csv(tmp / "log.csv")


def _tsv(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    _write_csv(rows, tmp / "log.tsv", "\t")
    return Events.read_csv(tmp / "log.tsv", delimiter="\t")


def _jsonl(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    path = tmp / "log.jsonl"
    path.write_text("".join(json.dumps(dict(zip(NAMES, r))) + "\n" for r in rows))
    return Events.read_jsonl(path)


def _parquet(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    _pq().write_table(_pa().Table.from_pandas(_frame(rows)), tmp / "log.parquet")
    return Events.read_parquet(tmp / "log.parquet")


def _pandas(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    return Events.from_pandas(_frame(rows))


def _pandas_of_csv(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    _write_csv(rows, tmp / "log.csv", ",")
    return Events.from_pandas(pd.read_csv(tmp / "log.csv"))


def _arrow(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    return Events.from_arrow(_pa().Table.from_pandas(_frame(rows)))


def _arrow_dictionary(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    table = _pa().Table.from_pandas(_frame(rows))
    for name in ("actor", "target"):
        at = table.column_names.index(name)
        column = table.column(name)
        if _pa().types.is_string(column.type):
            table = table.set_column(at, name, column.dictionary_encode())
    return Events.from_arrow(table)


def _polars(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    polars = pytest.importorskip("polars")
    _pa()  # polars needs pyarrow to take pandas' text columns
    return Events.from_pandas(polars.DataFrame(_frame(rows)))


def _records(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    return Events.from_records([dict(zip(NAMES, r)) for r in rows])


def _arrays(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    columns = list(zip(*rows))
    return Events.from_arrays(*(np.array(c, dtype=object) for c in columns))


def _duckdb(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    engines = pytest.importorskip("influence.engines")
    pytest.importorskip("duckdb")
    _pq().write_table(_pa().Table.from_pandas(_frame(rows)), tmp / "log.parquet")
    return engines.read_duckdb(str(tmp / "log.parquet"), days=None)


def _duckdb_csv(rows: list[tuple[Any, ...]], tmp: Path) -> Events:
    engines = pytest.importorskip("influence.engines")
    pytest.importorskip("duckdb")
    _write_csv(rows, tmp / "log.csv", ",")
    return engines.read_duckdb(str(tmp / "log.csv"), days=None)


DOORS: dict[str, Door] = {
    "csv": _csv,
    "tsv": _tsv,
    "jsonl": _jsonl,
    "parquet": _parquet,
    "pandas": _pandas,
    "arrow": _arrow,
    "arrow-dictionary": _arrow_dictionary,
    "polars": _polars,
    "records": _records,
    "arrays": _arrays,
    "duckdb": _duckdb,
}
#: Doors that type a text file's columns themselves (pandas and DuckDB read "007" as 7):
#: they give the same ids for integer logs only.
INT_ONLY: dict[str, Door] = {"pandas-read_csv": _pandas_of_csv, "duckdb-csv": _duckdb_csv}


def _reference(rows: list[tuple[Any, ...]]) -> Events:
    return Events.from_records([dict(zip(NAMES, r)) for r in rows])


@pytest.mark.parametrize("door", sorted({**DOORS, **INT_ONLY}))
def test_integer_ids_are_integers_through_every_door(door: str, tmp_path: Path) -> None:
    events = {**DOORS, **INT_ONLY}[door](INT_ROWS, tmp_path)
    ids = events.users.ids
    assert ids.dtype == np.int64
    assert ids.tolist() == [2, 9, 10]  # numeric order, not text order
    assert events == _reference(INT_ROWS)


@pytest.mark.parametrize("door", sorted(DOORS))
def test_text_ids_are_kept_exactly_through_every_door(door: str, tmp_path: Path) -> None:
    events = DOORS[door](TEXT_ROWS, tmp_path)
    assert events.users.ids.dtype.kind == "U"
    assert events.users.ids.tolist() == ["007", "12", "ann", "bob"]
    assert events == _reference(TEXT_ROWS)


@pytest.mark.parametrize("door", ["csv", "jsonl", "parquet", "arrow", "records"])
def test_scores_of_two_doors_merge_on_user(door: str, tmp_path: Path) -> None:
    scorer = Scorer.house()
    ours = scorer.score(DOORS[door](INT_ROWS, tmp_path)).to_pandas()
    theirs = scorer.score(_pandas_of_csv(INT_ROWS, tmp_path)).to_pandas()
    merged = ours.merge(theirs, on="user", suffixes=("", "_pandas"))
    assert len(merged) == len(ours) == len(theirs) == 3
    assert np.allclose(merged["score"], merged["score_pandas"])


def test_lookups_take_either_form() -> None:
    ints = _reference(INT_ROWS).users
    assert ints.index(10) == ints.index("10") == ints.index(" 10 ") == 2
    assert "010" not in ints
    assert "+10" not in ints
    assert ints.indices(["10", "9", "x"]).tolist() == [2, 1, -1]
    text = _reference(TEXT_ROWS).users
    assert text.index(12) == text.index("12") == 1
    assert 7 not in text  # "007" is text, kept as written
    assert text.index("007") == 0


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0", True),
        ("-0", False),
        ("12", True),
        ("-12", True),
        ("012", False),
        ("+12", False),
        (" 12", False),
        ("1_2", False),
        ("١٢", False),  # Arabic-Indic digits: int() reads them, the rule does not
        ("9223372036854775807", True),
        ("9223372036854775808", False),
        ("-9223372036854775808", True),
        ("-9223372036854775809", False),
        ("", False),
    ],
)
def test_canonical_decimal(text: str, canonical: bool) -> None:
    assert is_canonical(text) is canonical


def test_typed_turns_canonical_text_into_sorted_integers() -> None:
    ids, rank = typed(np.array(["10", "2", "9"]))
    assert ids.tolist() == [2, 9, 10]
    assert ids.dtype == np.int64
    assert rank is not None
    assert rank.tolist() == [2, 0, 1]
    same, none = typed(np.array(["10", "2", "ann"]))
    assert same.tolist() == ["10", "2", "ann"]
    assert none is None


def test_ids_beyond_int64_are_text_everywhere() -> None:
    big = str(2**63)
    events = _reference([(T0, big, "mention", "1")])
    assert events.users.ids.tolist() == ["1", big]


def test_posts_follow_the_rule_on_their_own() -> None:
    events = Events.from_records(
        [
            {"time": T0, "actor": "ann", "action": "post", "post": "100"},
            {"time": T0 + 1, "actor": "bob", "action": "share", "parent": 100},
        ]
    )
    assert events.posts.ids.tolist() == [100]
    assert events.users.ids.tolist() == ["ann", "bob"]


def test_saved_scores_keep_the_type_of_ids(tmp_path: Path) -> None:
    scores = Scorer.house().score(_csv(INT_ROWS, tmp_path))
    parquet = (".parquet",) if importlib.util.find_spec("pyarrow") else ()
    for suffix in (".npz", *parquet):
        path = tmp_path / f"scores{suffix}"
        scores.save(path)
        loaded = type(scores).load(path)
        assert loaded.users.ids.dtype == np.int64
        assert loaded.users.ids.tolist() == scores.users.ids.tolist()


def test_empty_tables_have_integer_ids(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("time,actor,action,target\n")
    assert isinstance(Events.read_csv(path).users, IdIndex)
    assert Events.read_csv(path).users.ids.dtype == np.int64
