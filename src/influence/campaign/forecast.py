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
the next :math:`H` days are :math:`n_u = c\\, m(r_u(\\text{as\\_of}))`, an out-of-sample
estimate with shrinkage:

- :math:`m` is fitted on the same split, across accounts: the nondecreasing step function
  (isotonic regression again, pooled over all accounts) closest in squared error to
  :math:`N_u`, the trust-weighted people who engaged *u* in ``(T0, as_of]`` without being
  in its audience at :math:`T_0`, as a function of :math:`r_u(T_0)`. Pooling adjacent
  violators averages the accounts of similar rate together, so the few accounts with
  the largest rates are shrunk towards what accounts of slightly lower rate went on to
  attract (they regress to the mean: a proportional ratio credited the busiest account
  of CollegeMsg with ten times the newcomers it went on to get), and :math:`m` stays flat
  beyond the largest rate seen on the split.
- :math:`c = \\min(1, C / \\sum_u m(r_u(\\text{as\\_of})))` caps the total: the expected
  newcomers of all accounts together never exceed :math:`C`, the trust-weighted newcomers
  the log actually saw in the last horizon ``(as_of - H, as_of]`` (no growth is
  extrapolated).
- The objective (:mod:`influence.campaign.expected`) draws the newcomers of a chosen
  set from a pool of :math:`M`, the distinct credible people who were newcomers to some
  account in the last horizon: :math:`N` expected arrivals count
  :math:`M(1 - e^{-N/M}) \\le M` distinct people, so the expected reach never exceeds
  the distinct credible people of the window plus :math:`M` (:meth:`Forecast.plausible`).

**When the horizon cannot be fitted.** The split needs a past: pairs active before
:math:`T_0`, :data:`MIN_PAIRS` of them at least. When there are fewer (the log before
``as_of`` is shorter than the horizon,
as Higgs's week is against the default month), the horizon is shrunk to half the span of
the log before ``as_of`` (when that is at least :data:`MIN_HORIZON_DAYS`, a day) and the
model fitted on that, with a
:class:`ForecastWarning`; :attr:`ReturnModel.horizon_days` and
:attr:`Forecast.horizon_days` say which horizon was used. When even that has no past,
nothing is forecast (:math:`q = 0`, :math:`n = 0`, :attr:`ReturnModel.calibrated`
``False``), with a warning; :func:`influence.campaign.select` then maximises the
coverage of the window and says so. No chance is ever taken to be 1 for want of data.

Every step reads the engagement in the table's one pair order, sorted by packed
``(person, account)`` int64 keys (:func:`influence.pairs.rows_in_pair_order`: the sort the
scoring of the same table made already; the rows are in time order, so each pair's
events stay in time order), and reduces over the sorted groups; the matrices by account
are one transposition of the distinct pairs. No loop over events or pairs.

References
----------
.. [1] R. E. Barlow, D. J. Bartholomew, J. M. Bremner, H. D. Brunk, "Statistical
   Inference under Order Restrictions", Wiley, 1972.
.. [2] B. Zadrozny, C. Elkan, "Transforming classifier scores into accurate multiclass
   probability estimates", KDD 2002.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import isotonic_regression

from influence import _validate
from influence._time import DAY, STANDING
from influence.campaign.audience import engaged_rows
from influence.campaign.pairgroups import (
    Groups,
    by_account,
    groups,
    inside,
    labels_by_score,
    run_sums,
    starts,
    unit,
)
from influence.events.ids import IdIndex
from influence.events.table import Events
from influence.pairs import rows_in_pair_order
from influence.scoring.scorer import Scorer

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "HALF_LIFE_SHARE",
    "MIN_HORIZON_DAYS",
    "MIN_PAIRS",
    "Forecast",
    "ForecastWarning",
    "ReturnModel",
    "forecast",
]

#: The campaign period forecast by default: a month.
DEFAULT_HORIZON_DAYS = 30.0
#: The default half-life :math:`h` as a share of the horizon, chosen on cut-offs other than
#: the reported ones (bench/campaign_validity.py ``--cutoffs tuning``; docs/campaigns.md).
HALF_LIFE_SHARE = 0.5
#: The shortest horizon the forecast shrinks to when the log cannot support the one asked
#: for: the pair scores count distinct days.
MIN_HORIZON_DAYS = 1.0
#: The fewest training pairs (active before the split) the model is fitted on: a split
#: at the log's first minute holds one or two pairs, nothing to calibrate with.
MIN_PAIRS = 10


