"""The pyarrow path of read_csv gives what the built-in reader gives, or steps aside."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influence import InvalidEventError
from influence.events import fastcsv, readers
from influence.events.assemble import Table
from influence.events.csvfile import FIELD_LIMIT

pytest.importorskip("pyarrow")

COLUMNS = ("time", "actor", "action", "target", "post", "parent", "text", "platform", "topics")


def _same(fast: Table, slow: Table) -> None:
    for name in COLUMNS:
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    for index in ("users", "posts"):
        mine, theirs = getattr(fast, index).ids, getattr(slow, index).ids
        assert mine.dtype.kind == theirs.dtype.kind, index
        assert mine.tolist() == theirs.tolist(), index
    assert (fast.texts, fast.platforms, fast.topic_sets) == (
        slow.texts,
        slow.platforms,
        slow.topic_sets,
    )
    assert [(r.row, r.reason, r.kind) for r in fast.rejected] == [
        (r.row, r.reason, r.kind) for r in slow.rejected
    ]
    assert fast.duplicates == slow.duplicates


def _outcome(path: Path, fast: bool, **options: Any) -> Table | str:
    try:
        return readers.read_csv(path, progress=False, fast=fast, **options)
    except (InvalidEventError, ValueError, TypeError, UnicodeDecodeError) as exc:
        return f"{type(exc).__name__}: {exc}"


def _compare(path: Path, **options: Any) -> None:
    fast, slow = _outcome(path, True, **options), _outcome(path, False, **options)
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
    else:
        _same(fast, slow)


def _took_fast_path(path: Path, **options: Any) -> bool:
    delimiter = options.get("delimiter", ",")
    encoding = options.get("encoding", "utf-8-sig")
    header = options.get("header", True)
    return fastcsv.split(path, delimiter=delimiter, encoding=encoding, header=header) is not None


T = 1_700_000_000
TIMES = [
    str(T),
    str(T + 60),
    f"{T}.5",
    "2024-05-01T09:00:00Z",
    "2024-05-01 09:00:00+02:00",
    "",
    " 1700000000",
    "1_700_000_000",
    "-0",
    "0",
    "1e400",
    "1700000000000",
    "nan",
    "never",
    "0x10",
    "+1700000000",
    "01700000000",
    "1.7e9",
]
IDS = ["ann", "bob", " bob ", "007", "7", "12", "-3", "", " ", "a\x01b", "é", "x" * 70, "+5"]
ACTIONS = ["like", "LIKE", " share ", "retweet", "post", "follow", "poke", "", "4", "mention"]
CELL = {
    "time": st.sampled_from(TIMES),
    "actor": st.sampled_from(IDS),
    "action": st.sampled_from(ACTIONS),
    "target": st.sampled_from(IDS),
    "post": st.sampled_from(["", "p1", "p2", "1", "2", "01"]),
    "parent": st.sampled_from(["", "p1", "1", "9"]),
    "id": st.sampled_from(["", "e1", "e2", "1", "1 "]),
    "platform": st.sampled_from(["", "web", "app"]),
    "text": st.sampled_from(["", "hi", "hi there", "é"]),
}


@st.composite
def _files(draw: Any) -> tuple[str, dict[str, Any]]:
    names = ["time", "actor", "action", "target"]
    names += draw(
        st.lists(
            st.sampled_from(["post", "parent", "id", "platform", "text"]), max_size=3, unique=True
        )
    )
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    rows = draw(
        st.lists(
            st.fixed_dictionaries({name: CELL[name] for name in names}), min_size=1, max_size=12
        )
    )
    end = draw(st.sampled_from(["\n", "\r\n"]))
    header = draw(st.booleans())
    lines = [delimiter.join(names)] if header else []
    lines += [delimiter.join(row[name] for name in names) for row in rows]
    text = end.join(lines) + draw(st.sampled_from([end, ""]))
    options: dict[str, Any] = {"delimiter": delimiter, "header": header}
    if not header:
        options["columns"] = {name: str(k) for k, name in enumerate(names, start=1)}
    options["errors"] = draw(st.sampled_from(["skip", "raise"]))
    options["dedupe"] = draw(st.booleans())
    return text, options


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=_files())
def test_fast_and_built_in_paths_agree(case: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    text, options = case
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode("utf-8"))
    assert _took_fast_path(path, **options)  # these files hold nothing it steps aside for
    _compare(path, **options)


HEAD = "time,actor,action,target\n"
GOOD = f"{T},ann,like,bob\n{T + 1},bob,share,7\n"


@pytest.mark.parametrize(
    ("name", "content", "options"),
    [
        ("quoted line break", HEAD + f'{T},ann,like,"bo\nb"\n', {}),
        ("unterminated quote", HEAD + f'{T},"ann,like,bob\n' + GOOD, {}),
        ("stray quote", HEAD + f'{T},an"n,like,bob\n', {}),
        ("text after a closing quote", HEAD + f'{T},"an"n,like,bob\n', {}),
        ("space before an opening quote", HEAD + f'{T}, "ann",like,bob\n', {}),
        ("space after a closing quote", HEAD + f'{T},"ann" ,like,bob\n', {}),
        ("quote left open at the end", HEAD + GOOD + f'{T},ann,like,"bob', {}),
        ("doubled quote outside a cell", HEAD + f'{T},""ann,like,bob\n', {}),
        ("quoted line break, CRLF", HEAD + f'{T},ann,like,"bo\r\nb"\r\n', {}),
        ("NUL", HEAD + f"{T},an\x00n,like,bob\n", {}),
        ("lone CR", HEAD + f"{T},an\rn,like,bob\n", {}),
        ("blank line", HEAD + GOOD + "\n" + GOOD, {}),
        ("blank CRLF line", (HEAD + GOOD).replace("\n", "\r\n") + "\r\n" + GOOD, {}),
        ("leading blank line", "\n" + HEAD + GOOD, {}),
        ("trailing blank line", HEAD + GOOD + "\n", {}),
        ("blank line, empty first cells", HEAD + GOOD + f",ann,like,bob\n\n{T},ann,like,bob\n", {}),
        (
            "blank line, one column",
            "actor\nann\n\nbob\n",
            {"constants": {"time": T, "action": "mention"}, "errors": "skip"},
        ),
        ("narrow row", HEAD + GOOD + f"{T},ann,like\n", {"errors": "skip"}),
        ("wide row", HEAD + GOOD + f"{T},ann,like,bob,x\n", {"errors": "skip"}),
        (
            "huge cell",
            HEAD + f"{T},{'a' * (FIELD_LIMIT + 1)},like,bob\n" + GOOD,
            {"errors": "skip"},
        ),
        ("BOM read as UTF-8", "\ufeff" + HEAD + GOOD, {"encoding": "utf-8"}),
        ("latin-1", HEAD + GOOD, {"encoding": "latin-1"}),
        ("two-character delimiter", HEAD + GOOD, {"delimiter": "::"}),
        ("empty file", "", {}),
    ],
)
def test_fallback_triggers(
    name: str, content: str, options: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(content.encode("utf-8"))
    assert not _took_fast_path(path, **options), name
    _compare(path, **options)  # the built-in reader answers either way


@pytest.mark.parametrize(
    "content",
    [
        HEAD + f'{T},"ann",like,bob\n',
        HEAD + f'{T},"a,n""n",like,"bob"\n' + GOOD,
        '"time","actor","action","target"\r\n' + f'"{T}","ann","like",""\r\n',
        HEAD + f'{T},"""ann""",like,bob\n{T + 1},"",like,bob\n',
        HEAD + GOOD + f'{T},ann,like,"bob"',  # closed at the very end
        "\ufeff" + HEAD + f'"{T}",ann,like,bob\n',
    ],
)
def test_quoted_cells_on_one_line_take_the_fast_path(content: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(content.encode("utf-8"))
    assert _took_fast_path(path)
    _compare(path, errors="skip")
    _compare(path, errors="raise")


QUOTED_CELLS = ["ann", "bob", "a,b", 'say "hi"', '"', '""', "", " x ", "é, ü", "7", "007", "12"]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(TIMES[:3]), *[st.sampled_from(QUOTED_CELLS)] * 2),
        min_size=1,
        max_size=10,
    ),
    quoting=st.sampled_from(["minimal", "all", "nonnumeric"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    end=st.sampled_from(["\n", "\r\n"]),
)
def test_files_quoted_by_the_csv_module_read_alike(
    rows: list[tuple[str, str, str]], quoting: str, delimiter: str, end: str, tmp_path: Path
) -> None:
    import csv
    import io

    mode = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL, "nonnumeric": csv.QUOTE_NONNUMERIC}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=mode[quoting], lineterminator=end)
    writer.writerow(["time", "actor", "action", "target", "text"])
    writer.writerows([(t, actor, "like", "bob", text) for t, actor, text in rows])
    path = tmp_path / "log.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    assert _took_fast_path(path, delimiter=delimiter)
    _compare(path, delimiter=delimiter, errors="skip")


def test_invalid_utf8_steps_aside(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(HEAD.encode() + f"{T},".encode() + b"\xff\xfe,like,bob\n")
    assert not _took_fast_path(path)
    _compare(path)


def test_huge_cell_in_an_unread_column_steps_aside(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEAD.replace("\n", ",note\n") + f"{T},ann,like,bob,{'n' * (FIELD_LIMIT + 1)}\n")
    assert not _took_fast_path(path)
    _compare(path, errors="skip")


@pytest.mark.parametrize(
    ("name", "content", "options", "suffix"),
    [
        ("plain", HEAD + GOOD, {}, ".csv"),
        ("CRLF", (HEAD + GOOD).replace("\n", "\r\n"), {}, ".csv"),
        ("BOM", "\ufeff" + HEAD + GOOD, {}, ".csv"),
        ("no final newline", HEAD + GOOD.rstrip("\n"), {}, ".csv"),
        ("tab", (HEAD + GOOD).replace(",", "\t"), {"delimiter": "\t"}, ".tsv"),
        ("gzip", HEAD + GOOD, {}, ".csv.gz"),
        ("no header", GOOD, {"header": False}, ".csv"),
        ("header only", HEAD, {}, ".csv"),
        (
            "constants",
            "time,actor,target\n" + f"{T},ann,bob\n{T + 1},bob,ann\n",
            {"constants": {"action": "mention"}},
            ".csv",
        ),
        (
            "columns",
            "ts,who,what,whom\n" + GOOD,
            {"columns": {"time": "ts", "actor": "who", "action": "what", "target": "whom"}},
            ".csv",
        ),
        (
            "duplicate header",
            "time,actor,action,target,actor\n" + f"{T},ann,like,bob,cy\n",
            {},
            ".csv",
        ),
        ("missing column", "time,actor,target\n" + f"{T},ann,bob\n", {}, ".csv"),
        (
            "bad rows",
            HEAD + GOOD + f"never,ann,like,bob\n{T},a\x01,like,bob\n{T},ann,poke,bob\n",
            {"errors": "skip"},
            ".csv",
        ),
        ("first bad row raises", HEAD + GOOD + f"{T},ann,poke,bob\n{T},ann,like,\n", {}, ".csv"),
        ("milliseconds", HEAD + "1700000000000,ann,like,bob\n", {"errors": "skip"}, ".csv"),
        ("row of empty cells", HEAD + GOOD + ",,,\n", {"errors": "skip"}, ".csv"),
        (
            "empty cells, CRLF",
            (HEAD + GOOD + ",ann,,\n").replace("\n", "\r\n"),
            {"errors": "skip"},
            ".csv",
        ),
        (
            "one column",
            "actor\nann\nbob\n",
            {"constants": {"time": T, "action": "mention"}, "errors": "skip"},
            ".csv",
        ),
    ],
)
def test_fast_path_cases(
    name: str, content: str, options: dict[str, Any], suffix: str, tmp_path: Path
) -> None:
    path = tmp_path / f"log{suffix}"
    data = content.encode("utf-8")
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    assert _took_fast_path(path, **options), name
    _compare(path, **options)


def test_without_pyarrow_the_built_in_reader_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEAD + GOOD)
    real = fastcsv.importlib.import_module

    def no_pyarrow(name: str, *args: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(fastcsv.importlib, "import_module", no_pyarrow)
    assert not _took_fast_path(path)
    assert readers.read_csv(path, progress=False).users.ids.tolist() == ["7", "ann", "bob"]
