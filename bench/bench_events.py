"""Benchmark: building the event table from numeric columns.

Prints the time of ``Events.from_arrays`` per million events, and its ratio to
named baselines measured in the same run on the same columns:

- ``lexsort``: only the canonical ordering done the obvious way, ``np.lexsort``
  over (target, actor, action, time), without validation or interning;
- ``pandas``: ``DataFrame(...).sort_values([...])`` over the same four columns
  (skipped when pandas is absent).

Usage: ``python bench/bench_events.py [--events N] [--users U] [--sorted]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from influence import Events


def best_of(repeat: int, func: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--sorted", action="store_true", help="time-ordered input, as logs are")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.events
    t = rng.integers(0, 7 * 86_400, n).astype(np.float64)
    if args.sorted:
        t.sort()
    actor = rng.integers(0, args.users, n)
    target = rng.integers(0, args.users, n)
    action = rng.integers(1, 5, n).astype(np.int8)

    ours = best_of(args.repeat, lambda: Events.from_arrays(t, actor, action, target))
    baselines = {"lexsort": best_of(args.repeat, lambda: np.lexsort((target, actor, action, t)))}
    try:
        import pandas as pd

        frame = pd.DataFrame({"time": t, "actor": actor, "action": action, "target": target})
        baselines["pandas"] = best_of(
            args.repeat, lambda: frame.sort_values(["time", "action", "actor", "target"])
        )
    except ImportError:
        pass
    events = Events.from_arrays(t, actor, action, target)
    order = "time-ordered" if args.sorted else "shuffled"
    print(f"Events.from_arrays: {n:,} {order} events, {args.users:,} users")
    print(
        f"  influence  {ours:7.3f} s  ({ours / n * 1e6:.3f} s per million events, "
        f"{events.nbytes / n:.0f} bytes per event)"
    )
    for name, seconds in baselines.items():
        print(f"  {name:<9}  {seconds:7.3f} s  ratio influence/{name} = {ours / seconds:.2f}")


if __name__ == "__main__":
    main()
