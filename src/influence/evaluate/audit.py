"""Whether each defence earns its place: the users it discounts against the users it spares.

:func:`defence_audit` (re-exported by :mod:`influence.evaluate`) scores a log
with a scorer and with the same scorer without one defence, and asks whether
the users the defence cuts receive less genuine engagement afterwards than
users it spares who had the same score without it. A defence that cuts people
who then do as well as everyone else is misfiring on real people.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence.evaluate.audit_report import DefenceAudit, DefenceRow
from influence.evaluate.baselines import _received
from influence.evaluate.protocol import TARGETS, _check_future, _check_past, _duration, _positions
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.scoring.scorer import Scorer

__all__ = ["DEFENCES", "defence_audit"]

FloatArray = NDArray[np.float64]

#: The house scorer's defences against gaming: the parts :func:`defence_audit` audits by
#: default (Inactivity, the other modifier, decays silent accounts and defends nothing).
DEFENCES: tuple[str, ...] = ("reciprocity", "credibility", "authenticity")


def defence_audit(
    events: Events,
    cutoff: Any,
    horizon: Any,
    *,
    scorer: Scorer | None = None,
    defences: str | Iterable[str] | None = None,
    target: Literal["distinct_engagers", "engagements"] = "distinct_engagers",
    threshold: float = 0.2,
    strata: int = 10,
    level: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> DefenceAudit:
    """Whether the users each defence discounts go on to receive less than those it spares.

    For each defence *D* (a discount or modifier of the scorer), the events
    up to the cut-off are scored twice: with the scorer, and with the same
    scorer without *D* (same signals, weights, calibration and other parts),
    the *undefended* score. A user whose undefended score is positive is
    **discounted** by *D* when *D* takes at least *threshold* of it away,
    ``(without - with) / without >= threshold``, and **spared** otherwise.

    The outcome is what each user receives from other people in
    ``(cutoff, cutoff + horizon]``, by default distinct engagers (as
    :func:`~influence.evaluate.predictive_validity` measures it). Discounted
    users are compared with spared users *of the same undefended score*:
    the users are split into *strata* quantile strata of the undefended score,
    strata holding only discounted or only spared users are dropped (and
    counted), and the difference is the mean over the remaining strata of
    (discounted mean - spared mean), each stratum weighted by its discounted
    users: the effect on the discounted of being the kind of user *D* cuts,
    among users the scorer would otherwise rank alike [1]_ [2]_. A defence against
    gaming should cut users who then receive less genuine engagement than
    their peers; one whose discounted users receive as much (or more) is
    cutting real people.

    The interval is a stratified percentile bootstrap [4]_, paired by
    stratum: each of *n_boot* draws resamples, with replacement, the
    discounted and the spared users of each stratum, and measures the
    difference on that draw. A group of *n* users is resampled *n - 1* at a
    time, which removes the bootstrap's underestimate of the variance in
    small groups [3]_ (a defence often touches few users per stratum); a
    resample is one multinomial draw over the group's distinct outcomes, so
    a draw costs nothing per user. The verdict is ``"discounted receive
    less"`` when the interval is below 0, ``"discounted receive more"`` (the
    defence misfires) when it is above, ``"no difference shown"`` otherwise,
    and ``"too few to tell"`` with fewer than 10 matched discounted users.

    With several cut-offs, each user-cut-off is a unit: strata are formed
    within each cut-off, and the audit pools them. A user scored at several
    cut-offs is then resampled as independent units, so the interval is too
    narrow when the same users recur; :attr:`DefenceRow.users` says how many
    distinct users were discounted.

    Parameters
    ----------
    events : Events
    cutoff : float, datetime or str, or a sequence of them
        The scoring time, or several (then pooled, see above).
    horizon : float or datetime.timedelta
        Length of the window after each cut-off, seconds (positive).
    scorer : Scorer, optional
        Default ``Scorer()``; a :class:`~influence.Scorer`, since parts are
        removed from it by name.
    defences : str or iterable of str, optional
        Names of the scorer's discounts or modifiers to audit. Default: those
        of :data:`DEFENCES` (``"reciprocity"``, ``"credibility"``,
        ``"authenticity"``) the scorer has, or, when it has none of them,
        every discount and modifier.
    target : {"distinct_engagers", "engagements"}, default "distinct_engagers"
    threshold : float, default 0.2
        Share of the undefended score, in ``(0, 1]``, a defence must take to
        discount a user.
    strata : int, default 10
        Quantile strata of the undefended score (users with equal scores
        share one), at least 1.
    level : float, default 0.95
        Coverage of the interval, in ``(0, 1)``.
    n_boot : int, default 1000
        Bootstrap draws, at least 10.
    seed : int, default 0
        Seed of the draws; each defence's draws start from it, so a row does
        not depend on which other defences are audited.

    Returns
    -------
    DefenceAudit

    Raises
    ------
    ValueError
        For an invalid parameter, a defence the scorer does not have, a
        cut-off with no events at or before it or none after it.
    TypeError
        When *events* is not an :class:`~influence.Events` or *scorer* not a
        :class:`~influence.Scorer`.

    See Also
    --------
    influence.evaluate.predictive_validity : The same cut-off protocol, for rankings.
    influence.evaluate.ValidityReport.compare : The paired bootstrap over users.
    influence.components.Credibility, influence.components.Reciprocity,
    influence.components.Authenticity : The house defences.

    References
    ----------
    .. [1] P. R. Rosenbaum and D. B. Rubin, "The central role of the propensity
       score in observational studies for causal effects", *Biometrika* 70(1),
       41-55, 1983 (comparing like with like by stratifying on one score).
    .. [2] P. R. Rosenbaum and D. B. Rubin, "Reducing bias in observational
       studies using subclassification on the propensity score", *JASA*
       79(387), 516-524, 1984.
    .. [3] P. J. McCarthy and C. B. Snowden, "The bootstrap and finite
       population sampling", *Vital and Health Statistics* 2(95), National
       Center for Health Statistics, 1985 (resampling *n - 1* per stratum).
    .. [4] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*,
       Chapman & Hall, 1993 (percentile intervals, ch. 13).

    Examples
    --------
    On a generated world, Reciprocity discounts the ring members, and
    Credibility the Sybil target and the farm's spam account, both propped up
    by fresh single-purpose accounts. Neither is shown to receive less next:
    the attacks go on after the cut-off, and count as engagers there.

    >>> from influence.datasets import synthetic
    >>> from influence.evaluate import defence_audit
    >>> world = synthetic(seed=0, n_users=150, days=30, farm_size=30, n_sybils=60)
    >>> day = 86_400
    >>> audit = defence_audit(world.events, world.end - 2 * day, 2 * day, n_boot=200)
    >>> audit.defences
    ('reciprocity', 'credibility', 'authenticity')
    >>> ring = audit["reciprocity"]
    >>> set(ring.users) <= set(world.ring), ring.touched >= 0.8 * len(world.ring)
    (True, True)
    >>> sorted(audit["credibility"].users) == sorted([world.sybil_target, world.spam])
    True
    >>> audit["credibility"].verdict  # two users: no interval to speak of
    'too few to tell'
    >>> print(audit.to_markdown())  # doctest: +ELLIPSIS
    | defence | scored | touched | share | discounted | matched spared | difference | ...
    |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
    | reciprocity | 576 | 23 | 3.99% | ... | no difference shown |
    | credibility | 576 | 2 | 0.35% | ... | too few to tell |
    ...
    """
    owner = "defence_audit"
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    if scorer is None:
        scorer = Scorer()
    elif not isinstance(scorer, Scorer):
        raise TypeError(
            f"The 'scorer' parameter of {owner} must be an influence.Scorer (its parts are "
            f"removed by name); got {type(scorer).__name__}"
        )
    names = _defence_names(scorer, defences)
    cuts = _cutoffs(cutoff)
    length = _duration(horizon, owner)
    _validate.choice(owner, "target", target, TARGETS)
    threshold = _validate.number(owner, "threshold", threshold, low=0.0, high=1.0, low_open=True)
    strata = _validate.integer(owner, "strata", strata, low=1)
    level = _validate.number(
        owner, "level", level, low=0.0, high=1.0, low_open=True, high_open=True
    )
    n_boot = _validate.integer(owner, "n_boot", n_boot, low=10)
    seed = _validate.integer(owner, "seed", seed, low=0)

    without = {name: _without(scorer, name) for name in names}
    units: dict[str, list[_Units]] = {name: [] for name in names}
    for c, cut in enumerate(cuts):
        past = events.until(cut)
        _check_past(events, past, cut)
        _check_future(events, cut, length)
        defended = scorer.score(past, as_of=cut)
        index = _positions(events, defended)
        outcome = _received(events, cut, cut + length, distinct=target == "distinct_engagers")
        for name in names:
            bare = without[name].score(past, as_of=cut)
            if not np.array_equal(bare.users.ids, defended.users.ids):
                raise ValueError(f"the scorer without {name!r} scored other users")
            units[name].append(
                _Units(
                    cut=c,
                    users=index,
                    undefended=np.asarray(bare.values, dtype=np.float64),
                    defended=np.asarray(defended.values, dtype=np.float64),
                    outcome=outcome[index],
                )
            )
    roles = dict.fromkeys(dict(scorer.discounts), "discount")
    roles.update(dict.fromkeys(dict(scorer.modifiers), "modifier"))
    rows = tuple(
        _row(name, roles[name], units[name], events, threshold, strata, level, n_boot, seed)
        for name in names
    )
    return DefenceAudit(
        rows=rows,
        cutoffs=tuple(cuts),
        horizon=length,
        target=target,
        threshold=threshold,
        strata=strata,
        level=level,
        resamples=n_boot,
    )


def _defence_names(scorer: Scorer, defences: str | Iterable[str] | None) -> tuple[str, ...]:
    """The defences to audit, checked against the scorer's discounts and modifiers."""
    allowed = tuple(n for n, _ in scorer.discounts + scorer.modifiers)
    if defences is None:
        chosen = tuple(n for n in allowed if n in DEFENCES) or allowed
    else:
        chosen = (defences,) if isinstance(defences, str) else tuple(defences)
        for name in chosen:
            _validate.choice("defence_audit", "defences", name, allowed)
    if not chosen:
        raise ValueError(
            "The 'defences' parameter of defence_audit must name at least one discount or "
            f"modifier of the scorer, among {list(allowed)}. Got {defences!r} instead."
        )
    repeated = sorted({n for n in chosen if chosen.count(n) > 1})
    if repeated:
        raise ValueError(
            f"The 'defences' parameter of defence_audit must name each defence once; "
            f"{repeated} repeat. Got {defences!r}."
        )
    return chosen


