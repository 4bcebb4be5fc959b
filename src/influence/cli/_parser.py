"""The ``influence`` argument parser: its commands, options and help."""

from __future__ import annotations

import argparse

from influence._version import VERSION
from influence.evaluate import POPULATIONS, TARGETS

from . import _commands as commands
from . import _state as state
from ._inputs import EVENT_FORMATS


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The ``influence`` argument parser and its commands (``demo``, ``score``, ...)."""
    parser = argparse.ArgumentParser(
        prog="influence",
        description="Influence scores people can trust, from social-media interaction logs.",
        epilog="Mistakes in the inputs print one line 'influence: error: ...' and exit with 2.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="score a generated world and explain the leader")
    demo.add_argument("--seed", type=int, default=0, help="seed of the generated world")
    demo.add_argument("--top", type=int, default=10, help="rows of the leaderboard")
    demo.set_defaults(func=commands.demo)

    def inputs(command: argparse.ArgumentParser, *, scorer: bool = True) -> None:
        command.add_argument(
            "events",
            metavar="EVENTS",
            nargs="+",
            help=f"event files: {EVENT_FORMATS}; several are read as one log, in the "
            "order given (a reply names a parent post of its own file or an earlier one)",
        )
        if scorer:
            command.add_argument(
                "--config",
                default=None,
                metavar="FILE",
                help="scorer configuration (.toml or .json); default: the house scorer",
            )
            command.add_argument(
                "--trending",
                action="store_true",
                help="the trending score (who people engage now, over hours: "
                "Scorer.trending()) instead of the standing one",
            )
        command.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="set malformed rows aside (and count them) instead of stopping at the first",
        )
        reading = command.add_argument_group("reading the event file")
        reading.add_argument(
            "--columns",
            default=None,
            metavar="FIELD=COLUMN,...",
            help="the file's column for each event field whose name differs, e.g. "
            "actor=sender,target=recipient,time=ts (with --no-header: positions, actor=1)",
        )
        reading.add_argument(
            "--delimiter",
            default=None,
            metavar="CHAR",
            help="CSV field separator (\\t or tab for a tab); default: a comma, a tab for .tsv",
        )
        reading.add_argument(
            "--no-header",
            action="store_true",
            help="the CSV file has no header row: columns are named by position 1, 2, ... and "
            "read as time, actor, action, target, post, parent, ... unless --columns says",
        )
        reading.add_argument(
            "--action",
            default=None,
            metavar="ACTION",
            help="one action for every row, for logs that have none (message and email logs: "
            "mention)",
        )
        reading.add_argument(
            "--dedupe",
            action="store_true",
            help="keep one of the rows equal in every field (the others are set aside and "
            "counted); with update, also among the state's events, so that a file sent "
            "again changes nothing",
        )
        reading.add_argument(
            "--actions",
            default=None,
            metavar="VALUE=ACTION,...",
            help="the log's own action values read as actions (case ignored), e.g. "
            "RT=share,MT=mention,RE=reply for Higgs",
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
    score.add_argument(
        "--allow-empty",
        action="store_true",
        help="when there is nobody to score (an empty file, no rows, every row set aside, "
        "--as-of before every event), warn and go on instead of stopping with exit code 2",
    )
    score.set_defaults(func=commands.score)

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
        help="instead of --cutoff: a cut-off every DAYS days from the first event (or from "
        "--start) while a whole horizon follows, metrics averaged over them",
    )
    validate.add_argument(
        "--start",
        default=None,
        metavar="TIME",
        help="with --every: the first cut-off (epoch or ISO 8601); default: DAYS after the "
        "first event",
    )
    validate.add_argument(
        "--end",
        default=None,
        metavar="TIME",
        help="with --every: the latest time a horizon may reach (epoch or ISO 8601); default: "
        "the latest event",
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
    validate.set_defaults(func=commands.validate)

    history = sub.add_parser(
        "history", help="one user's score at each date, with its change over a day, week, month"
    )
    inputs(history)
    history.add_argument("--user", required=True, metavar="USER", help="the user to follow")
    history.add_argument(
        "--every",
        default="1D",
        metavar="STEP",
        help="the step between dates: 1D, 7D, 12h, 30min (units s, min, h, D, W); default 1D",
    )
    history.add_argument(
        "--start",
        default=None,
        metavar="TIME",
        help="the earliest date (epoch or ISO 8601); default: the first event",
    )
    history.add_argument(
        "--end",
        default=None,
        metavar="TIME",
        help="the last date (epoch or ISO 8601); default: the latest event",
    )
    history.set_defaults(func=commands.history)

    def leaderboard_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--as-of", default=None, metavar="TIME", help="scoring time (epoch or ISO 8601)"
        )
        command.add_argument(
            "--top", type=int, default=10, metavar="N", help="rows of the leaderboard"
        )
        command.add_argument(
            "--explain", default=None, metavar="USER", help="explain one user's score"
        )
        command.add_argument(
            "--out",
            default=None,
            metavar="FILE",
            help="also write every user's score: .csv, .json (records), .parquet or .npz",
        )

    fit = sub.add_parser(
        "fit", help="score an event file and save the scoring state that later days update"
    )
    fit.add_argument("state", metavar="STATE", help="the state file to write (.npz)")
    inputs(fit)
    leaderboard_options(fit)
    fit.set_defaults(func=state.fit, allow_empty=False)

    update = sub.add_parser(
        "update",
        help="add a file of new events to a saved scoring state, print the new scores and "
        "save the state again",
    )
    update.add_argument("state", metavar="STATE", help="the state file (.npz), rewritten")
    inputs(update, scorer=False)
    leaderboard_options(update)
    update.set_defaults(func=state.update, allow_empty=True)

    select = sub.add_parser(
        "select",
        help="choose the accounts that together reach the most distinct, credible people",
    )
    inputs(select)
    select.add_argument(
        "--as-of", default=None, metavar="TIME", help="end of the audience window (epoch or ISO)"
    )
    select.add_argument("--k", type=int, default=None, metavar="N", help="at most N accounts")
    select.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="AMOUNT",
        help="the most the chosen may cost in total (needs --cost)",
    )
    select.add_argument(
        "--cost", default=None, metavar="FILE", help="CSV file of user,cost rows (header allowed)"
    )
    select.add_argument(
        "--frequency",
        type=int,
        default=1,
        metavar="F",
        help="count each person up to F exposures (default 1: unique reach)",
    )
    select.add_argument(
        "--topic", default=None, metavar="TOPIC", help="count only engagement about TOPIC"
    )
    select.add_argument(
        "--hashtags",
        action="store_true",
        help="with --topic: also read #tags in the text as topics",
    )
    select.add_argument(
        "--exclude", default=None, metavar="LIST", help="comma-separated accounts never to choose"
    )
    select.add_argument(
        "--min-score",
        type=float,
        default=None,
        metavar="SCORE",
        help="leave out accounts whose standing score is below SCORE",
    )
    select.add_argument(
        "--window-days",
        type=float,
        default=90.0,
        metavar="DAYS",
        help="the audience window (default 90 days)",
    )
    select.add_argument(
        "--objective",
        choices=("expected", "coverage", "spread"),
        default="expected",
        help="maximise the expected reach in the campaign period (default), the coverage "
        "of the window's audience, or the expected spread --hops steps out (IMM; needs --k)",
    )
    select.add_argument(
        "--hops",
        type=int,
        default=2,
        metavar="N",
        help="with --objective spread: the cascade's steps (default 2; 1: the direct audience)",
    )
    select.add_argument(
        "--horizon",
        type=float,
        default=30.0,
        metavar="DAYS",
        help="the campaign period the expected reach is for (default 30 days)",
    )
    select.add_argument(
        "--out", default=None, metavar="FILE", help="also write the chosen accounts (.csv)"
    )
    select.set_defaults(func=commands.select)
    return parser
