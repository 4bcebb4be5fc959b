"""Credibility's sufficient statistics: the per-account and per-pair tables its judge reads.

:class:`~influence.components.Credibility` judges accounts in two stages: these
statistics of the window's events (:class:`CredibilityStats`, computed from an event
table by :func:`credibility_stats`), then the judgement, which reads nothing else
(:meth:`Credibility.judge <influence.components.Credibility.judge>`). An engine that
aggregates the events where they are (:func:`influence.engines.score_spark`) computes
the same tables and hands them to the same judge.

Times are epoch seconds, ``T`` the judging time, ``W`` Credibility's ``window_days`` and
``L`` its lookback (``2 W``): the *window* is :math:`T - W < t \\le T`, the *lookback*
:math:`T - L < t \\le T`. An *acting* row is one whose actor is not its target (a post,
aimed at no one, is acting); an *interaction* a reply, share, like, mention or follow
aimed at another account.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.components.conduct import (
    ContentCounts,
    answered_by,
    content_counts,
    gap_sums,
    history,
)
from influence.components.interactions import InteractionPairs, interaction_pairs
from influence.events import actions as _actions
from influence.events.table import Events

__all__ = ["CredibilityStats", "Seeds", "check_judged", "credibility_stats", "interaction_rows"]

_INTERACTION = _actions.mask_of(_actions.INTERACTIONS)


@dataclass(frozen=True)
class CredibilityStats:
    r"""What :class:`~influence.components.Credibility` reads of a window, per account
    (arrays of ``n_users``) and per interaction pair.

    Attributes
    ----------
    pairs : InteractionPairs
        The window's interactions per ``(source, target)`` pair, sorted by
        ``source * n_users + target``: ``counts`` rows, ``engaged`` if any is an
        engagement (:func:`~influence.components.interactions.interaction_pairs`).
    first, last : ndarray of float64
        The times of the account's first and last acting rows in the lookback
        (``T`` and ``-inf`` if none).
    appeared : ndarray of float64
        :math:`\min(\mathrm{first}, \text{first time it is the target of an acting row in
        the lookback})`: when it first appears at all.
    start : float
        The time of the lookback's first acting row (``T`` if none): where the log begins.
    content : ContentCounts
        Per account, over its posts in the window: ``posts`` (their number), ``repeats``
        (those with a text, less its distinct texts among them), ``answered`` (its
        distinct texts among the posts others replied to, shared or liked by ``T``),
        ``link_only`` (those whose text is only links,
        :meth:`Activity.link_only <influence.components.Activity.link_only>`) and
        ``other`` (the others that others answered).
    gaps, gap_sum, gap_square : ndarray of float64
        Over the gaps :math:`g` between consecutive acting rows of the account in the
        window (in time order): their number, :math:`\sum g` and :math:`\sum g^2`.
    answerers : ndarray of float64
        For *burst* accounts (:math:`\mathrm{last} - \mathrm{first} \le` ``burst_days``),
        the distinct other accounts whose engagement rows in the window have as parent
        a post of the account's created in the lookback; 0 for the others.
    """

    pairs: InteractionPairs
    first: NDArray[np.float64]
    last: NDArray[np.float64]
    appeared: NDArray[np.float64]
    start: float
    content: ContentCounts
    gaps: NDArray[np.float64]
    gap_sum: NDArray[np.float64]
    gap_square: NDArray[np.float64]
    answerers: NDArray[np.float64]


class Seeds(NamedTuple):
    """The indices of the ``trusted`` and ``distrusted`` seed accounts among ``n`` users."""

    n: int
    trusted: NDArray[np.int64]
    distrusted: NDArray[np.int64]

    @classmethod
    def found(
        cls,
        n: int,
        indices: Callable[[NDArray[Any]], NDArray[np.int64]],
        trusted: Sequence[Any],
        distrusted: Sequence[Any],
    ) -> Seeds:
        """The seeds that *indices* (ids -> index, -1 where absent) finds."""
        found = [indices(np.asarray(list(ids))) if ids else np.zeros(0, np.int64)
                 for ids in (trusted, distrusted)]  # fmt: skip
        return cls(n, *(np.asarray(f[f >= 0], dtype=np.int64) for f in found))


def check_judged(stats: CredibilityStats, seeds: Seeds, counted: Any) -> None:
    """Refuse seeds or a *counted* mask that are not of the statistics' accounts, naming
    the parameter of :meth:`Credibility.judge <influence.components.Credibility.judge>`."""
    n = int(stats.first.size)
    if not isinstance(seeds, Seeds) or seeds.n != n:
        got = f"seeds of {seeds.n} accounts" if isinstance(seeds, Seeds) else repr(seeds)
        raise ValueError(
            f"The 'seeds' parameter of Credibility.judge must be the Seeds of the "
            f"statistics' {n} accounts (Credibility.seeds of the same table). Got {got}."
        )
    if counted is not None and not (
        isinstance(counted, np.ndarray) and counted.dtype == np.bool_ and counted.shape == (n,)
    ):
        shape = getattr(counted, "shape", None)
        raise ValueError(
            f"The 'counted' parameter of Credibility.judge must be None or a boolean array "
            f"of shape ({n},), one per account. Got {type(counted).__name__} of shape {shape}."
        )


def interaction_rows(events: Events, as_of: float, window_days: float) -> NDArray[np.bool_]:
    """Rows that are interactions aimed at another account, in the window."""
    window = _window(events, as_of, window_days)
    rows = np.zeros(len(events), dtype=bool)
    target = events.target[window]
    np.greater_equal(target, 0, out=rows[window])
    rows[window] &= _INTERACTION[events.action[window]]
    rows[window] &= events.actor[window] != target
    return rows


def _window(events: Events, as_of: float, window_days: float) -> slice:
    """The rows in ``(as_of - window_days, as_of]``: a slice, since rows are sorted by time."""
    time = events.time
    start = int(np.searchsorted(time, as_of - window_days * DAY, side="right"))
    return slice(start, max(start, int(np.searchsorted(time, as_of, side="right"))))


def credibility_stats(
    events: Events, as_of: float, *, window_days: float, lookback_days: float, burst_days: float
) -> CredibilityStats:
    """The :class:`CredibilityStats` of *events* at *as_of*.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "ann", "action": "post", "post": "p", "text": "hi"},
    ...     {"time": 60, "actor": "bob", "action": "like", "target": "ann", "parent": "p"},
    ...     {"time": 90, "actor": "bob", "action": "follow", "target": "ann"},
    ... ])
    >>> stats = credibility_stats(ev, 90.0, window_days=90, lookback_days=180, burst_days=14)
    >>> stats.pairs.counts.tolist(), stats.answerers.tolist(), stats.appeared.tolist()
    ([2], [1.0, 0.0], [0.0, 60.0])

    The judge reads them alone:

    >>> from influence.components import Credibility
    >>> judge = Credibility()
    >>> facts = judge.judge(judge.statistics(ev, 90.0), judge.seeds(ev))
    >>> facts["credibility"].tolist() == judge.credibility(ev, 90.0)["credibility"].tolist()
    True
    """
    n = events.n_users
    in_window = np.zeros(len(events), dtype=bool)
    in_window[_window(events, as_of, window_days)] = True
    pairs = interaction_pairs(events, interaction_rows(events, as_of, window_days))
    since = as_of - lookback_days * DAY
    past = history(events, as_of, since)
    # The gaps over the window's acting rows (the history's, sorted by actor).
    window = past.when > as_of - window_days * DAY
    who, when = (past.who, past.when) if window.all() else (past.who[window], past.when[window])
    gaps, gap_sum, gap_square = gap_sums(who, when, n)
    burst = (past.last - past.first) <= burst_days * DAY
    return CredibilityStats(
        pairs=pairs,
        first=past.first,
        last=past.last,
        appeared=past.appeared,
        start=float(past.when.min()) if past.rows.size else float(as_of),
        content=content_counts(events, in_window, as_of, since=since),
        gaps=gaps,
        gap_sum=gap_sum,
        gap_square=gap_square,
        answerers=answered_by(events, as_of, in_window, since, owners=burst),
    )