def _cutoffs(cutoff: Any) -> list[float]:
    """One cut-off or several, as epoch seconds; several must be distinct."""
    several = isinstance(cutoff, Iterable) and not isinstance(cutoff, (str, bytes))
    if isinstance(cutoff, np.ndarray) and cutoff.ndim == 0:
        several = False
    cuts = [to_epoch(c, name="cutoff") for c in (cutoff if several else [cutoff])]
    if not cuts:
        raise ValueError(
            "The 'cutoff' parameter of defence_audit must name a cut-off (or several). Got none."
        )
    if len(set(cuts)) < len(cuts):
        twice = sorted({format_time(c) for c in cuts if cuts.count(c) > 1})
        raise ValueError(
            f"The 'cutoff' parameter of defence_audit must not repeat a cut-off; {twice} repeat."
        )
    return cuts


def _without(scorer: Scorer, name: str) -> Scorer:
    """The same scorer, same weights and calibration, without the part called *name*."""
    return dataclasses.replace(
        scorer,
        discounts=tuple(p for p in scorer.discounts if p[0] != name),
        modifiers=tuple(p for p in scorer.modifiers if p[0] != name),
    )


@dataclass(frozen=True)
class _Units:
    """The users scored at one cut-off, with and without one defence, and their outcome."""

    cut: int
    users: NDArray[np.intp]  # positions in events.users
    undefended: FloatArray
    defended: FloatArray
    outcome: FloatArray


