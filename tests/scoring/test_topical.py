"""Scoring by topic: signals on the topic's events, every defence judged on the whole window."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.components import Authority, DistinctEngagers, Inactivity, TopicPosters
from influence.events.topics import about
from influence.testing import small_world_records

DAY = 86_400


def tagged(records: list[dict[str, Any]], topic: str) -> list[dict[str, Any]]:
    """The records, every one about *topic* (its own tag)."""
    return [{**r, "topics": [topic]} for r in records]


def ring_split_by_topic(size: int = 5, days: int = 20) -> Events:
    """A ring whose members share each other's every post, each member on a topic of its own:
    inside one topic the engagement runs one way, and looks like a fan base."""
    records: list[dict[str, Any]] = []
    ring = [f"r{i}" for i in range(size)]
    for d in range(days):
        for i, member in enumerate(ring):
            pid = f"p{member}_{d}"
            records.append(
                {"time": d * DAY, "actor": member, "action": "post", "post": pid, "topics": f"t{i}"}
            )
            for j, other in enumerate(ring):
                if other != member:
                    time = d * DAY + 3600 * (1 + j) + 60 * i
                    records.append({"time": time, "actor": other, "action": "share", "parent": pid})
    return Events.from_records(records)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_topic_covering_the_whole_log_scores_as_the_overall_score(seed: int) -> None:
    ev = Events.from_records(tagged(small_world_records(seed), "all"))
    overall = Scorer().score(ev)
    topic = Scorer().score_topics(ev).for_topic("all")
    assert topic.users.ids.tolist() == overall.users.ids.tolist()
    assert np.array_equal(topic.values, overall.values)
    for name in overall.part_names:
        assert np.array_equal(topic.parts[name], overall.parts[name])
    assert str(topic.explain("ann")) == str(overall.explain("ann"))


def test_a_ring_cannot_hide_inside_topics() -> None:
    ev = ring_split_by_topic()
    overall = Scorer().score(ev)
    by_topic = Scorer().score_topics(ev)
    for i in range(5):
        member, topic = f"r{i}", f"t{i}"
        alone = Scorer().score(ev.select(about(ev, topic)))  # the topic as a log of its own
        assert alone[member] > 20  # one-way shares: the ring is invisible there
        assert by_topic.for_topic(topic)[member] <= overall[member] + 1e-9
        assert by_topic.for_topic(topic)[member] < 1
        assert by_topic.explain(member, topic).parts["reciprocity"] < -20


def test_modifiers_and_discount_evidence_are_the_whole_windows() -> None:
    ev = Events.from_records(small_world_records(3))
    overall = Scorer().score(ev)
    by_topic = Scorer().score_topics(ev)
    assert by_topic.topics == ("a", "b")
    for topic in by_topic:
        scores = by_topic.for_topic(topic)
        index = overall.users.indices(scores.users.ids)
        for name in ("reciprocity", "credibility", "inactivity", "authenticity"):
            assert np.array_equal(scores.components[name], overall.components[name][index])


def test_engagers_selectivity_is_judged_on_the_whole_window() -> None:
    # A fan who likes 300 posts a day across three topics is no more selective in one.
    records: list[dict[str, Any]] = [
        {"time": 0, "actor": "ann", "action": "post", "post": "ann1", "topics": "a"}
    ]
    for k in range(900):
        topic = "abc"[k % 3]
        records.append({"time": k, "actor": f"u{k}", "action": "post", "post": f"q{k}",
                        "topics": topic})  # fmt: skip
        records.append({"time": k + 1, "actor": "fan", "action": "like", "parent": f"q{k}"})
    records.append({"time": 2 * DAY, "actor": "fan", "action": "like", "parent": "ann1"})
    ev = Events.from_records(records)
    overall = Scorer().score(ev)
    topic = Scorer().score_topics(ev, "a").for_topic("a")
    assert topic.components["engagement"][topic.users.index("ann")] == pytest.approx(
        overall.components["engagement"][overall.users.index("ann")], abs=0, rel=1e-12
    )


@pytest.mark.parametrize("seed", [0, 4])
def test_parts_add_up_on_every_topic(seed: int) -> None:
    by_topic = Scorer().score_topics(Events.from_records(small_world_records(seed)))
    for scores in by_topic.scores:
        total = sum(scores.parts.values())
        np.testing.assert_allclose(total, scores.values, atol=1e-9)
        assert ((scores.values >= 0) & (scores.values <= 100)).all()


def test_rows_in_any_order_give_the_same_topic_scores() -> None:
    records = small_world_records(5)
    shuffled = records[:]
    random.Random(1).shuffle(shuffled)
    first = Scorer().score_topics(Events.from_records(records))
    second = Scorer().score_topics(Events.from_records(shuffled))
    assert first.topics == second.topics
    for a, b in zip(first.scores, second.scores):
        assert a.to_dict() == b.to_dict()


def test_no_future_leakage() -> None:
    ev = Events.from_records(small_world_records(6))
    cut = ev.start + 10 * DAY  # type: ignore[operator]
    later = Scorer().score_topics(ev, as_of=cut)
    cut_first = Scorer().score_topics(ev.until(cut), as_of=cut)
    assert later.topics == cut_first.topics
    for a, b in zip(later.scores, cut_first.scores):
        assert a.to_dict() == b.to_dict()
    assert later.as_of == cut


def test_any_scorer_and_caller_trust() -> None:
    ev = Events.from_records(small_world_records(7))
    scorer = Scorer(
        signals=[("engagers", DistinctEngagers())], discounts=[], modifiers=[Inactivity()]
    )
    by_topic = scorer.score_topics(ev)
    assert by_topic.for_topic("a").part_names == ("engagers", "inactivity")
    halved = Scorer().score_topics(ev.with_trust(np.full(len(ev), 0.5)))
    plain = Scorer().score_topics(ev)
    assert (halved.for_topic("a").values <= plain.for_topic("a").values + 1e-9).all()


@st.composite
def topic_logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few users posting on two topics and engaging each other's posts."""
    records: list[dict[str, Any]] = []
    posts: list[str] = []
    for k in range(draw(st.integers(1, 25))):
        actor = draw(st.sampled_from(["ann", "bob", "cy", "dee"]))
        time = draw(st.integers(0, 30 * 24)) * 3600
        if not posts or draw(st.booleans()):
            topic = draw(st.sampled_from(["x", "y"]))
            records.append({"time": time, "actor": actor, "action": "post", "post": f"p{k}",
                            "topics": topic})  # fmt: skip
            posts.append(f"p{k}")
        else:
            action = draw(st.sampled_from(["like", "share", "reply"]))
            records.append({"time": time, "actor": actor, "action": action,
                            "parent": draw(st.sampled_from(posts))})  # fmt: skip
    return records


