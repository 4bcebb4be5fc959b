"""What the command line prints and writes is safe: escaped ids (defect 5 of issue 15), --out
never overwrites an input, and a run stopped by a signal leaves no temporary file behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest

from _output import leaderboard
from influence import Events, Scorer
from influence.cli import Stopped, main, printable, stop_signals_raise

SRC = Path(__file__).resolve().parents[1] / "src"
RAW = ("\x1b", "\r", "\x00", "\x07", "\u202e", "\u2028", "\u200b", "\t")


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _clean(text: str) -> None:
    for char in RAW:
        assert char not in text, (char, text)


# --------------------------------------------------------------------------- escaping
def test_printable() -> None:
    assert printable("ann") == "ann"
    assert printable(42) == "42"
    assert printable("a\nb") == "a\\nb"
    assert printable("\x1b[2J") == "\\x1b[2J"
    assert printable("x\ry\x00") == "x\\ry\\x00"
    assert printable("\t\x7f\x85") == "\\t\\x7f\\x85"
    assert printable("\u202e\u2028\U000e0001") == "\\u202e\\u2028\\U000e0001"
    assert printable("élan ✓ 名前 'quoted' \\") == "élan ✓ 名前 'quoted' \\"  # kept as it is


def _log(path: Path, users: list[str]) -> Path:
    """Everyone engages the given user ids, the first most."""
    records = [
        {"time": 1_700_000_000 + 60 * k, "actor": f"fan{k}", "action": "like", "target": user}
        for k, user in enumerate([users[0], *users, *users])
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


#: Ids the readers keep: not control characters, but not printable either.
INVISIBLE = ["rtl\u202eevil", "ls\u2028x", "zero\u200bwidth"]


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    return _log(tmp_path / "evil.jsonl", INVISIBLE)


def test_leaderboard_rows_cannot_be_forged(evil: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "score", evil, "--top", "30")
    assert (code, err) == (0, "")
    _clean(out)
    rows = leaderboard(out)
    scores = Scorer().score(Events.read_jsonl(evil))
    assert len(rows) == len(scores)  # one line per user: no forged row
    assert {r[1] for r in rows} == {printable(u) for u in scores.users.ids.tolist()}
    assert rows[0][1] == "rtl\\u202eevil"


def test_ids_with_spaces_or_quotes_are_quoted_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An id of spaces and a number would otherwise pass for a score column.
    forged = ["star               99.9", 'say "hi"', "plain"]
    code, out, err = _run(capsys, "score", _log(tmp_path / "spaces.jsonl", forged), "--top", "30")
    assert (code, err) == (0, "")
    assert '"star               99.9"' in out
    assert '"say \\"hi\\""' in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == ["rank", "user", "score"])
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        cell = line[6:].rsplit(maxsplit=1)[0].strip()
        assert cell.startswith('"') == (" " in cell or '"' in cell), line
    assert "plain" in out
    assert '"plain"' not in out


@pytest.mark.parametrize("user", INVISIBLE)
def test_explain_escapes_the_id(evil: Path, capsys: pytest.CaptureFixture[str], user: str) -> None:
    code, out, err = _run(capsys, "score", evil, "--top", "0", "--explain", user)
    assert (code, err) == (0, "")
    _clean(out)
    assert f"\n{printable(user)}: " in out
    assert out.count("\n") == 3 + 7  # the empty leaderboard, a blank line, the header, the parts


@pytest.mark.parametrize("user", ["a\nb", "\x1b[2Jbob", "x\ry", "nul\x00!"])
def test_control_characters_in_ids_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], user: str
) -> None:
    # The readers may keep such an id (then it is printed escaped) or refuse it with a reason
    # (then the error is one escaped line): either way nothing raw reaches the terminal.
    path = _log(tmp_path / "evil.jsonl", [user, "ann"])
    code, out, err = _run(capsys, "score", path, "--explain", user)
    _clean(out + err)
    if code == 0:
        assert err == ""
        rows = leaderboard(out)
        assert len(rows) == len(Scorer().score(Events.read_jsonl(path)))
        assert rows[0][1] == printable(user)
        assert f"\n{printable(user)}: " in out
    else:
        assert (code, out) == (2, "")
        assert err.startswith("influence: error: "), err
        assert err.count("\n") == 1, err


class _Scores:
    """Scores whose ids hold control characters, as a reader that kept them would give."""

    users: ClassVar[list[str]] = ["a\nb", "\x1b[2Jbob", "x\ry", "nul\x00"]

    def top(self, n: int) -> list[tuple[str, float]]:
        return [(u, 50.0 - k) for k, u in enumerate(self.users)][:n]


def test_leaderboard_and_explanation_escape_control_characters() -> None:
    from influence.cli._text import explanation
    from influence.cli._text import leaderboard as board
    from influence.scoring.explanation import Explanation

    text = board(_Scores(), 10)  # type: ignore[arg-type]
    _clean(text)
    assert text.count("\n") == 4  # the header and one line per user
    assert [r[1] for r in leaderboard(text)] == ["a\\nb", "\\x1b[2Jbob", "x\\ry", "nul\\x00"]
    explained = Explanation(
        user="a\nb\x1b[2J",
        score=12.0,
        parts={"engagement": 12.0, "odd\rpart": 0.0},
        reasons={"engagement": "engaged by 'x\ny'\x00", "odd\rpart": "\x1b[31mred"},
    )
    text = explanation(explained)
    _clean(text)
    assert text.splitlines() == [
        "a\\nb\\x1b[2J: 12.0 / 100",
        "  engagement   +12.0  engaged by 'x\\ny'\\x00",
        "  odd\\rpart     +0.0  \\x1b[31mred",
    ]
    plain = Explanation(user=7, score=1.0, parts={"a": 1.0}, reasons={"a": "fine"})
    assert explanation(plain) == str(plain)


def test_errors_that_quote_ids_or_values_are_escaped(
    evil: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "score", evil, "--explain", "zed\x1b[2J\r\x00")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    _clean(err)
    assert "zed\\x1b[2J\\r\\x00" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("time,actor,action,target\n1,ann,po\x1bke\x00,b\r\n", encoding="utf-8")
    code, out, err = _run(capsys, "score", bad)
    assert (code, out) == (2, "")
    assert err.startswith("influence: error: "), err
    assert err.count("\n") == 1, err
    _clean(err)
    assert "po\\x1bke\\x00" in err


def test_one_line_escapes_what_it_keeps() -> None:
    from influence.cli import _one_line

    assert _one_line(ValueError("id 'a\x1b[2J' and\x00 more\nnext")) == (
        "id 'a\\x1b[2J' and\\x00 more next"
    )


def test_flagged_users_and_reasons_are_escaped() -> None:
    from influence.cli._text import flagged
    from influence.datasets import synthetic

    world = synthetic(seed=0, n_users=80, days=20, future_days=1)
    renamed = [
        {**r, "actor": f"\u202e{r['actor']}\u2028!",
         **({"target": f"\u202e{r['target']}\u2028!"} if r.get("target") is not None else {})}
        for r in world.events.to_records()
    ]  # fmt: skip
    scores = Scorer().score(Events.from_records(renamed))
    found = flagged(scores, 8)
    assert found
    for user, _, reason in found:
        _clean(user + reason)
        assert "\n" not in user + reason
        assert user.startswith("\\u202e")
        assert user.endswith("\\u2028!")


def test_warnings_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x\x1b[2J.csv"
    path.write_text("time,actor,action,target\n", encoding="utf-8")
    code, _, err = _run(capsys, "score", path, "--allow-empty")
    assert code == 0
    _clean(err)
    assert "x\\x1b[2J.csv" in err


# --------------------------------------------------------------------------- --out
@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("time,actor,action,target\n1,ann,like,bob\n2,bob,like,ann\n", encoding="utf-8")
    return path


def test_out_refuses_to_overwrite_the_inputs(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = log.read_bytes()
    monkeypatch.chdir(tmp_path)
    linked = tmp_path / "linked.csv"
    os.link(log, linked)
    for out in (log, "events.csv", "./sub/../events.csv", linked):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code, stdout, err = _run(capsys, "score", log, "--out", out)
        assert (code, stdout) == (2, ""), out
        assert err.startswith("influence: error: --out "), err
        assert err.count("\n") == 1, err
        assert "is the EVENTS file: refusing to overwrite it" in err
    assert log.read_bytes() == before
    config = tmp_path / "scorer.json"
    config.write_text(json.dumps(Scorer().to_config()), encoding="utf-8")
    code, _, err = _run(capsys, "score", log, "--config", config, "--out", config)
    assert code == 2
    assert "is the --config file" in err
    assert json.loads(config.read_text(encoding="utf-8")) == Scorer().to_config()
    code, out, err = _run(capsys, "score", log, "--out", tmp_path / "scores.csv")
    assert (code, err) == (0, "")


# --------------------------------------------------------------------------- signals
def test_stop_signals_raise_and_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)

    def stop() -> None:
        with stop_signals_raise():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs at the next bytecode

    with pytest.raises(Stopped) as info:
        stop()
    assert info.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_an_ignored_signal_stays_ignored() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with stop_signals_raise():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.1)
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_ctrl_c_is_one_line(
    log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from influence.cli import _commands

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(_commands, "score", interrupted)
    assert _run(capsys, "score", log) == (130, "", "influence: interrupted\n")


#: A run that writes its --out file slowly: it says "writing" once the temporary file is open.
SLOW_WRITER = """
import sys, time
from influence.scoring import persist
from influence.cli import main

