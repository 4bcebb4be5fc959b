"""A text column read by Arrow (blanks found by a regular expression, distinct texts sorted
by Arrow) gives the table that reading the same cells as Python strings gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events
from influence.events.readers import read_csv as read_csv_table

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

#: Cells that test the edges: Python's whitespace that Arrow's own trimming does not know
#: (\x1c-\x1f, \x85), spaces kept around a text, accents and case (sorted by code point),
#: an emoji (four UTF-8 bytes), a control character inside a text.
TRICKY = [
    "hi", " hi ", "\x1c", "\u3000\u2028", "\xa0", "", "  ", "zoë", "Zoë", "😀 ok",
    "a\x1cb", "\x85", "\x1f\x1e", "hi",
]  # fmt: skip


def records(texts: list[str]) -> list[dict[str, object]]:
    return [
        {"time": i, "actor": f"u{i % 3}", "action": "post", "post": f"p{i}", "text": t}
        for i, t in enumerate(texts)
    ]


def as_csv(texts: list[str], path: Path) -> Path:
    rows = "".join(f"{i},u{i % 3},post,p{i},{t}\n" for i, t in enumerate(texts))
    path.write_text("time,actor,action,post,text\n" + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["csv", "arrow", "pandas", "parquet"])
def test_tricky_texts_read_alike_by_every_door(how: str, tmp_path: Path) -> None:
    expected = Events(read_csv_table(as_csv(TRICKY, tmp_path / "t.csv"), fast=False))
    assert expected == Events.from_records(records(TRICKY))
    if how == "csv":
        got = Events.read_csv(tmp_path / "t.csv", progress=False)
    elif how == "pandas":
        got = Events.from_pandas(pd.DataFrame(records(TRICKY)))
    else:
        table = pa.Table.from_pylist(records(TRICKY))
        if how == "arrow":
            got = Events.from_arrow(table)
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, tmp_path / "t.parquet")
            got = Events.read_parquet(tmp_path / "t.parquet")
    assert got == expected
    assert got.texts == expected.texts
    assert got.text.tolist() == expected.text.tolist()


@given(
    st.lists(
        st.text(alphabet=st.sampled_from([*"ab é😀", "\x1c", "\u3000", "\xa0"])),
        min_size=1,
        max_size=30,
    )
)
@settings(max_examples=60, deadline=None)
def test_any_texts_read_alike_through_arrow_and_python(texts: list[str]) -> None:
    table = pa.Table.from_pylist(records(texts))
    assert Events.from_arrow(table) == Events.from_records(records(texts))


def test_the_blank_pattern_knows_every_python_space() -> None:
    from influence.events.arrowcols import PYTHON_SPACES

    assert tuple(c for c in range(0x110000) if chr(c).isspace()) == PYTHON_SPACES


@given(
    st.lists(
        st.one_of(st.none(), st.text(alphabet=st.sampled_from([*"ab, é", "\x1c", "\xa0"]))),
        min_size=1,
        max_size=30,
    )
)
@settings(max_examples=60, deadline=None)
def test_topic_cells_read_alike_through_arrow_and_python(cells: list[str | None]) -> None:
    rows = [{**r, "topics": c} for r, c in zip(records(["x"] * len(cells)), cells)]
    assert Events.from_arrow(pa.Table.from_pylist(rows)) == Events.from_records(rows)
