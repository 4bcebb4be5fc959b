"""A history date's evidence, scored again when first read, is bitwise what was scored."""

from __future__ import annotations

import copy
import pickle
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from _history_log import DAY, T0, long_log
from influence import Scorer, Scores
from influence.components import DistinctEngagers, Inactivity
from influence.components.base import Evidence

SCORERS = {
    "house": Scorer(),
    "trending": Scorer.trending(),
    "custom": Scorer(
        signals=[("engagers", DistinctEngagers(7))], modifiers=[("inactivity", Inactivity())]
    ),
}


def assert_bitwise(got: Scores, want: Scores) -> None:
    """Scores, parts and every part's evidence equal bit for bit."""
    assert np.array_equal(got.users.ids, want.users.ids)
    assert got.values.tobytes() == want.values.tobytes()
    assert got.part_names == want.part_names
    for name in want.part_names:
        assert got.parts[name].tobytes() == want.parts[name].tobytes()
        mine, theirs = got.evidence[name], want.evidence[name]
        assert np.asarray(mine.values).tobytes() == np.asarray(theirs.values).tobytes()
        assert mine.details.keys() == theirs.details.keys()
        for fact, value in theirs.details.items():
            assert np.array_equal(mine.details[fact], value), (name, fact)
            assert np.asarray(mine.details[fact]).dtype == np.asarray(value).dtype


