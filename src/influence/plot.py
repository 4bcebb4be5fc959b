"""Plots of scores: their distribution, one user's breakdown, the top users.

Needs matplotlib (``pip install 'influence-score[plot]'``), imported only when
a plot is drawn. Every function draws on the Axes passed as ``ax`` (a new
figure's Axes by default) and returns it, so plots compose with the rest of a
matplotlib figure:

>>> import matplotlib.pyplot as plt  # doctest: +SKIP
>>> from influence import Scorer, plot
>>> from influence.datasets import synthetic
>>> world = synthetic(seed=0)  # doctest: +SKIP
>>> scores = Scorer().score(world.events)  # doctest: +SKIP
>>> fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))  # doctest: +SKIP
>>> plot.score_distribution(scores, ax=left)  # doctest: +SKIP
<Axes: ...>
>>> plot.breakdown(scores, world.sybil_target, ax=right)  # doctest: +SKIP
<Axes: ...>

- :func:`score_distribution`: a histogram of the scores on the fixed 0-100
  scale, with the median marked.
- :func:`breakdown`: a waterfall of one user's parts: each signal's points
  going up, each discount's and modifier's loss going down, then the score.
- :func:`top`: a bar chart of the *k* best users.
- :func:`history`: one user's score and parts over time
  (:meth:`Scorer.history <influence.Scorer.history>`), their own posts marked.
- :func:`reach_curve`: a campaign's reach against the number of accounts, the greedy's
  choice against the top accounts by score (:func:`influence.campaign.select`).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from influence.kernels import plural
from influence.scoring.explanation import Explanation, shown_id
from influence.scoring.history_result import History
from influence.scoring.scores import Scores

if TYPE_CHECKING:  # plots read a Campaign's public attributes; campaign is not imported
    from influence.campaign.result import Campaign

__all__ = ["breakdown", "history", "reach_curve", "score_distribution", "top"]

#: Colours: gains (signals), losses (discounts, modifiers), totals (the score).
GAIN = "#33aa77"
LOSS = "#cc4444"
TOTAL = "#4477aa"


def _pyplot(owner: str) -> Any:
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError(
            f"{owner} needs matplotlib: pip install 'influence-score[plot]'"
        ) from None


def _axes(ax: Any, owner: str, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot(owner).subplots(figsize=size, layout="constrained")
    return ax


def score_distribution(
    scores: Scores | Sequence[float] | np.ndarray,
    ax: Any = None,
    bins: int = 20,
    *,
    log: bool = False,
) -> Any:
    """A histogram of the scores on the fixed 0-100 scale, the median marked.

    Parameters
    ----------
    scores : Scores or array-like of float
        The scores (``Scores.values`` for a :class:`~influence.Scores`).
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.
    bins : int, default 20
        Equal-width bins over ``[0, 100]``.
    log : bool, default False
        A logarithmic count axis: scores are heavy-tailed, most users near 0.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        For *bins* not a positive integer, or scores outside ``[0, 100]``.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> from influence.plot import score_distribution
    >>> events = Events.from_records(
    ...     [{"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"} for t in range(5)])
    >>> ax = score_distribution(Scorer().score(events), bins=10)  # doctest: +SKIP
    >>> [int(p.get_height()) for p in ax.patches]  # doctest: +SKIP
    [5, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(
            f"The 'bins' parameter of score_distribution must be a positive int. Got {bins!r}."
        )
    values = np.asarray(scores.values if isinstance(scores, Scores) else scores, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"score_distribution needs one score per user; got shape {values.shape}")
    if values.size and not (
        np.all(np.isfinite(values)) and values.min() >= 0 and values.max() <= 100
    ):
        raise ValueError("score_distribution needs finite scores in [0, 100]")
    ax = _axes(ax, "score_distribution", (6.4, 4.0))
    edges = np.linspace(0.0, 100.0, int(bins) + 1)
    ax.hist(values, bins=edges, color=TOTAL, edgecolor="white", linewidth=0.5, log=log)
    if values.size:
        median = float(np.median(values))
        ax.axvline(median, color="#333333", linestyle="--", linewidth=1.0)
        ax.annotate(
            f"median {median:.1f}",
            xy=(median, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize="small",
        )
    ax.set_xlim(0.0, 100.0)
    ax.set_xlabel("score")
    ax.set_ylabel("users")
    ax.set_title(f"Score distribution ({plural(values.size, 'user')})")
    return ax


def breakdown(
    explanation: Explanation | Scores,
    user: Any = None,
    ax: Any = None,
) -> Any:
    """One user's score as a waterfall: signals up, discounts and modifiers down, then the score.

    Each part is a bar from the running total before it to the running total
    after it, labelled with its points; since the parts add up to the score,
    the last part ends where the score bar (drawn from 0) ends.

    Parameters
    ----------
    explanation : Explanation or Scores
        A user's :class:`~influence.Explanation`, or the scores (then give
        *user*).
    user : user id, optional
        The user to explain, with :class:`~influence.Scores` only.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per part (in part order), then the score's bar.

    Raises
    ------
    ValueError
        Without *user* for scores, or with one for an explanation.
    KeyError
        For a user who was not scored.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> from influence.plot import breakdown
    >>> events = Events.from_records(
    ...     [{"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"} for t in range(5)])
    >>> ax = breakdown(Scorer().score(events), "ann")  # doctest: +SKIP
    >>> [t.get_text() for t in ax.get_xticklabels()][-1]  # doctest: +SKIP
    'score'
    """
    if isinstance(explanation, Scores):
        if user is None:
            raise ValueError("breakdown needs the user to explain when given scores")
        explanation = explanation.explain(user)
    elif isinstance(explanation, Explanation):
        if user is not None:
            raise ValueError(
                "breakdown takes a user only with scores; an explanation is of one user already"
            )
    else:
        raise TypeError(
            f"breakdown needs an Explanation or Scores; got {type(explanation).__name__}"
        )
    ax = _axes(ax, "breakdown", (6.4, 4.0))
    names = list(explanation.parts)
    points = np.array([explanation.parts[n] for n in names], dtype=np.float64)
    before = np.concatenate(([0.0], np.cumsum(points)[:-1])) if points.size else points
    colours = [GAIN if p >= 0 else LOSS for p in points]
    x = np.arange(points.size)
    ax.bar(x, points, bottom=before, color=colours, width=0.6)
    ax.bar([points.size], [explanation.score], color=TOTAL, width=0.6)
    after = before + points
    for i in range(points.size):  # connectors: each bar starts where the last one ended
        ax.plot([i + 0.3, i + 0.7], [after[i], after[i]], color="#888888", linewidth=0.8)
        top = max(before[i], after[i])
        ax.annotate(
            f"{round(float(points[i]), 1) + 0.0:+.1f}",  # never "-0.0"
            xy=(i, top),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize="small",
        )
    ax.annotate(
        f"{explanation.score:.1f}",
        xy=(points.size, explanation.score),
        xytext=(0, 2),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize="small",
        fontweight="bold",
    )
    ax.set_xticks(np.arange(points.size + 1))
    ax.set_xticklabels([*names, "score"], rotation=30, ha="right")
    peak = max([explanation.score, *after.tolist(), 0.0])
    ax.set_ylim(0.0, peak * 1.15 if peak > 0 and math.isfinite(peak) else 1.0)
    ax.set_ylabel("points")
    ax.set_title(f"{explanation.user}: {explanation.score:.1f} / 100")
    return ax


def top(scores: Scores, k: int = 10, ax: Any = None) -> Any:
    """A bar chart of the *k* best users, the best at the top, on the 0-100 scale.

    Parameters
    ----------
    scores : Scores
    k : int, default 10
        How many users (fewer when fewer were scored); ties are broken by user
        id, as in :meth:`Scores.top`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per user, best first.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> from influence.plot import top
    >>> events = Events.from_records(
    ...     [{"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"} for t in range(5)])
    >>> ax = top(Scorer().score(events), k=3)  # doctest: +SKIP
    >>> [t.get_text() for t in ax.get_yticklabels()]  # doctest: +SKIP
    ['ann', 'fan0', 'fan1']
    """
    if not isinstance(scores, Scores):
        raise TypeError(f"top needs Scores; got {type(scores).__name__}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"The 'k' parameter of top must be a positive int. Got {k!r}.")
    best = scores.top(int(k))
    ax = _axes(ax, "top", (6.4, 0.8 + 0.35 * max(len(best), 1)))
    values = [value for _, value in best]
    ax.barh(np.arange(len(best)), values, color=TOTAL, height=0.7)
    for i, value in enumerate(values):
        ax.annotate(
            f"{value:.1f}",
            xy=(value, i),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize="small",
        )
    ax.set_yticks(np.arange(len(best)))
    ax.set_yticklabels([str(user) for user, _ in best])
    ax.invert_yaxis()  # the best at the top
    ax.set_xlim(0.0, 105.0)
    ax.set_xlabel("score")
    ax.set_title(f"Top {len(best)} of {plural(len(scores), 'user')}")
    return ax


def reach_curve(campaign: Campaign, ax: Any = None) -> Any:
    """A campaign's reach against the number of accounts: the greedy against the top by score.

    Parameters
    ----------
    campaign : Campaign
        From :func:`influence.campaign.select`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        Two lines: ``campaign.curve`` (the selection, in :data:`GAIN`) and
        ``campaign.top_curve`` (the top accounts by standing score, in :data:`TOTAL`),
        each point the reach of the first accounts; against their number, or, when a
        budget was used, against their cumulative cost, the legend naming the method
        that won (``Campaign.method``: CELF's unit-cost greedy, cost-benefit, best
        single or top by score).

    Examples
    --------
    >>> from influence import Events
    >>> from influence.campaign import select
    >>> from influence.plot import reach_curve
    >>> rows = [{"time": t, "actor": f"fan{t % 4}", "action": "like", "target": f"a{t % 3}"}
    ...         for t in range(12)]
    >>> ax = reach_curve(select(Events.from_records(rows), k=2))  # doctest: +SKIP
    >>> [line.get_label() for line in ax.get_lines()]  # doctest: +SKIP
    ['greedy (CELF)', 'top 2 by score']
    """
    curve = getattr(campaign, "curve", None)
    top_curve = getattr(campaign, "top_curve", None)
    if curve is None or top_curve is None:
        raise TypeError(f"reach_curve needs a Campaign; got {type(campaign).__name__}")
    ax = _axes(ax, "reach_curve", (6.4, 4.0))
    by_cost = campaign.budget is not None and len(campaign.top_costs) == len(top_curve)
    x = np.cumsum(campaign.costs) if by_cost else np.arange(1, len(curve) + 1)
    top_x = np.cumsum(campaign.top_costs) if by_cost else np.arange(1, len(top_curve) + 1)
    method = "CELF" if campaign.method in ("greedy", "unit-cost") else campaign.method
    ax.plot(
        x,
        curve,
        color=GAIN,
        marker="o",
        markersize=3,
        label=f"selection ({method})" if by_cost else "greedy (CELF)",
    )
    ax.plot(
        top_x,
        top_curve,
        color=TOTAL,
        marker="s",
        markersize=3,
        linestyle="--",
        label=f"top {len(top_curve)} by score",
    )
    if by_cost and campaign.budget is not None:
        ax.axvline(campaign.budget, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel("cumulative cost (budget dotted)" if by_cost else "accounts chosen")
    ax.set_ylabel(f"credible people reached (frequency {campaign.frequency})")
    ax.set_ylim(bottom=0.0)
    ax.legend(loc="lower right")
    topic = "" if campaign.topic is None else f" about {campaign.topic}"
    ax.set_title(f"Reach{topic}: {campaign.reach:,.1f} against {campaign.top_reach:,.1f}")
    return ax


def history(history: History, user: Any, ax: Any = None, *, parts: Any = True) -> Any:
    """One user's score over time, with its parts and the user's own posts marked.

    Parameters
    ----------
    history : History
        From :meth:`Scorer.history <influence.Scorer.history>`.
    user : user id
        A user scored at some date of the history.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.
    parts : bool or sequence of str, default True
        ``True``: a thinner line per part that is not zero at every date (signals
        above zero, discounts and modifiers below); ``False``: the score only; or
        the names of the parts to draw.

    Returns
    -------
    matplotlib.axes.Axes
        The score's line (labelled ``score``), one line per part drawn (labelled with
        its name) and, when the user posted in the history's span, a row of markers
        at zero labelled ``own posts``. Dates are on the x axis (UTC); before the
        user's first event there is no line (:meth:`History.series
        <influence.scoring.history_result.History.series>` gives NaN).

    Raises
    ------
    TypeError
        When *history* is not a History.
    KeyError
        For a user scored at no date, or a part name the history does not have.

    Examples
    --------
    >>> from influence import Events, Scorer, plot
    >>> events = Events.from_records(
    ...     [{"time": 0, "actor": "ann", "action": "post", "post": "p"}]
    ...     + [{"time": d * 86_400, "actor": f"fan{d}", "action": "like", "target": "ann",
    ...         "parent": "p"} for d in range(1, 8)])
    >>> ax = plot.history(Scorer().history(events), "ann")  # doctest: +SKIP
    >>> [line.get_label() for line in ax.get_lines()]  # doctest: +SKIP
    ['score', 'engagement', 'activity', 'longevity', 'inactivity', 'own posts']
    """
    if not isinstance(history, History):
        raise TypeError(f"history needs a History; got {type(history).__name__}")
    series = history.series(user)
    if parts is True:
        names = [n for n in history.part_names if np.nan_to_num(series[n]).any()]
    elif parts is False:
        names = []
    elif isinstance(parts, str):
        raise TypeError(f"parts takes a list of part names; got the string {parts!r}")
    else:
        names = list(parts)
        unknown = [n for n in names if n not in history.part_names]
        if unknown:
            raise KeyError(f"no part named {unknown}; the parts are {list(history.part_names)}")
    ax = _axes(ax, "history", (7.2, 4.0))
    when = _datetimes(series["time"])
    ax.plot(when, series["score"], color=TOTAL, linewidth=2.2, label="score")
    for name in names:
        ax.plot(when, series[name], linewidth=1.0, label=name)
    posts = history.posts(user)
    if posts.size:
        ax.plot(
            _datetimes(posts),
            np.zeros(posts.size),
            linestyle="none",
            marker="^",
            color="#333333",
            markersize=6,
            label="own posts",
        )
    ax.axhline(0.0, color="#888888", linewidth=0.6)
    ax.set_ylabel("points")
    ax.set_title(f"{shown_id(user)}: score over time")
    ax.legend(loc="best", fontsize="small")  # where it covers the fewest points
    ax.figure.autofmt_xdate()
    return ax


def _datetimes(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as numpy datetimes (UTC, milliseconds), which matplotlib plots as dates."""
    return np.round(np.asarray(seconds, dtype=np.float64) * 1e3).astype("datetime64[ms]")
