"""Predictive validity: the harness, its metrics, baselines and reports."""

from __future__ import annotations

import datetime as _dt
import importlib
import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.stats import rankdata

from influence import _progress, _validate
from influence._time import STANDING
from influence.datasets.loaders import Ratings
from influence.evaluate import bootstrap as _bootstrap
from influence.evaluate.audit import DEFENCES, DefenceAudit, DefenceRow, defence_audit
from influence.evaluate.reports import MethodTable
from influence.evaluate.reports import frame as _frame
from influence.evaluate.reports import freeze as _freeze
from influence.evaluate.reports import html_table as _html_table
from influence.evaluate.reports import markdown as _markdown
from influence.evaluate.reports import span as _span
from influence.evaluate.reports import text_table as _text_table
from influence.events import actions as _actions
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.exceptions import HorizonWarning
from influence.graph import pagerank
from influence.kernels import count_distinct_pairs, recency_weights
from influence.scoring.scorer import Scorer
from influence.scoring.scores import Scores

__all__ = [
    "BASELINES",
    "DEFAULT_METRICS",
    "DEFENCES",
    "STABILITY_METRICS",
    "Baseline",
    "Comparison",
    "DefenceAudit",
    "DefenceRow",
    "Ratings",
    "RecencyReceived",
    "ScorerBaseline",
    "ScorerLike",
    "SignedRankReport",
    "StabilityReport",
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
    "received",
    "received_count",
    "rank_stability",
    "rolling_cutoffs",
    "recency_received",
    "rolling_validity",
    "signed_rank_report",
    "spearman",
]

FloatArray = NDArray[np.float64]

#: ``(events, as_of) -> one float per user of events.users``; must ignore events after as_of.
Baseline = Callable[[Events, float], ArrayLike]

#: The metrics reported when none are named.
DEFAULT_METRICS: tuple[str, ...] = ("spearman", "ndcg@100", "precision@100")
#: The metrics :func:`rank_stability` reports when none are named.
STABILITY_METRICS: tuple[str, ...] = ("spearman", "precision@100")

_ENGAGEMENT = _actions.mask_of(_actions.ENGAGEMENTS)
_TARGETS = ("distinct_engagers", "engagements")
#: Fewest cut-offs, with both methods defined, that a rolling comparison resamples.
_MIN_CUTOFFS = 5
_POPULATIONS = ("scored", "receivers")
#: The options rolling_validity passes on to predictive_validity.
_ROLLING_OPTIONS = frozenset({"metrics", "baselines", "target", "population"})
#: Share of the horizon that may lie after the last event before predictive_validity warns
#: (a log's last event is rarely at the very end of what it covers).
_HORIZON_SLACK = 0.1


class ScorerLike(Protocol):
    """What :func:`predictive_validity` needs of a scorer: :meth:`influence.Scorer.score`."""

    def score(self, events: Events, as_of: Any = None) -> Scores: ...


def _positions(events: Events, scores: Scores, who: str = "the scorer") -> NDArray[np.intp]:
    """Where each scored user sits in ``events.users``; an error for users it does not hold."""
    index = events.users.indices(scores.users.ids)
    if (index < 0).any():
        raise ValueError(f"{who} returned users that are not in events.users")
    return np.asarray(index, dtype=np.intp)


# ---------------------------------------------------------------------------- metrics
def _pair(owner: str, score: ArrayLike, truth: ArrayLike) -> tuple[FloatArray, FloatArray]:
    s = np.asarray(score, dtype=np.float64)
    t = np.asarray(truth, dtype=np.float64)
    if s.ndim != 1 or s.shape != t.shape:
        raise ValueError(
            f"{owner} needs two 1-D arrays of the same length; got shapes {s.shape} and {t.shape}"
        )
    if not (np.isfinite(s).all() and np.isfinite(t).all()):
        raise ValueError(f"{owner} needs finite values (no NaN or infinity)")
    return s, t