class Counting:
    """Counts the scorings of windows that ``Scorer._scores`` does."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = Scorer._scores

        def counted(scorer: Scorer, *args: Any) -> Scores:
            self.calls += 1
            return original(scorer, *args)

        monkeypatch.setattr(Scorer, "_scores", counted)


@pytest.mark.parametrize("name", sorted(SCORERS))
def test_evidence_read_later_is_bitwise_what_the_date_scored(name: str) -> None:
    events, scorer = long_log(days=260, n=2_500, users=60, seed=5), SCORERS[name]
    later = scorer.history(events, start=T0 + 150 * DAY, every="23D")
    kept = scorer.history(events, start=T0 + 150 * DAY, every="23D", keep_evidence=True)
    assert len(later) >= 4
    for mine, theirs in zip(later.scores, kept.scores):
        assert_bitwise(mine, theirs)


def test_evidence_of_some_users_read_later_is_theirs() -> None:
    events = long_log(days=60, n=1_500, users=40, seed=3)
    watched = [int(events.users.ids[k]) for k in (0, 5, 7)]
    later = Scorer().history(events, every="9D", users=watched)
    kept = Scorer().history(events, every="9D", users=watched, keep_evidence=True)
    for mine, theirs in zip(later.scores, kept.scores):
        assert_bitwise(mine, theirs)
        for user in theirs.users.ids.tolist():
            assert mine.explain(user) == theirs.explain(user)


def test_a_dates_evidence_is_scored_once_and_only_when_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = long_log(days=40, n=800, users=30, seed=2)
    counting = Counting(monkeypatch)
    history = Scorer().history(events, every="5D")
    assert counting.calls == len(history)  # one scoring per date, nothing more
    history.series(int(events.users.ids[0]))
    history.delta(days=5)
    history.to_records()
    assert counting.calls == len(history)  # scores and parts need no evidence
    last = history.scores[-1]
    user = last.users.id(0)
    first = last.explain(user)
    assert counting.calls == len(history) + 1
    assert last.explain(user) == first
    assert last.evidence.keys() == set(last.part_names)
    assert counting.calls == len(history) + 1  # then kept with the date
    history.rising(n=3, days=5)  # reads the last date (kept) and the one 5 days before
    assert counting.calls == len(history) + 2


def test_some_users_of_a_date_read_later_load_only_what_they_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = long_log(days=40, n=800, users=30, seed=2)
    history = Scorer().history(events, every="10D")
    whole = Scorer().history(events, every="10D", keep_evidence=True).scores[-1]
    counting = Counting(monkeypatch)
    some = history.scores[-1].only(whole.users.ids[[1, 4]].tolist())
    assert counting.calls == 0  # slicing a date does not score it
    assert_bitwise(some, whole.only(whole.users.ids[[1, 4]].tolist()))
    assert counting.calls == 1
    assert_bitwise(history.scores[-1], whole)  # the date itself: scored once, not twice
    assert counting.calls == 1


def test_threads_reading_one_date_score_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    events = long_log(days=40, n=800, users=30, seed=2)
    history = Scorer().history(events, every="10D")
    kept = Scorer().history(events, every="10D", keep_evidence=True).scores[-1]
    counting = Counting(monkeypatch)
    date = history.scores[-1]
    with ThreadPoolExecutor(6) as pool:
        read = list(pool.map(lambda _: date.evidence, range(12)))
    assert counting.calls == 1
    for evidence in read:
        for name, ev in evidence.items():
            assert (
                np.asarray(ev.values).tobytes() == np.asarray(kept.evidence[name].values).tobytes()
            )


def test_scores_pickled_by_earlier_versions_still_load() -> None:
    scores = Scorer().score(long_log(days=20, n=300, users=20, seed=1))
    # the default pickle state of a class with slots, as earlier versions wrote it
    state = (None, {name: getattr(scores, name) for name in Scores.__slots__})
    again = Scores.__new__(Scores)
    again.__setstate__(state)
    assert_bitwise(again, scores)


def test_a_date_pickles_with_its_evidence() -> None:
    events = long_log(days=40, n=800, users=30, seed=2)
    later = Scorer().history(events, every="10D").scores[-1]
    kept = Scorer().history(events, every="10D", keep_evidence=True).scores[-1]
    again = pickle.loads(pickle.dumps(later))
    assert_bitwise(again, kept)
    assert pickle.loads(pickle.dumps(kept)).explain(kept.users.id(3)) == kept.explain(
        kept.users.id(3)
    )


def test_the_dates_hold_a_fraction_of_the_memory_without_their_evidence() -> None:
    events = long_log(days=120, n=6_000, users=400, seed=4)

    def held(keep: bool) -> int:
        tracemalloc.start()
        try:
            history = Scorer().history(events, every="2D", keep_evidence=keep)
            size, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(history) > 50
        return size

    # scores and parts (8 parts): 72 bytes per user and date, the evidence some 250 more
    assert held(False) < 0.5 * held(True)


@pytest.mark.parametrize("keep", ["yes", 1, None])
def test_keep_evidence_must_be_a_bool(keep: Any) -> None:
    events = long_log(days=20, n=300, users=20, seed=1)
    with pytest.raises(TypeError, match=r"'keep_evidence' parameter of Scorer.history must "):
        Scorer().history(events, keep_evidence=keep)


def test_a_loader_that_gives_the_wrong_number_of_parts_is_refused() -> None:
    scores = Scorer().score(long_log(days=20, n=300, users=20, seed=1))
    short = scores._replaced(evidence=lambda: (Evidence(np.zeros(len(scores)), {}),))
    with pytest.raises(RuntimeError, match=r"gave 1 parts' evidence for \d+ parts"):
        short.explain(scores.users.id(0))


def test_a_history_pickles_without_scoring_its_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    events = long_log(days=40, n=800, users=30, seed=2)
    history = Scorer().history(events, every="10D")
    kept = Scorer().history(events, every="10D", keep_evidence=True)
    some = history.scores[-1].only(kept.scores[-1].users.ids[[0, 3]].tolist())
    counting = Counting(monkeypatch)
    again, again_some = pickle.loads(pickle.dumps((history, some)))
    assert counting.calls == 0  # the dates stay unscored: their loaders pickle
    for mine, theirs in zip(again.scores, kept.scores):
        assert_bitwise(mine, theirs)
    assert counting.calls == len(history)
    assert_bitwise(again_some, kept.scores[-1].only(kept.scores[-1].users.ids[[0, 3]].tolist()))
    assert counting.calls == len(history)  # it shares the last date's loader, read already
    assert_bitwise(copy.deepcopy(history).scores[0], kept.scores[0])


def test_a_loader_that_does_not_pickle_is_read_before_pickling() -> None:
    scores = Scorer().score(long_log(days=20, n=300, users=20, seed=1))
    held = tuple(scores.evidence.values())
    lazy = scores._replaced(evidence=lambda: held)  # a lambda does not pickle
    assert_bitwise(pickle.loads(pickle.dumps(lazy)), scores)


def test_a_date_not_in_the_history_names_the_nearest_and_how_to_get_midnights() -> None:
    events = long_log(days=20, n=300, users=20, seed=1)
    history = Scorer().history(events, every="1D")
    near = history.dates[3] + 3600
    with pytest.raises(ValueError, match=r"the nearest is .*give Scorer.history an `end`"):
        history.scores_at(near)
    first = history.scores[0]
    late = next(u for u in history.users.ids.tolist() if u not in first)
    with pytest.raises(KeyError, match=rf"user '{late}' is not scored here: no event of theirs"):
        first.explain(late)
