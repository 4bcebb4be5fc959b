"""The chosen accounts of a campaign, their reach, overlap and the top-k comparison."""

from __future__ import annotations

import csv
import html
import math
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.campaign.forecast import ReturnModel
from influence.events.timeparse import format_time
from influence.scoring.persist import neutralise

__all__ = ["Campaign"]


def _frozen(values: Any, dtype: Any = np.float64) -> NDArray[Any]:
    out = np.array(values, dtype=dtype)
    out.flags.writeable = False
    return out


#: Accounts left out listed in the HTML display (all are in ``left_out``).
LEFT_OUT_SHOWN = 10


def _count(n: int, noun: str) -> str:
    """``"1 account"``, ``"2 accounts"``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


@dataclass(frozen=True)
class Campaign:
    """The accounts chosen for a campaign, in the order the greedy chose them.

    Produced by :func:`influence.campaign.select`; plain data, read-only arrays.

    Attributes
    ----------
    users : tuple
        The chosen accounts' ids, in order of choice.
    gains : ndarray of float
        Each one's marginal reach: what it added to those chosen before it.
    reach : float
        The total weighted reach :math:`f(S)` (the sum of *gains*).
    audience : ndarray of int
        Each chosen account's number of distinct engagers in the window.
    scores : ndarray of float
        Each chosen account's standing score (its overall score, also for a topic
        campaign: the score the defences and ``min_score`` read).
    costs : ndarray of float
        Each chosen account's cost (``nan`` each when no costs were given).
    overlap : ndarray of float, shape (n, n)
        ``overlap[i, j]``: the weighted audience the *i*-th and *j*-th chosen share,
        :math:`\\sum_v \\min(a_{iv}, a_{jv})`; the diagonal is each one's own weighted
        audience (for the expected objective, the people both are expected to reach).
        Labelled by the accounts' ids: :meth:`overlap_frame`.
    top_users, top_gains : tuple, ndarray of float
        The comparison: the eligible candidates taken by standing score, best first
        (as many as the greedy chose, or under the budget in score order), and each
        one's marginal reach.
    top_costs : ndarray of float
        Each top account's cost (``nan`` when no costs were given).
    left_out : tuple of (id, str)
        Accounts with an audience in the window that could not be chosen, each with the
        reason, in user-id order.
    frequency : int
        The frequency goal :math:`F`.
    k : int or None
        The largest number of accounts allowed.
    budget : float or None
        The budget, when costs were given.
    method : str
        ``"greedy"`` (at most *k*, no budget), or under a budget the best of
        ``"unit-cost"`` (CELF), ``"cost-benefit"``, ``"best single"`` (the one affordable
        account reaching most) and, with *k* too, ``"top by score"``.
    guarantee : float
        The share of the optimum the method is guaranteed: :math:`1 - 1/e` for
        ``"greedy"``, :math:`(1 - 1/e)/2` under a budget alone; ``nan`` under *k* and a
        budget together, where none is proven for these runs.
    candidates : int
        How many accounts were eligible.
    as_of, window_days : float
        The window the audiences were read in.
    topic : str or None
        The topic the audiences were restricted to.
    objective : str
        What the greedy maximised: ``"expected"``, the expected credible reach in the
        *horizon_days* after *as_of* (*gains*, *reach* and *overlap* are expectations),
        or ``"coverage"``, the window's audience as it is.
    horizon_days : float or None
        The campaign period the expectation is for (``None`` for coverage).
    newcomers : ndarray of float
        Each chosen account's expected credible newcomers within the horizon (part of
        its gain; 0 for coverage).
    hops : int or None
        For ``objective="spread"``, the cascade's steps (``None`` otherwise); *gains*,
        *reach* and *overlap* are then read on the reverse-reachable sets that chose
        (slightly optimistic for the chosen, as any maximum over a sample).
    samples : int
        The reverse-reachable sets drawn (IMM's sampling phase, its final sets and as
        many fresh ones for the intervals; 0 for the other objectives).
    interval, top_interval : tuple of float or None
        For ``objective="spread"``, 95% intervals of the expected spread of the chosen
        and of the top by score, read on fresh sets independent of those that chose.
    model : ReturnModel or None
        The forecast's calibration (:class:`influence.campaign.ReturnModel`): its
        ``calibrated``, the ``horizon_days`` it was fitted for (shorter than asked when
        the log could not support the horizon asked for), its training ``pairs``; ``None``
        for coverage.
    """

    users: tuple[Any, ...]
    gains: NDArray[np.float64]
    reach: float
    audience: NDArray[np.int64]
    scores: NDArray[np.float64]
    costs: NDArray[np.float64]
    overlap: NDArray[np.float64]
    top_users: tuple[Any, ...]
    top_gains: NDArray[np.float64]
    left_out: tuple[tuple[Any, str], ...]
    frequency: int
    k: int | None
    budget: float | None
    method: str
    guarantee: float
    candidates: int
    as_of: float
    window_days: float
    topic: str | None = field(default=None)
    objective: str = "coverage"
    horizon_days: float | None = None
    newcomers: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    hops: int | None = None
    samples: int = 0
    interval: tuple[float, float] | None = None
    top_interval: tuple[float, float] | None = None
    model: ReturnModel | None = None
    top_costs: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        n = len(self.users)
        for name, dtype in (
            ("gains", np.float64),
            ("audience", np.int64),
            ("scores", np.float64),
            ("costs", np.float64),
            ("overlap", np.float64),
            ("top_gains", np.float64),
            ("newcomers", np.float64),
            ("top_costs", np.float64),
        ):
            object.__setattr__(self, name, _frozen(getattr(self, name), dtype))
        if self.newcomers.size == 0 and n:
            object.__setattr__(self, "newcomers", _frozen(np.zeros(n)))
        for name in ("gains", "audience", "scores", "costs", "newcomers"):
            if getattr(self, name).shape != (n,):
                raise ValueError(
                    f"Campaign: {name!r} must hold one value per chosen account ({n}); "
                    f"got shape {getattr(self, name).shape}"
                )
        if self.overlap.shape != (n, n):
            raise ValueError(f"Campaign: 'overlap' must be {n} x {n}; got {self.overlap.shape}")
        if self.top_costs.size == 0 and self.top_users:
            object.__setattr__(self, "top_costs", _frozen(np.full(len(self.top_users), np.nan)))
        if self.top_gains.shape != (len(self.top_users),) or self.top_costs.shape != (
            len(self.top_users),
        ):
            raise ValueError(
                "Campaign: 'top_gains' and 'top_costs' must hold one value per top account"
            )

    @property
    def calibrated(self) -> bool:
        """Whether the reach is a calibrated forecast (``False`` for coverage)."""
        return self.model is not None and self.model.calibrated

    @property
    def curve(self) -> NDArray[np.float64]:
        """The greedy's reach after each account: ``curve[i]`` is the reach of the first
        ``i + 1`` chosen."""
        return np.cumsum(self.gains)

    @property
    def top_curve(self) -> NDArray[np.float64]:
        """The reach of the first ``i + 1`` accounts by standing score."""
        return np.cumsum(self.top_gains)

    @property
    def top_reach(self) -> float:
        """The reach of the accounts taken by standing score."""
        return float(np.sum(self.top_gains))

    @property
    def cost(self) -> float:
        """The chosen accounts' total cost (``nan`` when no costs were given)."""
        return float(np.sum(self.costs))

    def overlap_frame(self) -> Any:
        """:attr:`overlap` as a DataFrame labelled by the chosen accounts' ids (needs
        pandas)."""
        import pandas as pd

        return pd.DataFrame(self.overlap, index=list(self.users), columns=list(self.users))

    def to_pandas(self) -> Any:
        """The chosen accounts as a DataFrame: rank, user, marginal reach, cumulative
        reach, audience, expected newcomers, standing score and cost (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "rank": np.arange(1, len(self.users) + 1),
                "user": list(self.users),
                "marginal_reach": self.gains,
                "reach": self.curve,
                "audience": self.audience,
                "newcomers": self.newcomers,
                "score": self.scores,
                "cost": self.costs,
            }
        )

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the chosen accounts, one row each: ``rank, user, marginal_reach, reach,
        audience, score, cost`` (the cost empty when no costs were given).

        Written through a temporary file next to *path*; a user id a spreadsheet would
        run as a formula gets a leading ``'`` (:func:`influence.scoring.persist.neutralise`).
        """
        target = os.fspath(path)
        folder = os.path.dirname(target) or "."
        temp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(8)}.tmp")
        try:
            with open(temp, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(
                    ["rank", "user", "marginal_reach", "reach", "audience", "score", "cost"]
                )
                for i, user in enumerate(self.users):
                    writer.writerow(
                        [
                            i + 1,
                            neutralise(user) if isinstance(user, str) else user,
                            repr(float(self.gains[i])),
                            repr(float(self.curve[i])),
                            int(self.audience[i]),
                            repr(float(self.scores[i])),
                            "" if np.isnan(self.costs[i]) else repr(float(self.costs[i])),
                        ]
                    )
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)

    def left_out_to_pandas(self) -> Any:
        """The accounts left out and why, as a DataFrame (user, reason)."""
        import pandas as pd

        return pd.DataFrame(
            {"user": [u for u, _ in self.left_out], "reason": [r for _, r in self.left_out]}
        )

    def summary(self) -> str:
        """One sentence: the reach, the top-k comparison, the method and its guarantee."""
        topic = "" if self.topic is None else f" about {self.topic!r}"
        spent = "" if self.budget is None else f", cost {self.cost:g} of {self.budget:g}"
        lead = self.reach - self.top_reach
        one = len(self.users) == 1
        if self.horizon_days is None:
            what = "reaches" if one else "reach"
        else:
            what = "is expected to reach" if one else "are expected to reach"
        when = "" if self.horizon_days is None else f" in the next {self.horizon_days:.3g} days"
        top = "reaches" if len(self.top_users) == 1 else "reach"
        promise = (
            "no proven share of the optimum under k and a budget together"
            if math.isnan(self.guarantee)
            else f"guaranteed {self.guarantee:.3f} of the optimum"
        )
        if self.hops is not None:
            what += f" within {self.hops} hop{'s' if self.hops > 1 else ''}"
        return (
            f"{_count(len(self.users), 'account')}{topic} {what} {self.reach:,.1f} credible "
            f"people{when} (frequency {self.frequency}{spent}); the top "
            f"{len(self.top_users)} by score {top} {self.top_reach:,.1f} ({lead:+,.1f}); "
            f"{self.method}, {promise}; "
            f"{_count(self.candidates, 'candidate')}, {len(self.left_out):,} left out; window "
            f"of {self.window_days:g} days to {format_time(self.as_of)}"
        )

    def __str__(self) -> str:
        priced = bool(np.isfinite(self.costs).any())
        extra = f" {'cost':>10}" if priced else ""
        lines = [self.summary(), f"{'rank':>4}  {'user':<16} {'marginal':>10} {'reach':>10}{extra}"]
        for i, (user, gain, total) in enumerate(zip(self.users, self.gains, self.curve)):
            cost = f" {self.costs[i]:10,.2f}" if priced else ""
            lines.append(f"{i + 1:>4}  {user!s:<16} {gain:10.1f} {total:10.1f}{cost}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Notebook display: the summary, one row per chosen account with a bar of its
        marginal reach (and its cost under a budget), then the first accounts left out."""
        e = html.escape
        priced = bool(np.isfinite(self.costs).any())
        scale = max(float(self.gains.max(initial=0.0)), 1e-12)
        score = "overall score" if self.topic is not None else "score"
        rows = []
        for i, user in enumerate(self.users):
            width = round(120 * float(self.gains[i]) / scale)
            cost = f"<td style='text-align:right'>{self.costs[i]:,.2f}</td>" if priced else ""
            rows.append(
                f"<tr><td>{i + 1}</td><td>{e(str(user))}</td>"
                f"<td style='text-align:right'>{self.gains[i]:,.1f}</td>"
                f"<td style='text-align:left'><div style='display:inline-block;"
                f"background:#33aa77;width:{width}px;height:0.8em'></div></td>"
                f"<td style='text-align:right'>{self.curve[i]:,.1f}</td>"
                f"<td style='text-align:right'>{int(self.audience[i]):,}</td>"
                f"<td style='text-align:right'>{self.scores[i]:.1f}</td>{cost}</tr>"
            )
        head = (
            "<tr><th>rank</th><th>user</th><th>marginal reach</th><th></th><th>reach</th>"
            f"<th>audience</th><th>{score}</th>" + ("<th>cost</th>" if priced else "") + "</tr>"
        )
        shown = self.left_out[:LEFT_OUT_SHOWN]
        left = ""
        if shown:
            items = "".join(f"<li>{e(str(u))}: {e(why)}</li>" for u, why in shown)
            more = len(self.left_out) - len(shown)
            tail = f"<li>... and {more:,} more (left_out_to_pandas())</li>" if more else ""
            left = (
                f"<p>Left out ({_count(len(self.left_out), 'account')}):</p><ul>{items}{tail}</ul>"
            )
        return f"<div><p>{e(self.summary())}</p><table>{head}{''.join(rows)}</table>{left}</div>"
