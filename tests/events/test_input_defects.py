"""Real files in, nothing lost: files without a header, constant fields, and the input defects
found under fault injection (issue 15): broken quotes, control characters in ids, byte-order
marks, repeated header columns, exact duplicates and one very long id."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from influence import Events, InvalidEventError
from influence.events.csvfile import FIELD_LIMIT

T0 = 1714554000


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def likes(n: int) -> list[str]:
    return [f"{T0 + i},u{i % 50},like,ann" for i in range(n)]


# ---------------------------------------------------------------------- no header, constants


class TestNoHeader:
    def test_an_email_log_tab_separated_with_crlf(self, tmp_path: Path) -> None:
        path = write(tmp_path, "mail.tsv", f"bob\tann\t{T0}\r\ncy\tann\t{T0 + 60}\r\n")
        ev = Events.read_csv(
            path,
            header=False,
            delimiter="\t",
            columns={"time": "3", "actor": "1", "target": "2"},
            constants={"action": "mention"},
        )
        assert len(ev) == 2
        assert ev.users.ids.tolist() == ["ann", "bob", "cy"]
        assert ev.action_counts()["mention"] == 2

    def test_without_columns_the_fields_come_in_order(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", f"{T0},bob,follow,ann\n{T0 + 1},cy,like,ann\n")
        ev = Events.read_csv(path, header=False)
        with_header = write(tmp_path, "h.csv", "time,actor,action,target\n" + path.read_text())
        assert ev == Events.read_csv(with_header)

    def test_rows_are_numbered_by_their_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", f"{T0},bob,follow,ann\n{T0},bob,poke,ann\n")
        ev = Events.read_csv(path, header=False, errors="skip")
        assert [row for row, _ in ev.rejected] == [2]
        assert ev.rejected[0].reason.startswith("line 2: ")

    def test_a_row_of_another_width_is_a_bad_row(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", f"{T0},bob,follow,ann\n{T0},bob,follow\n")
        ev = Events.read_csv(path, header=False, errors="skip")
        assert ev.report() == {"bad row": 1}
        assert "the first row has 4" in ev.rejected[0].reason

    def test_a_missing_column_names_the_positions(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", "bob,ann\n")
        with pytest.raises(ValueError, match=r"named by position, 1 to 2.*columns=\{"):
            Events.read_csv(path, header=False, columns={"actor": "1", "target": "2"})


class TestConstants:
    def test_csv_with_a_header(self, tmp_path: Path) -> None:
        path = write(tmp_path, "mail.csv", f"sender,recipient,ts\nbob,ann,{T0}\n")
        ev = Events.read_csv(
            path,
            columns={"actor": "sender", "target": "recipient", "time": "ts"},
            constants={"action": "mention"},
        )
        assert ev.to_records() == [
            {"time": float(T0), "actor": "bob", "action": "mention", "target": "ann"}
        ]

    def test_jsonl(self, tmp_path: Path) -> None:
        lines = [{"time": T0, "actor": "bob"}, {"time": T0, "actor": "cy"}]
        path = write(tmp_path, "mail.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n")
        ev = Events.read_jsonl(path, constants={"action": "mention", "target": "ann"})
        assert ev.action_counts()["mention"] == 2
        assert ev.users.ids.tolist() == ["ann", "bob", "cy"]

    def test_a_field_mapped_and_constant_is_an_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", f"time,actor,verb,target\n{T0},bob,like,ann\n")
        with pytest.raises(ValueError, match=r"'action' is both read from column 'verb'.*'like'"):
            Events.read_csv(path, columns={"action": "verb"}, constants={"action": "like"})
        with_action = write(tmp_path, "a.csv", f"time,actor,action,target\n{T0},bob,like,ann\n")
        with pytest.raises(ValueError, match="both read from column 'action'"):
            Events.read_csv(with_action, constants={"action": "mention"})
        with pytest.raises(ValueError, match="both read from column '3'"):
            Events.read_csv(with_action, header=False, constants={"action": "mention"})
        jsonl = write(tmp_path, "a.jsonl", json.dumps({"time": T0, "actor": "b", "action": "x"}))
        with pytest.raises(ValueError, match="both read from key 'action'"):
            Events.read_jsonl(jsonl, constants={"action": "mention"})

    def test_an_unknown_field_is_an_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", f"time,actor,target\n{T0},bob,ann\n")
        with pytest.raises(ValueError, match=r"unknown event field\(s\) \['acton'\]"):
            Events.read_csv(path, constants={"acton": "mention"})

    def test_the_missing_column_hint_still_names_columns(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", f"time,actor,target\n{T0},bob,ann\n")
        with pytest.raises(ValueError, match=r"lacks required column\(s\) \['action'\].*columns="):
            Events.read_csv(path)


# ---------------------------------------------------------------------- (2) broken quotes


class TestBrokenQuotes:
    def test_an_unterminated_quote_loses_one_row_not_the_rest(self, tmp_path: Path) -> None:
        rows = likes(1000)
        rows[10] = f'{T0 + 10},u10,like,"ann'  # line 12
        path = write(tmp_path, "log.csv", "time,actor,action,target\n" + "\n".join(rows) + "\n")
        ev = Events.read_csv(path, errors="skip")
        assert (len(ev), ev.report()) == (999, {"bad row": 1})
        assert ev.rejected[0].row == 12
        assert "unterminated quote" in ev.rejected[0].reason
        with pytest.raises(InvalidEventError, match=r"line 12: .*unterminated quote") as info:
            Events.read_csv(path)
        assert info.value.row == 12

    def test_past_the_field_limit_it_is_no_traceback(self, tmp_path: Path) -> None:
        rows = likes(20000)  # the open quote runs past 131,072 characters
        rows[10] = f'{T0 + 10},u10,like,"ann'
        path = write(tmp_path, "log.csv", "time,actor,action,target\n" + "\n".join(rows) + "\n")
        ev = Events.read_csv(path, errors="skip")
        assert (len(ev), ev.report()) == (19999, {"bad row": 1})
        assert "field size limit" in ev.rejected[0].reason
        with pytest.raises(InvalidEventError, match="line 12: "):
            Events.read_csv(path)

    def test_a_closing_quote_later_on_does_not_hide_the_rows_between(self, tmp_path: Path) -> None:
        rows = likes(10)
        rows[2] = f'{T0 + 2},u2,like,"ann'
        rows[6] = f'{T0 + 6},u6,like,ann"'
        path = write(tmp_path, "log.csv", "time,actor,action,target\n" + "\n".join(rows) + "\n")
        ev = Events.read_csv(path, errors="skip")
        assert len(ev) == 9  # a quote inside a cell is a character, kept in the id
        assert [row for row, _ in ev.rejected] == [4]
        assert 'ann"' in ev.users

    def test_a_cell_over_the_limit_is_a_bad_row(self, tmp_path: Path) -> None:
        long = "x" * (FIELD_LIMIT + 10)
        text = f"time,actor,action,target\n{T0},{long},like,ann\n{T0},bob,like,ann\n"
        path = write(tmp_path, "log.csv", text)
        ev = Events.read_csv(path, errors="skip")
        assert (len(ev), ev.report()) == (1, {"bad row": 1})
        assert "longer than the field size limit (131,072 characters)" in ev.rejected[0].reason
        with pytest.raises(InvalidEventError, match="line 2: a cell is longer"):
            Events.read_csv(path)

    def test_text_may_span_lines(self, tmp_path: Path) -> None:
        text = (
            "time,actor,action,target,text\n"
            f'{T0},bob,mention,ann,"two\nlines"\n'
            f"{T0 + 1},cy,poke,ann,x\n"
        )
        path = write(tmp_path, "log.csv", text)
        ev = Events.read_csv(path, errors="skip")
        assert ev.texts == ("two\nlines",)
        assert [row for row, _ in ev.rejected] == [4]

    def test_text_after_a_closing_quote_is_a_bad_row(self, tmp_path: Path) -> None:
        text = f'time,actor,action,target\n{T0},"bob"by,like,ann\n{T0},a"b,like,ann\n'
        ev = Events.read_csv(write(tmp_path, "log.csv", text), errors="skip")
        assert [row for row, _ in ev.rejected] == [2]
        assert "unreadable CSV" in ev.rejected[0].reason
        assert 'a"b' in ev.users  # a quote inside an unquoted cell is a character

    def test_a_broken_header_is_an_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, "log.csv", 'time,"actor,action,target\n')
        with pytest.raises(ValueError, match="line 1: cannot read the header"):
            Events.read_csv(path)


# ---------------------------------------------------------------------- (8) BOM, header twice


def test_a_jsonl_byte_order_mark_keeps_the_first_line(tmp_path: Path) -> None:
    line = json.dumps({"time": T0, "actor": "bob", "action": "like", "target": "ann"})
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + line.encode() + b"\n")
    assert len(Events.read_jsonl(path)) == 1
    assert len(Events.read_jsonl(path, encoding="utf-8")) == 1


def test_a_header_naming_a_column_twice_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", f"time,actor,action,actor,target\n{T0},a,like,b,c\n")
    with pytest.raises(ValueError, match=r"names column 'actor' 2 times \(cells \[2, 4\]\)"):
        Events.read_csv(path)
    unused = write(tmp_path, "u.csv", f"time,actor,action,target,x,x\n{T0},a,like,b,1,2\n")
    assert len(Events.read_csv(unused)) == 1  # a column not read may repeat


# ---------------------------------------------------------------------- (7) ids kept exactly


def _read_all(tmp_path: Path, actors: list[Any], errors: str = "raise") -> list[Events]:
    """The same rows (actor -> ann, likes) through records, CSV, JSON Lines and pandas."""
    records = [
        {"time": T0 + i, "actor": a, "action": "like", "target": "ann"}
        for i, a in enumerate(actors)
    ]
    frame = pd.DataFrame(records)
    csv_path = tmp_path / "ids.csv"
    frame.to_csv(csv_path, index=False)
    jsonl = tmp_path / "ids.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records))
    return [
        Events.from_records(records, errors=errors),  # type: ignore[arg-type]
        Events.read_csv(csv_path, errors=errors),  # type: ignore[arg-type]
        Events.read_jsonl(jsonl, errors=errors),  # type: ignore[arg-type]
        Events.from_pandas(frame, errors=errors),  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("bad", ["bob\x00", "\x00", "\t=1+1", "\r=1+1", "a\nb", "\x1b[2J", "x\x85"])
def test_an_id_with_a_control_character_is_refused_by_every_door(tmp_path: Path, bad: str) -> None:
    for door, ev in zip(
        ("records", "csv", "jsonl", "pandas"),
        _read_all(tmp_path, ["bob", bad, "=1+1"], errors="skip"),
    ):
        assert ev.users.ids.tolist() == ["=1+1", "ann", "bob"]
        if door == "csv" and ("\n" in bad or "\r" in bad):
            # a line break in an id cell (quoted or not): the record is set aside and the
            # line after the break read on its own (a bad row too); nothing is merged
            assert ev.report() == {"bad row": 2}
            continue
        assert ev.report() == {"bad id": 1}
        assert "control character" in ev.rejected[0].reason
    with pytest.raises(InvalidEventError, match="holds a control character"):
        Events.from_records([{"time": T0, "actor": bad, "action": "like", "target": "ann"}])


def test_ids_are_kept_exactly_by_every_door(tmp_path: Path) -> None:
    kept = ["=1+1", "+1", "bob", "Bob", "b o b", "ünï", "1.0"]
    for ev in _read_all(tmp_path, kept):
        assert sorted(ev.users.ids.tolist()) == sorted([*kept, "ann"])


def test_a_str_array_with_a_control_character_is_refused() -> None:
    with pytest.raises(InvalidEventError, match="control character"):
        Events.from_arrays(
            np.array([T0, T0]),
            np.array(["bob", "a\tb"]),
            np.array(["like", "like"]),
            np.array(["ann", "ann"]),
        )
    inner_nul = Events.from_arrays(
        np.array([T0]),
        np.array(["a\x00b"]),
        np.array(["like"]),
        np.array(["ann"]),
        errors="skip",
    )
    assert inner_nul.report() == {"bad id": 1}


# ---------------------------------------------------------------------- (9) exact duplicates


DUPS = [
    {"time": T0, "actor": "bob", "action": "like", "target": "ann"},
    {"time": T0 + 5, "actor": "cy", "action": "like", "target": "ann"},
    {"time": T0, "actor": "bob", "action": "like", "target": "ann"},
    {"time": T0, "actor": "bob", "action": "like", "target": "ann"},
]


def test_exact_duplicates_count_twice_and_are_reported() -> None:
    ev = Events.from_records(DUPS)
    assert len(ev) == 4
    assert ev.report() == {"exact duplicate (kept)": 2}
    assert ev.rejected == ()


def test_dedupe_drops_them_and_counts_them() -> None:
    ev = Events.from_records(DUPS, dedupe=True)
    assert len(ev) == 2
    assert ev.report() == {"exact duplicate": 2}
    assert [tuple(r) for r in ev.rejected] == [
        (2, "row 2: an exact duplicate of row 0 (dropped: dedupe=True)"),
        (3, "row 3: an exact duplicate of row 0 (dropped: dedupe=True)"),
    ]
    assert ev == Events.from_records(DUPS[:2])
    assert Events.from_pandas(pd.DataFrame(DUPS), dedupe=True) == ev


def test_dedupe_through_the_files(tmp_path: Path) -> None:
    csv_path = tmp_path / "d.csv"
    pd.DataFrame(DUPS).to_csv(csv_path, index=False)
    ev = Events.read_csv(csv_path, dedupe=True)
    assert [row for row, _ in ev.rejected] == [4, 5]
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in DUPS))
    assert Events.read_jsonl(jsonl, dedupe=True) == ev


def test_rows_with_distinct_ids_are_not_duplicates() -> None:
    with_ids = [dict(r, id=f"e{i}") for i, r in enumerate(DUPS)]
    ev = Events.from_records(with_ids, dedupe=True)
    assert (len(ev), ev.report()) == (4, {})
    mixed = [DUPS[0], dict(DUPS[0], id="e1"), DUPS[0]]
    assert Events.from_records(mixed).report() == {"exact duplicate (kept)": 1}
    ev = Events.from_records(mixed, dedupe=True)
    assert (len(ev), ev.report()) == (2, {"exact duplicate": 1})
    assert ev.rejected[0].row == 2


def test_rows_differing_in_any_field_are_not_duplicates() -> None:
    rows = [dict(DUPS[0], text="hi"), dict(DUPS[0], text="ho"), dict(DUPS[0], platform="x")]
    ev = Events.from_records(rows, dedupe=True)
    assert (len(ev), ev.report()) == (3, {})


def test_dedupe_leaves_a_table_without_duplicates_as_it_is() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    actions = np.array(["like", "share", "reply", "follow", "mention"])
    frame = pd.DataFrame(
        {
            "time": T0 + rng.integers(0, 400, n),
            "actor": rng.integers(0, 40, n),
            "action": actions[rng.integers(0, 5, n)],
            "target": rng.integers(0, 40, n),
        }
    ).drop_duplicates()
    plain = Events.from_pandas(frame)
    deduped = Events.from_pandas(frame, dedupe=True)
    assert plain == deduped
    assert plain.report() == deduped.report() == {}
    doubled = Events.from_pandas(pd.concat([frame, frame.iloc[::-1]]), dedupe=True)
    assert doubled == plain
    assert doubled.report() == {"exact duplicate": len(frame)}


# ---------------------------------------------------------------------- (1) one very long id


def test_one_long_id_costs_its_length_not_rows_times_its_length(tmp_path: Path) -> None:
    rows = likes(5000)
    rows[100] = f"{T0 + 100},{'x' * 20000},like,ann"
    path = write(tmp_path, "long.csv", "time,actor,action,target\n" + "\n".join(rows) + "\n")
    tracemalloc.start()
    try:
        ev = Events.read_csv(path, progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(ev) == 5000
    assert "x" * 20000 in ev.users
    # 52 distinct ids of at most 20,000 characters: about 4 MB; rows x longest would be 400 MB.
    assert peak < 30e6


def _long_id_rows(distinct: int) -> list[str]:
    """*distinct* short ids and one 20,000-character id."""
    rows = [f"{T0 + i},u{i},like,u{i + 1}" for i in range(distinct)]
    rows[7] = f"{T0 + 7},{'x' * 20000},like,u8"
    return rows


@pytest.mark.parametrize("door", ["csv", "jsonl", "records"])
def test_one_long_id_among_many_distinct_ids_costs_the_ids_total_length(
    tmp_path: Path, door: str
) -> None:
    # 10,002 distinct ids: held fixed-width they would take 10,002 x 20,000 x 4 = 800 MB.
    rows = _long_id_rows(10_000)
    tracemalloc.start()
    try:
        if door == "csv":
            text = "time,actor,action,target\n" + "\n".join(rows) + "\n"
            ev = Events.read_csv(write(tmp_path, "long.csv", text), progress=False)
        elif door == "jsonl":
            lines = []
            for row in rows:
                t, actor, action, target = row.split(",")
                record = {"time": int(t), "actor": actor, "action": action, "target": target}
                lines.append(json.dumps(record))
            ev = Events.read_jsonl(write(tmp_path, "long.jsonl", "\n".join(lines)), progress=False)
        else:
            records = []
            for row in rows:
                t, actor, action, target = row.split(",")
                records.append({"time": int(t), "actor": actor, "action": action, "target": target})
            ev = Events.from_records(records)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(ev.users) == 10_002  # u0 .. u10000, and the long id
    assert ev.users.ids.dtype.kind == "O"  # held as Python strings, not as 20,000-wide slots
    assert ev.users.index("x" * 20000) == 10_001  # sorted after every "u..." id
    assert peak < 60e6


def test_events_with_one_long_id_score_show_and_save_like_any_other(tmp_path: Path) -> None:
    from influence import Scorer, Scores

    rows = _long_id_rows(3000)
    text = "time,actor,action,target\n" + "\n".join(rows) + "\n"
    ev = Events.read_csv(write(tmp_path, "long.csv", text), progress=False)
    short = Events.read_csv(
        write(tmp_path, "short.csv", text.replace("x" * 20000, "zz")), progress=False
    )
    assert ev.users.ids.dtype.kind == "O"
    assert short.users.ids.dtype.kind == "U"
    scores, plain = Scorer.house().score(ev), Scorer.house().score(short)
    # The same log, the long id renamed to one that sorts the same: the same scores.
    np.testing.assert_array_equal(scores.values, plain.values)
    long_user = scores.users.index("x" * 20000)
    assert scores.top(len(scores))[0][1] == plain.top(len(plain))[0][1]
    assert repr(scores).startswith("<Scores: 3,002 users")
    assert scores._repr_html_().count("<tr") == plain._repr_html_().count("<tr")
    both = Events.concat([ev.until(T0 + 1000), short])
    assert both.users.ids.dtype.kind == "O"
    assert len(both.users) == 3003
    kept = tmp_path / "scores.npz"  # stored fixed-width (no object arrays), read back compact
    scores.save(kept)
    back = Scores.load(kept)
    assert back.users.ids.dtype.kind == "O"
    assert back.users.id(long_user) == "x" * 20000
    np.testing.assert_array_equal(back.values, scores.values)
    pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "scores.parquet"
    scores.save(path)
    loaded = Scores.load(path)
    assert loaded.users.ids.dtype.kind == "O"
    assert loaded.users.id(long_user) == "x" * 20000
    np.testing.assert_array_equal(loaded.values, scores.values)
