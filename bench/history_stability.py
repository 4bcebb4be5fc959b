"""Stability: how much the standing score moves from one day to the next on each real log.

For each log in ``/work/shared/data`` (skipped when absent), ``Scorer().history`` over its
last ``--days`` days (Higgs: its whole week), one date a day, then for every pair of
consecutive dates and every user scored at both, the change of score. Printed per log, as a
Markdown table: over all (user, day) pairs and over the quiet ones (the user neither acted
nor was engaged that day, so only time moved: steady behaviour), the median, 90th and 99th
percentile and maximum of the absolute change in points, and the share within one point.

Usage: ``python bench/history_stability.py [--data /work/shared/data] [--days 90]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from influence import Events, Scorer
from influence._time import DAY
from influence.datasets.loaders import load_bitcoin_otc, load_collegemsg, load_higgs

LOGS = {
    "CollegeMsg": ("collegemsg/CollegeMsg.txt", load_collegemsg),
    "Bitcoin OTC": ("bitcoin-otc/soc-sign-bitcoinotc.csv", load_bitcoin_otc),
    "Higgs": ("higgs/higgs-activity_time.txt.gz", load_higgs),
}


def daily_changes(events: Events, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Absolute day-to-day changes of every user scored on two consecutive dates, and
    whether the user had no event (as actor or target) in between."""
    end = float(events.end or 0.0)
    start = max(end - days * DAY, float(events.start or end))
    history = Scorer().history(events, start=start, every="1D", progress=False)
    changes, quiet = [], []
    for k in range(1, len(history)):
        before, now = history.scores[k - 1], history.scores[k]
        where = before.users.indices(now.users.ids)
        both = where >= 0
        change = np.abs(now.values[both] - before.values[where[both]])
        day = (events.time > history.dates[k - 1]) & (events.time <= history.dates[k])
        active = np.zeros(events.n_users, dtype=bool)
        active[events.actor[day]] = True
        targets = events.target[day]
        active[targets[targets >= 0]] = True
        ids = events.users.indices(now.users.ids[both])
        changes.append(change)
        quiet.append(~active[ids])
    return np.concatenate(changes), np.concatenate(quiet)


def row(name: str, which: str, change: np.ndarray) -> str:
    if not change.size:
        return f"| {name} | {which} | 0 | | | | | |"
    p50, p90, p99 = np.percentile(change, [50, 90, 99])
    within = float(np.mean(change <= 1.0))
    return (
        f"| {name} | {which} | {change.size:,} | {p50:.3f} | {p90:.3f} | {p99:.3f} | "
        f"{change.max():.1f} | {100 * within:.2f}% |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="/work/shared/data")
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    print("| log | user-days | n | median | p90 | p99 | max | within 1 point |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, (relative, load) in LOGS.items():
        path = Path(args.data) / relative
        if not path.exists():
            print(f"| {name} | (absent) | | | | | | |")
            continue
        change, quiet = daily_changes(load(path), args.days)
        print(row(name, "all", change))
        print(row(name, "quiet (no event that day)", change[quiet]))


if __name__ == "__main__":
    main()
