"""Command line: ``influence demo``, ``influence score EVENTS`` and ``influence validate EVENTS``.

A mistake in the command's inputs (a missing file or column, an unknown
extension, a bad row, a bad configuration or time) prints one line on stderr,
``influence: error: ...``, and exits with code 2; a mistake in the command
line's syntax prints argparse's usage and exits with code 2 as well.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import math
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from influence._time import DAY
from influence.evaluate import MIN_CUTOFFS, POPULATIONS, TARGETS
from influence.events.table import Events
from influence.events.timeparse import parse_time
from influence.exceptions import ConvergenceWarning, HorizonWarning, InvalidEventError
from influence.scoring.scorer import Scorer
from influence.scoring.scores import Scores

EVENT_FORMATS = ".csv, .jsonl or .ndjson (optionally .gz), or .parquet"
OUT_FORMATS = (".csv", ".json", ".parquet", ".npz")


class UserError(Exception):
    """A mistake in the command line or its inputs: one line, exit code 2."""


# --------------------------------------------------------------------------- output
def _leaderboard(scores: Scores, top: int) -> str:
    lines = [f"{'rank':>4}  {'user':<16} {'score':>6}"]
    for rank, (user, value) in enumerate(scores.top(top), start=1):
        lines.append(f"{rank:>4}  {user!s:<16} {value:6.1f}")
    return "\n".join(lines)


def _flagged(scores: Scores, limit: int) -> list[tuple[Any, float, str]]:
    """Users who lost the most points to the gaming defences (:attr:`Scores.defences`),
    with the biggest reason."""
    parts = scores.parts
    defences = scores.defences
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


def _write(scores: Scores, path: Path) -> None:
    from influence.scoring import persist as _persist

    suffix = path.suffix.lower()
    if suffix == ".csv":
        scores.to_csv(path)
    elif suffix == ".json":
        _persist.write_json(scores, path)
    else:
        scores.save(path)


# --------------------------------------------------------------------------- inputs
def _require_pyarrow(purpose: str) -> None:
    try:
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise UserError(f"{purpose} needs pyarrow: pip install pyarrow") from None


def _read(name: str, errors: str) -> Events:
    """The events in file *name*; problems become one-line errors that name the file."""
    path = Path(name)
    if not path.exists():
        raise UserError(f"no such file: {path}")
    if not path.is_file():
        raise UserError(f"not a file: {path}")
    base = path.name.lower().removesuffix(".gz")
    try:
        if base.endswith(".csv"):
            return Events.read_csv(path, errors=errors)  # type: ignore[arg-type]
        if base.endswith((".jsonl", ".ndjson")):
            return Events.read_jsonl(path, errors=errors)  # type: ignore[arg-type]
        if path.name.lower().endswith(".parquet"):
            _require_pyarrow(f"reading {path.name}")
            return Events.read_parquet(path, errors=errors)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (InvalidEventError, ValueError) as exc:  # a bad row, column or file
        raise UserError(f"{path}: {exc}") from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise UserError(f"{path}: not a readable gzip file ({exc})") from None
    raise UserError(f"{path}: unknown format; use {EVENT_FORMATS}")


def _scorer(config: str | None, trending: bool = False) -> Scorer:
    if trending and config is not None:
        raise UserError("--trending and --config are exclusive: give one scorer")
    if config is None:
        return Scorer.trending() if trending else Scorer()
    from influence.scoring.config import load_scorer

    try:
        return load_scorer(config)
    except ImportError as exc:  # TOML on Python 3.10 without tomli
        raise UserError(str(exc)) from None


def _time(option: str, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise UserError(
            f"{option} must be epoch seconds or an ISO 8601 date-time such as "
            f"2024-05-01T09:00:00Z; got {value!r}"
        ) from None


def _count(option: str, value: int) -> int:
    if value < 0:
        raise UserError(f"{option} must be a non-negative integer; got {value}")
    return value


def _names(option: str, value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names and option == "--metrics":
        raise UserError(f"{option} must name at least one metric; got {value!r}")
    return names


def _out(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    suffix = path.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise UserError(f"{path}: unknown output format {suffix!r}; use {', '.join(OUT_FORMATS)}")
    if suffix == ".parquet":
        _require_pyarrow(f"writing {path.name}")
    if not path.parent.is_dir():
        raise UserError(f"no such directory: {path.parent}")
    return path


def _set_aside(events: Events) -> None:
    if events.rejected:
        count = len(events.rejected)
        print(f"\n{count:,} row{'' if count == 1 else 's'} set aside: {events.report()}")


# --------------------------------------------------------------------------- commands
def _demo(args: argparse.Namespace) -> int:
    from influence.datasets import synthetic

    world = synthetic(seed=args.seed)
    scores = Scorer().score(world.events, as_of=world.end)
    print(f"influence demo: a generated world (seed {args.seed}) with planted adversaries")
    print(world.events)
    print()
    print(_leaderboard(scores, args.top))
    flagged = _flagged(scores, 8)
    if flagged:
        print(
            "\nPoints the gaming defences removed (fake or traded engagement, or the account's "
            "own junk), account kind, biggest reason:"
        )
        for user, lost, reason in flagged:
            kind = world.labels.get(str(user), "?")
            print(f"  {user!s:<12} {lost:6.1f}  {kind:<8} {reason}")
    best = scores.top(1)
    if best:
        print()
        print(scores.explain(best[0][0]))
    return 0


def _score(args: argparse.Namespace) -> int:
    top = _count("--top", args.top)
    as_of = _time("--as-of", args.as_of)
    out = _out(args.out)
    scorer = _scorer(args.config, args.trending)
    events = _read(args.events, "skip" if args.skip_bad_rows else "raise")
    scores = scorer.score(events, as_of=as_of)
    if args.explain is not None and args.explain not in scores:
        raise UserError(f"user {args.explain!r} is not in the scored data")
    print(_leaderboard(scores, top))
    _set_aside(events)
    if args.explain is not None:
        print()
        print(scores.explain(args.explain))
    if out is not None:
        _write(scores, out)
        print(f"\nscores of {len(scores):,} users written to {out}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from influence.evaluate.validity import (
        DEFAULT_METRICS,
        predictive_validity,
        rolling_cutoffs,
        rolling_validity,
    )

    if (args.cutoff is None) == (args.every is None):
        raise UserError("give either --cutoff TIME (one cut-off) or --every DAYS (rolling)")
    if args.stability and args.every is None:
        raise UserError("--stability needs rolling cut-offs: give --every DAYS")
    for flag, days in (("--horizon", args.horizon), ("--every", args.every)):
        if days is not None and (not math.isfinite(days) or days <= 0):
            raise UserError(f"{flag} must be a positive number of days; got {days}")
    if args.intervals and args.intervals < 10:
        raise UserError(f"--intervals must be 0 or at least 10 draws; got {args.intervals}")
    cutoff = None if args.cutoff is None else _time("--cutoff", args.cutoff)
    metrics = _names("--metrics", args.metrics)
    baselines = _names("--baselines", args.baselines)
    scorer = _scorer(args.config, args.trending)
    events = _read(args.events, "skip" if args.skip_bad_rows else "raise")
    options = {
        "metrics": DEFAULT_METRICS if metrics is None else metrics,
        "baselines": baselines,
        "target": args.target,
        "population": args.population,
    }
    horizon = args.horizon * DAY
    if cutoff is not None:
        report = predictive_validity(events, cutoff, horizon, scorer, **options)
        unit = "users"
    else:
        cutoffs = rolling_cutoffs(events, args.every * DAY, horizon)
        if not cutoffs:
            raise UserError(
                f"the log is too short for one cut-off every {args.every:g} days followed by "
                f"{args.horizon:g} days"
            )
        if args.intervals and len(cutoffs) < MIN_CUTOFFS:
            raise UserError(
                f"--intervals resamples the cut-offs and needs at least {MIN_CUTOFFS}; --every "
                f"{args.every:g} gives {len(cutoffs)}"
            )
        report = rolling_validity(events, cutoffs, horizon, scorer, **options)
        unit = "cut-offs"
    stable = report.stability() if args.stability else None  # the rank metrics of the report
    _print_table(report, args.format)
    if args.intervals:
        print(
            f"\nscorer minus each baseline, 95% paired bootstrap interval ({args.intervals:,} "
            f"draws of the {unit}):"
        )
        for baseline in report.methods[1:]:
            for metric in report.metrics:
                try:
                    print(f"  {report.compare(metric, baseline, resamples=args.intervals)}")
                except ValueError as exc:  # e.g. nobody received anything: undefined
                    print(f"  scorer - {baseline} on {metric}: n/a ({exc})")
    if stable is not None:
        print()
        _print_table(stable, args.format)
    _set_aside(events)
    return 0


def _print_table(report: Any, style: str) -> None:
    """A report's text table, or its header line and Markdown table."""
    if style == "markdown":
        print(str(report).splitlines()[0])
        print()
        print(report.to_markdown())
    else:
        print(report)


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The ``influence`` argument parser, with the commands ``demo``, ``score`` and ``validate``."""
    parser = argparse.ArgumentParser(
        prog="influence",
        description="Influence scores people can trust, from social-media interaction logs.",
        epilog="Mistakes in the inputs print one line 'influence: error: ...' and exit with 2.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="score a generated world and explain the leader")
    demo.add_argument("--seed", type=int, default=0, help="seed of the generated world")
    demo.add_argument("--top", type=int, default=10, help="rows of the leaderboard")
    demo.set_defaults(func=_demo)

    def inputs(command: argparse.ArgumentParser) -> None:
        command.add_argument("events", metavar="EVENTS", help=f"event file: {EVENT_FORMATS}")
        command.add_argument(
            "--config",
            default=None,
            metavar="FILE",
            help="scorer configuration (.toml or .json); default: the house scorer",
        )
        command.add_argument(
            "--trending",
            action="store_true",
            help="the trending score (who people engage now, over hours: Scorer.trending()) "
            "instead of the standing one",
        )
        command.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="set malformed rows aside (and count them) instead of stopping at the first",
        )

    score = sub.add_parser("score", help="score an event file, print the leaderboard")
    inputs(score)
    score.add_argument(
        "--as-of", default=None, metavar="TIME", help="scoring time (epoch or ISO 8601)"
    )
    score.add_argument("--top", type=int, default=10, metavar="N", help="rows of the leaderboard")
    score.add_argument("--explain", default=None, metavar="USER", help="explain one user's score")
    score.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="also write every user's score: .csv, .json (records), .parquet or .npz "
        "(the last two load back with Scores.load)",
    )
    score.set_defaults(func=_score)

    validate = sub.add_parser(
        "validate", help="predictive validity: do the scores predict the engagement that follows?"
    )
    inputs(validate)
    validate.add_argument(
        "--cutoff", default=None, metavar="TIME", help="scoring time (epoch or ISO 8601)"
    )
    validate.add_argument(
        "--every",
        type=float,
        default=None,
        metavar="DAYS",
        help="instead of --cutoff: a cut-off every DAYS days from the first event while a whole "
        "horizon follows, metrics averaged over them",
    )
    validate.add_argument(
        "--horizon",
        required=True,
        type=float,
        metavar="DAYS",
        help="length of the future window after the cut-off, in days",
    )
    validate.add_argument(
        "--metrics",
        default=None,
        metavar="LIST",
        help="comma-separated: spearman, ndcg@K, precision@K (default: spearman,ndcg@100,"
        "precision@100)",
    )
    validate.add_argument(
        "--baselines",
        default=None,
        metavar="LIST",
        help="comma-separated baseline names, or '' for none (default: all that apply)",
    )
    validate.add_argument(
        "--target",
        choices=TARGETS,
        default="distinct_engagers",
        help="what the future is measured by",
    )
    validate.add_argument(
        "--population",
        choices=POPULATIONS,
        default="scored",
        help="every scored user, or only those who had received engagement",
    )
    validate.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="a text table (default) or a Markdown table, best value per metric in bold",
    )
    validate.add_argument(
        "--intervals",
        type=int,
        default=0,
        metavar="N",
        help="also print the scorer's lead over each baseline with a 95%% paired bootstrap "
        "interval over N draws (at least 10; default: none)",
    )
    validate.add_argument(
        "--stability",
        action="store_true",
        help="with --every: also print how much each ranking moves from one cut-off to the next",
    )
    validate.set_defaults(func=_validate)
    return parser


def _one_line(exc: BaseException | str) -> str:
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(exc)).strip()
    return text or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``influence`` console script and ``python -m influence``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a mistake in the inputs.

    Examples
    --------
    >>> from influence.cli import main
    >>> main(["score", "no-such-file.csv"])  # the error goes to stderr
    2
    """
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        for category in _OURS:
            warnings.simplefilter("always", category)
        try:
            code = int(args.func(args))
        except (UserError, InvalidEventError, OSError, ValueError) as exc:
            print(f"influence: error: {_one_line(exc)}", file=sys.stderr)
            code = 2
    for found in caught:  # ours as one line each; anything else as Python would show it
        if issubclass(found.category, _OURS):
            print(f"influence: warning: {_one_line(found.message)}", file=sys.stderr)
        else:
            warnings.warn_explicit(found.message, found.category, found.filename, found.lineno)
    return code


#: Warnings the library gives about the user's inputs, shown as ``influence: warning: ...``.
_OURS = (HorizonWarning, ConvergenceWarning)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