def _ranked(values: FloatArray, k: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The users who can reach the top *k* (``k >= 1``), best first, and where tie groups start.

    They are the users at or above the *k*-th largest value: a partition finds
    it, only the users strictly above it are sorted, and the whole tie group at
    it (which may run past the *k*-th place) follows, unsorted. The second array
    holds the positions, in the first, where a run of equal values begins.
    """
    if k >= values.size:
        users = _bootstrap.best_first(values)
    else:
        negated = -values
        kth = np.partition(negated, k - 1)[k - 1]
        above = np.flatnonzero(negated < kth)
        users = np.concatenate(
            [above[np.argsort(negated[above], kind="stable")], np.flatnonzero(negated == kth)]
        )
    ordered = values[users]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return users, starts


def _top_chances(values: FloatArray, k: int) -> tuple[NDArray[np.intp], FloatArray]:
    """The users who can be in the top *k*, and the chance each is, over random tie-breaks.

    1 for users strictly inside; for the tie group straddling the *k*-th place,
    the places it has left over its size.
    """
    users, starts = _ranked(values, k)
    sizes = np.diff(np.r_[starts, users.size])
    inside = np.minimum(sizes, k - starts)  # every group starts before the k-th place
    return users, np.repeat(inside / sizes, sizes)


def _largest(values: FloatArray, k: int) -> FloatArray:
    """The *k* largest values, in no particular order (one partition, no full sort)."""
    return values if k >= values.size else np.partition(values, values.size - k)[-k:]


def spearman(score: ArrayLike, truth: ArrayLike) -> float:
    """Spearman's rank correlation between scores and what users then received.

    The Pearson correlation of the two arrays' ranks, tied values sharing
    their average rank (the usual tie correction).

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
        Finite values, one per user, in the same order.

    Returns
    -------
    float
        In ``[-1, 1]``; ``nan`` when it is undefined: fewer than two users, or
        either array constant (for example nobody received anything).

    Examples
    --------
    >>> from influence.evaluate import spearman
    >>> spearman([3.0, 2.0, 1.0], [30, 20, 10]), spearman([3.0, 2.0, 1.0], [1, 2, 3])
    (1.0, -1.0)
    >>> spearman([1.0, 2.0, 3.0], [0, 0, 0])
    nan
    """
    s, t = _pair("spearman", score, truth)
    if s.size < 2:
        return math.nan
    rs = np.asarray(rankdata(s), dtype=np.float64)
    rt = np.asarray(rankdata(t), dtype=np.float64)
    rs -= rs.mean()
    rt -= rt.mean()
    denominator = math.sqrt(float(rs @ rs) * float(rt @ rt))
    if denominator == 0.0:
        return math.nan
    return float(np.clip(float(rs @ rt) / denominator, -1.0, 1.0))


def ndcg_at_k(score: ArrayLike, truth: ArrayLike, k: int) -> float:
    r"""Normalised discounted cumulative gain of the top *k* by score, ties averaged.

    .. math::

        \mathrm{DCG@}k = \sum_{r=1}^{k} \frac{\bar g_{(r)}}{\log_2(r + 1)}, \qquad
        \mathrm{NDCG@}k = \frac{\mathrm{DCG@}k}{\mathrm{IDCG@}k}

    where :math:`\bar g_{(r)}` is the mean truth (the gain, used linearly:
    engagement counts are heavy-tailed, so ``2**g - 1`` would overflow) of the
    users whose score ties with that of the user ranked :math:`r`-th, and IDCG
    the same sum with users in order of truth (where ties do not matter: tied
    users have equal gains). Equivalently, each member of a group of tied
    scores at ranks :math:`p..q` gets the average discount of those ranks,
    ranks beyond *k* counting 0:
    :math:`\frac{1}{q - p + 1}\sum_{r=p}^{\min(q, k)} 1/\log_2(r + 1)`.
    That is the exact expected DCG when tied users are put in a uniformly
    random order [1]_, so the result does not depend on the order of users:
    any permutation applied to both arrays leaves it unchanged.

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
        Finite values; *truth* must be non-negative.
    k : int
        Positive; when larger than ``n`` all users are ranked.

    Returns
    -------
    float
        In ``[0, 1]``; ``nan`` when nobody has positive truth (IDCG is 0) or
        the arrays are empty.

    References
    ----------
    .. [1] F. McSherry and M. Najork, "Computing information retrieval
       performance measures efficiently in the presence of tied scores",
       ECIR 2008, LNCS 4956, pp. 414-421. doi:10.1007/978-3-540-78646-7_38

    Examples
    --------
    >>> from influence.evaluate import ndcg_at_k
    >>> ndcg_at_k([3.0, 2.0, 1.0], [5, 1, 0], k=2)
    1.0
    >>> round(ndcg_at_k([1.0, 2.0, 3.0], [5, 1, 0], k=2), 4)  # (0 + 1/log2(3)) / (5 + 1/log2(3))
    0.112

    Two users tie for the one place: each is first half the time.

    >>> ndcg_at_k([1.0, 1.0], [0, 5], k=1), ndcg_at_k([1.0, 1.0], [5, 0], k=1)
    (0.5, 0.5)
    """
    s, t = _pair("ndcg_at_k", score, truth)
    k = _validate.integer("ndcg_at_k", "k", k, low=1)
    if (t < 0).any():
        raise ValueError("ndcg_at_k needs non-negative truth (gains)")
    k = min(k, s.size)
    if k == 0:
        return math.nan
    discount = _bootstrap.discount(k)
    ideal = float(-np.sort(-_largest(t, k)) @ discount)
    if ideal == 0.0:
        return math.nan
    users, starts = _ranked(s, k)
    sizes = np.diff(np.r_[starts, users.size])
    means = np.add.reduceat(t[users], starts) / sizes  # each tie group's mean gain
    ranks = np.minimum(sizes, k - starts)  # how many of the top k ranks each group holds
    found = float(np.repeat(means, ranks) @ discount)
    return min(found / ideal, 1.0)  # above 1 only by rounding


def precision_at_k(score: ArrayLike, truth: ArrayLike, k: int) -> float:
    r"""Share of the top *k* by score that are also in the top *k* by truth, ties averaged.

    Users tied on the value at the *k*-th place, by score or by truth, are
    not all in: the top *k* then depends on how the tie is broken. The
    result is the exact expectation when each tie is broken uniformly at
    random, independently by score and by truth [1]_:

    .. math::

        \mathrm{precision@}k = \frac{1}{k} \sum_u P_s(u)\, P_t(u)

    where :math:`P_s(u)` is the chance that user :math:`u` is in the top *k*
    by score: 1 strictly inside it, :math:`\ell / m` for each of the
    :math:`m` users tied on the score at the *k*-th place when :math:`\ell`
    places are left for them, 0 below; :math:`P_t(u)` likewise by truth. When
    fewer than *k* users have positive truth, the users who received nothing
    share the places left. The result does not depend on the order of users:
    any permutation applied to both arrays leaves it unchanged.

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
        Finite values.
    k : int
        Positive; when larger than ``n`` it is ``n`` (and the result is 1).

    Returns
    -------
    float
        In ``[0, 1]``; ``nan`` when the arrays are empty or every truth value
        is zero (there is no top to find).

    References
    ----------
    .. [1] F. McSherry and M. Najork, "Computing information retrieval
       performance measures efficiently in the presence of tied scores",
       ECIR 2008, LNCS 4956, pp. 414-421. doi:10.1007/978-3-540-78646-7_38

    Examples
    --------
    >>> from influence.evaluate import precision_at_k
    >>> precision_at_k([4.0, 3.0, 2.0, 1.0], [0, 9, 8, 1], k=2)
    0.5
    >>> round(precision_at_k([1.0, 1.0, 1.0], [0, 0, 5], k=1), 4)  # the receiver is first 1 in 3
    0.3333

    Only user 0 received anything; the second place by truth goes to one of
    the three others, so the second by score is in it one time in three,
    whichever user that is:

    >>> round(precision_at_k([9, 1, 0, 0], [5, 0, 0, 0], k=2), 4)  # (1 + 1/3) / 2
    0.6667
    >>> round(precision_at_k([9, 0, 1, 0], [5, 0, 0, 0], k=2), 4)
    0.6667
    """
    s, t = _pair("precision_at_k", score, truth)
    k = _validate.integer("precision_at_k", "k", k, low=1)
    k = min(k, s.size)
    if k == 0 or not t.any():
        return math.nan
    by_score, p_score = _top_chances(s, k)
    by_truth, p_truth = _top_chances(t, k)
    chance = np.zeros(t.size)
    chance[by_truth] = p_truth
    return float(p_score @ chance[by_score]) / k


def _parse_metric(name: str, owner: str = "predictive_validity") -> tuple[str, int]:
    """``("spearman", 0)``, ``("ndcg", K)`` or ``("precision", K)``, or an error naming *owner*."""
    if name == "spearman":
        return name, 0
    head, sep, tail = name.partition("@")
    if sep and head in ("ndcg", "precision") and tail.isdigit() and int(tail) > 0:
        return head, int(tail)
    raise ValueError(
        f"The 'metrics' parameter of {owner} must name metrics among "
        f"'spearman', 'ndcg@K' and 'precision@K' (K a positive integer). Got {name!r}."
    )


def _metric(
    name: str, owner: str = "predictive_validity"
) -> Callable[[FloatArray, FloatArray], float]:
    kind, k = _parse_metric(name, owner)
    if kind == "spearman":
        return spearman
    if kind == "ndcg":
        return lambda s, t: ndcg_at_k(s, t, k)
    return lambda s, t: precision_at_k(s, t, k)


def _metrics(
    value: Any, owner: str = "predictive_validity"
) -> dict[str, Callable[[FloatArray, FloatArray], float]]:
    names = [value] if isinstance(value, str) else list(value)
    if not names:
        raise ValueError(f"The 'metrics' parameter of {owner} must name a metric.")
    return {name: _metric(name, owner) for name in names}


# ---------------------------------------------------------------------------- baselines
def _engagement_rows(events: Events, start: float, end: float) -> NDArray[np.intp]:
    """Rows of engagement with another user in ``(start, end]`` (rows are time-sorted)."""
    lo = int(np.searchsorted(events.time, start, side="right"))
    hi = int(np.searchsorted(events.time, end, side="right"))
    target, actor = events.target[lo:hi], events.actor[lo:hi]
    keep = _ENGAGEMENT[events.action[lo:hi]] & (target >= 0) & (actor != target)
    return np.flatnonzero(keep) + lo


def _received(events: Events, start: float, end: float, *, distinct: bool) -> FloatArray:
    rows = _engagement_rows(events, start, end)
    n = events.n_users
    if distinct:
        counts = count_distinct_pairs(events.target[rows], events.actor[rows], n, n)
        return counts.astype(np.float64)
    return np.bincount(events.target[rows], minlength=n).astype(np.float64)


def received(
    events: Events, start: Any = None, end: Any = None, *, distinct: bool = False
) -> FloatArray:
    """Engagement each user receives from others in ``(start, end]``.

    Engagement is a reply, share, like or mention by another user; follows,
    posts and self-interactions are not counted.

    Parameters
    ----------
    events : Events
    start, end : float, datetime or str, optional
        The window (epoch seconds, ``datetime`` or ISO 8601); ``None`` leaves
        that side open.
    distinct : bool, default False
        Count distinct engagers instead of engagement events.

    Returns
    -------
    ndarray of float64, shape (events.n_users,)

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import received
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "share", "target": "ann"},
    ...     {"time": 3, "actor": "ann", "action": "reply", "target": "ann"},
    ...     {"time": 4, "actor": "cy", "action": "follow", "target": "ann"},
    ... ])
    >>> received(ev).tolist(), received(ev, distinct=True).tolist()
    ([2.0, 0.0, 0.0], [1.0, 0.0, 0.0])
    """
    lo = -math.inf if start is None else to_epoch(start, name="start")
    hi = math.inf if end is None else to_epoch(end, name="end")
    return _received(events, lo, hi, distinct=distinct)


def received_count(events: Events, as_of: float) -> FloatArray:
    """Baseline: engagement events received from others at or before *as_of* (all history).

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import received_count
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 9, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> received_count(ev, 5.0).tolist()
    [2.0, 0.0, 0.0]
    """
    return _received(events, -math.inf, float(as_of), distinct=False)


def distinct_engagers(events: Events, as_of: float) -> FloatArray:
    """Baseline: distinct other users who engaged with a user at or before *as_of*.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import distinct_engagers
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "reply", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "mention", "target": "ann"},
    ... ])
    >>> distinct_engagers(ev, 3.0).tolist()
    [2.0, 0.0, 0.0]
    """
    return _received(events, -math.inf, float(as_of), distinct=True)


#: Window and half-life (days) of :func:`recency_received`: the house scorer's own.
RECENCY_WINDOW_DAYS = STANDING.window_days
RECENCY_HALF_LIFE_DAYS = STANDING.half_life_days


@dataclass(frozen=True)
class RecencyReceived:
    """Baseline: received engagement, each event weighted by its recency, at a chosen time scale.

    The weight of an engagement event of age :math:`a` is
    :func:`influence.kernels.recency_weights`: :math:`2^{-a/h}`
    inside the window, tapered to zero at its edge. The default time scale is
    the house scorer's (:func:`recency_received`); a shorter one asks whether
    a plain count of *recent* engagement predicts as well as the scorer
    (``RecencyReceived(half_life_days=0.25, window_days=7)`` is Momentum's
    time scale). A short half-life forecasts the next days well and churns
    from one day to the next: :func:`rank_stability` measures that side.

    Parameters
    ----------
    half_life_days : float, default 30
        Positive.
    window_days : float, default 90
        Positive; engagement older than this weighs nothing.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import RecencyReceived
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 86400, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> [round(v, 3) for v in RecencyReceived(half_life_days=1, window_days=7)(ev, 86400).tolist()]
    [1.475, 0.0, 0.0]
    """

    half_life_days: float = RECENCY_HALF_LIFE_DAYS
    window_days: float = RECENCY_WINDOW_DAYS

    def __post_init__(self) -> None:
        for name in ("half_life_days", "window_days"):
            _validate.number("RecencyReceived", name, getattr(self, name), low=0.0, low_open=True)

    def __call__(self, events: Events, as_of: float) -> FloatArray:
        """Recency-weighted engagement received at or before *as_of*, one value per user."""
        as_of = float(as_of)
        rows = _engagement_rows(events, -math.inf, as_of)
        weights = recency_weights(as_of - events.time[rows], self.window_days, self.half_life_days)
        return np.bincount(events.target[rows], weights=weights, minlength=events.n_users).astype(
            np.float64
        )


def recency_received(events: Events, as_of: float) -> FloatArray:
    """Baseline: received engagement, each event weighted by its recency.

    ``RecencyReceived()`` (:class:`RecencyReceived`): the house scorer's
    window (90 days) and half-life (30 days). The same parameters are used for
    every log: on a log a few days long (Higgs) the weights are all close to 1
    and this baseline is close to :func:`received_count`.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import recency_received
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 30 * 86400, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> [round(v, 3) for v in recency_received(ev, 30 * 86400.0).tolist()]
    [1.375, 0.0, 0.0]
    """
    return _HOUSE_RECENCY(events, as_of)


_HOUSE_RECENCY = RecencyReceived()


@dataclass(frozen=True)
class ScorerBaseline:
    """Baseline: another scorer's scores, so that two configurations meet in one report.

    Scores the past it is handed (``scorer.score(events, as_of=as_of)``); users
    it does not score count as 0 (the bottom, for scorers whose scores are
    non-negative, as the house scorer's are). With it, :meth:`ValidityReport.compare` puts
    a paired interval on the difference between two scorers, and
    :func:`rank_stability` compares their churn.

    Parameters
    ----------
    scorer : Scorer
        Anything with ``score(events, as_of=...) -> Scores``.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> from influence.evaluate import ScorerBaseline
    >>> ev = Events.from_records([
    ...     {"time": t, "actor": a, "action": "like", "target": "ann"}
    ...     for t, a in [(1, "bob"), (2, "cy")]])
    >>> weekly = ScorerBaseline(Scorer.house(half_life_days=7, window_days=21))
    >>> [round(v, 1) for v in weekly(ev, 2.0).tolist()]  # ann, bob, cy
    [16.8, 0.0, 0.0]
    """

    scorer: ScorerLike

    def __post_init__(self) -> None:
        if isinstance(self.scorer, type) or not callable(getattr(self.scorer, "score", None)):
            raise TypeError(
                "The 'scorer' parameter of ScorerBaseline must have a score(events, as_of=...) "
                f"method; got {self.scorer!r}"
            )

    def __call__(self, events: Events, as_of: float) -> FloatArray:
        """The scorer's score of each user of ``events.users`` (0 for users it leaves out)."""
        scores = self.scorer.score(events, as_of=as_of)
        index = _positions(events, scores, f"ScorerBaseline({self.scorer!r})")
        out = np.zeros(events.n_users)
        out[index] = np.asarray(scores.values, dtype=np.float64)
        return out


def engagement_pagerank(events: Events, as_of: float) -> FloatArray:
    """Baseline: plain PageRank on the engagement graph up to *as_of* (damping 0.85).

    Edge ``v -> u`` weighs the number of engagement events (reply, share, like,
    mention) by ``v`` on ``u`` at or before *as_of*; self-loops are left out.
    Computed with :func:`influence.graph.pagerank`. Values sum to 1 over
    ``events.users``.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import engagement_pagerank
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> rank = engagement_pagerank(ev, 2.0)
    >>> bool(rank[0] > rank[1] == rank[2]), round(float(rank.sum()), 12)
    (True, 1.0)
    """
    rows = _engagement_rows(events, -math.inf, float(as_of))
    n = events.n_users
    adjacency = sparse.csr_array(
        (np.ones(rows.size), (events.actor[rows], events.target[rows])), shape=(n, n)
    )
    return pagerank(adjacency, damping=0.85)


def _follow_rows(events: Events, as_of: float) -> NDArray[np.intp]:
    stop = int(np.searchsorted(events.time, as_of, side="right"))
    actor, target = events.actor[:stop], events.target[:stop]
    keep = (events.action[:stop] == _actions.FOLLOW) & (target >= 0) & (actor != target)
    return np.flatnonzero(keep)


def follower_count(events: Events, as_of: float) -> FloatArray:
    """Baseline: distinct users who followed a user at or before *as_of*.

    Unfollows are not part of the event model, so this counts everyone who
    ever followed.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import follower_count
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "follow", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "follow", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "follow", "target": "ann"},
    ... ])
    >>> follower_count(ev, 3.0).tolist()
    [2.0, 0.0, 0.0]
    """
    rows = _follow_rows(events, float(as_of))
    n = events.n_users
    return count_distinct_pairs(events.target[rows], events.actor[rows], n, n).astype(np.float64)


#: The named baselines, in report order. ``"followers"`` is included by default
#: only when the scored window has follow events.
BASELINES: Mapping[str, Baseline] = MappingProxyType(
    {
        "received_count": received_count,
        "distinct_engagers": distinct_engagers,
        "recency_received": recency_received,
        "pagerank": engagement_pagerank,
        "followers": follower_count,
    }
)


def _baselines(
    value: Any, past: Events, cut: float, owner: str = "predictive_validity"
) -> dict[str, Baseline]:
    if value is None:
        chosen = dict(BASELINES)
        if not _follow_rows(past, cut).size:
            del chosen["followers"]
        return chosen
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, str):
        items = [(value, None)]
    else:
        items = [(name, None) for name in value]
    out: dict[str, Baseline] = {}
    for name, func in items:
        if func is None:
            if name not in BASELINES:
                raise ValueError(
                    f"The 'baselines' parameter of {owner} must name baselines "
                    f"among {list(BASELINES)} or map names to callables. Got {name!r}."
                )
            func = BASELINES[name]
        if not isinstance(name, str) or name == "scorer" or not callable(func):
            raise ValueError(
                f"The 'baselines' parameter of {owner} must map names other than "
                f"'scorer' to callables (events, as_of) -> array. Got {name!r}: {func!r}."
            )
        out[name] = func
    return out


