"""Content longevity: engagement that keeps arriving days after a post."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import POSITIVE, Constraint
from influence.components.weights import scale_weights
from influence.events.table import Events
from influence.kernels import (
    BLOCK,
    PairIndex,
    engagement_index,
    post_origins,
    saturate,
    shared,
    sums,
)
from influence.trusted import partial_trust

__all__ = ["Longevity"]


class _Timed(NamedTuple):
    """Engagement with a post of the target's in the log (its delay is known), by pair."""

    pairs: PairIndex  # the timed rows and their engager pairs
    base: NDArray[np.float64]  # each row's weight (recency x action x selectivity)
    lasting: NDArray[np.float64]  # per pair: saturated summed weight x lasting factor
    kept: NDArray[np.float64]  # per user: the lasting mass at trust 1
    timed: NDArray[np.intp]  # per user: timed engagements received
    late: NDArray[np.intp]  # per user: those of them tau_days or more after the post


def _exp_decay(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.exp(x)``, bit for bit, without the slow path of arguments that underflow.

    On x86 an argument below about -708 (a subnormal or zero result) costs the vector
    ``exp`` a microcode assist, some ten times the time of any other argument; decays
    such as :math:`e^{-(d/\\tau)^2}` over days of delay are mostly such arguments. They
    are set aside: below -746 the result is 0 (the smallest subnormal is
    :math:`e^{-744.4}`), and the few between -746 and -700 are computed as before.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.0, -1.0, -720.0, -800.0, -np.inf])
    >>> bool(np.array_equal(_exp_decay(x), np.exp(x)))
    True
    """
    values = np.asarray(x, dtype=np.float64)
    out = np.exp(np.maximum(values, _NORMAL))
    low = values < _NORMAL
    if low.any():
        out[low] = 0.0
        tail = np.flatnonzero(low & (values > _ZERO))
        out[tail] = np.exp(values[tail])
    return out


#: Arguments of :func:`_exp_decay` above which ``exp`` is a normal number, and below
#: which it is 0.
_NORMAL, _ZERO = -700.0, -746.0


def _lasting(
    time: NDArray[np.float64],
    created: NDArray[np.float64],
    base: NDArray[np.float64],
    tau: float,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Per engagement, its weight *base* times :math:`g(d) = 1 - e^{-(d/\\tau)^2}` of its
    delay :math:`d = \\max(0, t - t_p)` (*time*, *created* and *tau* in seconds), and
    whether :math:`d \\ge \\tau`.

    In blocks of :data:`~influence.kernels.BLOCK` engagements, so that the temporaries
    stay in the cache (the same operations on each engagement: the result does not
    depend on the blocks).
    """
    weighted, late = np.empty(created.size), np.empty(created.size, dtype=bool)
    for start in range(0, created.size, BLOCK):  # blocks, not events: a few per million
        block = slice(start, start + BLOCK)
        delay = np.maximum(time[block] - created[block], 0.0)
        np.greater_equal(delay, tau, out=late[block])
        delay /= tau
        np.square(delay, out=delay)  # delay ** 2
        np.negative(delay, out=delay)
        weighted[block] = base[block] * (1.0 - _exp_decay(delay))
    return weighted, late


