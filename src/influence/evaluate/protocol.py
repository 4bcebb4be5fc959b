"""The cut-off protocol every evaluation shares: targets, horizons and checks of the data.

Every evaluation here scores the events up to a cut-off and measures what
users receive in a horizon after it. This module holds what the harness
(:mod:`influence.evaluate.validity`), the stability steps and the defence
audit share about that protocol: what a scorer must offer
(:class:`ScorerLike`), the outcomes and populations that can be measured
(:data:`TARGETS`, :data:`POPULATIONS`), how a horizon or step is read, and the
checks that there is a past to score and a future to measure.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from influence import _progress, _validate
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.exceptions import HorizonWarning
from influence.scoring.scores import Scores

__all__ = ["POPULATIONS", "TARGETS", "ScorerLike"]

#: What the future is measured by: distinct engagers, or engagement events, received from
#: others in ``(cutoff, cutoff + horizon]`` (the ``target`` of :func:`predictive_validity`
#: and :func:`defence_audit`).
TARGETS: tuple[str, ...] = ("distinct_engagers", "engagements")
#: Which scored users are evaluated: all of them, or only those who had received engagement
#: at or before the cut-off (the ``population`` of :func:`predictive_validity`).
POPULATIONS: tuple[str, ...] = ("scored", "receivers")
#: Share of the horizon that may lie after the last event before predictive_validity warns
#: (a log's last event is rarely at the very end of what it covers).
_HORIZON_SLACK = 0.1


class ScorerLike(Protocol):
    """What :func:`predictive_validity` needs of a scorer: :meth:`influence.Scorer.score`."""

    def score(self, events: Events, as_of: Any = None) -> Scores: ...


def _positions(events: Events, scores: Scores, who: str = "the scorer") -> NDArray[np.intp]:
    """Where each scored user sits in ``events.users``; an error for users it does not hold."""
    index = events.users.indices(scores.users.ids)
    if (index < 0).any():
        raise ValueError(f"{who} returned users that are not in events.users")
    return np.asarray(index, dtype=np.intp)


def _duration(value: Any, owner: str = "predictive_validity", name: str = "horizon") -> float:
    """Positive seconds from a number, ``datetime.timedelta`` (pandas too) or ``timedelta64``."""
    given = value
    if isinstance(value, _dt.timedelta):
        value = value.total_seconds()
    elif isinstance(value, np.timedelta64):
        unit = np.datetime_data(value.dtype)[0]
        if np.isnat(value) or unit not in _FIXED_UNITS:
            raise ValueError(
                f"The {name!r} parameter of {owner} must be a positive duration: seconds, a "
                "datetime.timedelta or a numpy.timedelta64 in weeks or a finer unit; got "
                f"{given!r}"
            )
        value = float(value / np.timedelta64(1, "s"))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return _validate.number(owner, name, value, low=0.0, low_open=True)
    raise ValueError(
        f"The {name!r} parameter of {owner} must be a positive duration: seconds, a "
        f"datetime.timedelta or a numpy.timedelta64; got {given!r}"
    )


#: numpy.timedelta64 units of a fixed length (months and years vary; unitless is no unit).
_FIXED_UNITS = frozenset({"W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"})


def _check_past(events: Events, past: Events, cut: float) -> None:
    """An error when nothing falls at or before the cut-off: there is nobody to score."""
    if not len(past):
        raise ValueError(
            f"no events at or before the cut-off {format_time(cut)}; the log starts at "
            f"{format_time(events.start) if events.start is not None else '(empty)'}"
        )


def _check_future(events: Events, cut: float, span: float) -> None:
    """An error when the log ends at the cut-off; a warning when it ends well inside the horizon.

    The warning points at the caller of the public function that calls this.
    """
    if events.end is not None and cut >= events.end:
        raise ValueError(
            f"no events after the cut-off {format_time(cut)}; the log ends at "
            f"{format_time(events.end)}: nothing could be received in the horizon"
        )
    if events.end is not None and cut + span - events.end > _HORIZON_SLACK * span:
        warnings.warn(
            f"the horizon ends at {format_time(cut + span)}, "
            f"{(cut + span - events.end) / span:.0%} of it after the last event "
            f"({format_time(events.end)}): what users receive may be cut short by the end of "
            "the data",
            HorizonWarning,
            stacklevel=3,
        )


def _cutoff_progress(
    events: Events, points: Sequence[Any], progress: _progress.Progress, owner: str
) -> bool:
    """Whether to show a bar over cut-offs: "auto" counts the events scored over all of them."""
    work = 0
    if isinstance(progress, str) and progress == "auto" and isinstance(events, Events) and points:
        cuts = np.array([to_epoch(c, name="cutoff") for c in points])
        work = int(np.searchsorted(events.time, cuts, side="right").sum())
    return _progress.wanted(progress, big=work >= _progress.EVENTS_WORK, owner=owner)