# ---------------------------------------------------------------------------- reports
def _empty() -> FloatArray:
    return np.zeros(0)


@dataclass(frozen=True)
class Comparison:
    """One method against another on one metric, with a paired bootstrap interval.

    Returned by :meth:`ValidityReport.compare`.

    Attributes
    ----------
    metric, method, baseline : str
    difference : float
        ``metric(method) - metric(baseline)`` on the data as it is (for a
        rolling report: the mean over cut-offs of the per-cut-off differences).
    low, high : float
        Percentile bootstrap interval of the difference at *level*.
    level : float
        Coverage of the interval (0.95: a 95% interval).
    resamples : int
        Bootstrap draws on which the metric was defined for both methods.
    unit : str
        What was resampled: ``"users"`` or ``"cut-offs"``.
    ahead : float
        Share of the draws in which *method* scored higher than *baseline*.
    """

    metric: str
    method: str
    baseline: str
    difference: float
    low: float
    high: float
    level: float
    resamples: int
    unit: str
    ahead: float

    @property
    def verdict(self) -> Literal["ahead", "behind", "not distinguishable"]:
        """``"ahead"`` (the interval is above 0), ``"behind"`` or ``"not distinguishable"``."""
        if self.low > 0:
            return "ahead"
        if self.high < 0:
            return "behind"
        return "not distinguishable"

    def __str__(self) -> str:
        return (
            f"{self.method} - {self.baseline} on {self.metric}: {self.difference:+.4f} "
            f"({self.level:.0%} interval {self.low:+.4f} to {self.high:+.4f}; {self.verdict}; "
            f"ahead in {self.ahead:.0%} of {self.resamples} resamples of {self.unit})"
        )


