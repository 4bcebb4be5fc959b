"""Validity of influence.campaign.select on real logs: who the chosen reach after a cut-off.

For each log (CollegeMsg, Higgs, Bitcoin OTC, from ``/work/shared/data`` or
``$INFLUENCE_DATA``), choose k = 10, 50, 100 accounts on the events up to each cut-off
and count the distinct people who engage one of them in the horizon that follows,
against the top k by standing score and the top k by distinct engagers, with 95%
paired bootstrap intervals over people (:func:`influence.campaign.validity.future_reach`).
The expected objective forecasts the same horizon it is measured on.

Two sets of cut-offs: ``--cutoffs reported`` (the tables of docs/campaigns.md) and
``--cutoffs tuning`` (earlier cut-offs whose horizons end before the reported ones start:
where the model's few parameters were chosen, never on the reported periods).
Prints Markdown tables. Usage: ``python bench/campaign_validity.py [--objective
expected|coverage|both] [--cutoffs reported|tuning] [--half-life FACTOR] [--resamples N]
[--logs NAME,...]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from influence._time import DAY
from influence.campaign.validity import future_reach
from influence.datasets import load_bitcoin_otc, load_collegemsg, load_higgs
from influence.events.timeparse import format_time

DATA = Path(os.environ.get("INFLUENCE_DATA", "/work/shared/data"))
#: (name, loader, file, horizon in days, reported cut-offs, tuning cut-offs), cut-offs
#: in days after the first event; each tuning horizon ends before the reported ones start.
LOGS = (
    ("CollegeMsg", load_collegemsg, "collegemsg/CollegeMsg.txt", 30.0, (60.0, 90.0), (30.0,)),
    ("Higgs", load_higgs, "higgs/higgs-activity_time.txt.gz", 2.0, (5.0,), (3.0,)),
    (
        "Bitcoin OTC",
        load_bitcoin_otc,
        "bitcoin-otc/soc-sign-bitcoinotc.csv",
        90.0,
        (1500.0, 1800.0),
        (1200.0, 1350.0),
    ),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--objective", choices=("expected", "coverage", "both"), default="both")
    parser.add_argument("--cutoffs", choices=("reported", "tuning"), default="reported")
    parser.add_argument("--logs", default="CollegeMsg,Higgs,Bitcoin OTC")
    parser.add_argument(
        "--half-life",
        type=float,
        default=None,
        metavar="FACTOR",
        help="the forecast's half-life as a multiple of the horizon (default 0.5)",
    )
    args = parser.parse_args()
    objectives = ("expected", "coverage") if args.objective == "both" else (args.objective,)
    wanted = {name.strip() for name in args.logs.split(",")}
    for name, load, file, horizon, reported, tuning in LOGS:
        if name not in wanted:
            continue
        path = DATA / file
        if not path.exists():
            print(f"{name}: {path} absent, skipped")
            continue
        events = load(path)
        assert events.start is not None
        for cut_days in reported if args.cutoffs == "reported" else tuning:
            cutoff = events.start + cut_days * DAY
            for objective in objectives:
                start = time.perf_counter()
                rows = future_reach(
                    events,
                    cutoff,
                    horizon,
                    objective=objective,
                    half_life_days=None if args.half_life is None else args.half_life * horizon,
                    resamples=args.resamples,
                )
                took = time.perf_counter() - start
                print(
                    f"\n**{name}**, objective {objective!r}: cut-off "
                    f"{format_time(cutoff)[:10]}, horizon {horizon:g} days, "
                    f"{rows[0].population:,} people engaged someone after it ({took:.1f} s)\n"
                )
                print(
                    "| k | forecast | selection | top k by score | lead (95% CI) "
                    "| top k by engagers | lead (95% CI) |"
                )
                print("|---:|---:|---:|---:|---|---:|---|")
                for row in rows:
                    cells = [str(row.k), f"{row.forecast:,.0f}", f"{row.reach['selection']:,}"]
                    for base in ("top score", "top engagers"):
                        lead, low, high = row.lead[base]
                        cells += [
                            f"{row.reach[base]:,}",
                            f"{lead:+,.0f} [{low:+,.0f}, {high:+,.0f}]",
                        ]
                    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
