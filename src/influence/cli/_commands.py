"""The commands ``demo``, ``score``, ``validate``, ``history`` and ``select``: read, call, print."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from influence._time import DAY
from influence.evaluate import MIN_CUTOFFS
from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import format_time
from influence.kernels import plural
from influence.scoring.explanation import shown_id
from influence.scoring.scorer import Scorer

from . import _files as files
from . import _inputs as inputs
from ._inputs import UserError
from ._text import (
    campaign_table,
    explanation,
    flagged,
    history_table,
    leaderboard,
    print_table,
    printable,
    printable_lines,
    write,
)


def demo(args: argparse.Namespace) -> int:
    from influence.datasets import synthetic

    world = synthetic(seed=args.seed)
    scores = Scorer().score(world.events, as_of=world.end)
    print(f"influence demo: a generated world (seed {args.seed}) with planted adversaries")
    print(printable_lines(str(world.events)))
    print()
    print(leaderboard(scores, args.top))
    found = flagged(scores, 8)
    if found:
        print(
            "\nPoints the gaming defences removed (fake or traded engagement, or the account's "
            "own junk), account kind, biggest reason:"
        )
        for user, lost, reason in found:
            kind = printable(world.labels.get(user, "?"))
            print(f"  {user:<12} {lost:6.1f}  {kind:<8} {reason}")
    best = scores.top(1)
    if best:
        print()
        print(explanation(scores.explain(best[0][0])))
    return 0


def score(args: argparse.Namespace) -> int:
    top = inputs.count("--top", args.top)
    as_of = inputs.time("--as-of", args.as_of)
    out = inputs.out_path(args.out, {"EVENTS": args.events, "--config": args.config})
    scorer = inputs.scorer(args.config, args.trending)
    events = files.read_events(args)
    early = inputs.before_first("--as-of", as_of, events)
    if early is not None:
        inputs.empty(early, args.allow_empty)
    scores = scorer.score(events, as_of=as_of)
    if not len(scores) and len(events) and early is None:
        inputs.empty(f"{files.files_shown(args)}: nobody to score", args.allow_empty)
    if args.explain is not None and args.explain not in scores:
        raise UserError(f"user {shown_id(args.explain)!r} is not in the scored data")
    print(leaderboard(scores, top))
    inputs.set_aside(events)
    if args.explain is not None:
        print()
        print(explanation(scores.explain(args.explain)))
    if out is not None:
        write(scores, out)
        print(f"\nscores of {plural(len(scores), 'user')} written to {printable(out)}")
    return 0


def _cutoffs(
    args: argparse.Namespace, events: Events, start: float | None, last: float | None
) -> list[float]:
    from influence.evaluate.validity import rolling_cutoffs

    step, horizon = args.every * DAY, args.horizon * DAY
    if start is None:
        cutoffs = rolling_cutoffs(events, step, horizon, end=last)
        origin = "the first event"
    else:
        early = inputs.before_first("--start", start, events)
        if early is not None:
            raise UserError(early.replace("nobody to score", "no cut-off would see an event"))
        if last is None:
            warn_far_future(events, parameter="end", option="--end")
            last = events.end if events.end is not None else start
        n = math.floor((last - start - horizon) / step) + 1
        cutoffs = [start + k * step for k in range(max(n, 0))]
        origin = f"--start {format_time(start)}"
    if not cutoffs:
        raise UserError(
            f"the log is too short for one cut-off every {args.every:g} days from {origin} "
            f"followed by {args.horizon:g} days"
        )
    if args.intervals and len(cutoffs) < MIN_CUTOFFS:
        raise UserError(
            f"--intervals resamples the cut-offs and needs at least {MIN_CUTOFFS}; --every "
            f"{args.every:g} gives {len(cutoffs)}"
        )
    return cutoffs


def validate(args: argparse.Namespace) -> int:
    from influence.evaluate.validity import DEFAULT_METRICS, predictive_validity, rolling_validity

    if (args.cutoff is None) == (args.every is None):
        raise UserError("give either --cutoff TIME (one cut-off) or --every DAYS (rolling)")
    if args.stability and args.every is None:
        raise UserError("--stability needs rolling cut-offs: give --every DAYS")
    if args.start is not None and args.every is None:
        raise UserError("--start is the first of the rolling cut-offs: give --every DAYS")
    if args.end is not None and args.every is None:
        raise UserError("--end is where the rolling cut-offs' horizons stop: give --every DAYS")
    for flag, days in (("--horizon", args.horizon), ("--every", args.every)):
        if days is not None and (not math.isfinite(days) or days <= 0):
            raise UserError(f"{flag} must be a positive number of days; got {days}")
    if args.intervals and args.intervals < 10:
        raise UserError(f"--intervals must be 0 or at least 10 draws; got {args.intervals}")
    cutoff = inputs.time("--cutoff", args.cutoff)
    start = inputs.time("--start", args.start)
    last = inputs.time("--end", args.end)
    metrics = inputs.names("--metrics", args.metrics)
    baselines = inputs.names("--baselines", args.baselines)
    scorer = inputs.scorer(args.config, args.trending)
    events = files.read_events(args)
    options = {
        "metrics": DEFAULT_METRICS if metrics is None else metrics,
        "baselines": baselines,
        "target": args.target,
        "population": args.population,
    }
    horizon = args.horizon * DAY
    if cutoff is not None:
        report = predictive_validity(events, cutoff, horizon, scorer, **options)
        unit = "users"
    else:
        cutoffs = _cutoffs(args, events, start, last)
        report = rolling_validity(events, cutoffs, horizon, scorer, **options)
        unit = "cut-offs"
    stable = report.stability() if args.stability else None  # the rank metrics of the report
    print_table(report, args.format)
    if args.intervals:
        print(
            f"\nscorer minus each baseline, 95% paired bootstrap interval ({args.intervals:,} "
            f"draws of the {unit}):"
        )
        for baseline in report.methods[1:]:
            for metric in report.metrics:
                try:
                    print(
                        f"  {printable(report.compare(metric, baseline, resamples=args.intervals))}"
                    )
                except ValueError as exc:  # e.g. nobody received anything: undefined
                    what = f"scorer - {printable(baseline)} on {printable(metric)}"
                    print(f"  {what}: n/a ({printable(exc)})")
    if stable is not None:
        print()
        print_table(stable, args.format)
    inputs.set_aside(events)
    return 0


def history(args: argparse.Namespace) -> int:
    start = inputs.time("--start", args.start)
    end = inputs.time("--end", args.end)
    scorer = inputs.scorer(args.config, args.trending)
    events = files.read_events(args)
    if args.user not in events.users:  # before the work of every date
        raise UserError(f"user {shown_id(args.user)!r} is not in the events (no event has them)")
    found = scorer.history(events, start=start, end=end, every=args.every, users=[args.user])
    if args.user not in found.users:
        raise UserError(f"user {shown_id(args.user)!r} is not in the scored data at any date")
    print(history_table(found, args.user))
    inputs.set_aside(events)
    return 0


def select(args: argparse.Namespace) -> int:
    from influence.campaign import select as choose

    if args.k is None and args.budget is None:
        raise UserError("give --k N (at most N accounts) or --budget AMOUNT with --cost FILE")
    if args.budget is not None and args.cost is None:
        raise UserError("--budget needs --cost FILE: the cost of each account")
    if args.objective == "spread" and (args.k is None or args.budget is not None):
        raise UserError("--objective spread takes --k N (at most N accounts), not --budget")
    if args.objective == "spread" and args.frequency != 1:
        raise UserError("--objective spread counts each person once: drop --frequency")
    if args.hops < 1:
        raise UserError(f"--hops takes a whole number of steps, at least 1; got {args.hops}")
    if args.out is not None and Path(args.out).suffix.lower() != ".csv":
        suffix = Path(args.out).suffix
        raise UserError(f"{printable(args.out)}: select writes .csv; got {suffix!r}")
    out = inputs.out_path(args.out, {"EVENTS": args.events, "--cost": args.cost})
    if args.cost is not None and not Path(args.cost).is_file():
        raise UserError(f"no such cost file: {printable(args.cost)}")
    as_of = inputs.time("--as-of", args.as_of)
    exclude = inputs.names("--exclude", args.exclude) or []
    scorer = inputs.scorer(args.config, args.trending)
    events = files.read_events(args)
    if not len(events):
        raise UserError(f"{files.files_shown(args)}: no events to choose from")
    chosen = choose(
        events,
        args.k,
        budget=args.budget,
        cost=args.cost,
        frequency=args.frequency,
        topic=args.topic,
        hashtags=args.hashtags,
        exclude=exclude,
        min_score=args.min_score,
        as_of=as_of,
        window_days=args.window_days,
        objective=args.objective,
        horizon_days=args.horizon,
        hops=args.hops,
        scorer=scorer,
    )
    print(campaign_table(chosen))
    if args.k is not None and args.k > chosen.candidates:
        print(f"\n--k {args.k:,}: only {plural(chosen.candidates, 'account')} could be chosen")
    inputs.set_aside(events)
    if out is not None:
        chosen.to_csv(out)
        n = len(chosen.users)
        print(f"\n{n:,} chosen account{'' if n == 1 else 's'} written to {printable(out)}")
    return 0
