"""Credibility's traits: what its two passes read of every account, and their rerun with trust."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.components.cohorts import main_targets_and_anchors
from influence.components.conduct import clockwork_of, shares_of
from influence.components.credibility_stats import CredibilityStats, Seeds

__all__ = ["credibility_traits", "rejudged", "seeded"]


def seeded(
    seeds: Seeds,
    value: NDArray[np.float64],
    *,
    trusted: float = 1.0,
    distrusted: float = 0.0,
) -> NDArray[np.float64]:
    """*value* (changed in place and returned) with the seeds' entries set: *trusted* at
    the trusted accounts, *distrusted* at the distrusted ones."""
    value[seeds.trusted] = trusted
    value[seeds.distrusted] = distrusted
    return value


def credibility_traits(
    stats: CredibilityStats,
    seeds: Seeds,
    *,
    cohort_days: float,
    burst_days: float,
    repeat_scale: float,
    content_prior: float,
    min_posts: int,
) -> dict[str, NDArray[Any]]:
    """What the two passes of :class:`~influence.components.Credibility` read: every
    account's history, purpose and conduct, from the window's *stats* alone (the
    parameters are the component's; its class description gives each formula)."""
    n = stats.first.size
    src, dst, counts, has = stats.pairs
    out = np.bincount(src, weights=counts, minlength=n).astype(np.int64)
    first, last = stats.first, stats.last  # as far as the lookback (two windows) shows
    junk, links = shares_of(stats.content, content_prior)
    regular = clockwork_of(stats.gaps, stats.gap_sum, stats.gap_square, min_posts)
    # Alike accounts: burst accounts (all their actions within `burst_days`) with the
    # same anchor, first seen within `cohort_days` of each other. What they do
    # among themselves is not a life of their own: interactions with alike accounts
    # count towards "single purpose", and engagement from them does not make an
    # account less lonely (so Sybils that also like each other are judged like Sybils
    # that do not). Cohorts are counted in `cohort_days` buckets.
    span = cohort_days * DAY
    burst = (last - first) <= burst_days * DAY
    # Only burst accounts can be cohort members or props (what judges purpose or
    # loneliness is multiplied by `burst`): only theirs are the main target (the pair
    # with the most interactions), anchor (of the accounts they interact with, the one
    # that appeared first in the log) and answered posts; the others read none.
    mine = np.flatnonzero(burst[src])
    main_target, main_count, anchor = main_targets_and_anchors(
        src[mine], dst[mine], counts[mine], stats.appeared, n
    )
    # Fresh: a burst account first seen `burst_days` or more after the log begins, so
    # that its whole life is in view (in a shorter log nobody's is: an account seen on
    # the first day may be years old, and nothing is judged fresh).
    fresh = burst & (first >= stats.start + burst_days * DAY) & (out > 0)
    # What a farm bot does and a newcomer or a passing liker does not: it comes back
    # to the same account again and again (a one-off like is not a farm's work), and
    # nobody engages posts of its own (a newcomer who posts and is answered, even by
    # other newcomers only, has a life of its own).
    repeats = out - np.bincount(src, minlength=n)  # interactions beyond the first, per account
    again = -np.expm1(-repeats / repeat_scale)
    # Repeating the action on the main target (a follow and a like make 0.63).
    repeating = -np.expm1(-np.maximum(main_count - 1.0, 0.0) / repeat_scale)
    unanswered = np.exp(-stats.answerers)
    lifeless = fresh * unanswered
    fresh[seeds.trusted] = False
    # Distrusted accounts are judged fakes already: in nobody else's judgement do they
    # count (no prop, audience, engager or cohort peer), so that flagging bots cannot
    # make the genuine accounts engaging the same target look like their farm or cohort.
    present = seeded(seeds, np.ones(n), distrusted=0.0)
    # Alike pairs: burst accounts with the same anchor, first seen within `span` apart.
    inside = np.zeros(src.size, dtype=bool)
    maybe = np.flatnonzero(burst[src] & (anchor[src] >= 0))
    a, b = src[maybe], dst[maybe]
    inside[maybe] = burst[b] & (anchor[a] == anchor[b]) & (np.abs(first[a] - first[b]) <= span)
    among = np.bincount(src[inside], weights=counts[inside], minlength=n)
    to_anchor = np.zeros(n)
    anchored = dst == anchor[src]
    to_anchor[src[anchored]] = counts[anchored]
    top_share = np.minimum(
        np.divide(np.maximum(main_count, to_anchor + among), out, out=np.zeros(n), where=out > 0),
        1.0,
    )
    day = np.floor(first / span).astype(np.int64)
    day -= day.min(initial=0)  # non-negative, so that (anchor, day) packs uniquely
    group = anchor * (int(day.max(initial=0)) + 1) + day
    return {
        "src": src, "dst": dst, "counts": counts, "out": out,
        "outside": has & ~inside, "fresh": fresh,
        "top_share": top_share, "burst": burst, "unanswered": unanswered,
        "repeating": repeating * (main_target >= 0), "lifeless": lifeless, "again": again,
        "group": group, "anchor": anchor, "first": first, "present": present,
        "junk": junk, "links": links, "regular": regular, "posts": stats.content.posts,
    }  # fmt: skip


def rejudged(
    passes: Callable[[NDArray[np.float64]], dict[str, NDArray[Any]]],
    traits: Mapping[str, NDArray[Any]],
    facts: dict[str, NDArray[Any]],
    counted: NDArray[np.bool_],
) -> dict[str, NDArray[Any]]:
    """*facts* with the *passes* (given who is present) run again without the accounts
    none of whose interactions in the window is trusted (not *counted*: whole accounts,
    not weighted by trust, see :meth:`Credibility.credibility
    <influence.components.Credibility.credibility>`); their own standing stays the one
    judged without trust."""
    present = traits["present"]
    dropped = (traits["out"] > 0) & ~counted & (present > 0)
    if not dropped.any():
        return facts
    out = passes(present * counted)
    for name in ("credibility", "base", "prop", "cohort"):
        out[name][dropped] = facts[name][dropped]
    return out
