"""Authenticity: a user's own credibility, as a factor on their score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import Constraint, Nested
from influence.components.credibility import Credibility
from influence.events.table import Events

__all__ = ["Authenticity"]


@dataclass(frozen=True)
class Authenticity(BaseComponent):
    r"""Modifier: the user's own credibility, multiplied into their score.

    .. math::

        m(u) = c(u)

    with :math:`c` the credibility of :class:`~influence.components.Credibility`
    (repeated texts, clockwork timing, link-only posting nobody answers, or
    membership of a fresh single-purpose cohort). The
    :class:`~influence.components.Credibility` discount makes an account's
    events count by its credibility *for the accounts it engages*; this
    modifier makes the account's own standing answer for it: a spam account
    posting the same few texts all day keeps half its score at most, whoever
    engages it. It judges only what the user does, so nobody can lower
    another account's authenticity by pointing fakes at it.

    Parameters
    ----------
    credibility : Credibility, default Credibility()
        The judge; give the same one as the scorer's Credibility discount so
        that the work is shared (it is computed once per table). Given in
        configuration as ``{"type": "credibility", "params": {...}}``.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.components import Authenticity
    >>> rows = [{"time": 60.0 * i, "actor": "spam", "action": "post", "post": f"p{i}",
    ...          "text": "acorn"} for i in range(20)]
    >>> rows.append({"time": 5.0, "actor": "ann", "action": "post", "post": "a", "text": "hi"})
    >>> ev = Events.from_records(rows)
    >>> factor = Authenticity()(ev, as_of=ev.end)
    >>> # 19 posts repeat a text nobody answers, one a minute: (1 - 19 / 22 / 2) * (1 - 1 / 2)
    >>> round(float(factor[ev.users.index("spam")]), 3), float(factor[ev.users.index("ann")])
    (0.284, 1.0)
    """

    name: ClassVar[str] = "authenticity"
    role: ClassVar[Role] = "modifier"
    #: A defence against gaming (:attr:`influence.Scores.defences`), not a signal's loss.
    defence: ClassVar[bool] = True
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "credibility": Nested(Credibility),
    }

    credibility: Credibility = field(default_factory=Credibility)

    @property
    def lookback_days(self) -> float:
        """The judge's lookback (:attr:`Credibility.lookback_days`)."""
        return self.credibility.lookback_days

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        facts = self.credibility.credibility(events, as_of)
        own = np.asarray(facts["credibility"], dtype=np.float64)
        return Evidence(
            values=np.clip(own, 0.0, 1.0),
            details={
                "own": own,
                "junk": facts["junk"],
                "regular": facts["regular"],
                "links": facts["links"],
                "cohort": facts["cohort"],
            },
        )

    def reason(self, details: Mapping[str, Any], points: float) -> str:
        own = details["own"]
        if own >= 0.9995:
            return "own credibility: nothing suspect in what they post"
        why = []
        if details["junk"] > 0.05:
            why.append(f"{100 * details['junk']:.0f}% of their posts repeat the same texts")
        if details["regular"] > 0.05:
            why.append("they post on a clock")
        if details["links"] > 0.05:
            why.append("their posts are only links")
        if details["cohort"] > 1:
            why.append(
                f"they act like {int(details['cohort']) - 1:,} other fresh, single-purpose "
                "accounts with the same target"
            )
        because = f": {'; '.join(why)}" if why else ""
        return f"{points:+.1f} points: own credibility {own:.2f}{because}"
