"""Cohorts of alike accounts: their anchors, and the credit their pooled suspicion gets."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence.pairs import sorted_lookup

__all__ = ["CohortPool", "cohort_credit", "credit_ratio", "main_targets_and_anchors"]


def _at_extreme(
    src: NDArray[np.int64],
    key: NDArray[Any],
    candidates: NDArray[np.intp],
    n: int,
    *,
    largest: bool,
) -> NDArray[np.intp]:
    """The *candidates* (pair indices) whose *key* is the largest (or smallest) among the
    candidates of the same source."""
    value = key[candidates].astype(np.float64)
    extreme = np.full(n, -np.inf if largest else np.inf)
    (np.maximum if largest else np.minimum).at(extreme, src[candidates], value)
    return np.asarray(candidates[value == extreme[src[candidates]]], dtype=np.intp)


def _first_per_source(src: NDArray[np.int64], candidates: NDArray[np.intp]) -> NDArray[np.intp]:
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
        inside = (pooled[source] > 0) & (self.gid[source] >= 0)
        keys = self._keys(source[inside], target[inside])
        self.keys, inverse = np.unique(keys, return_inverse=True)
        mass = np.bincount(
            inverse.reshape(-1), weights=(credit * pooled[source])[inside], minlength=self.keys.size
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
        """Per event of *actor* aimed at *target*: ``1 - s + s * ratio`` of its pool."""
        s = self.pooled[actor]
        out = np.ones(actor.size)
        inside = np.flatnonzero((s > 0) & (self.gid[actor] >= 0))
        if inside.size and self.keys.size:
            at, found = sorted_lookup(self.keys, self._keys(actor[inside], target[inside]))
            out[inside[found]] = self.ratio[at[found]]
        return np.asarray(1.0 - s + s * out, dtype=np.float64)

    def pair_factor(self) -> NDArray[np.float64]:
        """The same factor per engagement pair."""
        return self.factor(self.source, self.target)


def main_targets_and_anchors(
    src: NDArray[np.int64],
    dst: NDArray[np.int64],
    counts: NDArray[np.int64],
    appeared: NDArray[np.float64],
    n: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per account: its main target, its interactions with it, and its anchor (-1: none).

    The interaction pairs ``(src, dst)`` are sorted by source, then target, with
    *counts* interactions each; *appeared* is when each account first appears in the
    log (acting or acted upon). A cohort is made of accounts with the same anchor.
    """
    # Main target per actor: the pair with the most interactions; ties go to the
    # account that appeared first (a Sybil that follows its target and likes three
    # fellow Sybils once each still has the target as its main one), then to the lowest
    # id (pairs are sorted by (actor, target): the first remaining pair is the one).
    every = np.arange(src.size)
    best = _at_extreme(src, counts, every, n, largest=True)
    best = _at_extreme(src, appeared[dst], best, n, largest=False)
    first_best = _first_per_source(src, best)
    main_target = np.full(n, -1, dtype=np.int64)
    main_count = np.zeros(n, dtype=np.int64)
    main_target[src[first_best]] = dst[first_best]
    main_count[src[first_best]] = counts[first_best]
    # Anchor per actor: of the accounts it interacts with, the one that appeared first
    # in the log (ties: lowest id). Sybils that also like each other keep the account
    # they were made for as their anchor, however they spread their likes among
    # themselves, since they all appeared after it.
    first_oldest = _first_per_source(src, _at_extreme(src, appeared[dst], every, n, largest=False))
    anchor = np.full(n, -1, dtype=np.int64)
    anchor[src[first_oldest]] = dst[first_oldest]
    return main_target, main_count, anchor
