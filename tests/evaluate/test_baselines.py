"""influence.evaluate.baselines: received engagement, PageRank, followers, recency, scorers."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pytest

from _evaluate_logs import CUT, DAY, T0, counting, day, likes, tiny_records, weekly
from influence import Events, Scorer
from influence.components import DistinctEngagers, Reciprocity
from influence.components.base import BaseComponent
from influence.datasets import synthetic
from influence.evaluate import (
    BASELINES,
    DistinctEngagerCount,
    FollowerCount,
    ReceivedCount,
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
from influence.events import actions
from influence.kernels import count_distinct_pairs, recency_weights
from influence.testing import check_component

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


# ---------------------------------------------------------------------------- baselines as signals

#: Each named baseline that is a signal component, with the function that is its door.
COMPONENTS: list[tuple[str, BaseComponent, Any]] = [
    ("received_count", ReceivedCount(), received_count),
    ("distinct_engagers", DistinctEngagerCount(), distinct_engagers),
    ("recency_received", RecencyReceived(), recency_received),
    ("followers", FollowerCount(), follower_count),
]
IDS = [name for name, _, _ in COMPONENTS]
EXTRA = [RecencyReceived(half_life_days=0.25, window_days=7.0)]


def _reference(name: str, events: Events, as_of: float) -> np.ndarray:
    """The baselines as computed before they were components (the formulas, kept verbatim)."""
    n = events.n_users
    stop = int(np.searchsorted(events.time, as_of, side="right"))
    actor, target = events.actor[:stop], events.target[:stop]
    engagement = actions.mask_of(actions.ENGAGEMENTS)[events.action[:stop]]
    if name == "followers":
        keep = np.flatnonzero(
            (events.action[:stop] == actions.FOLLOW) & (target >= 0) & (actor != target)
        )
        return count_distinct_pairs(target[keep], actor[keep], n, n).astype(np.float64)
    rows = np.flatnonzero(engagement & (target >= 0) & (actor != target))
    if name == "received_count":
        return np.bincount(target[rows], minlength=n).astype(np.float64)
    if name == "distinct_engagers":
        return count_distinct_pairs(target[rows], actor[rows], n, n).astype(np.float64)
    weights = recency_weights(as_of - events.time[rows], 90.0, 30.0)
    return np.bincount(target[rows], weights=weights, minlength=n).astype(np.float64)


@pytest.fixture(scope="module")
def world() -> tuple[Events, float]:
    events = synthetic(seed=0).events
    assert events.end is not None
    start = float(events.time[0])
    return events, start + 0.6 * (events.end - start)


@pytest.mark.parametrize("component", [c for _, c, _ in COMPONENTS] + EXTRA, ids=str)
def test_each_baseline_component_passes_the_component_checks(component: BaseComponent) -> None:
    assert component.role == "signal"
    check_component(component)


@pytest.mark.parametrize(("name", "component", "func"), COMPONENTS, ids=IDS)
def test_the_baseline_is_its_component_bit_for_bit_on_a_generated_world(
    world: tuple[Events, float], name: str, component: BaseComponent, func: Any
) -> None:
    events, cut = world
    past = events.until(cut)
    for table, as_of in ((past, cut), (events, cut), (events, float(events.end or 0.0))):
        expected = _reference(name, table, as_of)
        assert expected.any(), name  # the world exercises each baseline
        for values in (
            func(table, as_of),
            BASELINES[name](table, as_of),
            component(table, as_of),
            component(table, as_of=as_of),
            component.evidence(table, as_of=as_of).values,
        ):
            assert values.dtype == np.float64
            assert values.tobytes() == expected.tobytes(), name


@pytest.mark.parametrize(("name", "component", "func"), COMPONENTS, ids=IDS)
@pytest.mark.parametrize("log", ["tiny", "weekly"])
def test_the_baseline_is_its_component_bit_for_bit_on_the_small_logs(
    name: str, component: BaseComponent, func: Any, log: str
) -> None:
    events = Events.from_records(tiny_records()) if log == "tiny" else weekly()
    for as_of in (CUT, day(21), day(28), T0):
        expected = _reference(name, events, as_of)
        assert func(events, as_of).tobytes() == expected.tobytes()
        assert component(events, as_of=as_of).tobytes() == expected.tobytes()


@pytest.mark.parametrize(("name", "component", "func"), COMPONENTS, ids=IDS)
def test_a_scorer_of_one_baseline_runs_and_explains_itself(
    name: str, component: BaseComponent, func: Any
) -> None:
    events = Events.from_records(tiny_records())
    scorer = Scorer(signals=[component], discounts=[], modifiers=[])
    scores = scorer.score(events, as_of=CUT)
    assert scores.values.shape == (len(scores.users),)
    ann = scores.explain("ann")
    assert list(ann.parts) == [component.name]
    assert ann.score > 0
    assert str(ann).splitlines()[1].split()[0] == component.name
    assert "points" in str(ann)
    # The ranking is the baseline's (calibration is monotone).
    values = func(events, CUT)[events.users.indices(scores.users.ids)]
    assert np.array_equal(
        np.argsort(values, kind="stable"), np.argsort(scores.values, kind="stable")
    )


@pytest.mark.parametrize(("name", "component", "func"), COMPONENTS, ids=IDS)
def test_the_components_read_trust_and_the_functions_do_not(
    name: str, component: BaseComponent, func: Any
) -> None:
    events = Events.from_records(tiny_records())
    half = events.with_trust(np.full(len(events), 0.5))
    assert np.array_equal(func(half, CUT), func(events, CUT))
    np.testing.assert_allclose(component(half, as_of=CUT), 0.5 * component(events, as_of=CUT))
    # In a scorer with discounts, what a discount takes away is a named part.
    scorer = Scorer(signals=[component], discounts=[Reciprocity()], modifiers=[])
    assert scorer.score(events, as_of=CUT).explain("ann").score >= 0


def test_distinct_engager_count_is_distinct_engagers_without_window_or_logarithm(
    world: tuple[Events, float],
) -> None:
    events, cut = world
    long = DistinctEngagers(window_days=1e6)  # longer than the log
    engagers = long.evidence(events, as_of=cut).details["engagers"].astype(np.float64)
    assert engagers.tobytes() == DistinctEngagerCount()(events, as_of=cut).tobytes()
    assert DistinctEngagerCount.name != DistinctEngagers.name  # no clash in a scorer's parts


def test_baseline_components_keep_their_names_and_are_not_registered() -> None:
    from influence.components import registry

    assert list(BASELINES) == [
        "received_count",
        "distinct_engagers",
        "recency_received",
        "pagerank",
        "followers",
    ]
    for _, component, _ in COMPONENTS:
        assert registry.registered_name(component) is None
    assert isinstance(BASELINES["pagerank"], type(engagement_pagerank))


def test_recency_received_names_its_parameter_in_errors() -> None:
    with pytest.raises(ValueError, match=r"'half_life_days' parameter of RecencyReceived"):
        RecencyReceived(half_life_days=0.0)
