"""The command line with several event files: read in order as one log."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer, Scores, ScoringState
from influence.cli import main
from influence.datasets import synthetic
from influence.events.concat import concat

FIELDS = ["time", "actor", "action", "target", "post", "parent", "text"]
#: The three files of a log, and the log's records.
Days = tuple[list[Path], list[dict[str, Any]]]


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_csv(path: Path, records: list[dict[str, Any]], *, parents_only: bool = False) -> Path:
    """*records* as CSV; with *parents_only*, answers name their parent post and no target."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            row = dict(record)
            if parents_only and row.get("parent") is not None:
                row["target"] = None
            writer.writerow(row)
    return path


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Days:
    """A generated world's log cut into three files by time, answers naming only their
    parent post (whose author, often in an earlier file, is their target)."""
    world = synthetic(seed=2, n_users=50, days=12, curator=False, spam=False, sybils=False)
    records = world.events.to_records()
    folder = tmp_path_factory.mktemp("several")
    times = np.array([r["time"] for r in records])
    cuts = np.quantile(times, [1 / 3, 2 / 3])
    parts = np.searchsorted(cuts, times, side="right")
    paths = [
        write_csv(folder / f"part{k}.csv", [r for r, p in zip(records, parts) if p == k],
                  parents_only=True)
        for k in range(3)
    ]  # fmt: skip
    return paths, records


