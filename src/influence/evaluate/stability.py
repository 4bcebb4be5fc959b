"""Rank stability: how much each method's ranking moves from one cut-off to the next."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _progress
from influence.evaluate.baselines import Baseline, _baseline_values, _baselines
from influence.evaluate.metrics import _rank_metrics
from influence.evaluate.protocol import ScorerLike, _cutoff_progress, _positions
from influence.evaluate.reports import MethodTable
from influence.evaluate.reports import freeze as _freeze
from influence.evaluate.reports import mean_table as _mean_table
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.scoring.scorer import Scorer

__all__ = ["STABILITY_METRICS", "StabilityReport", "rank_stability"]

FloatArray = NDArray[np.float64]

#: The metrics :func:`rank_stability` reports when none are named.
STABILITY_METRICS: tuple[str, ...] = ("spearman", "precision@100")


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
