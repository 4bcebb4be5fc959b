"""The command line reads the files people have: --columns, --delimiter and .tsv, --no-header,
--action; an empty input says so (or only warns with --allow-empty); --version; --start."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from _output import leaderboard
from influence import Events, Scorer
from influence.cli import main
from influence.evaluate import rolling_validity

DAY = 86400.0

#: An email log as people have it: sender, recipient, unix time; no action column.
MAIL = [
    ("ann", "bob", 1_700_000_000),
    ("cy", "bob", 1_700_000_600),
    ("dee", "bob", 1_700_001_200),
    ("bob", "ann", 1_700_002_000),
    ("eve", "ann", 1_700_003_000),
]


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line(err: str, *needles: str) -> None:
    assert err.startswith("influence: error: "), err
    assert err.count("\n") == 1, err
    assert err.endswith("\n"), err
    for needle in needles:
        assert needle in err, (needle, err)


def _rows(out: str) -> list[tuple[str, str]]:
    return [(r[1], r[2]) for r in leaderboard(out)]


def _expected(events: Events) -> list[tuple[str, str]]:
    return [(str(u), f"{v:.1f}") for u, v in Scorer().score(events).top(10)]


@pytest.fixture
def mail_tsv(tmp_path: Path) -> Path:
    """The email log with a header and a kind column, tab-separated."""
    path = tmp_path / "mail.tsv"
    lines = ["ts\tsender\tkind\trecipient"] + [f"{t}\t{a}\tmention\t{b}" for a, b, t in MAIL]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- columns, delimiter
def test_columns_and_tsv(mail_tsv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = {"time": "ts", "actor": "sender", "action": "kind", "target": "recipient"}
    code, out, err = _run(
        capsys, "score", mail_tsv, "--columns", "time=ts, actor=sender,action=kind,target=recipient"
    )
    assert (code, err) == (0, "")
    expected = _expected(Events.read_csv(mail_tsv, columns=mapping, delimiter="\t"))
    assert _rows(out) == expected
    assert _rows(out)[0][0] == "bob"


@pytest.mark.parametrize("given", [";", "\\t", "tab"])
def test_delimiter(tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str) -> None:
    sep = "\t" if given != ";" else ";"
    path = tmp_path / "mail.csv"
    lines = [sep.join(["time", "actor", "action", "target"])]
    lines += [sep.join([str(t), a, "mention", b]) for a, b, t in MAIL]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "score", path, "--delimiter", given)
    assert (code, err) == (0, "")
    assert _rows(out) == _expected(Events.read_csv(path, delimiter=sep))


def test_tsv_gz_is_read_with_a_tab(mail_tsv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packed = mail_tsv.with_name("mail.tsv.gz")
    packed.write_bytes(gzip.compress(mail_tsv.read_bytes()))
    code, out, err = _run(
        capsys, "score", packed, "--columns", "time=ts,actor=sender,action=kind,target=recipient"
    )
    assert (code, err) == (0, "")
    assert _rows(out)[0][0] == "bob"


COLUMN_ERRORS = [
    ("actor", ("FIELD=COLUMN", "'actor'", "fields: time, actor, action")),
    ("actor=", ("FIELD=COLUMN", "'actor='")),
    ("=sender", ("FIELD=COLUMN",)),
    ("actor=sender,,time=ts", ("FIELD=COLUMN", "got ''")),
    (
        "sender=actor",
        ("unknown event field 'sender'", "did you mean actor=sender", "allowed: time"),
    ),
    ("who=sender", ("unknown event field 'who'", "allowed: time, actor, action, target")),
    ("actor=a,actor=b", ("'actor' twice",)),
]


@pytest.mark.parametrize(("value", "needles"), COLUMN_ERRORS, ids=[v for v, _ in COLUMN_ERRORS])
def test_columns_mistakes(
    mail_tsv: Path, capsys: pytest.CaptureFixture[str], value: str, needles: tuple[str, ...]
) -> None:
    for command in (["score"], ["validate", "--cutoff", "1", "--horizon", "1"]):
        code, out, err = _run(capsys, command[0], mail_tsv, *command[1:], "--columns", value)
        assert (code, out) == (2, "")
        _one_line(err, "--columns", *needles)


def test_option_mistakes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text('{"time": 1, "actor": "a", "action": "like", "target": "b"}\n')
    parquet = tmp_path / "events.parquet"
    parquet.write_bytes(b"not parquet")
    cases: list[tuple[list[object], tuple[str, ...]]] = [
        ([jsonl, "--delimiter", ";"], ("--delimiter is for CSV files", "JSON Lines")),
        ([jsonl, "--no-header"], ("--no-header is for CSV files",)),
        ([parquet, "--action", "mention"], ("--action is for CSV and JSON Lines", "Parquet")),
        ([jsonl, "--delimiter", "ab"], ("--delimiter must be one character", "'ab'")),
        ([jsonl, "--delimiter", '"'], ("--delimiter must be one character",)),
    ]
    for args, needles in cases:
        code, out, err = _run(capsys, "score", *args)
        assert (code, out) == (2, ""), args
        _one_line(err, *needles)


def test_missing_column_hint_names_the_options(
    mail_tsv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "score", mail_tsv)
    assert code == 2
    _one_line(err, "lacks required column", "--columns time=COLUMN", "--action", "--no-header")
    assert "columns={" not in err  # the Python spelling is for Python
    assert err.count(f"{mail_tsv}:") == 1  # the path is named once
    code, _, err = _run(capsys, "score", mail_tsv, "--columns", "time=ts,actor=sender,target=x")
    _one_line(
        err, "['action']", "--columns action=COLUMN", "--action ACTION (e.g. --action mention)"
    )
    jsonl = mail_tsv.with_name("e.jsonl")
    jsonl.write_text('{"when": 1, "who": "a"}\n', encoding="utf-8")
    code, _, err = _run(capsys, "score", jsonl)
    assert code == 2
    _one_line(err, "line 1", "field 'time' is missing", "--columns time=KEY")
    assert "--no-header" not in err  # a CSV option
    jsonl.write_text('{"time": 1, "from": "a", "to": "b"}\n', encoding="utf-8")
    code, _, err = _run(capsys, "score", jsonl, "--columns", "actor=from,target=to")
    _one_line(err, "field 'action' is missing", "--columns action=KEY", "--action mention")


# --------------------------------------------------------------------------- --no-header, --action
class _Recorder:
    """Stands in for a reader with the readers' new keyword arguments, and records them."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def read_csv(
        self, path: Any, *, columns: Any = None, errors: Any = "raise", delimiter: str = ",",
        header: bool = True, constants: Any = None,
    ) -> Events:  # fmt: skip
        return self._record(columns=columns, errors=errors, delimiter=delimiter, header=header,
                            constants=constants)  # fmt: skip

    def read_jsonl(
        self, path: Any, *, columns: Any = None, errors: Any = "raise", constants: Any = None
    ) -> Events:
        return self._record(columns=columns, errors=errors, constants=constants)

    def _record(self, **kwargs: Any) -> Events:
        self.calls.append(kwargs)
        return Events.from_records(
            [{"time": t, "actor": a, "action": "mention", "target": b} for a, b, t in MAIL]
        )


