"""Draw the figures of docs/quickstart.md with influence.plot (needs matplotlib).

Writes ``docs/img/quickstart-breakdown.png`` (the Sybil target's score as a
waterfall), the same figure the page's code draws. Run again after a change
that moves the scores of ``synthetic(seed=0)``.

Usage: ``python bench/docs_figures.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from influence import Scorer, plot
from influence.datasets import synthetic

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    world = synthetic(seed=0)
    scores = Scorer().score(world.events, as_of=world.end)
    ax = plot.breakdown(scores, world.sybil_target)
    out = ROOT / "docs" / "img" / "quickstart-breakdown.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    ax.figure.savefig(out, dpi=110, metadata={"Software": None})
    plt.close(ax.figure)
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
