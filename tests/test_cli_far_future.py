"""The command line and far-future rows: one escaped warning line; --as-of and --end fix it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from _output import leaderboard
from influence.cli import main

START = 1_714_521_600  # 2024-05-01T00:00:00Z
FAR = "2206-01-01T00:00:00Z"
#: The bogus account's id carries a right-to-left override: it must not reach the terminal.
BOGUS = "bo\u200bgus\u202e"


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A month of messages among 30 people, and one row dated 2206."""
    rng = np.random.default_rng(0)
    rows = [
        f"{START + int(t)},user{a:02d},mention,user{(a + d) % 30:02d}"
        for t, a, d in zip(
            rng.uniform(0, 30 * 86_400, 800), rng.integers(0, 30, 800), rng.integers(1, 30, 800)
        )
    ]
    path = tmp_path / "log.csv"
    lines = ["time,actor,action,target", *rows, f"{FAR},{BOGUS},like,mallory"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_score_warns_on_one_escaped_line(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "score", log)
    assert code == 0
    assert err.startswith("influence: warning: the default as_of is 2206-01-01T00:00:00Z"), err
    assert err.count("\n") == 1, err
    assert "\u202e" not in err
    assert "\u200b" not in err
    assert "'bo\\u200bgus\\u202e' like 'mallory'" in err
    assert "(--as-of on the command line)" in err
    assert leaderboard(out)[0][1] == "mallory"  # what the warning is about


def test_as_of_silences_it(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = _run(capsys, "score", log)
    suggested = err.split("Pass as_of='")[1].split("'")[0]
    code, out, err = _run(capsys, "score", log, "--as-of", suggested)
    assert (code, err) == (0, "")
    assert leaderboard(out)[0][1].startswith("user")


def test_validate_every_warns_and_end_silences_it(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("validate", log, "--every", "7", "--horizon", "7", "--metrics", "spearman")
    code, out, err = _run(capsys, *common, "--baselines", "", "--end", "2024-05-31")
    assert (code, err) == (0, ""), err
    assert "spearman" in out
    code, _, err = _run(capsys, *common, "--start", "2024-05-08", "--end", "2024-05-31")
    assert (code, err) == (0, ""), err
    code, _, err = _run(
        capsys, "validate", log, "--cutoff", "2024-05-20", "--horizon", "7", "--end", "2024-05-31"
    )
    assert code == 2
    assert "--end" in err
    assert "give --every DAYS" in err


def test_validate_every_without_end_warns_with_the_fix(
    log: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stop before the ~9,500 weekly cut-offs up to 2206 are scored: the warning comes first.
    import influence.evaluate.validity as validity

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("stopped after the cut-offs")

    monkeypatch.setattr(validity, "rolling_validity", refuse)
    for extra in ((), ("--start", "2024-05-08")):
        code, _, err = _run(capsys, "validate", log, "--every", "7", "--horizon", "7", *extra)
        lines = err.splitlines()
        assert code == 2
        assert lines[0].startswith("influence: error: stopped after the cut-offs")
        assert lines[1].startswith("influence: warning: the default end is 2206-01-01"), err
        assert "(--end on the command line)" in lines[1]