def test_no_header_and_action_reach_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(Events, "read_csv", recorder.read_csv)
    monkeypatch.setattr(Events, "read_jsonl", recorder.read_jsonl)
    tsv = tmp_path / "mail.tsv"
    tsv.write_text("".join(f"{a}\t{b}\t{t}\n" for a, b, t in MAIL), encoding="utf-8")
    args = ["--no-header", "--columns", "actor=1,target=2,time=3", "--action", "mention"]
    code, out, err = _run(capsys, "score", tsv, *args, "--skip-bad-rows")
    assert (code, err) == (0, "")
    assert _rows(out)[0][0] == "bob"
    assert recorder.calls[-1] == {
        "columns": {"actor": "1", "target": "2", "time": "3"},
        "errors": "skip",
        "delimiter": "\t",
        "header": False,
        "constants": {"action": "mention"},
    }
    jsonl = tmp_path / "mail.jsonl"
    jsonl.write_text('{"time": 1, "actor": "a", "target": "b"}\n', encoding="utf-8")
    assert _run(capsys, "validate", jsonl, "--cutoff", "1700001000", "--horizon", "0.1",
                "--action", "mention")[0] == 0  # fmt: skip
    assert recorder.calls[-1] == {
        "columns": None,
        "errors": "raise",
        "constants": {"action": "mention"},
    }
    # without the options, the reader's defaults: a header, no constants
    assert _run(capsys, "score", tsv)[0] == 0
    assert recorder.calls[-1] == {
        "columns": None,
        "errors": "raise",
        "delimiter": "\t",
        "header": True,
        "constants": None,
    }


