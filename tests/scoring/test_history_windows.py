"""A history's windows: each equal to ``until(date).compact()`` then the lookback's rows,
and each date's scores bitwise those of ``Scorer.score`` at that date."""

from __future__ import annotations

import numpy as np
import pytest

from _mixed_log import mixed_log
from influence import Events, Scorer, Scores
from influence.events.base import COLUMNS
from influence.scoring.history import windows
from influence.scoring.history_windows import WindowCutter, first_rows

DAY = 86_400
T0 = 1_700_000_000


def cut_as_score_cuts(events: Events, when: float, first: int) -> Events:
    """The window as ``Scorer.score`` cuts the table, then the rows a history keeps: those
    from *first* on."""
    scored = events.until(when).compact()
    keep = np.arange(len(scored)) >= first
    return scored if keep.all() else scored.select(keep)


def test_first_rows_finds_the_first_row_mentioning_each_code() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(-1, 30, 200), rng.integers(-1, 30, 200)
    got = first_rows(31, 200, a, b)
    for code in range(31):
        rows = np.flatnonzero((a == code) | (b == code))
        assert got[code] == (rows[0] if rows.size else 200)


@pytest.mark.parametrize(("seed", "trust"), [(0, False), (1, True), (2, False)])
def test_each_window_is_the_table_until_its_date_compacted(seed: int, trust: bool) -> None:
    events = mixed_log(seed, trust=trust)
    assert events.report().get("exact duplicate (kept)", 0) > 0
    assert len(events.texts)
    assert len(events.topic_sets)
    assert len(events.platforms) == 2
    dates = np.linspace(float(events.time[0]) - DAY, float(events.time[-1]), 40)
    cutter = WindowCutter(events)
    spans = windows(events, dates, Scorer().lookback_days)
    assert any(first > 0 for first, _ in spans)
    assert any(first == 0 for first, _ in spans)
    for when, (first, stop) in zip(dates.tolist(), spans):
        got, want = cutter.window(first, stop), cut_as_score_cuts(events, when, first)
        assert got == want
        assert got.report() == want.report()  # the exact duplicates it holds, too
        for name in COLUMNS:
            assert getattr(got, name).dtype == getattr(want, name).dtype
        assert got.texts == want.texts
        assert got.topic_sets == want.topic_sets
        assert np.array_equal(got.posts.ids, want.posts.ids)


def test_the_whole_table_is_its_own_last_window() -> None:
    events = Events.from_records(
        [
            {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
            {"time": 5, "actor": "cy", "action": "like", "target": "ann"},
        ]
    )
    assert WindowCutter(events).window(0, 2) is events  # its memo is shared


def assert_bitwise(got: Scores, want: Scores) -> None:
    """Users, scores, parts and every array of every part's evidence bit for bit."""
    assert np.array_equal(got.users.ids, want.users.ids)
    assert got.as_of == want.as_of
    assert got.part_names == want.part_names
    np.testing.assert_array_equal(got.values, want.values, strict=True)
    for name in want.part_names:
        np.testing.assert_array_equal(got.parts[name], want.parts[name], strict=True)
        mine, theirs = got.evidence[name], want.evidence[name]
        np.testing.assert_array_equal(mine.values, theirs.values, strict=True)
        assert mine.details.keys() == theirs.details.keys()
        for fact, value in theirs.details.items():
            np.testing.assert_array_equal(mine.details[fact], value, err_msg=fact, strict=True)


@pytest.mark.parametrize(("seed", "trust"), [(3, False), (4, True)])
def test_every_date_of_a_history_is_bitwise_a_scoring_at_that_date(seed: int, trust: bool) -> None:
    events = mixed_log(seed, n=2_500, days=320, trust=trust)
    scorer = Scorer()
    history = scorer.history(events, start=float(events.time[0]) + 20 * DAY, every="23D")
    assert len(history) >= 12
    for when, scores in history:
        assert_bitwise(scores, scorer.score(events, as_of=when))


def test_a_reply_to_a_post_older_than_the_window_scores_as_score_does() -> None:
    # The post and its first like fall out of the lookback; the reply 250 days on still
    # names it. No part reads them (a post's answers count within a part's lookback), so
    # the plain window scores as the whole table does.
    day0 = {"time": T0, "actor": "ann", "action": "post", "post": "a1"}
    early = {"time": T0 + DAY, "actor": "cy", "action": "like", "target": "ann", "parent": "a1"}
    rows = [day0, early]
    rows += [  # a steady stream of others' likes, so that old rows fall out of the lookback
        {"time": T0 + d * DAY, "actor": f"fan{d % 7}", "action": "like", "target": "dee"}
        for d in range(2, 260)
    ]
    rows.append(  # a reply, 250 days on, to ann's old post
        {
            "time": T0 + 250 * DAY,
            "actor": "bob",
            "action": "reply",
            "target": "ann",
            "parent": "a1",
            "post": "b1",
        }
    )
    events = Events.from_records(rows)
    scorer = Scorer()
    dates = np.array([T0 + 240 * DAY, T0 + 255 * DAY])
    (first, _), (later, end) = windows(events, dates, scorer.lookback_days)
    assert first > 2
    assert later > 2
    cutter = WindowCutter(events)
    assert cutter.window(later, end) == events.until(float(dates[1])).compact().select(
        np.arange(end) >= later
    )
    history = scorer.history(events, start=float(dates[0]), end=float(dates[1]), every="15D")
    for when, scores in history:
        assert_bitwise(scores, scorer.score(events, as_of=when))
