"""A fitted scoring state updated with new events scores as scoring all the events does."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influence import Events, Scorer, Scores, ScoringState
from influence._time import DAY, TimeScale
from influence.components import (
    Activity,
    Authenticity,
    Authority,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Momentum,
    Reciprocity,
    TopicPosters,
)
from influence.components.house import house_parts
from influence.datasets import load_collegemsg, synthetic
from influence.events.append import COMPACT, follows
from influence.scoring import incremental

COLLEGEMSG = Path("/work/shared/data/collegemsg/CollegeMsg.txt")

#: A short time scale, so that a small log is several lookbacks long (10 to 14 days kept).
SHORT = {"half_life_days": 2.0, "window_days": 7.0}


def every_component() -> Scorer:
    """Every built-in component in one scorer, on the short time scale."""
    credibility = Credibility(**SHORT)
    return Scorer(
        signals=[
            Engagement(**SHORT),
            Activity(**SHORT),
            Longevity(**SHORT),
            DistinctEngagers(window_days=7.0),
            Momentum(half_life_days=0.5, window_days=3.0),
            Authority(**SHORT),
            TopicPosters(window_days=7.0),
        ],
        discounts=[Reciprocity(**SHORT), credibility],
        modifiers=[Inactivity(history_days=10.0), Authenticity(credibility)],
    )


def house_short() -> Scorer:
    """The house scorer on the short time scale, its inactivity reading 10 days."""
    signals, discounts, modifiers = house_parts(TimeScale(**SHORT))
    authenticity = dict(modifiers)["authenticity"]
    modifiers = (("inactivity", Inactivity(history_days=10.0)), ("authenticity", authenticity))
    return Scorer(signals=signals, discounts=discounts, modifiers=modifiers)


SCORERS: dict[str, Callable[[], Scorer]] = {
    "house-short": house_short,
    "every-component": every_component,
}


@pytest.fixture(scope="module")
def log() -> Events:
    """Forty days of a small generated world (every attack and twin on)."""
    return synthetic(3, n_users=60, days=40, curator=False, spam=False, topics=2).events


def assert_same(got: Scores, want: Scores) -> None:
    """Bit for bit: the users, scores, parts and every part's evidence."""
    assert np.array_equal(got.users.ids, want.users.ids)
    assert got.as_of == want.as_of
    assert np.array_equal(got.values, want.values)
    assert got.part_names == want.part_names
    for name in want.part_names:
        assert np.array_equal(got.parts[name], want.parts[name]), name
        mine, theirs = got.evidence[name], want.evidence[name]
        assert np.array_equal(mine.values, theirs.values), name
        assert mine.details.keys() == theirs.details.keys(), name
        for key in theirs.details:
            assert np.array_equal(mine.details[key], theirs.details[key]), (name, key)


def days_of(events: Events, first: float, last: float) -> Events:
    """The events in ``(start + first days, start + last days]``."""
    assert events.start is not None
    t = events.time - events.start
    return events.select((t > first * DAY) & (t <= last * DAY))


@pytest.mark.parametrize("name", SCORERS)
def test_daily_updates_equal_full_scoring(log: Events, name: str) -> None:
    scorer = SCORERS[name]()
    assert log.start is not None
    state = scorer.fit(log.until(log.start + 20 * DAY))
    for day in range(24, 41, 4):
        when = log.start + day * DAY
        state = state.update(days_of(log, day - 4, day), as_of=when)
        assert_same(state.scores, scorer.score(log, as_of=when))
        assert len(state.events) == 0 or state.events.time[0] > state.horizon
    assert len(state.events) < len(log.until(state.as_of))  # something was dropped


