"""Topic scores against the overall score, at forecasting engagement on each topic's posts.

On a generated world with topics (``synthetic(topics=K)``), the ground truth per topic
(:attr:`World.topic_truth <influence.datasets.World.topic_truth>`) is the expected number of
distinct genuine engagers per day of each user's posts about the topic after the end of
the log. :func:`topic_validity` asks, for each topic, which ranks the users who posted
about it better: their score on the topic or their overall score. Each answer is a
:class:`~influence.evaluate.ValidityReport` whose :meth:`~influence.evaluate.ValidityReport.compare`
puts a paired bootstrap interval on the difference.
"""

from __future__ import annotations

import numpy as np

from influence import _validate
from influence.datasets.generator import World
from influence.evaluate.metrics import _metrics
from influence.evaluate.validity_report import ValidityReport
from influence.events import actions as _actions
from influence.events.topics import about
from influence.scoring.scorer import Scorer

__all__ = ["topic_validity"]


def topic_validity(
    world: World,
    scorer: Scorer | None = None,
    *,
    metrics: tuple[str, ...] = ("spearman", "ndcg@50"),
    future_days: float = 14.0,
    min_posters: int = 30,
) -> dict[str, ValidityReport]:
    """For each topic, the topic score (``"topic"``) against the overall score
    (``"overall"``) at forecasting the world's truth on that topic.

    The users evaluated are the genuine ordinary users who posted about the topic in the
    log; both scores are taken at the end of the log (:attr:`World.end
    <influence.datasets.World.end>`), and the defences of both are judged on the whole log.

    Parameters
    ----------
    world : World
        A world made with ``topics`` > 0.
    scorer : Scorer, optional
        Default: the house scorer.
    metrics : tuple of str, default ("spearman", "ndcg@50")
        Metrics of :func:`~influence.evaluate.predictive_validity`.
    future_days : float, default 14
        The world's ``future_days`` (the reports' horizon).
    min_posters : int, default 30
        Topics with fewer posters are left out (too few users to rank).

    Returns
    -------
    dict of str to ValidityReport
        By topic, in the world's order (most popular first).

    Raises
    ------
    ValueError
        For a world without topics.

    Examples
    --------
    >>> from influence.datasets import synthetic
    >>> world = synthetic(seed=0, n_users=200, days=30, topics=3, twins=False)
    >>> reports = topic_validity(world, min_posters=20)
    >>> list(reports)
    ['news', 'music', 'sport']
    >>> reports["news"].compare("spearman", "overall", "topic", resamples=200).verdict
    'ahead'
    """
    if not world.topics:
        raise ValueError(
            "topic_validity needs a world with topics: synthetic(..., topics=K) with K > 0"
        )
    _validate.integer("topic_validity", "min_posters", min_posters, 2)
    measures = _metrics(metrics, "topic_validity")
    scorer = Scorer() if scorer is None else scorer
    events = world.events
    overall = scorer.score(events, as_of=world.end)
    by_topic = scorer.score_topics(events, world.topics, as_of=world.end)
    ids = events.users.ids
    reports: dict[str, ValidityReport] = {}
    for topic in world.topics:
        truth_of = world.topic_truth[topic]
        posted = about(events, topic) & (events.action == _actions.POST)
        posters = sorted(set(ids[np.unique(events.actor[posted])].tolist()) & set(truth_of))
        if len(posters) < min_posters:
            continue
        truth = np.array([truth_of[u] for u in posters])
        scores = by_topic.for_topic(topic)
        values = {
            "topic": np.array([scores.get(u, 0.0) for u in posters], dtype=np.float64),
            "overall": np.array([overall.get(u, 0.0) for u in posters], dtype=np.float64),
        }
        table = {
            method: {name: measure(value, truth) for name, measure in measures.items()}
            for method, value in values.items()
        }
        reports[topic] = ValidityReport(
            table=table,
            cutoff=world.end,
            horizon=future_days * 86_400.0,
            population=len(posters),
            users=np.array(posters),
            truth=truth,
            values=values,
        )
    return reports