def test_email_log_without_header_or_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the log: tab-separated, no header, CRLF line ends: sender, recipient, unix time
    path = tmp_path / "email.tsv"
    path.write_bytes("".join(f"{a}\t{b}\t{t}\r\n" for a, b, t in MAIL).encode())
    args = ["--no-header", "--columns", "actor=1,target=2,time=3", "--action", "mention"]
    code, out, err = _run(capsys, "score", path, *args)
    assert (code, err) == (0, "")
    events = Events.read_csv(  # type: ignore[call-arg]
        path, delimiter="\t", header=False, columns={"actor": "1", "target": "2", "time": "3"},
        constants={"action": "mention"},
    )  # fmt: skip
    assert _rows(out) == _expected(events)
    assert _rows(out)[0][0] == "bob"
    # without --action: the hint offers it, names the file once, and not --no-header again
    code, out, err = _run(capsys, "score", path, *args[:3])
    assert (code, out) == (2, "")
    _one_line(err, "lacks required column", "--action ACTION", "--columns action=COLUMN")
    assert err.count(str(path)) == 1
    assert "--no-header" not in err


def test_delimited_text_under_another_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # CollegeMsg's shape: CollegeMsg.txt, space-separated "sender recipient time", no header
    path = tmp_path / "CollegeMsg.txt"
    path.write_text("".join(f"{a} {b} {t}\n" for a, b, t in MAIL), encoding="utf-8")
    args = ["--no-header", "--columns", "actor=1,target=2,time=3", "--action", "mention"]
    code, out, err = _run(capsys, "score", path, *args)
    assert (code, out) == (2, "")
    _one_line(err, "unknown format", "--delimiter")
    code, out, err = _run(capsys, "score", path, "--delimiter", " ", *args)
    assert (code, err) == (0, "")
    events = Events.read_csv(  # type: ignore[call-arg]
        path, delimiter=" ", header=False, columns={"actor": "1", "target": "2", "time": "3"},
        constants={"action": "mention"},
    )  # fmt: skip
    assert _rows(out) == _expected(events)


def test_no_header_reads_fields_by_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.csv"
    path.write_text("".join(f"{t},{a},mention,{b}\n" for a, b, t in MAIL), encoding="utf-8")
    code, out, err = _run(capsys, "score", path, "--no-header")
    assert (code, err) == (0, "")
    assert _rows(out)[0][0] == "bob"


def test_action_for_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mail.jsonl"
    path.write_text(
        "".join(json.dumps({"time": t, "from": a, "to": b}) + "\n" for a, b, t in MAIL),
        encoding="utf-8",
    )
    code, out, err = _run(
        capsys, "score", path, "--columns", "actor=from,target=to", "--action", "mention"
    )
    assert (code, err) == (0, "")
    assert _rows(out)[0][0] == "bob"


# --------------------------------------------------------------------------- nothing to score
EMPTY_CASES = {
    "empty.csv": (b"", (), "the file is empty"),
    "blank.jsonl": (b"\n \n", (), "the file is empty"),
    "bom.csv": (b"\xef\xbb\xbf", (), "the file is empty"),
    "empty.csv.gz": (gzip.compress(b""), (), "the file is empty"),
    "header.csv": (
        b"time,actor,action,target\n",
        (),
        "no events in the file (a header and no rows)",
    ),
    "bad.csv": (
        b"time,actor,action,target\nsoon,a,like,b\n1,a,poke,b\n",
        ("--skip-bad-rows",),
        "every row was set aside (2 rows: {",
    ),
    "late.csv": (
        b"time,actor,action,target\n2025-03-01T00:00:00Z,a,like,b\n",
        ("--as-of", "2024-01-01"),
        "--as-of 2024-01-01T00:00:00Z is before the first event (2025-03-01T00:00:00Z): nobody",
    ),
}


@pytest.mark.parametrize("name", sorted(EMPTY_CASES))
def test_nothing_to_score_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    content, options, message = EMPTY_CASES[name]
    path = tmp_path / name
    path.write_bytes(content)
    out_file = tmp_path / "scores.csv"
    code, out, err = _run(capsys, "score", path, *options, "--out", out_file)
    assert (code, out) == (2, "")
    _one_line(err, message)
    assert "scores of 0 users" not in out
    assert not out_file.exists()
    # --allow-empty: a warning, an empty leaderboard, and a file with nobody in it
    code, out, err = _run(capsys, "score", path, *options, "--out", out_file, "--allow-empty")
    assert code == 0
    assert err.startswith("influence: warning: "), err
    assert err.count("\n") == 1, err
    assert message in err
    assert leaderboard(out) == []
    assert "scores of 0 users written" in out
    assert out_file.read_text(encoding="utf-8").splitlines()[0].startswith("user,score")
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.parametrize("name", ["empty.csv", "header.csv", "bad.csv"])
def test_validate_with_nothing_to_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    content, options, message = EMPTY_CASES[name]
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = _run(capsys, "validate", path, "--every", "1", "--horizon", "1", *options)
    assert (code, out) == (2, "")
    _one_line(err, message)


