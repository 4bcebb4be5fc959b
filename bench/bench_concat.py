"""Benchmark: appending event tables against building the table from all rows at once.

Prints the time of ``Events.concat`` per million events and its ratio to the baseline
measured in the same run: ``Events.from_arrays`` over all the columns (what appending
replaces). Two splits of one synthetic log: ``append`` (the last tenth of the time span
appended to the rest, a day's new events) and ``random`` (rows dealt to two tables at
random, so that their times interleave); and both with integer user ids and with text ids.

Usage: ``python bench/bench_concat.py [--events N] [--users U]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from influence import Events


def best_of(repeat: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.events
    when = np.sort(rng.integers(0, 90 * 86_400, n)).astype(np.float64) + rng.random(n)
    actor = rng.integers(0, args.users, n)
    target = rng.integers(0, args.users, n)
    action = np.full(n, 4, dtype=np.int8)  # mention
    for ids in ("int", "text"):
        users_a, users_t = (
            (actor, target)
            if ids == "int"
            else (
                np.array([f"u{u}" for u in range(args.users)], dtype=object)[actor],
                np.array([f"u{u}" for u in range(args.users)], dtype=object)[target],
            )
        )

        def build(a: Any = users_a, t: Any = users_t) -> Events:
            return Events.from_arrays(when, a, action, t)

        whole = best_of(args.repeat, build)
        for split in ("append", "random"):
            first = when < 81 * 86_400 if split == "append" else rng.random(n) < 0.5
            parts = [
                Events.from_arrays(when[m], users_a[m], action[m], users_t[m])
                for m in (first, ~first)
            ]
            took = best_of(args.repeat, lambda p=parts: Events.concat(p))
            print(
                f"{ids:>4} ids, {split:>6}: concat {took / n * 1e6:6.3f} s per M events, "
                f"{took / whole:5.2f} x from_arrays of all rows ({whole:.2f} s)"
            )


if __name__ == "__main__":
    main()