@dataclass(frozen=True)
class ValidityReport(MethodTable):
    """Predictive validity of a scorer and of baselines, measured in one run.

    Attributes
    ----------
    table : mapping
        ``{method: {metric: value}}``; ``"scorer"`` first, then the baselines
        in the order given. For a rolling report, each value is the mean over
        the cut-offs where it is defined (not ``nan``).
    cutoff : float
        The cut-off (epoch seconds); for a rolling report, the first one.
    horizon : float
        Length of the future window, seconds.
    population : int
        Users evaluated; for a rolling report, summed over the cut-offs.
    target : str
        What the future is measured by: ``"distinct_engagers"`` or
        ``"engagements"`` received in ``(cutoff, cutoff + horizon]``.
    users : ndarray
        Ids of the evaluated users (empty for a rolling report).
    truth : ndarray of float64
        What each of them received next (empty for a rolling report).
    values : mapping of str to ndarray
        Each method's value per evaluated user (empty for a rolling report).
    runs : tuple of ValidityReport
        For a rolling report, the report of each cut-off; empty otherwise.
    """

    table: Mapping[str, Mapping[str, float]]
    cutoff: float
    horizon: float
    population: int
    target: str = "distinct_engagers"
    users: NDArray[Any] = field(default_factory=_empty, repr=False, compare=False)
    truth: FloatArray = field(default_factory=_empty, repr=False, compare=False)
    values: Mapping[str, FloatArray] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )
    runs: tuple[ValidityReport, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _freeze(self.table))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @property
    def cutoffs(self) -> tuple[float, ...]:
        """Every cut-off: one, or those of a rolling report's runs."""
        return tuple(r.cutoff for r in self.runs) if self.runs else (self.cutoff,)

    def best(self, metric: str) -> str:
        """The method with the highest finite value of *metric* (first in table order on ties)."""
        if metric not in self.metrics:
            raise ValueError(f"unknown metric {metric!r}; this report has {list(self.metrics)}")
        finite = {m: row[metric] for m, row in self.table.items() if math.isfinite(row[metric])}
        if not finite:
            raise ValueError(f"no method has a finite {metric!r} (nobody received anything?)")
        return max(finite, key=lambda m: finite[m])

    def compare(
        self,
        metric: str,
        baseline: str,
        method: str = "scorer",
        *,
        resamples: int = 1000,
        level: float = 0.95,
        seed: int = 0,
    ) -> Comparison:
        """How far *method* is ahead of *baseline* on *metric*, with a bootstrap interval.

        A paired percentile bootstrap: each of *resamples* draws picks the
        evaluated users with replacement (for a rolling report: the cut-offs)
        and measures both methods on the same draw, so the interval is for the
        *difference*, which is much narrower than either metric's own. When
        the interval excludes 0 the difference is unlikely to be an accident
        of which users (or weeks) happened to be in the data; when it
        straddles 0 the two methods are not told apart by this data.

        Parameters
        ----------
        metric : str
            A metric of this report (``"spearman"``, ``"ndcg@100"``, ...).
        baseline, method : str
            Methods of this report (``method`` defaults to the scorer).
        resamples : int, default 1000
            Bootstrap draws (at least 10).
        level : float, default 0.95
            Coverage of the interval, in ``(0, 1)``.
        seed : int, default 0
            Seed of the draws: the same seed gives the same interval.

        Returns
        -------
        Comparison

        Raises
        ------
        ValueError
            For an unknown method or metric, invalid parameters, a metric
            undefined on every draw, or a rolling report with fewer than 5
            cut-offs where both methods are defined (too few to resample).

        Examples
        --------
        >>> from influence.evaluate import ValidityReport
        >>> report = ValidityReport(
        ...     table={"scorer": {"spearman": 1.0}, "flat": {"spearman": -1.0}},
        ...     cutoff=0.0, horizon=1.0, population=4, users=np.arange(4),
        ...     truth=np.array([0.0, 1.0, 2.0, 3.0]),
        ...     values={"scorer": np.array([1.0, 2.0, 3.0, 4.0]),
        ...             "flat": np.array([4.0, 3.0, 2.0, 1.0])})
        >>> c = report.compare("spearman", "flat", resamples=200)
        >>> c.difference, c.verdict
        (2.0, 'ahead')
        """
        owner = "ValidityReport.compare"
        for name, value in (("method", method), ("baseline", baseline)):
            _validate.choice(owner, name, value, self.methods)
        _validate.choice(owner, "metric", metric, self.metrics)
        resamples = _validate.integer(owner, "resamples", resamples, low=10)
        seed = _validate.integer(owner, "seed", seed, low=0)
        level = _validate.number(
            owner, "level", level, low=0.0, high=1.0, low_open=True, high_open=True
        )
        if self.runs:
            # A baseline can be missing at some cut-offs ("followers" where nobody followed).
            found = (
                [r.table.get(method, {}) for r in self.runs],
                [r.table.get(baseline, {}) for r in self.runs],
            )
            a, b = (np.array([row.get(metric, math.nan) for row in rows]) for rows in found)
            keep = np.isfinite(a) & np.isfinite(b)
            per_run = (a - b)[keep]
            if per_run.size < _MIN_CUTOFFS:
                raise ValueError(
                    f"{metric!r} is defined for both {method!r} and {baseline!r} at "
                    f"{per_run.size} cut-off(s); an interval needs at least {_MIN_CUTOFFS}"
                )
            difference = float(per_run.mean())
            spread = np.array(
                [
                    float(w @ per_run) / float(w.sum())
                    for w in _bootstrap.draws(per_run.size, resamples, seed)
                ]
            )
            unit = "cut-offs"
        else:
            if not self.values:
                raise ValueError("this report keeps no per-user values to resample")
            x, y, truth = self.values[method], self.values[baseline], self.truth
            difference = self.table[method][metric] - self.table[baseline][metric]
            samples = _bootstrap.draws(truth.size, resamples, seed)
            kind, k = _parse_metric(metric)
            if kind == "spearman":
                spread = _bootstrap.spearman_differences(x, y, truth, samples)
            elif kind == "ndcg":
                spread = _bootstrap.ndcg_differences(x, y, truth, k, samples)
            else:
                spread = _bootstrap.precision_differences(x, y, truth, k, samples)
            unit = "users"
        spread = spread[np.isfinite(spread)]
        if not spread.size:
            raise ValueError(f"{metric!r} is undefined on every resample")
        tail = (1.0 - level) / 2.0
        low, high = np.quantile(spread, [tail, 1.0 - tail])
        return Comparison(
            metric=metric,
            method=method,
            baseline=baseline,
            difference=float(difference),
            low=float(low),
            high=float(high),
            level=level,
            resamples=int(spread.size),
            unit=unit,
            ahead=float((spread > 0).mean()),
        )

    def stability(self, metrics: Iterable[str] | None = None) -> StabilityReport:
        """How much each method's ranking moves from one cut-off to the next, without re-scoring.

        For a rolling report: :func:`rank_stability` at the same cut-offs, computed from
        the values the report keeps, over the users evaluated at both cut-offs of each
        step (with ``population="receivers"``, only receivers). With the default
        population it equals ``rank_stability(events, cutoffs, scorer, baselines=...)``.
        *metrics* default to the report's own rank metrics (its metrics but NDCG,
        which would read values as gains), or :data:`STABILITY_METRICS` if it has none.

        Examples
        --------
        >>> from influence import Events
        >>> from influence.evaluate import rolling_validity
        >>> rows = [(1, "bob", "ann"), (2, "cy", "ann"), (11, "bob", "ann"),
        ...         (12, "ann", "cy"), (21, "dee", "cy"), (22, "bob", "ann"), (33, "cy", "ann")]
        >>> events = Events.from_records(
        ...     [{"time": t, "actor": a, "action": "like", "target": b} for t, a, b in rows])
        >>> report = rolling_validity(events, [10, 20, 30], 3, baselines=["received_count"])
        >>> report.stability(["precision@1"]).table["received_count"]["precision@1"]
        1.0
        """
        if len(self.runs) < 2:
            raise ValueError(
                "stability needs a rolling report with two cut-offs or more "
                f"(rolling_validity); this one has {max(len(self.runs), 1)}"
            )
        if metrics is None:
            metrics = [m for m in self.metrics if not m.startswith("ndcg@")] or STABILITY_METRICS
        measures = _rank_metrics(metrics, "ValidityReport.stability")
        snapshots = [(np.asarray(r.users), r.values) for r in self.runs]
        return _stability(snapshots, self.cutoffs, measures)

    def decile_means(self, method: str = "scorer", bins: int = 10) -> FloatArray:
        """Mean future engagement per decile of *method*'s values, lowest decile first.

        The second column of :func:`decile_table` for one cut-off; for a
        rolling report, the mean over the cut-offs of each decile's mean (what
        :func:`plot_deciles` draws).

        Examples
        --------
        >>> from influence import Events
        >>> from influence.evaluate import predictive_validity
        >>> rows = [(1, "bob", "ann"), (2, "cy", "ann"), (3, "ann", "bob"), (11, "dee", "ann")]
        >>> events = Events.from_records(
        ...     [{"time": t, "actor": a, "action": "like", "target": b} for t, a, b in rows])
        >>> report = predictive_validity(events, 10, 1, baselines=["received_count"])
        >>> report.decile_means("received_count", bins=3).tolist()  # ann on top receives 1
        [0.0, 0.0, 1.0]
        """
        if method not in self.table:
            raise ValueError(f"unknown method {method!r}; this report has {list(self.methods)}")
        bins = _validate.integer("ValidityReport.decile_means", "bins", bins, low=1)
        return _decile_means(self, method, bins)

    def _header(self) -> str:
        if self.runs:
            when = (
                f", mean over {len(self.runs)} cut-offs from {format_time(self.runs[0].cutoff)} "
                f"to {format_time(self.runs[-1].cutoff)}"
            )
            users = "user-cut-offs"
        else:
            when = f" at {format_time(self.cutoff)}"
            users = "users"
        return (
            f"Predictive validity{when}: {self.population:,} {users}, "
            f"{self.target} received in the next {_span(self.horizon)}"
        )


