"""Benchmark: one new day through a fitted ScoringState against a full scoring of the log.

For each ``--users`` size, a generated world (:func:`influence.datasets.synthetic`, that
many ordinary users over ``--days`` = 90 days and one more: 12,000 users give 1.8M events,
60,000 give 8.3M and 72,000 about 10M, the issue's setting) is fitted with the house
scorer, but for its last day, which is then appended with ``state.update`` as a table of
its own (as a day read from its own file is). Printed per size, all measured in this run,
each the best of ``--repeat`` runs with cold memos and large freed arrays reused (as
inside a scoring, ``influence._memory``): the full scoring of all the events
(``Scorer.score``, the baseline), the update, their ratio (the issue's target: at most
0.1), where the update's time goes (appending the day, cutting the window, scoring the
window, and the rest: the seen ids and the kept events), the state's memory
(``ScoringState.nbytes``) against the events', and the largest difference between the
update's scores and the full scoring's (0: bitwise).

Usage: ``python bench/bench_incremental.py [--users U [U ...]] [--days D] [--repeat R]``;
run sizes of 5M events or more under ``flock /work/scratch/s9/big.lock`` on a shared
machine.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from influence import Events, Scorer
from influence._memory import reusing_memory
from influence.datasets import synthetic

DAY = 86_400.0


def best(func: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None) -> float:
    """The shortest of *repeat* timed calls of *func* (*before* run, untimed, ahead of each)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(users: int, days: float, repeat: int) -> None:
    start = time.perf_counter()
    whole = synthetic(0, n_users=users, days=days + 1).events
    gen_s = time.perf_counter() - start
    assert whole.end is not None
    history = whole.until(whole.end - DAY)
    new = whole.select(whole.time > whole.end - DAY).compact()  # as read from its own file
    scorer = Scorer()
    start = time.perf_counter()
    state = scorer.fit(history)
    fit_s = time.perf_counter() - start
    del history
    full = scorer.score(whole)
    full_s = best(lambda: scorer.score(whole), repeat, whole.memo.clear)
    updated = state.update(new)
    update_s = best(lambda: state.update(new), repeat)
    as_of = updated.as_of
    append_s = best(lambda: Events.concat([state.events, new.compact()]), repeat)
    box: list[Events] = []

    def cold() -> None:  # a table just appended: its memo knows nothing yet
        box[:] = [Events.concat([state.events, new.compact()])]

    window_s = best(lambda: box[0].until(as_of).compact(), repeat, cold)
    window = box[0].until(as_of).compact()
    score_s = best(lambda: scorer.score(window, as_of=as_of), repeat, window.memo.clear)
    rest_s = max(update_s - append_s - window_s - score_s, 0.0)
    diff = float(np.max(np.abs(updated.scores.values - full.values)))
    memory = whole.nbytes + whole.users.ids.nbytes + whole.posts.ids.nbytes
    print(f"--users {users:,}: generated in {gen_s:.1f} s")
    print(
        f"  {len(whole) - len(new):,} events over {days:g} days fitted in {fit_s:.2f} s; "
        f"one new day: {len(new):,} events"
    )
    print(f"  full scoring of {len(whole):,} events    {full_s:8.2f} s  (baseline)")
    print(f"  state.update with the new day     {update_s:8.2f} s  ratio {update_s / full_s:.2f}")
    print(f"    appending the day (concat)      {append_s:8.2f} s")
    print(f"    cutting the window              {window_s:8.2f} s")
    print(f"    scoring the window              {score_s:8.2f} s")
    print(f"    the rest (seen ids, kept)       {rest_s:8.2f} s")
    kept = f"{len(updated.events):,} events kept ({updated.lookback_days:g}-day lookback)"
    print(f"  state: {kept}, {updated.nbytes / 2**20:.0f} MiB; the log's {memory / 2**20:.0f} MiB")
    print(f"  largest score difference from full scoring: {diff:g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", default=[12_000])
    parser.add_argument("--days", type=float, default=90.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for users in args.users:
        # The parts timed on their own run as inside an update (which reuses large freed
        # arrays, influence._memory): every timing of a size under the one setting.
        with reusing_memory():
            measure(users, args.days, args.repeat)
        gc.collect()


if __name__ == "__main__":
    main()
