"""Benchmark: is the cost per event flat as logs grow? Each component and the scorer at 1M to 10M.

Builds the heavy-tailed log of ``bench_components.py`` (Zipf-like authors, posts with
parents, second-resolution times over 60 days) at several sizes with about one user per
ten events, then times every built-in component (cold: the table's memo is cleared
before each run, so a component pays for the shared work it uses) and ``Scorer().score``
(best of ``--repeat`` runs). It prints seconds and seconds per million events per size,
and the named ratio of the run: the cost per event at the largest size over the cost per
event at the smallest (1M), measured in the same run. A ratio of 1 is linear cost; the
target is at most 1.3. A second table gives the user CPU seconds alone: the CPU seconds less
the system's, which are nearly all page faults of the fresh memory each cold run touches
(the heap is given back between runs, as between scorings), at a cost per byte that the
machine sets (on this project's VM, several times more per byte at 10M than at 1M).

With ``--profile`` it also profiles one ``Scorer().score`` per size (cProfile) and prints
the time spent in the kernels and numpy calls whose scaling matters (``searchsorted``,
``argsort``, ``unique``, ``pair_index`` ...), cumulative seconds per million events.

Usage: ``python bench/bench_scaling.py [--sizes 1,2,5] [--ten] [--repeat 3] [--profile]
[--only longevity,engagement,scorer]``
(sizes in millions of events; ``--ten`` adds 10M, about 3 GB of memory; ``--log skewed``: the
Pareto-skewed log of ``bench_engines.py``, dense in mutual pairs, instead).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import resource
import time
from collections.abc import Callable

import numpy as np
from bench_components import heavy_tailed_log

from influence import Events, Scorer
from influence._memory import reusing_memory
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

#: Functions whose cumulative time ``--profile`` reports (matched by name).
WATCHED = (
    "searchsorted",
    "argsort",
    "lexsort",
    "unique",
    "pair_index",
    "stable_order",
    "pair_order",
    "pairs_of_rows",
    "sorted_lookup",
    "engagement_index",
    "pair_keep_per_event",
    "quid_pro_quo",
    "common_partners",
    "main_targets_and_anchors",
    "answered_by",
    "content_shares",
    "regularity",
)


def skewed_log(n: int, users: int, seed: int = 0) -> Events:
    """The log of ``bench_engines.py``, in memory: actors and authors Pareto-skewed (heavy
    users act, post and engage each other a lot: many mutual pairs), 60 days."""
    rng = np.random.default_rng(seed)
    time = np.sort(rng.uniform(0.0, 60 * 86_400.0, n))
    action = rng.choice(np.array([0, 3, 2, 1, 4], dtype=np.int8), n, p=[0.2, 0.5, 0.15, 0.1, 0.05])
    action[:100] = 0  # posts before any engagement
    actor = (rng.pareto(1.2, n) * 50).astype(np.int64) % users
    is_post = action == 0
    post = np.where(is_post, np.cumsum(is_post) - 1, -1)
    made = np.cumsum(is_post)  # posts made so far, this row's included
    parent = np.where(is_post, -1, (rng.random(n) * made).astype(np.int64))
    author = actor[is_post]
    target = np.where(is_post, -1, author[np.maximum(parent, 0)])
    return Events.from_arrays(
        time=time,
        actor=actor,
        action=action,
        target=np.where(target < 0, np.nan, target.astype(np.float64)),
        post=np.where(post < 0, np.nan, post.astype(np.float64)),
        parent=np.where(parent < 0, np.nan, parent.astype(np.float64)),
    )


def best_of(
    repeat: int, func: Callable[[], object], events: Events, clock: Callable[[], float]
) -> tuple[float, float]:
    """Best time of *repeat* cold runs (the table's memo cleared before each) on *clock*,
    and the system CPU seconds of that run.

    CPU seconds of this process (``time.process_time``) for the work done, all threads
    together: the machine may be shared, and other processes' load shows far less in the
    CPU time than on the clock; wall seconds (``time.perf_counter``) for the time a user
    waits, which the scorer's two threads shorten. The system seconds (:func:`_system`,
    part of the CPU seconds) are the kernel's work for the run,
    almost all of it page faults: every run gets its memory afresh, as a scoring does (the
    heap is given back when :func:`~influence._memory.reusing_memory` ends), so their
    share is the cost of first touching that memory, which the machine sets.
    """
    runs = []
    for _ in range(repeat):
        events.memo.clear()
        with reusing_memory():  # as the scorer runs its components (influence._memory)
            start, kernel = clock(), _system()
            func()
            runs.append((clock() - start, _system() - kernel))
    events.memo.clear()
    return min(runs)


#: CPU seconds a run needs at the smallest size for its user/system split to be shown.
_SPLIT = 0.05


def _system() -> float:
    """System CPU seconds of this process so far, to the microsecond (``getrusage``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def cases(
    events: Events, as_of: float, only: frozenset[str] | None = None
) -> list[tuple[str, Callable[[], object]]]:
    """The named baselines, every built-in component on *events* (those named in *only*,
    when given) and the default scorer (unless *only* leaves it out: name it
    ``scorer``)."""
    components = (
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
    width = events.n_users
    keys = events.actor.astype(np.int64) * width + np.maximum(events.target, 0)
    rows: list[tuple[str, Callable[[], object]]] = [
        # Named baselines: one pass over the targets into a per-user array, and one sort
        # of packed int64 pair keys: the floors of per-user signals and of pair grouping.
        ("baseline: bincount", lambda: np.bincount(events.target + 1, minlength=width + 1)),
        ("baseline: sort", lambda: np.sort(keys)),
    ]
    rows += [
        (c.name, lambda c=c: c(events, as_of=as_of))  # type: ignore[misc]
        for c in components
        if only is None or c.name in only
    ]
    if only is None or "scorer" in only:
        rows.append(("Scorer().score", lambda: Scorer().score(events)))
    return rows


def profile(events: Events) -> dict[str, float]:
    """Cumulative seconds of the :data:`WATCHED` functions in one ``Scorer().score``."""
    profiler = cProfile.Profile()
    events.memo.clear()
    profiler.enable()
    Scorer().score(events)
    profiler.disable()
    events.memo.clear()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    out = dict.fromkeys(WATCHED, 0.0)
    for (_, _, name), (_, _, _, cumulative, _) in stats.items():
        for watched in WATCHED:
            if name == watched or name.endswith(f".{watched}>") or name.endswith(f" {watched}>"):
                out[watched] += cumulative
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,2,5", help="millions of events, comma-separated")
    parser.add_argument("--ten", action="store_true", help="add 10M events (about 3 GB)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--log", choices=("heavy", "skewed"), default="heavy", help="heavy-tailed or skewed log"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated component names (and 'scorer') to time; all when empty",
    )
    args = parser.parse_args()
    only = frozenset(args.only.split(",")) if args.only else None
    sizes = [float(s) for s in args.sizes.split(",")] + ([10.0] if args.ten else [])
    seconds: dict[str, list[float]] = {}
    system: dict[str, list[float]] = {}
    kernels: dict[str, list[float]] = {}
    for millions in sizes:
        n = int(millions * 1_000_000)
        start = time.perf_counter()
        events = (heavy_tailed_log if args.log == "heavy" else skewed_log)(n, n // 10)
        built = time.perf_counter() - start
        as_of = float(events.time[-1])
        print(f"{len(events):,} events, {events.n_users:,} users (built in {built:.1f} s)")
        for name, func in cases(events, as_of, only):
            took, kernel = best_of(args.repeat, func, events, time.process_time)
            seconds.setdefault(name, []).append(took)
            system.setdefault(name, []).append(kernel)
            print(
                f"  {name:<18} {took:7.2f} s  {took / millions:6.3f} s per M events"
                f"  (system {kernel:.2f} s)"
            )
        if only is None or "scorer" in only:
            name = "Scorer().score wall"
            wall = functools.partial(Scorer().score, events)
            took, _ = best_of(args.repeat, wall, events, time.perf_counter)
            seconds.setdefault(name, []).append(took)
            print(f"  {name:<18} {took:7.2f} s  {took / millions:6.3f} s per M events")
        if args.profile:
            for name, took in profile(events).items():
                kernels.setdefault(name, []).append(took)
        del events
    head = " ".join(f"{m:>7g}M" for m in sizes)
    print(f"\nCPU seconds per million events (best of {args.repeat}, cold; the last row wall)")
    print(f"{'':<20} {head}   ratio {sizes[-1]:g}M/{sizes[0]:g}M per event")
    for name, times in seconds.items():
        per = [t / m for t, m in zip(times, sizes)]
        cells = " ".join(f"{p:8.3f}" for p in per)
        print(f"{name:<20} {cells}   {per[-1] / per[0]:5.2f}")
    print("\nuser CPU seconds per million events: the above less the system's (page faults")
    print("of fresh memory, whose cost per byte the machine sets)")
    print(f"{'':<20} {head}   ratio {sizes[-1]:g}M/{sizes[0]:g}M per event")
    for name, kernel in system.items():
        per = [(t - k) / m for t, k, m in zip(seconds[name], kernel, sizes)]
        cells = " ".join(f"{p:8.3f}" for p in per)
        # The kernel splits a run's CPU time into user and system by clock ticks: a run
        # of a few ticks has no meaningful split.
        ratio = f"{per[-1] / per[0]:5.2f}" if seconds[name][0] >= _SPLIT else "    -"
        print(f"{name:<20} {cells}   {ratio}")
    if kernels:
        print("\nprofiled Scorer().score: cumulative seconds per million events, per function")
        print(f"{'':<26} {head}")
        for name, times in kernels.items():
            if max(times) > 0:
                cells = " ".join(f"{t / m:8.3f}" for t, m in zip(times, sizes))
                print(f"{name:<26} {cells}")


if __name__ == "__main__":
    main()