class ForecastWarning(UserWarning):
    """The campaign period asked for cannot be forecast from the log as it is.

    Given when the log before ``as_of`` is too short to fit the model on the horizon
    asked for (the horizon is then shrunk to what the log supports, and the result says
    which horizon it used), or too short to fit anything at all.
    """


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
    rates, arrivals : ndarray of float
        :math:`m`: ascending arrival rates :math:`r_u(T_0)` seen on the split, and the
        fitted newcomers at each (nondecreasing; 0 below the first).
    newcomer_cap : float
        :math:`C`, the trust-weighted newcomers of all accounts in the last horizon.
    newcomer_people : float
        :math:`M`, the distinct credible people who were newcomers to some account in
        the last horizon: the most newcomers any set is credited with.
    pairs, returned : int
        Training pairs, and how many of them engaged again after the split.
    horizon_days, half_life_days : float
        :math:`H` and :math:`h`.
    """

    thresholds: NDArray[np.float64]
    probabilities: NDArray[np.float64]
    rates: NDArray[np.float64]
    arrivals: NDArray[np.float64]
    newcomer_cap: float
    newcomer_people: float
    pairs: int
    returned: int
    horizon_days: float
    half_life_days: float

    @property
    def calibrated(self) -> bool:
        """Whether there was a past to fit on, :data:`MIN_PAIRS` training pairs at least
        (else nothing is forecast: :math:`q = n = 0`)."""
        return self.pairs >= MIN_PAIRS

    def probability(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        """:math:`g(s)` for each score (0 everywhere when not calibrated)."""
        score = np.asarray(score, dtype=np.float64)
        if not self.calibrated:
            return np.zeros_like(score)
        at = np.searchsorted(self.thresholds, score, side="right") - 1
        return np.asarray(self.probabilities[np.maximum(at, 0)], dtype=np.float64)

    def newcomers(self, rate: NDArray[np.float64]) -> NDArray[np.float64]:
        """:math:`c\\, m(r)` for each account's arrival rate *r*, capped in total at
        :math:`C` (0 when not calibrated)."""
        rate = np.asarray(rate, dtype=np.float64)
        if not self.calibrated or not self.rates.size:
            return np.zeros_like(rate)
        at = np.searchsorted(self.rates, rate, side="right") - 1
        fitted = np.where((at >= 0) & (rate > 0.0), self.arrivals[np.maximum(at, 0)], 0.0)
        total = float(np.sum(fitted))
        if total > self.newcomer_cap:
            fitted = fitted * (self.newcomer_cap / total)
        return np.asarray(fitted, dtype=np.float64)


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

    def plausible(self) -> float:
        """The most people any set of accounts can be expected to reach: the distinct
        credible people of the window (each at the largest trust of their exposures) plus
        :math:`M`, the distinct credible newcomers of the last horizon."""
        exposure = self.exposure.tocsc()
        heads = exposure.indptr[:-1][np.diff(exposure.indptr) > 0]
        widest = np.maximum.reduceat(exposure.data, heads) if heads.size else np.zeros(0)
        return float(np.sum(widest) + self.model.newcomer_people)


def _arrivals(pairs: Groups, at: float, half_life: float) -> NDArray[np.float64]:
    """Per pair, :math:`a_{uv} 2^{-(T - f_{uv})/h}`: the weight of its arrival."""
    return np.asarray(pairs.trust * np.exp2(-(at - pairs.first) / (half_life * DAY)))


def fit(
    key: NDArray[np.int64],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    *,
    as_of: float,
    window_days: float,
    horizon_days: float,
    half_life_days: float,
    n_users: int,
) -> ReturnModel:
    """Fit :math:`g`, :math:`m`, :math:`C` and :math:`M` on the split at ``as_of - horizon``.

    *key*, *time* and *trust* are the engagement entries sorted by packed pair key
    ``person * n_users + account``, then time
    (:func:`influence.campaign.pairgroups.sorted_pairs`); entries after
    *as_of* must not be among them.
    """
    width = max(int(n_users), 1)
    split = as_of - horizon_days * DAY
    # Every pair active in (split - W, as_of]: each pair's entries are in time order, so
    # it was active before the split when its first entry is, and after it when its last
    # entry is; the pairs active before the split are these, in the same key order.
    k, t, w = inside(key, time, trust, split - window_days * DAY, as_of)
    before = groups(k, t, w, split - window_days * DAY, split, half_life_days)
    if not before.key.size:
        nothing = np.zeros(0)
        return ReturnModel(
            np.zeros(1), np.zeros(1), nothing, nothing, 0.0, 0.0, 0, 0, horizon_days,
            half_life_days,
        )  # fmt: skip
    start = starts(k)[1]
    end = np.empty_like(start)
    end[:-1] = start[1:] - 1
    end[-1:] = k.size - 1
    old = t[start] <= split
    returned = t[end][old] > split  # the labels: did the pair engage again after it?
    thresholds, count, hits = labels_by_score(before.score, returned)
    fitted = isotonic_regression(hits / count, weights=count.astype(np.float64)).x
    probabilities = np.maximum.accumulate(np.clip(np.asarray(fitted, dtype=np.float64), 0, 1))
    # The step function needs only the first threshold of each run of equal values.
    steps = np.concatenate(([True], probabilities[1:] != probabilities[:-1]))
    # Newcomers after the split (pairs whose every entry is after it, in the last
    # horizon): their trust per account (N_u), in total (the cap C) and per person at its
    # largest (the pool M); m by isotonic regression of N_u on the arrival rate at the
    # split, across accounts (one stable sort of the rates).
    fresh = ~old
    fresh_keys = k[start][fresh]
    fresh_trust = unit(np.maximum.reduceat(w, start))[fresh]
    gained = np.bincount(fresh_keys % width, weights=fresh_trust, minlength=width)
    rate = np.bincount(
        before.key % width, weights=_arrivals(before, split, half_life_days), minlength=width
    )
    has = np.flatnonzero(rate > 0.0)
    order = np.argsort(rate[has], kind="stable")
    ordered = rate[has][order]
    first = starts(ordered)[1]
    rates = ordered[first]
    weight = np.diff(first, append=ordered.size).astype(np.float64)
    mean = run_sums(np.asarray(gained, dtype=np.float64)[has][order], first) / weight
    arrivals = np.maximum.accumulate(
        np.maximum(np.asarray(isotonic_regression(mean, weights=weight).x), 0.0)
    )
    runs = np.concatenate(([True], arrivals[1:] != arrivals[:-1]))
    # The fresh keys are sorted by person: the largest trust per person is a reduceat.
    people = starts(fresh_keys // width)[1]
    widest = np.maximum.reduceat(fresh_trust, people) if people.size else np.zeros(0)
    return ReturnModel(
        thresholds=thresholds[steps],
        probabilities=probabilities[steps],
        rates=np.asarray(rates[runs], dtype=np.float64),
        arrivals=arrivals[runs],
        newcomer_cap=float(np.sum(fresh_trust)),
        newcomer_people=float(np.sum(widest)),
        pairs=int(before.key.size),
        returned=int(np.count_nonzero(returned)),
        horizon_days=horizon_days,
        half_life_days=half_life_days,
    )


def _fit_or_shrink(
    key: NDArray[np.int64],
    time: NDArray[np.float64],
    weight: NDArray[np.float64],
    window: Events,
    as_of: float,
    days: float,
    horizon: float,
    half_life: float | None,
) -> ReturnModel:
    """The model on *horizon*; with no past before its split, on half the log's span."""

    def on(h: float) -> ReturnModel:
        half = HALF_LIFE_SHARE * h if half_life is None else half_life
        return fit(
            key, time, weight, as_of=as_of, window_days=days, horizon_days=h,
            half_life_days=half, n_users=window.n_users,
        )  # fmt: skip

    model = on(horizon)
    if model.calibrated or not key.size:
        return model
    span = (as_of - float(window.start)) / DAY if window.start is not None else 0.0
    if MIN_HORIZON_DAYS <= span / 2.0 < horizon:
        shrunk = on(span / 2.0)
        if shrunk.calibrated:
            warnings.warn(
                f"the log before as_of spans {span:.3g} days, too short to fit a "
                f"{horizon:g}-day campaign period; forecasting {span / 2.0:.3g} days "
                f"instead (half the span): pass horizon_days to choose",
                ForecastWarning,
                stacklevel=3,
            )
            return shrunk
    warnings.warn(
        f"too little before as_of to fit the forecast on (the log before it spans "
        f"{span:.3g} days): no return or newcomer is forecast (select maximises the "
        f"coverage of the window's audience instead)",
        ForecastWarning,
        stacklevel=3,
    )
    return model


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
    hashtags: bool = False,
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
    hashtags : bool, default False
        With *topic*, also read ``#tags`` in the text as topics.

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
    window, t, picked, trust = engaged_rows(
        "forecast", events, as_of, days + horizon, topic, hashtags, scorer, trust
    )
    n = window.n_users
    mask = np.zeros(len(window), dtype=bool)
    mask[picked] = True
    order = rows_in_pair_order(window, mask)
    # One gather of time and trust side by side: one cache miss per row, not two.
    both = np.column_stack((window.time, np.asarray(trust, dtype=np.float64)))[order.rows]
    key, time, weight = (
        order.key,
        np.ascontiguousarray(both[:, 0]),
        np.ascontiguousarray(both[:, 1]),
    )
    if model is None:
        model = _fit_or_shrink(
            key, time, weight, window, t, days, horizon, None if half_life_days is None else half
        )
    now = groups(key, time, weight, t - days * DAY, t, model.half_life_days)
    chance = now.trust * model.probability(now.score)
    arrivals = _arrivals(now, t, model.half_life_days)
    rate = np.bincount(now.key % max(n, 1), weights=arrivals, minlength=n)
    newcomers = model.newcomers(np.asarray(rate, dtype=np.float64))
    newcomers.flags.writeable = False
    chances, exposure = by_account(now.key, n, chance, now.trust)
    return Forecast(
        users=window.users,
        chance=chances,
        exposure=exposure,
        newcomers=newcomers,
        model=model,
        as_of=t,
        window_days=days,
        horizon_days=model.horizon_days,
        topic=None if topic is None else topic.strip(),
    )
