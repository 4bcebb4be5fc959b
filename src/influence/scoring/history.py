"""Scores over time: a scorer's scores at each date of a grid, sharing the work across dates."""

from __future__ import annotations

import datetime
import math
import re
import threading
from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from influence import _progress
from influence._time import DAY
from influence.components.base import Evidence
from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.scoring.history_result import History
from influence.scoring.history_windows import WindowCutter
from influence.scoring.scores import Scores, user_list

__all__ = ["MAX_DATES", "every_seconds", "history", "history_dates", "windows"]

#: The most dates one history may hold: each date is one scoring.
MAX_DATES = 10_000
#: Units of ``every`` given as text, in seconds.
UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0, "D": DAY, "W": 7 * DAY}
_EVERY = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*$", re.IGNORECASE)
#: Unit spellings read by :func:`every_seconds` (any case), as pandas and people write them.
_SPELLINGS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("min", "mins", "minute", "minutes", "t"), "min"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("d", "day", "days"), "D"),
    **dict.fromkeys(("w", "week", "weeks"), "W"),
}


class _Scorer(Protocol):
    """What :func:`history` needs of a :class:`~influence.Scorer`."""

    @property
    def lookback_days(self) -> float: ...

    def _scores(self, window: Events, when: float | None, t: float) -> Scores: ...


def every_seconds(owner: str, every: Any) -> float:
    """The step *every* in seconds: text such as ``"1D"``, ``"7D"``, ``"12h"``, ``"30min"``
    (units s, min, h, D, W in any case, or their words: ``"1 day"``, ``"2 weeks"``), a
    :class:`datetime.timedelta` or a number of seconds; positive.

    Examples
    --------
    >>> every_seconds("Scorer.history", "12h"), every_seconds("Scorer.history", 60)
    (43200.0, 60.0)
    >>> every_seconds("Scorer.history", "1d"), every_seconds("Scorer.history", "2 weeks")
    (86400.0, 1209600.0)
    >>> every_seconds("Scorer.history", "1 month")
    Traceback (most recent call last):
    ...
    ValueError: The 'every' parameter of Scorer.history must be a positive duration: ...
    """
    seconds = math.nan
    if isinstance(every, str):
        found = _EVERY.match(every)
        unit = _SPELLINGS.get(found.group(2).lower()) if found else None
        if found and unit is not None:
            seconds = float(found.group(1)) * UNITS[unit]
    elif isinstance(every, datetime.timedelta):
        seconds = every.total_seconds()
    elif isinstance(every, (int, float, np.integer, np.floating)) and not isinstance(
        every, (bool, np.bool_)
    ):
        seconds = float(every)
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(
            f"The 'every' parameter of {owner} must be a positive duration: text such as "
            f"'1D', '7D', '12h' or '30min' (units {', '.join(UNITS)}), a datetime.timedelta "
            f"or a number of seconds. Got {every!r} instead."
        )
    return seconds


def history_dates(
    owner: str, events: Events, start: Any, end: Any, every: float
) -> NDArray[np.float64]:
    """The dates of a history: *end*, then a step of *every* seconds back while at or
    after *start*, oldest first.

    *end* defaults to the latest event's time and *start* to the first event's (never
    the clock); with a default *end*, a :class:`~influence.FarFutureWarning` says when the
    latest events stand far beyond the bulk of the log. No dates for an empty table
    without *end*.
    """
    last = None if end is None else to_epoch(end, name="end")
    if last is None:
        warn_far_future(events, parameter="end", option="--end")
        last = events.end
    first = None if start is None else to_epoch(start, name="start")
    if last is None:
        return np.zeros(0)
    if first is None:
        first = last if events.start is None else min(events.start, last)
    if first > last:
        raise ValueError(
            f"The 'start' parameter of {owner} must be at or before 'end' "
            f"({format_time(last)}). Got {start!r} ({format_time(first)}) instead."
        )
    if events.start is not None and last < events.start:
        raise ValueError(
            f"The 'end' parameter of {owner} must be at or after the first event "
            f"({format_time(events.start)}): before it nobody has an event to be scored by. "
            f"Got {end!r} ({format_time(last)}) instead."
        )
    count = math.floor((last - first) / every + 1e-9) + 1
    if count > MAX_DATES:
        raise ValueError(
            f"The 'every' parameter of {owner} gives {count:,} dates from {format_time(first)} "
            f"to {format_time(last)}; at most {MAX_DATES:,} are allowed (each date is one "
            f"scoring). Got {every:g} seconds; choose a longer step or a shorter span."
        )
    return np.asarray(last - every * np.arange(count)[::-1], dtype=np.float64)


