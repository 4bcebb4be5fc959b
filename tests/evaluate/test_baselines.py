"""influence.evaluate.baselines: received engagement, PageRank, followers, recency, scorers."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pytest

from _evaluate_logs import CUT, DAY, T0, counting, day, likes, tiny_records, weekly
from influence import Events, Scorer
from influence.evaluate import (
    BASELINES,
    RecencyReceived,
    ScorerBaseline,
    distinct_engagers,
    engagement_pagerank,
    follower_count,
    predictive_validity,
    rank_stability,
    received,
    received_count,
    recency_received,
)
from influence.kernels import recency_weights

# ---------------------------------------------------------------------------- counts and PageRank


def test_received_baselines_on_a_constructed_case() -> None:
    events = Events.from_records(
        [
            {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
            {"time": 2, "actor": "bob", "action": "share", "target": "ann"},
            {"time": 3, "actor": "cy", "action": "reply", "target": "ann"},
            {"time": 4, "actor": "ann", "action": "mention", "target": "ann"},
            {"time": 5, "actor": "dee", "action": "follow", "target": "ann"},
            {"time": 6, "actor": "ann", "action": "post", "post": "p1"},
            {"time": 9, "actor": "dee", "action": "like", "target": "bob"},
        ]
    )
    assert received_count(events, 5.0).tolist() == [3.0, 0.0, 0.0, 0.0]
    assert distinct_engagers(events, 5.0).tolist() == [2.0, 0.0, 0.0, 0.0]
    assert received_count(events, 9.0).tolist() == [3.0, 1.0, 0.0, 0.0]
    assert received(events, 1, 3).tolist() == [2.0, 0.0, 0.0, 0.0]  # (1, 3]
    assert received(events, end=3, distinct=True).tolist() == [2.0, 0.0, 0.0, 0.0]
    assert follower_count(events, 9.0).tolist() == [1.0, 0.0, 0.0, 0.0]
    assert follower_count(events, 4.0).tolist() == [0.0] * 4


def test_recency_received_weights_by_age() -> None:
    ages = np.array([0.0, 10.0, 45.0, 89.0, 90.0, 200.0]) * DAY
    as_of = T0 + 200 * DAY
    events = Events.from_records(
        [
            {"time": as_of - age, "actor": f"v{i}", "action": "like", "target": "ann"}
            for i, age in enumerate(ages)
        ]
    )
    value = recency_received(events, as_of)[events.users.index("ann")]
    assert value == pytest.approx(recency_weights(ages, 90.0, 30.0).sum())
    assert value == pytest.approx(recency_weights(ages[:4], 90.0, 30.0).sum())  # 90+ days: 0
    assert 1.0 < value < 4.0


def test_pagerank_baseline_matches_networkx() -> None:
    rng = np.random.default_rng(7)
    n, m = 30, 120
    actor, target = rng.integers(0, n, m), rng.integers(0, n, m)
    actions = rng.choice([1, 2, 3, 4, 5], m)  # follows (5) are not edges
    events = Events.from_arrays(
        time=np.arange(m, dtype=float), actor=actor, action=actions, target=target
    )
    rank = engagement_pagerank(events, float(m))
    graph = nx.DiGraph()
    graph.add_nodes_from(range(events.n_users))
    for a, b, x in zip(events.actor, events.target, events.action):
        if a != b and x != 5:
            w = graph.get_edge_data(int(a), int(b), {"weight": 0})["weight"]
            graph.add_edge(int(a), int(b), weight=w + 1)
    expected = nx.pagerank(graph, alpha=0.85, tol=1e-13, max_iter=1000, weight="weight")
    np.testing.assert_allclose(rank, [expected[i] for i in range(events.n_users)], atol=1e-9)
    assert rank.sum() == pytest.approx(1.0)


def test_baselines_ignore_the_future_and_self_interactions() -> None:
    records = tiny_records()
    events = Events.from_records(records)
    later = Events.from_records(
        [*records, {"time": day(30), "actor": "cy", "action": "like", "target": "ann"}]
    )
    selfish = Events.from_records(
        [*records, {"time": day(3), "actor": "ann", "action": "share", "target": "ann"}]
    )
    for name, func in BASELINES.items():
        base = func(events, CUT)
        assert base.shape == (events.n_users,), name
        assert np.isfinite(base).all(), name
        np.testing.assert_array_equal(func(later, CUT), base, err_msg=name)
        np.testing.assert_allclose(func(selfish, CUT), base, err_msg=name)


# ---------------------------------------------------------------------------- RecencyReceived


def test_recency_received_is_the_house_time_scale() -> None:
    events = weekly()
    np.testing.assert_array_equal(
        RecencyReceived()(events, day(28)), recency_received(events, day(28))
    )
    assert RecencyReceived() == RecencyReceived(half_life_days=30.0, window_days=90.0)


def test_recency_received_short_scale_weights_by_age() -> None:
    ages = np.array([0.0, 0.25, 1.0, 6.9, 7.0, 30.0])
    as_of = day(40)
    events = likes([(40 - a, f"v{i}", "ann") for i, a in enumerate(ages)])
    value = RecencyReceived(half_life_days=0.25, window_days=7.0)(events, as_of)
    ann = events.users.index("ann")
    assert value[ann] == pytest.approx(recency_weights(ages * DAY, 7.0, 0.25).sum())
    assert value[ann] == pytest.approx(1.0 + 0.5 + 2.0**-4, rel=0.05)  # 7+ days weigh 0
    assert value[events.users.index("v0")] == 0.0


@pytest.mark.parametrize("param", ["half_life_days", "window_days"])
@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, "1"])
def test_recency_received_rejects_bad_time_scales(param: str, bad: Any) -> None:
    with pytest.raises((ValueError, TypeError), match=param):
        RecencyReceived(**{param: bad})


def test_recency_received_ignores_the_future_and_self_interactions() -> None:
    short = RecencyReceived(half_life_days=0.25, window_days=7.0)
    events = weekly()
    later = Events.from_records(
        [
            *({"time": t, "actor": a, "action": "like", "target": b} for t, a, b in _rows(events)),
            {"time": day(30), "actor": "zed", "action": "like", "target": "ann"},
            {"time": day(27), "actor": "ann", "action": "like", "target": "ann"},
        ]
    )
    np.testing.assert_allclose(short(later, day(28))[: events.n_users], short(events, day(28)))


def _rows(events: Events) -> list[tuple[float, str, str]]:
    ids = events.users.ids
    return [
        (float(t), str(ids[a]), str(ids[b]))
        for t, a, b in zip(events.time, events.actor, events.target)
    ]


# ---------------------------------------------------------------------------- ScorerBaseline


def test_a_scorer_as_a_baseline_measures_what_the_scorer_measures() -> None:
    events = weekly()
    cut = day(21)
    report = predictive_validity(
        events, cut, 3 * DAY, counting(), baselines={"same": ScorerBaseline(counting())}
    )
    assert report.table["same"] == report.table["scorer"]
    np.testing.assert_array_equal(report.values["same"], report.values["scorer"])
    stable = rank_stability(
        events,
        [day(7), day(14), day(21)],
        counting(),
        baselines={"same": ScorerBaseline(counting())},
    )
    assert stable.table["same"] == stable.table["scorer"]


def test_two_time_scales_of_the_house_scorer_in_one_report() -> None:
    events = weekly()
    weekly_house = ScorerBaseline(Scorer.house(half_life_days=7, window_days=21))
    report = predictive_validity(events, day(21), 3 * DAY, baselines={"weekly": weekly_house})
    assert report.methods == ("scorer", "weekly")
    assert np.isfinite(report.table["weekly"]["spearman"])


def test_scorer_baseline_needs_a_scorer() -> None:
    with pytest.raises(TypeError, match=r"'scorer' parameter of ScorerBaseline"):
        ScorerBaseline(received_count)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'scorer' parameter of ScorerBaseline"):
        ScorerBaseline(Scorer)  # type: ignore[arg-type]  # the class, not a scorer


def test_a_baseline_with_nan_values_is_named() -> None:
    def broken(events: Events, as_of: float) -> np.ndarray:
        values = np.zeros(events.n_users)
        values[0] = np.nan
        return values

    with pytest.raises(ValueError, match=r"baseline 'broken' .* got 1 NaN or infinite value"):
        rank_stability(weekly(), [day(7), day(14)], baselines={"broken": broken})