def _duration(value: Any, owner: str = "predictive_validity", name: str = "horizon") -> float:
    """Positive seconds from a number, ``datetime.timedelta`` (pandas too) or ``timedelta64``."""
    given = value
    if isinstance(value, _dt.timedelta):
        value = value.total_seconds()
    elif isinstance(value, np.timedelta64):
        unit = np.datetime_data(value.dtype)[0]
        if np.isnat(value) or unit not in _FIXED_UNITS:
            raise ValueError(
                f"The {name!r} parameter of {owner} must be a positive duration: seconds, a "
                "datetime.timedelta or a numpy.timedelta64 in weeks or a finer unit; got "
                f"{given!r}"
            )
        value = float(value / np.timedelta64(1, "s"))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return _validate.number(owner, name, value, low=0.0, low_open=True)
    raise ValueError(
        f"The {name!r} parameter of {owner} must be a positive duration: seconds, a "
        f"datetime.timedelta or a numpy.timedelta64; got {given!r}"
    )


#: numpy.timedelta64 units of a fixed length (months and years vary; unitless is no unit).
_FIXED_UNITS = frozenset({"W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"})


def rolling_cutoffs(events: Events, step: Any, horizon: Any) -> list[float]:
    """Cut-offs every *step* from the first event, while a whole *horizon* follows in the log.

    The cut-offs ``start + step, start + 2 step, ...`` (epoch seconds) with
    ``cutoff + horizon <= events.end``: the protocol of the rolling reports in
    the documentation (weekly for CollegeMsg, every 90 days for Bitcoin OTC).

    Parameters
    ----------
    events : Events
    step, horizon : float, datetime.timedelta or numpy.timedelta64
        Positive; seconds when a number.

    Returns
    -------
    list of float
        Possibly empty, when the log is shorter than ``step + horizon``.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import rolling_cutoffs
    >>> events = Events.from_records([
    ...     {"time": t, "actor": "bob", "action": "like", "target": "ann"} for t in (0, 35)])
    >>> rolling_cutoffs(events, step=10, horizon=10)
    [10.0, 20.0]
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    every = _duration(step, "rolling_cutoffs", "step")
    span = _duration(horizon, "rolling_cutoffs")
    if events.start is None or events.end is None:
        return []
    count = int((events.end - events.start - span) // every)
    return [events.start + k * every for k in range(1, count + 1)]


def predictive_validity(
    events: Events,
    cutoff: Any,
    horizon: Any,
    scorer: ScorerLike | None = None,
    *,
    metrics: Iterable[str] = DEFAULT_METRICS,
    baselines: Mapping[str, Baseline] | Iterable[str] | None = None,
    target: Literal["distinct_engagers", "engagements"] = "distinct_engagers",
    population: Literal["scored", "receivers"] = "scored",
    progress: _progress.Progress = "auto",
) -> ValidityReport:
    """Score at *cutoff*, then compare with what users receive in the *horizon* after it.

    The scorer sees the events at or before the cut-off
    (``scorer.score(events.until(cutoff), as_of=cutoff)``). The truth for each scored user is
    what they receive from other users in ``(cutoff, cutoff + horizon]``:
    replies, shares, likes and mentions (follows and self-interactions do not
    count), as distinct engagers or as events. Every baseline is computed on
    the same past (it is handed ``events.until(cutoff)``, so it cannot see the
    future) and evaluated on the same users.

    Users the scorer does not score (no event at or before the cut-off) are
    not evaluated, even when they receive engagement later: a ranking can only
    be judged on the people it ranks.

    Parameters
    ----------
    events : Events
    cutoff : float, datetime or str
        The scoring time (epoch seconds, ``datetime`` or ISO 8601).
    horizon : float or datetime.timedelta
        Length of the future window, seconds (positive).
    scorer : Scorer, optional
        Anything with ``score(events, as_of=...) -> Scores``; default
        ``Scorer()``.
    metrics : iterable of str, default ("spearman", "ndcg@100", "precision@100")
        ``"spearman"``, ``"ndcg@K"``, ``"precision@K"``.
    baselines : mapping or iterable of str, optional
        Names from :data:`BASELINES`, or a mapping of name to callable
        ``(events, as_of) -> array over events.users``. Default: every named
        baseline, ``"followers"`` only when the past has follow events.
    target : {"distinct_engagers", "engagements"}, default "distinct_engagers"
    population : {"scored", "receivers"}, default "scored"
        ``"scored"``: every scored user. ``"receivers"``: only scored users who
        received engagement from others at or before the cut-off (leaves out
        the many users who only act, whose ties dominate rank correlations).
    progress : {"auto", True, False}, default "auto"
        A progress bar over the methods, the scorer then each baseline (needs
        tqdm); ``"auto"``: only when 1,000,000 events or more fall before the
        cut-off. ``INFLUENCE_PROGRESS=0`` in the environment turns it off.

    Returns
    -------
    ValidityReport

    Raises
    ------
    ValueError
        When no event falls at or before the cut-off, or a parameter is invalid.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import predictive_validity
    >>> rows = [(1, "bob", "ann"), (2, "cy", "ann"), (3, "ann", "bob"),
    ...         (11, "bob", "ann"), (12, "cy", "ann"), (13, "dee", "ann"), (14, "ann", "cy")]
    >>> events = Events.from_records(
    ...     [{"time": t, "actor": a, "action": "like", "target": b} for t, a, b in rows])
    >>> report = predictive_validity(events, cutoff=10, horizon=4, baselines=["received_count"])
    >>> report.population, report.truth.tolist()  # ann, bob, cy (dee is not scored)
    (3, [3.0, 0.0, 1.0])
    >>> report.table["received_count"]["spearman"]
    0.5
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    cut = to_epoch(cutoff, name="cutoff")
    span = _duration(horizon)
    measures = _metrics(metrics)
    _validate.choice("predictive_validity", "target", target, _TARGETS)
    _validate.choice("predictive_validity", "population", population, _POPULATIONS)
    past = events.until(cut)
    shown = _progress.wanted(
        progress, big=len(past) >= _progress.EVENTS_WORK, owner="predictive_validity"
    )
    _check_past(events, past, cut)
    chosen = _baselines(baselines, past, cut)
    _check_future(events, cut, span)
    with _progress.progress(1 + len(chosen), shown, "predictive validity") as bar:
        bar.set_postfix_str("scorer")
        scores = (Scorer() if scorer is None else scorer).score(past, as_of=cut)
        bar.update(1)
        values, truth, keep = _measure(
            events, past, scores, chosen, cut, span, target, population, bar
        )
    table = {m: {k: f(v, truth) for k, f in measures.items()} for m, v in values.items()}
    return ValidityReport(
        table=table,
        cutoff=cut,
        horizon=span,
        population=int(keep.sum()),
        target=target,
        users=scores.users.ids[keep],
        truth=truth,
        values=values,
    )


def _check_past(events: Events, past: Events, cut: float) -> None:
    """An error when nothing falls at or before the cut-off: there is nobody to score."""
    if not len(past):
        raise ValueError(
            f"no events at or before the cut-off {format_time(cut)}; the log starts at "
            f"{format_time(events.start) if events.start is not None else '(empty)'}"
        )


