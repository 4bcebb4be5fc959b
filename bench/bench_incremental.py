"""Benchmark: one new day through a fitted ScoringState against a full scoring of the log.

A generated world (:func:`influence.datasets.synthetic`, ``--users`` ordinary users, default
12,000: about 2M events over ``--days`` = 90 days) is fitted with the house scorer, but for
its last day, which is then appended with ``state.update``. Printed, all
measured in this run: the full scoring of all the events (``Scorer.score``, the
baseline), the update, their ratio, where the update's time goes (appending, the window,
the scorer), the state's memory (``ScoringState.nbytes``) against the events', and the
largest difference between the update's scores and the full scoring's.

Usage: ``python bench/bench_incremental.py [--users U] [--days D]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from influence import Events, Scorer
from influence.datasets import synthetic

DAY = 86_400.0


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=12_000)
    parser.add_argument("--days", type=float, default=90.0)
    args = parser.parse_args()
    gen_s, world = timed(lambda: synthetic(0, n_users=args.users, days=args.days + 1))
    whole = world.events
    assert whole.end is not None
    history = whole.until(whole.end - DAY)
    new = whole.select(whole.time > whole.end - DAY).compact()  # as read from its own file
    days = args.days
    scorer = Scorer()
    fit_s, state = timed(lambda: scorer.fit(history))
    full_s, full = timed(lambda: scorer.score(whole))
    update_s, updated = timed(lambda: state.update(new))
    append_s, appended = timed(lambda: Events.concat([state.events, new]))
    window_s, window = timed(lambda: appended.until(updated.as_of).compact())
    score_s, _ = timed(lambda: scorer.score(window, as_of=updated.as_of))
    diff = float(np.max(np.abs(updated.scores.values - full.values)))
    columns = ("time", "actor", "target", "action", "post", "parent", "text", "platform")
    memory = sum(getattr(whole, c).nbytes for c in (*columns, "topics"))
    memory += whole.users.ids.nbytes + whole.posts.ids.nbytes
    print(f"generated in {gen_s:.1f} s")
    print(
        f"{len(history):,} events over {days:g} days fitted in {fit_s:.2f} s; one day: {len(new):,}"
    )
    print(f"full scoring of {len(whole):,} events      {full_s:8.2f} s  (baseline)")
    print(f"state.update with the new day       {update_s:8.2f} s  ratio {update_s / full_s:.2f}")
    print(f"  of which appending (concat)       {append_s:8.2f} s")
    print(f"  of which the window               {window_s:8.2f} s")
    print(f"  of which scoring the window       {score_s:8.2f} s")
    kept = f"{len(updated.events):,} events kept ({updated.lookback_days:g}-day lookback)"
    print(f"state: {kept}, {updated.nbytes / 2**20:.0f} MiB; the log's {memory / 2**20:.0f} MiB")
    print(f"largest score difference from full scoring: {diff:g}")


if __name__ == "__main__":
    main()
