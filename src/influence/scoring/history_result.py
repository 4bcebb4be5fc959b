"""History: every user's scores and parts at each date, their changes and who rose most."""

from __future__ import annotations

import html
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence._time import DAY
from influence.events.actions import POST
from influence.events.ids import IdIndex
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.kernels import plural
from influence.scoring.explanation import shown_id
from influence.scoring.scores import Scores

__all__ = ["History", "Rise", "duration_text"]

#: A part "moved" when it changed by at least this many points (what one decimal shows).
MOVED = 0.05
#: The changes the notebook display shows: Klout's day, week and month.
SHOWN_DELTAS = ((1, "day"), (7, "week"), (30, "month"))


def duration_text(seconds: float) -> str:
    """*seconds* in the largest whole unit: ``"1 day"``, ``"12 hours"``, ``"90 s"``."""
    for unit, size in (("week", 7 * DAY), ("day", DAY), ("hour", 3600.0), ("min", 60.0)):
        count = seconds / size
        if count >= 1 and float(count).is_integer():
            suffix = "s" if count != 1 and unit != "min" else ""
            return f"{count:g} {unit}{suffix}"
    return f"{seconds:g} s"


def _shown_id(user: object) -> str:
    """A user id as printed text: ``repr`` (quotes, control characters escaped) of its
    displayed form (:func:`~influence.scoring.explanation.shown_id`: a very long id is cut)."""
    return repr(shown_id(user)) if isinstance(user, str) else repr(user)


@dataclass(frozen=True)
class Rise:
    """One user's change of score over a period, with the parts that moved and why.

    Attributes
    ----------
    user : int or str
    before, after : float
        The score at the start and at the end of the period.
    change : float
        ``after - before``.
    parts : dict of str to float
        Each part's change in points (they add up to :attr:`change`).
    reasons : tuple of str
        One sentence per part that moved by 0.05 points or more, biggest move first:
        the change, the part, and :meth:`Scores.explain <influence.Scores.explain>`'s
        reason at the end of the period, then at its start (``was: ...``).
    """

    user: Any
    before: float
    after: float
    change: float
    parts: dict[str, float]
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        head = f"{_shown_id(self.user)}: {self.before:.1f} -> {self.after:.1f} ({self.change:+.1f})"
        return "\n".join([head, *(f"  {reason}" for reason in self.reasons)])