def _check_future(events: Events, cut: float, span: float) -> None:
    """An error when the log ends at the cut-off; a warning when it ends well inside the horizon.

    The warning points at the caller of the public function that calls this.
    """
    if events.end is not None and cut >= events.end:
        raise ValueError(
            f"no events after the cut-off {format_time(cut)}; the log ends at "
            f"{format_time(events.end)}: nothing could be received in the horizon"
        )
    if events.end is not None and cut + span - events.end > _HORIZON_SLACK * span:
        warnings.warn(
            f"the horizon ends at {format_time(cut + span)}, "
            f"{(cut + span - events.end) / span:.0%} of it after the last event "
            f"({format_time(events.end)}): what users receive may be cut short by the end of "
            "the data",
            HorizonWarning,
            stacklevel=3,
        )


def _measure(
    events: Events,
    past: Events,
    scores: Scores,
    chosen: Mapping[str, Baseline],
    cut: float,
    span: float,
    target: str,
    population: str,
    bar: _progress.Bar,
) -> tuple[dict[str, FloatArray], FloatArray, NDArray[np.bool_]]:
    """Each method's values and the truth on the evaluated users, and which users those are."""
    index = _positions(events, scores)
    truth = _received(events, cut, cut + span, distinct=target == "distinct_engagers")[index]
    keep = np.ones(index.size, dtype=bool)
    if population == "receivers":
        keep = _received(past, -math.inf, cut, distinct=False)[index] > 0
    values: dict[str, FloatArray] = {"scorer": np.asarray(scores.values, dtype=np.float64)[keep]}
    for name, func in chosen.items():
        bar.set_postfix_str(name)
        values[name] = _baseline_values(name, func, past, cut)[index][keep]
        bar.update(1)
    return values, truth[keep], keep


def _baseline_values(name: str, func: Baseline, past: Events, cut: float) -> FloatArray:
    """A baseline's values on the past, checked: one finite value per user of ``events.users``."""
    result = np.asarray(func(past, cut), dtype=np.float64)
    if result.shape != (past.n_users,):
        got = f"shape {result.shape}"
    elif not np.isfinite(result).all():
        got = f"{int((~np.isfinite(result)).sum())} NaN or infinite value(s)"
    else:
        return result
    raise ValueError(
        f"baseline {name!r} must return {past.n_users} finite values (one per user of "
        f"events.users); got {got}"
    )


def _cutoff_progress(
    events: Events, points: Sequence[Any], progress: _progress.Progress, owner: str
) -> bool:
    """Whether to show a bar over cut-offs: "auto" counts the events scored over all of them."""
    work = 0
    if isinstance(progress, str) and progress == "auto" and isinstance(events, Events) and points:
        cuts = np.array([to_epoch(c, name="cutoff") for c in points])
        work = int(np.searchsorted(events.time, cuts, side="right").sum())
    return _progress.wanted(progress, big=work >= _progress.EVENTS_WORK, owner=owner)


def rolling_validity(
    events: Events,
    cutoffs: Iterable[Any],
    horizon: Any,
    scorer: ScorerLike | None = None,
    *,
    progress: _progress.Progress = "auto",
    **options: Any,
) -> ValidityReport:
    """:func:`predictive_validity` at several cut-offs, averaged.

    Each metric is averaged over the cut-offs where it is defined: a week in
    which nobody receives anything gives ``nan`` and is left out of the mean
    (the per-cut-off reports are kept in :attr:`ValidityReport.runs`).

    Parameters
    ----------
    events : Events
    cutoffs : iterable of float, datetime or str
        Each must have events at or before it.
    horizon : float or datetime.timedelta
    scorer : Scorer, optional
    progress : {"auto", True, False}, default "auto"
        A progress bar over the cut-offs (needs tqdm); ``"auto"``: only when
        the events before the cut-offs add up to 1,000,000 or more.
        ``INFLUENCE_PROGRESS=0`` in the environment turns it off.
    **options
        ``metrics``, ``baselines``, ``target``, ``population``, as for
        :func:`predictive_validity`.

    Returns
    -------
    ValidityReport

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import rolling_validity
    >>> rows = [(1, "bob", "ann"), (2, "cy", "ann"), (11, "bob", "ann"),
    ...         (12, "ann", "cy"), (13, "dee", "ann"), (21, "cy", "ann"), (30, "bob", "cy")]
    >>> events = Events.from_records(
    ...     [{"time": t, "actor": a, "action": "like", "target": b} for t, a, b in rows])
    >>> report = rolling_validity(events, [10, 20], 10, metrics=["ndcg@1"], baselines=[])
    >>> report.cutoffs, [r.table["scorer"]["ndcg@1"] for r in report.runs]
    ((10.0, 20.0), [1.0, 1.0])
    """
    unknown = sorted(set(options) - _ROLLING_OPTIONS)
    if unknown:
        raise TypeError(
            f"rolling_validity got unknown option(s) {unknown}; allowed: {sorted(_ROLLING_OPTIONS)}"
        )
    span = _duration(horizon, "rolling_validity")
    points = list(cutoffs)
    shown = _cutoff_progress(events, points, progress, "rolling_validity")
    runs = tuple(
        predictive_validity(events, c, span, scorer, progress=False, **options)
        for c in _progress.progress(points, shown, "rolling validity", unit="cut-off")
    )
    if not runs:
        raise ValueError("The 'cutoffs' parameter of rolling_validity must name a cut-off.")
    return ValidityReport(
        table=_mean_table([r.table for r in runs]),
        cutoff=runs[0].cutoff,
        horizon=runs[0].horizon,
        population=sum(r.population for r in runs),
        target=runs[0].target,
        runs=runs,
    )


# ---------------------------------------------------------------------------- stability


@dataclass(frozen=True)
class StabilityReport(MethodTable):
    """How much each method's ranking moves between consecutive cut-offs.

    Attributes
    ----------
    table : mapping
        ``{method: {metric: value}}``, ``"scorer"`` first: each value is the
        mean, over the steps where it is defined, of
        ``metric(ranking at a cut-off, ranking at the next cut-off)``.
    cutoffs : tuple of float
        The cut-offs, in time order (epoch seconds).
    population : int
        Users compared, summed over the steps.
    steps : tuple of mapping
        The table of each step (cut-off ``i`` against ``i + 1``).
    """

    table: Mapping[str, Mapping[str, float]]
    cutoffs: tuple[float, ...]
    population: int
    steps: tuple[Mapping[str, Mapping[str, float]], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _freeze(self.table))
        object.__setattr__(self, "steps", tuple(_freeze(step) for step in self.steps))

    def _header(self) -> str:
        return (
            f"Rank stability, mean over {len(self.cutoffs) - 1} steps from "
            f"{format_time(self.cutoffs[0])} to {format_time(self.cutoffs[-1])}: "
            f"{self.population:,} user-steps, each ranking against the same method's next"
        )


def _mean_table(tables: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, dict[str, float]]:
    """Each method's metrics averaged over the tables where they are defined (not ``nan``)."""
    out: dict[str, dict[str, float]] = {}
    for method in dict.fromkeys(m for t in tables for m in t):
        rows = [t[method] for t in tables if method in t]
        out[method] = {}
        for metric in dict.fromkeys(k for row in rows for k in row):
            found = np.array([row.get(metric, math.nan) for row in rows])
            finite = found[np.isfinite(found)]
            out[method][metric] = float(finite.mean()) if finite.size else math.nan
    return out


