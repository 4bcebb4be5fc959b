"""Inactivity decay: a modifier that lowers the score of users who went silent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import NON_NEGATIVE, POSITIVE, Constraint, Interval
from influence.events.table import Events
from influence.kernels import (
    IMPLIES_POST,
    plural,
)

__all__ = ["Inactivity"]


@dataclass(frozen=True)
class Inactivity(BaseComponent):
    r"""Modifier: a smooth loss for days of silence.

    .. math::

        m(d) = \frac{1}{1 + \big(\max(0,\, d - g) / h\big)^{k}}

    where :math:`d` is the number of days since the user was last seen acting,
    :math:`g` the grace period, :math:`h` the silence that halves the score and
    :math:`k` the shape. With the defaults a weekend costs under 0.1% of the
    score, 30 days about 29%, 90 days about 80%; the loss grows smoothly, with
    no cliff, and never reverses.

    "Last seen" is the latest of the user's own actions (not
    self-interactions), of the posts their received replies, shares and
    likes imply when the post itself is not in the log (partial logs such as
    Higgs have no posts), and of what others address to them: messages,
    mentions, follows. Only engagement with a post of theirs that *is* in the
    log does not date them (the post does: an old post's late likes do not make
    a silent author active). So an account that mostly receives, as in email and
    messaging logs, is judged by when it was last seen at all, whether or not
    it ever acted, and acting never makes anyone look more silent: one message
    sent 50 days ago does not date a user whom people write to every few days.
    Only trusted events (:attr:`influence.Events.trust` at least 0.5) date a
    user by what others do, so that a swarm of fakes cannot make a silent
    account look active.

    **Lookback**: ``history_days`` (180 by default). Everything above is read
    from the events of those days, so a window of them read by
    :func:`influence.engines.read_duckdb` gives the factor the whole log
    gives: a post created before them is not in view (engagement with it
    dates its author, as for a post the log does not hold), and a user whom
    nothing in them dates is not known (no decay, as for a user never seen
    acting; such a user can only be reached by untrusted engagement, which
    counts for little). A user last seen 180 days ago keeps 6% of the score.

    Parameters
    ----------
    grace_days : float, default 1
        Days of silence that cost nothing.
    half_life_days : float, default 45
        Days of silence past the grace period at which the factor is 0.5.
    shape : float, default 2
        Steepness :math:`k \ge 1`; at 1 the loss starts linearly after the grace
        period, above 1 it starts flat.
    history_days : float, default 180
        Days of history read before ``as_of`` (:attr:`lookback_days`).
    """

    name: ClassVar[str] = "inactivity"
    role: ClassVar[Role] = "modifier"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "grace_days": NON_NEGATIVE,
        "half_life_days": POSITIVE,
        "shape": Interval(1.0, 10.0),
        "history_days": POSITIVE,
    }

    grace_days: float = 1.0
    half_life_days: float = 45.0
    shape: float = 2.0
    history_days: float = 180.0

    @property
    def lookback_days(self) -> float:
        """``history_days``: nothing before them counts."""
        return float(self.history_days)

    def factor(self, days: NDArray[np.float64]) -> NDArray[np.float64]:
        """The factor :math:`m(d)` for days of silence *d* (array-like)."""
        excess = np.maximum(np.asarray(days, dtype=np.float64) - self.grace_days, 0.0)
        return np.asarray(1.0 / (1.0 + (excess / self.half_life_days) ** self.shape))

    def last_seen(self, events: Events, as_of: float) -> NDArray[np.float64]:
        """Per user, the time they were last seen in the last ``history_days`` (``-inf``
        if not)."""
        ev = events.until(as_of)
        recent = ev.time > as_of - self.lookback_days * DAY
        if not recent.all():
            ev = ev.select(recent)
        n = ev.n_users
        other = ev.actor != ev.target
        seen = np.full(n, -np.inf)
        # Rows are sorted by time, so the last write per user is their latest time.
        _write_last(seen, ev.actor, ev.time, other)
        # One spare slot at the end, so that index -1 ("no post") reads False.
        created = np.zeros(len(ev.posts) + 1, dtype=bool)
        created[ev.post[(ev.post >= 0) & other]] = True
        parent_known = created[ev.parent]
        # Others' engagement dates a user only when it is trusted: fakes cannot revive anyone.
        trusted = other & (ev.target >= 0)
        if ev.trust is not None:
            trusted &= ev.trust >= 0.5
        # Everything trusted aimed at the user but engagement with a post of theirs that is
        # in the log: messages, mentions, follows, and engagement that implies a post the
        # log does not hold. Engagement with a known post dates the post, which already
        # counts; an old post's late likes do not make a silent author active.
        addressed = trusted & ~(IMPLIES_POST[ev.action] & parent_known)
        last_addressed = np.full(n, -np.inf)
        _write_last(last_addressed, ev.target, ev.time, addressed)
        return np.asarray(np.maximum(seen, last_addressed), dtype=np.float64)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        seen = self.last_seen(events, as_of)
        known = np.isfinite(seen)
        days = np.where(known, (as_of - np.where(known, seen, as_of)) / DAY, 0.0)
        values = np.where(known, self.factor(days), 1.0)
        return Evidence(values=values, details={"days_silent": days, "known": known})

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["known"]:
            return (
                f"not seen acting in the last {self.history_days:g} days of the data: "
                "no decay applied"
            )
        days = float(details["days_silent"])
        if days <= self.grace_days:
            return f"last active {days:.1f} days ago: within the {self.grace_days:g}-day grace"
        return f"inactive for {plural(round(days), 'day')}: {points:+.1f} points"


#: Rows per block of :func:`_write_last`.
_BLOCK = 1 << 20


def _write_last(
    out: NDArray[np.float64],
    who: NDArray[np.int32],
    time: NDArray[np.float64],
    mask: NDArray[np.bool_],
) -> None:
    """``out[who[mask]] = time[mask]``: the rows' writes in their order, the last one
    per user standing, made a block of rows at a time, so that the selected ids and
    times are never copied whole (the same writes in the same order: the same result)."""
    for start in range(0, who.shape[0], _BLOCK):  # blocks, not rows
        chosen = mask[start : start + _BLOCK]
        out[who[start : start + _BLOCK][chosen]] = time[start : start + _BLOCK][chosen]
