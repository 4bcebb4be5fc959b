"""Cohorts and crowds of suspect accounts: anchors, the credit a pool gets, farmed targets."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence.pairs import sorted_lookup

#: Share of a target's audience made of props (fresh accounts nobody engages) from which
#: it is fully propped up; below it, in proportion.
_FARMED_SHARE = 0.5

__all__ = [
    "CohortPool",
    "audiences",
    "cohort_credit",
    "credit_ratio",
    "farm_rule",
    "main_targets_and_anchors",
    "own_shares",
    "unfarmed",
]


def _segments(src: NDArray[np.integer[Any]]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Where each source's run of pairs starts in the sorted *src*, and how long it is."""
    new = np.empty(src.size, dtype=bool)
    new[:1] = True
    np.not_equal(src[1:], src[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    return starts, np.diff(starts, append=src.size)


def _first_per_source(
    src: NDArray[np.integer[Any]], candidates: NDArray[np.intp]
) -> NDArray[np.intp]:
    """The first of *candidates* for each source (pairs sorted by source, then target: the
    one with the lowest target id)."""
    return np.asarray(candidates[np.diff(src[candidates], prepend=-1) != 0], dtype=np.intp)


def cohort_credit(mass: ArrayLike, bound: float) -> NDArray[np.float64]:
    r"""The people a cohort's pooled engagement is credited as.

    .. math::

        G(S) = \begin{cases} S & S \le B \\ B + B\,\big(1 - e^{-(S - B)/B}\big) & S > B
        \end{cases}

    in full up to :math:`B`, then saturating towards :math:`2B`: increasing and
    concave, so a larger cohort is never credited as less than a smaller one,
    and no cohort as more than :math:`2B` people.
    """
    total = np.asarray(mass, dtype=np.float64)
    over = np.maximum(total - bound, 0.0)
    return np.asarray(np.minimum(total, bound) - bound * np.expm1(-over / bound), np.float64)


def credit_ratio(mass: ArrayLike, bound: float) -> NDArray[np.float64]:
    """``G(S) / S`` of :func:`cohort_credit`: the share of its suspect mass a pool keeps
    (1 for an empty pool)."""
    total = np.asarray(mass, dtype=np.float64)
    return np.divide(cohort_credit(total, bound), total, out=np.ones(total.shape), where=total > 0)


def own_shares(
    suspect: NDArray[np.float64], group: NDArray[np.int64], bound: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Per account: the members of its cohort, and the share of its credibility it keeps.

    *suspect* is each account's suspicion :math:`s(v)` as a cohort member (0: it is
    no member and counts for no one), *group* its cohort (same anchor, first seen
    together). Each cohort pools :math:`S = \sum_v s(v)` over its members, credited as
    :func:`cohort_credit`, and each member keeps :math:`1 - s(v) + s(v)\,G(S)/S`
    (non-members keep 1, and their cohort counts 0 members).

    Examples
    --------
    >>> import numpy as np
    >>> sizes, share = own_shares(np.array([1.0, 1.0, 0.0]), np.array([4, 4, -1]), 1.0)
    >>> sizes.tolist(), share.round(3).tolist()  # two members credited as G(2) = 1.632
    ([2.0, 2.0, 0.0], [0.816, 0.816, 1.0])
    """
    n = suspect.size
    sizes = np.zeros(n)
    share = np.ones(n)
    who = np.flatnonzero(suspect > 0)
    if who.size:
        _, inverse, counts = np.unique(group[who], return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        sizes[who] = counts[inverse]
        member = suspect[who]
        ratio = credit_ratio(np.bincount(inverse, weights=member), bound)
        share[who] = 1.0 - member + member * ratio[inverse]
    return sizes, share


def farm_rule(
    src: NDArray[np.integer[Any]],
    dst: NDArray[np.integer[Any]],
    counts: NDArray[np.integer[Any]],
    present: NDArray[np.float64],
    working: NDArray[np.float64],
    *,
    repeat_scale: float,
    crowd_scale: float,
    audience: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Per account: how *farmed* it is as a target (:math:`F`), and how far it is a farm
    bot (:math:`\mathrm{farm}`), as written in :class:`~influence.components.Credibility`.

    The interaction pairs ``(src, dst)`` have *counts* interactions each; *working* is
    each account's :math:`\pi` (props that come back), *present* 1 for the accounts that
    count in others' audiences (0: absent, e.g. distrusted), and *audience* the present
    accounts interacting with each account, if known already (:func:`audiences`).

    Only the pairs of working props (:math:`\pi > 0`, usually few) are read past the
    audience: every other pair adds exact zeros to the sums, and an account that is no
    prop is no farm bot.
    """
    n = present.size
    if audience is None:
        audience = audiences(src, dst, present)
    # A target is farmed by how many props engage it (as for cohorts) and how much of
    # its audience they make (all of it from half of it up); what a prop gives a farmed
    # target is discounted pair by pair, and a prop busy mostly with farmed targets loses
    # its credibility. Once a target is farmed, what any prop gives it is discounted (a
    # farm's late or lazy bots included).
    props_at = np.flatnonzero(working[src] > 0.0)  # the pairs of working props
    src, dst, counts = src[props_at], dst[props_at], counts[props_at]
    out = np.bincount(src, weights=counts, minlength=n)
    props = np.bincount(dst, weights=working[src], minlength=n)
    propped = np.clip(
        np.divide(props, audience * _FARMED_SHARE, out=np.zeros(n), where=audience > 0), 0.0, 1.0
    )
    # The crowd around a target counts each prop by the propped targets it serves (at
    # least one): ten bots that each work twenty customers are a crowd of two hundred,
    # not of the five or six that each customer sees.
    works = np.maximum(np.bincount(src, weights=propped[dst], minlength=n), 1.0)
    crowd = np.bincount(dst, weights=(working * works)[src], minlength=n)
    # ... and a crowd is more than one account: a newcomer who writes to fifty people at
    # once serves many "propped" targets, but is one account, not a farm.
    several = -np.expm1(-np.maximum(props - 1.0, 0.0) / repeat_scale)
    farmed = propped * several * -np.expm1(-np.maximum(crowd - 1.0, 0.0) / crowd_scale)
    to_farmed = np.bincount(src, weights=counts * farmed[dst], minlength=n)
    served = np.clip(
        (np.divide(to_farmed, out, out=np.zeros(n), where=out > 0) - 0.5) / 0.4, 0.0, 1.0
    )
    busy = -np.expm1(-np.maximum(to_farmed - 1.0, 0.0) / repeat_scale)
    return np.asarray(farmed, np.float64), np.asarray(working * served * busy, np.float64)


def unfarmed(
    prop: NDArray[np.float64],
    farmed: NDArray[np.float64],
    source: NDArray[np.integer[Any]],
    target: NDArray[np.integer[Any]],
) -> NDArray[np.float64]:
    """Per pair ``(source, target)``: ``1 - prop[source] * farmed[target]``, what a prop
    keeps of what it gives a farmed target (:func:`farm_rule`).

    Exactly 1 where the source is no prop (``prop`` 0), so only the props' pairs are
    looked up.
    """
    keep = np.ones(source.size)
    spent = prop[source]
    props = np.flatnonzero(spent > 0.0)
    keep[props] = 1.0 - spent[props] * farmed[target[props]]
    return keep


def audiences(
    src: NDArray[np.integer[Any]], dst: NDArray[np.integer[Any]], present: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Per account, the *present* accounts among those interacting with it (the pairs
    ``(src, dst)``): the audience :func:`farm_rule` weighs props against."""
    return np.asarray(np.bincount(dst, weights=present[src], minlength=present.size), np.float64)


class CohortPool:
    """Per (target, cohort): the suspect engagement pooled and credited by
    :func:`cohort_credit`, and the factor it leaves on each pair and event."""

    def __init__(
        self,
        source: NDArray[np.int64],
        target: NDArray[np.int64],
        credit: NDArray[np.float64],
        pooled: NDArray[np.float64],
        group: NDArray[np.int64],
        n: int,
        bound: float,
    ) -> None:
        self.pooled = pooled
        member = group >= 0
        self.ids, self.group = np.unique(group[member], return_inverse=True)
        self.gid = np.full(n, -1, dtype=np.int64)
        self.gid[member] = self.group.reshape(-1)
        self.source, self.target = source, target
        inside = np.flatnonzero(((pooled > 0) & (self.gid >= 0))[source])
        members = source[inside]
        keys = self._keys(members, target[inside])
        self.keys, inverse = np.unique(keys, return_inverse=True)
        mass = np.bincount(
            inverse.reshape(-1), weights=credit[inside] * pooled[members], minlength=self.keys.size
        )
        self.ratio = credit_ratio(mass, bound)

    def _keys(
        self, actor: NDArray[np.integer[Any]], target: NDArray[np.integer[Any]]
    ) -> NDArray[np.int64]:
        width = max(int(self.ids.size), 1)
        return np.asarray(target.astype(np.int64) * width + self.gid[actor], dtype=np.int64)

    def factor(
        self, actor: NDArray[np.integer[Any]], target: NDArray[np.integer[Any]]
    ) -> NDArray[np.float64]:
        """Per event of *actor* aimed at *target*: ``1 - s + s * ratio`` of its pool.

        Exactly 1 for the actors with no suspicion (:math:`s = 0`, most of them): only
        the others' events are looked up.
        """
        out = np.ones(actor.size)
        suspect = np.flatnonzero(self.pooled[actor] > 0)
        if suspect.size:
            who = actor[suspect]
            s = self.pooled[who]
            ratio = np.ones(suspect.size)
            inside = np.flatnonzero(self.gid[who] >= 0)
            if inside.size and self.keys.size:
                at, found = sorted_lookup(
                    self.keys, self._keys(who[inside], target[suspect][inside])
                )
                ratio[inside[found]] = self.ratio[at[found]]
            out[suspect] = 1.0 - s + s * ratio
        return out

    def pair_factor(self) -> NDArray[np.float64]:
        """The same factor per engagement pair."""
        return self.factor(self.source, self.target)


def main_targets_and_anchors(
    src: NDArray[np.integer[Any]],
    dst: NDArray[np.integer[Any]],
    counts: NDArray[np.integer[Any]],
    appeared: NDArray[np.float64],
    n: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per account: its main target, its interactions with it, and its anchor (-1: none).

    The interaction pairs ``(src, dst)`` are sorted by source, then target, with
    *counts* interactions each; *appeared* is when each account first appears in the
    log (acting or acted upon). A cohort is made of accounts with the same anchor.
    """
    main_target = np.full(n, -1, dtype=np.int64)
    main_count = np.zeros(n, dtype=np.int64)
    anchor = np.full(n, -1, dtype=np.int64)
    if src.size == 0:
        return main_target, main_count, anchor
    # The pairs of a source are one run of the sorted pairs: extremes per source are
    # reductions over runs (np.*.reduceat), read in order, and spread back over the run.
    starts, sizes = _segments(src)
    when = appeared[dst]
    # Main target per actor: the pair with the most interactions; ties go to the
    # account that appeared first (a Sybil that follows its target and likes three
    # fellow Sybils once each still has the target as its main one), then to the lowest
    # id (pairs are sorted by (actor, target): the first remaining pair is the one).
    most = counts == np.repeat(np.maximum.reduceat(counts, starts), sizes)
    earliest = np.minimum.reduceat(np.where(most, when, np.inf), starts)
    first_best = _first_per_source(src, np.flatnonzero(most & (when == np.repeat(earliest, sizes))))
    main_target[src[first_best]] = dst[first_best]
    main_count[src[first_best]] = counts[first_best]
    # Anchor per actor: of the accounts it interacts with, the one that appeared first
    # in the log (ties: lowest id). Sybils that also like each other keep the account
    # they were made for as their anchor, however they spread their likes among
    # themselves, since they all appeared after it.
    oldest = when == np.repeat(np.minimum.reduceat(when, starts), sizes)
    first_oldest = _first_per_source(src, np.flatnonzero(oldest))
    anchor[src[first_oldest]] = dst[first_oldest]
    return main_target, main_count, anchor