def rank_stability(
    events: Events,
    cutoffs: Iterable[Any],
    scorer: ScorerLike | None = None,
    *,
    metrics: Iterable[str] = STABILITY_METRICS,
    baselines: Mapping[str, Baseline] | Iterable[str] | None = None,
    progress: _progress.Progress = "auto",
) -> StabilityReport:
    """How much each method's ranking moves from one cut-off to the next.

    Klout's score was faulted for jumping around; a score people trust moves
    when their standing moves, not from one week to the next by itself. At each
    cut-off the scorer scores the events up to it, and each baseline ranks the
    same past (as in :func:`predictive_validity`). For each pair of
    consecutive cut-offs :math:`c_i < c_{i+1}`, every method is compared with
    *itself*: ``metric(values at c_i, values at c_{i+1})`` over the users the
    scorer scores at both. With ``"spearman"`` that is the rank correlation of
    the two rankings; with ``"precision@K"`` the share of the top *K* at
    :math:`c_i` still in the top *K* at :math:`c_{i+1}` (ties counted as a
    random tie-break, as in :func:`precision_at_k`). Each metric is averaged over the steps where
    it is defined.

    Read it beside :func:`rolling_validity` at the same cut-offs: a short
    time scale forecasts the next days better and churns more, and no single
    number says which trade is right for a product.

    Parameters
    ----------
    events : Events
    cutoffs : iterable of float, datetime or str
        At least two distinct times, each with events at or before it; taken
        in time order.
    scorer : Scorer, optional
        Default ``Scorer()``.
    metrics : iterable of str, default ("spearman", "precision@100")
        ``"spearman"`` and ``"precision@K"`` (not NDCG: it would read the
        next values as gains, which depend on each method's scale).
    baselines : mapping or iterable of str, optional
        As for :func:`predictive_validity`.
    progress : {"auto", True, False}, default "auto"
        A progress bar over the cut-offs (needs tqdm), as for
        :func:`rolling_validity`.

    Returns
    -------
    StabilityReport

    Raises
    ------
    ValueError
        Fewer than two distinct cut-offs, a cut-off with no event at or before
        it, or an invalid parameter.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.evaluate import rank_stability
    >>> rows = [(1, "bob", "ann"), (2, "cy", "ann"), (11, "bob", "ann"),
    ...         (12, "ann", "cy"), (21, "dee", "cy"), (22, "bob", "ann")]
    >>> events = Events.from_records(
    ...     [{"time": t, "actor": a, "action": "like", "target": b} for t, a, b in rows])
    >>> report = rank_stability(events, [10, 20, 30], metrics=["precision@1"],
    ...                         baselines=["received_count"])
    >>> report.cutoffs, report.population  # 3 users at 10 and at 20, then 4
    ((10.0, 20.0, 30.0), 6)
    >>> report.table["received_count"]["precision@1"]  # ann stays on top of the count
    1.0
    """
    owner = "rank_stability"
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    cuts = sorted(to_epoch(c, name="cutoff") for c in cutoffs)
    if len(set(cuts)) != len(cuts) or len(cuts) < 2:
        raise ValueError(
            f"The 'cutoffs' parameter of {owner} must give at least two distinct times; "
            f"got {[format_time(c) for c in cuts]}"
        )
    measures = _rank_metrics(metrics, owner)
    if events.start is None or cuts[0] < events.start:
        raise ValueError(
            f"no events at or before the first cut-off {format_time(cuts[0])}; the log starts "
            f"at {format_time(events.start) if events.start is not None else '(empty)'}"
        )
    chosen = _baselines(baselines, events.until(cuts[0]), cuts[0], owner)
    model = Scorer() if scorer is None else scorer
    shown = _cutoff_progress(events, cuts, progress, owner)
    snapshots: list[_Snapshot] = []
    for cut in _progress.progress(cuts, shown, "rank stability", unit="cut-off"):
        past = events.until(cut)
        scores = model.score(past, as_of=cut)
        index = _positions(events, scores)
        values = {"scorer": np.asarray(scores.values, dtype=np.float64)}
        for name, func in chosen.items():
            values[name] = _baseline_values(name, func, past, cut)[index]
        snapshots.append((np.asarray(scores.users.ids), values))
    return _stability(snapshots, tuple(cuts), measures)


#: One cut-off as the stability steps see it: the users, and each method's value for each.
_Snapshot = tuple[NDArray[Any], Mapping[str, FloatArray]]


def _rank_metrics(
    metrics: Iterable[str], owner: str
) -> dict[str, Callable[[FloatArray, FloatArray], float]]:
    measures = _metrics(metrics, owner)
    scaled = [name for name in measures if name.startswith("ndcg@")]
    if scaled:
        raise ValueError(
            f"The 'metrics' parameter of {owner} must name rank metrics, 'spearman' or "
            f"'precision@K': NDCG would read the next cut-off's values as gains, which depend "
            f"on each method's scale. Got {scaled}."
        )
    return measures


def _stability(
    snapshots: Sequence[_Snapshot],
    cutoffs: tuple[float, ...],
    measures: Mapping[str, Callable[[FloatArray, FloatArray], float]],
) -> StabilityReport:
    """Each method against itself at consecutive cut-offs, on the users present at both."""
    steps: list[dict[str, dict[str, float]]] = []
    population = 0
    for (users_a, values_a), (users_b, values_b) in itertools.pairwise(snapshots):
        _, at_a, at_b = np.intersect1d(users_a, users_b, assume_unique=True, return_indices=True)
        population += int(at_a.size)
        steps.append(
            {
                method: {
                    k: f(values_a[method][at_a], values_b[method][at_b])
                    for k, f in measures.items()
                }
                for method in values_a
                if method in values_b
            }
        )
    return StabilityReport(
        table=_mean_table(steps), cutoffs=cutoffs, population=population, steps=tuple(steps)
    )


# ---------------------------------------------------------------------------- deciles
def decile_table(score: ArrayLike, truth: ArrayLike, bins: int = 10) -> FloatArray:
    """Mean score and mean future engagement per score decile.

    Users are ordered by score, best first, and cut into *bins* groups of
    (nearly) equal size. Users with equal scores are interchangeable, so a
    block of tied users (often the many at zero) that straddles groups gives
    each of its places the block's mean truth: the expected value if the tie
    were broken at random. The result is deterministic and does not depend on
    user order.

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
    bins : int, default 10

    Returns
    -------
    ndarray of float64, shape (bins, 3)
        Row ``i`` is group ``i + 1`` counted from the *lowest* scores (the last
        row is the top decile); columns: mean score, mean truth, and the
        group's share of all truth (``nan`` when the total is zero). Empty
        groups (fewer users than bins) are ``nan``.

    Examples
    --------
    >>> from influence.evaluate import decile_table
    >>> decile_table([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 3], bins=2).tolist()
    [[1.5, 0.0, 0.0], [3.5, 2.0, 1.0]]
    >>> decile_table([0.0, 0.0, 0.0, 4.0], [0, 3, 0, 3], bins=2).tolist()  # a tie straddles
    [[0.0, 1.0, 0.3333333333333333], [2.0, 2.0, 0.6666666666666666]]
    """
    if isinstance(score, ValidityReport):
        raise TypeError(
            "decile_table takes two arrays (score, truth); for a report use "
            "report.decile_means(method)"
        )
    s, t = _pair("decile_table", score, truth)
    bins = _validate.integer("decile_table", "bins", bins, low=1)
    n = s.size
    order = _bootstrap.best_first(s)
    ranked_s, ranked_t = s[order], t[order]
    expected = ranked_t
    if n:
        starts = np.flatnonzero(np.concatenate(([True], ranked_s[1:] != ranked_s[:-1])))
        sizes = np.diff(np.append(starts, n))
        expected = np.repeat(np.add.reduceat(ranked_t, starts) / sizes, sizes)
    group = bins - 1 - (np.arange(n, dtype=np.int64) * bins) // max(n, 1)
    size = np.bincount(group, minlength=bins).astype(np.float64)
    total = float(t.sum())
    out = np.full((bins, 3), math.nan)
    filled = size > 0
    out[filled, 0] = np.bincount(group, weights=ranked_s, minlength=bins)[filled] / size[filled]
    sums = np.bincount(group, weights=expected, minlength=bins)
    out[filled, 1] = sums[filled] / size[filled]
    if total > 0:
        out[filled, 2] = sums[filled] / total
    return out


def _decile_means(report: ValidityReport, method: str, bins: int) -> FloatArray:
    if report.runs:
        tables = [
            decile_table(r.values[method], r.truth, bins)[:, 1]
            for r in report.runs
            if method in r.values and r.truth.size
        ]
        if not tables:
            return np.full(bins, math.nan)
        stacked = np.array(tables)
        counts = np.isfinite(stacked).sum(axis=0)
        sums = np.where(np.isfinite(stacked), stacked, 0.0).sum(axis=0)
        return np.asarray(np.where(counts > 0, sums / np.maximum(counts, 1), math.nan))
    return decile_table(report.values[method], report.truth, bins)[:, 1]


