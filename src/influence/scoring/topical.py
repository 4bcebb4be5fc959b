r"""Scoring by topic: defences judged once on the whole window, signals per topic.

The score of user :math:`u` on topic :math:`T` is the scorer's own formula with the
signals read on the events about :math:`T` (:mod:`influence.events.topics`) and everything
else read on the whole window:

.. math::

    \mathrm{score}_u(T) = C\Big(\sum_i w_i\, s_i(u;\, E_T,\, \tau)\Big) \prod_j m_j(u)

where :math:`E_T` are the window's events about :math:`T`, :math:`\tau` the per-event
trust the discounts judged on the whole window (a farm's or a ring's engagement counts for
as little inside a topic as outside it), :math:`m_j` the modifiers judged on the whole
window (silence on a topic is not inactivity; a fake account is fake on every topic), and
the engagers' selectivity inside the signals is judged on the whole window too
(:func:`influence.kernels.restrict`). The work is shared: the discounts and modifiers run
once, and each topic's signals read only the topic's events, so twenty topics cost about
one more pass of the signals over the log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from influence import _validate
from influence._memory import reuses_memory
from influence.components.authority import Authority
from influence.components.base import Evidence
from influence.components.topic_posters import TopicPosters
from influence.events.table import Events
from influence.events.topics import topic_events, topic_index, topic_names
from influence.kernels import restrict
from influence.scoring.attribution import compose
from influence.scoring.lanes import Lanes, threads_for
from influence.scoring.scores import Scores
from influence.scoring.topic_scores import TopicScores
from influence.scoring.window import scoring_window

if TYPE_CHECKING:
    from influence.scoring.scorer import Scorer

__all__ = ["TopicScoring", "score_topics"]


class TopicScoring:
    """What :class:`~influence.Scorer` can do by topic: :meth:`score_topics` (a mixin)."""

    @reuses_memory
    def score_topics(
        self,
        events: Events,
        topics: Iterable[str] | None = None,
        *,
        as_of: Any = None,
        hashtags: bool = False,
        min_events: int = 1,
        topic_authority: bool = True,
    ) -> TopicScores:
        """Score every user on each topic: influence on what they post about.

        This scorer's score of the engagement a user's posts about the topic received,
        with every defence (the discounts' trust, the modifiers, the engagers'
        selectivity) judged once on the whole window: a farm cannot hide inside a topic.
        See :mod:`influence.scoring.topical` and docs/topics.md.

        Parameters
        ----------
        events : Events
        topics : iterable of str, optional
            The topics to score (case-folded; each must be a topic of *events*).
            Default: every topic with at least *min_events* events in the window.
        as_of : float, datetime or str, optional
            As for :meth:`score`.
        hashtags : bool, default False
            Also read topics from hashtags in the events' text
            (:data:`influence.events.topics.HASHTAG`).
        min_events : int, default 1
            Without *topics*, the fewest events a topic needs in the window to be scored
            (with hashtags, raise it: each topic scored costs a pass over its users).
        topic_authority : bool, default True
            For scorers with an :class:`~influence.components.Authority` signal without
            a teleport of its own: on each topic, PageRank teleports to the users who post
            about it, in proportion to their posts
            (:class:`~influence.components.TopicPosters`, TwitterRank's topic-specific
            teleport [2]_); ``False``: uniformly.

        Returns
        -------
        TopicScores

        See Also
        --------
        influence.events.topics.about : which events are about a topic.
        influence.evaluate.topic_validity.topic_validity : validity on generated data.

        References
        ----------
        .. [1] A. Rao, N. Spasojevic, Z. Li and T. Dsouza, "Klout score: Measuring
           influence across multiple social networks", IEEE Big Data 2015 (scores
           "influential about" topics).
        .. [2] J. Weng, E.-P. Lim, J. Jiang and Q. He, "TwitterRank: finding
           topic-sensitive influential twitterers", WSDM 2010.

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> ev = Events.from_records(
        ...     [{"time": 0, "actor": "ann", "action": "post", "post": "p1", "topics": "Travel"}]
        ...     + [{"time": t, "actor": f"fan{t}", "action": "share", "parent": "p1"}
        ...        for t in range(1, 4)])
        >>> Scorer().score_topics(ev).top("travel", 1)  # all of ann's engagement: her score
        [('ann', 21.49...)]
        >>> Scorer().score(ev)["ann"]
        21.49...
        """
        return score_topics(
            cast("Scorer", self),
            events,
            topics,
            as_of=as_of,
            hashtags=hashtags,
            min_events=min_events,
            topic_authority=topic_authority,
        )


def score_topics(
    scorer: Scorer,
    events: Events,
    topics: Iterable[str] | None = None,
    *,
    as_of: Any = None,
    hashtags: bool = False,
    min_events: int = 1,
    topic_authority: bool = True,
) -> TopicScores:
    """Score every user on each topic (:meth:`influence.Scorer.score_topics`)."""
    window, when, t = scoring_window(events, as_of)
    _validate.integer("Scorer.score_topics", "min_events", min_events, low=1)
    for name, flag in (("hashtags", hashtags), ("topic_authority", topic_authority)):
        if not isinstance(flag, bool):
            raise ValueError(
                f"The {name!r} parameter of Scorer.score_topics must be one of [True, False]. "
                f"Got {flag!r} instead."
            )
    wanted = _wanted(events, topics, hashtags)
    index = topic_index(window, hashtags=hashtags)
    sizes = np.diff(index.starts)
    if wanted is None:
        chosen = [name for name, size in zip(index.names, sizes) if size >= min_events]
    else:
        chosen = wanted
    per_topic = _topic_sensitive(scorer) if topic_authority else scorer
    named = per_topic.signals + scorer.discounts + scorer.modifiers
    k_s, k_d = len(scorer.signals), len(scorer.discounts)
    roles = ("signal",) * k_s + ("discount",) * k_d + ("modifier",) * len(scorer.modifiers)
    config = scorer.to_config(strict=False)

    def one(topic: str) -> tuple[Scores, int]:
        """The topic's scores (its events, with the trust judged on the whole window)
        and its number of events."""
        j = index.names.index(topic) if topic in index.names else -1
        rows = index.rows[index.starts[j] : index.starts[j + 1]] if j >= 0 else index.rows[:0]
        plain, users = restrict(window, topic_events(window, topic, hashtags=hashtags))
        given = plain if window.trust is None else plain.with_trust(window.trust[rows])
        judged = plain.with_trust(trusted.trust[rows]) if trusted.trust is not None else given
        raw, contributions, evidence = per_topic._signals(judged, t)
        full = raw
        if scorer.discounts:
            full, contributions, evidence = per_topic._signals(given, t)
        evidence += [_take(ev, users) for ev in shared]
        final, parts = compose(
            scorer.calibration, raw, full, contributions, removed[users], factors[users]
        )
        scores = Scores(
            users=plain.users,
            values=final,
            parts=parts,
            names=tuple(n for n, _ in named),
            roles=roles,
            evidence=tuple(evidence),
            components=tuple(c for _, c in named),
            as_of=when,
            config=config,
        )
        return scores, int(rows.size)

    # The defences once, on the whole window; then the topics side by side (each on
    # its own tables: results in the topics' order, the same for any thread count).
    with Lanes(threads_for(c for _, c in named + scorer.signals)) as lanes:
        trusted, discount_evidence, removed = scorer._discount(
            window, t, scorer._judging(window, t, lanes)
        )
        factors, modifier_evidence = scorer._modify(trusted, t, lanes)
        shared = discount_evidence + modifier_evidence
        found = lanes.map(one, chosen)
    out = [scores for scores, _ in found]
    counts = [count for _, count in found]
    return TopicScores(
        topics=tuple(chosen),
        scores=tuple(out),
        events=tuple(counts),
        as_of=when,
        hashtags=hashtags,
    )


def _wanted(events: Events, topics: Iterable[str] | None, hashtags: bool) -> list[str] | None:
    """The topics asked for, case-folded, distinct and sorted, each one the log knows."""
    if topics is None:
        return None
    if isinstance(topics, str):
        topics = [topics]
    asked = list(topics)
    bad = [t for t in asked if not isinstance(t, str)]
    if bad:
        raise ValueError(
            f"The 'topics' parameter of Scorer.score_topics must hold strings; got {bad[0]!r}"
        )
    known = topic_names(events, hashtags=hashtags)
    unknown = sorted({t for t in asked if t.casefold() not in known})
    if unknown:
        shown = ", ".join(repr(t) for t in known[:20]) + (", ..." if len(known) > 20 else "")
        hint = "" if hashtags else " (hashtags=True also reads #tags in the text)"
        raise ValueError(
            f"The 'topics' parameter of Scorer.score_topics names topics no event is about: "
            f"{unknown}; allowed: [{shown}]{hint}"
        )
    return sorted({t.casefold() for t in asked})


def _take(evidence: Evidence, users: np.ndarray) -> Evidence:
    """A component's per-user evidence, for the users of a topic (by their window index)."""
    details = {k: np.asarray(v)[users] for k, v in evidence.details.items()}
    return Evidence(np.asarray(evidence.values)[users], details)


def _topic_sensitive(scorer: Scorer) -> Scorer:
    """*scorer* with each Authority signal that has no teleport teleporting to the
    topic's posters (:class:`TopicPosters` on its window)."""
    signals = tuple(
        (name, dataclasses.replace(c, teleport=TopicPosters(window_days=c.window_days)))
        if isinstance(c, Authority) and c.teleport is None
        else (name, c)
        for name, c in scorer.signals
    )
    return scorer if signals == scorer.signals else dataclasses.replace(scorer, signals=signals)