@pytest.mark.parametrize("preset", ["house", "trending"])
def test_the_presets_over_their_whole_lookback(preset: str) -> None:
    # The presets keep 180 days: a log longer than that drops its oldest events.
    world = synthetic(5, n_users=40, days=200, curator=False, spam=False, ring_size=10)
    events = world.events
    scorer = Scorer.house() if preset == "house" else Scorer.trending()
    assert events.start is not None
    assert scorer.lookback_days == 180
    state = scorer.fit(events.until(events.start + 185 * DAY))
    for first, day in ((185, 190), (190, 200)):
        state = state.update(days_of(events, first, day), as_of=events.start + day * DAY)
        assert_same(state.scores, scorer.score(events, as_of=state.as_of))
    assert state.events.start is not None
    assert state.events.start > events.start + 19 * DAY


@pytest.mark.skipif(not COLLEGEMSG.exists(), reason="needs /work/shared/data/collegemsg")
def test_a_real_log() -> None:
    events = load_collegemsg(COLLEGEMSG)
    assert events.start is not None
    scorer = Scorer.house(half_life_days=7, window_days=21)
    state = scorer.fit(events.until(events.start + 60 * DAY))
    for day in (61, 75, 120):
        state = state.update(days_of(events, state.as_of / DAY - events.start / DAY, day))
        want = scorer.score(events.until(events.start + day * DAY), as_of=state.as_of)
        assert_same(state.scores, want)


def test_fit_scores_as_score_does(log: Events) -> None:
    scorer = Scorer()
    assert_same(scorer.fit(log).scores, scorer.score(log))
    assert_same(ScoringState.fit(scorer, log, 1e9).scores, scorer.score(log, as_of=1e9))


# --------------------------------------------------------------------------- properties
@st.composite
def batches(draw: Any) -> tuple[int, list[float], int]:
    seed = draw(st.integers(0, 3))
    cuts = sorted(draw(st.lists(st.floats(21.0, 39.0), min_size=1, max_size=3)))
    return seed, cuts, draw(st.integers(0, 2**31))


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches())
def test_chunks_one_update_and_full_scoring_agree(
    log: Events, drawn: tuple[int, list[float], int]
) -> None:
    _, cuts, shuffle = drawn
    scorer = house_short()
    assert log.start is not None
    end = log.start + 40 * DAY
    base = scorer.fit(log.until(log.start + 20 * DAY))
    chunked = base
    for first, last in zip([20.0, *cuts], [*cuts, 40.0]):
        chunked = chunked.update(days_of(log, first, last))
    chunked = chunked.update(Events.empty(), as_of=end)
    # One batch, built from its rows in another order.
    records = days_of(log, 38, 40).to_records()
    order = np.random.default_rng(shuffle).permutation(len(records))
    shuffled = Events.from_records([records[i] for i in order])
    assert shuffled == Events.from_records(records)
    once = base.update(days_of(log, 20, 38)).update(shuffled, as_of=end)
    whole = Events.concat([log.until(end - 2 * DAY), shuffled])
    assert_same(once.scores, scorer.score(whole, as_of=end))
    want = scorer.score(log, as_of=end)
    assert_same(chunked.scores, want)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.floats(0.0, 30.0))
def test_an_empty_batch_only_moves_the_time(log: Events, later: float) -> None:
    scorer = house_short()
    state = scorer.fit(log.until(log.start + 30 * DAY))  # type: ignore[operator]
    assert state.update(Events.empty()) is state
    assert state.update(Events.empty(), as_of=state.as_of) is state
    moved = state.update(Events.empty(), as_of=state.as_of + later * DAY)
    assert_same(moved.scores, scorer.score(log.until(state.as_of), as_of=moved.as_of))


def test_update_leaves_the_state_and_the_events_as_they_were(log: Events) -> None:
    scorer = house_short()
    state = scorer.fit(log.until(log.start + 30 * DAY))  # type: ignore[operator]
    before = state.scores.values.copy()
    new = days_of(log, 30, 40)
    columns = new.time.copy()
    state.update(new)
    assert np.array_equal(state.scores.values, before)
    assert np.array_equal(new.time, columns)


