"""The sufficient statistics of a scoring window: what scoring needs of its events, aggregated.

A scorer built of :class:`~influence.components.Engagement`,
:class:`~influence.components.Activity`,
:class:`~influence.components.DistinctEngagers`,
:class:`~influence.components.Longevity`, :class:`~influence.components.Authority`,
:class:`~influence.components.Reciprocity`, :class:`~influence.components.Inactivity`,
:class:`~influence.components.Credibility` and
:class:`~influence.components.Authenticity` (the house scorer) reads its events only
through the tables below and Credibility's
(:class:`~influence.components.credibility_stats.CredibilityStats`), so an engine can
aggregate the events where they are (:func:`influence.engines.score_spark`) and hand
over these tables, whose size is that of the users and of the engagement pairs, not of
the events. The scores computed from them
(:func:`influence.engines.scoring.score_from_stats`) equal the in-memory scores of the
same window.

The statistics are exact, not approximate, because every quantity these components
read of an event is a product of a factor of the event alone (recency, action, delay
after its post) and factors of its engager or of its pair (engager selectivity, the
pair's trust): sums per pair and per user of the former, times the latter computed
afterwards, give the same sums. Two passes are needed, because the trust of an
event is the quid-pro-quo discount of its pair (:func:`~influence.components.quid_pro_quo`),
judged on the pair table, and Credibility's weight of its actor and target, judged on
Credibility's statistics: :class:`Sums` of the first pass, :class:`TrustedSums` of the
second, given the trust of the few discounted pairs.

Times are epoch seconds, ``T`` the scoring time, ``W`` the engagement window,
:math:`\\rho` the recency weight (:func:`influence.kernels.recency_weights`). Users are
indices into :attr:`WindowStats.users`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from influence.components.credibility_stats import CredibilityStats

__all__ = ["ACTION_COLUMNS", "PairStats", "Sums", "TrustedSums", "WindowStats"]

#: The engagement actions, in the order of the per-action columns of :class:`PairStats`.
ACTION_COLUMNS = ("reply", "share", "like", "mention")


@dataclass(frozen=True)
class PairStats:
    r"""Per engagement pair ``source -> target`` (the engager and the engaged), over the
    engagement rows of the window: replies, shares, likes and mentions of another user
    with :math:`T - W < t \le T`. Pairs are sorted by ``source * n_users + target``.

    Attributes
    ----------
    source, target : ndarray of int64, shape (n_pairs,)
    events : ndarray of int64
        The pair's engagement rows.
    first, last : ndarray of float64
        The times of its first and last rows (the engager's first time gives its
        selectivity, :func:`influence.kernels.engager_selectivity`).
    recency : ndarray of float64, shape (n_pairs, 4)
        :math:`\sum_e \rho(T - t_e)` per action of :data:`ACTION_COLUMNS`: any action
        weights then give the pair's weight :math:`\sigma_v \sum_k a_k R_k`.
    amplified : ndarray of float64
        Shares and likes (:func:`~influence.components.quid_pro_quo`).
    fast : ndarray of float64
        Shares and likes of a post of the target's within ``fast_minutes`` of it.
    timed : ndarray of int64
        Rows engaging a post of the target's created within the longevity lookback.
    timed_recency, lasting : ndarray of float64, shape (n_pairs, 4)
        Over the timed rows, per action: :math:`\sum \rho` and :math:`\sum \rho\, g(d)`,
        with :math:`g(d) = 1 - e^{-(d/\tau)^2}` of the delay after the post
        (:class:`~influence.components.Longevity`).
    """

    source: NDArray[np.int64]
    target: NDArray[np.int64]
    events: NDArray[np.int64]
    first: NDArray[np.float64]
    last: NDArray[np.float64]
    recency: NDArray[np.float64]
    amplified: NDArray[np.float64]
    fast: NDArray[np.float64]
    timed: NDArray[np.int64]
    timed_recency: NDArray[np.float64]
    lasting: NDArray[np.float64]


@dataclass(frozen=True)
class Sums:
    r"""Per user, the sums of the first pass (they do not depend on trust).

    Attributes
    ----------
    exposed_posts : ndarray of float64, shape (n_users,)
        Own posts in the window, each :math:`\rho(a)\, x(a)` of its age :math:`a`
        (:func:`~influence.components.engagement.exposure`): the posts of
        Engagement's rate factor.
    answered_posts : ndarray of float64
        Own posts in the window that others replied to, shared or liked at or before
        ``T`` (Reciprocity's coverage).
    """

    exposed_posts: NDArray[np.float64]
    answered_posts: NDArray[np.float64]


@dataclass(frozen=True)
class TrustedSums:
    r"""Per user, the sums of the second pass, each event counted at its trust
    :math:`\tau_e` (the keep weight of its pair; 1 without discounts).

    Attributes
    ----------
    activity : ndarray of float64, shape (n_users,)
        :math:`\sum_e \rho\, b_{\mathrm{kind}(e)}\, \tau_e\, h_e` over the user's own
        events in the activity window, :math:`h_e = 1 - e^{-n_e}` for an event that
        creates a post answered :math:`n_e` times (trust-weighted), 1 otherwise
        (:class:`~influence.components.Activity`).
    present : ndarray of bool
        An event in the authority window, as actor or target, with :math:`\tau_e > 0`
        (:class:`~influence.components.Authority`'s population).
    last_seen : ndarray of float64
        The latest time the user acted, or was addressed by a trusted event
        (:math:`\tau_e \ge 0.5`) other than engagement with a post of theirs in view,
        within ``history_days``; ``-inf`` if none
        (:meth:`~influence.components.Inactivity.last_seen`).
    """

    activity: NDArray[np.float64]
    present: NDArray[np.bool_]
    last_seen: NDArray[np.float64]


@dataclass(frozen=True)
class WindowStats:
    """Everything a supported scorer reads of one window, and what it was computed on.

    Attributes
    ----------
    users : ndarray
        The user ids of the window (actors and targets), as the engine gave them.
    as_of : float
        The scoring time ``T``.
    rows : int
        The events of the window.
    pairs : PairStats
    sums : Sums
    trusted : TrustedSums
    credibility : CredibilityStats or None
        What the scorer's Credibility judge reads of the window
        (:mod:`influence.components.credibility_stats`; ``None`` without one).
    """

    users: NDArray[np.object_]
    as_of: float
    rows: int
    pairs: PairStats
    sums: Sums
    trusted: TrustedSums
    credibility: CredibilityStats | None = None
