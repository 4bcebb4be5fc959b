"""TopicScores: per-topic Scores, leaderboards, a long table and "influential about"."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer
from influence.scoring.topic_scores import TopicScores
from influence.testing import small_world_records


def log() -> Events:
    records: list[dict[str, Any]] = []
    for author, topic, fans in [("ann", "Travel", 6), ("ann", "food", 2), ("bob", "food", 4)]:
        pid = f"{author}-{topic}"
        records.append({"time": 0, "actor": author, "action": "post", "post": pid, "topics": topic})
        records += [
            {"time": 10 + i, "actor": f"fan{i}", "action": "like", "parent": pid}
            for i in range(fans)
        ]
    return Events.from_records(records)


@pytest.fixture(scope="module")
def by_topic() -> TopicScores:
    return Scorer().score_topics(log())


def test_influential_about(by_topic: TopicScores) -> None:
    about_ann = by_topic.of("ann")
    assert [t for t, _ in about_ann] == ["travel", "food"]
    assert about_ann[0][1] == by_topic.for_topic("travel")["ann"]
    assert by_topic.of("ann", k=1) == about_ann[:1]
    assert by_topic.of("bob") == [("food", by_topic["food"]["bob"])]
    assert by_topic.of("fan0") == []  # engaged, received nothing
    assert by_topic.of("nobody") == []
    with pytest.raises(ValueError, match="k must be"):
        by_topic.of("ann", k=-1)


def test_leaderboards(by_topic: TopicScores) -> None:
    assert by_topic.top("FOOD", 2)[0][0] == "bob"
    assert [u for u, _ in by_topic.top("food", 2)] == ["bob", "ann"]
    assert "Food" in by_topic
    assert 3 not in by_topic
    assert list(by_topic) == ["food", "travel"]
    assert len(by_topic) == 2
    with pytest.raises(KeyError, match=r"topic 'sport' was not scored; scored topics: \['food'"):
        by_topic.for_topic("sport")


def test_explanations_add_up(by_topic: TopicScores) -> None:
    explanation = by_topic.explain("ann", "travel")
    assert sum(explanation.parts.values()) == pytest.approx(explanation.score, abs=1e-9)
    assert "6 distinct users engaged" in explanation.reasons["engagement"]


def test_long_table(by_topic: TopicScores) -> None:
    frame = by_topic.to_pandas()
    assert list(frame.columns[:3]) == ["topic", "user", "score"]
    assert list(frame.columns[3:]) == list(by_topic.scores[0].part_names)
    assert frame[["topic", "user"]].values.tolist() == [
        ["food", "bob"],
        ["food", "ann"],
        ["travel", "ann"],
    ]
    assert (frame.score > 0).all()
    parts = frame.iloc[:, 3:].sum(axis=1)
    np.testing.assert_allclose(parts, frame.score, atol=1e-9)
    assert list(by_topic.to_pandas(parts=False).columns) == ["topic", "user", "score"]
    empty = Scorer().score_topics(Events.empty()).to_pandas()
    assert len(empty) == 0
    assert list(empty.columns) == ["topic", "user", "score"]


def test_display(by_topic: TopicScores) -> None:
    assert repr(by_topic) == (
        "<TopicScores: 2 topics as of 1970-01-01T00:00:15Z: ['food', 'travel']>"
    )
    page = by_topic._repr_html_()
    assert "<td>travel</td>" in page
    assert "ann <b>" in page
    assert "judged on the whole log" in page
    many = Scorer().score_topics(Events.from_records(small_world_records(0)))
    assert "users scored" in many._repr_html_()


def test_checked_at_construction(by_topic: TopicScores) -> None:
    with pytest.raises(ValueError, match="one Scores and one event count per topic"):
        TopicScores(topics=("a",), scores=(), events=(1,), as_of=0.0)
    with pytest.raises(ValueError, match="distinct and sorted"):
        TopicScores(topics=("b", "a"), scores=by_topic.scores, events=(1, 1), as_of=0.0)
    with pytest.raises(ValueError, match="must hold Scores"):
        TopicScores(topics=("a",), scores=(1,), events=(1,), as_of=0.0)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        by_topic.topics = ()  # type: ignore[misc]