@dataclass(frozen=True)
class Longevity(BaseComponent):
    r"""Signal: engagement that lasts and travels over several days.

    For each engagement :math:`e` with a post of the user's that is in the
    log, posted at :math:`t_p`, the delay :math:`d_e = t_e - t_p` earns

    .. math::

        g(d) = 1 - e^{-(d/\tau)^2}

    (about 0 for a reaction in the first hours, 0.63 after :math:`\tau`, 0.98
    after :math:`2\tau`). Weighted like
    :class:`~influence.components.Engagement` (recency, action, engager
    selectivity) and saturating per engager,

    .. math::

        L_u = \sum_v \Big(1 - e^{-\sum_{e:\, v \to u} w_e\, g(d_e)}\Big), \qquad
        s(u) = \ln(1 + L_u)

    where each engager's term in :math:`L_u` is weighted by the trust of their
    events (:attr:`influence.Events.trust`): the lasting engaged-people mass.
    Since :math:`g \le 1`, :math:`L_u` is at most the timed engaged-people mass
    :math:`M_u` (the same sum without :math:`g`), so the signal is at most the
    (timed) engagement signal itself: a burst that dies within hours earns
    about nothing, content that people still share days later earns about as
    much as its engagement. More engagement never lowers it: a quick reaction
    adds little, never less than nothing (a share :math:`L_u / M_u` would fall
    as quick reactions are added). With the
    house weight of 0.25 lasting content adds up to a quarter to the raw score. Engagement whose
    post is not in view (no ``parent``, a parent created outside the log, or
    created more than ``2 * window_days`` before ``as_of``) earns nothing here:
    its delay is unknown, or the post too old to tell.

    **Lookback**: ``2 * window_days`` (180 days by default). The score at
    ``as_of`` depends only on the events of those days
    (:attr:`lookback_days`), so a window of them read by
    :func:`influence.engines.read_duckdb` gives the score the whole log gives.

    Parameters
    ----------
    window_days, half_life_days : float
        As in :class:`~influence.components.Engagement`.
    tau_days : float, default 1
        The delay :math:`\tau` at which engagement earns 63% of its weight.
    selectivity_per_day : float, default 20
        As in :class:`~influence.components.Engagement`.
    """

    name: ClassVar[str] = "longevity"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "window_days": POSITIVE,
        "half_life_days": POSITIVE,
        "tau_days": POSITIVE,
        "selectivity_per_day": POSITIVE,
    }

    window_days: float = STANDING.window_days
    half_life_days: float = STANDING.half_life_days
    tau_days: float = 1.0
    selectivity_per_day: float = 20.0

    @property
    def lookback_days(self) -> float:
        """Two windows: the engagement of the last one, timed from posts created up to a
        window before it."""
        return 2.0 * float(self.window_days)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        timed, base, lasting, kept, n_timed, late = self._timed(events, as_of)
        partial = None
        if events.trust is not None:
            partial = partial_trust(events, timed.rows, timed.inverse, lasting.size, base)
        if partial is not None and partial.groups.size:
            # Each pair's trust, weight-averaged (plain mean where its events all weigh 0);
            # pairs whose events all have trust 1 keep trust 1.
            pair_trust = np.ones(lasting.size)
            pair_trust[partial.groups] = np.divide(
                partial.weighted,
                partial.weight,
                out=partial.trust / np.maximum(partial.n_rows, 1),
                where=partial.weight > 0,
            )
            kept = np.asarray(
                np.bincount(timed.target, weights=lasting * pair_trust, minlength=n), np.float64
            )
        return Evidence(values=np.log1p(kept), details={"timed": n_timed, "late": late})

    def _timed(self, events: Events, as_of: float) -> _Timed:
        """The part that does not depend on trust, shared with the same table with trust."""
        key = ("longevity", float(as_of), self)
        return shared(events, key, lambda: self._timed_now(events, as_of), uses_trust=False)

    def _timed_now(self, events: Events, as_of: float) -> _Timed:
        """:meth:`_timed`, computed."""
        created_at, author = post_origins(events, as_of)
        index = engagement_index(events, as_of, self.window_days)
        parent = events.parent[index.rows]
        target = events.target[index.rows]
        created = created_at[parent]
        # A post is in view when created within the lookback (two windows), so that
        # the engagement of the last window is timed from posts up to a window older.
        since = as_of - self.lookback_days * DAY
        known = (author[parent] == target) & (created > since)
        base = scale_weights(events, as_of, self)
        timed = index  # the engagement rows whose post is in view, and their pairs
        if not known.all():  # in a log that holds every post, all of them
            timed = PairIndex(index.rows[known], index.source, index.target, index.inverse[known])
            created, base, target = created[known], base[known], target[known]
        weighted, late = _lasting(events.time[timed.rows], created, base, self.tau_days * DAY)
        # Per engager pair (over the timed rows only): the lasting weight.
        lasting = saturate(sums(timed, weighted))
        n = events.n_users
        # The timed engagements per user and the late ones, in one pass: bins 2u and 2u + 1.
        both = np.bincount(2 * target + late, minlength=2 * n).reshape(n, 2)
        return _Timed(
            timed,
            base,
            lasting,
            np.asarray(np.bincount(timed.target, weights=lasting, minlength=n), np.float64),
            both.sum(axis=1),
            both[:, 1].copy(),
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["timed"]:
            return "no engagement with posts of theirs in the log, so no longevity measured"
        share = details["late"] / details["timed"]
        return (
            f"{100 * share:.0f}% of {int(details['timed']):,} engagements with their posts "
            f"came {self.tau_days:g}+ days after the post ({points:+.1f} points)"
        )