# --------------------------------------------------------------------------- --version, --start
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from influence import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"influence {__version__}\n"


@pytest.fixture
def weeks(tmp_path: Path) -> Path:
    path = tmp_path / "weeks.jsonl"
    start = 1_700_000_000
    records = [
        {"time": start + k * 3600 * 7, "actor": f"u{k % 9}", "action": "like",
         "target": f"u{(k * 5 + 1) % 9}"}
        for k in range(400)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_every_with_start(weeks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = Events.read_jsonl(weeks)
    assert events.start is not None
    assert events.end is not None
    first = events.start + 10.5 * DAY
    code, out, err = _run(
        capsys, "validate", weeks, "--every", "3", "--horizon", "4", "--start", str(first),
        "--metrics", "spearman", "--baselines", "received_count",
    )  # fmt: skip
    assert (code, err) == (0, "")
    cutoffs = [
        first + k * 3 * DAY for k in range(1000) if first + k * 3 * DAY + 4 * DAY <= events.end
    ]
    assert len(cutoffs) >= 2
    report = rolling_validity(
        events, cutoffs, 4 * DAY, metrics=["spearman"], baselines=["received_count"]
    )
    assert out == str(report) + "\n"
    # without --start, the first cut-off is DAYS after the first event: another report
    code, default, _ = _run(
        capsys, "validate", weeks, "--every", "3", "--horizon", "4", "--metrics", "spearman",
        "--baselines", "received_count",
    )  # fmt: skip
    assert code == 0
    assert default != out


def test_start_mistakes(weeks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases: list[tuple[list[str], tuple[str, ...]]] = [
        (["--cutoff", "1700900000", "--start", "1700100000"], ("--start", "--every")),
        (["--every", "1", "--start", "someday"], ("--start", "'someday'")),
        (["--every", "1", "--start", "2020-01-01"], ("--start 2020-01-01T00:00:00Z", "before")),
        (["--every", "1", "--start", "2024-03-08"], ("too short", "--start 2024-03-08")),
    ]
    for args, needles in cases:
        code, out, err = _run(capsys, "validate", weeks, "--horizon", "4", *args)
        assert (code, out) == (2, ""), args
        _one_line(err, *needles)


def test_milliseconds_hint_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 15, section 2: the command line reads times as text, and still gets the hint.
    path = tmp_path / "ms.csv"
    path.write_text("time,actor,action,target\n1700000000000,ann,like,bob\n", encoding="utf-8")
    code, _, err = _run(capsys, "score", path)
    assert code == 2
    _one_line(err, "line 2", "epoch milliseconds or microseconds")


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ("RT", "--actions takes VALUE=ACTION pairs"),
        ("RT=", "--actions takes VALUE=ACTION pairs"),
        ("RT=retweeted", "'retweeted' (for 'RT') is no action"),
        ("share=RT", "did you mean RT=share?"),
        ("RT=share,rt=like", "names the value 'rt' twice"),
    ],
)
def test_actions_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, needle: str
) -> None:
    path = tmp_path / "log.csv"
    path.write_text("time,actor,action,target\n1,bob,RT,ann\n", encoding="utf-8")
    assert main(["score", str(path), "--actions", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith("influence: error: --actions")
    assert err.count("\n") == 1
    assert needle in err


def test_actions_reach_every_reader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "log.csv"
    csv_path.write_text("time,actor,action,target\n1,bob,RT,ann\n2,cy,MT,ann\n", encoding="utf-8")
    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text(
        '{"time": 1, "actor": "bob", "action": "RT", "target": "ann"}\n', encoding="utf-8"
    )
    for path in (csv_path, jsonl):
        assert main(["score", str(path), "--actions", "RT=share,MT=mention"]) == 0
        assert "ann" in capsys.readouterr().out
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    parquet = tmp_path / "log.parquet"
    pq.write_table(
        pa.table({"time": [1], "actor": ["bob"], "action": ["RT"], "target": ["ann"]}), parquet
    )
    assert main(["score", str(parquet), "--actions", "RT=share"]) == 2
    assert "--actions is for CSV and JSON Lines files" in capsys.readouterr().err
