"""Benchmark: a CSV file to ``Events``, against pyarrow's and pandas' own reads of it.

For generated logs (``time,actor,action,target``: epoch seconds in time order, integer
ids or text ids such as ``u123``, action words) of each size and id kind asked for, and
for the real Higgs log written as such a CSV file, prints the best of ``--repeat`` runs,
measured in the same run on the same file:

- ``pyarrow``: ``pyarrow.csv.read_csv`` (multithreaded, types inferred): the baseline;
- ``pandas``: ``pandas.read_csv``;
- ``influence``: ``Events.read_csv`` (pyarrow's reader, then validation in bulk);
- ``built-in``: the same with the row-by-row reader (``--builtin``; one run, it is slow);

- ``floor``: the least work any reader giving a table of interned ids in an order that
  depends only on the rows' contents must do, with the same pyarrow and numpy primitives
  (:func:`floor`: pyarrow's read, Arrow's hashing of the two id columns, one argsort);

with each one's ratio to pyarrow. The target (issue 15) is ``influence`` within 2 times
``pyarrow``; the ``floor`` row shows how much of that budget interning and ordering alone
take.

With ``--jsonl``, the first size's integer-id log is also written as JSON Lines and
``Events.read_jsonl`` (the built-in reader: there is no pyarrow path, see
:func:`influence.events.readers.read_jsonl`) is timed against ``pyarrow.json.read_json``.

With ``--texts``, the first size's integer-id log is also written with a ``text``
column, of distinct texts and of 50 repeated ones (Arrow judges a text column: blanks by one
regular expression, distinct texts sorted by Arrow).

With ``--score``, one house scoring of each file's events is timed too, and reading's
share of the time from file to scores printed.

Usage: ``python bench/bench_readers.py [--rows 1000000 5000000] [--ids integer text]
[--repeat 3] [--builtin] [--score] [--jsonl] [--texts] [--higgs PATH]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from influence import Events
from influence.events import readers

HIGGS = "/work/shared/data/higgs/higgs-activity_time.txt.gz"
WORDS = np.array(["share", "mention", "reply", "like"])


def best_of(repeat: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _log(rows: int) -> tuple[list[int], list[int], list[str], list[int]]:
    """*rows* events among rows / 10 users over 30 days, in time order."""
    rng = np.random.default_rng(0)
    t = np.sort(rng.integers(1_700_000_000, 1_700_000_000 + 30 * 86_400, rows))
    actor = rng.integers(0, max(rows // 10, 1), rows)
    target = rng.integers(0, max(rows // 10, 1), rows)
    action = WORDS[rng.integers(0, 4, rows)]
    return t.tolist(), actor.tolist(), action.tolist(), target.tolist()


def generated(path: str, rows: int, prefix: str = "", texts: str | None = None) -> None:
    """A CSV log of *rows* events (:func:`_log`); with a *prefix*, ids are text (``u123``);
    with *texts*, a ``text`` column of ``"distinct"`` texts (one per row) or of 50
    ``"repeated"`` ones."""
    with open(path, "w") as f:
        if texts is None:
            f.write("time,actor,action,target\n")
            f.writelines(f"{a},{prefix}{b},{c},{prefix}{d}\n" for a, b, c, d in zip(*_log(rows)))
            return
        f.write("time,actor,action,target,text\n")
        for i, (a, b, c, d) in enumerate(zip(*_log(rows))):
            text = f"post {i} about #tag{i % 50}" if texts == "distinct" else f"hi #tag{i % 50}"
            f.write(f"{a},{prefix}{b},{c},{prefix}{d},{text}\n")


def generated_jsonl(path: str, rows: int) -> None:
    """The log of :func:`generated` (integer ids) as JSON Lines."""
    with open(path, "w") as f:
        f.writelines(
            f'{{"time": {a}, "actor": {b}, "action": "{c}", "target": {d}}}\n'
            for a, b, c, d in zip(*_log(rows))
        )


def measure_jsonl(label: str, path: str, repeat: int) -> None:
    import pyarrow.json as pajson

    rows = len(Events.read_jsonl(path, progress=False))
    timings = {
        "pyarrow": best_of(repeat, lambda: pajson.read_json(path)),
        "influence": best_of(1, lambda: Events.read_jsonl(path, progress=False)),
    }
    size = os.path.getsize(path) / 2**20
    print(f"{label}: {rows:,} rows, {size:.0f} MiB (pyarrow best of {repeat}, influence 1 run)")
    for name, seconds in timings.items():
        ratio = seconds / timings["pyarrow"]
        print(f"  {name:<10} {seconds:8.3f} s  ratio {name}/pyarrow = {ratio:6.2f}")


def higgs(path: str, source: str) -> None:
    """The Higgs log (``actor target time RT|MT|RE``) as ``time,actor,action,target``."""
    import pandas as pd

    frame = pd.read_csv(source, sep=" ", header=None, names=["actor", "target", "time", "type"])
    frame["action"] = frame["type"].map({"RT": "share", "MT": "mention", "RE": "reply"})
    frame[["time", "actor", "action", "target"]].to_csv(path, index=False)


def floor(path: str) -> Any:
    """The least work any reader giving a table in an order set by the rows' contents does.

    pyarrow's multithreaded read (types inferred); for text ids, Arrow's hashing of the
    actor and target columns (one thread each, as ``Events.read_csv`` does), merged into
    one table of distinct ids whose sorted rank is each id's code (so that codes depend on
    the ids, not on the rows' order); integer ids are used as they are (no interning at
    all); then one stable argsort of a packed int64 key (time, action, actor, target) and
    the four columns taken in that order. No validation, no error per row, no exact
    duplicates, no action synonyms, no id table: a lower bound, not a reader.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(path)
    actor_column, target_column = table.column("actor"), table.column("target")
    if pa.types.is_integer(actor_column.type) and pa.types.is_integer(target_column.type):
        actor = np.asarray(actor_column, dtype=np.int64)
        target = np.asarray(target_column, dtype=np.int64)
        low = min(int(actor.min()), int(target.min()))
        actor, target = actor - low, target - low
        distinct = max(int(actor.max()), int(target.max())) + 1
    else:

        def encode(column: Any) -> Any:
            return column.cast(pa.string()).combine_chunks().dictionary_encode()

        with ThreadPoolExecutor(2) as pool:
            one, two = pool.map(encode, [actor_column, target_column])
        merged = pa.concat_arrays([one.dictionary, two.dictionary]).dictionary_encode()
        distinct = len(merged.dictionary)
        rank = np.empty(distinct, dtype=np.int64)
        rank[np.asarray(pc.sort_indices(merged.dictionary))] = np.arange(distinct)
        moved = rank[np.asarray(merged.indices)]
        cut = len(one.dictionary)
        actor = moved[:cut][np.asarray(one.indices)]
        target = moved[cut:][np.asarray(two.indices)]
    action = np.asarray(table.column("action").combine_chunks().dictionary_encode().indices)
    time_ = np.asarray(table.column("time"), dtype=np.int64)
    bits = max(distinct.bit_length(), 1)
    key = (time_ - time_.min()) << (3 + 2 * bits)
    key |= action.astype(np.int64) << (2 * bits)
    key |= actor << bits
    key |= target
    order = np.argsort(key, kind="stable")
    return time_[order], action[order], actor[order], target[order]