def windows(
    events: Events, dates: NDArray[np.float64], lookback_days: float
) -> list[tuple[int, int]]:
    """Per date, the rows ``[first, stop)`` of *events* its scores read: those at or
    before the date and, for a finite lookback, after ``date - lookback_days``.

    The table is in time order, so each window is a contiguous slice; two searches
    of the sorted times per date. No part reads an older row, even through a post's id
    (:func:`influence.kernels.post_answers` reads answers within a part's lookback).
    """
    stop = np.searchsorted(events.time, dates, side="right")
    if math.isinf(lookback_days):
        first = np.zeros_like(stop)
    else:
        first = np.searchsorted(events.time, dates - lookback_days * DAY, side="right")
    return list(zip(first.tolist(), stop.tolist()))


def history(
    scorer: _Scorer,
    events: Events,
    start: Any = None,
    end: Any = None,
    every: Any = "1D",
    *,
    users: Iterable[object] | None = None,
    keep_evidence: bool = False,
    progress: _progress.Progress = "auto",
) -> History:
    r"""A scorer's scores at every date from *start* to *end*, *every* apart.

    At each date :math:`d` the result holds exactly the scores of
    ``scorer.score(events, as_of=d)``: every user with an event at or before
    :math:`d`, with the same parts and evidence (equal to 1e-9; events after
    :math:`d` never change them). :meth:`Scorer.history <influence.Scorer.history>`
    calls this.

    **How the work is shared.** The table is sorted by time once, when it is built,
    so each date's window is a contiguous slice found by two binary searches: the
    events in :math:`(d - L, d]`, :math:`L` the scorer's
    :attr:`~influence.Scorer.lookback_days` (the longest history any of its parts
    reads, 180 days in the house scorer), over the users with an event at or before
    :math:`d` (so the scored users are those of ``score``). Events older than
    :math:`d - L` are never read: a daily history of a long log costs each date one
    scoring of :math:`L` days, not of everything before it. The windows are cut from
    the table by one :class:`~influence.scoring.history_windows.WindowCutter`, which
    finds once where each id is first named, so a date's ids cost a comparison per id
    and its columns a slice (a gather where ids are renumbered). Consecutive dates whose
    window holds the same rows share one table, and with it the work its
    :attr:`Events.memo <influence.Events.memo>` keeps that does not depend on the
    date. Each date is still one scoring of its window: on a log shorter than
    :math:`L`, :math:`n` dates cost about :math:`n/2` scorings of the whole log
    (docs/history.md measures it).

    Parameters
    ----------
    scorer : Scorer
    events : Events
    start : float, datetime or str, optional
        The earliest date; default the first event's time.
    end : float, datetime or str, optional
        The last date; default the latest event's time (never the wall clock), with
        a :class:`~influence.FarFutureWarning` when the latest events stand far
        beyond the bulk of the log. The dates are *end*, *end* minus *every*, ... back
        to *start*.
    every : str, timedelta or float, default "1D"
        The step: ``"1D"``, ``"7D"``, ``"12h"``, ``"30min"`` (units s, min, h, D, W),
        a :class:`datetime.timedelta` or seconds. At most :data:`MAX_DATES` dates.
    users : collection of user ids, optional
        Keep only these users' scores, parts and evidence at each date
        (:meth:`Scores.only <influence.Scores.only>`): every date is scored as before,
        but the history holds dates times these users, not dates times everyone
        (about 70 bytes per user and date with the house scorer, 330 with
        *keep_evidence*). Each must have an event in *events*.
    keep_evidence : bool, default False
        Keep every date's evidence (what :meth:`Scores.explain
        <influence.Scores.explain>` quotes) as it is scored: about 330 bytes per user
        and date with the house scorer, where the scores and parts alone take about 70.
        By default a date keeps its scores and parts, and its evidence is scored again
        the first time it is read (``explain``, ``evidence``, ``components``,
        :meth:`History.rising <influence.scoring.history_result.History.rising>`, which
        reads two dates): one scoring of that date's window, bitwise the same evidence
        as long as the scorer's components are as they were (built-in ones cannot
        change; keep the evidence when a custom one may), then kept with the date.
    progress : {"auto", True, False}, default "auto"
        A bar over the dates (``"auto"``: when the windows hold 5M events or more).

    Returns
    -------
    History

    Raises
    ------
    ValueError
        For a bad *every*, *start* after *end*, more than :data:`MAX_DATES` dates, or
        *users* naming a user with no event; the message names the parameter, what it
        allows and what was given.
    TypeError
        When *users* is one text id rather than a collection of them.

    See Also
    --------
    influence.Scorer.score : one date.
    influence.scoring.history_result.History : the result: long table, deltas, rising.

    References
    ----------
    .. [1] A. Rao et al., "Klout score: Measuring influence across multiple social
       networks", IEEE Big Data 2015 (daily scores and their day, week and month
       changes).

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> day = 86_400
    >>> ev = Events.from_records([
    ...     {"time": d * day, "actor": f"fan{d}", "action": "like", "target": "ann"}
    ...     for d in range(10)])
    >>> history = Scorer().history(ev, start=5 * day, every="2D")
    >>> [round(t / day) for t in history.dates]
    [5, 7, 9]
    >>> history.scores_at(7 * day)["ann"] == Scorer().score(ev, as_of=7 * day)["ann"]
    True
    """
    owner = "Scorer.history"
    if not isinstance(events, Events):
        raise TypeError(
            f"events must be an influence.Events; got {type(events).__name__}. "
            "Build one with Events.from_pandas, from_records, from_arrays, from_arrow or "
            "read_csv."
        )
    watched = None if users is None else _watched(owner, events, users)
    if not isinstance(keep_evidence, (bool, np.bool_)):
        raise TypeError(
            f"The 'keep_evidence' parameter of {owner} must be True or False. "
            f"Got {keep_evidence!r} instead."
        )
    step = every_seconds(owner, every)
    dates = history_dates(owner, events, start, end, step)
    spans = windows(events, dates, scorer.lookback_days)
    work = sum(stop - first for first, stop in spans)
    shown = _progress.wanted(progress, big=work >= _progress.EVENTS_WORK, owner=owner)
    out: list[Scores] = []
    cutter = WindowCutter(events)
    window, held = events, (-1, -1)
    for when, (first, stop) in _progress.progress(
        list(zip(dates.tolist(), spans)), shown, "history"
    ):
        if (first, stop) != held:
            window, held = cutter.window(first, stop), (first, stop)
        scores = scorer._scores(window, when, when)
        if watched is not None:
            scores = scores.only(watched)
        if not keep_evidence:
            again = _Rescore(scorer, cutter, (first, stop), when, watched)
            scores = scores._replaced(evidence=again)
        out.append(scores)
    return History(dates=dates, scores=tuple(out), every=step, events=events)


