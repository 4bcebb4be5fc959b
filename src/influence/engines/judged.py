"""Credibility and Authenticity from a window's statistics: the trust of each pair, own standing.

Between the two passes of :func:`influence.engines.score_spark`, the driver judges the
accounts from :class:`~influence.components.credibility_stats.CredibilityStats`
(:meth:`Credibility.judge <influence.components.Credibility.judge>`) and turns the
judgement into what :class:`~influence.components.Credibility`'s evidence gives each
event: a weight that depends only on the event's actor and target, so one per aimed pair
(:func:`judged`); :func:`judgement` gathers it with the other discounts' weights, and
the engine sends the pairs of weight below 1 back to the rows. The Authenticity
modifier's factor is the judgement again on the trusted table, which counts only the
accounts with a trusted interaction in the window (:func:`counted`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence.components import Authenticity, Credibility
from influence.components.cohorts import CohortPool, unfarmed
from influence.components.conduct import ContentCounts
from influence.components.credibility_stats import CredibilityStats, Seeds
from influence.components.interactions import InteractionPairs
from influence.engines.from_stats import pair_weight, selectivity
from influence.engines.spark_credibility import AimedPairs
from influence.engines.stats import PairStats
from influence.kernels import action_weight_table, saturate
from influence.pairs import sorted_lookup

__all__ = [
    "Judgement",
    "counted",
    "judge_in_order",
    "judged",
    "judgement",
    "ranked",
    "seeds_among",
]


class Judgement(NamedTuple):
    """The discounts' weights of a window's pairs, and Authenticity's factor.

    ``source, target`` are the pairs sent back to the rows (the aimed pairs with a
    Credibility judge, else the engagement pairs); ``credibility`` is what each of
    their rows aimed at another account keeps, ``reciprocity`` what their engagement
    rows in the window keep besides; ``keep`` the product of all discounts per
    engagement pair (:class:`~influence.engines.stats.PairStats`); ``own`` the
    Authenticity factor per user (``None``: no Authenticity).
    """

    source: NDArray[np.int64]
    target: NDArray[np.int64]
    credibility: NDArray[np.float64]
    reciprocity: NDArray[np.float64]
    keep: NDArray[np.float64]
    own: NDArray[np.float64] | None


def judgement(
    scorer: Any,
    judge: Credibility | None,
    tables: tuple[CredibilityStats, AimedPairs] | None,
    pairs: PairStats,
    reciprocity: NDArray[np.float64],
    users: NDArray[Any],
    as_of: float,
    order: NDArray[np.intp] | None = None,
) -> Judgement:
    """The :class:`Judgement` of a window: *judge* (the scorer's one Credibility judge,
    if any) on its *tables* (:func:`~influence.engines.spark_credibility.credibility_tables`),
    and the *reciprocity* keep weight of each engagement pair.

    *order* lists the users in the order an in-memory table has them, if it is not the
    order of *users* (ids that are all integers in decimal are sorted as numbers there,
    :func:`influence.events.ids.typed`, not as text): the judge breaks ties by that order
    (:func:`judge_in_order`).
    """
    if judge is None or tables is None:
        ones = np.ones(reciprocity.size)
        return Judgement(pairs.source, pairs.target, ones, reciprocity, reciprocity, None)
    stats, aimed = tables
    n = users.size
    seeds = seeds_among(judge, users)
    facts = judge_in_order(judge, stats, seeds, order)
    width = max(n, 1)
    at, found = sorted_lookup(
        aimed.source * width + aimed.target, pairs.source * width + pairs.target
    )
    assert found.all()  # every engagement pair is aimed at another account
    recip = np.ones(aimed.source.size)
    recip[at] = reciprocity
    if any(isinstance(c, Credibility) for _, c in scorer.discounts):
        cred = judged(judge, facts, aimed, pairs, as_of)
    else:
        cred = np.ones(aimed.source.size)
    own = None
    if any(isinstance(c, Authenticity) for _, c in scorer.modifiers):
        trusted = counted(aimed, cred, recip, n)
        own = np.clip(judge_in_order(judge, stats, seeds, order, trusted)["credibility"], 0, 1)
    return Judgement(aimed.source, aimed.target, cred, recip, reciprocity * cred[at], own)


def judge_in_order(
    judge: Credibility,
    stats: CredibilityStats,
    seeds: Seeds,
    order: NDArray[np.intp] | None,
    counted: NDArray[np.bool_] | None = None,
) -> dict[str, NDArray[Any]]:
    """:meth:`Credibility.judge <influence.components.Credibility.judge>` with the users
    ranked by *order* (the users by rank; ``None``: as they are): where the judge breaks
    ties by the lowest user (a main target, an anchor), the lowest is the first in
    *order*. Each fact comes back per user, in the users' own order.

    Examples
    --------
    >>> import numpy as np
    >>> from influence import Events
    >>> from influence.components import Credibility
    >>> ev = Events.from_records([{"time": 0, "actor": "b", "action": "like", "target": "a"}])
    >>> judge = Credibility()
    >>> stats, seeds = judge.statistics(ev, 0.0), judge.seeds(ev)
    >>> backwards = judge_in_order(judge, stats, seeds, np.array([1, 0]))
    >>> all(np.array_equal(v, judge.judge(stats, seeds)[k]) for k, v in backwards.items())
    True
    """
    if order is None:
        return judge.judge(stats, seeds, counted)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    found = Seeds(order.size, rank[seeds.trusted], rank[seeds.distrusted])
    in_order = judge.judge(ranked(stats, order), found, None if counted is None else counted[order])
    return {name: values[rank] for name, values in in_order.items()}


def ranked(stats: CredibilityStats, order: NDArray[np.intp]) -> CredibilityStats:
    """*stats* with the users renumbered by *order* (user ``order[k]`` becomes user ``k``),
    the pairs sorted again by their new key."""
    n = order.size
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    pairs = stats.pairs
    source, target = rank[pairs.source], rank[pairs.target]
    by_key = np.argsort(source * max(n, 1) + target, kind="stable")
    c = stats.content
    return CredibilityStats(
        pairs=InteractionPairs(
            source[by_key].astype(np.int32),
            target[by_key].astype(np.int32),
            pairs.counts[by_key],
            pairs.engaged[by_key],
        ),
        first=stats.first[order],
        last=stats.last[order],
        appeared=stats.appeared[order],
        start=stats.start,
        content=ContentCounts(
            c.repeats[order], c.answered[order], c.link_only[order], c.other[order], c.posts[order]
        ),
        gaps=stats.gaps[order],
        gap_sum=stats.gap_sum[order],
        gap_square=stats.gap_square[order],
        answerers=stats.answerers[order],
    )


def seeds_among(judge: Credibility, users: NDArray[Any]) -> Seeds:
    """*judge*'s seed accounts among the sorted, distinct text ids *users*."""

    def indices(ids: NDArray[Any]) -> NDArray[np.int64]:
        text = np.asarray([str(u) for u in ids.tolist()], dtype=users.dtype)
        at = np.minimum(np.searchsorted(users, text), max(users.size - 1, 0))
        found = users.size > 0
        return np.where(found & (users[at] == text) if found else False, at, -1).astype(np.int64)

    return Seeds.found(users.size, indices, judge.trusted, judge.distrusted)


