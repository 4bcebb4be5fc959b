"""Progress bars: off in tests, "auto" by size, silent without tqdm, no ipywidgets warning."""

from __future__ import annotations

import gzip
import io
import json
import sys
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from influence import Events, _progress
from influence.evaluate import predictive_validity, rolling_validity
from influence.graph import pagerank
from influence.testing import small_world, small_world_records

HEADER = "time,actor,action,target\n"
ROWS = "".join(f"{1_700_000_000 + i},u{i % 7},follow,u{(i + 1) % 7}\n" for i in range(200))


@pytest.fixture
def fresh_tqdm() -> Iterator[None]:
    """Forget the cached ``tqdm.auto`` lookup before and after the test."""
    _progress._tqdm.cache_clear()
    yield
    _progress._tqdm.cache_clear()


@pytest.fixture
def bars_on(monkeypatch: pytest.MonkeyPatch, fresh_tqdm: None) -> None:
    """Progress bars allowed (the suite turns them off) and tqdm installed."""
    pytest.importorskip("tqdm")
    monkeypatch.delenv(_progress.ENV, raising=False)


def test_the_suite_runs_without_bars() -> None:
    assert _progress.disabled_by_environment()
    assert not _progress.wanted(True, big=True, owner="test")


# ---------------------------------------------------------------------- the switch


@pytest.mark.usefixtures("bars_on")
def test_auto_shows_bars_for_big_work_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "watched", lambda: True)
    assert _progress.wanted("auto", big=True, owner="test")
    assert not _progress.wanted("auto", big=False, owner="test")
    assert _progress.wanted(True, big=False, owner="test")
    assert not _progress.wanted(False, big=True, owner="test")


@pytest.mark.usefixtures("bars_on")
def test_auto_shows_no_bar_when_nobody_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    # stderr piped to a file (cron, a log) and no Jupyter kernel: "auto" stays silent,
    # True still draws one.
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert not _progress.watched()
    assert not _progress.wanted("auto", big=True, owner="test")
    assert _progress.wanted(True, big=True, owner="test")
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert _progress.watched()  # a notebook: tqdm.auto draws a widget


@pytest.mark.usefixtures("bars_on")
@pytest.mark.parametrize(("value", "off"), [("0", True), ("false", True), (" OFF ", True),
                                            ("no", True), ("1", False), ("", False)])  # fmt: skip
def test_environment_variable(monkeypatch: pytest.MonkeyPatch, value: str, off: bool) -> None:
    monkeypatch.setenv(_progress.ENV, value)
    assert _progress.wanted(True, big=True, owner="test") is not off


@pytest.mark.parametrize("setting", ["yes", "Auto", 1, 0, None, np.bool_(True)])
def test_bad_setting(setting: object) -> None:
    with pytest.raises(ValueError, match="'progress' parameter of owner must be True, False"):
        _progress.wanted(setting, big=True, owner="owner")


@pytest.mark.parametrize(
    "call",
    [
        lambda: pagerank(sp.csr_array((2, 2)), progress="on"),  # type: ignore[arg-type]
        lambda: Events.read_csv(__file__, progress=None),  # type: ignore[arg-type]
        lambda: predictive_validity(small_world(), 1.8e9, 10, progress=2),  # type: ignore[arg-type]
        lambda: rolling_validity(small_world(), [1.8e9], 10, progress="x"),  # type: ignore[arg-type]
    ],
)
def test_public_functions_check_the_setting(call: Any) -> None:
    with pytest.raises(ValueError, match="'progress' parameter of"):
        call()


def test_disabled_costs_nothing_per_item() -> None:
    items = [1, 2, 3]
    assert _progress.progress(items, False, "x") is items  # the iterable itself
    bar = _progress.progress(10, False, "x")
    with bar as same:
        same.update(5)
        same.set_postfix_str("ok")
    assert bar is same


@pytest.mark.usefixtures("fresh_tqdm")
def test_without_tqdm_everything_is_silent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(_progress.ENV, raising=False)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import tqdm.auto now fails
    assert not _progress.wanted(True, big=True, owner="test")
    items = [1, 2]
    assert _progress.progress(items, True, "x") is items
    pagerank(sp.csr_array(np.ones((3, 3))), progress=True)
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------- bars drawn


