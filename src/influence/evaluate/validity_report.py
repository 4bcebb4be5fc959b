"""The validity report: each method's metrics, paired intervals and future engagement by decile.

:class:`ValidityReport` is what :func:`predictive_validity` and
:func:`rolling_validity` return; :meth:`ValidityReport.compare` puts a paired
bootstrap interval on a difference (a :class:`Comparison`), and
:func:`decile_table` cuts the users into score deciles. The table lives
beside the report because each needs the other: it refuses a report (pointing
at :meth:`ValidityReport.decile_means`), and that method calls it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence import _validate
from influence.evaluate import bootstrap as _bootstrap
from influence.evaluate.metrics import _pair, _parse_metric, _rank_metrics
from influence.evaluate.reports import MethodTable
from influence.evaluate.reports import freeze as _freeze
from influence.evaluate.reports import span as _span
from influence.evaluate.stability import STABILITY_METRICS, StabilityReport, _stability
from influence.events.timeparse import format_time

__all__ = ["MIN_CUTOFFS", "Comparison", "ValidityReport", "decile_table"]

FloatArray = NDArray[np.float64]

#: Fewest cut-offs, with both methods defined, that a rolling comparison resamples
#: (:meth:`ValidityReport.compare`).
MIN_CUTOFFS = 5


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
            if per_run.size < MIN_CUTOFFS:
                raise ValueError(
                    f"{metric!r} is defined for both {method!r} and {baseline!r} at "
                    f"{per_run.size} cut-off(s); an interval needs at least {MIN_CUTOFFS}"
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
