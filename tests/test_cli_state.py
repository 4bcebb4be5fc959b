"""The command line: ``influence fit STATE EVENTS`` and ``influence update STATE EVENTS``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from _scorings import counted_scorings
from influence import ACTIONS, Events, Scorer, Scores
from influence.cli import main
from influence.datasets import synthetic

DAY = 86_400.0


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A generated log split into its history and its last day, each its own CSV file."""
    folder = tmp_path_factory.mktemp("state")
    events = synthetic(2, n_users=150, days=20).events
    assert events.end is not None
    cut = events.end - DAY
    parts = {
        "all": events,
        "old": events.until(cut),
        "new": events.select(events.time > cut).compact(),
    }
    paths = {}
    for name, table in parts.items():
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(csv_text(table), encoding="utf-8")
    return paths


def csv_text(events: Events) -> str:
    fields = ("time", "actor", "action", "target", "post", "parent")
    lines = [",".join(fields)]
    for row in events.to_records():
        lines.append(",".join("" if row.get(f) is None else str(row[f]) for f in fields))
    return "\n".join(lines) + "\n"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fit_then_update_gives_the_scores_of_the_whole_log(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, out = tmp_path / "state.npz", tmp_path / "scores.npz"
    code, printed, err = run(["fit", str(state), str(files["old"]), "--top", "3"], capsys)
    assert (code, err) == (0, "")
    assert printed.startswith("scoring state as of ")
    assert state.is_file()
    code, printed, err = run(
        ["update", str(state), str(files["new"]), "--top", "3", "--out", str(out)], capsys
    )
    assert (code, err) == (0, "")
    assert "(was " in printed.split("\n")[0]
    whole = Scorer().score(Events.read_csv(files["all"]))
    np.testing.assert_allclose(Scores.load(out).values, whole.values, rtol=0, atol=1e-9)
    assert Scores.load(out).users.ids.tolist() == whole.users.ids.tolist()
    board = [line.split()[1] for line in printed.strip().split("\n")[3:6]]
    assert board == [user for user, _ in whole.top(3)]


def test_a_file_sent_again_with_dedupe_changes_nothing(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state, first, again = tmp_path / "state.npz", tmp_path / "a.npz", tmp_path / "b.npz"
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    assert run(["update", str(state), str(files["new"]), "--out", str(first)], capsys)[0] == 0
    code, _, _ = run(
        ["update", str(state), str(files["new"]), "--dedupe", "--out", str(again)], capsys
    )
    assert code == 0
    assert Scores.load(first).to_dict() == Scores.load(again).to_dict()


def test_dedupe_reads_as_score_dedupe_and_says_what_it_dropped(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The history holds some lines twice; the new day repeats some of its own lines and
    # some of the history's. fit + update --dedupe equal `score --dedupe` of all of it.
    old_lines = files["old"].read_text(encoding="utf-8").splitlines()
    new_lines = files["new"].read_text(encoding="utf-8").splitlines()
    old_likes = [line for line in old_lines if line.split(",")[2] == "like"][:3]
    new_likes = [line for line in new_lines if line.split(",")[2] == "like"][:2]
    old = tmp_path / "old.csv"
    old.write_text("\n".join(old_lines + old_likes) + "\n", encoding="utf-8")
    new = tmp_path / "new.csv"
    new.write_text("\n".join(new_lines + new_likes) + "\n", encoding="utf-8")
    both = tmp_path / "both.csv"
    both.write_text("\n".join(old_lines + old_likes + new_lines[1:] + new_likes) + "\n",
                    encoding="utf-8")  # fmt: skip
    state, out, whole = tmp_path / "s.npz", tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(["fit", str(state), str(old)], capsys)[0] == 0  # keeps the three repeats
    code, printed, err = run(
        ["update", str(state), str(new), "--dedupe", "--out", str(out)], capsys
    )
    assert (code, err) == (0, "")
    assert "3 repeated rows dropped from the state" in printed.split("\n")[0]  # its own repeats
    assert "2 rows set aside" in printed  # the file's own, set aside when read
    assert run(["score", str(both), "--dedupe", "--out", str(whole)], capsys)[0] == 0
    assert out.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ("2206-02-10T01:00:00Z,u1,like,u2,,\n", [], "1 event lies far past the rest of the log"),
        ("", ["--as-of", "2099-01-01"], "lookback past every event.*fit again"),
    ],
)
def test_an_update_that_would_leave_everything_behind_is_refused(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: str,
    extra: list[str],
    message: str,
) -> None:
    # A mistyped year in a day file, or a mistyped --as-of, would move the state past
    # every event it holds (and refuse every later file as behind its horizon).
    state = tmp_path / "state.npz"
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    written = state.read_bytes()
    day = tmp_path / "day.csv"
    new_lines = files["new"].read_text(encoding="utf-8")
    day.write_text(new_lines + rows, encoding="utf-8")
    code, _, err = run(["update", str(state), str(day), *extra], capsys)
    assert code == 2
    assert re.search(message, err)
    assert ".;" not in err  # one sentence, then why the state is kept
    assert state.read_bytes() == written
    assert run(["update", str(state), str(files["new"])], capsys)[0] == 0  # the real day


def test_update_scores_once(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Loading a state to update it scores nothing: its own scores are never read.
    state = tmp_path / "state.npz"
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    calls = counted_scorings(monkeypatch)
    assert run(["update", str(state), str(files["new"])], capsys)[0] == 0
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["update", "{tmp}/nope.npz", "{new}"], "no such file: .*nope.npz"),
        (["update", "{tmp}/state.csv", "{new}"], "a scoring state is an .npz file"),
        (["fit", "{tmp}/missing/state.npz", "{old}"], "no such directory"),
        (["update", "{tmp}/state.npz", "{old}"], "more than one of the tables.*--dedupe adds"),
        (["fit", "{tmp}/state.npz", "{old}", "--out", "{tmp}/state.npz"], "is the STATE file"),
        (["update", "{tmp}/state.npz", "{new}", "--out", "{tmp}/state.npz"], "is the STATE file"),
        (["update", "{tmp}/state.npz", "{new}", "--out", "{tmp}/folder.csv"], "Is a directory"),
        (["update", "{tmp}/state.npz", "{new}", "--as-of", "2000-01-01"], "only moves forward"),
        (["update", "{tmp}/state.npz", "{new}", "--explain", "nobody"], "'nobody' is not in"),
        (["fit", "{tmp}/state.npz", "{old}", "--as-of", "2000-01-01"], "before the first event"),
    ],
)
def test_mistakes_are_one_line_errors(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    state = tmp_path / "state.npz"
    (tmp_path / "folder.csv").mkdir()  # an --out that cannot be written
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    written = state.read_bytes()
    filled = [a.format(tmp=tmp_path, new=files["new"], old=files["old"]) for a in args]
    code, _, err = run(filled, capsys)
    assert code == 2
    assert err.startswith("influence: error: ")
    assert err.count("\n") == 1
    assert re.search(message, err)
    assert state.read_bytes() == written  # a failed update leaves the state as it was


def test_the_state_is_never_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "events.npz"  # an event file named like a state
    events.write_text("time,actor,action,target\n1,bob,like,ann\n", encoding="utf-8")
    code, _, err = run(["fit", str(events), str(events), "--delimiter", ","], capsys)
    assert code == 2
    assert "is the EVENTS file: refusing to overwrite it" in err
    assert events.read_text(encoding="utf-8").startswith("time,actor")


def test_update_reads_answers_to_posts_of_earlier_files_without_their_target(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The new day's replies, shares and likes give only their parent post: those answering
    # a post of an earlier file take its author from the state's events, as `score` of
    # all the rows at once does.
    new = Events.read_csv(files["new"])
    rows = new.to_records()
    answers_old = 0
    made_today = {row["post"] for row in rows if row.get("post") is not None}
    for row in rows:
        if row.get("parent") is not None and row["action"] in ("reply", "share", "like"):
            answers_old += row["parent"] not in made_today
            del row["target"]
    assert answers_old > 0
    fields = ("time", "actor", "action", "target", "post", "parent")
    day = tmp_path / "day.csv"
    day.write_text(
        "\n".join(
            [",".join(fields)]
            + [",".join("" if row.get(f) is None else str(row[f]) for f in fields) for row in rows]
        )
        + "\n",
        encoding="utf-8",
    )
    state, out = tmp_path / "state.npz", tmp_path / "scores.npz"
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    code, _, err = run(["update", str(state), str(day), "--out", str(out)], capsys)
    assert (code, err) == (0, "")
    whole = Scorer().score(Events.read_csv(files["all"]))
    np.testing.assert_array_equal(Scores.load(out).values, whole.values)
    assert main(["score", str(day)]) == 2  # on its own, the day's answers have no target


def test_a_file_sent_again_without_dedupe_is_counted_but_the_user_is_warned(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Likes only: nothing refuses them (no post is created twice), so they would count
    # twice in silence. The day after the state's events costs no check and says nothing.
    state = tmp_path / "state.npz"
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    assert run(["update", str(state), str(files["new"])], capsys)[2] == ""
    new = Events.read_csv(files["new"])
    likes = new.select(new.action == ACTIONS.index("like")).compact()
    assert len(likes) > 0
    again = tmp_path / "likes.csv"
    again.write_text(csv_text(likes), encoding="utf-8")
    code, _, err = run(["update", str(state), str(again)], capsys)
    assert code == 0
    assert f"warning: {len(likes):,} of the file's {len(likes):,} events equal events" in err
    assert "--dedupe adds only what is new" in err
    code, _, err = run(["update", str(state), str(again), "--dedupe"], capsys)
    assert (code, err) == (0, "")


def test_no_warning_for_rows_repeated_within_the_file_or_the_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found in review: a file whose own rows repeat (two identical likes), overlapping the
    # state in time but equal to none of its events, is not a file sent again.
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(
        "time,actor,action,target\n0,a,mention,b\n86400,a,mention,c\n172800,b,mention,a\n"
    )
    new.write_text(
        "time,actor,action,target\n100000,x,like,y\n100000,x,like,y\n200000,y,mention,x\n"
    )
    state = tmp_path / "state.npz"
    assert run(["fit", str(state), str(old)], capsys)[0] == 0
    assert run(["update", str(state), str(new)], capsys)[::2] == (0, "")
    code, _, err = run(["update", str(state), str(new)], capsys)  # now it is sent again
    assert code == 0
    assert "warning: 3 of the file's 3 events equal events the state already holds" in err


def test_an_answer_to_an_unknown_post_tells_a_command_line_user_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = tmp_path / "day.csv"
    day.write_text("time,actor,action,target,post,parent\n5,bob,like,,,p1\n")
    code, _, err = run(["score", str(day)], capsys)
    assert code == 2
    assert "fit a state on that file and give this one to `influence update`" in err
    assert "known_posts" not in err


def test_an_answer_to_a_post_the_state_does_not_hold_says_so_in_command_line_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("time,actor,action,target,post,parent\n1,ann,post,,p1,\n")
    day = tmp_path / "day.csv"
    day.write_text("time,actor,action,target,post,parent\n5,bob,like,,,p9\n")
    state = tmp_path / "state.npz"
    assert run(["fit", str(state), str(first)], capsys)[0] == 0
    code, out, err = run(["update", str(state), str(day)], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"influence: error: {day}: line 2: field 'target' is missing and 'parent' 'p9' is not a "
        "post in the data nor in the state's events, so the like's target is unknown\n"
    )


def test_update_refusals_speak_in_command_line_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("time,actor,action,target\n1000000000,ann,like,bob\n")
    new.write_text("time,actor,action,target\n2000000000,ann,like,bob\n")
    state = tmp_path / "state.npz"
    assert run(["fit", str(state), str(new)], capsys)[0] == 0
    before = state.read_bytes()
    code, _, err = run(["update", str(state), str(old)], capsys)
    assert code == 2
    assert err == (
        f"influence: error: {old}: 1 event of the file, the earliest at 2001-09-09T01:46:40Z, is "
        "older than the state keeps (it holds the 180 days before 2033-05-18T03:33:20Z, from "
        "2032-11-19T03:33:20Z), so it cannot be judged with the events around them: "
        "`influence fit` the state again on all the files, this one among them; the state is "
        "left as it was\n"
    )
    code, _, err = run(["update", str(state), str(new), "--as-of", "1999999999"], capsys)
    assert code == 2
    assert "--as-of must be at or after the state's date (2033-05-18T03:33:20Z)" in err
    assert "ScoringState" not in err
    assert "parameter" not in err
    assert state.read_bytes() == before


def test_update_dedupe_says_which_rows_it_dropped(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "s.npz"
    assert run(["fit", str(state), str(files["old"])], capsys)[0] == 0
    assert run(["update", str(state), str(files["new"])], capsys)[0] == 0
    read = len(Events.read_csv(files["new"]))
    code, printed, _ = run(["update", str(state), str(files["new"]), "--dedupe"], capsys)
    assert code == 0  # the same day sent again changes nothing, and says so
    assert (
        f"{read:,} events read, {read:,} of them dropped as equal to events held)"
        in (printed.split("\n")[0])
    )
    assert "from the state" not in printed
