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
from influence.components.credibility_stats import CredibilityStats, Seeds
from influence.engines.from_stats import pair_weight, selectivity
from influence.engines.spark_credibility import AimedPairs
from influence.engines.stats import PairStats
from influence.kernels import action_weight_table, saturate
from influence.pairs import sorted_lookup

__all__ = ["Judgement", "counted", "judged", "judgement", "seeds_among"]


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
) -> Judgement:
    """The :class:`Judgement` of a window: *judge* (the scorer's one Credibility judge,
    if any) on its *tables* (:func:`~influence.engines.spark_credibility.credibility_tables`),
    and the *reciprocity* keep weight of each engagement pair."""
    if judge is None or tables is None:
        ones = np.ones(reciprocity.size)
        return Judgement(pairs.source, pairs.target, ones, reciprocity, reciprocity, None)
    stats, aimed = tables
    n = users.size
    seeds = seeds_among(judge, users)
    facts = judge.judge(stats, seeds)
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
        own = np.clip(judge.judge(stats, seeds, trusted)["credibility"], 0.0, 1.0)
    return Judgement(aimed.source, aimed.target, cred, recip, reciprocity * cred[at], own)


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
    <influence.components.Credibility.credibility>` reads a trusted table."""
    engaged = (aimed.interactions > aimed.follows) & (reciprocity * credibility > 0.0)
    followed = (aimed.follows > 0) & (credibility > 0.0)
    return np.bincount(aimed.source[engaged | followed], minlength=n_users) > 0
