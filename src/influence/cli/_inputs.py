"""The command line's inputs: event files and their column options, times, counts and paths.

A mistake in any of them is a :class:`UserError`: one line on stderr and exit code 2.
"""

from __future__ import annotations

import ast
import gzip
import importlib
import os
import re
import sys
from pathlib import Path
from typing import Any

from influence.events.actions import ALLOWED_TEXT, code_of
from influence.events.assemble import FIELDS
from influence.events.table import Events
from influence.events.timeparse import format_time, parse_time
from influence.exceptions import InvalidEventError
from influence.scoring.scorer import Scorer

from ._text import one_line, printable

EVENT_FORMATS = ".csv or .tsv, .jsonl or .ndjson (optionally .gz), or .parquet"
OUT_FORMATS = (".csv", ".json", ".parquet", ".npz")
_KINDS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_TABS = {"\\t": "\t", "tab": "\t", "TAB": "\t"}


class UserError(Exception):
    """A mistake in the command line or its inputs: one line, exit code 2."""


def empty(message: str, allow: bool) -> None:
    """Nothing to score: an error, or with ``--allow-empty`` a one-line warning."""
    if not allow:
        raise UserError(message)
    print(f"influence: warning: {one_line(message)}", file=sys.stderr)


# --------------------------------------------------------------------------- options
def columns(value: str | None) -> dict[str, str] | None:
    """``--columns actor=sender,time=ts`` as ``{"actor": "sender", "time": "ts"}``."""
    if value is None:
        return None
    allowed = ", ".join(FIELDS)
    mapping: dict[str, str] = {}
    for item in value.split(","):
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise UserError(
                f"--columns takes FIELD=COLUMN pairs separated by commas (e.g. --columns "
                f"actor=sender,target=recipient,time=ts); got {item!r}; fields: {allowed}"
            )
        if field not in FIELDS:
            flipped = f" (FIELD=COLUMN: did you mean {column}={field}?)" if column in FIELDS else ""
            raise UserError(
                f"--columns: unknown event field {field!r}{flipped}; allowed: {allowed}"
            )
        if field in mapping:
            raise UserError(f"--columns names the field {field!r} twice")
        mapping[field] = column
    return mapping


def action_values(value: str | None) -> dict[str, str] | None:
    """``--actions RT=share,MT=mention`` as ``{"RT": "share", "MT": "mention"}``, checked."""
    if value is None:
        return None
    mapping: dict[str, str] = {}
    for item in value.split(","):
        raw, sep, action = item.partition("=")
        raw, action = raw.strip(), action.strip()
        if not sep or not raw or not action:
            raise UserError(
                f"--actions takes VALUE=ACTION pairs separated by commas (e.g. --actions "
                f"RT=share,MT=mention,RE=reply); got {item!r}"
            )
        if code_of(action) is None:
            flipped = f" (VALUE=ACTION: did you mean {action}={raw}?)" if code_of(raw) else ""
            raise UserError(
                f"--actions: {action!r} (for {raw!r}) is no action{flipped}; allowed: "
                f"{ALLOWED_TEXT}"
            )
        if raw.lower() in {r.lower() for r in mapping}:
            raise UserError(f"--actions names the value {raw!r} twice")
        mapping[raw] = action
    return mapping


def delimiter(value: str | None) -> str | None:
    """``--delimiter``: one character; ``\\t`` or ``tab`` for a tab."""
    if value is None:
        return None
    char = _TABS.get(value, value)
    if len(char) != 1 or char in '"\r\n':
        raise UserError(
            f"--delimiter must be one character other than a quote or a line break (\\t or "
            f"tab for a tab); got {value!r}"
        )
    return char


