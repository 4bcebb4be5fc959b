"""Predictive validity: score at a cut-off, then measure what users receive after it.

:func:`predictive_validity` at one cut-off, :func:`rolling_validity` at
several (averaged), :func:`rolling_cutoffs` for the rolling protocols; each
returns a :class:`~influence.evaluate.ValidityReport` in which the scorer and
the baselines are measured on the same users.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from influence import _progress, _validate
from influence.evaluate.baselines import Baseline, _baseline_values, _baselines, _received
from influence.evaluate.metrics import _metrics
from influence.evaluate.protocol import (
    POPULATIONS,
    TARGETS,
    ScorerLike,
    _check_future,
    _check_past,
    _cutoff_progress,
    _duration,
    _positions,
)
from influence.evaluate.reports import mean_table as _mean_table
from influence.evaluate.validity_report import ValidityReport
from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.scoring.scorer import Scorer
from influence.scoring.scores import Scores

__all__ = ["DEFAULT_METRICS", "predictive_validity", "rolling_cutoffs", "rolling_validity"]

FloatArray = NDArray[np.float64]

#: The metrics reported when none are named.
DEFAULT_METRICS: tuple[str, ...] = ("spearman", "ndcg@100", "precision@100")
#: The options rolling_validity passes on to predictive_validity.
_ROLLING_OPTIONS = frozenset({"metrics", "baselines", "target", "population"})


def rolling_cutoffs(events: Events, step: Any, horizon: Any, *, end: Any = None) -> list[float]:
    """Cut-offs every *step* from the first event, while a whole *horizon* follows in the log.

    The cut-offs ``start + step, start + 2 step, ...`` (epoch seconds) with
    ``cutoff + horizon <= end``: the protocol of the rolling reports in
    the documentation (weekly for CollegeMsg, every 90 days for Bitcoin OTC).

    Parameters
    ----------
    events : Events
    step, horizon : float, datetime.timedelta or numpy.timedelta64
        Positive; seconds when a number.
    end : float, datetime or str, optional
        The latest time a horizon may reach; default ``events.end``, the latest
        event (with a :class:`~influence.FarFutureWarning` when it stands far
        beyond the bulk of the log: cut-offs would run on into an empty future).

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
    last = None if end is None else to_epoch(end, name="end")
    if last is None:
        warn_far_future(events, parameter="end", option="--end")
    if events.start is None or events.end is None:
        return []
    last = events.end if last is None else last
    count = int((last - events.start - span) // every)
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
    _validate.choice("predictive_validity", "target", target, TARGETS)
    _validate.choice("predictive_validity", "population", population, POPULATIONS)
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
