"""The command line: ``influence demo`` and ``influence score``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from _output import leaderboard
from influence import Scorer
from influence.cli import main
from influence.components import DistinctEngagers

HEADER = "time,actor,action,target,post,parent\n"
GOOD_ROWS = [
    "2025-03-01T08:00:00Z,ana,post,,a1,",
    "2025-03-01T09:00:00Z,ben,like,,,a1",
    "2025-03-01T10:00:00Z,cat,share,,c1,a1",
    "2025-03-02T10:00:00Z,dan,mention,ana,,",
    "2025-03-03T10:00:00Z,eve,reply,cat,e1,",
    "2025-03-03T11:00:00Z,fay,like,,,c1",
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return _write(tmp_path / "events.csv", GOOD_ROWS)


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    rows = [*GOOD_ROWS[:2], "2025-03-01T09:30:00Z,ben,poke,ana,,", *GOOD_ROWS[2:]]
    return _write(tmp_path / "bad.csv", rows)


def _assert_one_line_error(err: str, *needles: str) -> None:
    assert err.startswith("influence: error: ")
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err


# --------------------------------------------------------------------------- demo
def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    out = captured.out
    assert out.startswith("influence demo: a generated world (seed 0)")
    assert "<Events: " in out
    rows = leaderboard(out)
    assert len(rows) == 10
    assert [r[0] for r in rows] == [str(k) for k in range(1, 11)]
    values = [float(r[2]) for r in rows]
    assert values == sorted(values, reverse=True)
    # the leader's explanation follows the leaderboard
    leader = rows[0][1]
    assert f"{leader}: {rows[0][2]} / 100" in out
    for name, _ in Scorer().signals:
        assert f"  {name}" in out
    # the defences' work, from every defence: the Sybil target, ring members, the spam account
    removed = out[out.index("Points the gaming defences removed") :].split("\n\n")[0]
    kinds = {line.split()[2] for line in removed.splitlines()[1:]}
    assert {"genuine", "ring", "spam"} <= kinds
    assert "look like a farm or Sybil cohort" in removed
    assert "return it in kind" in removed
    assert "distinct users engaged" in out


def test_demo_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--seed", "3", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "(seed 3)" in out
    assert len(leaderboard(out)) == 3


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--top", "5"])
    first = capsys.readouterr().out
    main(["demo", "--top", "5"])
    assert capsys.readouterr().out == first


def test_python_m_influence_demo() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "influence", "demo", "--top", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(leaderboard(result.stdout)) == 3
    assert "/ 100" in result.stdout


# --------------------------------------------------------------------------- score
def test_score_top_and_explain(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(good_csv), "--top", "3", "--explain", "ana"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    rows = leaderboard(captured.out)
    assert len(rows) == 3
    # cat was engaged by two people in the last hours, ana by three a day or two ago: the
    # standing score counts people, not hours (what is hot now is Scorer.trending())
    assert [r[1] for r in rows[:2]] == ["ana", "cat"]
    assert "ana: " in captured.out
    assert "/ 100" in captured.out
    assert "3 distinct users engaged 3 times" in captured.out
    assert "set aside" not in captured.out


def test_score_trending(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # What is hot now: cat, engaged by two people in the last hours, leads ana, engaged by
    # three a day or two ago.
    assert main(["score", str(good_csv), "--top", "2", "--trending", "--explain", "cat"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert [r[1] for r in leaderboard(captured.out)] == ["cat", "ana"]
    assert "momentum" in captured.out
    assert "longevity" not in captured.out  # the standing parts are not there
    assert main(["score", str(good_csv), "--trending", "--config", "x.toml"]) == 2
    _assert_one_line_error(capsys.readouterr().err, "--trending and --config")


def test_score_matches_the_library(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from influence import Events

    scores = Scorer().score(Events.read_csv(good_csv))
    assert main(["score", str(good_csv)]) == 0
    rows = leaderboard(capsys.readouterr().out)
    assert [(r[1], r[2]) for r in rows] == [(u, f"{v:.1f}") for u, v in scores.top(10)]


def test_score_as_of_and_config(
    good_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "scorer.json"
    scorer = Scorer(signals=[DistinctEngagers(window_days=1)], modifiers=[])
    config.write_text(json.dumps(scorer.to_config()), encoding="utf-8")
    args = ["score", str(good_csv), "--config", str(config), "--as-of", "2025-03-01T12:00:00Z"]
    assert main(args) == 0
    rows = leaderboard(capsys.readouterr().out)
    # at noon on March 1st only ana, ben and cat have acted
    assert sorted(r[1] for r in rows) == ["ana", "ben", "cat"]
    assert rows[0][1] == "ana"


def test_score_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.jsonl"
    records = [
        {"time": 1_700_000_000 + k, "actor": f"fan{k}", "action": "like", "target": "idol"}
        for k in range(4)
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert main(["score", str(path), "--top", "1"]) == 0
    assert leaderboard(capsys.readouterr().out)[0][1] == "idol"


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.csv"
    assert main(["score", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    _assert_one_line_error(captured.err, "no such file", "nope.csv")


def test_missing_config(good_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(good_csv), "--config", str(tmp_path / "none.json")]) == 2
    _assert_one_line_error(capsys.readouterr().err, "no such file", "none.json")


def test_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.txt"
    path.write_text("hello\n", encoding="utf-8")
    assert main(["score", str(path)]) == 2
    _assert_one_line_error(capsys.readouterr().err, "unknown format")


def test_bad_row_names_the_line(bad_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(bad_csv)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    # the header is line 1, so the bad (third data) row is line 4
    _assert_one_line_error(captured.err, "line 4", "'poke'", "action")


def test_bad_as_of(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(good_csv), "--as-of", "someday"]) == 2
    _assert_one_line_error(capsys.readouterr().err, "--as-of", "'someday'")


def test_explain_unknown_user(good_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(good_csv), "--explain", "zed"]) == 2
    _assert_one_line_error(capsys.readouterr().err, "'zed'")


def test_skip_bad_rows_reports_them(
    tmp_path: Path, bad_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [*GOOD_ROWS, "not-a-time,gus,like,ana,,"]
    worse = _write(
        tmp_path / "worse.csv", [*rows[:2], "2025-03-01T09:30:00Z,ben,poke,ana,,", *rows[2:]]
    )
    assert main(["score", str(worse), "--skip-bad-rows"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "2 rows set aside" in captured.out
    assert "'unknown action': 1" in captured.out
    assert "'bad time': 1" in captured.out
    assert [r[1] for r in leaderboard(captured.out)[:2]] == ["ana", "cat"]
    assert main(["score", str(bad_csv), "--skip-bad-rows"]) == 0
    out = capsys.readouterr().out
    assert "set aside: {'unknown action': 1}" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err