def _quantile_strata(values: FloatArray, count: int) -> NDArray[np.intp]:
    """Stratum of each value among *count* quantile strata; equal values share a stratum."""
    edges = np.quantile(values, np.linspace(0.0, 1.0, count + 1)[1:-1])
    return np.asarray(np.searchsorted(edges, values, side="right"), dtype=np.intp)


def _row(
    name: str,
    role: str,
    runs: Sequence[_Units],
    events: Events,
    threshold: float,
    strata: int,
    level: float,
    n_boot: int,
    seed: int,
) -> DefenceRow:
    """One defence's comparison, pooled over the cut-offs' strata."""
    keys, flags, outcomes, touched_users = [], [], [], []
    for run in runs:
        positive = run.undefended > 0
        cut_share = np.zeros(run.undefended.size)
        np.divide(run.undefended - run.defended, run.undefended, out=cut_share, where=positive)
        discounted = positive & (cut_share >= threshold)
        touched_users.append(run.users[discounted])
        stratum = _quantile_strata(run.undefended[positive], strata)
        keys.append(run.cut * strata + stratum)
        flags.append(discounted[positive])
        outcomes.append(run.outcome[positive])
    key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.intp)
    flag = np.concatenate(flags) if flags else np.zeros(0, dtype=bool)
    outcome = np.concatenate(outcomes) if outcomes else np.zeros(0)
    users = events.users.ids[np.unique(np.concatenate(touched_users))]
    groups = _groups(key, flag, outcome)
    used = [g for g in groups.values() if g[0].size and g[1].size]
    weights = np.array([g[0].size for g in used], dtype=np.float64)
    matched = int(weights.sum())
    if matched:
        means = np.array([[g[0].mean(), g[1].mean()] for g in used])
        discounted_mean, spared_mean = (weights @ means) / matched
        draws = _stratified_draws(used, weights, n_boot, seed)
        tail = (1.0 - level) / 2.0
        low, high = (float(q) for q in np.quantile(draws, [tail, 1.0 - tail]))
    else:
        discounted_mean = spared_mean = low = high = math.nan
    return DefenceRow(
        defence=name,
        role=role,
        scored=sum(run.users.size for run in runs),
        touched=int(flag.sum()),
        users=users,
        matched=matched,
        discounted_mean=float(discounted_mean),
        spared_mean=float(spared_mean),
        difference=float(discounted_mean - spared_mean),
        low=low,
        high=high,
        strata_used=len(used),
        strata_dropped=len(groups) - len(used),
    )


