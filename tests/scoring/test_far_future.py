"""The default as_of and far-future rows: the scorer warns, names the rows, and as_of fixes it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from influence import Events, FarFutureWarning, Scorer
from influence.evaluate import Ratings, rolling_cutoffs, signed_rank_report
from influence.events.outliers import scan
from influence.events.timeparse import format_time, to_epoch
from influence.graph import to_networkx

DAY = 86_400.0
START = to_epoch("2024-05-01T00:00:00Z")
FAR = to_epoch("2206-01-01T00:00:00Z")
ACTIONS = ("like", "share", "reply", "mention")


def community(seed: int = 0, n: int = 600, users: int = 40, days: float = 30.0) -> dict:
    """Columns of a month of likes, shares, replies and mentions among *users* people."""
    rng = np.random.default_rng(seed)
    actor = rng.integers(0, users, n)
    target = (actor + rng.integers(1, users, n)) % users
    return {
        "time": START + rng.uniform(0, days * DAY, n),
        "actor": np.array([f"user{k:02d}" for k in actor]),
        "action": np.array(ACTIONS)[rng.integers(0, 4, n)],
        "target": np.array([f"user{k:02d}" for k in target]),
    }


def with_rows(columns: dict, rows: list[tuple[float, str, str, str]]) -> Events:
    time, actor, action, target = (np.array(c) for c in zip(*rows)) if rows else [[]] * 4
    return Events.from_arrays(
        time=np.r_[columns["time"], time],
        actor=np.r_[columns["actor"], actor],
        action=np.r_[columns["action"], action],
        target=np.r_[columns["target"], target],
    )


BOGUS = [(FAR, "bogus", "like", "mallory")]


def test_a_row_dated_2206_warns_and_names_the_row() -> None:
    events = with_rows(community(), BOGUS)
    with pytest.warns(FarFutureWarning) as caught:
        scores = Scorer().score(events)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert caught[0].filename == __file__  # points at the caller of score
    assert "the default as_of is 2206-01-01T00:00:00Z" in message
    assert "2206-01-01T00:00:00Z 'bogus' like 'mallory'" in message
    end = format_time(float(events.time[-2]))
    assert f"Pass as_of={end!r} (--as-of on the command line)" in message
    # The harm the warning is about: every real user scores 0 and the bogus target leads.
    assert scores.top(1)[0][0] == "mallory"
    assert max(scores[f"user{k:02d}"] for k in range(40)) == 0.0


def test_as_of_silences_it_and_real_users_score_as_without_the_row() -> None:
    columns = community()
    clean = Scorer().score(with_rows(columns, []))
    events = with_rows(columns, BOGUS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fixed = Scorer().score(events, as_of=scan(events).end)
    assert fixed.as_of == clean.as_of
    assert fixed.to_dict() == clean.to_dict()
    assert "mallory" not in fixed
    assert max(clean.values) > 0


def test_a_genuine_returner_is_scored_without_a_word() -> None:
    # Good twin: a log of a year, quiet for the last 100 days but for one user who comes
    # back. filterwarnings = error: a warning would fail the test.
    columns = community(n=3_000, days=365)
    back = float(columns["time"].max()) + 100 * DAY
    events = with_rows(columns, [(back, "user07", "reply", "user03")])
    scores = Scorer().score(events)
    assert scores.as_of == back
    assert scores["user03"] > 0


def test_other_defaults_from_the_data_warn_too() -> None:
    columns = community()
    events = with_rows(columns, BOGUS)
    with pytest.warns(FarFutureWarning, match="the default as_of is 2206"):
        to_networkx(events)
    with pytest.warns(FarFutureWarning, match="the default end is 2206.*Pass end="):
        far = rolling_cutoffs(events, 7 * DAY, 7 * DAY)
    assert len(far) > 9_000  # the cut-offs would run on into the empty centuries
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        near = rolling_cutoffs(events, 7 * DAY, 7 * DAY, end=scan(events).end)
        to_networkx(events, as_of=scan(events).end)
    assert near == far[: len(near)] == rolling_cutoffs(with_rows(columns, []), 7 * DAY, 7 * DAY)
    ratings = Ratings(
        rater=np.array([1, 2]), ratee=np.array([2, 1]), rating=np.array([1, 1]),
        time=np.array([START, START + DAY]),
    )  # fmt: skip
    endorsements = Events.from_arrays(
        time=np.r_[START + np.arange(60) * 3_600.0, FAR], actor=np.r_[np.ones(60, int), 2],
        action=np.full(61, 3), target=np.r_[np.full(60, 2), 1],
    )  # fmt: skip
    with pytest.warns(FarFutureWarning, match="the default as_of is 2206"):
        signed_rank_report(endorsements, ratings, baselines=[], tops=[0.5])


def test_topic_scores_warn_when_their_as_of_comes_from_the_data() -> None:
    events = with_rows(community(), BOGUS)
    with pytest.warns(FarFutureWarning, match="the default as_of is 2206") as caught:
        Scorer().score_topics(events, topics=[])
    assert caught[0].filename == __file__  # points at the caller
    with pytest.warns(FarFutureWarning, match="the default as_of is 2206") as caught:
        Scorer().score_platforms(events)
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Scorer().score_topics(events, topics=[], as_of=scan(events).end)
