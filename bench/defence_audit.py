"""Does each defence earn its place? ``defence_audit`` on every real log in ../shared/data.

For each log with its files present (a log whose file is absent is skipped,
saying so), runs :func:`influence.evaluate.defence_audit` on the house
``Scorer()`` with the protocol of ``bench/validation_report.py`` (the same
cut-offs and horizons; nothing here is tuned) and prints the audit as the
Markdown table that docs/validation.md shows ("Does each defence earn its
place?"), with the time it took:

- Higgs: one cut-off, 2012-07-04 23:59:59 UTC, the next 3 days;
- CollegeMsg: weekly cut-offs, the next week, pooled;
- Bitcoin OTC: a cut-off every 90 days, the next 90 days, pooled.

Usage: ``python bench/defence_audit.py [--data DIR] [--n-boot N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from validation_report import HIGGS_CUT, HIGGS_HORIZON, OTC_STEP, WEEK

from influence import Events
from influence.datasets import load_bitcoin_otc, load_collegemsg, load_higgs
from influence.evaluate import defence_audit, rolling_cutoffs

ROOT = Path(__file__).resolve().parents[1]

#: (title, file under the data folder, loader, cut-offs of the loaded log, horizon in seconds)
LOGS: tuple[tuple[str, str, Callable[[Path], Events], Callable[[Events], Any], float], ...] = (
    (
        "Higgs (one cut-off, 2012-07-04 23:59:59 UTC; the next 3 days)",
        "higgs/higgs-activity_time.txt.gz",
        load_higgs,
        lambda events: HIGGS_CUT,
        HIGGS_HORIZON.total_seconds(),
    ),
    (
        "CollegeMsg (weekly cut-offs, pooled; the next week)",
        "collegemsg/CollegeMsg.txt",
        load_collegemsg,
        lambda events: rolling_cutoffs(events, WEEK, WEEK),
        WEEK,
    ),
    (
        "Bitcoin OTC (a cut-off every 90 days, pooled; the next 90 days)",
        "bitcoin-otc/soc-sign-bitcoinotc.csv",
        load_bitcoin_otc,
        lambda events: rolling_cutoffs(events, OTC_STEP, OTC_STEP),
        OTC_STEP,
    ),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap draws")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draws")
    args = parser.parse_args()
    for title, name, load, cutoffs, horizon in LOGS:
        path: Path = args.data / name
        print(f"\n### {title}\n")
        if not path.exists():
            print(f"skipped: {path} is absent")
            continue
        start = time.perf_counter()
        events = load(path)
        loaded = time.perf_counter()
        audit = defence_audit(events, cutoffs(events), horizon, n_boot=args.n_boot, seed=args.seed)
        done = time.perf_counter()
        print(audit.to_markdown())
        print(f"\n{str(audit).splitlines()[0]}.")
        print(
            f"{len(events):,} events, {events.n_users:,} users; load {loaded - start:.2f} s, "
            f"defence_audit {done - loaded:.2f} s ({len(audit.cutoffs)} cut-off(s), "
            f"{1 + len(audit.rows)} scorings each)"
        )


if __name__ == "__main__":
    main()