def measure(label: str, path: str, repeat: int, builtin: bool, score: bool = False) -> None:
    import pyarrow.csv as pacsv

    rows = len(Events.read_csv(path, progress=False))
    timings = {"pyarrow": best_of(repeat, lambda: pacsv.read_csv(path))}
    timings["floor"] = best_of(repeat, lambda: floor(path))
    try:
        import pandas as pd

        timings["pandas"] = best_of(repeat, lambda: pd.read_csv(path))
    except ImportError:
        pass
    timings["influence"] = best_of(repeat, lambda: Events.read_csv(path, progress=False))
    if builtin:
        timings["built-in"] = best_of(1, lambda: readers.read_csv(path, progress=False, fast=False))
    size = os.path.getsize(path) / 2**20
    print(f"{label}: {rows:,} rows, {size:.0f} MiB (best of {repeat})")
    for name, seconds in timings.items():
        ratio = seconds / timings["pyarrow"]
        print(f"  {name:<10} {seconds:8.3f} s  ratio {name}/pyarrow = {ratio:6.2f}")
    print(f"  influence/floor = {timings['influence'] / timings['floor']:.2f}")
    if score:
        from influence import Scorer

        events = Events.read_csv(path, progress=False)
        scoring = best_of(1, lambda: Scorer.house().score(events))
        share = timings["influence"] / (timings["influence"] + scoring)
        print(f"  house scoring {scoring:.3f} s: reading is {share:.0%} of file to scores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--builtin", action="store_true", help="also time the built-in reader")
    parser.add_argument("--higgs", default=HIGGS, help="the Higgs log (skipped when absent)")
    parser.add_argument(
        "--ids",
        nargs="*",
        choices=["integer", "text"],
        default=["integer", "text"],
        help="the kinds of generated ids: integers, or text (u123)",
    )
    parser.add_argument(
        "--score", action="store_true", help="also time one house scoring of each file's events"
    )
    parser.add_argument("--jsonl", action="store_true", help="also time read_jsonl (first size)")
    parser.add_argument(
        "--texts",
        action="store_true",
        help="also time the first size's integer-id log with a text column (distinct, repeated)",
    )
    args = parser.parse_args()
    os.environ.setdefault("INFLUENCE_PROGRESS", "0")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            for kind in args.ids:
                path = os.path.join(folder, f"generated-{rows}-{kind}.csv")
                generated(path, rows, "u" if kind == "text" else "")
                measure(
                    f"generated {rows:,} ({kind} ids)", path, args.repeat, args.builtin, args.score
                )
                os.remove(path)
        if args.texts and args.rows:
            for texts in ("distinct", "repeated"):
                path = os.path.join(folder, f"generated-{texts}.csv")
                generated(path, args.rows[0], texts=texts)
                label = f"generated {args.rows[0]:,} (integer ids, {texts} texts)"
                measure(label, path, args.repeat, args.builtin, args.score)
                os.remove(path)
        if args.jsonl and args.rows:
            path = os.path.join(folder, "generated.jsonl")
            generated_jsonl(path, args.rows[0])
            measure_jsonl(f"generated {args.rows[0]:,} as JSON Lines", path, args.repeat)
            os.remove(path)
        if os.path.exists(args.higgs):
            path = os.path.join(folder, "higgs.csv")
            higgs(path, args.higgs)
            measure("Higgs", path, args.repeat, args.builtin, args.score)


if __name__ == "__main__":
    main()
