"""Arrow columns read in bulk give what the same values read one by one give."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence.events import readers
from influence.events.arrowcols import event_column
from influence.events.coded import Coded
from influence.events.ids import is_canonical

pa = pytest.importorskip("pyarrow")

T = 1_700_000_000
TIMES = [str(T), f"{T}.25", "2024-05-01T09:00:00Z", "", "-0", "1e400", "1700000000000", "x"]
IDS = ["ann", " bob ", "007", "7", "12", "", "a\x01b", None, "-3", "+5", "٣"]
ACTIONS = ["like", " Share ", "poke", "", None, "mention"]

ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "time": st.sampled_from(TIMES),
            "actor": st.sampled_from(IDS),
            "action": st.sampled_from(ACTIONS),
            "target": st.sampled_from(IDS),
            "parent": st.sampled_from([None, "p1", "1"]),
            "platform": st.sampled_from([None, "web", "", "app"]),
        }
    ),
    min_size=1,
    max_size=15,
)


def _table(rows: list[dict[str, Any]], dictionary: bool, chunks: int) -> Any:
    names = list(rows[0])
    size = max(1, -(-len(rows) // chunks))
    parts = [rows[k : k + size] for k in range(0, len(rows), size)]
    columns = []
    for name in names:
        arrays = [pa.array([r[name] for r in part], type=pa.string()) for part in parts]
        column = pa.chunked_array(arrays, type=pa.string())
        if dictionary and name != "time":
            column = pa.chunked_array([a.dictionary_encode() for a in arrays])
        columns.append(column)
    return pa.table(columns, names=names)


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, dictionary=st.booleans(), chunks=st.integers(1, 3))
def test_arrow_text_columns_read_as_python_values(
    rows: list[dict[str, Any]], dictionary: bool, chunks: int
) -> None:
    table = _table(rows, dictionary, chunks)
    fast = readers.from_arrow(table, errors="skip")
    slow = readers.from_records(rows, errors="skip")
    for name in ("time", "actor", "target", "action", "parent", "platform"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    assert fast.users.ids.tolist() == slow.users.ids.tolist()
    assert fast.users.ids.dtype.kind == slow.users.ids.dtype.kind
    assert fast.posts.ids.tolist() == slow.posts.ids.tolist()
    assert fast.platforms == slow.platforms
    assert [tuple(r) for r in fast.rejected] == [tuple(r) for r in slow.rejected]


def test_numeric_ids_are_cast_without_hashing() -> None:
    column = pa.chunked_array([pa.array(["12", "-3", "0"]), pa.array(["9223372036854775807"])])
    out = event_column(column, "actor")
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.int64
    assert out.tolist() == [12, -3, 0, 2**63 - 1]


@pytest.mark.parametrize("cells", [["12", "012"], ["12", "+3"], ["-0"], ["12", " 3"], ["0x1"]])
def test_other_ids_are_coded(cells: list[str]) -> None:
    out = event_column(pa.array(cells), "actor")
    assert isinstance(out, Coded)
    assert out.objects().tolist() == cells


def test_plain_text_ids_come_sorted_from_the_buffers() -> None:
    column = pa.chunked_array([pa.array(["bob", "ann"]), pa.array([None, "carl", "ann", "12"])])
    out = event_column(column, "actor")
    assert isinstance(out, Coded)
    assert out.plain
    assert out.values.dtype.kind == "U"
    assert out.values.tolist() == ["12", "ann", "bob", "carl"]  # as sorted() orders them
    assert out.objects().tolist() == ["bob", "ann", None, "carl", "ann", "12"]


@pytest.mark.parametrize(
    "cells", [["ann", " bob"], ["ann", ""], ["ann", "\u00e9"], ["ann", "a\x7fb"], ["007", "-3"]]
)
def test_ids_that_need_judging_are_not_plain(cells: list[str]) -> None:
    out = event_column(pa.array(cells), "actor")
    assert isinstance(out, Coded)
    assert not out.plain
    assert out.objects().tolist() == cells


def test_text_times_in_range_are_numbers() -> None:
    out = event_column(pa.array([str(T), f"{T}.5", "1.7e9"]), "time")
    assert out.dtype == np.float64
    assert out.tolist() == [T, T + 0.5, 1.7e9]
    assert np.signbit(event_column(pa.array(["-0"]), "time")).tolist() == [True]  # as float()
    for cells in (["1700000000000"], [str(T), ""], [" 1"], ["2024-05-01"]):
        kept = event_column(pa.array(cells), "time")
        assert kept.dtype == object
        assert kept.tolist() == cells


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.text(alphabet="0123456789+-.eE_ xinfatyINFATYdD", max_size=14),
            st.floats(allow_nan=True, allow_infinity=True).map(repr),
            st.integers(-(10**20), 10**20).map(str),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_text_times_in_bulk_are_what_float_reads(cells: list[str]) -> None:
    out = event_column(pa.array(cells), "time")
    if out.dtype == np.float64:  # read in bulk: every cell is a number Python reads the same
        expected = np.array([float(c) for c in cells])
        assert out.tobytes() == expected.tobytes()
    else:
        assert out.tolist() == cells


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.text(alphabet="0123456789+-xX_ ", max_size=21),
            st.integers(-(2**64), 2**64).map(str),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_ids_in_bulk_are_integers_only_when_canonical(cells: list[str]) -> None:
    out = event_column(pa.array(cells), "actor")
    if isinstance(out, np.ndarray):
        assert all(c == "" or is_canonical(c) for c in cells)
        if out.dtype.kind == "f":  # empty cells among integers: NaN, a missing id
            assert any(c == "" for c in cells)
            assert any(c != "" for c in cells)
            got = [None if np.isnan(v) else int(v) for v in out.tolist()]
            assert got == [int(c) if c else None for c in cells]
        else:
            assert out.tolist() == [int(c) for c in cells]
    else:
        assert out.objects().tolist() == cells


@pytest.mark.parametrize(
    "cells",
    [["", "7"], ["7", ""], ["", "", "12", "-3"], ["0", "", "0"], ["007", ""], ["", "-0"]],
)
def test_empty_cells_among_integer_ids_read_as_the_row_by_row_reader_reads_them(
    cells: list[str],
) -> None:
    from influence.events import columns

    bulk = columns.ids(event_column(pa.array(cells), "target"), len(cells), "target")
    rows = columns.ids(np.array(cells, dtype=object), len(cells), "target")
    assert bulk[0].tolist() == rows[0].tolist()
    assert bulk[1].tolist() == rows[1].tolist()
    assert bulk[2] == rows[2]


def test_integer_ids_beyond_two_to_the_53_with_empty_cells_stay_exact() -> None:
    cells = ["", str(2**60 + 1)]
    out = event_column(pa.array(cells), "target")
    assert not (isinstance(out, np.ndarray) and out.dtype.kind == "f")
