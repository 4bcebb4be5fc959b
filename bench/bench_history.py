"""Benchmark: a daily history (``Scorer.history``) against one scoring, in the same run.

Builds a heavy-tailed random log (Zipf-like authors, posts with parents, times over
``--days`` days, 2M events by default), then times, each cold (the table's memo cleared
first), ``Scorer().score`` at the latest event (the baseline) and ``Scorer().history``
over the last ``--points`` days, one date a day, and prints the ratio of the two. The
issue's target is at most 10 scorings for 90 daily points.

Where the time goes: the events each date's window holds, summed over the dates, in
units of the whole log (a history whose every date were a scoring of its window at
the baseline's cost per event would cost that many scorings); the time spent cutting
the windows; and one scoring's time split by part (each component cold, on the whole
log), which is what every date pays again on its own window.

Usage: ``python bench/bench_history.py [--events N] [--users U] [--days D] [--points P]``.
"""

from __future__ import annotations

import argparse
import time

from bench_components import heavy_tailed_log

from influence import Scorer
from influence._time import DAY
from influence.components.base import evidence_of
from influence.scoring.history import history_dates, windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=120.0)
    parser.add_argument("--points", type=int, default=90)
    args = parser.parse_args()
    events = heavy_tailed_log(args.events, args.users, days=args.days)
    scorer = Scorer()
    end = float(events.end or 0.0)
    start = end - (args.points - 1) * DAY
    print(f"{len(events):,} events, {events.n_users:,} users over {args.days:g} days")

    events.memo.clear()
    began = time.perf_counter()
    scorer.score(events)
    one = time.perf_counter() - began

    events.memo.clear()
    began = time.perf_counter()
    history = scorer.history(events, start=start, every="1D", progress=False)
    total = time.perf_counter() - began
    assert len(history) == args.points

    dates = history_dates("bench", events, start, None, DAY)
    spans = windows(events, dates, scorer.lookback_days)
    held = sum(stop - first for first, stop in spans) / len(events)
    began = time.perf_counter()
    for when in dates.tolist():
        events.until(when).compact()
    cutting = time.perf_counter() - began

    print(f"Scorer().score (baseline)          {one:8.2f} s    1.00")
    print(
        f"Scorer().history, {args.points} daily points  {total:8.2f} s  {total / one:6.2f}"
        f"   ({total / one / args.points:.2f} of a scoring per date)"
    )
    print(
        f"  the windows hold {held:.1f} times the log's events in all (lookback "
        f"{scorer.lookback_days:g} days); cutting them took {cutting:.2f} s"
    )
    print("  one scoring by part (each component cold, on the whole log):")
    for name, component in scorer.signals + scorer.discounts + scorer.modifiers:
        events.memo.clear()
        began = time.perf_counter()
        evidence_of(component, events, end)
        print(f"    {name:<14} {time.perf_counter() - began:7.2f} s")


if __name__ == "__main__":
    main()
