"""Topics in the generated world: interests, topics of posts, engagers' preference, truth."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from influence.datasets import World, synthetic
from influence.datasets.topics import STRAY, TOPIC_NAMES
from influence.events import actions
from influence.events.topics import about


@pytest.fixture(scope="module")
def world(small_args: dict[str, Any]) -> World:
    return synthetic(seed=2, **small_args, topics=6)


def test_without_topics_the_world_is_the_same(small_args: dict[str, Any]) -> None:
    plain = synthetic(seed=3, **small_args)
    zero = synthetic(seed=3, **small_args, topics=0)
    assert zero.events == plain.events
    assert zero.truth == plain.truth
    assert (zero.topics, zero.interests, zero.topic_truth) == ((), {}, {})
    assert plain.events.topic_sets == ()


def test_topics_change_no_other_population(world: World, small_args: dict[str, Any]) -> None:
    plain = synthetic(seed=2, **small_args)
    assert world.labels == plain.labels
    spam = plain.events.users.index("spam")
    mine = world.events.users.index("spam")
    assert np.array_equal(
        plain.events.time[plain.events.actor == spam], world.events.time[world.events.actor == mine]
    )


def test_interests_and_the_topics_of_posts(world: World) -> None:
    assert world.topics == TOPIC_NAMES[:6]
    ordinary = [u for u in world.labels if u.startswith("u")]
    assert sorted(world.interests) == sorted(ordinary)
    assert {len(t) for t in world.interests.values()} <= {1, 2, 3}
    counts = Counter(t for topics in world.interests.values() for t in topics)
    assert counts[TOPIC_NAMES[0]] > counts[TOPIC_NAMES[5]]  # popularity
    ev = world.events
    records = [r for r in ev.to_records() if r["action"] == "post" and r["actor"] in ordinary]
    assert all(len(r["topics"]) == 1 for r in records)
    assert all(r["topics"][0] in world.interests[r["actor"]] for r in records)
    spam_posts = [r for r in ev.to_records() if r["actor"] == "spam" and r["action"] == "post"]
    assert {tuple(r["topics"]) for r in spam_posts} == {(TOPIC_NAMES[0],)}


def test_engagers_prefer_their_interests(world: World) -> None:
    ev = world.events
    interested = {u: set(t) for u, t in world.interests.items() if world.labels[u] == "genuine"}
    hits = total = 0
    chance = 0.0  # the hits expected if engagers ignored topics
    for topic in world.topics:
        rows = np.flatnonzero(about(ev, topic) & (ev.action != actions.POST))
        share = np.mean([topic in t for t in interested.values()])
        for actor in ev.users.ids[ev.actor[rows]].tolist():
            if actor in interested:  # genuine engagers (ring members share everything)
                total += 1
                hits += topic in interested[actor]
                chance += share
    assert hits / total > 0.6
    assert hits > 2 * chance
    assert STRAY < 1


def test_the_truth_per_topic(world: World) -> None:
    genuine = sorted(
        u for u, kind in world.labels.items() if kind == "genuine" and u in world.interests
    )
    for topic in world.topics:
        assert sorted(world.topic_truth[topic]) == genuine
    for user in genuine[:50]:
        per_topic = [world.topic_truth[t][user] for t in world.topics]
        assert max(per_topic) <= world.truth[user] + 1e-12  # an engager counts once overall
        assert world.truth[user] <= sum(per_topic) + 1e-12
        for topic in world.topics:
            if topic not in world.interests[user]:
                assert world.topic_truth[topic][user] == 0.0


def test_topics_parameter_is_checked(small_args: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'topics' parameter of synthetic"):
        synthetic(seed=0, **small_args, topics=len(TOPIC_NAMES) + 1)
    with pytest.raises(ValueError, match="'topics' parameter of synthetic"):
        synthetic(seed=0, **small_args, topics=-1)
    same = synthetic(seed=2, **small_args, topics=6)
    assert (
        same.events.to_records()[:200]
        == synthetic(seed=2, **small_args, topics=6).events.to_records()[:200]
    )
