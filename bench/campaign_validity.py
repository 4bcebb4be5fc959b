"""Validity of influence.campaign.select on real logs: who the chosen reach after a cut-off.

For each log (CollegeMsg, Higgs, Bitcoin OTC, from ``/work/shared/data`` or
``$INFLUENCE_DATA``), choose k = 10, 50, 100 accounts on the events up to the cut-off
and count the distinct people who engage one of them in the horizon that follows,
against the top k by standing score and the top k by distinct engagers, with 95%
paired bootstrap intervals over people (:func:`influence.campaign.validity.future_reach`).
Prints Markdown tables for docs/campaigns.md.
Usage: ``python bench/campaign_validity.py [--resamples N]``.
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
#: (name, loader, file, cut-off as days after the first event, horizon in days)
LOGS = (
    ("CollegeMsg", load_collegemsg, "collegemsg/CollegeMsg.txt", 60.0, 30.0),
    ("Higgs", load_higgs, "higgs/higgs-activity_time.txt.gz", 5.0, 2.0),
    ("Bitcoin OTC", load_bitcoin_otc, "bitcoin-otc/soc-sign-bitcoinotc.csv", 1500.0, 90.0),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    for name, load, file, cut_days, horizon in LOGS:
        path = DATA / file
        if not path.exists():
            print(f"{name}: {path} absent, skipped")
            continue
        events = load(path)
        assert events.start is not None
        cutoff = events.start + cut_days * DAY
        start = time.perf_counter()
        rows = future_reach(events, cutoff, horizon, resamples=args.resamples)
        took = time.perf_counter() - start
        print(
            f"\n**{name}**: cut-off {format_time(cutoff)[:10]}, horizon {horizon:g} days, "
            f"{rows[0].population:,} people engaged someone after it ({took:.1f} s)\n"
        )
        print(
            "| k | selection | top k by score | lead (95% CI) | top k by engagers | lead (95% CI) |"
        )
        print("|---:|---:|---:|---|---:|---|")
        for row in rows:
            cells = [str(row.k), f"{row.reach['selection']:,}"]
            for base in ("top score", "top engagers"):
                lead, low, high = row.lead[base]
                cells += [f"{row.reach[base]:,}", f"{lead:+,.0f} [{low:+,.0f}, {high:+,.0f}]"]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
