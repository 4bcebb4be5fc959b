"""Components side by side on threads: same scores as on one thread, errors as on one thread."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.components import Engagement
from influence.datasets import synthetic
from influence.scoring import lanes
from influence.scoring.lanes import Lanes, builtin, threads, threads_for
from influence.testing import small_world, small_world_records


def scores_with(monkeypatch: pytest.MonkeyPatch, n: int, scorer: Scorer, events: Events) -> Any:
    monkeypatch.setenv(lanes.ENV, str(n))
    events.memo.clear()
    return scorer.score(events)


def test_threads_default_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(lanes.ENV, raising=False)
    assert 1 <= threads() <= 2
    monkeypatch.setenv(lanes.ENV, "3")
    assert threads() == 3


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5"])
def test_a_bad_thread_count_is_named(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv(lanes.ENV, bad)
    with pytest.raises(ValueError, match=f"INFLUENCE_THREADS must be a positive integer.*{bad!r}"):
        threads()


@pytest.mark.parametrize("n", [1, 2])
def test_lanes_keep_the_order_and_raise_at_result(n: int) -> None:
    with Lanes(n) as pool:
        assert pool.map(lambda x: x * x, range(7)) == [0, 1, 4, 9, 16, 25, 36]
        failed = pool.submit(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            failed.result()


def test_the_house_scores_are_bitwise_those_of_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    events = synthetic(seed=11).events
    one = scores_with(monkeypatch, 1, Scorer(), events)
    two = scores_with(monkeypatch, 2, Scorer(), events)
    np.testing.assert_array_equal(one.values, two.values)
    for name in one.parts:
        np.testing.assert_array_equal(one.parts[name], two.parts[name])
    for name, evidence in one.evidence.items():
        np.testing.assert_array_equal(evidence.values, two.evidence[name].values)
        for key, value in evidence.details.items():
            np.testing.assert_array_equal(value, two.evidence[name].details[key])


def test_the_trust_is_bitwise_that_of_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    events = synthetic(seed=12).events
    found = []
    for n in (1, 2):
        monkeypatch.setenv(lanes.ENV, str(n))
        events.memo.clear()
        found.append(Scorer().trust(events))
    assert found[0].min() < 1.0  # the discounts judged something
    np.testing.assert_array_equal(found[0], found[1])


def topics_and_platforms(seed: int) -> Events:
    """A small world, each row on one of three topics and one of two platforms."""
    records = small_world_records(seed=seed)
    rng = np.random.default_rng(seed)
    topic, platform = rng.integers(0, 3, len(records)), rng.integers(0, 2, len(records))
    return Events.from_records(
        [
            {**r, "topics": ["news", "sport", "food"][k], "platform": ["x", "y"][p]}
            for r, k, p in zip(records, topic.tolist(), platform.tolist())
        ]
    )


def test_topic_and_platform_scores_are_bitwise_those_of_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = topics_and_platforms(seed=5)
    found = []
    for n in (1, 2):
        monkeypatch.setenv(lanes.ENV, str(n))
        events.memo.clear()
        found.append((Scorer().score_topics(events), Scorer().score_platforms(events)))
    (topics_1, platforms_1), (topics_2, platforms_2) = found
    assert topics_1.topics == topics_2.topics == ("food", "news", "sport")
    assert platforms_1.platforms == platforms_2.platforms == ("x", "y")
    pairs = [
        *zip(topics_1.scores, topics_2.scores),
        *zip(platforms_1.scores, platforms_2.scores),
        (platforms_1.overall, platforms_2.overall),
    ]
    for one, two in pairs:
        assert one.users.ids.tolist() == two.users.ids.tolist()
        np.testing.assert_array_equal(one.values, two.values)
        for name in one.parts:
            np.testing.assert_array_equal(one.parts[name], two.parts[name])
    assert max(float(s.values.max()) for s, _ in pairs) > 0  # something was scored


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 4))
def test_any_thread_count_gives_the_same_scores(seed: int, n: int) -> None:
    events = small_world(seed=seed)
    with pytest.MonkeyPatch.context() as patch:
        one = scores_with(patch, 1, Scorer(), events)
        many = scores_with(patch, n, Scorer(), events)
    np.testing.assert_array_equal(one.values, many.values)


def test_a_component_from_elsewhere_runs_on_the_calling_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    seen: list[str] = []

    def plain(events: Events, *, as_of: float) -> Any:
        seen.append(threading.current_thread().name)
        return np.zeros(events.n_users)

    monkeypatch.setenv(lanes.ENV, "2")
    assert builtin([Engagement()])
    assert not builtin([Engagement(), plain])
    assert threads_for([Engagement()]) == 2
    assert threads_for([Engagement(), plain]) == 1
    Scorer(signals=[("plain", plain), ("engagement", Engagement())]).score(small_world(seed=1))
    assert seen == [threading.main_thread().name] * len(seen)
    assert seen


class Broken:
    """A built-in-looking discount that fails (its module is made to look like ours)."""

    __module__ = "influence.components.broken"
    name = "broken"
    role = "discount"

    def __call__(self, events: Events, *, as_of: float) -> Any:
        raise RuntimeError("the discount failed")


@pytest.mark.parametrize("n", ["1", "2"])
def test_a_failing_component_raises_its_own_error_on_any_thread_count(
    monkeypatch: pytest.MonkeyPatch, n: str
) -> None:
    monkeypatch.setenv(lanes.ENV, n)
    with pytest.raises(RuntimeError, match="the discount failed"):
        Scorer(discounts=[("broken", Broken())]).score(small_world(seed=2))
