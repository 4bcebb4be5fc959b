"""Authority: PageRank over the engagement graph; engagement from the influential counts more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import (
    BaseComponent,
    Evidence,
    Role,
    check_output,
    lookback_of,
    role_of,
)
from influence.components.constraints import POSITIVE, Constraint, Interval, Nested
from influence.events.table import Events
from influence.graph import engagement_graph, pagerank
from influence.kernels import plural

__all__ = ["Authority", "engagement_graph"]


@dataclass(frozen=True)
class Authority(BaseComponent):
    r"""Signal: authority that flows along engagement, PageRank-style.

    With :math:`G` the :func:`~influence.graph.engagement_graph` (edge :math:`v \to u` when
    :math:`v` engages :math:`u`) and :math:`\pi` its PageRank with damping
    :math:`d` and teleport vector :math:`p`,

    .. math::

        e_u = d \sum_{v} \frac{G_{vu}}{\sum_{w} G_{vw}}\, \pi_v, \qquad
        s(u) = \ln\big(1 + N e_u\big)

    :math:`e_u` is the authority the user *earned* through engagement, i.e.
    their PageRank minus what teleportation alone gives them; users nobody
    engages have :math:`s = 0`. Multiplying by the number of users :math:`N`
    makes it independent of the population's size (1.0 is an average share).
    The population is the users with an event in the window that the
    scorer's discounts left some trust on: users the discounts distrusted
    entirely, and users with no event in the window (gone before it), get no
    teleport mass and are not counted in :math:`N`, so a distrusted army, or
    years of users who have left, change nobody's authority.

    **Lookback**: ``window_days``, or the teleport's lookback when longer
    (:attr:`lookback_days`).
    An engager passes on authority in proportion to their own, split over
    whom they engage: a like from someone influential and selective is worth
    more than one from an account that likes everything (Klout's *Network
    Impact*; Kred's extra points when the engager has a big audience).

    Parameters
    ----------
    damping : float, default 0.85
        Probability of following an engagement edge rather than teleporting.
    teleport : component, optional
        A signal or modifier whose values (per user, non-negative) form the
        teleport distribution :math:`p`, such as a trust score
        (``Authenticity()``: each account's own credibility, for TrustRank) or
        a topic score; uniform when
        ``None`` or when it is zero for everyone. Given in configuration as
        ``{"type": name, "params": {...}}``.
    window_days, half_life_days, selectivity_per_day : float
        As in :class:`~influence.components.Engagement`.
    tol : float, default 1e-9
        L1 tolerance of the power iteration (:func:`influence.graph.pagerank`).

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation
       ranking: Bringing order to the Web", Stanford InfoLab, 1999.
    .. [2] A. Rao et al., "Klout score: Measuring influence across multiple
       social networks", IEEE Big Data 2015.
    """

    name: ClassVar[str] = "authority"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "damping": Interval(0.0, 1.0, closed="left"),
        "window_days": POSITIVE,
        "half_life_days": POSITIVE,
        "selectivity_per_day": POSITIVE,
        "tol": POSITIVE,
        "teleport": Nested(optional=True),
    }

    damping: float = 0.85
    teleport: Any = field(default=None)
    window_days: float = STANDING.window_days
    half_life_days: float = STANDING.half_life_days
    selectivity_per_day: float = 20.0
    tol: float = 1e-9

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.teleport is not None and role_of(self.teleport) == "discount":
            raise ValueError(
                "The 'teleport' parameter of Authority needs one value per user; "
                f"{self.teleport!r} is a discount (one weight per event). For a trust "
                "teleport use Authenticity(), each user's own credibility."
            )

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        graph = engagement_graph(
            events,
            as_of,
            window_days=self.window_days,
            half_life_days=self.half_life_days,
            selectivity_per_day=self.selectivity_per_day,
        )
        teleport = self._teleport(events, as_of)
        if n == 0:
            return Evidence(
                values=np.zeros(0),
                details={
                    "engagers": np.zeros(0, np.int64),
                    "top_engagers": np.zeros(0, np.int64),
                    "relative": np.zeros(0),
                },
            )
        # Accounts the discounts left nothing trusted to (a distrusted Sybil army), and
        # accounts gone before the window, are not part of the population: no teleport
        # mass, not counted in N.
        present = self.population(events, as_of, self.window_days * DAY)
        population = int(present.sum())
        if population < n:
            weights = present.astype(np.float64) if teleport is None else teleport * present
            if not weights.sum() > 0:
                weights = present.astype(np.float64)
            teleport = weights if weights.sum() > 0 else None
        rank = pagerank(graph, damping=self.damping, personalization=teleport, tol=self.tol)
        out_weight = graph @ np.ones(n)
        share = np.divide(rank, out_weight, out=np.zeros(n), where=out_weight > 0)
        earned = self.damping * (graph.T @ share)
        relative = population * earned
        # The edges of positive weight, read from the CSR arrays in place (its rows are
        # the engagers, sorted): no COO copy of the graph.
        edge = graph.data > 0
        row = np.repeat(np.arange(n, dtype=graph.indices.dtype), np.diff(graph.indptr))[edge]
        col = graph.indices[edge]
        top = rank >= np.quantile(rank, 0.99) if n >= 100 else rank >= rank.max()
        top_source = top[row] & (row != col)
        return Evidence(
            values=np.log1p(relative),
            details={
                "engagers": np.bincount(col, minlength=n).astype(np.int64),
                "top_engagers": np.bincount(col[top_source], minlength=n).astype(np.int64),
                "relative": relative,
            },
        )

    @property
    def lookback_days(self) -> float:
        """The window, or the teleport's lookback when longer."""
        if self.teleport is None:
            return float(self.window_days)
        return max(float(self.window_days), lookback_of(self.teleport))

    @staticmethod
    def population(events: Events, as_of: float, span: float) -> NDArray[np.bool_]:
        """Authority's population: the users with an event in ``(as_of - span, as_of]``
        that the discounts left some trust on (every such event, when the table carries
        no trust); those get teleport mass and count in :math:`N`.

        Rows are sorted by time: the window is a slice, read in order (no row indices).
        """
        present = np.zeros(events.n_users, dtype=bool)
        start = int(np.searchsorted(events.time, as_of - span, side="right"))
        stop = int(np.searchsorted(events.time, as_of, side="right"))
        actor, target = events.actor[start:stop], events.target[start:stop]
        if events.trust is not None:
            kept = events.trust[start:stop] > 0
            actor, target = actor[kept], target[kept]
        present[actor] = True
        present[target[target >= 0]] = True
        return present

    def _teleport(self, events: Events, as_of: float) -> NDArray[np.float64] | None:
        if self.teleport is None:
            return None
        values = check_output(
            self.teleport(events, as_of=as_of),
            events.n_users,
            where="the teleport of Authority",
            role="signal",
        )
        return values if values.sum() > 0 else None

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["engagers"]:
            return "no authority: nobody engaged with them"
        top = details["top_engagers"]
        where = f", {top:,} of them among the top 1% accounts" if top else ""
        return (
            f"engaged by {plural(details['engagers'], 'account')}{where}; "
            f"{details['relative']:.2f}x an average share of authority ({points:+.1f} points)"
        )