def judged(
    judge: Credibility,
    facts: dict[str, NDArray[Any]],
    aimed: AimedPairs,
    pairs: PairStats,
    as_of: float,
) -> NDArray[np.float64]:
    r"""What Credibility keeps of each aimed pair's rows, given its judgement *facts*
    (:meth:`Credibility.judge <influence.components.Credibility.judge>`).

    As in its evidence: :math:`c_0(v)` (``base``) for the rows of an actor that is
    neither prop nor cohort member, and
    :math:`c_0(v)\,(1 - p^*(v) F(u))\,(1 - s(v) + s(v) G(S_u)/S_u)` for the others',
    with the cohorts' pools :math:`S_u` over the engagement pairs' engaged-people mass
    (recency, the house action weights, the engager's selectivity, saturated).
    """
    n = facts["base"].size
    base, prop, farmed = facts["base"], facts["prop"], facts["farmed"]
    pooled, group = facts["pooled"], facts["group"]
    sigma = selectivity(pairs, n, as_of, judge.selectivity_per_day)
    mass = saturate(pair_weight(pairs, pairs.recency, sigma, action_weight_table()))
    pair = unfarmed(prop, farmed, pairs.source, pairs.target)
    pair *= base[pairs.source]
    pool = CohortPool(
        pairs.source, pairs.target, mass * pair, pooled, group, n, judge.cohort_credit
    )
    keep = base[aimed.source]
    rows = np.flatnonzero(((prop > 0.0) | (pooled > 0.0))[aimed.source])
    if rows.size:
        actor, target = aimed.source[rows], aimed.target[rows]
        keep[rows] = (
            base[actor] * unfarmed(prop, farmed, actor, target) * pool.factor(actor, target)
        )
    return keep


def counted(
    aimed: AimedPairs,
    credibility: NDArray[np.float64],
    reciprocity: NDArray[np.float64],
    n_users: int,
) -> NDArray[np.bool_]:
    """Per account, whether one of its interactions in the window keeps some trust: an
    engagement (trust: *reciprocity* times *credibility* of its pair) or a follow
    (*credibility* alone), as :meth:`Credibility.credibility
    <influence.components.Credibility.credibility>` reads a trusted table.

    Examples
    --------
    >>> import numpy as np
    >>> from influence.engines.spark_credibility import AimedPairs
    >>> aimed = AimedPairs(np.array([0, 1]), np.array([1, 0]), np.array([2, 1]), np.array([1, 0]))
    >>> counted(aimed, np.array([0.5, 1.0]), np.array([1.0, 0.0]), 3).tolist()
    [True, False, False]
    """
    engaged = (aimed.interactions > aimed.follows) & (reciprocity * credibility > 0.0)
    followed = (aimed.follows > 0) & (credibility > 0.0)
    return np.bincount(aimed.source[engaged | followed], minlength=n_users) > 0
