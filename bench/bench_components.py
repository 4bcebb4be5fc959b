"""Benchmark: each built-in component's time per million events.

Builds a heavy-tailed random log (Zipf-like targets, posts with parents,
second-resolution times over 60 days), then times every component and the
default ``Scorer`` on it (also without its discounts, which make it evaluate
the signals twice, and Engagement on a table that carries trust weights). The
named baseline, measured in the same run, is the floor of any per-user signal:
one ``np.bincount`` of the targets (a single pass over one column). Ratios say
how many such passes each component costs.

Usage: ``python bench/bench_components.py [--events N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from influence import Events, Scorer
from influence.components import (
    Activity,
    Authenticity,
    Authority,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Momentum,
    Reciprocity,
)


def best_of(repeat: int, func: Callable[[], object], *tables: Events) -> float:
    """Best time of *repeat* cold runs: the intermediate results components share
    (each table's :attr:`Events.memo`) are dropped before each run."""
    times = []
    for _ in range(repeat):
        for table in tables:
            table.memo.clear()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def heavy_tailed_log(n: int, users: int, seed: int = 0, days: float = 60.0) -> Events:
    """*n* events by *users* users: a fifth posts by Pareto-skewed authors over *days* days,
    the rest engagement with them (uniform engagers, delays of hours)."""
    rng = np.random.default_rng(seed)
    n_posts = n // 5
    author = (rng.pareto(1.2, n_posts) * 10).astype(np.int64) % users
    post_time = np.sort(rng.integers(0, int(days * 86_400), n_posts)).astype(np.float64)
    n_eng = n - n_posts
    parent = rng.integers(0, n_posts, n_eng)
    actor = rng.integers(0, users, n_eng)
    eng_time = post_time[parent] + rng.exponential(6 * 3600.0, n_eng).round()
    action = rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), n_eng, p=[0.15, 0.2, 0.6, 0.05])
    return Events.from_arrays(
        time=np.concatenate([post_time, eng_time]),
        actor=np.concatenate([author, actor]),
        action=np.concatenate([np.zeros(n_posts, dtype=np.int8), action]),
        target=np.concatenate([np.full(n_posts, np.nan), author[parent].astype(np.float64)]),
        post=np.concatenate([np.arange(n_posts, dtype=np.float64), np.full(n_eng, np.nan)]),
        parent=np.concatenate([np.full(n_posts, np.nan), parent.astype(np.float64)]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    events = heavy_tailed_log(args.events, args.users)
    as_of = float(events.time[-1])
    n = len(events)
    floor = best_of(args.repeat, lambda: np.bincount(events.target[events.target >= 0]))
    print(
        f"{n:,} events, {events.n_users:,} users; baseline 'bincount' (one pass over targets): "
        f"{floor / n * 1e6 * 1e3:.1f} ms per million events"
    )
    rows: list[tuple[str, Callable[[], object]]] = [
        (c.name, lambda c=c: c(events, as_of=as_of))  # type: ignore[misc]
        for c in (
            Engagement(),
            Momentum(),
            Activity(),
            Longevity(),
            Inactivity(),
            Reciprocity(),
            Credibility(),
            Authenticity(),
            Authority(),
            DistinctEngagers(),
        )
    ]
    trusted = events.with_trust(np.random.default_rng(1).uniform(0.5, 1.0, len(events)))
    rows.append(("Engagement, trusted", lambda: Engagement()(trusted, as_of=as_of)))
    rows.append(("Scorer(), no discounts", lambda: Scorer(discounts=[]).score(events)))
    rows.append(("Scorer()", lambda: Scorer().score(events)))
    for name, func in rows:
        seconds = best_of(args.repeat, func, events, trusted)
        print(
            f"  {name:<18} {seconds / n * 1e6:6.3f} s per million events   "
            f"ratio to bincount = {seconds / floor:6.1f}"
        )


if __name__ == "__main__":
    main()
