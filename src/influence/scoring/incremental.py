"""A fitted scoring state: the events future scores depend on, updated as new events arrive.

``state = scorer.fit(events)`` scores *events* and keeps what later scores can depend on:
the events after the state's :attr:`~ScoringState.horizon` (``as_of`` minus the scorer's
:attr:`~influence.Scorer.lookback_days`) and the ids of every user seen so far.
``state.update(new_events, as_of=...)`` appends the new events, scores them, drops the
events that fell behind the new horizon, and returns the new state, whose
:attr:`~ScoringState.scores` equal ``scorer.score(all_events, as_of=...)``.

Why dropping is exact: every component declares ``lookback_days``, such that its output
at ``as_of`` depends only on the events in ``(as_of - lookback_days, as_of]`` for every
user with an event there (:class:`~influence.components.base.Component`; checked by
:func:`influence.testing.check_component`). A user whose events all lie behind the horizon
is still one of the scored users (a row of :class:`~influence.Scores`); the state keeps
their id, and scores them as a user of the table with no event in it, which is what every
built-in component gives such a user (tests/scoring/test_incremental.py compares the two on
generated and real logs). Components read nothing population-wide beyond their window:
:class:`~influence.components.Authority` ranks the users present in its window and
:class:`~influence.components.Credibility` judges cohorts from its two windows.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from influence._memory import reuses_memory
from influence._time import DAY
from influence.events.append import COMPACT
from influence.events.assemble import Table
from influence.events.concat import concat, merge_ids
from influence.events.ids import IdIndex
from influence.events.outliers import far_future_sorted, outside_level
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.exceptions import FarFutureWarning
from influence.scoring.scores import Scores
from influence.scoring.state_files import read_state, write_state
from influence.scoring.window import scoring_window

__all__ = ["Fitting", "ScoringState"]


class Fitting:
    """What :class:`~influence.Scorer` can do with a log that grows: :meth:`fit` (a mixin)."""

    def fit(self, events: Events, as_of: Any = None) -> ScoringState:
        """Score *events* and keep what future scores depend on (:class:`ScoringState`).

        ``scorer.fit(events, as_of).scores`` equals ``scorer.score(events, as_of)``;
        ``.update(new_events)`` gives the scores of all the events, without rescoring
        the history behind the horizon. See :meth:`ScoringState.fit`.

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> day = 86400.0
        >>> first = Events.from_records([
        ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
        ... ])
        >>> state = Scorer().fit(first)
        >>> later = Events.from_records([
        ...     {"time": day, "actor": "cy", "action": "share", "target": "ann"},
        ... ])
        >>> state = state.update(later)
        >>> full = Scorer().score(Events.concat([first, later]))
        >>> state.scores.to_dict() == full.to_dict()
        True
        """
        return ScoringState.fit(self, events, as_of)


@dataclass(frozen=True, eq=False)
class ScoringState:
    """Scores of a log, and what scores of the log with more events depend on.

    Made by :meth:`Scorer.fit <influence.Scorer.fit>` (or :meth:`fit`); immutable:
    :meth:`update` returns a new state and leaves this one as it was, so that a failed
    update never leaves a half-updated state behind.

    Attributes
    ----------
    scorer : Scorer
        The scorer the scores are computed with.
    as_of : float
        The scoring time of :attr:`scores` (epoch seconds).
    events : Events
        The events kept: every event after :attr:`horizon`, including any after
        :attr:`as_of` (they count once a later ``as_of`` reaches them).
    seen : ndarray
        The sorted ids of every user with an event at or before :attr:`as_of`, also
        those whose events lie behind the horizon: the users of :attr:`scores`.
    scores : Scores
        Equal to ``scorer.score(all_events, as_of=as_of)``. Computed when first read by a
        state loaded from a file (:meth:`load`), so that loading a state only to
        :meth:`update` it costs no scoring.

    Notes
    -----
    The state holds :attr:`lookback_days` of events (the scorer's longest lookback: 180
    days for the house and trending scorers, whose credibility judge reads two 90-day
    windows) and one id per user ever seen: its size stops growing once the log is
    older than the lookback. A scorer with a part that reads all history
    (``lookback_days = math.inf``, a component that declares none) keeps every event.

    Every part is recomputed on the kept events at each update: the house discounts
    judge each event in the light of later ones (a like returned next week is quid pro
    quo; a cohort is seen as one when it has grown), and every signal reads their trust,
    so no part of the house scores can be carried forward from a summary exactly. An
    update therefore costs about a scoring of the kept window, and saves reading and
    validating the whole log again (docs/incremental.md measures both).
    """

    scorer: Any
    as_of: float
    events: Events
    seen: np.ndarray
    known: InitVar[Scores | None] = None

    def __post_init__(self, known: Scores | None) -> None:
        object.__setattr__(self, "_scores", known)

    @property
    def scores(self) -> Scores:
        """Equal to ``scorer.score(all_events, as_of=as_of)`` (see the class's attributes);
        computed once, when first read, for a state loaded from a file (two threads reading
        it at once may both compute it: the same scores)."""
        found: Scores | None = self.__dict__["_scores"]
        if found is None:
            window = self.events.until(self.as_of).compact()
            found = _scored(self.scorer, window, self.seen, self.as_of)
            object.__setattr__(self, "_scores", found)
        return found

    # ------------------------------------------------------------------ building
    @classmethod
    @reuses_memory
    def fit(cls, scorer: Any, events: Events, as_of: Any = None) -> ScoringState:
        """Score *events* with *scorer* at *as_of* and keep what later scores depend on.

        Parameters
        ----------
        scorer : Scorer
        events : Events
        as_of : float, datetime or str, optional
            The scoring time; default: the latest event's time, as
            :meth:`Scorer.score <influence.Scorer.score>` takes it. Needed when
            *events* is empty.

        Returns
        -------
        ScoringState
            Its :attr:`scores` are ``scorer.score(events, as_of)``.

        Raises
        ------
        TypeError
            When *events* is not an :class:`~influence.Events`.
        ValueError
            When *events* is empty and *as_of* is not given.

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> from influence.scoring.incremental import ScoringState
        >>> ev = Events.from_records([
        ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
        ... ])
        >>> state = ScoringState.fit(Scorer(), ev)
        >>> state.as_of, state.seen.tolist(), state.lookback_days
        (0.0, ['ann', 'bob'], 180.0)
        """
        window, when, t = scoring_window(events, as_of)
        if when is None:
            raise ValueError(
                "The 'as_of' parameter of ScoringState.fit must be given when events is "
                "empty (it defaults to the latest event's time). Got None."
            )
        scores = scorer._scores(window, when, t)
        span = _span(scorer)
        return cls(scorer, when, _kept(events, when - span), window.users.ids, scores)

    @reuses_memory
    def update(
        self, new_events: Events, as_of: Any = None, *, dedupe: bool = False
    ) -> ScoringState:
        """The state with *new_events* appended, scored at *as_of*.

        Its :attr:`scores` equal ``scorer.score(all_events, as_of=as_of)``, where
        ``all_events`` are the events this state was fitted and updated with and
        *new_events* (``Events.concat``): the same users, values, parts and evidence.
        Late events (before :attr:`as_of`) are welcome as long as they are after
        :attr:`horizon`. A batch given twice (a retry) counts twice, as two copies of a
        log would, unless *dedupe* is set.

        Parameters
        ----------
        new_events : Events
            The events that arrived since; may be empty.
        as_of : float, datetime or str, optional
            The new scoring time, at or after :attr:`as_of`. Default: the latest event's
            time, or :attr:`as_of` when that is later.
        dedupe : bool, default False
            Keep one of the rows equal in every field (time, actor, action, target, post,
            parent, text, platform, topics) among the state's events and the new ones, as
            the readers' ``dedupe=True`` does: a batch sent again then changes nothing.
            Two genuinely identical events (the same like twice in one second) count once
            too; the scores then equal those of the log read with ``dedupe=True``.

        Returns
        -------
        ScoringState
            A new state; this one is unchanged. With no new events and the same
            *as_of*, this state itself.

        Raises
        ------
        TypeError
            When *new_events* is not an :class:`~influence.Events`.
        ValueError
            When *as_of* is before :attr:`as_of`, or when *new_events* holds events at or
            before :attr:`horizon`: the state no longer holds the events they would be
            judged with (fit again on the whole log).

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> day = 86400.0
        >>> ev = Events.from_records([
        ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
        ... ])
        >>> state = Scorer().fit(ev).update(Events.empty(), as_of=30 * day)
        >>> state.as_of / day, round(state.scores["ann"], 1)
        (30.0, 4.5)
        """
        if not isinstance(new_events, Events):
            raise TypeError(
                "The 'new_events' parameter of ScoringState.update must be an "
                f"influence.Events. Got {type(new_events).__name__} instead."
            )
        if not isinstance(dedupe, bool):
            raise TypeError(
                "The 'dedupe' parameter of ScoringState.update must be True or False. "
                f"Got {dedupe!r} instead."
            )
        latest = [x for x in (self.as_of, self.events.end, new_events.end) if x is not None]
        when = max(latest) if as_of is None else to_epoch(as_of)
        if as_of is None and len(new_events):
            _warn_far(self.events.time, new_events.time, when)
        if when < self.as_of:
            raise ValueError(
                "The 'as_of' parameter of ScoringState.update must be at or after the "
                f"state's as_of ({_iso(self.as_of)}): a state only moves forward. Got "
                f"{_iso(when)}; fit again for an earlier date."
            )
        if len(new_events) and new_events.time[0] <= self.horizon:
            old = int(np.searchsorted(new_events.time, self.horizon, side="right"))
            raise ValueError(
                f"The 'new_events' parameter of ScoringState.update holds {old} event"
                f"{'' if old == 1 else 's'} at or "
                f"before the state's horizon ({_iso(self.horizon)}: as_of minus the scorer's "
                f"lookback_days={self.lookback_days:g}), the earliest at "
                f"{_iso(float(new_events.time[0]))}; the state no longer holds the events "
                "they would be judged with. Fit again on the whole log."
            )
        if not len(new_events) and when == self.as_of:
            return self
        events = self.events
        if len(new_events) or dedupe:
            # The batch compacted (a pass over it alone): appended to the kept events
            # (compact, _kept), the table is known compact, and its window needs no pass
            # to find it so. A batch that starts at or after the kept events' latest is
            # appended without sorting them again (influence.events.append).
            events = concat([self.events, new_events.compact()], dedupe=dedupe)
        window = events.until(when).compact()
        seen, _ = merge_ids([self.seen, window.users.ids])
        scores = _scored(self.scorer, window, seen, when)
        kept = _kept(events, when - _span(self.scorer))
        return ScoringState(self.scorer, when, kept, seen, scores)

    # ------------------------------------------------------------------ facts
    @property
    def lookback_days(self) -> float:
        """Days of events kept before :attr:`as_of`: the scorer's
        :attr:`~influence.Scorer.lookback_days`."""
        return float(self.scorer.lookback_days)

    @property
    def horizon(self) -> float:
        """The time at and before which no event is kept: ``as_of - lookback_days``
        (``-inf`` when a part reads all history)."""
        return self.as_of - _span(self.scorer)

    @property
    def nbytes(self) -> int:
        """Bytes held by the kept events' columns and the ids (the state's memory, but for
        :attr:`scores`)."""
        size = self.events.nbytes  # the per-event columns
        size += self.events.users.ids.nbytes + self.events.posts.ids.nbytes
        if self.events.trust is not None:
            size += self.events.trust.nbytes
        return int(size + self.seen.nbytes)

    def __repr__(self) -> str:
        return (
            f"ScoringState(as_of={_iso(self.as_of)}, events={len(self.events):,}, "
            f"users={len(self.seen):,}, lookback_days={self.lookback_days:g})"
        )

    # ------------------------------------------------------------------ files
    def save(self, path: str | Path) -> None:
        """Write the state to an ``.npz`` file, without pickle.

        The scorer is written as its configuration (:meth:`Scorer.to_config
        <influence.Scorer.to_config>`: every component must be registered), the kept
        events as their columns and lookup tables, the seen users as an id array; the
        scores are not written (:meth:`load`'s state computes them again, exactly, when they
        are first read).
        :mod:`influence.scoring.state_files` gives the layout.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from influence import Events, Scorer
        >>> from influence.scoring.incremental import ScoringState
        >>> ev = Events.from_records([
        ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
        ... ])
        >>> state = Scorer().fit(ev)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "state.npz"
        ...     state.save(path)
        ...     again = ScoringState.load(path)
        >>> again.scores.to_dict() == state.scores.to_dict(), again.scorer == state.scorer
        (True, True)
        """
        scorer_type = type(self.scorer)
        write_state(
            path,
            scorer=self.scorer.to_config(),
            scorer_type=f"{scorer_type.__module__}.{scorer_type.__qualname__}",
            as_of=self.as_of,
            events=self.events,
            seen=self.seen,
        )

    @classmethod
    def load(cls, path: str | Path) -> ScoringState:
        """Read a state written by :meth:`save`; its scores are computed again.

        Every array is checked before use (:mod:`influence.scoring.state_files`), and the
        events are validated again as they were when first read.

        The scorer is rebuilt from its configuration by its class's ``from_config``; the
        class is looked up by the name the file gives among the modules already imported
        (nothing is imported on a file's word): a subclass of :class:`~influence.Scorer`
        must be imported before its states are loaded.

        Raises
        ------
        FileNotFoundError
            When there is no such file.
        ValueError
            When the file is not a saved state, or names a scorer class that is not
            imported.
        """
        saved = read_state(path)
        scorer_type = _scorer_type(saved.scorer_type, path)
        scorer = scorer_type.from_config(saved.scorer)
        if len(saved.events) and saved.events.time[0] <= saved.as_of - _span(scorer):
            raise ValueError(
                f"{path}: the state holds events at or before its horizon; the file does "
                "not match the scorer it names"
            )
        seen = saved.seen
        window = saved.events.until(saved.as_of).compact()
        joined, _ = merge_ids([seen, window.users.ids])
        if len(joined) != len(seen):
            raise ValueError(f"{path}: users of the kept events are missing from the seen ids")
        return cls(scorer, saved.as_of, saved.events, seen)


def _scorer_type(name: str, path: str | Path) -> Any:
    """The scorer class *name* (``module.QualName``) among the modules already imported."""
    module, _, qualname = name.rpartition(".")
    found: Any = sys.modules.get(module)
    for part in qualname.split(".") if found is not None else ():
        found = getattr(found, part, None)
    if not isinstance(found, type) or not callable(getattr(found, "from_config", None)):
        raise ValueError(
            f"{path}: the state was fitted with the scorer class {name!r}, which is not "
            "imported here; import the module that defines it before loading the state"
        )
    return found


def _scored(scorer: Any, window: Events, seen: np.ndarray, when: float) -> Scores:
    """The scores at *when* of *window* (the kept events at or before it, compact) and of
    every user in *seen* (sorted ids, those of the window among them): users seen only
    behind the horizon are scored as users with no event in the table."""
    table = window
    if len(seen) != window.n_users:  # the users seen only behind the horizon
        table = Events.concat([window, _no_events(seen)])
    scores: Scores = scorer._scores(table, when, when)
    return scores


def _span(scorer: Any) -> float:
    """The scorer's lookback in seconds (``inf``: all history)."""
    days = float(scorer.lookback_days)
    return math.inf if math.isinf(days) else days * DAY


def _kept(events: Events, horizon: float) -> Events:
    """The events after *horizon*, with only the ids they name, and nothing else: no
    rejected rows (they would pile up with every update).

    The table is remembered as compact (its memo), so that the next update's append
    (:func:`~influence.events.concat.concat` keeps the mark when every part has it) and
    window (``compact()``) need no pass over the kept events to find it so."""
    start = int(np.searchsorted(events.time, horizon, side="right"))
    rows = events
    if start:
        after = np.ones(len(events), dtype=bool)
        after[:start] = False
        rows = events.select(after)
    rows = rows.compact()
    table = Table(
        time=rows.time,
        actor=rows.actor,
        target=rows.target,
        action=rows.action,
        post=rows.post,
        parent=rows.parent,
        text=rows.text,
        platform=rows.platform,
        topics=rows.topics,
        users=rows.users,
        posts=rows.posts,
        texts=rows.texts,
        platforms=rows.platforms,
        topic_sets=rows.topic_sets,
        rejected=(),
    )
    kept = Events(table, rows.trust)
    kept.memo.get(COMPACT, lambda: True)  # rows.compact() mentions every id it holds
    return kept


def _no_events(users: np.ndarray) -> Events:
    """A table of *users* (sorted distinct ids) and no events: joined to a window by
    ``Events.concat``, it adds the users seen only behind the horizon."""
    empty = np.zeros(0, dtype=np.int32)
    table = Table(
        time=np.zeros(0),
        actor=empty,
        target=empty,
        action=np.zeros(0, dtype=np.int8),
        post=empty,
        parent=empty,
        text=empty,
        platform=np.zeros(0, dtype=np.int16),
        topics=empty,
        users=IdIndex(users),
        posts=IdIndex(np.zeros(0, dtype=np.int64)),
        texts=(),
        platforms=(),
        topic_sets=(),
        rejected=(),
    )
    return Events(table)


def _iso(when: float) -> str:
    """*when* as an ISO 8601 UTC time, for messages."""
    if not math.isfinite(when):
        return str(when)
    return str(np.datetime64(round(when), "s")) + "Z"


def _warn_far(kept: np.ndarray, batch: np.ndarray, when: float) -> None:
    """A :class:`~influence.FarFutureWarning` when the default ``as_of`` of an update, the
    latest event, stands far past the rest of the state's and the batch's events (a
    mistyped year would move the state there, leaving every other event behind its
    horizon). Reads the ends of the two sorted arrays only (:func:`far_future_sorted`)."""
    found = far_future_sorted(kept, batch)
    if len(found):
        end = _iso(found.end)
        warnings.warn(
            f"ScoringState.update: the default as_of is {_iso(when)}, the latest event, but "
            f"{len(found):,} {'event lies' if len(found) == 1 else 'events lie'} far past the "
            f"rest of the log, which ends at {end}; the state would keep no other event. Pass "
            f"as_of={end!r} (--as-of on the command line) to score at the end of the log, "
            "or correct or drop those rows.",
            FarFutureWarning,
            stacklevel=outside_level(),
        )
