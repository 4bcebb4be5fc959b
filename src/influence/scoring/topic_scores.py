"""Results by topic: a Scores per topic, leaderboards and what a user is influential about."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from influence.events.timeparse import format_time
from influence.kernels import plural
from influence.scoring.explanation import Explanation
from influence.scoring.scores import Scores


@dataclass(frozen=True)
class TopicScores:
    """Topic scores: for each topic, the scores of the users its events involve.

    Produced by :meth:`Scorer.score_topics <influence.Scorer.score_topics>`; immutable.
    Each topic's :class:`~influence.Scores` holds the users with an event about the topic
    (their index order is the window's), with the same parts as the overall score, which
    add up (:meth:`explain`).

    Attributes
    ----------
    topics : tuple of str
        The topics scored, case-folded and sorted.
    scores : tuple of Scores
        One per topic, in the order of :attr:`topics`.
    events : tuple of int
        The number of events about each topic in the window.
    as_of : float or None
        The scoring time (epoch seconds); ``None`` only for empty input.
    hashtags : bool
        Whether topics were also read from hashtags in the events' text.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> ev = Events.from_records(
    ...     [{"time": 0, "actor": "ann", "action": "post", "post": "p1", "topics": "travel"},
    ...      {"time": 0, "actor": "ann", "action": "post", "post": "p2", "topics": "food"}]
    ...     + [{"time": t, "actor": f"fan{t}", "action": "like", "parent": "p1"}
    ...        for t in range(1, 6)]
    ...     + [{"time": 7, "actor": "bob", "action": "like", "parent": "p2"}])
    >>> by_topic = Scorer().score_topics(ev)
    >>> by_topic.topics, by_topic.events
    (('food', 'travel'), (2, 6))
    >>> [(topic, round(score, 1)) for topic, score in by_topic.of("ann")]
    [('travel', 26.7), ('food', 11.2)]
    >>> by_topic.top("Travel", 1)
    [('ann', 26.73...)]
    >>> round(Scorer().score(ev)["ann"], 1)  # overall: both topics' engagement
    28.9
    """

    topics: tuple[str, ...]
    scores: tuple[Scores, ...]
    events: tuple[int, ...]
    as_of: float | None
    hashtags: bool = False

    def __post_init__(self) -> None:
        if not (len(self.topics) == len(self.scores) == len(self.events)):
            raise ValueError(
                "TopicScores needs one Scores and one event count per topic; got "
                f"{len(self.topics)} topics, {len(self.scores)} Scores, {len(self.events)} counts"
            )
        if list(self.topics) != sorted(set(self.topics)):
            raise ValueError(
                f"The 'topics' of TopicScores must be distinct and sorted; got {self.topics!r}"
            )
        for topic, scores in zip(self.topics, self.scores):
            if not isinstance(scores, Scores):
                raise ValueError(
                    f"The 'scores' of TopicScores must hold Scores; got "
                    f"{type(scores).__name__} for topic {topic!r}"
                )

    def __len__(self) -> int:
        return len(self.topics)

    def __iter__(self) -> Iterator[str]:
        return iter(self.topics)

    def __contains__(self, topic: object) -> bool:
        return isinstance(topic, str) and topic.casefold() in self.topics

    def for_topic(self, topic: str) -> Scores:
        """The scores on *topic* (case-folded): every user its events involve.

        Raises
        ------
        KeyError
            When *topic* was not scored; the message lists the scored topics.
        """
        if not isinstance(topic, str) or topic.casefold() not in self.topics:
            shown = ", ".join(repr(t) for t in self.topics[:20])
            more = ", ..." if len(self.topics) > 20 else ""
            raise KeyError(
                f"topic {topic!r} was not scored; scored topics: [{shown}{more}]. Pass it in "
                "Scorer.score_topics(topics=...), or lower min_events."
            )
        return self.scores[self.topics.index(topic.casefold())]

    def __getitem__(self, topic: str) -> Scores:
        return self.for_topic(topic)

    def top(self, topic: str, k: int = 10) -> list[tuple[Any, float]]:
        """The *k* best ``(user, score)`` pairs on *topic*, best first (ties by user id)."""
        return self.for_topic(topic).top(k)

    def explain(self, user: object, topic: str) -> Explanation:
        """Named parts in points that add up to the user's score on *topic*, with reasons."""
        return self.for_topic(topic).explain(user)

    def of(self, user: object, k: int | None = None) -> list[tuple[str, float]]:
        """What *user* is influential about: ``(topic, score)`` best first, scores above 0.

        Ties are broken by topic name; *k* keeps the first *k* (default: all).
        """
        if k is not None and (not isinstance(k, int) or k < 0):
            raise ValueError(f"k must be a non-negative integer or None; got {k!r}")
        found = [
            (topic, float(scores[user]))
            for topic, scores in zip(self.topics, self.scores)
            if user in scores and scores[user] > 0
        ]
        found.sort(key=lambda pair: -pair[1])  # stable: topics stay sorted within a tie
        return found if k is None else found[:k]

    def to_pandas(self, *, parts: bool = True) -> Any:
        """One long table: a row per topic and user with a score above 0.

        Columns ``topic``, ``user``, ``score`` and, with *parts*, a column per part (in
        points, adding up to the score); rows by topic, best first within a topic (ties by
        user id): each topic's leaderboard. Needs the ``pandas`` extra.
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "TopicScores.to_pandas needs pandas: pip install 'influence-score[pandas]'"
            ) from None
        names = self.scores[0].part_names if self.scores else ()
        frames = []
        for topic, scores in zip(self.topics, self.scores):
            order = scores.ranking()
            order = order[scores.values[order] > 0]
            data: dict[str, Any] = {
                "topic": np.full(order.size, topic, dtype=object),
                "user": scores.users.ids[order],
                "score": scores.values[order],
            }
            if parts:
                data.update({n: values[order] for n, values in scores.parts.items()})
            frames.append(pd.DataFrame(data))
        columns = ["topic", "user", "score", *(names if parts else ())]
        if not frames:
            return pd.DataFrame({c: [] for c in columns})
        return pd.concat(frames, ignore_index=True)[columns]

    def __repr__(self) -> str:
        when = "" if self.as_of is None else f" as of {format_time(self.as_of)}"
        shown = ", ".join(repr(t) for t in self.topics[:5])
        more = ", ..." if len(self.topics) > 5 else ""
        return f"<TopicScores: {plural(len(self.topics), 'topic')}{when}: [{shown}{more}]>"

    def _repr_html_(self) -> str:
        """Notebook display: per topic, its events and its three best users with scores."""
        e = html.escape
        rows = []
        for topic, scores, count in zip(self.topics, self.scores, self.events):
            best = ", ".join(
                f"{e(str(user))} <b>{score:.1f}</b>" for user, score in scores.top(3) if score > 0
            )
            scored = int(np.count_nonzero(scores.values > 0))
            rows.append(
                f"<tr><td>{e(topic)}</td><td style='text-align:right'>{count:,}</td>"
                f"<td style='text-align:right'>{scored:,}</td><td>{best or '-'}</td></tr>"
            )
        when = "" if self.as_of is None else f" as of {e(format_time(self.as_of))}"
        source = "tags and hashtags" if self.hashtags else "tags"
        head = "".join(f"<th>{h}</th>" for h in ("topic", "events", "users scored", "top 3"))
        return (
            f"<div><b>TopicScores</b>: {plural(len(self.topics), 'topic')}{when} (from {source}); "
            f"defences judged on the whole log<table><tr>{head}</tr>{''.join(rows)}</table></div>"
        )
