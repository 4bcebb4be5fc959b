"""Benchmark: a log file to house scores, time and peak memory, against pyarrow's read.

Writes the heavy-tailed log of ``bench_components.py`` (about one user per ten events,
posts with parents, 60 days) as Parquet and as CSV (``time,actor,action,target,post,parent``,
integer ids, action words), then measures, each in a fresh process so that its peak
resident memory is its own:

- ``pyarrow read``: ``pyarrow.parquet.read_table`` / ``pyarrow.csv.read_csv``: the
  baseline, the least any reader of the file does;
- ``Events``: ``Events.read_parquet`` / ``Events.read_csv`` (validated, ids interned,
  rows in canonical order);
- ``file to scores``: the same, then ``Scorer().score`` (default house scorer);

and prints wall seconds, CPU seconds, peak RSS and each row's ratio to the pyarrow read of
the same file, measured in the same run. The target of issue 18 is file to scores within
15 s and 3 GB at 10M events and 1M users, the scorer alone within 10 s.

Usage: ``python bench/bench_file_to_scores.py [--millions 10] [--formats parquet csv]``
(10M events: about 1 GB of files in a temporary directory, 3 GB of memory).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from bench_components import heavy_tailed_log

from influence.events.actions import ACTIONS

CHILD = r"""
import json, sys, time
import pyarrow.csv as pc
import pyarrow.parquet as pq
from influence import Events, Scorer
fmt, path, what = sys.argv[1:4]
start, cpu = time.perf_counter(), time.process_time()  # imports excluded
if what == "pyarrow":
    (pq.read_table if fmt == "parquet" else pc.read_csv)(path)
else:
    events = (Events.read_parquet if fmt == "parquet" else Events.read_csv)(path)
    if what == "score":
        Scorer().score(events)
with open("/proc/self/status") as status:  # this program's own high-water mark, after exec
    peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 2**20
print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "peak_gb": peak}))
"""


def write(directory: str, millions: float) -> dict[str, str]:
    """The log as Parquet and CSV files in *directory*."""
    import pyarrow as pa
    import pyarrow.csv as pc
    import pyarrow.parquet as pq

    n = int(millions * 1_000_000)
    events = heavy_tailed_log(n, n // 10)
    ids = np.asarray(events.users.ids)

    def optional(values: np.ndarray, present: np.ndarray) -> pa.Array:
        return pa.array(values, mask=~present)

    table = pa.table(
        {
            "time": events.time.astype(np.int64),
            "actor": ids[events.actor],
            "action": np.asarray(ACTIONS)[events.action],
            "target": optional(ids[np.maximum(events.target, 0)], events.target >= 0),
            "post": optional(events.post, events.post >= 0),
            "parent": optional(events.parent, events.parent >= 0),
        }
    )
    paths = {
        "parquet": os.path.join(directory, "log.parquet"),
        "csv": os.path.join(directory, "log.csv"),
    }
    pq.write_table(table, paths["parquet"])
    # Unquoted, as logs usually are (Events.read_csv reads a quoted file row by row).
    none = pc.WriteOptions(quoting_style="none", quoting_header="none")
    pc.write_csv(table, paths["csv"], none)
    print(
        f"{len(events):,} events, {events.n_users:,} users; "
        + ", ".join(f"{k} {os.path.getsize(p) / 2**20:,.0f} MiB" for k, p in paths.items())
    )
    return paths


def run(fmt: str, path: str, what: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, fmt, path, what], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--millions", type=float, default=10.0)
    parser.add_argument("--formats", nargs="*", default=["parquet", "csv"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        paths = write(directory, args.millions)
        print(f"(written in {time.perf_counter() - started:.1f} s)")
        print(f"{'':<26} {'wall s':>8} {'cpu s':>8} {'peak GB':>8} {'x pyarrow':>10}")
        for fmt in args.formats:
            base = run(fmt, paths[fmt], "pyarrow")
            for label, what in (
                ("pyarrow read", "pyarrow"),
                ("Events", "events"),
                ("file to scores", "score"),
            ):
                got = base if what == "pyarrow" else run(fmt, paths[fmt], what)
                ratio = got["wall"] / base["wall"]
                print(
                    f"{fmt + ': ' + label:<26} {got['wall']:8.2f} {got['cpu']:8.2f} "
                    f"{got['peak_gb']:8.2f} {ratio:10.1f}"
                )


if __name__ == "__main__":
    main()
