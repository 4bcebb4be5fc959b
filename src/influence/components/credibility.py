"""Credibility of engagers: fresh, single-purpose cohorts and junk repeaters count for little."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY, STANDING
from influence.components.base import BaseComponent, Evidence, Role
from influence.components.cohorts import (
    CohortPool,
    audiences,
    farm_rule,
    own_shares,
    unfarmed,
)
from influence.components.constraints import (
    NON_NEGATIVE,
    POSITIVE,
    Constraint,
    Integers,
    SequenceOf,
)
from influence.components.credibility_stats import (
    CredibilityStats,
    Seeds,
    check_judged,
    credibility_stats,
    interaction_rows,
)
from influence.components.credibility_traits import credibility_traits, rejudged, seeded
from influence.events.table import Events
from influence.kernels import (
    discounted_share,
    engagement_pairs,
    engagers_received,
    plural,
    saturate,
    shared,
)

__all__ = ["Credibility"]


@dataclass(frozen=True)
class Credibility(BaseComponent):
    r"""Discount: engagement counts in proportion to the engager's credibility.

    **Credibility of an account** :math:`c(v) \in [0, 1]` is judged against
    what is normal in the data, not against fixed thresholds. In real logs
    most genuine accounts engage once, with one account, and are only days old
    in the data: none of that alone lowers credibility. What marks Sybils and
    farms is the combination, and a cohort is judged as a whole:

    .. math::

        s(v) = \underbrace{g\big(\mathrm{top}(v)\big)}_{\text{single purpose}}
            \cdot \underbrace{\mathrm{burst}(v)\, e^{-q(v)}}_{\text{no life of its own}}
            \cdot \underbrace{e^{-r(v)}}_{\text{nobody engages them}}
            \cdot \underbrace{\big(1 - e^{-(a(v) - 1)/a_0}\big)}_{\text{repeating}}

    where :math:`t_v`, the *anchor* of :math:`v`, is the account it
    interacts with that appeared first in the log; two accounts are *alike*
    when both act only within ``burst_days``, share the anchor and first
    appeared within ``cohort_days`` of each other. :math:`\mathrm{top}(v)` is
    the share of :math:`v`'s interactions (follows included) that go to its
    anchor or to accounts alike, or to its main target if that is more;
    :math:`g` rises from 0 at a share of 0.5 to 1 at 0.9;
    :math:`\mathrm{burst}(v)` is 1 when all its actions fall within
    ``burst_days`` (a loyal fan of many weeks is no burst); :math:`q(v)` the
    distinct accounts that engaged posts of its own (newcomers who post and
    answer each other have a life of their own); :math:`r(v)` the number of
    distinct accounts, other than alike ones, that engage :math:`v` (so
    Sybils that also like each other stay "engaged by no one"); :math:`a(v)`
    the number of interactions with its main target (the account it
    interacts with most). One action is never suspect: a crowd of newcomers
    who each react once is what a viral post looks like.

    **A cohort is credited as a bounded number of accounts.** Accounts with
    the same anchor, first seen in the same ``cohort_days`` bucket, pool
    their suspicion :math:`S = \sum_v s(v)` (for their own credibility) or
    :math:`S_u = \sum_v s(v)\, x_{vu}` (for what they give a target
    :math:`u`, with :math:`x_{vu}` the pair's engaged-people mass), credited
    as :math:`G(S)` (:func:`~influence.components.cohorts.cohort_credit`: in
    full up to :math:`B` = ``cohort_credit``, saturating towards :math:`2B`);
    each member keeps
    :math:`1 - s(v) + s(v)\, G(S)/S`. Since :math:`G` increases, adding
    members or events never makes a cohort count for less.

    Content repetition (the same few texts over and over) adds
    :math:`\mathrm{junk}(v) = d / (d + h + c_0)`, with :math:`d` the account's
    posts that repeat one of its earlier texts, :math:`h` its distinct texts
    that others answered (replied to, shared or liked) and :math:`c_0` =
    ``content_prior``; clockwork timing :math:`\mathrm{clock}(v) \in [0, 1]`
    (1 when the gaps between its actions vary by 10% of their mean or less, 0
    from 50%, for accounts with ``min_posts`` actions or more) and link-only
    posting :math:`\mathrm{links}(v) = l / (l + h' + c_0)` (:math:`l` its posts
    that are only links, :math:`h'` its other posts that others answered)
    count only when nobody engages the account (:math:`e^{-r(v)}`): a daily
    columnist posts on a clock, a curator posts links. Posts nobody answers
    weigh on neither side of the two shares, so padding a feed with fresh
    texts that nobody reads cannot dilute them.

    **Farms with many customers.** A farm that sells its engagement spreads each
    bot over many customers, so no bot is single-purpose. What gives it away is
    the crowd: its bots are *props*, fresh accounts without a life of their own,
    :math:`p(v) = \mathrm{fresh}(v)\, e^{-r'(v)}\, e^{-q(v)}`, where *fresh*
    means acting only within ``burst_days`` and first seen ``burst_days`` or more
    after the log begins (the account's whole life is in view: in a log shorter
    than that, nobody is fresh, since an account seen on the first day may be
    years old), :math:`r'(v)` counts like :math:`r(v)` the engagers that are
    not fresh themselves (bots that like each other are still props) and
    :math:`q(v)` the distinct accounts, fresh or not, that engaged posts of
    :math:`v`'s own (newcomers who post and answer each other are not props).
    Only props that come back make a crowd: a farm works its customers again
    and again, a passing liker likes once. With
    :math:`\pi(v) = p(v)\,(1 - e^{-k(v)/a_0})`, :math:`k(v)` the interactions
    of :math:`v` beyond the first with each account, and :math:`A(u)` the number
    of accounts interacting with :math:`u`,

    .. math::

        P(u) = \min\Big(1, \frac{\sum_{v \to u} \pi(v)}{A(u)/2}\Big), \quad
        W(v) = \max\Big(1, \sum_{u:\, v \to u} P(u)\Big), \quad
        F(u) = P(u)\,\big(1 - e^{-(\sum_{v \to u} \pi(v) - 1)_+/a_0}\big)
               \big(1 - e^{-(\sum_{v \to u} \pi(v) W(v) - 1)_+/K_0}\big):

    :math:`u` is *farmed* when props that come back make up half its audience
    or more (:math:`P`), are more than one account (a newcomer who writes to
    fifty people at once is one account, not a farm) and form a crowd, each
    counted once for every propped target it works (:math:`W`: ten bots that
    each serve twenty customers are a crowd of two hundred, lockstep, not the
    five or six each customer sees).
    A prop mostly busy with farmed targets is a farm bot:
    :math:`\mathrm{farm}(v) = \pi(v)\, g\big(b(v)/o(v)\big)\,
    \big(1 - e^{-(b(v) - 1)_+/a_0}\big)` with :math:`b(v) = \sum_u n_{vu} F(u)`
    its interactions with farmed targets (:math:`n_{vu}` per pair) and
    :math:`o(v)` all its interactions. Then

    .. math::

        c(v) = \Big(1 - s(v) + s(v) \frac{G(S)}{S}\Big)\big(1 - \mathrm{farm}(v)\big)
               \big(1 - \tfrac12\,\mathrm{junk}(v)\big)
               \big(1 - \tfrac12\,\mathrm{clock}(v)\, e^{-r(v)}\big)
               \big(1 - \tfrac12\,\mathrm{links}(v)\, e^{-r(v)}\big).

    Seeds override it: ``trusted`` accounts have :math:`c = 1` (and are never
    props or cohort members), ``distrusted`` ones :math:`c = 0` and count in nobody
    else's judgement (no engager, audience, prop or cohort peer of anyone), so that
    flagged bots cannot frame the genuine accounts engaging the same target.
    **Trust.** On a table with :attr:`influence.Events.trust` (the scorer's
    modifiers read one), an account none of whose interactions in the window is
    trusted at all counts for the others as a distrusted one (the two passes run
    again; the rest is shared). Whole accounts, not weighted by trust: trust below
    1 is mostly this discount's own cohort pooling, and weighting by it would count
    a cohort's suspicion against itself.

    **The discount** trusts each event of :math:`v` aimed at another account
    :math:`u` (engagement, mentions, follows) in proportion to :math:`v`'s
    credibility, and what a prop gives a farmed target not at all:

    .. math::

        \tau_e = c_0(v)\,\big(1 - p^*(v)\,F(u)\big)\Big(1 - s(v) + s(v)\frac{G(S_u)}{S_u}\Big)
        \quad \text{for every event } e \text{ of } v \text{ aimed at } u \ne v,

    with :math:`c_0` the credibility without the cohort factor, :math:`S_u` the
    pool of :math:`v`'s cohort at :math:`u` and
    :math:`p^*(v) = p(v)\,[o(v) \ge 2]\,[p(v) \ge \tfrac12]` the props that did a
    bot's work: mostly props (fresh, nobody engages them) that acted more than
    once. A passing newcomer's one action and a community member's (whose posts
    others answer) are never discounted by :math:`F`, so bots pointed at a viral
    post or a club make its target "farmed" without sinking the people who
    engaged it; the scorer multiplies that into
    :attr:`influence.Events.trust`, so every
    signal counts a farm's or a Sybil cohort's engagement for what it is worth:
    little. Their target keeps what its genuine engagers give it (the fakes are
    judged at a few percent, not zero, so a swarm of them can leave a point or
    so), and pointing Sybils at someone does not sink them (a factor on the
    whole score, as these defences once were, could be turned against a victim).
    An account's own posts are not discounted here: its own standing is the
    business of the :class:`~influence.components.Authenticity` modifier.
    The members themselves have little to show: nobody credible engages them,
    so their engagement and the reach gate of their activity stay near zero
    (the idea of TrustRank and SybilRank: trust flows from established
    accounts). A user's *own* credibility weighs on their own score through
    the :class:`~influence.components.Authenticity` modifier.

    **Lookback**: ``2 * window_days`` (180 days by default). Every fact above is
    read from the events of those days (:attr:`lookback_days`): an account is
    first seen, and the log begins, where they start, and an account whose
    earlier life lies further back is, to this judge, as new as what those
    days show (one silent for months that comes back in a burst may look
    fresh). A window of them read by :func:`influence.engines.read_duckdb`
    therefore gives the judgement the whole log gives.

    Parameters
    ----------
    window_days, half_life_days, selectivity_per_day : float
        As in :class:`~influence.components.Engagement`.
    cohort_days : float, default 3
        Accounts first seen this close together form a cohort.
    cohort_scale : float, default 5
        :math:`K_0` of the farm rule: a crowd of 5 more props is 63% of a farm.
    cohort_credit : float, default 1
        :math:`B`: a cohort is credited in full up to this many accounts, and as
        at most twice as many however large it grows.
    repeat_scale : float, default 1
        :math:`a_0`: one interaction is never "repeating"; two (a follow and a
        like, say) are 63%.
    min_posts : int, default 10
        Actions needed before clockwork timing counts against an account.
    content_prior : float, default 3
        :math:`c_0`: answered, distinct posts the repetition and link-only
        shares start from, so that a few posts do not swing them.
    burst_days : float, default 14
        Accounts whose actions all fall within this many days, with the same anchor
        and first seen (first acting) within ``cohort_days`` of each other, are *alike*:
        their interactions with each other count as single-purpose and their
        engagement of each other does not make them less lonely (Sybils that
        like each other are still Sybils). Communities active for longer are
        never alike. Burst accounts first seen this many days or more after the
        log begins are *fresh* (farms with many customers, above).
    trusted, distrusted : sequence of user ids
        Seeds.

    References
    ----------
    .. [1] Z. Gyöngyi, H. Garcia-Molina, J. Pedersen, "Combating Web Spam with
       TrustRank", VLDB 2004.
    .. [2] Q. Cao, M. Sirivianos, X. Yang, T. Pregueiro, "Aiding the Detection
       of Fake Accounts in Large Scale Social Online Services" (SybilRank),
       NSDI 2012.
    """

    name: ClassVar[str] = "credibility"
    role: ClassVar[Role] = "discount"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "window_days": POSITIVE,
        "half_life_days": POSITIVE,
        "selectivity_per_day": POSITIVE,
        "cohort_days": POSITIVE,
        "cohort_scale": POSITIVE,
        "repeat_scale": POSITIVE,
        "burst_days": POSITIVE,
        "min_posts": Integers(1),
        "content_prior": NON_NEGATIVE,
        "cohort_credit": POSITIVE,
        "trusted": SequenceOf("user ids"),
        "distrusted": SequenceOf("user ids"),
    }

    window_days: float = STANDING.window_days
    half_life_days: float = STANDING.half_life_days
    selectivity_per_day: float = 20.0
    cohort_days: float = 3.0
    cohort_scale: float = 5.0
    repeat_scale: float = 1.0
    cohort_credit: float = 1.0
    min_posts: int = 10
    content_prior: float = 3.0
    burst_days: float = 14.0
    trusted: tuple[Any, ...] = field(default=())
    distrusted: tuple[Any, ...] = field(default=())

    @property
    def lookback_days(self) -> float:
        """Two windows: the scoring window, and one before it for each account's history
        (first and last seen, the start of the log, the posts engaged in the window)."""
        return 2.0 * float(self.window_days)

    def __post_init__(self) -> None:
        super().__post_init__()
        both = set(self.trusted) & set(self.distrusted)
        if both:
            raise ValueError(
                f"Credibility: accounts {sorted(map(str, both))} are both trusted and distrusted"
            )

    def credibility(self, events: Events, as_of: float) -> dict[str, NDArray[Any]]:
        """Per account: ``credibility`` in [0, 1] and the facts behind it.

        Two passes: the first counts every engagement an account received, the
        second counts it by its first-pass trust (the engager's credibility, and
        nothing from a prop to a farmed target), so that being engaged only by
        suspect accounts is "engaged by no one credible". ``prop`` and ``farmed``
        are :math:`p` and :math:`F` of the class description.
        Computed once per event table, time and parameters (the discount and
        :class:`~influence.components.Authenticity` share it): :meth:`statistics`, then
        :meth:`judge`.

        With :attr:`Events.trust <influence.Events.trust>` set, the accounts none of
        whose interactions in the window is trusted (trust 0) are left out of the two
        passes for the others (their own standing is the one judged without trust);
        the traits the passes read are trust-free and shared.
        """
        at = float(as_of)
        seeds = self.seeds(events)

        def traits() -> dict[str, NDArray[Any]]:
            return self._traits(self.statistics(events, at), seeds)

        found = shared(events, ("credibility traits", at, self), traits, uses_trust=False)
        facts = shared(
            events,
            ("credibility", at, self),
            lambda: self._passes(seeds, found, found["present"]),
            uses_trust=False,
        )
        if events.trust is None:
            return facts

        def with_trust() -> dict[str, NDArray[Any]]:
            assert events.trust is not None
            trusted = interaction_rows(events, at, self.window_days) & (events.trust > 0.0)
            counted = np.bincount(events.actor[np.flatnonzero(trusted)], minlength=seeds.n) > 0
            return rejudged(lambda kept: self._passes(seeds, found, kept), found, facts, counted)

        return shared(events, ("credibility with trust", at, self), with_trust)

    def statistics(self, events: Events, as_of: float) -> CredibilityStats:
        """What :meth:`judge` reads of *events* at *as_of*: the per-account and per-pair
        tables of the lookback (:func:`credibility_stats`).

        The first stage of :meth:`credibility`; an engine that aggregates the events
        where they are (:func:`influence.engines.score_spark`) computes the same tables.

        Parameters
        ----------
        events : Events
        as_of : float
            The judging time, epoch seconds.

        Returns
        -------
        CredibilityStats

        See Also
        --------
        judge : the second stage.

        Examples
        --------
        >>> from influence.components import Credibility
        >>> from influence.datasets import synthetic
        >>> events = synthetic(0, n_users=60, days=20).events
        >>> stats = Credibility().statistics(events, events.end)
        >>> stats.first.size == events.n_users, int(stats.pairs.counts.sum())
        (True, 106167)
        """
        days = {"window_days": self.window_days, "burst_days": self.burst_days}
        return credibility_stats(events, as_of, lookback_days=self.lookback_days, **days)

    def seeds(self, events: Events) -> Seeds:
        """The ``trusted`` and ``distrusted`` accounts found in *events*, as indices
        (ids absent from *events* are left out).

        Parameters
        ----------
        events : Events

        Returns
        -------
        Seeds

        Examples
        --------
        >>> from influence import Events
        >>> from influence.components import Credibility
        >>> events = Events.from_records([
        ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
        ... ])
        >>> seeds = Credibility(trusted=("ann", "zoe"), distrusted=("bob",)).seeds(events)
        >>> seeds.n, seeds.trusted.tolist(), seeds.distrusted.tolist()
        (2, [0], [1])
        """
        return Seeds.found(events.n_users, events.users.indices, self.trusted, self.distrusted)

    def judge(
        self, stats: CredibilityStats, seeds: Seeds, counted: NDArray[np.bool_] | None = None
    ) -> dict[str, NDArray[Any]]:
        """:meth:`credibility` from the window's statistics alone.

        The two passes of the class description over *stats*; with *counted*, again
        without the accounts none of whose interactions in the window is trusted (their
        own standing stays the one judged without trust).

        Parameters
        ----------
        stats : CredibilityStats
            From :meth:`statistics` (or an engine's equal tables).
        seeds : Seeds
            From :meth:`seeds` of the same table.
        counted : ndarray of bool, optional
            Per account: one of its interactions in the window is trusted.

        Returns
        -------
        dict of str to ndarray
            Per account: ``credibility`` and the facts behind it, as :meth:`credibility`.

        Raises
        ------
        ValueError
            When *seeds* or *counted* are not of the statistics' accounts.

        See Also
        --------
        statistics : the first stage.

        Examples
        --------
        >>> import numpy as np
        >>> from influence.components import Credibility
        >>> from influence.datasets import synthetic
        >>> events = synthetic(0, n_users=60, days=20).events
        >>> judge = Credibility()
        >>> facts = judge.judge(judge.statistics(events, events.end), judge.seeds(events))
        >>> same = judge.credibility(events, events.end)["credibility"]
        >>> bool(np.array_equal(facts["credibility"], same)), int((same < 0.5).sum())
        (True, 260)
        """
        check_judged(stats, seeds, counted)
        traits = self._traits(stats, seeds)
        facts = self._passes(seeds, traits, traits["present"])
        if counted is None:
            return facts
        return rejudged(lambda kept: self._passes(seeds, traits, kept), traits, facts, counted)

    def _traits(self, stats: CredibilityStats, seeds: Seeds) -> dict[str, NDArray[Any]]:
        """What the two passes read (:func:`credibility_traits`)."""
        return credibility_traits(
            stats, seeds, cohort_days=self.cohort_days, burst_days=self.burst_days,
            repeat_scale=self.repeat_scale, content_prior=self.content_prior,
            min_posts=self.min_posts,
        )  # fmt: skip

    def _passes(
        self, seeds: Seeds, traits: Mapping[str, NDArray[Any]], present: NDArray[np.float64]
    ) -> dict[str, NDArray[Any]]:
        """The two passes over *traits*, with only the *present* accounts (weight 1; 0:
        absent) counted as others' engagers, audience, props and cohort peers."""
        n = present.size
        src, dst, counts, out = traits["src"], traits["dst"], traits["counts"], traits["out"]
        outside = traits["outside"]  # engagement from accounts not alike (a mask: no indices)
        engager, engagee = src[outside], dst[outside]
        burst, unanswered, again = traits["burst"], traits["unanswered"], traits["again"]
        junk, links = traits["junk"], traits["links"]
        regular, group = traits["regular"], traits["group"]
        audience = audiences(src, dst, present)  # the same in both passes

        def one_pass(
            received: NDArray[np.float64], established: NDArray[np.float64]
        ) -> tuple[NDArray[Any], ...]:
            single = np.clip((traits["top_share"] - 0.5) / 0.4, 0.0, 1.0)
            lonely = np.exp(-received)
            # A cohort member acts in a burst, for one purpose, and nobody engages it or
            # its posts: a newcomer whose posts others answer, even other newcomers (a
            # class, a club), has a life of its own, and a loyal fan of many weeks is no
            # burst.
            single = single * burst * unanswered
            # How far each account is a cohort member: single-purpose, lonely, repeating
            # (one action each is never suspect: a crowd of newcomers who each react once
            # is what a viral post looks like).
            pooled = single * lonely * traits["repeating"] * present
            # A cohort (same anchor, first seen together) of members is credited, as a
            # whole, as at most 2B credible accounts (cohort_credit): its members share
            # that credit, so adding members never makes it count for less. The discount
            # pools what they give each target the same way (CohortPool).
            # Seeds are no cohort's members: a trusted account is vouched for, a
            # distrusted one is absent (the judgement of the others ignores it).
            pooled = seeded(seeds, pooled, trusted=0.0, distrusted=0.0)
            cohort, own_share = own_shares(pooled, group, self.cohort_credit)
            # A farm that serves many customers: its bots are props (fresh accounts
            # nobody engages) and its customers are propped up by a crowd of them
            # (farm_rule). Only props that come back (`again`) make a target farmed.
            prop = traits["lifeless"] * np.exp(-established)
            working = prop * again * present
            farmed, farm = farm_rule(
                src, dst, counts, present, working, audience=audience,
                repeat_scale=self.repeat_scale, crowd_scale=self.cohort_scale,
            )  # fmt: skip
            # Clockwork timing and link-only posting count against an account only when
            # nobody credible responds to it: a daily columnist posts on a clock and a
            # curator posts links, and the people who engage them say they are not bots.
            clock = regular * lonely
            own = (1.0 - 0.5 * junk) * (1.0 - 0.5 * clock)
            base = seeded(
                seeds, np.clip(own * (1.0 - farm) * (1.0 - 0.5 * links * lonely), 0.0, 1.0)
            )
            value = seeded(seeds, np.clip(base * own_share, 0.0, 1.0))
            # What a farmed target loses: the engagement of props (mostly props: fresh
            # accounts nobody engages) that acted more than once, a bot's work; never a
            # passing newcomer's one action, nor a community member's, so that bots
            # pointed at a viral post or a club cannot sink the people who engaged it.
            spent = prop * (out >= 2.0) * (prop >= 0.5)
            return value, cohort, spent, farmed, clock, base, pooled

        # Props are judged by the engagement they receive from accounts that are not fresh
        # themselves: bots of a farm that like each other are still engaged by no one.
        # Only the engagement of would-be props (lifeless accounts) is summed for that:
        # any other account is no prop, whatever it receives.
        to_props = np.flatnonzero((traits["lifeless"] > 0.0)[engagee])
        by, of = engager[to_props], engagee[to_props]
        by_old = ~traits["fresh"][by]  # engagers not fresh themselves (0/1 weights)
        first_pass, _, prop, farmed, *_ = one_pass(
            np.bincount(engagee, weights=present[engager], minlength=n).astype(np.float64),
            np.bincount(of, weights=by_old * present[by], minlength=n).astype(np.float64),
        )
        trust = present[engager] * first_pass[engager] * unfarmed(prop, farmed, engager, engagee)
        received = np.bincount(engagee, weights=trust, minlength=n).astype(float)
        value, cohort, prop, farmed, clock, base, pooled = one_pass(
            received, np.bincount(of, weights=trust[to_props] * by_old, minlength=n).astype(float)
        )
        return {
            "credibility": value,
            "base": base,
            "pooled": pooled,
            "group": np.where((traits["anchor"] >= 0) & (pooled > 0), group, -1),
            "prop": prop,
            "farmed": farmed,
            "cohort": cohort,
            "first": traits["first"],
            "junk": junk,
            "links": links,
            "regular": clock,
            "posts": traits["posts"],
        }

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        n = events.n_users
        facts = self.credibility(events, as_of)
        base, pooled, group = facts["base"], facts["pooled"], facts["group"]
        source, target, sums, _, _ = engagement_pairs(
            events,
            as_of,
            window_days=self.window_days,
            half_life_days=self.half_life_days,
            selectivity_per_day=self.selectivity_per_day,
        )
        prop, farmed = facts["prop"], facts["farmed"]
        # Per pair: the source's base credibility, unfarmed, then pooled (made in place).
        pair = unfarmed(prop, farmed, source, target)
        pair *= base[source]
        mass = saturate(sums)
        pool = CohortPool(source, target, mass * pair, pooled, group, n, self.cohort_credit)
        pair *= pool.pair_factor()
        weak = np.flatnonzero(pair < 0.5)
        young = weak[(as_of - facts["first"][source[weak]]) < 10 * DAY]
        details = {
            "own": facts["credibility"],
            "discounted_share": discounted_share(target, mass, pair, n),
            "engagers": engagers_received(events, as_of, self.window_days),  # shared
            "weak_engagers": np.bincount(target[weak], minlength=n),
            "weak_young": np.bincount(target[young], minlength=n),
            "junk": facts["junk"],
        }
        del mass, pair, weak, young  # pair-sized: not held while rows are judged
        # Per event aimed at another account: the actor's base credibility, times (for
        # props and cohort members: others' factors are exactly 1) unfarmed and pooled.
        aimed = (events.target >= 0) & (events.actor != events.target)  # a mask: no row indices
        aimed &= events.time <= as_of
        keep = base[events.actor]
        keep[~aimed] = 1.0
        aimed &= ((prop > 0.0) | (pooled > 0.0))[events.actor]
        rows = np.flatnonzero(aimed)
        if rows.size:
            actor, aimed_at = events.actor[rows], events.target[rows]
            keep[rows] = (
                base[actor] * unfarmed(prop, farmed, actor, aimed_at) * pool.factor(actor, aimed_at)
            )
        return Evidence(values=keep, details=details)

    def reason(self, details: Mapping[str, float], points: float) -> str:
        parts = []
        if details["weak_engagers"]:
            young = details["weak_young"]
            what = f", {young:,} of them under 10 days old" if young else ""
            parts.append(
                f"{details['weak_engagers']:,} of {plural(details['engagers'], 'engager')} "
                f"look like a farm or Sybil cohort (fresh, single-purpose, engaged by no one"
                f"{what}; a cohort counts as {2 * self.cohort_credit:g} people at most)"
            )
        share = details["discounted_share"]
        if not parts and share >= 0.005:
            parts.append(
                f"{100 * share:.0f}% of the engagement received came from accounts of reduced "
                "credibility (repeated texts, clockwork timing or a cohort)"
            )
        if not parts:
            return "engagers' credibility: no discount"
        return f"{points:+.1f} points: " + "; ".join(parts)