# --------------------------------------------------------------------------- errors
def test_events_behind_the_horizon_are_refused(log: Events) -> None:
    scorer = house_short()
    assert log.start is not None
    state = scorer.fit(log.until(log.start + 30 * DAY), as_of=log.start + 32 * DAY)
    assert state.horizon == state.as_of - 14 * DAY
    with pytest.raises(ValueError, match=r"'new_events' .* horizon .*lookback_days=14"):
        state.update(days_of(log, 10, 40))
    late = days_of(log, 30, 35)  # after the horizon, some before as_of: welcome
    assert_same(state.update(late).scores, scorer.score(log.until(log.start + 35 * DAY)))


def test_time_only_moves_forward(log: Events) -> None:
    state = house_short().fit(log)
    with pytest.raises(ValueError, match=r"'as_of' .* at or after"):
        state.update(Events.empty(), as_of=state.as_of - 1.0)
    with pytest.raises(TypeError, match="'new_events'"):
        state.update(log.to_records())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'as_of'"):
        Scorer().fit(Events.empty())


# --------------------------------------------------------------------------- third parties
def visits(events: Events, *, as_of: float) -> np.ndarray:
    """A plain function that declares no lookback: it reads all history."""
    return np.bincount(events.target[events.target >= 0], minlength=events.n_users).astype(
        np.float64
    )


def test_a_component_that_reads_all_history_keeps_every_event(log: Events) -> None:
    scorer = Scorer(signals=[visits], discounts=[], modifiers=[])
    state = scorer.fit(log.until(log.start + 20 * DAY))  # type: ignore[operator]
    assert math.isinf(state.lookback_days)
    assert state.horizon == -math.inf
    state = state.update(days_of(log, 20, 40))
    assert len(state.events) == len(log)
    assert_same(state.scores, scorer.score(log))
    with pytest.raises(ValueError, match="not registered"):
        state.save(Path("unused.npz"))


# --------------------------------------------------------------------------- files
def test_saved_and_loaded_without_pickle(log: Events, tmp_path: Path) -> None:
    scorer = every_component()
    state = scorer.fit(log.until(log.start + 30 * DAY))  # type: ignore[operator]
    path = tmp_path / "state.npz"
    state.save(path)
    with np.load(path, allow_pickle=False) as archive:  # every member reads without pickle
        assert "time" in archive.files
        assert "seen" in archive.files
    again = ScoringState.load(path)
    assert again.scorer == scorer
    assert again.as_of == state.as_of
    assert again.events == state.events
    assert np.array_equal(again.seen, state.seen)
    assert_same(again.scores, state.scores)
    new = days_of(log, 30, 40)
    assert_same(again.update(new).scores, state.update(new).scores)


def test_memory_is_bounded_by_the_lookback(log: Events) -> None:
    scorer = house_short()
    state = scorer.fit(log.until(log.start + 20 * DAY))  # type: ignore[operator]
    sizes = []
    for day in range(22, 41, 2):
        state = state.update(days_of(log, day - 2, day))
        sizes.append(len(state.events))
        kept = log.until(state.as_of)
        assert len(state.events) == int((kept.time > state.horizon).sum())
    assert state.nbytes > 0
    assert max(sizes) < len(log)


def test_a_batch_sent_again_counts_twice_unless_deduped(log: Events) -> None:
    scorer = house_short()
    assert log.start is not None
    first, batch = log.until(log.start + 30 * DAY), days_of(log, 30, 32)
    when = log.start + 32 * DAY
    once = scorer.fit(first).update(batch, as_of=when)
    assert_same(once.scores, scorer.score(log, as_of=when))
    # A retry without dedupe: its posts would be created twice, which is refused.
    with pytest.raises(ValueError, match="created in more than one of the tables"):
        once.update(batch, as_of=when)
    # Likes alone count twice, as two copies of them in a log would.
    likes = batch.select(batch.action == batch.action[batch.post < 0][0])
    twice = once.update(likes, as_of=when)
    assert len(twice.events) == len(once.events) + len(likes)
    assert_same(twice.scores, scorer.score(Events.concat([log, likes]), as_of=when))
    # With dedupe, the retry changes nothing (the log has no exact duplicates of its own).
    retried = once.update(batch, as_of=when, dedupe=True)
    assert len(retried.events) == len(once.events)
    assert_same(retried.scores, once.scores)
    with pytest.raises(TypeError, match="'dedupe' parameter"):
        once.update(batch, dedupe="yes")  # type: ignore[arg-type]