@pytest.mark.usefixtures("bars_on")
def test_read_csv_and_jsonl_show_the_bytes_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "events.csv"
    plain.write_text(HEADER + ROWS)
    packed = tmp_path / "events.csv.gz"
    packed.write_bytes(gzip.compress((HEADER + ROWS).encode()))
    lines = tmp_path / "events.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in small_world_records()))
    quiet = Events.read_csv(plain, progress=False)
    assert capsys.readouterr().err == ""
    assert Events.read_csv(plain, progress=True) == quiet
    assert "reading events.csv" in capsys.readouterr().err
    assert Events.read_csv(packed, progress=True) == quiet
    assert "reading events.csv.gz" in capsys.readouterr().err
    assert Events.read_jsonl(lines, progress=True) == Events.read_jsonl(lines, progress=False)
    assert "reading events.jsonl" in capsys.readouterr().err
    Events.read_csv(plain)  # "auto": a small file, no bar
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("bars_on")
def test_read_csv_counts_every_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "events.csv"
    plain.write_text(HEADER + ROWS * 50)
    packed = tmp_path / "events.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    made: list[Any] = []
    original = _progress.progress

    def spy(*args: Any, **kwargs: Any) -> Any:
        bar = original(*args, **kwargs)
        made.append(bar)
        return bar

    monkeypatch.setattr(_progress, "progress", spy)
    for path in (plain, packed):
        made.clear()
        Events.read_csv(path, progress=True)
        (bar,) = made
        assert bar.n == bar.total == path.stat().st_size


@pytest.mark.usefixtures("bars_on")
def test_a_missing_file_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        Events.read_csv(tmp_path / "nope.csv", progress=True)


@pytest.mark.usefixtures("bars_on")
def test_pagerank_bar_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(0)
    graph = sp.csr_array(
        (np.ones(500), (rng.integers(0, 60, 500), rng.integers(0, 60, 500))), shape=(60, 60)
    )
    quiet = pagerank(graph, progress=False)
    assert capsys.readouterr().err == ""
    made: list[Any] = []
    original = _progress.progress

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(_progress, "progress", spy)
    loud = pagerank(graph, progress=True)
    assert np.array_equal(quiet, loud)  # bitwise
    assert "pagerank" in capsys.readouterr().err
    (bar,) = made
    assert bar.n > 1  # one step per iteration
    assert "L1 change" in bar.postfix


@pytest.mark.usefixtures("bars_on")
def test_evaluation_bars_change_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    events = small_world()
    cut = 1_700_000_000 + 12 * 86_400.0
    options: dict[str, Any] = {"metrics": ["spearman"], "baselines": ["received_count"]}
    quiet = predictive_validity(events, cut, 86_400.0 * 5, progress=False, **options)
    loud = predictive_validity(events, cut, 86_400.0 * 5, progress=True, **options)
    assert quiet.table == loud.table
    assert "predictive validity" in capsys.readouterr().err
    cuts = [cut, cut + 86_400.0]
    quiet = rolling_validity(events, cuts, 86_400.0 * 5, progress=False, **options)
    assert capsys.readouterr().err == ""
    loud = rolling_validity(events, cuts, 86_400.0 * 5, progress=True, **options)
    assert quiet.table == loud.table
    err = capsys.readouterr().err
    assert "rolling validity" in err
    assert "predictive validity" not in err  # no nested bars


# ---------------------------------------------------------------------- notebooks


def _pretend_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make tqdm believe it runs in a Jupyter kernel without ipywidgets."""
    shell = type("ZMQInteractiveShell", (), {})()
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", types.ModuleType("ipykernel.zmqshell"))
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # not installed
    for name in [m for m in sys.modules if m.split(".")[0] == "tqdm" and m != "tqdm.std"]:
        monkeypatch.delitem(sys.modules, name)  # import tqdm afresh (restored afterwards)


@pytest.mark.usefixtures("fresh_tqdm")
def test_no_warning_in_a_notebook_without_ipywidgets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tqdm")
    monkeypatch.delenv(_progress.ENV, raising=False)
    _pretend_notebook(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:  # tqdm itself warns here ...
        warnings.simplefilter("always")
        __import__("tqdm.autonotebook")
    assert any("IProgress not found" in str(w.message) for w in caught)
    _pretend_notebook(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:  # ... and influence does not
        warnings.simplefilter("always")
        assert _progress.wanted(True, big=True, owner="test")
        assert list(_progress.progress(range(3), True, "x")) == [0, 1, 2]
        pagerank(sp.csr_array(np.ones((3, 3))), progress=True)
    assert caught == []
    assert "pagerank" in capsys.readouterr().err  # a text bar instead of a widget
