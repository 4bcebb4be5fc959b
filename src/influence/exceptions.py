"""Exceptions and warnings raised by :mod:`influence`."""

from __future__ import annotations

__all__ = [
    "ConvergenceWarning",
    "FarFutureWarning",
    "HorizonWarning",
    "InvalidEventError",
    "LookbackWarning",
]


class InvalidEventError(ValueError):
    """An input row cannot be read as an event.

    The message names the row (or file line), the field, the value given and
    what is allowed. The same facts are attributes, for programs.

    Attributes
    ----------
    row : int
        Position of the row in the input (0-based), or the 1-based line number
        for files read with :meth:`Events.read_csv` / :meth:`Events.read_jsonl`.
    field : str
        The offending field (``"time"``, ``"actor"``, ``"action"``, ...).
    value : object
        The value given.
    kind : str
        A short, stable category such as ``"unknown action"``; the keys of
        :meth:`Events.report`.
    """

    def __init__(self, message: str, *, row: int, field: str, value: object, kind: str) -> None:
        super().__init__(message)
        self.row = row
        self.field = field
        self.value = value
        self.kind = kind


class ConvergenceWarning(UserWarning):
    """An iterative computation stopped before reaching its tolerance."""


class HorizonWarning(UserWarning):
    """An evaluation's future window ends after the last event of the log.

    What users receive in it may be cut short by the end of the data, so the
    truth, and every metric measured against it, understate the future.
    """


class FarFutureWarning(UserWarning):
    """The latest events, the default ``as_of``, stand far beyond the bulk of the log.

    One row dated centuries ahead (a typo, a time in milliseconds read as
    seconds) would move the default scoring time past every real event, so that
    every real user scores 0. The message names the rows and the time to pass as
    ``as_of`` instead; passing ``as_of`` silences it. The rule is in
    :mod:`influence.events.outliers`.
    """


class LookbackWarning(UserWarning):
    """A window read for scoring holds less history than the scorer reads.

    :func:`influence.engines.read_duckdb` and :func:`~influence.engines.read_spark`
    give it, naming each part and the days it needs, when ``days`` is shorter
    than :attr:`influence.Scorer.lookback_days` of the ``scorer`` they were
    given: scores of such a window may differ from those of the whole log.
    """
