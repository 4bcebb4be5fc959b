"""Command line: ``influence demo``, ``score``, ``validate``, ``history`` and ``select``.

A mistake in the command's inputs (a missing file or column, an unknown
extension, a bad row, a bad configuration or time, nothing to score) prints one
line on stderr, ``influence: error: ...``, and exits with code 2; a mistake in
the command line's syntax prints argparse's usage and exits with code 2 as well.
Everything printed is escaped (:func:`printable`): ids come from the people
being scored. A run stopped by SIGTERM or SIGHUP (or Ctrl-C) unwinds as an
exception, so that no temporary output file is left behind, and exits with
128 + the signal's number.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from types import FrameType

from influence.campaign.forecast import ForecastWarning
from influence.exceptions import (
    ConvergenceWarning,
    FarFutureWarning,
    HorizonWarning,
    InvalidEventError,
)

from ._inputs import UserError
from ._parser import build_parser
from ._text import one_line, printable

__all__ = ["Stopped", "UserError", "build_parser", "main", "printable"]

_one_line = one_line  # the name the tests have always used

#: Warnings the library gives about the user's inputs, shown as ``influence: warning: ...``.
_OURS = (HorizonWarning, ConvergenceWarning, FarFutureWarning, ForecastWarning)

#: The signals that stop a run cleanly (those the platform has).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(BaseException):
    """A stop signal, raised where the run is so that ``finally`` blocks clean up.

    A ``BaseException``, as :class:`KeyboardInterrupt` is: no ``except Exception``
    on the way up swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Stopped` (once; later ones are
    ignored while the run cleans up). A signal the caller ignores (``nohup``) stays ignored;
    outside the main thread nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Stopped(signum)

    previous = {}
    for number in STOP_SIGNALS:
        if signal.getsignal(number) is not signal.SIG_IGN:
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``influence`` console script and ``python -m influence``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 on success, 2 for a mistake in the inputs, 128 + the
        signal's number when stopped by SIGTERM or SIGHUP, 130 on Ctrl-C.

    Examples
    --------
    >>> from influence.cli import main
    >>> main(["score", "no-such-file.csv"])  # the error goes to stderr
    2
    """
    args = _parsed(argv)
    with stop_signals_raise():
        try:
            return _run(args)
        except Stopped as exc:
            print(f"influence: stopped by {signal.Signals(exc.signum).name}", file=sys.stderr)
            return 128 + exc.signum
        except KeyboardInterrupt:
            print("influence: interrupted", file=sys.stderr)
            return 130


def _parsed(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line's arguments. Event files given after an option
    (``score a.csv --top 3 b.csv``) are event files still, in their order: argparse
    takes only the first run of them, and its intermixed parsing does not work with
    commands."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    stray = [value for value in extra if not value.startswith("-")]
    if extra and len(stray) == len(extra) and isinstance(getattr(args, "events", None), list):
        args.events += stray
        return args
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


#: Library warnings' advice in command-line words.
_OPTIONS = {"pass horizon_days to choose": "give --horizon DAYS to choose"}


def _run(args: object) -> int:
    with warnings.catch_warnings(record=True) as caught:
        for category in _OURS:
            warnings.simplefilter("always", category)
        try:
            with _bars_on_terminals_only():
                code = int(args.func(args))  # type: ignore[attr-defined]
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
            _silence_stdout()
            code = 128 + 13  # as if stopped by SIGPIPE
        except (UserError, InvalidEventError, OSError, ValueError) as exc:
            print(f"influence: error: {one_line(exc)}", file=sys.stderr)
            code = 2
    for found in caught:  # ours as one line each; anything else as Python would show it
        if issubclass(found.category, _OURS):
            text = one_line(found.message)
            for python, option in _OPTIONS.items():  # the library's words name parameters
                text = text.replace(python, option)
            print(f"influence: warning: {text}", file=sys.stderr)
        else:
            warnings.warn_explicit(found.message, found.category, found.filename, found.lineno)
    return code


@contextlib.contextmanager
def _bars_on_terminals_only() -> Iterator[None]:
    """Progress bars off while standard error is not a terminal (a log file, a pipe), as
    ``INFLUENCE_PROGRESS=0`` turns them off; the variable is put back afterwards, and one
    the user set is left alone."""
    name = "INFLUENCE_PROGRESS"
    terminal = getattr(sys.stderr, "isatty", lambda: False)()
    if terminal or name in os.environ:
        yield
        return
    os.environ[name] = "0"
    try:
        yield
    finally:
        os.environ.pop(name, None)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit, into the
    closed pipe, raises nothing more."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