class History:
    """Every user's score and parts at each date: the :class:`~influence.Scores` of
    :meth:`Scorer.score <influence.Scorer.score>` at each date, with their changes.

    Produced by :meth:`Scorer.history <influence.Scorer.history>`; immutable. A user is
    in a date's scores when they have an event at or before it, as in ``score``.

    Memory grows with dates times users: each date keeps its users, scores and parts
    (about 70 bytes per user and date with the house scorer). The evidence that
    :meth:`Scores.explain <influence.Scores.explain>` reads is scored again, bitwise the
    same, the first time a date's is read (one scoring of that date's window), then kept
    with the date; ``Scorer.history(..., keep_evidence=True)`` keeps every date's as it
    is scored (about 330 bytes per user and date in all).

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> day = 86_400
    >>> ev = Events.from_records(
    ...     [{"time": 0, "actor": "ann", "action": "post", "post": "p"}]
    ...     + [{"time": d * day, "actor": f"fan{d}", "action": "like", "target": "ann",
    ...         "parent": "p"} for d in range(1, 8)])
    >>> history = Scorer().history(ev, every="1D")
    >>> len(history), history.scores_at(7 * day)["ann"] == Scorer().score(ev, as_of=7 * day)["ann"]
    (8, True)
    >>> round(history.delta(days=1)["ann"], 1)
    1.4
    """

    __slots__ = ("_dates", "_events", "_every", "_scores")

    def __init__(
        self,
        *,
        dates: NDArray[np.float64],
        scores: tuple[Scores, ...],
        every: float,
        events: Events,
    ) -> None:
        dates = np.array(dates, dtype=np.float64)
        if dates.ndim != 1 or len(dates) != len(scores):
            raise ValueError(
                f"History needs one Scores per date; got {len(dates)} dates and "
                f"{len(scores)} scores"
            )
        if np.any(np.diff(dates) <= 0) or not np.all(np.isfinite(dates)):
            raise ValueError("The 'dates' of History must be finite and strictly increasing")
        if not all(isinstance(s, Scores) for s in scores):
            raise ValueError("The 'scores' of History must all be influence.Scores")
        dates.flags.writeable = False
        self._dates = dates
        self._scores = tuple(scores)
        self._every = float(every)
        self._events = events

    # ------------------------------------------------------------------ access
    @property
    def dates(self) -> NDArray[np.float64]:
        """The dates, epoch seconds, oldest first (read-only)."""
        return self._dates

    @property
    def scores(self) -> tuple[Scores, ...]:
        """Each date's scores, in the order of :attr:`dates`."""
        return self._scores

    @property
    def every(self) -> float:
        """The step between dates, in seconds."""
        return self._every

    @property
    def users(self) -> IdIndex:
        """Every user scored at some date (those of the last date: users only join)."""
        return self._scores[-1].users if self._scores else IdIndex(np.zeros(0, dtype=np.int64))

    @property
    def part_names(self) -> tuple[str, ...]:
        """The parts' names, as in :attr:`Scores.part_names <influence.Scores.part_names>`."""
        return self._scores[0].part_names if self._scores else ()

    def __len__(self) -> int:
        return len(self._dates)

    def __iter__(self) -> Iterator[tuple[float, Scores]]:
        """``(date, scores)`` pairs, oldest first."""
        return iter(zip(self._dates.tolist(), self._scores))

    def _position(self, date: Any, name: str) -> int:
        when = to_epoch(date, name=name)
        found = np.flatnonzero(np.abs(self._dates - when) <= 1e-3)
        if not found.size:
            span = (
                f"{len(self)} dates from {format_time(self._dates[0])} to "
                f"{format_time(self._dates[-1])}, every {duration_text(self._every)}; the "
                f"nearest is {format_time(self._dates[np.argmin(np.abs(self._dates - when))])}"
                if len(self)
                else "no dates"
            )
            raise ValueError(
                f"The {name!r} parameter of History must be one of its dates ({span}). "
                f"Got {date!r} ({format_time(when)}) instead. The dates step back from "
                "`end` (by default the latest event's time): give Scorer.history an `end` "
                "such as '2024-06-30' for dates at midnight."
            )
        return int(found[0])

    def scores_at(self, date: Any) -> Scores:
        """The scores at *date*: those of ``scorer.score(events, as_of=date)``.

        *date* is one of :attr:`dates` (epoch seconds, a datetime or ISO 8601 text).
        """
        return self._scores[self._position(date, "date")]

    def series(self, user: object) -> dict[str, NDArray[np.float64]]:
        """One user's score and parts over time: ``time`` (the dates), ``score`` and a
        key per part, each an array with one value per date; NaN where the user was
        not scored yet (no event at or before the date)."""
        if user not in self.users:
            raise KeyError(f"user {user!r} is not scored at any date of this history")
        out = {"time": self._dates.copy(), "score": np.full(len(self), np.nan)}
        for name in self.part_names:
            out[name] = np.full(len(self), np.nan)
        for k, scores in enumerate(self._scores):
            if user in scores.users:
                i = scores.users.index(user)
                out["score"][k] = scores.values[i]
                for name, points in scores.parts.items():
                    out[name][k] = points[i]
        return out

    def change(self, user: object, days: float = 1) -> NDArray[np.float64]:
        """One user's change of score over *days* days at each date, an array in the
        order of :attr:`dates`: NaN where the date *days* before is not one of the
        history's (the first dates), or the user was not scored then (:meth:`delta` is
        one date's, for every user).

        Raises
        ------
        ValueError
            When no date of the history has one *days* before it (*days* is not a
            multiple of the step, or reaches further back than the history), as
            :meth:`delta` does.
        """
        span = _validate.number("History.change", "days", days, low=0.0, low_open=True)
        score = self.series(user)["score"]
        before = self._dates - span * DAY
        at = np.minimum(np.searchsorted(self._dates, before - 1e-3), max(len(self) - 1, 0))
        found = np.abs(self._dates[at] - before) <= 1e-3 if len(self) else np.zeros(0, bool)
        if len(self) and not found.any():
            raise ValueError(
                f"The 'days' parameter of History.change must reach back to a date of the "
                f"history (every {duration_text(self._every)} from "
                f"{format_time(self._dates[0])}): no date has one {days!r} days before it. "
                f"Got {days!r} instead."
            )
        return np.where(found, score - score[at], np.nan)

    def posts(self, user: object) -> NDArray[np.float64]:
        """Times (epoch seconds) of the user's own posts from the first date's step
        before it to the last date, oldest first (marked by ``influence.plot.history``)."""
        events = self._events
        if user not in events.users or not len(self):
            return np.zeros(0)
        i = events.users.index(user)
        low = self._dates[0] - self._every
        mask = (events.actor == i) & (events.action == POST)
        times = events.time[mask]
        return np.asarray(times[(times > low) & (times <= self._dates[-1])], dtype=np.float64)

    # ------------------------------------------------------------------ change
    def _pair(self, days: Any, at: Any, owner: str) -> tuple[int, int]:
        """Positions of the dates *days* apart ending at *at* (default: the last)."""
        span = _validate.number(owner, "days", days, low=0.0, low_open=True)
        if not len(self):
            raise ValueError(f"{owner} needs dates; this history has none")
        end = len(self) - 1 if at is None else self._position(at, "at")
        then = self._dates[end] - span * DAY
        found = np.flatnonzero(np.abs(self._dates - then) <= 1e-3)
        if not found.size:
            raise ValueError(
                f"The 'days' parameter of {owner} must reach back to a date of the history "
                f"(every {duration_text(self._every)} from {format_time(self._dates[0])}): "
                f"days={days!r} before {format_time(self._dates[end])} is "
                f"{format_time(then)}, not one of them. Got {days!r} instead."
            )
        return int(found[0]), end

    def _changes(self, before: int, after: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Per user of date *after*: the change since date *before* (NaN where the user
        was not scored then), and their index there (-1)."""
        now, then = self._scores[after], self._scores[before]
        where = then.users.indices(now.users.ids)
        old = np.where(where >= 0, then.values[np.maximum(where, 0)], np.nan)
        return np.asarray(now.values - old, dtype=np.float64), where

    def delta(self, days: float = 1, at: Any = None) -> dict[Any, float]:
        """Klout's score delta: each user's change of score over *days* days.

        Parameters
        ----------
        days : float, default 1
            How far back (1: a day, 7: a week, 30: a month); that date must be one of
            the history's (a multiple of its step, within its span).
        at : float, datetime or str, optional
            The end of the period, one of :attr:`dates`; default the last.

        Returns
        -------
        dict
            ``{user: score at at - score days before}`` for every user scored at *at*;
            NaN where the user was not scored *days* before.
        """
        before, after = self._pair(days, at, "History.delta")
        change, _ = self._changes(before, after)
        return dict(zip(self._scores[after].users.ids.tolist(), change.tolist()))

    def rising(self, n: int = 10, days: float = 7, at: Any = None) -> list[Rise]:
        """The *n* users whose score rose most over *days* days, with the parts that moved.

        Only users scored at both ends who rose; ties by user id. Each :class:`Rise`
        gives every part's change and, for each part that moved, the reason
        :meth:`Scores.explain <influence.Scores.explain>` gives at both ends.

        Parameters
        ----------
        n : int, default 10
        days : float, default 7
            As for :meth:`delta`.
        at : float, datetime or str, optional
            As for :meth:`delta`.
        """
        n = _validate.integer("History.rising", "n", n, low=0)
        before, after = self._pair(days, at, "History.rising")
        change, where = self._changes(before, after)
        order = np.argsort(-np.where(np.isfinite(change), change, -np.inf), kind="stable")
        chosen = [i for i in order[:n].tolist() if np.isfinite(change[i]) and change[i] > 0]
        now, then = self._scores[after], self._scores[before]
        return [self._rise(now, then, i, int(where[i])) for i in chosen]

    @staticmethod
    def _rise(now: Scores, then: Scores, i: int, j: int) -> Rise:
        user = now.users.id(i)
        new, old = now.explain(user), then.explain(user)
        parts = {name: new.parts[name] - old.parts[name] for name in new.parts}
        moved = sorted(
            (name for name, points in parts.items() if abs(points) >= MOVED),
            key=lambda name: (-abs(parts[name]), name),
        )
        reasons = tuple(
            f"{round(parts[name], 1) + 0.0:+.1f} {name}: {new.reasons[name]} "
            f"(was: {old.reasons[name]})"
            for name in moved
        )
        return Rise(
            user=user,
            before=float(then.values[j]),
            after=float(now.values[i]),
            change=float(now.values[i] - then.values[j]),
            parts=parts,
            reasons=reasons,
        )

    # ------------------------------------------------------------------ out
    def to_records(self) -> list[dict[str, Any]]:
        """The long table as plain dicts: one per date and scored user (dates oldest
        first, users in index order), with ``user``, ``time`` (epoch seconds), ``score``
        and a key per part."""
        out: list[dict[str, Any]] = []
        for when, scores in self:
            for record in scores.to_records():
                out.append({"user": record.pop("user"), "time": when, **record})
        return out

    def to_pandas(self) -> Any:
        """The long table as a DataFrame: ``user``, ``time`` (UTC datetimes), ``score``
        and a column per part; rows as in :meth:`to_records`. Needs pandas."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "History.to_pandas needs pandas: pip install 'influence-score[pandas]'"
            ) from None
        data: dict[str, Any] = self._long_columns()
        data["time"] = pd.to_datetime(data["time"], unit="s", utc=True)
        return pd.DataFrame(data)

    def _long_columns(self) -> dict[str, np.ndarray]:
        """The long table's columns: ``user``, ``time`` (epoch seconds), ``score``, parts."""
        sizes = [len(s) for s in self._scores]
        ids = [s.users.ids for s in self._scores]
        data: dict[str, np.ndarray] = {
            "user": np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64),
            "time": np.repeat(self._dates, sizes),
            "score": np.concatenate([s.values for s in self._scores] or [np.zeros(0)]),
        }
        for name in self.part_names:
            data[name] = np.concatenate([s.parts[name] for s in self._scores])
        return data

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The long table as an Arrow stream, for ``polars.DataFrame(history)`` and
        ``pyarrow.table(history)``: ``user``, ``time`` (UTC timestamps, microseconds),
        ``score`` and a column per part, rows as in :meth:`to_records`; the interface of
        :meth:`Scores.__arrow_c_stream__ <influence.Scores.__arrow_c_stream__>` (needs
        pyarrow)."""
        from influence.events.arrow import export_stream

        data = self._long_columns()
        return export_stream(
            list(data), list(data.values()), requested_schema, "History.__arrow_c_stream__",
            times=("time",),
        )  # fmt: skip

    def __repr__(self) -> str:
        if not len(self):
            return "<History: no dates>"
        return (
            f"<History: {plural(len(self), 'date')} from {format_time(self._dates[0])} to "
            f"{format_time(self._dates[-1])} every {duration_text(self._every)}, "
            f"{plural(len(self.users), 'user')}>"
        )

    def _repr_html_(self) -> str:
        """Notebook display: the last date's 10 best users, their score and its change
        over a day, a week and a month (where the history reaches that far back)."""
        e = html.escape
        if not len(self):
            return "<div><b>History</b>: no dates</div>"
        last = self._scores[-1]
        shown = []
        for days, label in SHOWN_DELTAS:
            try:
                before, after = self._pair(days, None, "History")
            except ValueError:
                continue
            shown.append((label, self._changes(before, after)[0]))
        head = "".join(
            f"<th>{e(h)}</th>" for h in ("rank", "user", "score", *(f"Δ {lb}" for lb, _ in shown))
        )
        right = "<td style='text-align:right'>"
        rows = []
        for rank, i in enumerate(last.ranking()[:10].tolist(), start=1):
            cells = [f"{right}{rank}</td>", f"<td>{e(shown_id(last.users.id(i)))}</td>"]
            cells.append(f"{right}<b>{last.values[i]:.1f}</b></td>")
            for _, change in shown:
                value = change[i]
                text = "n/a" if math.isnan(value) else f"{round(value, 1) + 0.0:+.1f}"
                cells.append(f"{right}{text}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f"<div><b>History</b>: {plural(len(self), 'date')} from "
            f"{e(format_time(self._dates[0]))} to {e(format_time(self._dates[-1]))} "
            f"every {e(duration_text(self._every))}; "
            f"{plural(len(self.users), 'user')}, the top {min(10, len(last))} at the last date"
            f"<table><tr>{head}</tr>{''.join(rows)}</table></div>"
        )
