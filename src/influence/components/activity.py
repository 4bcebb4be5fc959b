"""Activity: how much a user does, saturating, original content first."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import NON_NEGATIVE, POSITIVE, Constraint
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels import (
    engagement_pairs,
    engagers_received,
    plural,
    post_answers,
    shared,
    window_recency,
)
from influence.trusted import distrusted_positions, trust_of

__all__ = ["Activity"]

_LINK_ONLY = re.compile(r"^\s*(?:(?:https?://|www\.)\S+\s*)+$", re.IGNORECASE)


class _Own(NamedTuple):
    """A user's own events in the window (trust-free, shared by both passes)."""

    rows: NDArray[np.intp]  # the events, in row order
    actor: NDArray[np.int32]  # their actors
    weight: NDArray[np.float64]  # their weights: kind x recency
    posted: NDArray[np.intp]  # which of them create a post
    post: NDArray[np.int32]  # that post
    details: dict[str, NDArray[np.int64]]  # the counts the reason quotes


@dataclass(frozen=True)
class Activity(BaseComponent):
    r"""Signal: how often a user posts and interacts, saturating at 1.

    .. math::

        A_u = \sum_{e \text{ by } u} \rho(t - t_e)\, b_{\mathrm{kind}(e)}\, h_e, \qquad
        s(u) = \frac{A_u}{A_u + A_{1/2}}\,\big(1 - e^{-R_u / g}\big)

    with :math:`\rho` the recency weight (times the event's trust,
    :attr:`influence.Events.trust`, so traded or fake activity counts for little) and :math:`b`
    the activity weight of each kind of action: an original post 1, a post that is only links
    0.5, a reply 0.6, a share 0.3, a mention 0.3, a like 0.1, a follow 0.05. A post counts
    once others answer it: :math:`h_e = 1 - e^{-n_e}`, with :math:`n_e` the trust-weighted
    number of replies, shares and likes it received by :math:`t` (one answer 0.63, three
    0.95); interactions with others have :math:`h_e = 1`. Posts nobody engages add nothing,
    so volume cannot buy activity and the same engagement over more posts never scores
    higher (see :class:`~influence.components.Engagement`'s rate factor). The signal is
    bounded by 1, so volume alone can never make anyone influential: with the default weight in
    :class:`~influence.Scorer` it is worth at most a few points. Someone posting 200 times a day
    is simply "fully active". The last factor gates activity by reach: :math:`R_u` is the number
    of distinct users who engaged with :math:`u` in the window, each counted by the trust of
    their engagement (:attr:`influence.Events.trust`), so activity that nobody responds to
    counts for nothing (one engager opens 63% of the gate, three 95%). Self-interactions count
    for nothing.

    Parameters
    ----------
    window_days : float, default 90
    half_life_days : float, default 30
    half_saturation : float, default 10
        :math:`A_{1/2}`, the recency-weighted activity that gives 0.5 (about
        one original post every three days).
    reach_gate : float, default 1
        :math:`g`, engagers needed to open 63% of the reach gate; 0 turns the
        gate off.
    """

    name: ClassVar[str] = "activity"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "window_days": POSITIVE,
        "half_life_days": POSITIVE,
        "half_saturation": POSITIVE,
        "reach_gate": NON_NEGATIVE,
    }

    window_days: float = STANDING.window_days
    half_life_days: float = STANDING.half_life_days
    half_saturation: float = 10.0
    reach_gate: float = 1.0

    WEIGHTS: ClassVar[dict[str, float]] = {
        "post": 1.0,
        "link_post": 0.5,
        "reply": 0.6,
        "share": 0.3,
        "mention": 0.3,
        "like": 0.1,
        "follow": 0.05,
    }

    @staticmethod
    def link_only(events: Events) -> NDArray[np.bool_]:
        """Per event, whether its text consists only of links."""

        def compute() -> NDArray[np.bool_]:
            table = np.array([bool(_LINK_ONLY.match(t)) for t in events.texts] + [False])
            return np.asarray(table[events.text])  # text == -1 reads the spare False

        return shared(events, ("link-only",), compute, uses_trust=False)

    @property
    def lookback_days(self) -> float:
        """The window: nothing before it counts."""
        return float(self.window_days)

    def _since(self, as_of: float) -> float:
        """Where the lookback begins: a post's answers before it are not read."""
        return float(as_of) - self.lookback_days * DAY

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        own = self._own(events, as_of)
        amount = self._amount(events, as_of)
        if events.trust is not None:
            amount = self._trusted(events, as_of, amount)
        # Engagers counted by their trust: fake engagers open no gate.
        if events.trust is None:  # every pair's trust is 1: the count of engagers
            engagers = engagers_received(events, as_of, self.window_days).astype(np.float64)
        else:  # from the engagement pairs the other components share
            pairs = engagement_pairs(
                events,
                as_of,
                window_days=self.window_days,
                half_life_days=self.half_life_days,
                selectivity_per_day=20.0,
            )
            engagers = np.asarray(
                np.bincount(pairs.target, weights=pairs.trust, minlength=n), np.float64
            )
        reach = -np.expm1(-engagers / self.reach_gate) if self.reach_gate > 0 else np.ones(n)
        return Evidence(
            values=amount / (amount + self.half_saturation) * reach,
            details={"engagers": engagers, **own.details},
        )

    def _amount(self, events: Events, as_of: float) -> NDArray[np.float64]:
        """Per user, the activity :math:`A_u` at trust 1 (shared with the table with trust)."""

        def compute() -> NDArray[np.float64]:
            own = self._own(events, as_of)
            # A post counts once others answer it; other actions in full.
            answered = -np.expm1(-post_answers(events, as_of, since=self._since(as_of)))
            weight = own.weight.copy()
            weight[own.posted] *= answered[own.post]
            amount = np.bincount(own.actor, weights=weight, minlength=events.n_users)
            return np.asarray(amount, dtype=np.float64)

        key = ("activity-amount", float(as_of), self)
        return shared(events, key, compute, uses_trust=False)

    def _trusted(
        self, events: Events, as_of: float, plain: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """The activity by trust, from *plain* (:meth:`_amount`): summed again only for
        the users with an event of trust other than 1 or a post whose answers have some
        (every other user's events weigh what they weigh at trust 1), all their events in
        row order, as a sum over every event would add them."""
        own = self._own(events, as_of)
        answers = post_answers(events, as_of, since=self._since(as_of), trusted=True)
        redo = np.zeros(events.n_users, dtype=bool)
        redo[own.actor[distrusted_positions(events, own.rows)]] = True
        plain_answers = post_answers(events, as_of, since=self._since(as_of))
        redo[own.actor[own.posted[(answers != plain_answers)[own.post]]]] = True
        if not redo.any():
            return plain
        chosen = np.flatnonzero(redo[own.actor])
        rows = own.rows[chosen]
        weight = own.weight[chosen] * trust_of(events, rows)
        post = events.post[rows]
        posted = post >= 0
        weight[posted] *= -np.expm1(-answers[post[posted]])
        users = np.flatnonzero(redo)
        amount = plain.copy()
        amount[users] = np.bincount(own.actor[chosen], weights=weight, minlength=redo.size)[users]
        return np.asarray(amount, dtype=np.float64)

    def _own(self, events: Events, as_of: float) -> _Own:
        """The user's own events in the window, their weights (kind x recency) and counts.

        They do not depend on trust: shared with the same table with trust.
        """

        key = ("activity-own", float(as_of), self)  # the instance: its class's WEIGHTS too
        return shared(events, key, lambda: self._own_now(events, as_of), uses_trust=False)

    def _own_now(self, events: Events, as_of: float) -> _Own:
        """:meth:`_own`, computed."""
        n = events.n_users
        # Rows are sorted by time: the window is a slice, its recency computed once.
        start, recency = window_recency(events, as_of, self.window_days, self.half_life_days)
        stop = start + recency.size
        local = np.flatnonzero(events.actor[start:stop] != events.target[start:stop])
        rows = local + start
        weights = np.array([self.WEIGHTS[a] for a in _actions.ACTIONS])
        action = events.action[rows]
        links = self.link_only(events)[rows] & (action == _actions.POST)
        kind = np.where(links, self.WEIGHTS["link_post"], weights[action])
        actor = events.actor[rows]
        post = events.post[rows]
        posted = np.flatnonzero(post >= 0)
        posts = np.bincount(actor[action == _actions.POST], minlength=n)
        details = {
            "posts": posts,
            "link_posts": np.bincount(actor[links], minlength=n),
            "interactions": np.bincount(actor, minlength=n) - posts,
        }
        return _Own(rows, actor, kind * recency[local], posted, post[posted], details)

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["posts"] and not details["interactions"]:
            return f"no activity in the last {self.window_days:g} days"
        links = f" ({details['link_posts']:,} only links)" if details["link_posts"] else ""
        engaged = float(details["engagers"])
        reach = -math.expm1(-engaged / self.reach_gate) if self.reach_gate > 0 else 1.0
        gate = ""
        if reach < 0.8:  # the gate holds back a fifth or more: say why
            who = f"{engaged:.1f} distinct engagers' worth" if engaged > 0 else "nobody"
            gate = f"; counted at {100 * reach:.0f}%: {who} engaged them"
        return (
            f"{plural(details['posts'], 'post')}{links} and "
            f"{plural(details['interactions'], 'interaction')} with others in the last "
            f"{self.window_days:g} days{gate} ({points:+.1f} points)"
        )
