"""Churn of the house judgement: how much of it changes from one date to the next.

An exact incremental update or an all-dates history could carry the discounts' judgement
forward and judge again only what changed, if little changes. This measures how little:
for consecutive dates ``d < d'`` (``--step`` days apart) and the events at or before ``d``
that ``d'`` still reads (within the scorer's lookback), the share whose trust differs
between the judgement at ``d`` and the one at ``d'`` (all discounts, then Reciprocity and
Credibility alone), and the share of users seen at ``d`` whose credibility differs; beside
it, the share of the later window's events that are new.

Then how far the step's new events *reach* over what Credibility judges at ``d'``: of its
interaction pairs, the share that touch an account the new events touch (as actor or
target: one hop), and the share that touch an account of those pairs (two hops). The judge
reads each account's engagers and their engagers (two passes), and its cohort and farm
rules sum over whole cohorts and crowds, so an update that judged again only the accounts
within reach of the new events would save only what lies beyond two hops.

Logs: the real ones in ``--data`` (skipped when absent) and a generated heavy-tailed log
(``bench_components.heavy_tailed_log``: 2M events, 100k users over 120 days). Printed as
a Markdown table of means and maxima over the steps.

Usage: ``python bench/judgement_churn.py [--data /work/shared/data] [--steps 30]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench_components import heavy_tailed_log

from influence import Events, Scorer
from influence._time import DAY
from influence.components.base import evidence_of
from influence.datasets.loaders import load_bitcoin_otc, load_collegemsg, load_higgs

#: Log name -> (file under --data, loader, step in days).
LOGS: dict[str, tuple[str, Callable[[Path], Events], float]] = {
    "CollegeMsg": ("collegemsg/CollegeMsg.txt", load_collegemsg, 1.0),
    "Bitcoin OTC": ("bitcoin-otc/soc-sign-bitcoinotc.csv", load_bitcoin_otc, 7.0),
    "Higgs": ("higgs/higgs-activity_time.txt.gz", load_higgs, 0.25),
}
COLUMNS = ("new events", "trust", "reciprocity", "credibility", "users' credibility")
REACH = ("pairs within 1 hop", "pairs within 2 hops")


def judgement(scorer: Scorer, events: Events, when: float) -> dict[str, np.ndarray]:
    """Per event of ``events.until(when)``: the trust of every discount and of each; per
    user: the credibility the Credibility discount judges."""
    window = events.until(when)
    found: dict[str, np.ndarray] = {"trust": scorer.trust(window, as_of=when)}
    for name, component in scorer.discounts:
        found[name] = evidence_of(component, window, when).values
    judge = dict(scorer.discounts)["credibility"]
    found["users"] = window.users.ids
    found["users' credibility"] = judge.credibility(window, when)["credibility"]
    found["time"] = window.time
    found["actor"], found["target"] = window.actor, window.target
    pairs = judge.statistics(window, when).pairs
    found["source"], found["aimed"] = pairs.source, pairs.target
    return found


def reach(now: dict[str, np.ndarray], new: slice) -> list[float]:
    """The shares of the pairs judged in *now* within one and two hops of the accounts
    that the *new* rows touch."""
    near = np.zeros(len(now["users"]), dtype=bool)
    near[now["actor"][new]] = True
    targets = now["target"][new]
    near[targets[targets >= 0]] = True
    source, aimed = now["source"], now["aimed"]
    shares = []
    for _ in REACH:
        touching = near[source] | near[aimed]
        shares.append(float(np.mean(touching)) if touching.size else 0.0)
        near[source[touching]] = True
        near[aimed[touching]] = True
    return shares


def churn(events: Events, step_days: float, steps: int) -> np.ndarray:
    """One row per step: the shares of :data:`COLUMNS`."""
    scorer = Scorer()
    lookback = scorer.lookback_days * DAY
    end = float(events.end or 0.0)
    dates = end - step_days * DAY * np.arange(steps + 1)[::-1]
    dates = dates[dates >= float(events.start or end)]
    rows, before = [], None
    for when in dates.tolist():
        now = judgement(scorer, events, when)
        if before is not None:
            held = len(before["trust"])
            first = int(np.searchsorted(now["time"], when - lookback, side="right"))
            kept = slice(first, held)
            at = np.searchsorted(now["users"], before["users"])
            rows.append(
                [
                    (len(now["trust"]) - held) / max(len(now["trust"]) - first, 1),
                    *(float(np.mean(now[k][kept] != before[k][kept])) for k in COLUMNS[1:4]),
                    float(np.mean(now[COLUMNS[4]][at] != before[COLUMNS[4]])),
                    *reach(now, slice(held, None)),
                ]
            )
        before = now
    return np.asarray(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    logs: dict[str, tuple[Callable[[], Events], float]] = {
        "generated 2M": (lambda: heavy_tailed_log(2_000_000, 100_000, days=120.0), 1.0)
    }
    for name, (file, load, step) in LOGS.items():
        if (args.data / file).exists():
            logs[name] = (lambda file=file, load=load: load(args.data / file), step)
    print("| log | step | " + " | ".join(COLUMNS + REACH) + " |")
    print("|---|---:|" + "---:|" * len(COLUMNS + REACH))
    for name, (read, step) in logs.items():
        shares = churn(read(), step, args.steps)
        cells = [f"{m:.2%} (max {x:.2%})" for m, x in zip(shares.mean(0), shares.max(0))]
        print(f"| {name} | {step:g} d | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
