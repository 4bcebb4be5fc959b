"""The command line with files: --out, --config (TOML/JSON), Parquet input, validate, errors."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from _output import leaderboard
from influence import Events, Scorer, Scores
from influence.cli import main
from influence.components import DistinctEngagers
from influence.config import dump_scorer
from influence.datasets import synthetic
from influence.evaluate import (
    predictive_validity,
    rank_stability,
    rolling_cutoffs,
    rolling_validity,
)

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
needs_pyarrow = pytest.mark.skipif(not HAS_PYARROW, reason="needs pyarrow")
DAY = 86400.0


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small generated world as JSON Lines, CSV and (with pyarrow) Parquet."""
    world = synthetic(
        seed=0, n_users=60, days=20, future_days=5, curator=False, spam=False, sybils=False,
        ring_size=5,
    )  # fmt: skip
    records = world.events.to_records()
    folder = tmp_path_factory.mktemp("cli")
    out = {"jsonl": folder / "events.jsonl", "csv": folder / "events.csv"}
    out["jsonl"].write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    fields = ["time", "actor", "action", "target", "post", "parent", "text"]
    with open(out["csv"], "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    if HAS_PYARROW:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = {f: [r.get(f) for r in records] for f in fields}
        micros = np.round(np.array(columns["time"]) * 1e6).astype(np.int64)
        columns["time"] = pa.array(micros, pa.timestamp("us", tz="UTC"))
        out["parquet"] = folder / "events.parquet"
        pq.write_table(pa.table(columns), out["parquet"])
    return out


@pytest.fixture(scope="module")
def expected(files: dict[str, Path]) -> Scores:
    return Scorer().score(Events.read_jsonl(files["jsonl"]))


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------- score --out
def test_out_csv(
    files: dict[str, Path], expected: Scores, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    code, stdout, err = _run(capsys, "score", files["csv"], "--out", out)
    assert (code, err) == (0, "")
    assert f"scores of {len(expected)} users written to {out}" in stdout
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["user", "score", *expected.part_names]
    assert [(r[0], float(r[1])) for r in rows[1:]] == list(expected.to_dict().items())


def test_out_json(
    files: dict[str, Path], expected: Scores, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    assert _run(capsys, "score", files["jsonl"], "--out", out)[0] == 0
    assert json.loads(out.read_text(encoding="utf-8")) == expected.to_records()


@pytest.mark.parametrize("suffix", [".npz", pytest.param(".parquet", marks=needs_pyarrow)])
def test_out_loadable(
    files: dict[str, Path],
    expected: Scores,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
) -> None:
    out = tmp_path / f"scores{suffix}"
    assert _run(capsys, "score", files["jsonl"], "--out", out)[0] == 0
    loaded = Scores.load(out)
    assert np.array_equal(loaded.values, expected.values)
    assert loaded.as_of == expected.as_of
    assert loaded.config == Scorer().to_config()
    best = expected.top(1)[0][0]
    assert loaded.explain(best) == expected.explain(best)


@needs_pyarrow
def test_parquet_events(
    files: dict[str, Path], expected: Scores, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "score", files["parquet"], "--top", "5")
    assert (code, err) == (0, "")
    assert [(r[1], r[2]) for r in leaderboard(out)] == [(u, f"{v:.1f}") for u, v in expected.top(5)]


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_config_file(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    scorer = Scorer(signals=[DistinctEngagers(window_days=7)], modifiers=[])
    config = tmp_path / f"scorer{suffix}"
    dump_scorer(scorer, config)
    code, out, _ = _run(capsys, "score", files["csv"], "--config", config, "--top", "3")
    assert code == 0
    mine = scorer.score(Events.read_csv(files["csv"]))
    assert [(r[1], r[2]) for r in leaderboard(out)] == [(u, f"{v:.1f}") for u, v in mine.top(3)]


def test_gzip_and_explain(
    files: dict[str, Path], expected: Scores, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packed = tmp_path / "events.jsonl.gz"
    packed.write_bytes(gzip.compress(files["jsonl"].read_bytes()))
    user = expected.top(2)[1][0]
    code, out, _ = _run(capsys, "score", packed, "--explain", user, "--top", "0")
    assert code == 0
    assert leaderboard(out) == []
    assert str(expected.explain(user)) in out


# --------------------------------------------------------------------------- validate
def test_validate(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, "validate", files["jsonl"], "--cutoff", "2026-01-15", "--horizon", "5"
    )
    assert (code, err) == (0, "")
    report = predictive_validity(Events.read_jsonl(files["jsonl"]), "2026-01-15", 5 * DAY)
    assert out == str(report) + "\n"
    assert out.startswith("Predictive validity at 2026-01-15T00:00:00Z: ")
    assert "next 5 days" in out.splitlines()[0]
    assert [line.split()[0] for line in out.splitlines()[2:]] == list(report.methods)


def test_validate_options(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "scorer.toml"
    dump_scorer(Scorer(modifiers=[]), config)
    code, out, _ = _run(
        capsys, "validate", files["csv"], "--cutoff", "2026-01-12T00:00:00Z", "--horizon", "3",
        "--config", config, "--metrics", "spearman,ndcg@10", "--baselines", "received_count",
        "--target", "engagements", "--population", "receivers", "--format", "markdown",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert "engagements received in the next 3 days" in lines[0]
    assert lines[2:4] == ["| method | spearman | ndcg@10 |", "|---|---:|---:|"]
    assert [line.split("|")[1].strip() for line in lines[4:]] == ["scorer", "received_count"]
    code, out, _ = _run(
        capsys, "validate", files["csv"], "--cutoff", "2026-01-12", "--horizon", "3",
        "--baselines", "",
    )  # fmt: skip
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["scorer"]


def test_validate_intervals(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, "validate", files["jsonl"], "--cutoff", "2026-01-15", "--horizon", "5",
        "--metrics", "spearman", "--baselines", "received_count,pagerank", "--intervals", "50",
    )  # fmt: skip
    assert (code, err) == (0, "")
    report = predictive_validity(
        Events.read_jsonl(files["jsonl"]), "2026-01-15", 5 * DAY, metrics=["spearman"],
        baselines=["received_count", "pagerank"],
    )  # fmt: skip
    tail = out.split("draws of the users):\n")[1].splitlines()
    assert tail == [
        f"  {report.compare('spearman', b, resamples=50)}" for b in ("received_count", "pagerank")
    ]
    code, _, err = _run(
        capsys, "validate", files["jsonl"], "--cutoff", "2026-01-15", "--horizon", "5",
        "--intervals", "5",
    )  # fmt: skip
    assert code == 2
    _assert_one_line(err, "--intervals", "at least 10")


def test_validate_rolling_with_stability(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "validate", files["jsonl"], "--every", "3", "--horizon", "3", "--stability",
        "--metrics", "spearman,precision@10", "--baselines", "received_count",
        "--intervals", "50",
    )  # fmt: skip
    assert (code, err) == (0, "")
    events = Events.read_jsonl(files["jsonl"])
    cutoffs = rolling_cutoffs(events, 3 * DAY, 3 * DAY)
    options: dict[str, Any] = {
        "metrics": ["spearman", "precision@10"],
        "baselines": ["received_count"],
    }
    report = rolling_validity(events, cutoffs, 3 * DAY, **options)
    stable = rank_stability(events, cutoffs, **options)
    intervals = [f"  {report.compare(m, 'received_count', resamples=50)}" for m in report.metrics]
    head, rest = out.split("\n\nscorer minus each baseline")
    assert head == str(report)
    middle, tail = rest.split("\n\n")
    assert "draws of the cut-offs):" in middle
    assert middle.splitlines()[1:] == intervals
    assert tail == str(stable) + "\n"


def test_validate_rolling_mistakes_are_one_line_errors(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys, "validate", files["jsonl"], "--every", "6", "--horizon", "6", "--intervals", "50"
    )
    assert code == 2
    _assert_one_line(err, "--intervals", "at least 5", "--every 6 gives 2")
    code, _, err = _run(
        capsys, "validate", files["jsonl"], "--cutoff", "2026-01-15", "--horizon", "4",
        "--stability",
    )  # fmt: skip
    assert code == 2
    _assert_one_line(err, "--stability needs rolling cut-offs")


def test_validate_stability_reports_rank_metrics_by_default(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "validate", files["jsonl"], "--every", "4", "--horizon", "4", "--stability",
        "--format", "markdown",
    )  # fmt: skip
    assert (code, err) == (0, "")
    stability = out.split("Rank stability")[1].splitlines()
    assert "| method | spearman | precision@100 |" in stability
    # the rank metrics among --metrics; NDCG is for prediction only
    for chosen, shown in (("spearman,ndcg@10", "| spearman |"), ("ndcg@10", "| spearman |")):
        code, out, err = _run(
            capsys, "validate", files["jsonl"], "--every", "4", "--horizon", "4", "--stability",
            "--metrics", chosen, "--format", "markdown",
        )  # fmt: skip
        assert (code, err) == (0, "")
        assert shown in out.split("Rank stability")[1]
        assert "ndcg" not in out.split("Rank stability")[1]


def test_validate_warns_in_one_line_when_the_horizon_outruns_the_data(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "validate", files["jsonl"], "--cutoff", "2026-01-15", "--horizon", "400",
        "--metrics", "spearman",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("Predictive validity at 2026-01-15T00:00:00Z: ")
    assert err.startswith("influence: warning: the horizon ends at "), err
    assert err.count("\n") == 1, err
    assert "after the last event" in err


# --------------------------------------------------------------------------- errors
def _assert_one_line(err: str, *needles: str) -> None:
    assert err.startswith("influence: error: "), err
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.fixture
def bad(tmp_path: Path) -> dict[str, Path]:
    """Files with one mistake each."""
    paths = {
        "nocol.csv": "time,actor\n1,ann\n",
        "badtime.csv": "time,actor,action,target\n1,ann,like,bob\nsoon,bob,like,ann\n",
        "badjson.jsonl": '{"time": 1, "actor": "a", "action": "like", "target": "b"}\n{oops\n',
        "events.txt": "hello\n",
        "good.csv": "time,actor,action,target\n1,ann,like,bob\n2,bob,like,ann\n",
        "bad.toml": "[[signals]\n",
        "unknown.toml": '[[signals]]\ntype = "klout"\n',
        "params.toml": '[[signals]]\ntype = "engagement"\nparams = { colour = 1 }\n',
        "scorer.yaml": "signals: []\n",
        "broken.json": "{",
    }
    out = {}
    for name, text in paths.items():
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    out["binary.csv"] = tmp_path / "binary.csv"
    out["binary.csv"].write_bytes(b"time,actor\xff\xfe\n")
    out["bad.csv.gz"] = tmp_path / "bad.csv.gz"
    out["bad.csv.gz"].write_bytes(b"not gzip")
    out["bad.parquet"] = tmp_path / "bad.parquet"
    out["bad.parquet"].write_bytes(b"not parquet")
    out["dir"] = tmp_path
    return out


ERRORS: list[tuple[list[str], tuple[str, ...]]] = [
    (["score", "{absent}/none.csv"], ("no such file", "none.csv")),
    (["score", "{dir}"], ("not a file",)),
    (["score", "{events.txt}"], ("events.txt", "unknown format", ".parquet")),
    (["score", "{nocol.csv}"], ("nocol.csv", "required column", "'action'")),
    (["score", "{badtime.csv}"], ("badtime.csv", "line 3", "'time'", "'soon'")),
    (["score", "{badjson.jsonl}"], ("badjson.jsonl", "line 2", "invalid JSON")),
    (["score", "{binary.csv}"], ("binary.csv", "not UTF-8")),
    (["score", "{bad.csv.gz}"], ("bad.csv.gz", "gzip")),
    (["score", "{good.csv}", "--config", "{absent}/s.toml"], ("no such file", "s.toml")),
    (["score", "{good.csv}", "--config", "{bad.toml}"], ("bad.toml", "invalid TOML", "line 1")),
    (["score", "{good.csv}", "--config", "{unknown.toml}"], ("unknown component 'klout'",)),
    (["score", "{good.csv}", "--config", "{params.toml}"], ("params.toml", "colour")),
    (["score", "{good.csv}", "--config", "{scorer.yaml}"], ("unknown configuration format",)),
    (["score", "{good.csv}", "--config", "{broken.json}"], ("broken.json", "invalid JSON")),
    (["score", "{good.csv}", "--as-of", "tuesday"], ("--as-of", "'tuesday'")),
    (["score", "{good.csv}", "--top", "-3"], ("--top", "-3")),
    (["score", "{good.csv}", "--out", "{dir}/s.xlsx"], ("unknown output format '.xlsx'",)),
    (["score", "{good.csv}", "--out", "{absent}/s.csv"], ("no such directory",)),
    (["score", "{good.csv}", "--explain", "zed"], ("'zed'", "not in the scored data")),
    (["validate", "{good.csv}", "--cutoff", "later", "--horizon", "1"], ("--cutoff", "'later'")),
    (["validate", "{good.csv}", "--horizon", "1"], ("either --cutoff", "--every")),
    (["validate", "{good.csv}", "--cutoff", "1", "--every", "1", "--horizon", "1"], ("either",)),
    (["validate", "{good.csv}", "--cutoff", "1", "--horizon", "1", "--stability"], ("--every",)),
    (["validate", "{good.csv}", "--every", "0", "--horizon", "1"], ("--every", "positive")),
    (["validate", "{good.csv}", "--every", "900", "--horizon", "1"], ("too short",)),
    (["validate", "{good.csv}", "--cutoff", "1", "--horizon", "0"], ("--horizon", "positive")),
    (["validate", "{good.csv}", "--cutoff", "0", "--horizon", "1"], ("no events at or before",)),
    (["validate", "{good.csv}", "--cutoff", "1", "--horizon", "1", "--metrics", "auc"], ("'auc'",)),
    (
        ["validate", "{good.csv}", "--cutoff", "1", "--horizon", "1", "--metrics", ","],
        ("--metrics",),
    ),
    (["validate", "{good.csv}", "--cutoff", "1", "--horizon", "1", "--baselines", "x"], ("'x'",)),
    (["validate", "{nocol.csv}", "--cutoff", "1", "--horizon", "1"], ("required column",)),
]


@pytest.mark.parametrize(("args", "needles"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_user_errors(
    bad: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    needles: tuple[str, ...],
) -> None:
    names = {k: str(v) for k, v in bad.items()}
    names["absent"] = str(tmp_path / "absent")
    filled = []
    for arg in args:
        for key, value in names.items():
            arg = arg.replace("{" + key + "}", value)
        filled.append(arg)
    code, out, err = _run(capsys, *filled)
    assert code == 2
    assert out == ""
    _assert_one_line(err, *needles)


@needs_pyarrow
def test_parquet_errors(
    bad: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    code, _, err = _run(capsys, "score", bad["bad.parquet"])
    assert code == 2
    _assert_one_line(err, "bad.parquet", "not a readable Parquet file")
    nocol = tmp_path / "nocol.parquet"
    pq.write_table(pa.table({"time": [1.0], "actor": ["ann"]}), nocol)
    code, _, err = _run(capsys, "score", nocol)
    _assert_one_line(err, "nocol.parquet", "required column", "'action'")
    badrow = tmp_path / "badrow.parquet"
    table = {"time": [1, 2], "actor": ["ann", "bob"], "action": ["like", "poke"],
             "target": ["bob", "ann"]}  # fmt: skip
    pq.write_table(pa.table(table), badrow)
    code, _, err = _run(capsys, "score", badrow)
    _assert_one_line(err, "badrow.parquet", "row 2", "'poke'")  # rows counted from 1
    code, out, _ = _run(capsys, "score", badrow, "--skip-bad-rows")
    assert code == 0
    assert "1 row set aside: {'unknown action': 1}" in out


def test_missing_pyarrow(
    bad: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    code, _, err = _run(capsys, "score", bad["bad.parquet"])
    assert code == 2
    _assert_one_line(err, "needs pyarrow", "pip install pyarrow")
    code, _, err = _run(capsys, "score", bad["good.csv"], "--out", bad["dir"] / "s.parquet")
    assert code == 2
    _assert_one_line(err, "needs pyarrow")


def test_missing_toml_reader(
    bad: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    code, _, err = _run(capsys, "score", bad["good.csv"], "--config", bad["bad.toml"])
    assert code == 2
    _assert_one_line(err, "pip install tomli")


def test_errors_through_python_m(bad: dict[str, Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "influence", "score", str(bad["badtime.csv"]), "--top", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    _assert_one_line(result.stderr, "line 3")


def test_messages_are_kept_on_one_line() -> None:
    from influence.cli import _one_line

    assert _one_line(ValueError("first\n  second\r\nthird")) == "first second third"
    assert _one_line(ValueError("kept  spacing")) == "kept  spacing"
    assert _one_line(OSError()) == "OSError"


def test_a_reader_that_goes_away_stops_the_output_quietly(tmp_path: Path) -> None:
    # `influence score ... | head -1`: the pipe closes; no error line, the exit of SIGPIPE.
    path = tmp_path / "many.csv"
    rows = [f"{i},u{i},mention,u{(i * 7) % 30000}" for i in range(30000)]
    path.write_text("time,actor,action,target\n" + "\n".join(rows) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "influence", "score", str(path), "--top", "30000"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        process.stdout.close()  # as `head -1` does
        _, err = process.communicate(timeout=120)
    assert first.split() == [b"rank", b"user", b"score"]
    assert err == b""
    assert process.returncode == 128 + 13
