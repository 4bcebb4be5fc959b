"""``select``: choose the accounts that together reach the most distinct, credible people."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence._memory import reuses_memory
from influence._time import STANDING
from influence.campaign.audience import Audiences, audiences
from influence.campaign.expected import ExpectedReach, pooled
from influence.campaign.forecast import DEFAULT_HORIZON_DAYS, forecast
from influence.campaign.greedy import Coverage, Greedy, Objective, lazy_greedy
from influence.campaign.inputs import known_ids, known_topic, per_user_costs, read_costs
from influence.campaign.result import Campaign
from influence.campaign.spread import (
    DEFAULT_EPSILON,
    imm,
    influence_graph,
    marginal_gains,
    rr_sets,
    shared,
)
from influence.components.authenticity import Authenticity
from influence.components.credibility import Credibility
from influence.events.ids import IdIndex
from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.scoring.scorer import Scorer
from influence.scoring.scores import Scores

__all__ = ["FAKE_BELOW", "OBJECTIVES", "read_costs", "select"]

#: Own credibility below which an account is judged fake and never chosen: the line under
#: which the Credibility discount reports an engager as "looking like a farm or Sybil".
FAKE_BELOW = 0.5
GREEDY_GUARANTEE = 1.0 - 1.0 / math.e
#: What ``select`` maximises: the expected reach in the campaign period (the default), the
#: exact coverage of the window's audience, or the expected spread within a few hops.
OBJECTIVES = ("expected", "coverage", "spread")


@reuses_memory
def select(
    events: Events,
    k: int | None = None,
    *,
    budget: float | None = None,
    cost: Mapping[Any, float] | Any | str | os.PathLike[str] | None = None,
    frequency: int = 1,
    topic: str | None = None,
    hashtags: bool = False,
    exclude: Iterable[Any] = (),
    min_score: float | None = None,
    as_of: Any = None,
    window_days: float = STANDING.window_days,
    objective: str = "expected",
    horizon_days: float = DEFAULT_HORIZON_DAYS,
    half_life_days: float | None = None,
    hops: int = 2,
    epsilon: float = DEFAULT_EPSILON,
    seed: int = 0,
    scorer: Scorer | None = None,
    scores: Scores | None = None,
) -> Campaign:
    r"""Choose accounts that together reach the most distinct, credible people.

    By default (``objective="expected"``) the reach is the one expected in the
    campaign period, the *horizon_days* after *as_of*: the people of each account's
    audience expected to engage it again, and the newcomers it is expected to
    attract, both estimated from the log's own past
    (:mod:`influence.campaign.forecast`), maximised as an exact expectation
    (:mod:`influence.campaign.expected`):

    .. math::

        f(S) = \frac{1}{F} \Big(\sum_v \mathbb{E}\big[\min(F, X_v)\big]
               + \sum_{u \in S} n_u\Big), \qquad
        X_v = \sum_{u \in S} \mathrm{Bernoulli}(q_{uv}),

    with :math:`F = 1` the expected number of distinct credible people reached,
    :math:`\sum_v (1 - \prod_{u \in S}(1 - q_{uv})) + \sum_{u \in S} n_u`. With
    ``objective="coverage"``, the window's audience as it is:

    the audience of an account is the people who engaged with its content in
    ``(as_of - window_days, as_of]``, each exposure weighted by the trust the house
    discounts give it (:mod:`influence.campaign.audience`): bought or fake engagers
    reach nobody. The objective is the weighted coverage with frequency goal :math:`F`
    (:mod:`influence.campaign.greedy`),

    .. math::

        f(S) = \frac{1}{F} \sum_v \mathrm{top}_F\{a_{uv} : u \in S\}
             = \sum_v w_v \frac{\min(F, |\{u \in S : v \in A(u)\}|)}{F}
             \quad \text{(equal weights per person)}.

    Either is monotone and submodular, maximised by the lazy greedy (CELF): at least
    :math:`1 - 1/e` of the optimum for at most *k* accounts, and with costs and a
    *budget* the better of the unit-cost and cost-benefit greedy, at least
    :math:`(1 - 1/e)/2` of the optimum within the budget. Both objectives are computed
    exactly, never sampled.

    With ``objective="spread"`` the reach goes *hops* steps beyond the direct audience:
    the expected number of people active after an independent cascade of *hops* steps
    whose edge :math:`u \to v` has the forecast's chance :math:`q_{uv}`, plus the
    chosen's newcomers, estimated on reverse-reachable sets drawn as IMM prescribes and
    maximised by IMM's greedy: at least :math:`1 - 1/e - \varepsilon` of the optimum with
    probability at least :math:`1 - 1/n` (:mod:`influence.campaign.spread`). It takes *k*
    (not a budget) and frequency 1.

    Candidates are the accounts with an audience in the window (on *topic*, when
    given), less those *exclude* names, those whose standing score is below
    *min_score*, those whose own credibility (the
    :class:`~influence.components.Authenticity` judgement) is below
    :data:`FAKE_BELOW`, those without a cost or costing more than the budget, and those
    whose audience weighs nothing; :attr:`Campaign.left_out` says why for each.

    Parameters
    ----------
    events : Events
        The log; only events at or before *as_of* are read.
    k : int, optional
        At most this many accounts; required without a *budget*.
    budget : float, optional
        The most the chosen may cost in total; needs *cost*.
    cost : mapping, pandas Series, array or path, optional
        Cost per account: a mapping (or Series) from user id to cost, an array with
        one cost per user of ``events.users``, or a CSV file of ``user,cost`` rows (a
        header row is allowed). Costs are positive.
    frequency : int, default 1
        :math:`F`: each person counts up to *frequency* exposures (1: unique reach).
    topic : str, optional
        Count only engagement about this topic; the defences still judge the whole log.
        Case is ignored, and a hashtag names its tag (``"#Music"`` is ``"music"``, as
        :func:`influence.events.topics.topic_name` reads it). A topic no event is about
        is an error listing the topics there are.
    hashtags : bool, default False
        Also read ``#tags`` in the text as topics, as ``Scorer.score_topics(hashtags=True)``.
    exclude : iterable of user ids
        Accounts never to choose; an id that is no user of the log is an error.
    min_score : float, optional
        Leave out accounts whose standing score is below it.
    as_of : float, datetime or str, optional
        The end of the window; the latest event's time by default (never the clock).
    window_days : float, default 90
        The audience window.
    objective : {"expected", "coverage", "spread"}, default "expected"
        Maximise the expected reach in the campaign period, the coverage of the
        window's audience, or the expected spread within *hops* steps.
    horizon_days : float, default 30
        The campaign period, for ``objective="expected"``.
    half_life_days : float, optional
        The half-life of the forecast's recency weights
        (:func:`influence.campaign.forecast.forecast`); half the horizon by default.
    hops : int, default 2
        The cascade's steps, for ``objective="spread"`` (1: the direct audience).
    epsilon : float, default 0.5
        IMM's :math:`\varepsilon`, in ``(0, 1 - 1/e)``, for ``objective="spread"``.
    seed : int, default 0
        The seed of the reverse-reachable sets, for ``objective="spread"``; the same seed
        gives the same choice.
    scorer : Scorer, optional
        Whose discounts weigh the exposures and whose score is the standing score; the
        house scorer by default.
    scores : Scores, optional
        The standing scores already computed at *as_of* (else *scorer* scores the
        window once).

    Returns
    -------
    Campaign

    Raises
    ------
    ValueError
        For a parameter out of its range, a *budget* without *cost*, neither *k* nor
        *budget*, an unknown topic, unknown ids in *exclude*, cost ids written
        otherwise than the log writes them (``"1543.0"`` or ``"01624"`` for the integer
        id 1543 or 1624; the message names the file's line), a cost that matches no
        account, and when nobody can be chosen (the message says why: every account
        left out, with the count of each reason, or no event at or before *as_of*).

    See Also
    --------
    influence.campaign.audiences : the audiences alone.
    influence.plot.reach_curve : the reach curve against the top *k* by score.

    References
    ----------
    .. [1] J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen,
       N. Glance, "Cost-effective outbreak detection in networks", KDD 2007.
    .. [2] G. L. Nemhauser, L. A. Wolsey, M. L. Fisher, "An analysis of
       approximations for maximizing submodular set functions - I", Mathematical
       Programming 14, 1978.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.campaign import select
    >>> rows = [{"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"}
    ...         for t in range(6)]
    >>> rows += [{"time": 10 + t, "actor": f"fan{t}", "action": "like", "target": "bob"}
    ...          for t in range(5)]
    >>> rows += [{"time": 20 + t, "actor": f"reader{t}", "action": "share", "target": "cy"}
    ...          for t in range(3)]
    >>> chosen = select(Events.from_records(rows), k=2, objective="coverage")
    >>> chosen.users, chosen.gains.tolist(), chosen.top_users
    (('ann', 'cy'), [6.0, 3.0], ('ann', 'bob'))
    >>> chosen.reach, chosen.top_reach
    (9.0, 6.0)
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    if k is None and budget is None:
        raise ValueError("select needs k (the number of accounts) or budget (with cost)")
    limit = None if k is None else _validate.integer("select", "k", k, low=1)
    goal = _validate.integer("select", "frequency", frequency, low=1)
    days = _validate.number("select", "window_days", window_days, low=0.0, low_open=True)
    goal_kind = _validate.choice("select", "objective", objective, OBJECTIVES)
    horizon = _validate.number("select", "horizon_days", horizon_days, low=0.0, low_open=True)
    floor = None if min_score is None else _validate.number("select", "min_score", min_score)
    spend = None if budget is None else _validate.number("select", "budget", budget, low=0.0)
    if spend is not None and cost is None:
        raise ValueError("The 'budget' parameter of select needs 'cost': the cost per account")
    steps = _validate.integer("select", "hops", hops, low=1)
    _validate.integer("select", "seed", seed, low=0)
    _validate.number(
        "select", "epsilon", epsilon, low=0.0, high=GREEDY_GUARANTEE, low_open=True,
        high_open=True,
    )  # fmt: skip
    if goal_kind == "spread" and (spend is not None or limit is None or goal != 1):
        raise ValueError(
            "The 'objective' parameter of select, 'spread', takes k and frequency 1 (IMM's "
            f"sample size is for at most k accounts); got k={k!r}, budget={budget!r}, "
            f"frequency={frequency!r}"
        )
    judge = Scorer() if scorer is None else scorer
    if not isinstance(judge, Scorer):
        raise ValueError(f"The 'scorer' parameter of select must be a Scorer. Got {scorer!r}.")
    if as_of is None:  # the latest event: say so when it stands far beyond the rest
        warn_far_future(events)
    when = events.end if as_of is None else to_epoch(as_of)
    window = events.until(when).compact() if when is not None else events
    t = 0.0 if when is None else float(when)
    if not len(window):
        start = (
            "no events"
            if events.start is None
            else f"its first event at {format_time(events.start)}"
        )
        raise ValueError(
            f"select: nobody can be chosen: no event at or before as_of {format_time(t)} "
            f"(the log has {start})"
        )
    if topic is not None:  # the tag it names: "#Music" is the hashtag of "music"
        topic = known_topic(events, topic, hashtags)
    excluded = known_ids(events.users, exclude)
    price = per_user_costs(cost, events.users, window.users)
    trust = judge.trust(window, t)
    state: Objective
    model = None
    if goal_kind in ("expected", "spread"):
        seen = forecast(
            window,
            as_of=t,
            window_days=days,
            horizon_days=horizon,
            half_life_days=half_life_days,
            topic=topic,
            trust=trust,
            hashtags=hashtags,
        )
        model = seen.model
        if not model.calibrated:  # nothing to forecast from (forecast warned): coverage
            goal_kind = "coverage"
    if goal_kind in ("expected", "spread") and model is not None:
        found = Audiences(seen.users, seen.exposure, t, days, seen.topic)
        state = ExpectedReach(seen.chance, seen.newcomers, goal, model.newcomer_people)
        newcomers = seen.newcomers
    else:
        found = audiences(
            window, as_of=t, window_days=days, topic=topic, trust=trust, hashtags=hashtags
        )
        state = Coverage(found.matrix, goal)
        newcomers = np.zeros(len(found.users))
    if scores is None:
        scores = judge.score(window, as_of=t)
    standing = _per_user(scores, window.users)
    own = Authenticity(credibility=_credibility_of(judge))(window, as_of=t)
    eligible, left_out = _candidates(found, excluded, own, standing, floor, price, spend)
    if not eligible.size:
        raise ValueError(_nobody(found, left_out, days, t))
    top = _by_score(eligible, standing, limit, price, spend)
    spread: dict[str, Any] = {}
    if goal_kind == "spread":
        assert limit is not None
        assert model is not None
        graph = influence_graph(state.matrix)
        bonus = pooled(newcomers, model.newcomer_people)  # as one account alone draws them
        found_ = imm(
            graph, limit, hops=steps, epsilon=epsilon, seed=seed, candidates=eligible,
            bonus=bonus,
        )  # fmt: skip
        greedy = Greedy(found_.chosen, found_.gains, 0)
        method, guarantee = "IMM", GREEDY_GUARANTEE - found_.epsilon
        top_gains = marginal_gains(found_.sets, top, bonus)
        shares = shared(found_.sets, greedy.chosen, bonus)
        # The intervals are read on fresh sets, independent of those that chose.
        check = rr_sets(graph, found_.sets.count, hops=steps, seed=np.random.default_rng([seed, 1]))
        spread = {
            "hops": steps,
            "samples": found_.sampled + 2 * found_.sets.count,
            "interval": _interval(check.estimate(greedy.chosen, bonus)),
            "top_interval": _interval(check.estimate(top, bonus)),
        }
    else:
        top_gains = _gains_in_order(state, top)
        greedy, method, guarantee = _choose(state, eligible, limit, price, spend, top, top_gains)
        shares = (
            expected_overlap(
                state.matrix, np.minimum(newcomers, model.newcomer_people), greedy.chosen
            )
            if goal_kind == "expected" and model is not None
            else overlap(found.matrix, greedy.chosen)
        )
    chosen = greedy.chosen
    users = found.users
    return Campaign(
        users=tuple(users.id(int(i)) for i in chosen),
        gains=greedy.gains,
        reach=float(np.sum(greedy.gains)),
        audience=found.size()[chosen],
        scores=standing[chosen],
        costs=np.full(chosen.size, np.nan) if price is None else price[chosen],
        overlap=shares,
        top_users=tuple(users.id(int(i)) for i in top),
        top_gains=top_gains,
        top_costs=np.full(top.size, np.nan) if price is None else price[top],
        left_out=tuple((users.id(int(i)), why) for i, why in left_out),
        frequency=goal,
        k=limit,
        budget=spend,
        method=method,
        guarantee=guarantee,
        candidates=int(eligible.size),
        as_of=t,
        window_days=days,
        topic=found.topic,
        objective=goal_kind,
        horizon_days=model.horizon_days if goal_kind != "coverage" and model else None,
        newcomers=newcomers[chosen],
        model=model,
        **spread,
    )


def _interval(estimate: Any) -> tuple[float, float]:
    return (float(estimate.low), float(estimate.high))


def _credibility_of(scorer: Scorer) -> Credibility:
    """The scorer's own credibility judge (its discount's), else the house one."""
    for _, component in scorer.discounts:
        if isinstance(component, Credibility):
            return component
    return Credibility()


def _per_user(scores: Scores, users: IdIndex) -> NDArray[np.float64]:
    """Standing score per user of *users* (0 for users the scores do not hold)."""
    if len(scores.users) == len(users) and np.array_equal(scores.users.ids, users.ids):
        return np.asarray(scores.values, dtype=np.float64)
    where = scores.users.indices(users.ids)
    return np.where(where >= 0, np.asarray(scores.values)[np.maximum(where, 0)], 0.0)


def _candidates(
    found: Audiences,
    exclude: set[Any],
    own: NDArray[np.float64],
    standing: NDArray[np.float64],
    floor: float | None,
    price: NDArray[np.float64] | None,
    budget: float | None,
) -> tuple[NDArray[np.int64], list[tuple[int, str]]]:
    """The eligible accounts, and each account with an audience left out, with why."""
    size, weight = found.size(), found.weight()
    has = np.flatnonzero(size > 0)
    excluded = np.zeros(len(found.users), dtype=bool)
    if exclude:
        at = found.users.indices(np.asarray(list(exclude), dtype=object))
        excluded[at[at >= 0]] = True
    fake = own < FAKE_BELOW
    low = np.zeros_like(fake) if floor is None else standing < floor
    unpriced = np.zeros_like(fake) if price is None else ~np.isfinite(price)
    dear = np.zeros_like(fake)
    if price is not None and budget is not None:
        dear = np.where(np.isfinite(price), price, 0.0) > budget
    empty = weight <= 0.0
    out = np.zeros(len(found.users), dtype=bool)
    out[has] = (excluded | fake | low | unpriced | dear | empty)[has]
    left = np.flatnonzero(out)

    def why(i: int) -> str:  # the first reason that applies, in this order
        if excluded[i]:
            return "excluded by the caller"
        if fake[i]:
            return (
                f"judged fake: own credibility {own[i]:.2f} < {FAKE_BELOW} (repeated texts, "
                "clockwork timing, link-only posting, a farm or a Sybil cohort)"
            )
        if low[i]:
            return f"standing score {standing[i]:.1f} below min_score {floor:g}"
        if unpriced[i]:
            return "no cost given"
        if dear[i]:
            assert price is not None
            assert budget is not None
            return f"costs {price[i]:g}, more than the budget {budget:g}"
        return "its audience carries no credible weight (every engager discounted to 0)"

    return has[~out[has]], [(i, why(i)) for i in left.tolist()]


def _choose(
    state: Objective,
    eligible: NDArray[np.int64],
    k: int | None,
    price: NDArray[np.float64] | None,
    budget: float | None,
    top: NDArray[np.int64],
    top_gains: NDArray[np.float64],
) -> tuple[Greedy, str, float]:
    """The greedy; under a budget the best of the unit-cost greedy, the cost-benefit
    greedy, the best single affordable account and (with *k* too) the top by score."""
    if budget is None or price is None:
        return lazy_greedy(state, eligible, k=k), "greedy", GREEDY_GUARANTEE
    runs = [
        ("unit-cost", lazy_greedy(state, eligible, k=k, cost=price, budget=budget)),
        (
            "cost-benefit",
            lazy_greedy(state, eligible, k=k, cost=price, budget=budget, per_cost=True),
        ),
        ("best single", lazy_greedy(state, eligible, k=1, cost=price, budget=budget)),
    ]
    if k is not None:  # the top by score, feasible by construction, as a candidate
        runs.append(("top by score", Greedy(top, top_gains, 0)))
    best = max(range(len(runs)), key=lambda i: (float(np.sum(runs[i][1].gains)), -i))
    method, chosen = runs[best]
    # A budget alone: the better of unit-cost and cost-benefit is within (1 - 1/e)/2.
    # With k as well, no constant factor is proven for these runs (see the docs).
    return chosen, method, GREEDY_GUARANTEE / 2 if k is None else math.nan


def _nobody(found: Audiences, left_out: list[tuple[int, str]], days: float, t: float) -> str:
    """Why nobody can be chosen, in one line."""
    topic = "" if found.topic is None else f" about {found.topic!r}"
    if not left_out:
        return (
            f"select: nobody can be chosen: no account has an audience{topic} in the "
            f"{days:g} days to {format_time(t)}"
        )
    counts: dict[str, int] = {}
    for _, why in left_out:
        kind = why.split(":")[0].split(" (")[0]
        if kind.startswith("costs "):
            kind = "cost more than the budget"
        elif kind.startswith("standing score"):
            kind = "below min_score"
        counts[kind] = counts.get(kind, 0) + 1
    reasons = "; ".join(f"{n:,} {kind}" for kind, n in sorted(counts.items(), key=lambda c: -c[1]))
    n = len(left_out)
    return (
        f"select: nobody can be chosen: {'the' if n == 1 else 'all'} {n:,} account"
        f"{'' if n == 1 else 's'} with an audience{topic} left out ({reasons})"
    )


def _by_score(
    eligible: NDArray[np.int64],
    standing: NDArray[np.float64],
    k: int | None,
    price: NDArray[np.float64] | None,
    budget: float | None,
) -> NDArray[np.int64]:
    """The eligible accounts by standing score (ties by index), as many as fit.

    Down the ranking, each account is taken when the total spent with it stays within
    the budget (and while fewer than *k* are taken). Walked a run at a time: of the
    accounts that still could fit, the longest run of the ranking whose running total
    fits is taken at once (one ``cumsum``); the account that ends it cannot fit, nor
    can any whose cost added to what is spent exceeds the budget (what is spent only
    grows), so they are dropped, and the walk goes on with the rest. Each step takes at
    least one account.
    """
    if k is not None and budget is None and k < eligible.size:  # the top k alone
        best = eligible[np.argpartition(-standing[eligible], k - 1)[:k]]
        cut = standing[best].min()
        eligible = eligible[standing[eligible] >= cut]  # every tie with the k-th
    order = eligible[np.lexsort((eligible, -standing[eligible]))]
    if budget is None or price is None:
        return order[: k if k is not None else order.size]
    room = k if k is not None else order.size
    taken: list[NDArray[np.int64]] = []
    spent = 0.0
    rest = order[price[order] <= budget]
    while rest.size and room > 0:
        # The running totals, added one after another from what is spent already.
        totals = np.cumsum(np.concatenate(([spent], price[rest])))[1:]
        run = min(int(np.searchsorted(totals > budget, True)), room)
        taken.append(rest[:run])
        room -= run
        spent = float(totals[run - 1])
        rest = rest[run:]
        rest = rest[spent + price[rest] <= budget]  # as the next running total adds it
    return np.concatenate(taken) if taken else np.zeros(0, dtype=np.int64)


def _gains_in_order(objective: Objective, accounts: NDArray[np.int64]) -> NDArray[Any]:
    state = objective.fresh()
    return np.array([state.add(int(a)) for a in accounts], dtype=np.float64)


def expected_overlap(
    chance: Any, newcomers: NDArray[np.float64], accounts: NDArray[np.int64]
) -> NDArray[np.float64]:
    """``out[i, j]`` = :math:`\\sum_v q_{iv} q_{jv}`, the people both are expected to
    reach (independent returns); the diagonal, :math:`\\sum_v q_{iv} + n_i`, each one's
    expected reach alone."""
    rows = chance[accounts]
    out = (
        np.asarray((rows @ rows.T).toarray(), dtype=np.float64)
        if accounts.size
        else np.zeros((0, 0))
    )
    if accounts.size:
        alone = np.asarray(rows.sum(axis=1), dtype=np.float64).ravel() + newcomers[accounts]
        np.fill_diagonal(out, alone)
    return out


def overlap(matrix: Any, accounts: NDArray[np.int64]) -> NDArray[np.float64]:
    """``out[i, j]`` = :math:`\\sum_v \\min(a_{iv}, a_{jv})` over the rows *accounts*."""
    n = accounts.size
    out = np.zeros((n, n))
    if n == 0:
        return out
    rows = matrix[accounts]  # n x people, CSR
    for i in range(n):  # one pass per chosen account (k of them), never per event
        lo, hi = rows.indptr[i], rows.indptr[i + 1]
        cols, vals = rows.indices[lo:hi], rows.data[lo:hi]
        shared = rows[:, cols].tocoo()  # columns in the order of cols
        out[i] = np.bincount(
            shared.row, weights=np.minimum(shared.data, vals[shared.col]), minlength=n
        )
    return out
