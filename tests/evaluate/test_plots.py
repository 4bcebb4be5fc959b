"""influence.evaluate.plots: future engagement per score decile, drawn."""

from __future__ import annotations

import numpy as np
import pytest

from _evaluate_logs import CUT, DAY, day
from influence import Events
from influence.evaluate import plot_deciles, predictive_validity, rolling_validity


def test_plot_deciles(tiny: Events) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    report = predictive_validity(tiny, CUT, 10 * DAY)
    ax = plot_deciles(report, bins=2)
    assert [line.get_label() for line in ax.get_lines()] == list(report.methods)
    ax2 = plot_deciles(([1.0, 2.0, 3.0, 4.0], [1, 2, 3, 4]), bins=2)
    assert ax2.get_yscale() == "log"
    np.testing.assert_array_equal(ax2.get_lines()[0].get_ydata(), [1.5, 3.5])
    assert plot_deciles(([1.0, 2.0, 3.0, 4.0], [0, 0, 3, 4]), bins=2).get_yscale() == "symlog"
    rolling = rolling_validity(tiny, [CUT, day(12)], 5 * DAY)
    ax3 = plot_deciles(rolling, methods=["scorer"], bins=2)
    assert len(ax3.get_lines()) == 1
    with pytest.raises(ValueError, match="unknown method"):
        plot_deciles(report, methods=["klout"])
    plt.close("all")
