"""The commands ``fit`` and ``update``: a scoring state kept in a file as event files come."""

from __future__ import annotations

import argparse
from pathlib import Path

from influence.events.timeparse import format_time
from influence.kernels import plural
from influence.scoring.incremental import ScoringState

from . import _inputs as inputs
from ._inputs import UserError
from ._text import explanation, leaderboard, printable, write


def fit(args: argparse.Namespace) -> int:
    top = inputs.count("--top", args.top)
    as_of = inputs.time("--as-of", args.as_of)
    state_path = _state_path(args.state, must_exist=False)
    out = inputs.out_path(args.out, {"EVENTS": args.events, "--config": args.config})
    scorer = inputs.scorer(args.config, args.trending)
    events = inputs.read_events(args)
    state = ScoringState.fit(scorer, events, as_of)
    _save_and_report(args, state, state_path, "", top, out)
    inputs.set_aside(events)
    return 0


def update(args: argparse.Namespace) -> int:
    top = inputs.count("--top", args.top)
    as_of = inputs.time("--as-of", args.as_of)
    state_path = _state_path(args.state, must_exist=True)
    out = inputs.out_path(args.out, {"EVENTS": args.events, "STATE": args.state})
    before = ScoringState.load(state_path)  # its own scores are never read: not computed
    events = inputs.read_events(args)
    state = before.update(events, as_of, dedupe=args.dedupe)
    read = plural(len(events), "event")
    was = f" (was {format_time(before.as_of)}; {read} read)"
    _save_and_report(args, state, state_path, was, top, out)
    inputs.set_aside(events)
    return 0


def _state_path(value: str, *, must_exist: bool) -> Path:
    path = Path(value)
    if path.suffix.lower() != ".npz":
        raise UserError(f"{path}: a scoring state is an .npz file; got {path.suffix!r}")
    if must_exist and not path.is_file():
        raise UserError(f"no such file: {path}")
    if not path.parent.is_dir():
        raise UserError(f"no such directory: {path.parent}")
    return path


def _save_and_report(
    args: argparse.Namespace,
    state: ScoringState,
    path: Path,
    was: str,
    top: int,
    out: Path | None,
) -> None:
    """Check --explain, write the state (replacing the file only when done), then print
    the state, the leaderboard and the explanation, and write --out."""
    scores = state.scores
    if args.explain is not None and args.explain not in scores:
        raise UserError(f"user {args.explain!r} is not in the scored data")
    state.save(path)
    print(
        f"scoring state as of {format_time(state.as_of)}{was}: "
        f"{plural(len(state.events), 'event')} kept ({state.lookback_days:g}-day lookback), "
        f"{plural(len(state.seen), 'user')} seen; written to {printable(path)}"
    )
    print()
    print(leaderboard(scores, top))
    if args.explain is not None:
        print()
        print(explanation(scores.explain(args.explain)))
    if out is not None:
        write(scores, out)
        print(f"\nscores of {plural(len(scores), 'user')} written to {printable(out)}")