def time(option: str, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise UserError(
            f"{option} must be epoch seconds or an ISO 8601 date-time such as "
            f"2024-05-01T09:00:00Z; got {value!r}"
        ) from None


def count(option: str, value: int) -> int:
    if value < 0:
        raise UserError(f"{option} must be a non-negative integer; got {value}")
    return value


def names(option: str, value: str | None) -> list[str] | None:
    if value is None:
        return None
    found = [v.strip() for v in value.split(",") if v.strip()]
    if not found and option == "--metrics":
        raise UserError(f"{option} must name at least one metric; got {value!r}")
    return found


def require_pyarrow(purpose: str) -> None:
    try:
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise UserError(f"{purpose} needs pyarrow: pip install pyarrow") from None


def out_path(value: str | None, inputs: dict[str, str | list[str] | None]) -> Path | None:
    """The ``--out`` path, checked: a known format, an existing folder, not an input file."""
    if value is None:
        return None
    path = Path(value)
    suffix = path.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise UserError(f"{path}: unknown output format {suffix!r}; use {', '.join(OUT_FORMATS)}")
    if suffix == ".parquet":
        require_pyarrow(f"writing {path.name}")
    if not path.parent.is_dir():
        raise UserError(f"no such directory: {path.parent}")
    for option, names in inputs.items():
        for name in [names] if isinstance(names, str) else names or ():
            if same_file(path, Path(name)):
                raise UserError(
                    f"--out {path} is the {option} file: refusing to overwrite it; write to "
                    "another file"
                )
    return path


def same_file(one: Path, other: Path) -> bool:
    try:
        if one.exists() and other.exists():
            return os.path.samefile(one, other)
        return one.resolve() == other.resolve()
    except OSError:
        return False


def scorer(config: str | None, trending: bool = False) -> Scorer:
    if trending and config is not None:
        raise UserError("--trending and --config are exclusive: give one scorer")
    if config is None:
        return Scorer.trending() if trending else Scorer()
    from influence.scoring.config import load_scorer

    try:
        return load_scorer(config)
    except ImportError as exc:  # TOML on Python 3.10 without tomli
        raise UserError(str(exc)) from None


# --------------------------------------------------------------------------- event files
def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    return _KINDS.get(Path(name.removesuffix(".gz")).suffix)


def _is_empty(path: Path) -> bool:
    """Nothing but white space (or a byte-order mark) in the file, once decompressed."""
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first = True
            while chunk := handle.read(1 << 16):
                if first and chunk.startswith(b"\xef\xbb\xbf"):
                    chunk = chunk[3:]
                first = False
                if chunk.strip():
                    return False
    except (OSError, EOFError):
        return False  # the reader says what is wrong with it
    return True


def _options(args: Any, kind: str, path: Path) -> dict[str, Any]:
    """The reader's keyword arguments from the command line's options."""
    reader_name = {"csv": "CSV", "tsv": "CSV", "jsonl": "JSON Lines", "parquet": "Parquet"}[kind]
    options: dict[str, Any] = {"errors": "skip" if args.skip_bad_rows else "raise"}
    mapping = columns(args.columns)
    if mapping:
        options["columns"] = mapping
    sep = delimiter(args.delimiter)
    if kind in ("csv", "tsv"):
        options["delimiter"] = sep or ("\t" if kind == "tsv" else ",")
    for flag, given in (("--delimiter", sep is not None), ("--no-header", args.no_header)):
        if given and kind not in ("csv", "tsv"):
            raise UserError(f"{flag} is for CSV files (.csv, .tsv); {path} is {reader_name}")
    if args.no_header:
        options["header"] = False
    if getattr(args, "dedupe", False):
        options["dedupe"] = True
    if args.action is not None:
        if kind == "parquet":
            raise UserError(f"--action is for CSV and JSON Lines files; {path} is Parquet")
        options["constants"] = {"action": args.action}
    renamed = action_values(getattr(args, "actions", None))
    if renamed:
        if kind == "parquet":
            raise UserError(f"--actions is for CSV and JSON Lines files; {path} is Parquet")
        options["actions"] = renamed
    return options


def _reader(kind: str, options: dict[str, Any]) -> Any:
    return {"jsonl": Events.read_jsonl, "parquet": Events.read_parquet}.get(kind, Events.read_csv)


def _missing_column_hint(message: str, kind: str, options: dict[str, Any]) -> str:
    """The library's missing-column message, its hint in command-line words."""
    found = re.search(r"lacks required column\(s\) (\[[^\]]*\])", message)
    row = re.search(r"field '(time|actor|action)' is missing", message)
    if found is None and row is not None:  # a JSON object without the key
        hint = f"--columns {row.group(1)}=KEY names the key that holds it"
        if row.group(1) == "action":
            hint += "; --action ACTION gives every row one (e.g. --action mention)"
        return f"{message}; on the command line, {hint}"
    if found is None:
        return message
    at = message.find("columns=")
    if at >= 0:  # the library's hint names columns= for Python: say it as options
        cut = max(message.rfind(". ", 0, at), message.rfind("; ", 0, at))
        message = message[:cut] if cut >= 0 else message
    try:
        missing = [str(c) for c in ast.literal_eval(found.group(1))]
    except (ValueError, SyntaxError):
        missing = []
    inverse = {column: field for field, column in (options.get("columns") or {}).items()}
    fields = [f for f in (inverse.get(c, c) for c in missing) if f in FIELDS]
    fields = fields or ["time", "actor", "action"]
    hints = [
        "map event fields to your columns with --columns " + ",".join(f"{f}=COLUMN" for f in fields)
    ]
    if "action" in fields:
        hints.append("give every row one action with --action ACTION (e.g. --action mention)")
    if kind in ("csv", "tsv") and options.get("header", True):
        hints.append("read a file without a header row with --no-header (columns 1, 2, ...)")
    return f"{message}. On the command line: {'; or '.join(hints)}"


def plan(args: Any, path: Path) -> tuple[str, dict[str, Any]]:
    """The format of event file *path* and its reader's options, checked before any file
    is read (a missing file, an unknown format, an option the format does not take)."""
    kind = _kind(path) if path.is_file() else None
    if not path.exists():
        raise UserError(f"no such file: {path}")
    if not path.is_file():
        raise UserError(f"not a file: {path}")
    if kind is None and getattr(args, "delimiter", None) is not None:
        kind = "csv"  # delimited text under another name (.txt, .dat, .edges): as told
    if kind is None and path.suffix.lower() == ".npz":
        raise UserError(
            f"{path}: a saved scores or scoring-state file (.npz), not events; event files "
            f"are {EVENT_FORMATS}"
        )
    if kind is None:
        raise UserError(
            f"{path}: unknown format; use {EVENT_FORMATS}, or give --delimiter to read "
            "delimited text under another name (e.g. --delimiter ' ' --no-header)"
        )
    options = _options(args, kind, path)  # a mistake in them first, pyarrow or not
    if kind == "parquet":
        require_pyarrow(f"reading {path.name}")
    return kind, options


def read_file(
    args: Any,
    path: Path,
    planned: tuple[str, dict[str, Any]],
    known_posts: Events | None = None,
    *,
    known_as: str = "",
    several: bool = False,
) -> Events:
    """One event file's events, read as :func:`plan` says; mistakes as one-line errors.

    *known_posts* gives the target of rows that name only a parent post made before the
    file (the readers' ``known_posts``), *known_as* says what they are in a message (the
    files before it, the state's events). Among *several* files an empty one is a warning
    (the others may hold events)."""
    allow = bool(getattr(args, "allow_empty", False)) or several
    kind, options = planned[0], dict(planned[1])
    reader = _reader(kind, options)
    if kind != "parquet" and _is_empty(path):
        empty(f"{path}: the file is empty", allow)
        return Events.from_records([])
    try:
        if known_posts is not None:
            options["known_posts"] = known_posts
        events: Events = reader(path, **options)
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (InvalidEventError, ValueError) as exc:  # a bad row, column or file
        raise UserError(_read_error(str(exc), path, kind, options, known_as, several)) from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise UserError(f"{path}: not a readable gzip file ({exc})") from None
    if not len(events):
        if events.rejected:
            n = len(events.rejected)
            empty(
                f"{path}: every row was set aside ({n:,} row{'' if n == 1 else 's'}: "
                f"{events.report()}); nothing to score",
                allow,
            )
        else:
            what = "a header and no rows" if kind in ("csv", "tsv") and not args.no_header else ""
            empty(f"{path}: no events in the file{f' ({what})' if what else ''}", allow)
    return events


def _read_error(
    message: str, path: Path, kind: str, options: dict[str, Any], known_as: str, several: bool
) -> str:
    """A reader's message in command-line words, prefixed by the file (the library's
    hints name Python parameters)."""
    both = re.search(r"event field '(\w+)' is both read from column '([^']*)' and", message)
    if both is not None:  # --action beside the column read by default
        field, column = both.groups()
        if options.get("header", True) is False:
            return (
                f"{path}: --{field} gives every row its {field}, but without a header column "
                f"{column} is read as the {field} (columns by position: "
                f"{', '.join(FIELDS[:4])}); say where the other fields are with --columns "
                "(e.g. --columns time=1,actor=2,target=3)"
            )
        return (
            f"{path}: --{field} gives every row its {field}, but the file has a column "
            f"{column!r} that holds it: drop --{field} to read that column"
        )
    if re.search(r"lacks required column.*; has \['user', 'score'", message):
        return (
            f"{path}: a file of scores (user, score, parts: what --out writes), not events; "
            f"event files have the columns time, actor, action and the rest"
        )
    text = _missing_column_hint(message, kind, options)
    if several and "the header lacks required column" in text:
        text += (
            "; the reading options apply to every file, so the files must agree (all with a "
            "header row, or all without, the columns in the same places)"
        )
    if "nor among the known posts" in text:  # a parent in no file read so far
        text = text.replace("nor among the known posts", f"nor in {known_as}")
        text += (
            "; if it was posted in a later file, name that file before this one" if several else ""
        )
    text = text.replace(
        "if it was posted in an earlier table, read these rows with known_posts=that table",
        "if it was posted in another file, name that file before this one"
        if several
        else "if it was posted in an earlier file, name both files (that one first), or "
        "fit a state on that file and give this one to `influence update`",
    )
    return text if text.startswith(str(path)) else f"{path}: {text}"


def before_first(option: str, moment: float | None, events: Events) -> str | None:
    """The message when *moment* comes before every event, else None."""
    if moment is None or events.start is None or moment >= events.start:
        return None
    return (
        f"{option} {format_time(moment)} is before the first event "
        f"({format_time(events.start)}): nobody to score"
    )


def set_aside(events: Events) -> None:
    """Say how many rows were set aside, by kind (the rows kept but counted in the
    report, exact duplicates and far-future rows, said apart)."""
    if events.rejected:
        n = len(events.rejected)
        kept = {k: v for k, v in events.report().items() if k.endswith("(kept)")}
        aside = {k: v for k, v in events.report().items() if k not in kept}
        also = f"; kept, and counted: {printable(kept)}" if kept else ""
        print(f"\n{n:,} row{'' if n == 1 else 's'} set aside: {printable(aside)}{also}")
