"""The commands ``fit`` and ``update``: a scoring state kept in a file as event files come."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

from influence._time import DAY
from influence.events.base import COLUMNS
from influence.events.table import Events
from influence.events.timeparse import format_time
from influence.events.views import repeated as repeated_rows
from influence.exceptions import FarFutureWarning
from influence.kernels import plural
from influence.scoring.explanation import shown_id
from influence.scoring.incremental import ScoringState

from . import _files as files
from . import _inputs as inputs
from ._inputs import UserError
from ._text import explanation, leaderboard, printable, write


def fit(args: argparse.Namespace) -> int:
    top = inputs.count("--top", args.top)
    as_of = inputs.time("--as-of", args.as_of)
    state_path = _state_path(args.state, {"EVENTS": args.events, "--config": args.config})
    out = inputs.out_path(
        args.out, {"EVENTS": args.events, "--config": args.config, "STATE": args.state}
    )
    scorer = inputs.scorer(args.config, args.trending)
    events = files.read_events(args)
    early = inputs.before_first("--as-of", as_of, events)
    if early is not None:
        inputs.empty(early, args.allow_empty)
    state = ScoringState.fit(scorer, events, as_of)
    _save_and_report(args, state, state_path, "", top, out)
    inputs.set_aside(events)
    return 0


def update(args: argparse.Namespace) -> int:
    top = inputs.count("--top", args.top)
    as_of = inputs.time("--as-of", args.as_of)
    state_path = _state_path(args.state, {"EVENTS": args.events}, must_exist=True)
    out = inputs.out_path(args.out, {"EVENTS": args.events, "STATE": args.state})
    before = ScoringState.load(state_path)  # its own scores are never read: not computed
    events = files.read_events(args, known_posts=before.events)
    _check_as_of(before, events, as_of)
    try:
        with warnings.catch_warnings():
            # A default date from rows far past the rest (a mistyped year) would move the
            # state past every event it holds: refused here, where the library warns.
            warnings.simplefilter("error", FarFutureWarning)
            state = before.update(events, as_of, dedupe=args.dedupe)
    except FarFutureWarning as exc:
        raise UserError(
            f"{files.files_shown(args)}: {str(exc).rstrip('.')}; the state is left as it was"
        ) from None
    except ValueError as exc:
        raise UserError(
            f"{files.files_shown(args)}: {_update_error(str(exc), before, events, args)}"
        ) from None
    again = 0 if args.dedupe else files.held_already(before.events, events)
    whose = "file's" if len(files.event_files(args)) == 1 else "files'"
    if again:  # counted, as the log would count them, but not in silence
        print(
            f"influence: warning: {again:,} of the {whose} {plural(len(events), 'event')} equal "
            "events the state already holds (the file sent again?): they count twice; "
            "--dedupe adds only what is new",
            file=sys.stderr,
        )
    read = plural(len(events), "event")
    # What the update dropped besides the events it left behind the new horizon: the rows
    # --dedupe found equal to another among the state's events and the file's.
    behind = sum(  # both tables are sorted by time: two binary searches
        int(np.searchsorted(t.time, state.horizon, side="right")) for t in (before.events, events)
    )
    repeated = len(before.events) + len(events) - behind - len(state.events)
    dropped = ""
    if repeated:  # the state's own repeats (a fit without --dedupe), then the file's
        kept = before.events.select(before.events.time > state.horizon)
        own = int(np.count_nonzero(repeated_rows([getattr(kept, c) for c in COLUMNS])))
        own = min(own, repeated)
        if repeated > own:
            dropped += f", {repeated - own:,} of them dropped as equal to events held"
        if own:
            dropped += f", {plural(own, 'repeated row')} dropped from the state"
    was = f" (was {format_time(before.as_of)}; {read} read{dropped})"
    _save_and_report(args, state, state_path, was, top, out)
    inputs.set_aside(events)
    return 0


def _update_error(
    message: str, before: ScoringState, events: Events, args: argparse.Namespace
) -> str:
    """``ScoringState.update``'s refusal in command-line words (the library's name its
    parameters)."""
    if "at or before the state's horizon" in message:
        old = int(np.searchsorted(events.time, before.horizon, side="right"))
        earliest = format_time(float(events.time[0]))
        are, they = ("is", "it") if old == 1 else ("are", "they")
        return (
            f"{plural(old, 'event')} of the file, the earliest at {earliest}, {are} older "
            f"than the state keeps (it holds the {before.lookback_days:g} days before "
            f"{format_time(before.as_of)}, from {format_time(before.horizon)}), so {they} "
            "cannot be judged with the events around them: `influence fit` the state again "
            "on all the files, this one among them; the state is left as it was"
        )
    if "a state only moves forward" in message:
        return (
            f"--as-of must be at or after the state's date ({format_time(before.as_of)}): a "
            "state only moves forward; `influence fit` again for an earlier date"
        )
    hint = ""
    if "more than one of the tables" in message and not args.dedupe:
        hint = "; if this file was added before, --dedupe adds only what is new"
    return f"{message}{hint}"


def _check_as_of(before: ScoringState, events: Events, as_of: float | None) -> None:
    """Refuse an ``--as-of`` a whole lookback past every event, old and new: the state would
    keep none of them (a mistyped date), and every later file would be refused as behind
    its horizon."""
    ends = [t for t in (before.events.end, events.end) if t is not None]
    if as_of is not None and ends and as_of - before.lookback_days * DAY >= max(ends):
        raise UserError(
            f"--as-of {format_time(as_of)} is more than the {before.lookback_days:g}-day "
            f"lookback past every event (the latest at {format_time(max(ends))}): "
            "the state would keep none of them; fit again if that is meant"
        )


def _state_path(
    value: str, inputs_: dict[str, str | list[str] | None], *, must_exist: bool = False
) -> Path:
    """The STATE path, checked: ``.npz``, in a folder that exists, not one of the inputs."""
    path = Path(value)
    if path.suffix.lower() != ".npz":
        raise UserError(f"{path}: a scoring state is an .npz file; got {path.suffix!r}")
    if must_exist and not path.is_file():
        raise UserError(f"no such file: {path}")
    if not path.parent.is_dir():
        raise UserError(f"no such directory: {path.parent}")
    for option, names in inputs_.items():
        for name in [names] if isinstance(names, str) else names or ():
            if inputs.same_file(path, Path(name)):
                raise UserError(f"STATE {path} is the {option} file: refusing to overwrite it")
    return path


def _save_and_report(
    args: argparse.Namespace,
    state: ScoringState,
    path: Path,
    was: str,
    top: int,
    out: Path | None,
) -> None:
    """Check --explain, write --out, then the state (each file replaced only when done,
    the state last, so that a failure leaves it as it was), then print the state, the
    leaderboard and the explanation."""
    scores = state.scores
    if args.explain is not None and args.explain not in scores:
        raise UserError(f"user {shown_id(args.explain)!r} is not in the scored data")
    if out is not None:
        write(scores, out)
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
        print(f"\nscores of {plural(len(scores), 'user')} written to {printable(out)}")
