"""Future engagement per score decile, drawn with matplotlib (imported only when called)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from influence.evaluate.validity_report import ValidityReport, _decile_means, decile_table

__all__ = ["plot_deciles"]


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
