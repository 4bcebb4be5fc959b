"""Experiment: phasing events into the standing score, stability against forecasting.

Issue 17 asks that steady behaviour move the standing score by at most one point a day;
``docs/validation.md`` ("Day to day") finds the moves in Engagement's rate noise: an
engagement counts in full the day it happens. The remedy measured here multiplies the
standing recency weight (every component on a half-life of 7 days or more) by a ramp

.. math::

    \\rho(a) = r_0 + (1 - r_0) \\min(a / R, 1)

from ``r0`` at age 0 to 1 at ``R`` days, so that an event phases in over ``R`` days (with
``r0 = 0`` the standing score reads, near enough, the mean of ``R`` daily readings). The
ramp is **not** a library feature: this script patches ``influence.kernels.recency._recency`` in
its own process (each ``R`` in a fresh interpreter, so no memoised weight crosses over),
and leaves the baselines (``influence.evaluate.signals``) on the plain weight.

For each ``R``, printed as one Markdown row: the generated world's genuine users' daily
changes (``bench/history_stability.py``'s ``steady_changes``: share within one point, 99th
percentile, largest), and the standing score minus the count of distinct engagers, with a
paired 95% bootstrap interval (1,000 draws), on the three real logs with the protocols of
``tests/evaluate/test_real_logs.py`` (issue 13's targets: never "behind").

Usage: ``python bench/phase_in_tradeoff.py [--ramps 0 1 3 7 14] [--r0 0.1]``
(about 40 s per ramp on two cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np

DATA = Path("/work/shared/data")
METRICS = ("spearman", "ndcg@100")


def one(ramp: float, r0: float) -> str:
    import influence.evaluate.signals as signals
    import influence.kernels.recency as recency

    plain = recency._recency

    def ramped(age: np.ndarray, window_days: float, half_life_days: float) -> np.ndarray:
        weight = plain(age, window_days, half_life_days)
        if ramp > 0 and half_life_days >= 7:
            days = np.maximum(age / 86_400.0, 0.0)
            weight = weight * (r0 + (1.0 - r0) * np.minimum(days / ramp, 1.0))
        return weight

    def unramped(age: np.ndarray, window_days: float, half_life_days: float) -> np.ndarray:
        return plain(np.asarray(age, dtype=np.float64), window_days, half_life_days)

    recency._recency = ramped
    signals.recency_weights = unramped  # the baselines stay as they are

    sys.path.insert(0, str(Path(__file__).parent))
    from history_stability import steady_changes

    from influence._time import DAY
    from influence.datasets.loaders import load_bitcoin_otc, load_collegemsg, load_higgs
    from influence.evaluate import predictive_validity, rolling_cutoffs, rolling_validity

    change, _ = steady_changes(1000)
    cells = [
        f"{ramp:g}",
        f"{100 * np.mean(change <= 1.0):.2f}%",
        f"{np.percentile(change, 99):.2f}",
        f"{change.max():.1f}",
    ]

    def compared(report: object) -> None:
        for metric in METRICS:
            c = report.compare(metric, "distinct_engagers", resamples=1000)  # type: ignore[attr-defined]
            bold = "**" if c.verdict != "not distinguishable" else ""
            cells.append(
                f"{report.table['scorer'][metric]:.3f} ({bold}{c.difference:+.4f} "  # type: ignore[attr-defined]
                f"[{c.low:+.4f}, {c.high:+.4f}]{bold})"
            )

    higgs = load_higgs(DATA / "higgs/higgs-activity_time.txt.gz")
    compared(
        predictive_validity(
            higgs,
            "2012-07-04T23:59:59Z",
            dt.timedelta(days=3),
            metrics=list(METRICS),
            baselines=["distinct_engagers"],
        )
    )
    college = load_collegemsg(DATA / "collegemsg/CollegeMsg.txt")
    week = 7 * DAY
    assert college.start is not None
    assert college.end is not None
    count = int((college.end - college.start - week) // week)
    cutoffs = [college.start + k * week for k in range(1, count + 1)]
    compared(
        rolling_validity(
            college, cutoffs, week, metrics=list(METRICS), baselines=["distinct_engagers"]
        )
    )
    otc = load_bitcoin_otc(DATA / "bitcoin-otc/soc-sign-bitcoinotc.csv")
    quarter = 90 * DAY
    compared(
        rolling_validity(
            otc,
            rolling_cutoffs(otc, quarter, quarter),
            quarter,
            metrics=list(METRICS),
            baselines=["distinct_engagers"],
        )
    )
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ramps", type=float, nargs="+", default=[0, 1, 3, 7, 14])
    parser.add_argument("--r0", type=float, default=0.1)
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(one(args.one, args.r0))
        return
    head = ["R (days)", "steady within 1 point", "p99", "max"]
    for log in ("Higgs", "CollegeMsg", "Bitcoin OTC"):
        head += [f"{log} {m} (minus distinct engagers)" for m in METRICS]
    print("| " + " | ".join(head) + " |")
    print("|" + "---:|" * len(head))
    for ramp in args.ramps:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(ramp), "--r0", str(args.r0)],
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
