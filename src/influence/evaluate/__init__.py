"""Predictive validity: whether today's scores predict the engagement users receive next.

Influence is measured the way it would be used: score everyone on the events
up to a cut-off, then compare the ranking with what each user *receives* from
other people after it. A score that ranks users no better than a count of
their past engagement adds nothing; the named baselines here, measured in the
same run on the same users, say whether it does.

- :func:`predictive_validity` (one cut-off) and :func:`rolling_validity`
  (several, averaged) return a :class:`ValidityReport`: one row per method
  (the scorer, then each baseline), one column per metric.
- Metrics, pure functions on float arrays: :func:`spearman`,
  :func:`ndcg_at_k`, :func:`precision_at_k`.
- Baselines, ``(events, as_of) -> one value per user``:
  :func:`received_count`, :func:`distinct_engagers`, :func:`recency_received`,
  :func:`engagement_pagerank`, :func:`follower_count` (see :data:`BASELINES`);
  :class:`RecencyReceived` at any time scale. All but PageRank are doors over
  signal components a :class:`~influence.Scorer` takes too:
  :class:`ReceivedCount`, :class:`DistinctEngagerCount`,
  :class:`RecencyReceived`, :class:`FollowerCount`.
- :func:`rank_stability`: how much each method's ranking moves from one
  cut-off to the next (a :class:`StabilityReport`), the other side of
  forecasting well; :func:`rolling_cutoffs` for the rolling protocols.
- :func:`decile_table` and :func:`plot_deciles` (matplotlib, imported only
  when called): future engagement per score decile.
- :func:`signed_rank_report`: for signed ratings (Bitcoin OTC), where the
  users whose received ratings are net negative fall in the ranking.
- :func:`defence_audit`: whether the users each defence (Reciprocity,
  Credibility, Authenticity) discounts go on to receive less than the users
  it spares at the same undefended score (a :class:`DefenceAudit`).
- The protocol's choices and defaults, read by the command line too:
  :data:`TARGETS` (what the future is measured by), :data:`POPULATIONS`
  (which scored users are evaluated), :data:`DEFAULT_METRICS`,
  :data:`STABILITY_METRICS`, and :data:`MIN_CUTOFFS` (the fewest cut-offs a
  rolling comparison resamples).

Examples
--------
>>> from influence import Events
>>> from influence.evaluate import predictive_validity
>>> likes = [(1, "bob", "ann"), (2, "cy", "ann"), (3, "ann", "bob"), (4, "dee", "ann"),
...          (5, "ann", "cy"), (11, "bob", "ann"), (12, "cy", "ann"), (13, "dee", "ann"),
...          (14, "ann", "cy"), (15, "eve", "bob")]  # (day of May 2024, actor, target)
>>> events = Events.from_records([
...     {"time": f"2024-05-{day:02d}T12:00:00Z", "actor": a, "action": "like", "target": b}
...     for day, a, b in likes])
>>> report = predictive_validity(events, cutoff="2024-05-10", horizon=6 * 86400,
...                              metrics=["spearman", "ndcg@2", "precision@1"])
>>> print(report)
Predictive validity at 2024-05-10T00:00:00Z: 4 users, distinct_engagers received in the next 6 days
method             spearman   ndcg@2  precision@1
scorer                0.949    1.000        1.000
received_count        1.000    1.000        1.000
distinct_engagers     1.000    1.000        1.000
recency_received      0.949    1.000        1.000
pagerank              1.000    1.000        1.000
>>> report.best("spearman")
'received_count'
"""

from influence.datasets.loaders import Ratings
from influence.evaluate.audit import DEFENCES, defence_audit
from influence.evaluate.audit_report import DefenceAudit, DefenceRow
from influence.evaluate.baselines import (
    BASELINES,
    Baseline,
    DistinctEngagerCount,
    FollowerCount,
    ReceivedCount,
    RecencyReceived,
    ScorerBaseline,
    distinct_engagers,
    engagement_pagerank,
    follower_count,
    received,
    received_count,
    recency_received,
)
from influence.evaluate.metrics import ndcg_at_k, precision_at_k, spearman
from influence.evaluate.plots import plot_deciles
from influence.evaluate.protocol import POPULATIONS, TARGETS, ScorerLike
from influence.evaluate.signed import SignedRankReport, signed_rank_report
from influence.evaluate.stability import STABILITY_METRICS, StabilityReport, rank_stability
from influence.evaluate.validity import (
    DEFAULT_METRICS,
    predictive_validity,
    rolling_cutoffs,
    rolling_validity,
)
from influence.evaluate.validity_report import MIN_CUTOFFS, Comparison, ValidityReport, decile_table

__all__ = [
    "BASELINES",
    "Baseline",
    "Comparison",
    "DEFAULT_METRICS",
    "DEFENCES",
    "DefenceAudit",
    "DefenceRow",
    "DistinctEngagerCount",
    "FollowerCount",
    "MIN_CUTOFFS",
    "POPULATIONS",
    "Ratings",
    "ReceivedCount",
    "RecencyReceived",
    "STABILITY_METRICS",
    "ScorerBaseline",
    "ScorerLike",
    "SignedRankReport",
    "StabilityReport",
    "TARGETS",
    "ValidityReport",
    "decile_table",
    "defence_audit",
    "distinct_engagers",
    "engagement_pagerank",
    "follower_count",
    "ndcg_at_k",
    "plot_deciles",
    "precision_at_k",
    "predictive_validity",
    "rank_stability",
    "received",
    "received_count",
    "recency_received",
    "rolling_cutoffs",
    "rolling_validity",
    "signed_rank_report",
    "spearman",
]
