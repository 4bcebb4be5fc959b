"""The command line: ``influence select``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from influence import Events
from influence.campaign import select
from influence.cli import main

# These logs span a day or two: too short to forecast, select says so and covers.
pytestmark = pytest.mark.filterwarnings("ignore::influence.campaign.ForecastWarning")

HEADER = "time,actor,action,target,post,parent,topics\n"
ROWS = [
    "2025-03-01T08:00:00Z,ana,post,,a1,,travel",
    "2025-03-01T08:00:00Z,ana,post,,a2,,food",
    "2025-03-01T08:30:00Z,bo,post,,b1,,travel",
    *(f"2025-03-01T09:0{i}:00Z,fan{i},like,,,a1," for i in range(4)),
    *(f"2025-03-01T10:0{i}:00Z,eat{i},like,,,a2," for i in range(5)),
    *(f"2025-03-01T11:0{i}:00Z,fan{i},share,,,b1," for i in range(2)),
    *(f"2025-03-01T12:0{i}:00Z,new{i},reply,bo,,," for i in range(3)),
    "2025-03-02T10:00:00Z,=cmd(),mention,red\u200bx,,,",
]


@pytest.fixture
def events_csv(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def test_select_prints_the_chosen_with_marginal_reach_and_writes_them(
    events_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "chosen.csv"
    assert main(["select", str(events_csv), "--k", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    # One line: the log is too short to forecast, so the coverage is maximised.
    assert printed.err.startswith("influence: warning: too little before as_of to fit")
    assert printed.err.count("\n") == 1
    expected = select(Events.read_csv(events_csv), 2)
    lines = printed.out.splitlines()
    assert "reach" in lines[0]
    assert "greedy" in lines[0]
    for rank, user in enumerate(expected.users, start=1):
        row = next(line for line in lines if line.split()[:2] == [str(rank), user])
        assert f"{expected.gains[rank - 1]:.1f}" in row
    with out.open(newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [r["user"] for r in written] == list(expected.users)
    assert [float(r["marginal_reach"]) for r in written] == expected.gains.tolist()


def test_select_on_a_topic_under_a_budget(
    events_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("user,cost\nana,100\nbo,300\n", encoding="utf-8")
    code = main(
        ["select", str(events_csv), "--topic", "travel", "--budget", "150", "--cost", str(costs)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "about 'travel'" in out
    assert "cost 100 of 150" in out
    assert "bo" in out
    assert "costs 300, more than the budget 150" in out


def test_select_escapes_what_it_prints(
    events_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["select", str(events_csv), "--k", "10"]) == 0
    out = capsys.readouterr().out
    assert "\u200b" not in out
    assert "red\\u200bx" in out


def test_select_writes_no_formula_cells(events_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "chosen.csv"
    assert main(["select", str(events_csv), "--k", "10", "--out", str(out)]) == 0
    with out.open(newline="") as handle:
        users = [row["user"] for row in csv.DictReader(handle)]
    assert not any(user.startswith(("=", "+", "-", "@")) for user in users)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ([], "give --k N"),
        (["--budget", "10"], "--budget needs --cost"),
        (["--k", "2", "--out", "chosen.parquet"], "select writes .csv"),
        (["--k", "2", "--cost", "missing.csv"], "no such cost file"),
        (["--k", "0"], "'k' parameter of select"),
    ],
)
def test_select_mistakes_are_one_line_errors(
    events_csv: Path, args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["select", str(events_csv), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("influence: error: ")
    assert err.count("\n") == 1
    assert needle in err


def test_select_refuses_to_overwrite_its_inputs(
    events_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = events_csv.read_bytes()
    assert main(["select", str(events_csv), "--k", "2", "--out", str(events_csv)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert events_csv.read_bytes() == before
    costs = tmp_path / "costs.csv"
    costs.write_text("user,cost\nana,1\n", encoding="utf-8")
    args = ["select", str(events_csv), "--k", "2", "--cost", str(costs), "--out", str(costs)]
    assert main(args) == 2
    assert costs.read_text(encoding="utf-8") == "user,cost\nana,1\n"


def test_select_reads_files_with_the_input_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "messages.csv"
    path.write_text("".join(f"{i} s{i} r{i % 2}\n" for i in range(1, 9)), encoding="utf-8")
    args = ["--delimiter", " ", "--no-header", "--columns", "time=1,actor=2,target=3"]
    assert main(["select", str(path), *args, "--action", "mention", "--k", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 account reaches 4.0" in out  # too short to forecast: the coverage


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["--k", "5", "--topic", "nosuch"],
            "no event is about: 'nosuch'; allowed: ['food', 'travel']",
        ),
        (["--k", "5", "--min-score", "101"], "nobody can be chosen"),
        (["--k", "5", "--as-of", "2020-01-01"], "no event at or before as_of"),
        (["--k", "5", "--exclude", "typo"], "'typo'"),
    ],
)
def test_select_with_nobody_to_choose_or_unknown_names_is_a_one_line_error(
    events_csv: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    assert main(["select", str(events_csv), *args]) == 2
    errors = [e for e in capsys.readouterr().err.splitlines() if "error" in e]
    assert len(errors) == 1  # one line (a warning that the log is short may come too)
    assert errors[0].startswith("influence: error: ")
    assert needle in errors[0]


def test_select_shows_costs_writes_none_without_and_says_when_k_exceeds_the_candidates(
    events_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "chosen.csv"
    assert main(["select", str(events_csv), "--k", "5000", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "--k 5,000: only" in printed
    assert "accounts could be chosen" in printed
    with out.open(newline="") as handle:
        assert {row["cost"] for row in csv.DictReader(handle)} == {""}
    costs = tmp_path / "costs.csv"
    costs.write_text("user,cost\nana,100\nbo,300\n", encoding="utf-8")
    assert main(["select", str(events_csv), "--budget", "500", "--cost", str(costs)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].split()[-1] == "cost"
    assert any(line.split()[1] == "ana" and line.endswith("100.00") for line in table[2:4])


def test_select_reads_hashtags_as_topics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tags.csv"
    rows = ["time,actor,action,post,parent,text"]
    rows += [f"{i},a{i % 2},post,p{i},,{'#Travel day' if i % 2 else 'lunch'}" for i in range(6)]
    rows += [f"{10 + i},f{i},like,,p{i % 6}," for i in range(18)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["select", str(path), "--k", "2", "--topic", "travel"]) == 2
    assert "hashtags=True" in capsys.readouterr().err
    assert main(["select", str(path), "--k", "2", "--topic", "travel", "--hashtags"]) == 0
    out = capsys.readouterr().out
    assert "1 account about 'travel'" in out
    assert "overall score" in out


def test_select_a_hashtag_topic_names_its_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tags.csv"
    rows = ["time,actor,action,post,parent,text"]
    rows += [f"{i},a{i % 2},post,p{i},,{'#Travel day' if i % 2 else 'lunch'}" for i in range(6)]
    rows += [f"{10 + i},f{i},like,,p{i % 6}," for i in range(18)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    plain = ["select", str(path), "--k", "2", "--hashtags", "--topic"]
    assert main([*plain, "travel"]) == 0
    named = capsys.readouterr().out
    assert main([*plain, "#Travel"]) == 0
    assert capsys.readouterr().out == named


def test_select_spread_objective(events_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The log is too short to forecast: select maximises the coverage and says so; the
    # option reaches the library (a budget or frequency is refused before reading).
    assert main(["select", str(events_csv), "--k", "2", "--objective", "spread"]) == 0
    assert "reach" in capsys.readouterr().out
    for extra, needle in [
        (["--budget", "5", "--cost", str(events_csv)], "--objective spread takes --k"),
        (["--k", "2", "--frequency", "2"], "drop --frequency"),
        (["--k", "2", "--hops", "0"], "--hops takes"),
    ]:
        assert main(["select", str(events_csv), "--objective", "spread", *extra]) == 2
        assert needle in capsys.readouterr().err


def test_select_spread_objective_when_the_log_can_be_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "weeks.csv"
    day = 86_400
    rows = ["time,actor,action,target"]
    rows += [f"{d * day + i},f{i},like,a{i % 3}" for d in range(0, 40, 2) for i in range(12)]
    rows += [f"{d * day + 50},a{d % 3},reply,a{(d + 1) % 3}" for d in range(40)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ["select", str(path), "--k", "2", "--horizon", "10", "--objective", "spread"]
    assert main([*args, "--hops", "2"]) == 0
    printed = capsys.readouterr().out
    assert "IMM" in printed
    events = Events.read_csv(path)
    expected = select(events, 2, objective="spread", horizon_days=10, hops=2)
    assert [line.split()[1] for line in printed.splitlines()[2:4]] == list(expected.users)


def test_select_actions_read_a_log_of_its_own_action_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "higgs.csv"
    rows = ["time,actor,action,target"]
    rows += [f"{i},f{i},RT,ana" for i in range(4)] + [f"{9 + i},g{i},re,bo" for i in range(2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["select", str(path), "--k", "1"]) == 2
    assert "'RT'" in capsys.readouterr().err  # no such action without the mapping
    assert main(["select", str(path), "--k", "2", "--actions", "RT=share,RE=reply"]) == 0
    assert "2 accounts reach 6.0" in capsys.readouterr().out


@pytest.mark.filterwarnings("default::influence.campaign.ForecastWarning")
def test_a_short_log_warns_in_command_line_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from influence.datasets import synthetic

    world = synthetic(seed=0, n_users=60, days=20, curator=False, spam=False, sybils=False)
    fields = ["time", "actor", "action", "target", "post", "parent"]
    path = tmp_path / "w20.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(world.events.to_records())
    assert main(["select", str(path), "--k", "2"]) == 0
    err = capsys.readouterr().err
    assert "forecasting 10 days instead (half the span): give --horizon DAYS to choose" in err
    assert "horizon_days" not in err
