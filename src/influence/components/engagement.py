"""Engagement received: amplification and true reach, counted honestly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.constraints import NON_NEGATIVE, POSITIVE, Constraint
from influence.events import actions as _actions
from influence.events.table import Events
from influence.kernels import (
    action_weight_table,
    count_distinct_pairs,
    engagement_index,
    engagement_pairs,
    engagers_received,
    plural,
    saturate,
    shared,
    window_recency,
)

__all__ = ["Engagement", "exposure"]


def exposure(age_seconds: NDArray[np.float64], exposure_days: float) -> NDArray[np.float64]:
    r"""How far a post of a given age counts against its author's rate, in ``[0, 1]``.

    :math:`x(a) = \min(1, (\max(0, a - 1\,\mathrm{day}) / T)^2)`: nothing in the
    first day, then quadratically up to 1 at :math:`T + 1` days (:math:`T = 0`:
    in full after a day).
    """
    days = np.maximum(np.asarray(age_seconds, dtype=np.float64) / DAY - 1.0, 0.0)
    if exposure_days == 0:
        return np.asarray(days > 0, dtype=np.float64)
    return np.asarray(np.minimum(1.0, (days / exposure_days) ** 2), dtype=np.float64)


def _count_distinct_posts(
    user: NDArray[np.integer[Any]], post: NDArray[np.integer[Any]], n_users: int, n_posts: int
) -> NDArray[np.int64]:
    """``count_distinct_pairs(user, post, n_users, n_posts)``, in linear time when a post
    mostly goes with one user (engagement with a post mostly names its author).

    Each post keeps one of its users (a scatter); the pairs ``(kept user, post)`` are
    distinct by construction and counted with one ``np.bincount``, and only the rows
    naming another user than their post's kept one are sorted
    (:func:`count_distinct_pairs`). The counts are those of
    :func:`count_distinct_pairs`, exactly: the two sets of pairs are disjoint.

    Examples
    --------
    >>> import numpy as np
    >>> _count_distinct_posts(np.array([0, 0, 1, 0]), np.array([5, 5, 5, 2]), 2, 6).tolist()
    [2, 1]
    """
    if post.size == 0:
        return np.zeros(n_users, dtype=np.int64)
    # int32 where the users fit: half the bytes to scatter into and gather from.
    kept = np.full(n_posts, -1, dtype=np.int32 if n_users < 2**31 else np.int64)
    kept[post] = user
    other = kept[post] != user
    seen = kept[kept >= 0]
    counts = np.bincount(seen, minlength=n_users).astype(np.int64)
    if other.any():
        counts += count_distinct_pairs(user[other], post[other], n_users, n_posts)
    return counts


@dataclass(frozen=True)
class Engagement(BaseComponent):
    r"""Signal: what other people do with a user's content, counted by people.

    For user :math:`u` at time :math:`t`, each engagement event :math:`e`
    (reply, share, like or mention of :math:`u` by :math:`v \ne u`) has weight

    .. math::

        w_e = \rho(t - t_e)\; a_{\mathrm{action}(e)}\; \sigma(v)

    with :math:`\rho` the recency weight (half-life inside a window, tapered to
    zero at its edge), :math:`a` the action weight and :math:`\sigma(v)` the
    engager's selectivity (:func:`engager_selectivity`). Repeats by the same
    engager saturate: each engager counts at most once, as
    :math:`1 - e^{-\sum_e w_e}` (a like 0.63, a share 0.95, twenty likes 1), so

    .. math::

        M_u = \sum_{v} \Big(1 - e^{-\sum_{e:\, v \to u} w_e}\Big)\, \tau_{vu}, \qquad
        s(u) = \ln\big(1 + M_u\, \phi_u\big), \qquad
        \phi_u = \Big(\frac{E_u + K / r_0}{E_u + (K + P_u) / r_0}\Big)^{1/2}

    where :math:`E_u = \sum_e w_e` is the user's engagement volume (before the
    per-engager saturation, each pair's share times :math:`\tau_{vu}`),
    :math:`\tau_{vu} \in [0, 1]` the trust of the pair's events
    (:attr:`influence.Events.trust`: 1 unless the scorer's discounts, such as
    :class:`~influence.components.Reciprocity` and
    :class:`~influence.components.Credibility`, lower it) and :math:`r_0` the
    reference engagement per post. The rate factor :math:`\phi_u` puts rate
    over volume: the same engagement spread over many more posts counts less.
    :math:`P_u` counts the user's original posts, each weighted by its recency
    and by its *exposure*, the time it has had to find an audience,

    .. math::

        P_u = \sum_{p \text{ by } u} \rho(t - t_p)\; x(t - t_p), \qquad
        x(a) = \min\Big(1,\ \big(\max(0,\, a - 1\,\mathrm{day}) / T\big)^2\Big)

    (a post of today counts nothing against its author, one of a week 18%, one
    of :math:`T + 1` days or older in full), and :math:`K` prior posts at the
    reference rate keep a handful of posts from swinging the factor (one post
    and one like of the same age are counted at 97%, a hundred posts and one like at 35%).
    Since engagement and posts age with the same recency weights, silence does
    not improve the factor. Users whose posts are not in the log have
    :math:`\phi_u = 1`. Follows are not engagement; self-interactions count for
    nothing.

    The exposure and the prior bound what a post nobody engages can cost: its
    share of the factor is :math:`y = \rho x / (r_0 E_u + K + P_u + \rho x)
    \le x / K`, and :math:`1 - \sqrt{1 - y} \le y`, so with the defaults
    (:math:`K = 12`, :math:`T = 14`) a post of age :math:`a` lowers the factor,
    and so the score, by at most :math:`x(a)/12`, which is never more than
    :class:`~influence.components.Inactivity` (house parameters) takes for
    :math:`a` days of silence. Own activity is not a liability, and more posts
    with the same engagement never score higher.

    Parameters
    ----------
    window_days : float, default 90
        Klout's window; events older than this weigh nothing.
    half_life_days : float, default 30
        Age at which an event weighs half as much as a new one.
    reply_weight, share_weight, like_weight, mention_weight : float
        Action weights :math:`a` (defaults 2, 3, 1, 1.5): a share puts the
        content in front of a new audience and a reply takes effort, a like
        takes a click (Kred gives shares and replies more points than likes).
    selectivity_per_day : float, default 20
        Reference rate :math:`r_0` of the selectivity discount.
    engagement_per_post : float, default 2
        Reference engagement per post :math:`r_0` of the rate factor, in
        weighted engagement volume (2 is two likes, or one reply).
    prior_posts : float, default 12
        :math:`K`, posts at the reference rate the factor starts from.
    exposure_days : float, default 14
        :math:`T`, days (after the first) for a post to count in full against
        its author's rate.

    References
    ----------
    .. [1] A. Rao et al., "Klout score: Measuring influence across multiple
       social networks", IEEE Big Data 2015 (True Reach, Amplification).
    .. [2] M. Cha et al., "Measuring User Influence in Twitter: The Million
       Follower Fallacy", ICWSM 2010.
    """

    name: ClassVar[str] = "engagement"
    role: ClassVar[Role] = "signal"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "window_days": POSITIVE,
        "half_life_days": POSITIVE,
        "reply_weight": NON_NEGATIVE,
        "share_weight": NON_NEGATIVE,
        "like_weight": NON_NEGATIVE,
        "mention_weight": NON_NEGATIVE,
        "selectivity_per_day": POSITIVE,
        "engagement_per_post": POSITIVE,
        "prior_posts": NON_NEGATIVE,
        "exposure_days": NON_NEGATIVE,
    }

    window_days: float = STANDING.window_days
    half_life_days: float = STANDING.half_life_days
    reply_weight: float = 2.0
    share_weight: float = 3.0
    like_weight: float = 1.0
    mention_weight: float = 1.5
    selectivity_per_day: float = 20.0
    engagement_per_post: float = 2.0
    prior_posts: float = 12.0
    exposure_days: float = 14.0

    def action_weights(self) -> NDArray[np.float64]:
        """Weight per action code (post and follow weigh nothing)."""
        return action_weight_table(
            reply=self.reply_weight,
            share=self.share_weight,
            like=self.like_weight,
            mention=self.mention_weight,
        )

    @property
    def lookback_days(self) -> float:
        """The window: nothing before it counts."""
        return float(self.window_days)

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        _, pair_target, pair_sum, _, pair_trust = engagement_pairs(
            events,
            as_of,
            window_days=self.window_days,
            half_life_days=self.half_life_days,
            selectivity_per_day=self.selectivity_per_day,
            actions=self.action_weights(),
        )
        posts, counts = self._counts(events, as_of)
        saturated = saturate(pair_sum)
        if events.trust is not None:  # else every pair's trust is 1
            saturated *= pair_trust
            pair_sum = pair_sum * pair_trust
        mass = np.bincount(pair_target, weights=saturated, minlength=n)
        volume = np.bincount(pair_target, weights=pair_sum, minlength=n)
        factor = self.rate_factor(volume, posts)
        return Evidence(
            values=np.log1p(mass * factor),
            details={**counts, "rate_factor": factor, "mass": mass},
        )

    def rate_factor(self, volume: NDArray[Any], posts: NDArray[Any]) -> NDArray[np.float64]:
        r"""Per user, the rate over volume factor :math:`\sqrt{(V + p_0) / (V + p_0 + P/e)}`
        of the engagement volume *V* received and the exposed posts *P* (``1`` without
        posts): the value is :math:`\log(1 + M \cdot \text{factor})`. Public, so that an
        engine that aggregates *V*, *P* and the mass *M* elsewhere
        (:mod:`influence.engines.from_stats`) applies the same formula."""
        prior = self.prior_posts / self.engagement_per_post
        ratio = np.divide(
            volume + prior,
            volume + prior + posts / self.engagement_per_post,
            out=np.ones(volume.shape[0]),
            where=posts > 0,
        )
        return np.asarray(np.sqrt(ratio), dtype=np.float64)

    def _counts(
        self, events: Events, as_of: float
    ) -> tuple[NDArray[np.float64], dict[str, NDArray[np.int64]]]:
        """Own posts weighted by recency and exposure, and the counts the reason quotes.

        They do not depend on trust: shared with the same table with trust.
        """

        key = ("engagement-counts", float(as_of), self)
        return shared(events, key, lambda: self._counts_now(events, as_of), uses_trust=False)

    def _counts_now(
        self, events: Events, as_of: float
    ) -> tuple[NDArray[np.float64], dict[str, NDArray[np.int64]]]:
        """:meth:`_counts`, computed."""
        n = events.n_users
        pairs = engagement_index(events, as_of, self.window_days)
        rows = pairs.rows
        parent, target = events.parent[rows], events.target[rows]
        has_parent = parent >= 0
        posts_engaged = _count_distinct_posts(
            target[has_parent], parent[has_parent], n, len(events.posts)
        )
        # Rows are sorted by time: the window is a slice, its recency computed once.
        start, recency = window_recency(events, as_of, self.window_days, self.half_life_days)
        own = np.flatnonzero(events.action[start : start + recency.size] == _actions.POST)
        weight = recency[own] * exposure(as_of - events.time[own + start], self.exposure_days)
        own += start
        counts = {
            "engagers": engagers_received(events, as_of, self.window_days),
            "posts_engaged": posts_engaged,
            "engagements": np.bincount(target, minlength=n).astype(np.int64),
            "posts": np.bincount(events.actor[own], minlength=n).astype(np.int64),
        }
        posts = np.bincount(events.actor[own], weights=weight, minlength=n)
        return posts.astype(np.float64), counts

    def reason(self, details: Mapping[str, float], points: float) -> str:
        if not details["engagers"]:
            return f"no engagement from others in the last {self.window_days:g} days"
        posts = details["posts_engaged"]
        with_posts = f" with {plural(posts, 'post')}" if posts else ""
        text = (
            f"{plural(details['engagers'], 'distinct user')} engaged "
            f"{plural(details['engagements'], 'time')}{with_posts} in the last "
            f"{self.window_days:g} days"
        )
        if details["rate_factor"] < 0.9:
            text += (
                f"; spread over {plural(details['posts'], 'post')}, counted at "
                f"{100 * details['rate_factor']:.0f}%"
            )
        return f"{text} ({points:+.1f} points)"
