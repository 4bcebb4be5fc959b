"""Two hops on real logs: IMM's cost, its sets, and who the spread selection reaches.

For CollegeMsg and Higgs (from ``/work/shared/data`` or ``$INFLUENCE_DATA``), at the
reported cut-offs of ``bench/campaign_validity.py``: the time of
``select(objective="spread")`` against ``select(objective="expected")`` on the same past
(the scores computed once, shared), the reverse-reachable sets drawn, and, with
:func:`influence.campaign.validity.spread_reach`, the people each selection reaches one
and two time-respecting hops out after the cut-off, with 95% paired bootstrap intervals.
Prints Markdown. Usage: ``python bench/campaign_spread.py [--epsilon E] [--hops H]
[--resamples N] [--logs NAME,...]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from influence import Scorer
from influence._time import DAY
from influence.campaign import select
from influence.campaign.validity import spread_reach
from influence.datasets import load_collegemsg, load_higgs
from influence.events.timeparse import format_time

DATA = Path(os.environ.get("INFLUENCE_DATA", "/work/shared/data"))
#: (name, loader, file, horizon in days, cut-offs in days after the first event)
LOGS = (
    ("CollegeMsg", load_collegemsg, "collegemsg/CollegeMsg.txt", 30.0, (60.0, 90.0)),
    ("Higgs", load_higgs, "higgs/higgs-activity_time.txt.gz", 2.0, (5.0,)),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epsilon", type=float, default=0.5)
    parser.add_argument("--hops", type=int, default=2)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--logs", default="CollegeMsg,Higgs")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.logs.split(",")}
    for name, load, file, horizon, cutoffs in LOGS:
        path = DATA / file
        if name not in wanted or not path.exists():
            continue
        events = load(path)
        assert events.start is not None
        for cut_days in cutoffs:
            cutoff = events.start + cut_days * DAY
            past = events.until(cutoff).compact()
            scores = Scorer().score(past, as_of=cutoff)
            print(f"\n**{name}**, cut-off {format_time(cutoff)[:10]}, horizon {horizon:g} days, "
                  f"{past.n_users:,} users before it\n")  # fmt: skip
            print("| k | expected (s) | spread (s) | ratio | RR sets | IMM estimate [95%] |")
            print("|---:|---:|---:|---:|---:|---|")
            for k in (10, 50, 100):
                timed = {}
                for objective in ("expected", "spread"):
                    start = time.perf_counter()
                    chosen = select(past, k, as_of=cutoff, objective=objective,
                                    horizon_days=horizon, hops=args.hops,
                                    epsilon=args.epsilon, scores=scores)  # fmt: skip
                    timed[objective] = (time.perf_counter() - start, chosen)
                spent, picked = timed["spread"]
                low, high = picked.interval or (0.0, 0.0)
                print(f"| {k} | {timed['expected'][0]:.2f} | {spent:.2f} | "
                      f"{spent / timed['expected'][0]:.2f} | {picked.samples:,} | "
                      f"{picked.reach:,.0f} [{low:,.0f}, {high:,.0f}] |")  # fmt: skip
            rows = spread_reach(events, cutoff, horizon, hops=args.hops, epsilon=args.epsilon,
                                resamples=args.resamples)  # fmt: skip
            steps = [f"{h} hop" if h == 1 else f"{h} hops" for h in range(1, args.hops + 1)]
            print(f"\n{rows[0].population:,} people engaged someone after the cut-off.\n")
            head = " | ".join(f"spread {s} | expected {s} | lead {s} (95% CI)" for s in steps)
            print(f"| k | {head} |")
            print("|---:|" + "---:|---:|---|" * len(steps))
            for row in rows:
                cells = [str(row.k)]
                for s in steps:
                    lead, lo, hi = row.lead[s]
                    cells += [f"{row.reach['spread, ' + s]:,}", f"{row.reach['expected, ' + s]:,}",
                              f"{lead:+,.0f} [{lo:+,.0f}, {hi:+,.0f}]"]  # fmt: skip
                print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