#: One re-cut of a window at a time, whichever history's (a cutter keeps its latest cut).
_CUTTING = threading.Lock()


class _Rescore:
    """A history date's evidence, scored again from its window when first read.

    Scoring is deterministic (each stage's components are combined in their order, on
    any number of threads), so the evidence is bitwise what the date's scoring gave, as
    long as the scorer's components are as they were (the built-in ones cannot change).
    The dates of one history share their :class:`WindowCutter`, one re-cut at a time;
    a date is scored once, whoever reads it first (threads wait for it), and what it gave
    is kept for the other readers of this loader (:meth:`Scores.only
    <influence.Scores.only>` of the date not yet read). It pickles as it is (``portable``:
    a pickled history stays unscored), with its scorer, cutter and date.
    """

    __slots__ = ("_cutter", "_done", "_once", "_scorer", "_span", "_watched", "_when")
    portable = True

    def __init__(
        self,
        scorer: _Scorer,
        cutter: WindowCutter,
        span: tuple[int, int],
        when: float,
        watched: list[object] | None,
    ) -> None:
        self._scorer, self._cutter = scorer, cutter
        self._span, self._when, self._watched = span, when, watched
        self._once = threading.Lock()
        self._done: tuple[Evidence, ...] | None = None

    def __call__(self) -> tuple[Evidence, ...]:
        with self._once:
            if self._done is None:
                with _CUTTING:
                    window = self._cutter.window(*self._span)
                scores = self._scorer._scores(window, self._when, self._when)
                if self._watched is not None:
                    scores = scores.only(self._watched)
                self._done = tuple(scores.evidence.values())
            return self._done

    def __reduce__(self) -> tuple[type[_Rescore], tuple[Any, ...]]:
        return (_Rescore, (self._scorer, self._cutter, self._span, self._when, self._watched))


def _watched(owner: str, events: Events, users: Iterable[object]) -> list[object]:
    """*users* as a list, each one a user of *events*."""
    watched = user_list(owner, users)
    found = events.users.indices(np.asarray(watched, dtype=object)).tolist() if watched else []
    absent = [u for u, k in zip(watched, found) if k < 0]
    if absent:
        shown = ", ".join(repr(u) for u in absent[:5]) + (", ..." if len(absent) > 5 else "")
        raise ValueError(
            f"The 'users' parameter of {owner} must name users with an event in the log; "
            f"{len(absent)} of them have none: {shown}."
        )
    return watched