@settings(max_examples=30, deadline=None)
@given(topic_logs(), st.integers(1, 5), st.sampled_from(["like", "share", "reply"]))
def test_more_genuine_engagement_on_a_topic_never_lowers_its_score(
    records: list[dict[str, Any]], fans: int, action: str
) -> None:
    ev = Events.from_records(records)
    first = next(r for r in records if r["action"] == "post")
    author, topic = first["actor"], first["topics"]
    end = ev.end
    before = Scorer().score_topics(ev, topic, as_of=end).for_topic(topic)
    more = records + [
        {"time": end, "actor": f"fan{i}", "action": action, "parent": first["post"]}
        for i in range(fans)
    ]
    after = Scorer().score_topics(Events.from_records(more), topic, as_of=end).for_topic(topic)
    assert after[author] >= before.get(author, 0.0) - 1e-9  # type: ignore[operator]


def test_topics_chosen_and_checked() -> None:
    ev = Events.from_records(small_world_records(8))
    every = Scorer().score_topics(ev)
    assert every.topics == ("a", "b")
    assert Scorer().score_topics(ev, "A").topics == ("a",)
    assert Scorer().score_topics(ev, ["b", "a", "B"]).topics == ("a", "b")
    busy = max(every.events)
    assert Scorer().score_topics(ev, min_events=busy).events == (busy,)
    assert Scorer().score_topics(ev, min_events=busy + 1).topics == ()
    with pytest.raises(ValueError, match=r"names topics no event is about: \['travel'\]"):
        Scorer().score_topics(ev, ["a", "travel"])
    with pytest.raises(ValueError, match="must hold strings"):
        Scorer().score_topics(ev, [1])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="min_events"):
        Scorer().score_topics(ev, min_events=0)
    with pytest.raises(ValueError, match="hashtags"):
        Scorer().score_topics(ev, hashtags="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"influence\.Events"):
        Scorer().score_topics(small_world_records(8))  # type: ignore[arg-type]


def test_a_topic_with_no_events_before_as_of_scores_nobody() -> None:
    records = [
        {"time": 0, "actor": "ann", "action": "post", "post": "p0", "topics": "early"},
        {"time": 1, "actor": "bob", "action": "like", "parent": "p0"},
        {"time": DAY, "actor": "ann", "action": "post", "post": "p1", "topics": "late"},
    ]
    by_topic = Scorer().score_topics(Events.from_records(records), ["late", "early"], as_of=10)
    assert by_topic.events == (1 + 1, 0)
    assert len(by_topic.for_topic("late")) == 0
    assert by_topic.of("ann") == [("early", by_topic.for_topic("early")["ann"])]


def test_hashtags_make_topics() -> None:
    records = [
        {"time": 0, "actor": "ann", "action": "post", "post": "p0", "text": "Boson! #Higgs"},
        {"time": 1, "actor": "bob", "action": "share", "parent": "p0"},
    ]
    ev = Events.from_records(records)
    assert Scorer().score_topics(ev).topics == ()
    by_topic = Scorer().score_topics(ev, hashtags=True)
    assert by_topic.topics == ("higgs",)
    assert by_topic.hashtags
    assert by_topic.top("#higgs".lstrip("#"), 1)[0][0] == "ann"


def test_empty_events() -> None:
    by_topic = Scorer().score_topics(Events.empty())
    assert by_topic.topics == ()
    assert by_topic.as_of is None


def test_authority_teleports_to_the_topics_posters() -> None:
    # ann's post about t is liked by five lurkers who never post; cy's by bob, who posts
    # about t. TwitterRank's surfer jumps only to posters: bob's like outweighs the crowd.
    records: list[dict[str, Any]] = [
        {"time": 0, "actor": "ann", "action": "post", "post": "a", "topics": "t"},
        {"time": 0, "actor": "cy", "action": "post", "post": "c", "topics": "t"},
        {"time": 1, "actor": "bob", "action": "like", "parent": "c"},
    ]
    records += [
        {"time": 2 + i, "actor": "bob", "action": "post", "post": f"b{i}", "topics": "t"}
        for i in range(3)
    ]
    records += [
        {"time": 10 + i, "actor": f"lurker{i}", "action": "like", "parent": "a"} for i in range(5)
    ]
    ev = Events.from_records(records)
    scorer = Scorer(signals=[("authority", Authority())], discounts=[], modifiers=[])
    sensitive = scorer.score_topics(ev).for_topic("t")
    uniform = scorer.score_topics(ev, topic_authority=False).for_topic("t")
    assert uniform["ann"] > uniform["cy"]
    assert sensitive["cy"] > sensitive["ann"]
    assert dict(sensitive.components)["authority"].size == len(sensitive)
    teleported = Scorer(
        signals=[("authority", Authority(teleport=TopicPosters()))], discounts=[], modifiers=[]
    ).score_topics(ev, topic_authority=False)
    assert teleported.for_topic("t").to_dict() == sensitive.to_dict()
    with pytest.raises(ValueError, match="'topic_authority' parameter"):
        scorer.score_topics(ev, topic_authority=1)  # type: ignore[arg-type]
