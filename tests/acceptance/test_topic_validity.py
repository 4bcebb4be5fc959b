"""A topic score forecasts engagement on the topic's posts better than the overall score.

On the generated world with topics, among the genuine users who posted about a topic, the
topic score ranks them by their future engagement on that topic (the world's truth per
topic) better than their overall score does, with a paired bootstrap interval above 0.
The figures are in docs/topics.md, "Does a topic score forecast better?".
"""

from __future__ import annotations

import pytest

from influence.datasets import synthetic
from influence.evaluate.topic_validity import topic_validity


@pytest.mark.parametrize("seed", [0, 1])
def test_topic_scores_forecast_their_topic_better_than_the_overall_score(seed: int) -> None:
    world = synthetic(seed=seed, topics=8)
    reports = topic_validity(world)
    assert len(reports) >= 6  # the topics with 30 posters or more
    for topic, report in reports.items():
        spearman = report.compare("spearman", "overall", "topic", resamples=500, seed=seed)
        assert spearman.difference > 0, (topic, spearman)
        if report.population >= 60:  # enough posters for a decisive interval
            assert spearman.verdict == "ahead", (topic, spearman)
            assert report.table["topic"]["spearman"] > 0.8, (topic, report.table)


def test_a_world_without_topics_is_refused() -> None:
    world = synthetic(seed=0, n_users=60, days=10, ring_size=5, twins=False)
    with pytest.raises(ValueError, match="needs a world with topics"):
        topic_validity(world)
