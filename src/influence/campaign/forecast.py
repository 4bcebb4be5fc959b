"""Forecast who engages each account in the campaign period: returning people and newcomers.

For a campaign period of :math:`H` days after ``as_of`` (the *horizon*), the audience an
account :math:`u` will have is the people of its known audience who come back, and people
who engage it for the first time. Both are estimated from the log itself, with nothing
after ``as_of``.

**Returning people.** Each known exposure :math:`(u, v)` (*v* engaged *u* in the window
``(as_of - W, as_of]``) has a score, the recency-weighted number of distinct days on
which *v* engaged *u*,

.. math::

    s_{uv}(T) = \\sum_{d \\in D_{uv}(T)} 2^{-(T - t_d)/h},

with :math:`D_{uv}(T)` the days (UTC) with an engagement of *v* aimed at *u* in
``(T - W, T]``, :math:`t_d` the last such engagement that day and :math:`h` a half-life
(half the horizon by default): frequency and recency in one number, one engagement per day
(a burst of likes in one sitting is one day). The probability that *v* engages *u* again
within :math:`H` is a monotone map of the score, :math:`p_{uv} = g(s_{uv}(\\text{as\\_of}))`,
with :math:`g` fitted on the log's own past: split at :math:`T_0 = \\text{as\\_of} - H`,
score every pair active in ``(T0 - W, T0]`` at :math:`T_0`, label it 1 when the pair
engaged again in ``(T0, as_of]``, and fit :math:`g` by isotonic regression (pool adjacent
violators, Barlow et al. 1972; as a probability calibration, Zadrozny and Elkan 2002):
the nondecreasing step function closest in squared error to the labels. The credible
chance of the exposure is :math:`q_{uv} = a_{uv}\\, p_{uv}`, with :math:`a_{uv}` its
trust from the house discounts (:mod:`influence.campaign.audience`): a bought or fake
engager reaches nobody, however often it returns.

**Newcomers.** An account's recent rate of new people is

.. math::

    r_u(T) = \\sum_{v \\in A_u(T)} a_{uv}\\, 2^{-(T - f_{uv})/h},

:math:`f_{uv}` the first engagement of *v* aimed at *u* in ``(T - W, T]``: each person
in the audience counted by how recently they arrived. The credible newcomers expected in
the next :math:`H` days are :math:`n_u = \\beta\\, r_u(\\text{as\\_of})`, with the ratio
:math:`\\beta` fitted on the same split: the trust-weighted people who engaged an account
in ``(T0, as_of]`` without being in its audience at :math:`T_0`, over
:math:`\\sum_u r_u(T_0)` (a proportional estimate pooled over all accounts: a ratio of
totals, the least-squares slope through the origin weighted by :math:`1/r_u`).

Without a past to calibrate on (no pair active before :math:`T_0`), the model cannot
estimate anything: every known exposure is taken to return (:math:`p = 1`) and no
newcomers are expected (:math:`n = 0`), which is the coverage objective
(:attr:`ReturnModel.calibrated` is ``False``).

Every step is one stable sort of packed ``(account, person)`` int64 keys (the rows are in
time order, so each pair's events stay in time order) and reductions over the sorted
groups; no loop over events or pairs.

References
----------
.. [1] R. E. Barlow, D. J. Bartholomew, J. M. Bremner, H. D. Brunk, "Statistical
   Inference under Order Restrictions", Wiley, 1972.
.. [2] B. Zadrozny, C. Elkan, "Transforming classifier scores into accurate multiclass
   probability estimates", KDD 2002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import isotonic_regression

from influence import _validate
from influence._time import DAY, STANDING
from influence.campaign.audience import on_topic
from influence.events.ids import IdIndex
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.kernels import received_engagement
from influence.scoring.scorer import Scorer

__all__ = ["DEFAULT_HORIZON_DAYS", "HALF_LIFE_SHARE", "Forecast", "ReturnModel", "forecast"]

#: The campaign period forecast by default: a month.
DEFAULT_HORIZON_DAYS = 30.0
#: The default half-life :math:`h` as a share of the horizon, chosen on cut-offs other than
#: the reported ones (bench/campaign_validity.py ``--cutoffs tuning``; docs/campaigns.md).
HALF_LIFE_SHARE = 0.5


@dataclass(frozen=True)
class ReturnModel:
    """The fitted calibration: pair score to return probability, and the newcomer ratio.

    Attributes
    ----------
    thresholds : ndarray of float
        Ascending pair scores seen on the past split.
    probabilities : ndarray of float
        :math:`g` at each threshold, nondecreasing: :math:`g(s)` is the value at the
        largest threshold at or below *s* (the first one below them all).
    newcomer_ratio : float
        :math:`\\beta`.
    pairs, returned : int
        Training pairs, and how many of them engaged again after the split.
    horizon_days, half_life_days : float
        :math:`H` and :math:`h`.
    """

    thresholds: NDArray[np.float64]
    probabilities: NDArray[np.float64]
    newcomer_ratio: float
    pairs: int
    returned: int
    horizon_days: float
    half_life_days: float

    @property
    def calibrated(self) -> bool:
        """Whether there was a past to fit on (else :math:`p = 1`, :math:`n = 0`)."""
        return self.pairs > 0

    def probability(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        """:math:`g(s)` for each score (1 everywhere when not calibrated)."""
        score = np.asarray(score, dtype=np.float64)
        if not self.calibrated:
            return np.ones_like(score)
        at = np.searchsorted(self.thresholds, score, side="right") - 1
        return np.asarray(self.probabilities[np.maximum(at, 0)], dtype=np.float64)


@dataclass(frozen=True)
class Forecast:
    """The campaign period's expected audiences, as of the end of the window.

    Attributes
    ----------
    users : IdIndex
        Accounts and people (rows and columns of the matrices).
    chance : scipy.sparse.csr_array
        ``chance[u, v]`` is :math:`q_{uv} = a_{uv} p_{uv}`, the chance that *v*
        credibly engages *u* within the horizon; read-only.
    exposure : scipy.sparse.csr_array
        ``exposure[u, v]`` is :math:`a_{uv}`, the same pairs' trust (the audiences of
        :func:`influence.campaign.audiences`); read-only.
    newcomers : ndarray of float
        Per user, :math:`n_u`, the credible newcomers expected within the horizon.
    model : ReturnModel
        The calibration fitted on the log's past.
    as_of, window_days, horizon_days : float
        The window's end and length, and :math:`H`.
    topic : str or None
        The topic the engagement was restricted to.
    """

    users: IdIndex
    chance: Any
    exposure: Any
    newcomers: NDArray[np.float64]
    model: ReturnModel
    as_of: float
    window_days: float
    horizon_days: float
    topic: str | None

    def expected(self) -> NDArray[np.float64]:
        """Per account, its expected credible reach alone: :math:`\\sum_v q_{uv} + n_u`."""
        rows = np.repeat(np.arange(len(self.users)), np.diff(self.chance.indptr))
        known = np.bincount(rows, weights=self.chance.data, minlength=len(self.users))
        return np.asarray(known + self.newcomers, dtype=np.float64)


class _Groups(NamedTuple):
    """Per-pair reductions of the sorted entries inside one time interval."""

    key: NDArray[np.int64]  # the pairs, ascending
    trust: NDArray[np.float64]  # a: the largest trust of the pair's events
    first: NDArray[np.float64]  # the time of its first event
    score: NDArray[np.float64]  # s: recency-weighted distinct days


def _groups(
    key: NDArray[np.int64],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    low: float,
    high: float,
    half_life: float,
) -> _Groups:
    """Reduce the entries (sorted by pair, then time) with ``low < time <= high``."""
    inside = (time > low) & (time <= high)
    k, t, w = key[inside], time[inside], trust[inside]
    if not k.size:
        empty = np.zeros(0)
        return _Groups(np.zeros(0, dtype=np.int64), empty, empty, empty)
    new = np.concatenate(([True], k[1:] != k[:-1]))
    start = np.flatnonzero(new)
    day = np.floor(t / DAY)
    last_of_day = np.concatenate((new[1:] | (day[1:] != day[:-1]), [True]))
    decay = np.where(last_of_day, np.exp2(-(high - t) / (half_life * DAY)), 0.0)
    return _Groups(
        key=k[start],
        trust=np.clip(np.maximum.reduceat(w, start), 0.0, 1.0),
        first=t[start],
        score=np.add.reduceat(decay, start),
    )


def _arrivals(groups: _Groups, at: float, half_life: float) -> NDArray[np.float64]:
    """Per pair, :math:`a_{uv} 2^{-(T - f_{uv})/h}`: the weight of its arrival."""
    return np.asarray(groups.trust * np.exp2(-(at - groups.first) / (half_life * DAY)))


def fit(
    key: NDArray[np.int64],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    *,
    as_of: float,
    window_days: float,
    horizon_days: float,
    half_life_days: float,
) -> ReturnModel:
    """Fit :math:`g` and :math:`\\beta` on the split at ``as_of - horizon``.

    *key*, *time* and *trust* are the engagement entries sorted by packed pair key, then
    time (:func:`sorted_pairs`); entries after *as_of* must not be among them.
    """
    split = as_of - horizon_days * DAY
    before = _groups(key, time, trust, split - window_days * DAY, split, half_life_days)
    if not before.key.size:
        return ReturnModel(np.zeros(1), np.ones(1), 0.0, 0, 0, horizon_days, half_life_days)
    # Every pair active in (split - W, as_of], in the same key order as *before*: each
    # pair's entries are in time order, so it was active before the split when its first
    # entry is, and after it when its last entry is.
    inside = (time > split - window_days * DAY) & (time <= as_of)
    k, t, w = key[inside], time[inside], trust[inside]
    start = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    end = np.append(start[1:], k.size) - 1
    old = t[start] <= split
    returned = t[end][old] > split  # the labels: did the pair engage again after it?
    thresholds, group, count = np.unique(before.score, return_inverse=True, return_counts=True)
    hits = np.bincount(group, weights=returned.astype(np.float64), minlength=thresholds.size)
    fitted = isotonic_regression(hits / count, weights=count.astype(np.float64)).x
    probabilities = np.maximum.accumulate(np.clip(np.asarray(fitted, dtype=np.float64), 0, 1))
    # The step function needs only the first threshold of each run of equal values.
    steps = np.concatenate(([True], probabilities[1:] != probabilities[:-1]))
    # Newcomers after the split (pairs whose every entry is after it), against the
    # arrival rate at it.
    newcomers = float(np.sum(np.clip(np.maximum.reduceat(w, start), 0.0, 1.0)[~old]))
    rate = float(np.sum(_arrivals(before, split, half_life_days)))
    ratio = newcomers / rate if rate > 0.0 else 0.0
    return ReturnModel(
        thresholds=thresholds[steps],
        probabilities=probabilities[steps],
        newcomer_ratio=ratio,
        pairs=int(before.key.size),
        returned=int(np.count_nonzero(returned)),
        horizon_days=horizon_days,
        half_life_days=half_life_days,
    )


def sorted_pairs(
    account: NDArray[np.integer[Any]],
    person: NDArray[np.integer[Any]],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    n: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """The entries sorted by packed key ``account * n + person``, then time.

    One stable argsort: the rows come in time order, so each pair's stay in it.
    """
    key = account.astype(np.int64) * max(n, 1) + person.astype(np.int64)
    order = np.argsort(key, kind="stable")
    return key[order], np.asarray(time)[order], np.asarray(trust, dtype=np.float64)[order]


def _csr(keys: NDArray[np.int64], values: NDArray[np.float64], n: int) -> Any:
    """The read-only ``n x n`` CSR matrix of *values* at the (sorted, unique) packed keys."""
    width = max(n, 1)
    rows, cols = keys // width, keys % width
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    matrix = sp.csr_array((np.asarray(values, dtype=np.float64), cols, indptr), shape=(n, n))
    matrix.data.flags.writeable = False
    return matrix


def forecast(
    events: Events,
    *,
    as_of: Any = None,
    window_days: float = STANDING.window_days,
    horizon_days: float = DEFAULT_HORIZON_DAYS,
    half_life_days: float | None = None,
    topic: str | None = None,
    scorer: Scorer | None = None,
    trust: NDArray[np.float64] | None = None,
    model: ReturnModel | None = None,
) -> Forecast:
    """Each account's expected credible audience in ``(as_of, as_of + horizon_days]``.

    Parameters
    ----------
    events : Events
        The log; events after *as_of* are never read.
    as_of : float, datetime or str, optional
        The end of the window; the latest event's time by default (never the clock).
    window_days : float, default 90
        The audience window :math:`W`.
    horizon_days : float, default 30
        The campaign period :math:`H`.
    half_life_days : float, optional
        :math:`h`, the half-life of the pair score and of the arrival rate; half the
        horizon by default (:data:`HALF_LIFE_SHARE`).
    topic : str, optional
        Count only engagement about this topic (:func:`influence.campaign.on_topic`).
    scorer : Scorer, optional
        Whose discounts give the trust; the house scorer by default.
    trust : array of float, optional
        Per-event trust of ``events.until(as_of).compact()``, already computed
        (:meth:`Scorer.trust <influence.Scorer.trust>`).
    model : ReturnModel, optional
        A calibration to apply instead of fitting one on the split.

    Returns
    -------
    Forecast

    See Also
    --------
    influence.campaign.select : maximises the expected reach of a set of accounts.

    Examples
    --------
    >>> from influence import Events
    >>> DAY = 86400.0
    >>> rows = [{"time": d * DAY + (d * d % 7) * 3600.0, "actor": "bob", "action": "reply",
    ...          "target": "ann"} for d in range(0, 60, 3)]
    >>> rows += [{"time": d * DAY, "actor": f"fan{d}", "action": "like", "target": "cy"}
    ...          for d in range(0, 60, 2)]
    >>> seen = forecast(Events.from_records(rows), horizon_days=10)
    >>> ann, cy, bob = (seen.users.index(u) for u in ("ann", "cy", "bob"))
    >>> seen.chance[ann, bob] == seen.exposure[ann, bob]  # bob always came back: p = 1
    np.True_
    >>> round(float(seen.newcomers[cy]), 1), round(float(seen.newcomers[ann]), 1)
    (5.0, 0.0)
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    days = _validate.number("forecast", "window_days", window_days, low=0.0, low_open=True)
    horizon = _validate.number("forecast", "horizon_days", horizon_days, low=0.0, low_open=True)
    half = HALF_LIFE_SHARE * horizon
    if half_life_days is not None:
        half = _validate.number(
            "forecast", "half_life_days", half_life_days, low=0.0, low_open=True
        )
    when = events.end if as_of is None else to_epoch(as_of)
    window = events.until(when).compact() if when is not None else events
    t = 0.0 if when is None else float(when)
    n = window.n_users
    rows = received_engagement(window, t, days + horizon)
    if topic is not None:
        rows &= on_topic(window, topic)
    picked = np.flatnonzero(rows)
    if trust is None:
        trust = (
            (Scorer() if scorer is None else scorer).trust(window, t)
            if picked.size
            else np.ones(len(window))
        )
    elif np.shape(trust) != (len(window),):
        raise ValueError(
            f"The 'trust' parameter of forecast must hold one weight per event of the window "
            f"({len(window)}). Got shape {np.shape(trust)}."
        )
    key, time, weight = sorted_pairs(
        window.target[picked],
        window.actor[picked],
        window.time[picked],
        np.asarray(trust)[picked],
        n,
    )
    if model is None:
        model = fit(
            key,
            time,
            weight,
            as_of=t,
            window_days=days,
            horizon_days=horizon,
            half_life_days=half,
        )
    now = _groups(key, time, weight, t - days * DAY, t, model.half_life_days)
    chance = now.trust * model.probability(now.score)
    arrivals = _arrivals(now, t, model.half_life_days)
    rate = np.bincount(now.key // max(n, 1), weights=arrivals, minlength=n)
    newcomers = np.asarray(model.newcomer_ratio * rate, dtype=np.float64)
    newcomers.flags.writeable = False
    return Forecast(
        users=window.users,
        chance=_csr(now.key, chance, n),
        exposure=_csr(now.key, now.trust, n),
        newcomers=newcomers,
        model=model,
        as_of=t,
        window_days=days,
        horizon_days=model.horizon_days,
        topic=None if topic is None else topic.strip(),
    )