def _groups(
    key: NDArray[np.intp], flag: NDArray[np.bool_], outcome: FloatArray
) -> Mapping[int, tuple[FloatArray, FloatArray]]:
    """Per non-empty stratum, in stratum order: the discounted users' outcomes, the spared's."""
    order = np.lexsort((outcome, key))
    key, flag, outcome = key[order], flag[order], outcome[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, int)
    ends = np.r_[starts[1:], key.size]
    return {
        int(key[a]): (outcome[a:b][flag[a:b]], outcome[a:b][~flag[a:b]])
        for a, b in zip(starts, ends)
    }


def _resampled_means(rng: np.random.Generator, outcomes: FloatArray, draws: int) -> FloatArray:
    """The means of *draws* resamples with replacement of *outcomes*, ``n - 1`` users each.

    Drawing ``n - 1`` of ``n`` (McCarthy and Snowden, 1985) makes the variance of a
    resampled mean ``s^2 / n``, with ``s^2`` the unbiased variance, where drawing ``n``
    gives ``(n - 1) / n`` of it: too narrow an interval in the small strata of a defence
    that touches few users. A resample is a multinomial draw of how often each distinct
    outcome comes up, the same law as drawing the users themselves, so the cost is per
    distinct value (a few dozen counts of engagers), not per user. A group of one user
    (one value) has no spread to draw.
    """
    values, counts = np.unique(outcomes, return_counts=True)
    if values.size == 1:
        return np.full(draws, float(values[0]))
    size = int(counts.sum())
    picked = rng.multinomial(size - 1, counts / size, size=draws)
    return np.asarray(picked @ values / (size - 1), dtype=np.float64)


def _stratified_draws(
    used: Sequence[tuple[FloatArray, FloatArray]], weights: FloatArray, draws: int, seed: int
) -> FloatArray:
    """The weighted difference of means on each of *draws* stratified resamples."""
    rng = np.random.default_rng(seed)
    total = np.zeros(draws)
    for weight, (discounted, spared) in zip(weights, used):
        total += weight * (
            _resampled_means(rng, discounted, draws) - _resampled_means(rng, spared, draws)
        )
    return total / float(weights.sum())
