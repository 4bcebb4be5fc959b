"""Command line: ``influence demo`` and ``influence score EVENTS``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._events import Events
from ._scorer import Scorer
from ._scores import Scores
from .exceptions import InvalidEventError


class UserError(Exception):
    """A mistake in the command line or its inputs: one line, exit code 2."""


def _leaderboard(scores: Scores, top: int) -> str:
    lines = [f"{'rank':>4}  {'user':<16} {'score':>6}"]
    for rank, (user, value) in enumerate(scores.top(top), start=1):
        lines.append(f"{rank:>4}  {user!s:<16} {value:6.1f}")
    return "\n".join(lines)


def _flagged(scores: Scores, limit: int) -> list[tuple[Any, float, str]]:
    """Users who lost the most points to the gaming defences, with the biggest reason."""
    parts = scores.parts
    defences = [name for name in ("reciprocity", "credibility") if name in parts]
    if not defences:
        return []
    loss = np.sum([parts[name] for name in defences], axis=0)
    order = np.argsort(loss, kind="stable")[:limit]
    out = []
    for i in order:
        if loss[i] > -1.0:
            break
        user = scores.users.id(int(i))
        worst = min(defences, key=lambda name: parts[name][i])
        out.append((user, float(loss[i]), scores.explain(user).reasons[worst]))
    return out


def _demo(args: argparse.Namespace) -> int:
    from .datasets import synthetic

    world = synthetic(seed=args.seed)
    scores = Scorer().score(world.events, as_of=world.end)
    print(f"influence demo: a generated world (seed {args.seed}) with planted adversaries")
    print(world.events)
    print()
    print(_leaderboard(scores, args.top))
    flagged = _flagged(scores, 8)
    if flagged:
        print("\nFlagged by the gaming defences (points lost, account kind, biggest reason):")
        for user, lost, reason in flagged:
            kind = world.labels.get(str(user), "?")
            print(f"  {user!s:<12} {lost:6.1f}  {kind:<8} {reason}")
    best = scores.top(1)
    if best:
        print()
        print(scores.explain(best[0][0]))
    return 0


def _read(path: Path, errors: str) -> Events:
    if not path.exists():
        raise UserError(f"no such file: {path}")
    name = path.name.removesuffix(".gz")
    if name.endswith(".csv"):
        return Events.read_csv(path, errors=errors)  # type: ignore[arg-type]
    if name.endswith((".jsonl", ".ndjson")):
        return Events.read_jsonl(path, errors=errors)  # type: ignore[arg-type]
    raise UserError(f"{path}: unknown format; use .csv or .jsonl (optionally .gz)")


def _score(args: argparse.Namespace) -> int:
    events = _read(Path(args.events), "skip" if args.skip_bad_rows else "raise")
    scorer = Scorer()
    if args.config:
        try:
            scorer = Scorer.from_config(json.loads(Path(args.config).read_text()))
        except FileNotFoundError:
            raise UserError(f"no such file: {args.config}") from None
    scores = scorer.score(events, as_of=args.as_of)
    print(_leaderboard(scores, args.top))
    if events.rejected:
        count = len(events.rejected)
        print(f"\n{count:,} row{'' if count == 1 else 's'} set aside: {events.report()}")
    if args.explain is not None:
        if args.explain not in scores:
            raise UserError(f"user {args.explain!r} is not in the scored data")
        print()
        print(scores.explain(args.explain))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="influence", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="score a generated world and explain the leader")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--top", type=int, default=10)
    demo.set_defaults(func=_demo)
    score = sub.add_parser("score", help="score an event file (.csv or .jsonl)")
    score.add_argument("events")
    score.add_argument("--as-of", default=None, help="scoring time (epoch or ISO 8601)")
    score.add_argument("--config", default=None, help="scorer configuration (JSON)")
    score.add_argument("--top", type=int, default=10)
    score.add_argument("--explain", default=None, metavar="USER")
    score.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="set malformed rows aside instead of stopping at the first",
    )
    score.set_defaults(func=_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``influence`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (UserError, InvalidEventError, FileNotFoundError, ValueError) as exc:
        print(f"influence: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
