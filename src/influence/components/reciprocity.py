"""Reciprocity: discount engagement that is returned quid pro quo, pairwise and in rings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import NON_NEGATIVE, POSITIVE, Constraint
from influence.components.weights import scale_weights
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels import (
    BLOCK,
    PairIndex,
    discounted_share,
    engagement_index,
    pair_keep_per_event,
    plural,
    post_answers,
    post_origins,
    saturate,
    sums,
)
from influence.pairs import sorted_lookup

__all__ = ["Reciprocity", "common_partners", "mutual_pairs", "quid_pro_quo"]

_AMPLIFY = _actions.mask_of(frozenset({_actions.SHARE, _actions.LIKE}))


def common_partners(
    source: NDArray[np.int64], target: NDArray[np.int64], n_users: int
) -> NDArray[np.int64]:
    """For each pair of a symmetric pair set, the partners both ends have in common.

    The pairs (both directions of each) must be sorted by ``source * n_users + target``.
    Each pair looks up the partners of its lower-degree end among those of the other,
    so the work is the sum over pairs of the smaller degree: a hub with a
    hundred thousand mutual partners costs as much as its partners' own degrees, not
    the square of its own (``A @ A`` would).

    Examples
    --------
    >>> import numpy as np
    >>> # a triangle 0-1-2 and a pendant 2-3: pairs in both directions, sorted
    >>> s = np.array([0, 0, 1, 1, 2, 2, 2, 3]); t = np.array([1, 2, 0, 2, 0, 1, 3, 2])
    >>> common_partners(s, t, 4).tolist()
    [1, 1, 1, 1, 1, 1, 0, 0]
    """
    width = max(n_users, 1)
    key = source * width + target
    degree = np.bincount(source, minlength=width)
    start = np.concatenate(([0], np.cumsum(degree)))[:-1]
    low = np.where(degree[source] <= degree[target], source, target)
    high = source + target - low
    lengths = degree[low]
    common = np.zeros(source.size, dtype=np.int64)
    if source.size == 0:
        return common
    # The probes of a block of pairs at a time (about BLOCK of them): a dense ring makes
    # many times more probes than pairs, and a block's probes stay in the cache.
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(BLOCK, int(ends[-1]), BLOCK), side="right")
    bounds = np.unique(np.concatenate(([0], cuts, [source.size])))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):  # blocks, not pairs
        size = lengths[lo:hi]
        owner = np.repeat(np.arange(lo, hi), size)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(size) - size, size)
        partner = target[start[low[owner]] + offset]  # the partners of each pair's low end
        _, found = sorted_lookup(key, high[owner] * width + partner)
        common[lo:hi] = np.bincount(owner[found] - lo, minlength=hi - lo)
    return common


def mutual_pairs(
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    amplified: NDArray[np.float64],
    n_users: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The pairs amplified at least once each way, and where each one's reverse is among them.

    Pairs must be unique and sorted by ``source * n_users + target``. Returns the
    indices of the mutual pairs (ascending) and, for each, the position of its reverse
    pair in that list (a user's pair with themselves is its own reverse). The two
    directions of a pair share the key ``min * n_users + max``: one sort of the keys of
    the amplified pairs puts them side by side, and only the keys found twice are looked
    up among the pairs, so the cost is one sort, not a search per pair.

    Examples
    --------
    >>> import numpy as np
    >>> pair, reverse = mutual_pairs(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]),
    ...                              np.array([2.0, 1.0, 0.0, 5.0]), 3)
    >>> pair.tolist(), reverse.tolist()  # 2 -> 1 is not returned: 1 -> 2 amplifies nothing
    ([0, 1], [1, 0])
    """
    width = max(n_users, 1)
    amplifying = amplified >= 1.0
    first, second = source[amplifying], target[amplifying]
    loops = first[first == second]  # a pair of a user with themselves is its own reverse
    undirected = np.minimum(first, second)
    undirected *= width
    undirected += np.maximum(first, second, out=first)
    undirected.sort()
    twice = undirected[1:][undirected[1:] == undirected[:-1]]
    low, high = np.divmod(np.concatenate((twice, loops * (width + 1))), width)
    keys = np.unique(np.concatenate((low * width + high, high * width + low)))
    if keys.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    first, second = np.divmod(keys, width)
    _, at = _pairs_from(source, first)
    table = source[at] * width + target[at]  # the pairs of those sources, in key order
    pair = at[np.searchsorted(table, keys)]  # every key is a pair's
    reverse = np.searchsorted(keys, second * width + first)
    return pair, reverse