@pytest.fixture(scope="module")
def whole(days: Days, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The log of *days* as one file."""
    return write_csv(tmp_path_factory.mktemp("whole") / "whole.csv", days[1], parents_only=True)


def same_scores(got: Scores, want: Scores) -> None:
    assert got.users.ids.tolist() == want.users.ids.tolist()
    assert got.values.tobytes() == want.values.tobytes()


def test_several_files_score_as_their_rows_at_once(
    days: Days, whole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    code, one, _ = run(capsys, "score", whole, "--out", tmp_path / "one.npz")
    assert code == 0
    code, three, err = run(capsys, "score", *paths, "--out", tmp_path / "three.npz")
    assert (code, err) == (0, "")
    same_scores(Scores.load(tmp_path / "three.npz"), Scores.load(tmp_path / "one.npz"))
    assert three.replace("three.npz", "one.npz") == one
    same_scores(Scores.load(tmp_path / "three.npz"), Scorer().score(Events.read_csv(whole)))


def test_an_answer_to_a_post_of_a_later_file_names_the_order(
    days: Days, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    code, _, err = run(capsys, "score", paths[2], paths[0], paths[1])
    assert code == 2
    assert err.startswith(f"influence: error: {paths[2]}: line ")
    assert "if it was posted in another file, name that file before this one" in err
    assert "known_posts" not in err
    assert err.count("\n") == 1


def test_history_fit_and_validate_take_several_files(
    days: Days, whole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    user = str(Scorer().score(Events.read_csv(whole)).top(1)[0][0])
    for command in (
        ["history", "--user", user],
        ["validate", "--cutoff", "2026-01-08", "--horizon", "3"],
    ):
        one = run(capsys, *command, whole)
        assert one[0] == 0
        assert run(capsys, *command, *paths) == one
    assert run(capsys, "fit", tmp_path / "state.npz", *paths)[0] == 0
    assert run(capsys, "fit", tmp_path / "whole.npz", whole)[0] == 0
    same_scores(
        ScoringState.load(tmp_path / "state.npz").scores,
        ScoringState.load(tmp_path / "whole.npz").scores,
    )


def test_a_file_named_twice_is_refused(days: Days, capsys: pytest.CaptureFixture[str]) -> None:
    paths, _ = days
    code, out, err = run(capsys, "score", paths[0], paths[1], paths[0])
    assert (code, out) == (2, "")
    assert "is named twice among the event files: its events would count twice" in err


def test_out_may_not_be_any_of_the_event_files(
    days: Days, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    before = paths[1].read_bytes()
    code, _, err = run(capsys, "score", *paths, "--out", paths[1])
    assert code == 2
    assert "is the EVENTS file: refusing to overwrite it" in err
    assert paths[1].read_bytes() == before


def test_mixed_formats_and_a_bad_option_name_their_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [{"time": 0, "actor": "ann", "action": "post", "post": "p1"}]
    second = [{"time": 60, "actor": "bob", "action": "like", "parent": "p1"}]
    csv_path = write_csv(tmp_path / "first.csv", first)
    jsonl = tmp_path / "second.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in second), encoding="utf-8")
    code, out, _ = run(capsys, "score", csv_path, jsonl, "--explain", "ann")
    assert code == 0
    assert "1 distinct user engaged 1 time" in out
    code, _, err = run(capsys, "score", csv_path, jsonl, "--no-header")
    assert code == 2  # every file's options are checked before any is read
    assert err == (
        f"influence: error: --no-header is for CSV files (.csv, .tsv); {jsonl} is JSON Lines\n"
    )


def test_update_takes_several_files_as_one(
    days: Days, whole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days  # their answers name only the parent: posts of the state, of a file before
    state, out, want = tmp_path / "state.npz", tmp_path / "out.npz", tmp_path / "want.npz"
    assert run(capsys, "fit", state, paths[0])[0] == 0
    code, printed, err = run(capsys, "update", state, paths[1], paths[2], "--out", out)
    assert (code, err) == (0, "")
    assert run(capsys, "score", whole, "--out", want)[0] == 0
    same_scores(Scores.load(out), Scores.load(want))
    assert "(was " in printed.split("\n")[0]
    code, _, err = run(capsys, "update", state, paths[1], paths[2])  # the two again
    assert code == 2  # their posts are created twice now
    assert err.startswith(f"influence: error: {paths[1]}: post ids ")
    assert err.endswith(
        "are created twice, in the state's events and these files; a post is created once "
        "(--dedupe keeps one of the rows equal in every field)\n"
    )
    code, _, err = run(capsys, "update", state, paths[1], paths[2], "--dedupe", "--out", out)
    assert (code, err) == (0, "")  # sent again with --dedupe: nothing new
    same_scores(Scores.load(out), Scores.load(want))


def test_files_after_an_option_are_event_files_still(
    days: Days, whole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    one = run(capsys, "score", whole, "--top", "4")
    assert one[0] == 0
    assert run(capsys, "score", paths[0], "--top", "4", paths[1], paths[2]) == one
    assert run(capsys, "score", paths[0], "--top", "4", paths[1], "--as-of", "2026-02-01",
               paths[2]) == run(capsys, "score", whole, "--top", "4", "--as-of",
                                "2026-02-01")  # fmt: skip
    with pytest.raises(SystemExit):
        main(["score", str(paths[0]), "--bogus", "3"])
    assert "unrecognized arguments: --bogus 3" in capsys.readouterr().err


def test_an_answer_to_a_post_of_a_file_named_later_says_so(
    days: Days, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    code, _, err = run(capsys, "score", paths[0], paths[2], paths[1])
    assert code == 2
    assert err.startswith(f"influence: error: {paths[2]}: line ")
    assert "is not a post in the data nor in the files before it" in err
    assert err.rstrip().endswith("if it was posted in a later file, name that file before this one")
    assert "known posts" not in err


def test_the_same_file_under_two_names_is_counted_with_a_warning(
    days: Days, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, records = days
    likes = write_csv(tmp_path / "likes.csv", [r for r in records if r["action"] == "like"])
    copy = tmp_path / "copy.csv"
    copy.write_bytes(likes.read_bytes())
    code, _, err = run(capsys, "score", *paths, likes, copy)
    assert code == 0
    n = sum(r["action"] == "like" for r in records)
    assert (
        f"warning: {copy}: {n:,} of the file's {n:,} events equal events of the files before" in err
    )
    assert "--dedupe keeps one" in err
    assert run(capsys, "score", *paths, likes, copy, "--dedupe")[2] == (
        f"influence: --dedupe dropped {2 * n:,} rows equal in every field to a row of another "
        "file\n"  # the likes of both: the days' files hold them already
    )


def test_an_empty_file_among_several_is_a_warning_and_all_empty_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"time": 0, "actor": "ann", "action": "post", "post": "p1"},
            {"time": 9, "actor": "bob", "action": "like", "parent": "p1"}]  # fmt: skip
    paths = [write_csv(tmp_path / f"f{k}.csv", rows if k == 0 else []) for k in range(3)]
    paths[2].write_text("")  # a quiet day's file: nothing at all
    code, out, err = run(capsys, "score", *paths)
    assert code == 0  # as one file holding all the rows
    assert out == run(capsys, "score", paths[0])[1]
    assert f"warning: {paths[1]}: no events in the file (a header and no rows)" in err
    assert f"warning: {paths[2]}: the file is empty" in err
    code, _, err = run(capsys, "history", paths[1], paths[2], "--user", "ann")
    assert code == 2
    assert err.endswith("no events in the files\n")
    assert err.count("\n") == 3  # two warnings, then the error


def test_dedupe_keeps_one_of_the_rows_repeated_across_files(
    days: Days, whole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, records = days
    # every like, follow and mention sent again in a fourth file
    again = write_csv(
        tmp_path / "again.csv", [r for r in records if r["action"] in ("like", "follow", "mention")]
    )
    assert run(capsys, "score", whole, "--dedupe", "--out", tmp_path / "one.npz")[0] == 0
    assert run(capsys, "score", *paths, again, "--dedupe", "--out", tmp_path / "m.npz")[0] == 0
    same_scores(Scores.load(tmp_path / "m.npz"), Scores.load(tmp_path / "one.npz"))
    code, _, _ = run(capsys, "score", *paths, again, "--out", tmp_path / "twice.npz")
    assert code == 0  # without --dedupe the repeated likes count twice
    assert (
        Scores.load(tmp_path / "twice.npz").values.tobytes()
        != Scores.load(tmp_path / "one.npz").values.tobytes()
    )


def test_a_post_created_in_two_files_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [{"time": 1, "actor": "ann", "action": "post", "post": "p1"},
             {"time": 2, "actor": "bob", "action": "share", "target": "ann", "post": "s1",
              "parent": "p1"}]  # fmt: skip
    a = write_csv(tmp_path / "a.csv", first)
    b = write_csv(tmp_path / "b.csv", first[1:])
    code, out, err = run(capsys, "score", a, b)
    assert (code, out) == (2, "")
    assert err == (
        f"influence: error: {b}: post ids 's1' are created in this file and in an earlier "
        "one; a post is created once (--dedupe keeps one of the rows equal in every field)\n"
    )
    code, out, _ = run(capsys, "score", a, b, "--dedupe")
    assert code == 0
    assert out == run(capsys, "score", a)[1]


def test_many_files_are_joined_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import influence.cli._files as files

    rows = [{"time": t * 60, "actor": f"u{t % 7}", "action": "like", "target": f"u{t % 5}"}
            for t in range(200)]  # fmt: skip
    paths = [write_csv(tmp_path / f"d{k:02d}.csv", rows[10 * k : 10 * k + 10]) for k in range(20)]
    whole = write_csv(tmp_path / "whole.csv", rows)
    joins: list[int] = []

    def counted(tables: Any, **kwargs: Any) -> Events:
        joins.append(len(tables))
        return concat(tables, **kwargs)

    monkeypatch.setattr(files, "concat", counted)
    assert run(capsys, "score", *paths) == run(capsys, "score", whole)
    assert joins == [20]  # one join of the twenty, not one per file; no overlap to check


def test_a_few_repeated_rows_at_a_boundary_are_not_a_file_sent_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"time": t, "actor": f"u{t % 7}", "action": "like", "target": f"u{t % 5}"}
            for t in range(40)]  # fmt: skip
    first = write_csv(tmp_path / "first.csv", rows[:20])
    second = write_csv(tmp_path / "second.csv", [rows[19], *rows[20:]])  # one genuine repeat
    code, _, err = run(capsys, "score", first, second)
    assert (code, err) == (0, "")
    link = tmp_path / "link.csv"
    link.symlink_to(first)
    code, _, err = run(capsys, "score", first, link)
    assert code == 2
    assert f"{link} is named twice among the event files (the same file as {first})" in err


def test_an_output_file_caught_by_a_glob_is_named_for_what_it_is(
    days: Days, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _ = days
    scores, saved = tmp_path / "scores.csv", tmp_path / "scores.npz"
    assert run(capsys, "score", paths[0], "--out", scores)[0] == 0
    assert run(capsys, "score", paths[0], "--out", saved)[0] == 0
    code, _, err = run(capsys, "score", paths[0], scores)
    assert code == 2
    assert err == (
        f"influence: error: {scores}: a file of scores (user, score, parts: what --out writes), "
        "not events; event files have the columns time, actor, action and the rest\n"
    )
    code, _, err = run(capsys, "score", paths[0], saved)
    assert code == 2
    assert f"{saved}: a saved scores or scoring-state file (.npz), not events" in err
    assert "--delimiter" not in err


def test_rows_set_aside_are_counted_apart_from_the_duplicates_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "some.csv"
    path.write_text("time,actor,action,target\nx,ann,like,bob\n2,ann,like,bob\n2,ann,like,bob\n")
    code, out, _ = run(capsys, "score", path, "--skip-bad-rows")
    assert code == 0
    assert out.endswith(
        "\n1 row set aside: {'bad time': 1}; kept, and counted: {'exact duplicate (kept)': 1}\n"
    )
