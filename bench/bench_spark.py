"""Benchmark: sizing, in memory, through DuckDB and on Spark (score_spark), on the same logs.

Writes synthetic Parquet logs (``bench_engines.write_log``: posts, and likes, shares,
replies and mentions of them, over two years) of each size, then measures, each in a
fresh subprocess, the wall time and peak resident memory of:

- ``memory`` (the baseline of the ratios): ``Events.from_arrow(pyarrow.parquet.read_table)``,
  the window the scorer reads cut in memory, then ``Scorer.score``;
- ``duckdb``: ``read_duckdb(path, scorer=scorer)`` (DuckDB scans the file and cuts the
  window), then ``Scorer.score``;
- ``spark``: ``score_spark(spark.read.parquet(path), scorer)`` on ``local[2]`` with two
  shuffle partitions (the session's start is timed apart; memory is the Python process
  plus the JVM's).

The scorer is the house scorer (``--scorer house``, the default) or every part scored
from the window's sums alone (``--scorer sums``: Engagement, Activity, Longevity,
DistinctEngagers, Authority, Reciprocity and Inactivity). Every path must give the same
scores (the largest difference from the in-memory path is printed). Files are deleted at the end.

Usage: ``python bench/bench_spark.py [--events 250000,1000000] [--users-per-event 0.1]
[--scorer house|sums]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_engines import children, peak_rss_bytes, write_log
from bench_engines import measure as run_child

DAY = 86_400.0


def scorer(name: str) -> object:
    """The house scorer (``house``), or every part scored from the window's sums alone
    (``sums``: no Credibility or Authenticity)."""
    from influence import Scorer

    if name == "house":
        return Scorer()
    from influence.components import (
        Activity,
        Authority,
        DistinctEngagers,
        Engagement,
        Inactivity,
        Longevity,
        Reciprocity,
    )

    return Scorer(
        signals=[Engagement(), Activity(), Longevity(), DistinctEngagers(), Authority()],
        discounts=[Reciprocity()],
        modifiers=[Inactivity()],
    )


def run(spec: str, path: str, out: str) -> dict[str, object]:
    """One method (``method:scorer``), in this (fresh) process: time, memory, sizes; the
    scores go to *out*."""
    method, _, name = spec.partition(":")
    chosen = scorer(name)
    extra, session = 0, 0.0
    if method == "memory":
        import pyarrow.parquet as pq

        from influence import Events

        start = time.perf_counter()
        events = Events.from_arrow(pq.read_table(path))
        end = events.end
        assert end is not None
        span = chosen.lookback_days * DAY  # type: ignore[attr-defined]
        window = events.select(events.time > end - span).compact()
        del events
        scores = chosen.score(window)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - start
        users = [str(u) for u in scores.users.ids.tolist()]
        values = scores.values
        sizes = {"events": len(window), "users": window.n_users, "pairs": None}
    elif method == "duckdb":
        from influence.engines import read_duckdb

        start = time.perf_counter()
        window = read_duckdb(path, scorer=chosen)
        scores = chosen.score(window)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - start
        users = [str(u) for u in scores.users.ids.tolist()]
        values = scores.values
        sizes = {"events": len(window), "users": window.n_users, "pairs": None}
    elif method == "spark":
        from pyspark.sql import SparkSession

        from influence.engines import score_spark

        begin = time.perf_counter()
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        session = time.perf_counter() - begin
        start = time.perf_counter()
        result = score_spark(spark.read.parquet(path), chosen)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        assert result.why == (), result.why
        assert result.stats is not None
        extra = sum(peak_rss_bytes(c) for c in children(os.getpid()))  # the JVM
        users, values = result.users.tolist(), result.values
        sizes = {
            "events": result.stats.rows,
            "users": len(users),
            "pairs": int(result.stats.pairs.source.size),
        }
        spark.stop()
    else:
        raise ValueError(method)
    order = np.argsort(np.asarray(users))
    np.save(out, np.asarray(values)[order])
    return {"seconds": seconds, "session": session, "rss": peak_rss_bytes() + extra, **sizes}


def measure(method: str, path: Path, out: Path, name: str) -> dict[str, object] | None:
    """One method with the scorer *name*, in a fresh process (``bench_engines.measure`` on
    this script)."""
    return run_child(f"{method}:{name}", path, out, script=__file__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", default="250000,1000000")
    parser.add_argument("--users-per-event", type=float, default=0.1)
    parser.add_argument(
        "--scorer",
        choices=("house", "sums"),
        default="house",
        help="house: Scorer(); sums: the parts scored from the window's sums alone",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(*args.child)))
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        print(
            f"{'log':>9} {'window':>8} {'pairs':>8} {'users':>7} {'memory s':>9} {'duckdb s':>8} "
            f"{'time':>6} {'spark s':>8} {'time':>6} {'memory RSS':>10} {'duckdb RSS':>10} "
            f"{'spark RSS':>10} {'max diff':>8}"
        )
        for n in (int(x) for x in args.events.split(",")):
            path = folder / f"log-{n}.parquet"
            write_log(path, n, max(int(n * args.users_per_event), 100))
            base = measure("memory", path, folder / "memory.npy", args.scorer)
            duck = measure("duckdb", path, folder / "duckdb.npy", args.scorer)
            spark = measure("spark", path, folder / "spark.npy", args.scorer)
            if base is None or duck is None or spark is None:
                continue
            base_values = np.load(folder / "memory.npy")
            diff = max(
                float(np.max(np.abs(base_values - np.load(folder / f"{m}.npy")), initial=0.0))
                for m in ("duckdb", "spark")
            )
            b_sec, b_rss = float(base["seconds"]), float(base["rss"])  # type: ignore[arg-type]
            d_sec, d_rss = float(duck["seconds"]), float(duck["rss"])  # type: ignore[arg-type]
            s_sec, s_rss = float(spark["seconds"]), float(spark["rss"])  # type: ignore[arg-type]
            print(
                f"{n:>9,} {base['events']:>8,} {spark['pairs']:>8,} {base['users']:>7,} "
                f"{b_sec:>9.2f} {d_sec:>8.2f} {d_sec / b_sec:>5.1f}x {s_sec:>8.2f} "
                f"{s_sec / b_sec:>5.1f}x {b_rss / 2**20:>8,.0f}MB {d_rss / 2**20:>8,.0f}MB "
                f"{s_rss / 2**20:>8,.0f}MB {diff:>8.1e}"
            )
            print(f"{'':>9} (Spark session start, not counted: {float(spark['session']):.1f} s)")  # type: ignore[arg-type]
            path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