def test_dedupe_scores_as_the_log_read_with_dedupe() -> None:
    like = {"action": "like", "target": "ann"}
    rows = [{"time": t * 3600, "actor": f"u{t % 5}", **like} for t in range(30)]
    rows.append(dict(rows[-1]))  # the same like twice in one second
    scorer = Scorer()
    state = scorer.fit(Events.from_records(rows[:20])).update(
        Events.from_records(rows[20:]), dedupe=True
    )
    want = scorer.score(Events.from_records(rows, dedupe=True))
    assert_same(state.scores, want)


# --------------------------------------------------------------------------- the append path
@pytest.mark.parametrize("late", [False, True])
def test_a_day_tied_with_the_latest_event_with_newcomers_and_replies(
    log: Events, late: bool
) -> None:
    # A day that starts at the kept events' latest time (a tie across the boundary) with a
    # new user, a reply to an old post and a copy of the latest event is appended without
    # sorting the kept events again (influence.events.append); a day with an event an hour
    # before the latest (late, after the horizon) through the general sort. Both score as
    # building the log from all its rows at once.
    scorer = house_short()
    assert log.start is not None
    first = log.until(log.start + 20 * DAY)
    state = scorer.fit(first)
    assert COMPACT in state.events.memo  # the next append knows it mentions every id
    latest = state.events.end
    assert latest is not None
    made = np.flatnonzero(first.post >= 0)[0]
    parent, author = first.posts.id(int(first.post[made])), first.users.id(int(first.actor[made]))
    extra = [
        {
            "time": latest - (3600.0 if late else 0.0),
            "actor": "newcomer",
            "action": "like",
            "target": author,
        },
        {
            "time": latest + 60.0,
            "actor": "newcomer",
            "action": "reply",
            "post": "brand new post",
            "parent": parent,
            "target": author,
        },
        state.events.to_records()[-1],  # an exact copy of the latest event
    ]
    records = days_of(log, 20, 24).to_records() + extra
    batch = Events.from_records(records)
    answers: list[bool] = []

    def spy(tables: list[Events], maps: Any) -> bool:
        answer = follows(tables, maps)
        if tables[0] is state.events:
            answers.append(answer)
        return answer

    with patch.dict(incremental.concat.__globals__, {"follows": spy}):
        updated = state.update(batch)
    assert answers == [not late]
    assert COMPACT in updated.events.memo
    whole = Events.from_records(first.to_records() + records)
    assert_same(updated.scores, scorer.score(whole, as_of=updated.as_of))
    assert whole.report() == Events.concat([first, batch]).report()


def test_dedupe_is_checked_even_for_an_empty_batch() -> None:
    state = Scorer().fit(synthetic(0, n_users=40, days=10).events)
    with pytest.raises(TypeError, match=r"'dedupe' parameter of ScoringState\.update"):
        state.update(Events.empty(), dedupe="yes")  # type: ignore[arg-type]


def test_a_mistyped_year_warns_that_the_state_would_move_past_everything() -> None:
    from influence import FarFutureWarning

    log = synthetic(0, n_users=40, days=10).events
    state = Scorer().fit(log)
    end = float(log.end or 0.0)
    typo = Events.from_records(
        [
            {"time": end + 60.0, "actor": "u00001", "action": "like", "target": "u00002"},
            {"time": "2206-02-10T01:00:00Z", "actor": "u00003", "action": "like",
             "target": "u00002"},
        ]
    )  # fmt: skip
    with pytest.warns(FarFutureWarning, match=r"default as_of is 2206-02-10.*Pass as_of=") as got:
        state.update(typo)
    assert got[0].filename == __file__  # the caller's line, not the library's
    state.update(typo, as_of=end + 120.0)  # an explicit as_of: no warning
