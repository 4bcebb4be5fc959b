"""The command line: ``influence history EVENTS --user USER``."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from influence import Events, Scorer
from influence.cli import main
from influence.events.timeparse import format_time

HEADER = "time,actor,action,target,post,parent\n"
ROWS = [
    "2025-03-01T08:00:00Z,ana,post,,a1,",
    "2025-03-01T09:00:00Z,ben,like,,,a1",
    "2025-03-02T10:00:00Z,cat,share,,c1,a1",
    "2025-03-04T10:00:00Z,dan,mention,ana,,",
    "2025-03-08T10:00:00Z,eve,reply,,e1,a1",
    "2025-03-09T11:00:00Z,fay,like,,,a1",
]


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def table(out: str) -> list[list[str]]:
    """The rows of the printed table (after its title and header), split on spaces."""
    return [line.split() for line in out.strip().split("\n")[2:]]


def number(cell: str) -> float:
    return math.nan if cell == "n/a" else float(cell)


def test_history_prints_the_libraries_scores_and_changes(
    csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", str(csv), "--user", "ana"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    history = Scorer().history(Events.read_csv(csv), every="1D")
    lines = captured.out.strip().split("\n")
    assert lines[0] == f"ana: {len(history)} dates every 1 day"
    # No change over a month: the log is shorter than one (as in the notebook display).
    assert lines[1].split() == ["time", "score", "Δ", "day", "Δ", "week"]
    rows = table(captured.out)
    assert len(rows) == len(history)
    series = history.series("ana")
    day, week = history.change("ana", 1), history.change("ana", 7)
    for k, row in enumerate(rows):
        assert row[0] == format_time(history.dates[k])
        assert number(row[1]) == pytest.approx(round(series["score"][k], 1), nan_ok=True)
        assert number(row[2]) == pytest.approx(round(day[k], 1), nan_ok=True)
        assert number(row[3]) == pytest.approx(round(week[k], 1), nan_ok=True)
        assert len(row) == 4
    assert rows[-1][1] == f"{Scorer().score(Events.read_csv(csv))['ana']:.1f}"


def test_history_options(csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["history", str(csv), "--user", "ana", "--every", "12h", "--trending"]
    argv += ["--start", "2025-03-05T00:00:00Z", "--end", "2025-03-09T00:00:00Z"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    rows = table(out)
    assert out.startswith("ana: 9 dates every 12 hours")
    assert [r[0] for r in rows][::8] == ["2025-03-05T00:00:00Z", "2025-03-09T00:00:00Z"]
    history = Scorer.trending().history(
        Events.read_csv(csv), start="2025-03-05", end="2025-03-09", every="12h"
    )
    assert [number(r[1]) for r in rows] == pytest.approx(
        [round(v, 1) for v in history.series("ana")["score"]]
    )


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--every", "1 month"], ("'every' parameter", "'1D'", "'1 month'")),
        (["--user", "nobody"], ("'nobody'", "not in the events")),
        (["--end", "2025-02-01"], ("'end' parameter",)),
        (["--start", "2025-04-01"], ("'start' parameter", "at or before 'end'")),
        (["--end", "soon"], ("--end",)),
    ],
)
def test_history_mistakes_are_one_line_errors(
    csv: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needles: tuple[str, ...]
) -> None:
    user = [] if "--user" in argv else ["--user", "ana"]
    assert main(["history", str(csv), *user, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("influence: error: ")
    assert err.count("\n") == 1
    for needle in needles:
        assert needle in err


def test_a_weekly_history_shows_only_the_changes_its_dates_allow(
    csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["history", str(csv), "--user", "ana", "--every", "7D", "--start", "2025-02-01"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    # A weekly history has no date a day before another, nor 30 days (not a multiple of 7).
    assert lines[1].split() == ["time", "score", "Δ", "week"]
    assert lines[0] == "ana: 6 dates every 1 week"


def test_a_user_in_no_event_is_refused_before_any_date_is_scored(
    csv: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("history was computed")

    monkeypatch.setattr(Scorer, "history", never)
    assert main(["history", str(csv), "--user", "nobody"]) == 2
    assert "not in the events" in capsys.readouterr().err


def test_history_escapes_the_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.csv"
    forged = "x\u2028ana: 99 dates"
    path.write_text(
        HEADER + f"2025-03-01T08:00:00Z,ben,like,{forged},,\n2025-03-02T08:00:00Z,cy,like,"
        f"{forged},,\n",
        encoding="utf-8",
    )
    assert main(["history", str(path), "--user", forged]) == 0
    out = capsys.readouterr().out
    assert "\u2028" not in out
    assert out.startswith('"x\\u2028ana: 99 dates": 2 dates')  # quoted: it holds spaces
