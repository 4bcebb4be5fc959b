"""Updates stay exact when a log's answers name posts from before the state's horizon."""

from __future__ import annotations

import numpy as np
import pytest

from _mixed_log import DAY, mixed_log
from influence import Scorer
from influence.components import Activity
from influence.components.base import evidence_of


@pytest.mark.parametrize("seed", [1, 3])
def test_answers_to_posts_before_the_horizon_update_exactly(seed: int) -> None:
    # 1% of the answers name any post, one made (or answered) more than the 180-day
    # lookback before them among them: the state has dropped those rows, and a full
    # scoring must not read them either (each part reads only its lookback, posts' answers
    # included).
    events = mixed_log(seed)
    end = float(events.end or 0.0)
    cut = end - 20 * DAY
    state = Scorer().fit(events.until(cut)).update(events.select(events.time > cut).compact())
    full = Scorer().score(events)
    assert state.scores.users.ids.tolist() == full.users.ids.tolist()
    assert np.array_equal(state.scores.values, full.values)
    for name in full.parts:
        assert np.array_equal(state.scores.parts[name], full.parts[name]), name


def test_activity_reads_no_answer_before_its_lookback() -> None:
    events = mixed_log(3)
    end = float(events.end or 0.0)
    activity = Activity()
    recent = events.select(events.time > end - activity.lookback_days * DAY)
    whole = evidence_of(activity, events, end).values
    window = evidence_of(activity, recent.compact(), end).values
    at = events.users.indices(recent.compact().users.ids)
    assert np.array_equal(whole[at], window)
