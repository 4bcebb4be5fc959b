"""The command line's event files: one file, or several read in order as one log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from influence.events.base import COLUMNS
from influence.events.concat import concat
from influence.events.table import Events
from influence.events.views import repeated
from influence.kernels import plural

from . import _inputs as inputs
from ._inputs import UserError
from ._text import printable


def event_files(args: Any) -> list[str]:
    """The EVENTS argument as a list of paths (one file, or several read as one log)."""
    return list(args.events) if isinstance(args.events, (list, tuple)) else [args.events]


def files_shown(args: Any) -> str:
    """The event files as printed in a message: the path, or ``N event files (a, b, ...)``."""
    return files_shown_of(event_files(args))


def read_events(args: Any, known_posts: Events | None = None) -> Events:
    """The events of ``args.events``, read as the options say; mistakes as one-line errors.

    Several files are one log. Every file is checked (it exists, its format, the options
    it takes) before any is read; then each is read, and all are joined at once
    (:func:`~influence.events.concat.concat`, with ``--dedupe`` across the files too),
    equal to reading every row at once. A file with an answer naming only a parent post
    it does not hold is read again with the files before it as its known posts (the
    post's author is the target). A file named twice is refused; a file 10% or more of
    whose events equal events of the files before it (the same file under two names) is
    counted, as one file holding both would count it, with a warning; an empty file
    among several is a warning, and only no events in all of them stops. *known_posts*
    (a state's events) gives the target of rows that name only a parent post made
    before the files, and is known to every file read again.

    Cost: linear in the files and their rows, but for files read again (each of those
    costs a join of the files before it).
    """
    files = event_files(args)
    seen: dict[object, str] = {}
    for name in files:
        key = _identity(Path(name))
        if key in seen:
            same = "" if seen[key] == name else f" (the same file as {printable(seen[key])})"
            raise UserError(
                f"{printable(name)} is named twice among the event files{same}: its events "
                "would count twice; name each file once"
            )
        seen[key] = name
    planned = [inputs.plan(args, Path(name)) for name in files]
    if len(files) == 1:
        return inputs.read_file(
            args, Path(files[0]), planned[0], known_posts, known_as="the state's events"
        )
    dedupe = bool(getattr(args, "dedupe", False))
    tables: list[Events] = []
    # What a file read again knows: the state's events and the files before it, joined
    # (with how many files), extended as later files want it.
    earlier: tuple[int, Events] | None = None if known_posts is None else (0, known_posts)
    for name, plan in zip(files, planned):
        table = _first_read(args, name, plan, bool(tables) or known_posts is not None)
        if table is None:  # an answer to a post of an earlier file: read again, knowing them
            if earlier is None or earlier[0] < len(tables):
                done, joined = earlier or (0, None)
                rest = tables[done:] if joined is None else [joined, *tables[done:]]
                earlier = (len(tables), _known(rest, files[: len(tables)], known_posts, dedupe))
            known_as = " and ".join(
                ([] if known_posts is None else ["the state's events"])
                + (["the files before it"] if tables else [])
            )
            table = inputs.read_file(
                args, Path(name), plan, earlier[1], known_as=known_as, several=True
            )
        tables.append(table)
    read = _joined(tables, files, dedupe)
    dropped = sum(map(len, tables)) - len(read)
    if dropped:  # only --dedupe drops rows
        print(
            f"influence: --dedupe dropped {plural(dropped, 'row')} equal in every field to a "
            "row of another file",
            file=sys.stderr,
        )
    if not dedupe:
        for name, table, again in zip(files, tables, _repeated(tables)):
            if again and 10 * again >= len(table):  # not a few genuine repeats at a boundary
                print(
                    f"influence: warning: {printable(name)}: {again:,} of the file's "
                    f"{plural(len(table), 'event')} equal events of the files before it: "
                    "they count twice (a file sent again? --dedupe keeps one of the rows "
                    "equal in every field)",
                    file=sys.stderr,
                )
    if not len(read):
        inputs.empty(
            f"{files_shown(args)}: no events in the files", bool(getattr(args, "allow_empty", 0))
        )
    return read


def _identity(path: Path) -> object:
    """What names one file: its device and inode (a link, ``./a.csv`` and ``a.csv`` are
    one), or its resolved path where the file cannot be read."""
    try:
        status = path.stat()
        return (status.st_dev, status.st_ino)
    except OSError:
        return str(path.resolve())


def _first_read(args: Any, name: str, plan: Any, after: bool) -> Events | None:
    """File *name*'s events read on their own, or ``None`` when a file read *after*
    others (or a state's events) has answers naming only a parent post that it does not
    hold (set aside or refused): those want what came before it."""
    try:
        table = inputs.read_file(args, Path(name), plan, several=True)
    except UserError as exc:
        if after and "is not a post in the data" in str(exc):
            return None
        raise
    if after and any(r.kind == "unresolved target" for r in table.rejected):
        return None
    return table


def _joined(tables: list[Events], files: list[str], dedupe: bool) -> Events:
    """The files' *tables* as one table; a post created in two files names the later."""
    try:
        return concat(tables, dedupe=dedupe)
    except ValueError as exc:
        if "in more than one of the tables" not in str(exc):
            raise UserError(f"{files_shown_of(files)}: {exc}") from None
    read = tables[0]
    for name, table in zip(files[1:], tables[1:]):  # which file: only when one is refused
        try:
            read = concat([read, table], dedupe=dedupe)
        except ValueError as exc:
            text = _twice(str(exc), "in this file and in an earlier one", dedupe)
            raise UserError(f"{printable(name)}: {text}") from None
    return read  # pragma: no cover - the join of all refused what the pairs accept


def _known(
    rest: list[Events], files: list[str], known_posts: Events | None, dedupe: bool
) -> Events:
    """What a file read again knows: *rest* (the state's events, the *files* read before
    it), joined."""
    try:
        return rest[0] if len(rest) == 1 else concat(rest, dedupe=dedupe)
    except ValueError as exc:  # a post of the files before created twice
        where = "twice, in the state's events and" if known_posts is not None else "in two of"
        raise UserError(
            f"{files_shown_of(files)}: " + _twice(str(exc), f"{where} these files", dedupe)
        ) from None


def _twice(message: str, where: str, dedupe: bool) -> str:
    """The join's refusal of posts created twice, *where* said in command-line words."""
    text = message.split(";")[0].replace("in more than one of the tables", where)
    return (
        text
        + "; a post is created once"
        + ("" if dedupe else " (--dedupe keeps one of the rows equal in every field)")
    )


def files_shown_of(files: list[str]) -> str:
    """*files* as printed in a message (:func:`files_shown`)."""
    if len(files) == 1:
        return printable(files[0])
    head = ", ".join(printable(name) for name in files[:2])
    return f"{len(files)} event files ({head}{', ...' if len(files) > 2 else ''})"


def _repeated(tables: list[Events]) -> list[int]:
    """Per table, how many of its events equal, in every field, an event of a table before
    it (rows repeated within one table alone are not counted: a log may hold them).

    Only rows within the time span where a table meets the tables before it can repeat
    theirs: files of consecutive days meet at most at a tie on their boundary, and cost
    nothing more. Those rows go into one table, each tagged by its table (as a trust in
    ``[0, 1]`` that grows with the table's position):
    rows equal in every field lie together in the canonical order, so a row repeats an
    earlier table's when a row of its run has a smaller tag.
    """
    spans = [(t.start, t.end) for t in tables]
    count = len(tables)
    latest = [-np.inf] * count  # the latest time of the tables before each
    earliest = [np.inf] * count  # the earliest time of the tables after each
    for k in range(1, count):
        end = spans[k - 1][1]
        latest[k] = max(latest[k - 1], -np.inf if end is None else end)
    for k in range(count - 2, -1, -1):
        start = spans[k + 1][0]
        earliest[k] = min(earliest[k + 1], np.inf if start is None else start)
    parts = []
    for k, table in enumerate(tables):  # rows in time order: the near ones by two searches
        lo = int(np.searchsorted(table.time, latest[k], side="right"))
        hi = max(lo, int(np.searchsorted(table.time, earliest[k], side="left")))
        if lo or hi < len(table):
            near = np.ones(len(table), dtype=bool)
            near[lo:hi] = False
            part = table.select(near)
            parts.append(part.with_trust(np.full(len(part), k / (count - 1))))  # in [0, 1]
    if len(parts) < 2:
        return [0] * count
    both = concat(parts)
    assert both.trust is not None
    run = np.cumsum(~repeated([getattr(both, name) for name in COLUMNS])) - 1
    first = np.full(int(run[-1]) + 1, np.inf)
    np.minimum.at(first, run, both.trust)
    later = both.trust > first[run]
    table = np.rint(both.trust[later] * (count - 1)).astype(np.int64)
    return [int(n) for n in np.bincount(table, minlength=count)]


def held_already(kept: Events, new: Events) -> int:
    """How many of *new*'s events equal, in every field, an event *kept* already holds
    (:func:`_repeated` of the two: a day's file that starts after the kept events costs
    nothing)."""
    return _repeated([kept, new])[1]
