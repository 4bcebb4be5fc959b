"""Benchmark: ``influence.campaign.select`` against one house scoring of the same events.

A generated sparse world: ``--events`` engagement events (likes 60%, shares 20%, replies
20%) from ``--users`` people over 60 days, each aimed at one of ``--users`` accounts drawn
with heavy-tailed popularity (a few accounts reach many, most reach a few), so that
about a million accounts have an audience at full size. Printed, each timed once:

- ``score``: one house ``Scorer().score(events)``, the baseline;
- ``select``: ``select(events, k=K, scores=scores)`` on the same table, the whole
  selection given the standing scores (the discounts' trust per event, shared with the
  scoring through the table's memo, the forecast, CELF, the top-k comparison and the
  overlap matrix): it never rescores, nor judges again;
- ``select from the log``: ``select(events, k=K)`` on a fresh table: one judgement, one
  scoring and the selection;
- inside it, on a fresh table: ``trust`` (the discounts alone, the one call
  ``Scorer.trust``), ``forecast`` (the default objective's returns and newcomers, read
  in the table's pair order: the calibration on the split, the matrices),
  ``audiences`` (the coverage objective's incidence from one sort), and CELF on each
  objective, with how many gains it re-evaluated.

Usage: ``python bench/bench_campaign.py [--events M] [--users N] [--k K] [--no-parts]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from influence import Events, Scorer
from influence.campaign import ExpectedReach, audiences, forecast, lazy_greedy, select

CPU: dict[str, float] = {}  # processor seconds of the last timed call, by name


def timed(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Wall-clock seconds of one call (its processor seconds kept in CPU, by name: on a
    shared machine the wall clock also counts the time other processes took)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    CPU[getattr(func, "__name__", "call")] = time.process_time() - cpu
    return time.perf_counter() - start, result


def world(n_events: int, n_users: int, seed: int = 0) -> Events:
    rng = np.random.default_rng(seed)
    # Heavy-tailed popularity: account i drawn with weight (i + 1)^-0.8, shuffled ids.
    popularity = (np.arange(n_users) + 1.0) ** -0.8
    popularity /= popularity.sum()
    ids = rng.permutation(n_users)
    target = ids[rng.choice(n_users, size=n_events, p=popularity)]
    actor = rng.integers(0, n_users, n_events)
    actor = np.where(actor == target, (actor + 1) % n_users, actor)
    action = rng.choice(np.array([3, 2, 1], dtype=np.int8), size=n_events, p=[0.6, 0.2, 0.2])
    times = np.sort(rng.uniform(0, 60 * 86_400.0, n_events))
    return Events.from_arrays(time=times, actor=actor, action=action, target=target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--no-parts", action="store_true", help="time the whole calls only")
    args = parser.parse_args()
    build, events = timed(lambda: world(args.events, args.users))
    print(f"world: {len(events):,} events, {events.n_users:,} users (built in {build:.1f} s)")
    score, scores = timed(Scorer().score, events)
    cpu_score = CPU["score"]
    whole, chosen = timed(select, events, k=args.k, scores=scores)
    cpu_whole = CPU["select"]
    del events, scores  # one table in memory at a time
    fresh = world(args.events, args.users)
    alone, _ = timed(select, fresh, k=args.k)
    cpu_alone = CPU["select"]
    print(f"{'':<30} {'wall':>8}    {'cpu':>8}")
    print(f"{'score (house, baseline)':<30} {score:8.2f} s  {cpu_score:8.2f} s")
    print(f"{'select (k=' + str(args.k) + ', scores given)':<30} {whole:8.2f} s  "
          f"{cpu_whole:8.2f} s  ({cpu_whole / cpu_score:.2f} x score)")  # fmt: skip
    print(
        f"{'select from the log':<30} {alone:8.2f} s  {cpu_alone:8.2f} s  "
        f"({cpu_alone / cpu_score:.2f} x score)"
    )
    print(
        f"expected reach {chosen.reach:,.0f} against {chosen.top_reach:,.0f} for the top "
        f"{args.k} by score ({chosen.reach / max(chosen.top_reach, 1e-12):.3f} x)"
    )
    if args.no_parts:
        return
    # The parts, on a fresh copy of the table (its memo empty, as select's was).
    del fresh
    fresh = world(args.events, args.users)
    end = float(fresh.end or 0.0)
    t_trust, trust = timed(lambda: Scorer().trust(fresh, end))
    t_seen, seen = timed(lambda: forecast(fresh, trust=trust))
    t_aud, found = timed(lambda: audiences(fresh, trust=trust))
    candidates = np.flatnonzero(found.size() > 0)
    state = ExpectedReach(seen.chance, seen.newcomers, 1)
    t_exp, greedy = timed(lambda: lazy_greedy(state, candidates, k=args.k))
    t_cov, covered = timed(lambda: lazy_greedy(found.matrix, candidates, k=args.k))
    print(f"candidates with an audience: {candidates.size:,}; exposures: {found.matrix.nnz:,}")
    print(f"{'  trust (discounts)':<30} {t_trust:8.2f} s")
    print(f"{'  forecast (expected)':<30} {t_seen:8.2f} s")
    print(f"{'  celf (expected)':<30} {t_exp:8.2f} s  ({greedy.evaluations:,} re-evaluations)")
    print(f"{'  audiences (coverage)':<30} {t_aud:8.2f} s")
    print(f"{'  celf (coverage)':<30} {t_cov:8.2f} s  ({covered.evaluations:,} re-evaluations)")


if __name__ == "__main__":
    main()