def plot_deciles(
    source: ValidityReport | tuple[ArrayLike, ArrayLike],
    ax: Any = None,
    *,
    methods: Sequence[str] | None = None,
    bins: int = 10,
) -> Any:
    """Plot mean future engagement per score decile (needs matplotlib).

    A good score puts most of the future engagement in its top deciles: the
    line should climb steeply to the right. The y axis is logarithmic
    (``symlog`` when some decile received nothing).

    Parameters
    ----------
    source : ValidityReport or (score, truth)
        A report (one line per method; a rolling report averages the
        per-cut-off decile means) or a pair of arrays.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.
    methods : sequence of str, optional
        Which of a report's methods to draw; default all.
    bins : int, default 10

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from influence.evaluate import plot_deciles
    >>> ax = plot_deciles(([1.0, 2.0, 3.0, 4.0], [0, 1, 2, 5]), bins=2)  # doctest: +SKIP
    """
    try:
        plt = importlib.import_module("matplotlib.pyplot")
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plot_deciles needs matplotlib: pip install matplotlib") from None
    if isinstance(source, ValidityReport):
        names = list(source.table) if methods is None else list(methods)
        unknown = [m for m in names if m not in source.table]
        if unknown:
            raise ValueError(f"unknown method(s) {unknown}; the report has {list(source.table)}")
        lines = {m: _decile_means(source, m, bins) for m in names}
        ylabel = f"mean {source.target.replace('_', ' ')} received next"
    else:
        score, truth = source
        lines = {"score": decile_table(score, truth, bins)[:, 1]}
        ylabel = "mean engagement received next"
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))
    x = np.arange(1, bins + 1)
    for k, (name, means) in enumerate(lines.items()):
        style = {"linewidth": 2.5, "zorder": 3} if k == 0 else {"linewidth": 1.2, "alpha": 0.8}
        ax.plot(x, means, marker="o", label=name, **style)
    every = np.concatenate(list(lines.values()))
    positive = every[np.isfinite(every) & (every > 0)]
    if positive.size and (every[np.isfinite(every)] <= 0).any():
        ax.set_yscale("symlog", linthresh=float(positive.min()))
    elif positive.size:
        ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xlabel(f"score decile (1 = lowest, {bins} = highest)")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(frameon=False, fontsize="small")
    return ax


# ---------------------------------------------------------------------------- signed ratings
def _placement(
    values: FloatArray, flagged: NDArray[np.bool_], tops: Sequence[float]
) -> dict[str, float]:
    n = values.size
    ordered = np.sort(values)[::-1]
    percentile = 100.0 * (np.asarray(rankdata(values), dtype=np.float64) - 0.5) / n
    out: dict[str, float] = {}
    count = int(flagged.sum())
    mine = values[flagged]
    for q in tops:
        size = math.ceil(q * n)
        edge = ordered[size - 1]
        above = int((values > edge).sum())
        tied = int((values == edge).sum())
        # users tied at the edge share the places left: the expected share under random tie order
        inside = (mine > edge).sum() + (mine == edge).sum() * (size - above) / tied
        out[_top_name(q)] = float(inside) / count if count else math.nan
    out["median percentile"] = float(np.median(percentile[flagged])) if count else math.nan
    return out


def _top_name(q: float) -> str:
    return f"top {100 * q:g}%"


@dataclass(frozen=True)
class SignedRankReport:
    """Where users whose received ratings are net negative fall in each ranking.

    Attributes
    ----------
    table : mapping
        ``{method: {column: value}}``. ``"top 1%"`` (and so on): the share of
        the flagged users ranked in the top 1% (by chance: 0.01); users tied
        at the edge of the top share the places left, each counting for the
        probability that a random order of the tie puts them inside.
        ``"median percentile"``: their median percentile (100 = the top; tied
        users share their average rank, so chance is about 50).
    as_of : float
        The scoring time.
    population : int
        Users ranked: everyone in the ratings at or before :attr:`as_of`.
    flagged : int
        Users among them whose received ratings sum to less than zero.
    flagged_scored : int
        Flagged users the scorer scored (those with an event in the scored
        table, for Bitcoin OTC a positive rating given or received); the
        others rank with a score of 0.
    tops : tuple of float
    """

    table: Mapping[str, Mapping[str, float]]
    as_of: float
    population: int
    flagged: int
    flagged_scored: int
    tops: tuple[float, ...] = (0.01, 0.1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _freeze(self.table))

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names: one per top share, then the median percentile."""
        return (*(_top_name(q) for q in self.tops), "median percentile")

    def _digits(self) -> dict[str, int]:
        return {c: (1 if c == "median percentile" else 3) for c in self.columns}

    def to_markdown(self) -> str:
        """The table as Markdown (no bold: lower is better here)."""
        return _markdown(self.table, self.columns, self._digits(), bold_best=False)

    def to_pandas(self) -> Any:
        """The table as a DataFrame, one row per method (needs pandas)."""
        return _frame(self.table, self.columns, "SignedRankReport")

    def _header(self) -> str:
        return (
            f"Net-negative users in the ranking ({self.flagged:,} of {self.population:,} users "
            f"as of {format_time(self.as_of)}; {self.flagged_scored:,} of them scored)"
        )

    def __str__(self) -> str:
        return f"{self._header()}\n{_text_table(self.table, self.columns, self._digits())}"

    def _repr_html_(self) -> str:
        """Notebook display: the header line and the table (no bold: lower is better here)."""
        return _html_table(
            self._header(), self.table, self.columns, self._digits(), bold_best=False
        )


def signed_rank_report(
    events: Events,
    ratings: Ratings,
    scorer: ScorerLike | None = None,
    *,
    as_of: Any = None,
    baselines: Mapping[str, Baseline] | Iterable[str] | None = None,
    tops: Sequence[float] = (0.01, 0.1),
) -> SignedRankReport:
    """Where users with net-negative received ratings land when ratings are endorsements.

    On a trust network (Bitcoin OTC) the positive ratings are the engagement
    (:func:`influence.datasets.load_bitcoin_otc` reads them as likes) and the
    negative ones accusations. A user whose received ratings sum to less than
    zero is likely a fraudster and should not rank high. Each method (the
    scorer, then the baselines, computed on ``events`` up to *as_of*) ranks
    everyone who appears in the ratings up to *as_of*; users the method does
    not cover (no positive rating given or received) count as 0.

    Parameters
    ----------
    events : Events
        The endorsements (positive ratings).
    ratings : Ratings
        All ratings, as returned by
        :func:`influence.datasets.load_bitcoin_otc_ratings`;
        self-ratings are ignored.
    scorer : Scorer, optional
        Default ``Scorer()``.
    as_of : float, datetime or str, optional
        Default: the latest time in *events* or *ratings*.
    baselines : mapping or iterable of str, optional
        As for :func:`predictive_validity`.
    tops : sequence of float, default (0.01, 0.1)
        Top fractions to report, each in ``(0, 1]``.

    Returns
    -------
    SignedRankReport

    Examples
    --------
    >>> import numpy as np
    >>> from influence import Events
    >>> from influence.evaluate import Ratings, signed_rank_report
    >>> ratings = Ratings(rater=np.array([1, 3, 2, 2, 3, 1, 2]),
    ...                   ratee=np.array([2, 2, 3, 1, 1, 4, 4]),
    ...                   rating=np.array([5, 3, 2, 2, 4, 1, -10]), time=np.arange(7.0))
    >>> good = ratings.rating > 0
    >>> events = Events.from_arrays(time=ratings.time[good], actor=ratings.rater[good],
    ...                             action=np.full(int(good.sum()), 3), target=ratings.ratee[good])
    >>> report = signed_rank_report(events, ratings, baselines=["received_count"], tops=[0.5])
    >>> report.flagged  # user 4: +1 - 10 < 0
    1
    >>> dict(report.table["received_count"])  # users 1 and 2 (two raters each) are the top half
    {'top 50%': 0.0, 'median percentile': 25.0}
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    tops = tuple(
        _validate.number("signed_rank_report", "tops", q, low=0.0, high=1.0, low_open=True)
        for q in tops
    )
    if events.end is None:
        raise ValueError("signed_rank_report needs events (the endorsements); got none")
    times = np.asarray(ratings.time, dtype=np.float64)
    if as_of is None:
        when = max(events.end, float(times.max())) if times.size else events.end
    else:
        when = to_epoch(as_of)
    rated = times <= when
    rater = np.asarray(ratings.rater)[rated]
    ratee = np.asarray(ratings.ratee)[rated]
    rating = np.asarray(ratings.rating, dtype=np.float64)[rated]
    past = events.until(when)
    scores = (Scorer() if scorer is None else scorer).score(past, as_of=when)
    ids = np.union1d(np.union1d(rater, ratee), scores.users.ids)
    n = ids.size
    other = rater != ratee
    net = np.bincount(
        np.searchsorted(ids, ratee[other]), weights=rating[other], minlength=n
    ).astype(np.float64)
    flagged = net < 0

    values: dict[str, FloatArray] = {"scorer": np.zeros(n)}
    values["scorer"][np.searchsorted(ids, scores.users.ids)] = scores.values
    covered = events.users.indices(ids)
    has = covered >= 0
    for name, func in _baselines(baselines, past, when).items():
        result = np.asarray(func(past, when), dtype=np.float64)
        column = np.zeros(n)
        column[has] = result[covered[has]]
        values[name] = column
    scored = np.zeros(n, dtype=bool)
    scored[np.searchsorted(ids, scores.users.ids)] = True
    return SignedRankReport(
        table={m: _placement(v, flagged, tops) for m, v in values.items()},
        as_of=when,
        population=n,
        flagged=int(flagged.sum()),
        flagged_scored=int((flagged & scored).sum()),
        tops=tops,
    )