real = persist._number
def slow(value):
    print("writing", flush=True)
    time.sleep(60)
    return real(value)
persist._number = slow
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_killed_run_leaves_no_temporary_file(log: Path, tmp_path: Path, name: str) -> None:
    if not hasattr(signal, name):
        pytest.skip(f"no {name} on this platform")
    if signal.getsignal(getattr(signal, name)) == signal.SIG_IGN:
        # Under nohup the child inherits an ignored SIGHUP, and the command line keeps
        # it ignored, as it should: there is nothing to test.
        pytest.skip(f"{name} is ignored here (nohup), and so by the child")
    folder = tmp_path / "out"
    folder.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, "score", str(log), "--out", str(folder / "s.csv")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        while line and line != "writing\n":
            line = child.stdout.readline()
        assert line == "writing\n", child.stderr.read() if child.stderr else ""
        assert next(p.name for p in folder.iterdir()).startswith(".s.csv.")  # the temporary file
        child.send_signal(getattr(signal, name))
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for pipe in (child.stdout, child.stderr):  # closed even after a timeout
            if pipe is not None:
                pipe.close()
    assert child.returncode == 128 + getattr(signal, name)
    assert err == f"influence: stopped by {name}\n"
    assert list(folder.iterdir()) == []  # neither the temporary file nor a half-written one


def test_no_progress_bars_when_stderr_is_not_a_terminal(
    log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from influence.cli import _commands

    seen: list[str | None] = []

    def score(args: object) -> int:
        seen.append(os.environ.get("INFLUENCE_PROGRESS"))
        return 0

    monkeypatch.setattr(_commands, "score", score)
    monkeypatch.delenv("INFLUENCE_PROGRESS", raising=False)
    assert _run(capsys, "score", log)[0] == 0  # captured stderr is no terminal
    assert seen == ["0"]
    assert "INFLUENCE_PROGRESS" not in os.environ  # put back
    monkeypatch.setenv("INFLUENCE_PROGRESS", "1")  # the user's own setting is kept
    assert _run(capsys, "score", log)[0] == 0
    assert seen == ["0", "1"]
