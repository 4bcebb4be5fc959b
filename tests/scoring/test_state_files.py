"""A saved scoring state is read back only when every array is what the layout says."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from _scorings import counted_scorings
from influence import Events, Scorer, ScoringState
from influence.scoring.state_files import read_state
from influence.testing import small_world_records


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    events = Events.from_records([
        {"time": 0, "actor": "ann", "action": "post", "post": "p1", "text": "hi"},
        {"time": 60, "actor": "bob", "action": "like", "parent": "p1", "target": "ann"},
    ])  # fmt: skip
    path = tmp_path / "state.npz"
    Scorer().fit(events).save(path)
    return path


def rewrite(path: Path, key: str, array: np.ndarray) -> None:
    """*path* with the member *key* replaced by *array*."""
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            if name == f"{key}.npy":
                with archive.open(name, "w") as handle:
                    np.lib.format.write_array(handle, array, allow_pickle=False)
            else:
                archive.writestr(name, data)


def test_round_trip(saved: Path) -> None:
    back = read_state(saved)
    assert len(back.events) == 2
    assert back.seen.tolist() == ["ann", "bob"]
    assert ScoringState.load(saved).scores["ann"] > 0


@pytest.mark.parametrize(
    ("key", "array", "message"),
    [
        ("actor", np.array([0, 7], dtype=np.int32), "outside its lookup table"),
        ("time", np.array([0.0]), "shape"),
        ("action", np.array([0.5, 1.5]), "dtype"),
        ("seen", np.array(["bob", "ann"]), "sorted and unique"),
        ("time", np.array([60.0, 0.0]), "do not come back as they were written"),
    ],
)
def test_damaged_arrays_are_refused(saved: Path, key: str, array: np.ndarray, message: str) -> None:
    rewrite(saved, key, array)
    with pytest.raises(ValueError, match=message):
        ScoringState.load(saved)


def test_an_unknown_scorer_class_is_not_imported(saved: Path) -> None:
    meta = str(np.load(saved, allow_pickle=False)["meta"][()])
    rewrite(saved, "meta", np.array(meta.replace("influence.scoring.scorer.Scorer", "os.system")))
    with pytest.raises(ValueError, match=r"'os\.system', which is not imported"):
        ScoringState.load(saved)


def test_not_a_state(tmp_path: Path) -> None:
    path = tmp_path / "junk.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a saved scoring state"):
        ScoringState.load(path)
    with pytest.raises(ValueError, match=r"saved as \.npz"):
        Scorer().fit(Events.empty(), as_of=0).save(tmp_path / "state.pkl")


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        ScoringState.load(tmp_path / "nope.npz")


def test_a_state_with_one_very_long_id_saves_and_loads(tmp_path: Path) -> None:
    long = "x" * 20_000
    records = [
        {"time": i, "actor": f"u{i}", "action": "like", "target": "ann"} for i in range(3000)
    ]
    records.append({"time": 3000, "actor": long, "action": "like", "target": "ann"})
    state = Scorer().fit(Events.from_records(records))
    assert state.events.users.ids.dtype.kind == "O"  # held as Python strings
    path = tmp_path / "state.npz"
    state.save(path)
    again = ScoringState.load(path)
    assert again.events.users.ids.dtype.kind == "O"
    assert again.events.users.index(long) == state.events.users.index(long)
    np.testing.assert_array_equal(again.scores.values, state.scores.values)


def test_a_loaded_state_scores_when_its_scores_are_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = Scorer().fit(Events.from_records(small_world_records(seed=2)))
    state.save(tmp_path / "state.npz")
    calls = counted_scorings(monkeypatch)
    again = ScoringState.load(tmp_path / "state.npz")
    assert calls == []
    assert again.scores.to_dict() == state.scores.to_dict()
    assert again.scores is again.scores
    assert calls == [state.as_of]


@pytest.mark.parametrize(
    "ids",
    [
        ["ann", "bob", "cy"],  # plain text: handed over as one vocabulary, no id judged
        ["ann smith", "zoë", "x\u00a0y"],  # text that must be judged, id by id
        [7, 12, 2**40],  # integers, exact in float64: handed over as the ids themselves
        [7, 12, 2**60],  # integers beyond 2**53: judged id by id
        ["007", "12", "-3"],  # text that looks numeric
    ],
)
def test_a_state_comes_back_equal_whatever_its_ids(tmp_path: Path, ids: list[object]) -> None:
    a, b, c = ids
    events = Events.from_records([
        {"time": 0, "actor": a, "action": "post", "post": f"{a}-1", "text": "hi"},
        {"time": 60, "actor": b, "action": "like", "parent": f"{a}-1", "target": a},
        {"time": 90, "actor": c, "action": "reply", "parent": f"{a}-1", "post": 5, "target": a},
        {"time": 95, "actor": a, "action": "mention", "target": c, "topics": ["ai"]},
    ])  # fmt: skip
    state = Scorer().fit(events)
    path = tmp_path / "state.npz"
    state.save(path)
    back = ScoringState.load(path)
    assert back.events == state.events
    assert back.events.users.ids.tolist() == state.events.users.ids.tolist()
    assert back.events.posts.ids.tolist() == state.events.posts.ids.tolist()
    np.testing.assert_array_equal(back.scores.values, state.scores.values)


def test_which_text_ids_need_no_judging() -> None:
    from influence.events.coded import plain_ids

    assert plain_ids(np.array(["ann", "bob", "u-12"]))
    assert not plain_ids(np.array(["12", "7"]))  # every id an integer: judged
    assert not plain_ids(np.array(["bob", "ann"]))  # not sorted
    assert not plain_ids(np.array(["ann", "ann"]))  # not distinct
    assert not plain_ids(np.array(["ann", "b b"]))  # a space
    assert not plain_ids(np.array(["ann", "zoë"]))  # not ASCII
    assert not plain_ids(np.array(["", "ann"]))  # empty
    assert not plain_ids(np.array(["a\x00b", "c"]))  # a NUL inside
    assert not plain_ids(np.zeros(0, dtype="<U1"))
