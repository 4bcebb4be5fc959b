"""Id arrays in .npz files: compact for uneven text, exact round trips, memory bounded."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer, Scores
from influence.events.ids import text_array
from influence.scoring.id_files import id_arrays, id_members, read_ids
from influence.scoring.incremental import ScoringState
from influence.scoring.safe_load import npz_members

MB = 2**20


def round_trip(tmp_path: Path, ids: np.ndarray) -> np.ndarray:
    path = tmp_path / "ids.npz"
    np.savez(path, **id_arrays("users", ids))
    with zipfile.ZipFile(path) as archive:
        members = npz_members(archive)
        found = id_members(members, "users")
        assert not members
        return read_ids(archive, found)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.sets(st.text(min_size=1, max_size=12), min_size=0, max_size=30),
    long=st.integers(0, 70_000),
)
def test_text_ids_come_back_exactly(tmp_path_factory: pytest.TempPathFactory, texts: set[str],
                                    long: int) -> None:  # fmt: skip
    ids = text_array(sorted(texts | ({"\U0001f600" * long} if long else set())))
    back = round_trip(tmp_path_factory.mktemp("ids"), ids)
    assert back.tolist() == ids.tolist()
    assert back.dtype.kind == ids.dtype.kind  # held as text_array holds them


def test_even_text_and_integer_ids_keep_the_plain_layout(tmp_path: Path) -> None:
    assert set(id_arrays("users", np.array(["ann", "bob"]))) == {"users"}
    assert set(id_arrays("users", np.arange(5))) == {"users"}
    assert round_trip(tmp_path, np.arange(5)).tolist() == [0, 1, 2, 3, 4]


def uneven_records(n: int) -> list[dict[str, object]]:
    records: list[dict[str, object]] = [
        {"time": i, "actor": f"u{i}", "action": "like", "target": "ann"} for i in range(n)
    ]
    records.append({"time": n, "actor": "x" * 100_000, "action": "like", "target": "ann"})
    return records


def test_saving_and_loading_one_very_long_id_among_many_stays_small(tmp_path: Path) -> None:
    # Fixed width, 20,001 ids of up to 100,000 characters would take 8 GB.
    events = Events.from_records(uneven_records(20_000))
    assert events.users.ids.dtype.kind == "O"
    state = Scorer().fit(events)
    scores = state.scores
    tracemalloc.start()
    try:
        state.save(tmp_path / "state.npz")
        scores.save(tmp_path / "scores.npz")
        again = ScoringState.load(tmp_path / "state.npz")
        loaded = Scores.load(tmp_path / "scores.npz")
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    assert peak < 200  # scoring the state again on load dominates; 8 GB if widened
    assert (tmp_path / "state.npz").stat().st_size < 2 * MB
    assert (tmp_path / "scores.npz").stat().st_size < 4 * MB
    assert again.events.users.ids.tolist() == events.users.ids.tolist()
    assert loaded.users.ids.tolist() == scores.users.ids.tolist()
    np.testing.assert_array_equal(again.scores.values, state.scores.values)
    np.testing.assert_array_equal(loaded.values, scores.values)
