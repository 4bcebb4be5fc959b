"""Stability: how much the standing score moves from one day to the next on each real log.

For each log in ``/work/shared/data`` (skipped when absent), ``Scorer().history`` over its
last ``--days`` days (Higgs: its whole week), one date a day, then for every pair of
consecutive dates and every user scored at both, the change of score. Printed per log, as a
Markdown table: over all (user, day) pairs and over the quiet ones (the user neither acted
nor was engaged that day, so only time moved: steady behaviour), the median, 90th and 99th
percentile and maximum of the absolute change in points, and the share within one point.

Then the generated world (:func:`influence.datasets.synthetic`, ``--users`` ordinary users
over 120 days, the last 30 of them one date a day), whose genuine users behave the same
way all along (their posting, engaging and being engaged are stationary random processes):
steady behaviour by construction. Their changes are split by how many distinct people had
engaged the user in the window the day before: a user with a handful of engagers gains a
large share of their standing from one more.

Usage: ``python bench/history_stability.py [--data /work/shared/data] [--days 90]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from influence import Events, Scorer
from influence._time import DAY
from influence.datasets import synthetic
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


def steady_changes(users: int, days: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """The generated world's genuine users: absolute day-to-day changes over the last
    *days* days, and each one's distinct engagers in the window the day before."""
    world = synthetic(0, n_users=users, days=120)
    events = world.events
    genuine = np.array(sorted(u for u, kind in world.labels.items() if kind == "genuine"))
    end = float(events.end or 0.0)
    history = Scorer().history(events, start=end - days * DAY, every="1D", progress=False)
    changes, engagers = [], []
    for k in range(1, len(history)):
        before = history.scores[k - 1].only(genuine)
        now = history.scores[k].only(genuine)
        where = before.users.indices(now.users.ids)
        both = where >= 0
        changes.append(np.abs(now.values[both] - before.values[where[both]]))
        count = before.evidence["engagement"].details["engagers"]
        engagers.append(np.asarray(count)[where[both]])
    return np.concatenate(changes), np.concatenate(engagers)


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
    parser.add_argument("--users", type=int, default=1000)
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
    change, engagers = steady_changes(args.users)
    name = f"generated, {args.users:,} users"
    print(row(name, "genuine (steady by construction)", change))
    for low, high in ((0, 10), (10, 30), (30, None)):
        some = (engagers >= low) & (engagers < (high or np.inf))
        which = f"genuine, {low}-{high - 1} engagers" if high else f"genuine, {low}+ engagers"
        print(row(name, which, change[some]))


if __name__ == "__main__":
    main()
