"""Benchmark: a daily history (``Scorer.history``) against one scoring, in the same run.

Builds a heavy-tailed random log (Zipf-like authors, posts with parents, times over
``--days`` days, 2M events by default), then times, each cold (the table's memo cleared
first): ``Scorer().score`` at the latest event (the baseline, best of three),
``Scorer().history`` over the last ``--points`` days, one date a day, and (unless
``--no-before``) the same dates as independent ``Scorer().score(events, as_of=date)``
calls, which is what the history cost before its windows were cut from one table (on this
log, shorter than the 180-day lookback, every window is a prefix, as ``score`` cuts it).
Ratios are in units of the baseline. The issue's target is at most 10 scorings for 90
daily points.

Where the time goes: the events each date's window holds, summed over the dates, in
units of the whole log (a history whose every date were a scoring of its window at the
baseline's cost per event would cost that many scorings); the time spent cutting the
windows, each from scratch (``until(date).compact()``) and by
:class:`~influence.scoring.history_windows.WindowCutter`; and one scoring's time split by
part (each component cold, on the whole log).

Memory: what the history holds per user and date (scores, parts and ids; each date's
evidence is scored again when first read, unless ``keep_evidence=True``), what reading
the last date's evidence costs, and what every date's evidence would add.

The floor: what an exact history cannot avoid per date with today's components, summed
over the dates. Credibility's judge on each date's statistics (``statistics`` untimed,
``judge`` timed), and PageRank on each date's engagement graph (``engagement_graph``
untimed, ``pagerank`` timed, with the teleport :class:`~influence.components.Authority`
gives it); Authority is not in the house scorer, so its PageRank is the floor of a scorer
that adds it.

Usage: ``python bench/bench_history.py [--events N] [--users U] [--days D] [--points P]
[--no-before] [--kept]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_components import heavy_tailed_log

from influence import Events, Scorer
from influence._memory import reusing_memory
from influence._time import DAY
from influence.components import Authority, Credibility
from influence.components.base import evidence_of
from influence.graph import engagement_graph, pagerank
from influence.scoring.history import history_dates, windows
from influence.scoring.history_windows import WindowCutter


def floor(events: Events, dates: np.ndarray, spans: list[tuple[int, int]]) -> tuple[float, float]:
    """Seconds of Credibility's judge and of Authority's PageRank, summed over the dates."""
    credibility, authority = dict(Scorer().discounts).get("credibility", Credibility()), Authority()
    assert isinstance(credibility, Credibility)
    judged = ranked = 0.0
    cutter = WindowCutter(events)
    for when, (first, stop) in zip(dates.tolist(), spans):
        window = cutter.window(first, stop)
        stats, seeds = credibility.statistics(window, when), credibility.seeds(window)
        began = time.perf_counter()
        credibility.judge(stats, seeds)
        judged += time.perf_counter() - began
        graph = engagement_graph(
            window,
            when,
            window_days=authority.window_days,
            half_life_days=authority.half_life_days,
            selectivity_per_day=authority.selectivity_per_day,
        )
        seen = Authority.population(window, when, authority.window_days * DAY)
        teleport = seen.astype(np.float64) if seen.sum() < window.n_users else None
        began = time.perf_counter()
        pagerank(graph, damping=authority.damping, personalization=teleport, tol=authority.tol)
        ranked += time.perf_counter() - began
        window.memo.clear()
    return judged, ranked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=120.0)
    parser.add_argument("--points", type=int, default=90)
    parser.add_argument("--no-before", action="store_true")
    parser.add_argument(
        "--kept", action="store_true", help="also time the history with keep_evidence=True"
    )
    args = parser.parse_args()
    events = heavy_tailed_log(args.events, args.users, days=args.days)
    scorer = Scorer()
    end = float(events.end or 0.0)
    start = end - (args.points - 1) * DAY
    print(f"{len(events):,} events, {events.n_users:,} users over {args.days:g} days")

    ones, cpus = [], []
    for _ in range(3):
        events.memo.clear()
        began, cpu = time.perf_counter(), time.process_time()
        scorer.score(events)
        ones.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
    one, one_cpu = min(ones), min(cpus)

    events.memo.clear()
    began, cpu = time.perf_counter(), time.process_time()
    history = scorer.history(events, start=start, every="1D", progress=False)
    total, total_cpu = time.perf_counter() - began, time.process_time() - cpu
    assert len(history) == args.points
    user_dates = sum(len(scores) for scores in history.scores)
    held_bytes = sum(
        scores.values.nbytes
        + sum(part.nbytes for part in scores.parts.values())
        + scores.users.ids.nbytes
        for scores in history.scores
    )
    began = time.perf_counter()
    evidence = history.scores[-1].evidence  # the last date's, scored again
    read = time.perf_counter() - began
    evidence_bytes = sum(
        np.asarray(ev.values).nbytes + sum(np.asarray(v).nbytes for v in ev.details.values())
        for ev in evidence.values()
    ) / len(history.scores[-1])
    del history, evidence
    kept_time = None
    if args.kept:
        events.memo.clear()
        began = time.perf_counter()
        kept = scorer.history(events, start=start, every="1D", progress=False, keep_evidence=True)
        kept_time = time.perf_counter() - began
        del kept

    dates = history_dates("bench", events, start, None, DAY)
    before = before_cpu = None
    if not args.no_before:
        events.memo.clear()
        began, cpu = time.perf_counter(), time.process_time()
        with reusing_memory():  # as the history runs: one setting for all dates
            kept = [scorer.score(events, as_of=when) for when in dates.tolist()]
        before, before_cpu = time.perf_counter() - began, time.process_time() - cpu
        del kept

    spans = windows(events, dates, scorer.lookback_days)
    held = sum(stop - first for first, stop in spans) / len(events)
    began = time.perf_counter()
    for when in dates.tolist():
        events.until(when).compact()
    cutting = time.perf_counter() - began
    events.memo.clear()
    began = time.perf_counter()
    cutter = WindowCutter(events)
    for first, stop in spans:
        cutter.window(first, stop)
    cut = time.perf_counter() - began
    del cutter

    print(
        f"Scorer().score (baseline, best of 3) {one:8.2f} s    1.00   (runs: "
        + ", ".join(f"{x:.2f}" for x in ones)
        + ")"
    )
    print(
        f"Scorer().history, {args.points} daily points  {total:8.2f} s  {total / one:6.2f}"
        f"   ({total / one / args.points:.2f} of a scoring per date)"
    )
    if kept_time is not None:
        print(
            f"Scorer().history(keep_evidence=True)  {kept_time:8.2f} s  {kept_time / one:6.2f}"
            f"   (every date's evidence held as it is scored)"
        )
    if before is not None and before_cpu is not None:
        print(
            f"{args.points} x Scorer().score(as_of=date)  {before:8.2f} s  {before / one:6.2f}"
            f"   (the history before: each window cut and scored on its own)"
        )
        print(
            f"  CPU time (both threads; less moved by other work on the machine): one "
            f"scoring {one_cpu:.2f} s, history {total_cpu / one_cpu:.2f} scorings, "
            f"before {before_cpu / one_cpu:.2f}"
        )
    print(
        f"  held: {held_bytes / 1e6:.0f} MB, {held_bytes / user_dates:.0f} bytes per user and "
        f"date; the last date's evidence read in {read:.2f} s ({read / one:.2f} scorings), "
        f"{evidence_bytes:.0f} bytes per user (every date's, kept: "
        f"{(held_bytes + evidence_bytes * user_dates) / 1e6:.0f} MB)"
    )
    print(
        f"  the windows hold {held:.1f} times the log's events in all (lookback "
        f"{scorer.lookback_days:g} days): {held:.1f} scorings at the baseline's cost per event"
    )
    print(
        f"  cutting them: {cutting:.2f} s each from scratch (until().compact()), "
        f"{cut:.2f} s by WindowCutter"
    )

    judged, ranked = floor(events, dates, spans)
    whole_judge, whole_rank = floor(events, dates[-1:], [(0, len(events))])
    print(
        f"  on the whole log: judge {whole_judge:.3f} s, pagerank {whole_rank:.3f} s "
        f"({(whole_judge + whole_rank) / one:.2f} of a scoring)"
    )
    print(f"  floor over the {args.points} dates (today's components, exact):")
    print(f"    Credibility.judge     {judged:7.2f} s  {judged / one:6.2f} scorings")
    print(f"    Authority's pagerank  {ranked:7.2f} s  {ranked / one:6.2f} scorings")
    both = judged + ranked
    print(f"    together              {both:7.2f} s  {both / one:6.2f} scorings")

    print("  one scoring by part (each component cold, on the whole log):")
    for name, component in scorer.signals + scorer.discounts + scorer.modifiers:
        events.memo.clear()
        began = time.perf_counter()
        evidence_of(component, events, end)
        print(f"    {name:<14} {time.perf_counter() - began:7.2f} s")


if __name__ == "__main__":
    main()