def _pairs_from(
    source: NDArray[np.int64], users: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
    """The distinct *users* (sorted) and, in order, the indices of the pairs (sorted by
    source) that start at one of them: the pairs of a few users, without a pass over all."""
    distinct = np.unique(users)
    start = np.searchsorted(source, distinct, side="left")
    count = np.searchsorted(source, distinct, side="right") - start
    offset = np.cumsum(count) - count
    at = np.arange(int(count.sum()), dtype=np.intp)
    at += np.repeat(start - offset, count)
    return distinct, at


def quid_pro_quo(
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    amplified: NDArray[np.float64],
    n_users: int,
    *,
    fast: NDArray[np.float64] | None = None,
    posts: NDArray[np.float64] | None = None,
    free_exchanges: float = 3.0,
    scale: float = 5.0,
    free_common: float = 2.0,
    ring_scale: float = 4.0,
) -> NDArray[np.float64]:
    r"""Per directed engagement pair :math:`v \to u`, its quid-pro-quo share in [0, 1].

    Pairs must be unique and sorted by ``source * n_users + target`` (as
    :func:`~influence.kernels.group_sums` returns them);
    *amplified* counts each pair's shares and likes, *fast* (optional) how many
    of those came within minutes of the post they amplify. With
    :math:`m = \min(a_{vu}, a_{uv})` the amplification the two return to each
    other, :math:`\phi` the smaller of the two directions' fast shares,
    :math:`\epsilon` the smaller of their exclusivities (the share of each
    one's amplification that goes to the other) and :math:`k` the number of
    partners they have in common in the graph of mutual amplifiers,

    .. math::

        h = 1 - e^{-\max(0,\, m - f)\,(1 + \phi)(1 + 4\epsilon)/s}, \qquad
        r = \big(1 - e^{-\max(0,\, k - f_k)/s_k}\big)\, c_{vu}, \qquad
        q_{vu} = 1 - (1 - h)(1 - r)

    for mutual pairs (:math:`m \ge 1`), 0 otherwise: heavy mutual
    amplification beyond :math:`f` free exchanges, sooner when the returns are
    fast and exclusive, or membership of a dense ring of mutual amplifiers. The
    ring term counts by the pair's coverage :math:`c_{vu} = \min(1, a_{vu}/P_u,
    a_{uv}/P_v)`, with *posts* :math:`P` per user (the posts others engaged
    with; :math:`c = 1` without *posts*, or where a user has none): a ring
    amplifies its members' every post, a club likes a few of them.
    Replies and mentions do not count as amplification, so conversations
    between friends are never discounted, nor are a few mutual likes.

    Examples
    --------
    >>> import numpy as np
    >>> q = quid_pro_quo(np.array([0, 1, 2]), np.array([1, 0, 0]),
    ...                  np.array([20.0, 20.0, 20.0]), 3)
    >>> q.round(3).tolist()  # 0 and 1 trade 20 shares each way, only with each other
    [1.0, 1.0, 0.0]
    """
    pair, reverse = mutual_pairs(source, target, amplified, n_users)
    return _traded(
        source,
        target,
        amplified,
        n_users,
        pair,
        reverse,
        None if fast is None else fast[pair],
        posts,
        (free_exchanges, scale, free_common, ring_scale),
    )


def _traded(
    source: NDArray[np.int64],
    target: NDArray[np.int64],
    amplified: NDArray[np.float64],
    n_users: int,
    pair: NDArray[np.intp],
    reverse: NDArray[np.intp],
    fast: NDArray[np.float64] | Callable[[], NDArray[np.float64]] | None,
    posts: NDArray[np.float64] | Callable[[], NDArray[np.float64]] | None,
    parameters: tuple[float, float, float, float],
) -> NDArray[np.float64]:
    """:func:`quid_pro_quo` of every pair, given its :func:`mutual_pairs` and their fast
    amplification (*fast*, one per mutual pair): pairs that are not mutual trade nothing,
    so only the mutual ones are judged.

    *fast* and *posts* may be functions that compute them (from finite counts): they are
    called only when they can change a share, that is when a pair has more than
    ``free_exchanges`` mutual amplifications (*fast* scales only those) or more than
    ``free_common`` common partners (*posts* scales only those); otherwise both terms
    are exactly 0 whatever they are.
    """
    free_exchanges, scale, free_common, ring_scale = parameters
    share = np.zeros(source.size)
    if pair.size == 0:
        return share
    width = max(n_users, 1)
    mine = amplified[pair]
    mutual = np.minimum(mine, mine[reverse])
    # Each mutual pair's source's total amplification: the sum of its pairs in key order, as
    # a bincount over all pairs would add them, read from the pairs of those sources alone.
    users, at = _pairs_from(source, source[pair])
    owner = np.searchsorted(users, source[at])
    total = np.bincount(owner, weights=amplified[at], minlength=users.size)
    total = total[np.searchsorted(users, source[pair])]
    exclusive = np.divide(mine, total, out=np.zeros(pair.size), where=total > 0)
    exclusive = np.minimum(exclusive, exclusive[reverse])
    quick = np.zeros(pair.size)
    if callable(fast) and not np.any(mutual > free_exchanges):
        fast = None
    if fast is not None:
        fast = fast() if callable(fast) else fast
        quick = np.divide(fast, mine, out=np.zeros(pair.size), where=mine > 0)
        quick = np.minimum(quick, quick[reverse])
    boost = (1.0 + quick) * (1.0 + 4.0 * exclusive)
    heavy = -np.expm1(-np.maximum(mutual - free_exchanges, 0.0) * boost / scale)
    common = common_partners(source[pair], target[pair], width).astype(np.float64)
    ring = -np.expm1(-np.maximum(common - free_common, 0.0) / ring_scale)
    if callable(posts) and not np.any(common > free_common):
        posts = None
    if posts is not None:
        posts = posts() if callable(posts) else posts
        # A ring amplifies its members' every post; a club likes a few of them. The ring
        # term counts by the smaller coverage of the two directions (unknown, 1, where a
        # user's posts are not in the log).
        own = posts[target[pair]]
        covered = np.divide(mine, own, out=np.ones(pair.size), where=own > 0)
        covered = np.minimum(np.minimum(covered, covered[reverse]), 1.0)
        ring = ring * covered
    share[pair] = 1.0 - (1.0 - heavy) * (1.0 - ring)
    return share


@dataclass(frozen=True)
class Reciprocity(BaseComponent):
    r"""Discount: engagement received quid pro quo counts for nothing.

    Each engagement pair :math:`v \to u` gets a quid-pro-quo share
    :math:`q_{vu}` (:func:`quid_pro_quo`: heavy mutual amplification, or a
    dense ring of accounts that amplify each other), judged on the window of
    :class:`~influence.components.Engagement`. Every engagement event of the
    pair is then trusted :math:`1 - q_{vu}`:

    .. math::

        \tau_e = 1 - q_{vu} \quad \text{for every event } e: v \to u

    and the scorer multiplies that into :attr:`influence.Events.trust`, so every
    signal (engagement, momentum, the reach gate of activity, longevity,
    authority) counts the pair for what is left. "You retweet mine and I
    retweet yours" rings lose what they traded, while friendship is untouched.
    The traded engagement is removed, not spread over the user's other
    engagers, which would reward a hub instead of punishing the ring; and it is
    removed from the signals rather than factored out of the score, so the
    rest of a user's engagement keeps its full worth.

    Parameters
    ----------
    window_days, half_life_days, selectivity_per_day : float
        As in :class:`~influence.components.Engagement`.
    free_exchanges : float, default 3
        Mutual shares and likes per pair that are never discounted.
    scale : float, default 5
        How fast the pairwise discount grows beyond the free exchanges.
    free_common : float, default 2
        Common mutual-amplification partners a pair may have without suspicion.
    ring_scale : float, default 4
        How fast the ring discount grows with more common partners.
    fast_minutes : float, default 30
        Amplification this soon after the post counts as a fast return.
    """

    name: ClassVar[str] = "reciprocity"
    role: ClassVar[Role] = "discount"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "window_days": POSITIVE,
        "half_life_days": POSITIVE,
        "selectivity_per_day": POSITIVE,
        "free_exchanges": NON_NEGATIVE,
        "scale": POSITIVE,
        "free_common": NON_NEGATIVE,
        "ring_scale": POSITIVE,
        "fast_minutes": POSITIVE,
    }

    window_days: float = STANDING.window_days
    half_life_days: float = STANDING.half_life_days
    selectivity_per_day: float = 20.0
    free_exchanges: float = 3.0
    scale: float = 5.0
    free_common: float = 2.0
    ring_scale: float = 4.0
    fast_minutes: float = 30.0

    def pair_discounts(
        self, events: Events, as_of: float
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Engagement pairs ``(source, target)``, their mass and their quid-pro-quo share."""
        index, share = self._judge(events, as_of)
        return index.source, index.target, self._mass(events, as_of, index), share

    def _mass(self, events: Events, as_of: float, index: PairIndex) -> NDArray[np.float64]:
        """Per pair of *index*, what its engagement is worth (saturated summed weight)."""
        weight = scale_weights(events, as_of, self)
        return saturate(sums(index, weight))

    def _judge(self, events: Events, as_of: float) -> tuple[PairIndex, NDArray[np.float64]]:
        n = events.n_users
        index = engagement_index(events, as_of, self.window_days)
        source, target = index.source, index.target
        # Shares and likes per pair: counts, so any order of summing gives the same bits.
        amplify = _AMPLIFY[events.action[index.rows]]
        amplified = np.bincount(index.inverse[amplify], minlength=source.size).astype(np.float64)
        pair, reverse = mutual_pairs(source, target, amplified, n)
        share = _traded(
            source,
            target,
            amplified,
            n,
            pair,
            reverse,
            lambda: self._fast_returns(events, as_of, index, amplify, pair),
            lambda: self._posts(events, as_of),
            (self.free_exchanges, self.scale, self.free_common, self.ring_scale),
        )
        return index, share

    def _fast_returns(
        self,
        events: Events,
        as_of: float,
        index: PairIndex,
        amplify: NDArray[np.bool_],
        pair: NDArray[np.intp],
    ) -> NDArray[np.float64]:
        """Per pair of *pair* (indices into *index*), its shares and likes that came within
        ``fast_minutes`` of the post they amplify, when that post (by the target) is in the log.
        """
        chosen = np.zeros(index.source.size, dtype=bool)
        chosen[pair] = True
        at = np.flatnonzero(amplify & chosen[index.inverse])
        rows = index.rows[at]
        posted, author = post_origins(events, as_of)
        parent = events.parent[rows]
        delay = events.time[rows] - posted[parent]
        quick = (
            (author[parent] == events.target[rows])
            & (delay >= 0.0)
            & (delay <= self.fast_minutes * 60.0)
        )
        owner = np.searchsorted(pair, index.inverse[at[quick]])
        return np.bincount(owner, minlength=pair.size).astype(np.float64)

    def _posts(self, events: Events, as_of: float) -> NDArray[np.float64]:
        """Per user, their own posts in the window that others engaged with.

        Posts nobody engages do not count: padding a feed with them cannot dilute
        a ring's coverage (and the same engagement over more posts never scores higher).
        """
        engaged = post_answers(events, as_of, since=as_of - self.lookback_days * DAY) > 0
        posts = np.flatnonzero(events.action == _actions.POST)
        time = events.time[posts]
        own = posts[
            (time <= as_of) & (time > as_of - self.window_days * DAY) & engaged[events.post[posts]]
        ]
        return np.bincount(events.actor[own], minlength=events.n_users).astype(np.float64)

    @property
    def lookback_days(self) -> float:
        """The window, and ``fast_minutes`` before it: a fast return in the window may
        answer a post made just before it."""
        return float(self.window_days) + self.fast_minutes / (24.0 * 60.0)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        index, share = self._judge(events, as_of)
        source, target = index.source, index.target
        if share.any():
            keep = 1.0 - share
            values = pair_keep_per_event(
                events, as_of, source, target, keep, index.rows, index.inverse
            )
            traded = discounted_share(target, self._mass(events, as_of, index), keep, n)
        else:  # nothing traded: every event is kept whole and nobody lost any share
            values, traded = np.ones(len(events)), np.zeros(n)
        return Evidence(
            values=values,
            details={
                "traded_share": traded,
                "partners": np.bincount(target[share >= 0.5], minlength=n).astype(np.int64),
            },
        )

    def reason(self, details: Mapping[str, float], points: float) -> str:
        share = details["traded_share"]
        if share < 0.005:
            return "no quid-pro-quo engagement found"
        who = (
            f" from {plural(details['partners'], 'account')} that return it in kind"
            if details["partners"]
            else " in mutual exchanges"
        )
        return f"{points:+.1f} points: {100 * share:.0f}% of received engagement came{who}"
