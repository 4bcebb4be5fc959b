r"""Scoring by platform: a score per platform and an overall score that accumulates.

The score of user :math:`u` on platform :math:`P` is the scorer's own formula with the
signals read on :math:`P`'s events, weighed by :math:`P`'s calibration, and everything
else (the discounts' trust, the modifiers, the engagers' selectivity) judged once on the
whole window, as for topics (:mod:`influence.scoring.topical`):

.. math::

    R_u(P) = \sum_i w_i\, s_i^{P}(u;\, E_P,\, \tau), \qquad
    \mathrm{score}_u(P) = C\big(R_u(P)\big) \prod_j m_j(u)

and the overall score adds the platforms up *before* the calibration:

.. math::

    \mathrm{overall}_u = C\Big(\sum_P R_u(P)\Big) \prod_j m_j(u)

where :math:`E_P` are the window's events on :math:`P`, :math:`s_i^P` the signal
:math:`i` with its action weights multiplied by :math:`P`'s
:class:`~influence.scoring.platform_calibration.PlatformCalibration` (the house's weights
without one), :math:`\tau` the per-event trust the discounts judged on the whole window
and :math:`m_j` the modifiers judged on the whole window. Each signal's value on a
platform reads only that platform's events, so the posts a user makes on one platform
never dilute their engagement rate on another.

**Accumulation.** Adding the events of a platform :math:`Q` on which a user has genuine
engagement never lowers the user's overall score. Proof: the weights are non-negative and
the signals non-negative, so :math:`R_u(Q) \ge 0`; each :math:`R_u(P)`, :math:`P \ne Q`,
reads :math:`P`'s events, their trust and the selectivity of their engagers, none of
which :math:`Q`'s events change when they are genuine (their engagers are accounts of
:math:`Q`, which engage nobody on :math:`P`; the discounts keep the trust of :math:`P`'s
events); the calibration :math:`C` is increasing, so
:math:`C(\sum_P R_u(P) + R_u(Q)) \ge C(\sum_P R_u(P))`; and the modifiers judge what
the user does (:class:`~influence.components.Inactivity` can only rise with more
activity, :class:`~influence.components.Authenticity` does not fall for honest posts that
are answered). The scoring time must be the same on both sides (``as_of``): a later one
ages every event. tests/scoring/test_platforms.py checks the property with hypothesis.
A platform's score alone has no such property with respect to the others: it is that
platform's standing.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray

from influence._memory import reuses_memory
from influence.components.base import Evidence
from influence.events.table import Events
from influence.kernels import restrict
from influence.scoring.attribution import compose
from influence.scoring.lanes import Lanes, threads_for
from influence.scoring.platform_calibration import PlatformCalibration
from influence.scoring.platform_scores import SEPARATOR, PlatformScores
from influence.scoring.scores import Scores
from influence.scoring.window import scoring_window

if TYPE_CHECKING:
    from influence.scoring.scorer import Scorer

__all__ = ["PlatformScoring", "score_platforms"]


class PlatformScoring:
    """What :class:`~influence.Scorer` can do by platform: :meth:`score_platforms` (a mixin)."""

    @reuses_memory
    def score_platforms(self, events: Events, *, as_of: Any = None) -> PlatformScores:
        """Score every user on each platform, and overall across the platforms.

        Each platform's score reads the signals on that platform's events, with its
        action weights calibrated by the scorer's ``platform_calibration`` (the house
        weights without one); the overall score adds every platform's weighted signals
        before the calibration, so that a platform on which a user has genuine
        engagement never lowers their overall score. Every defence (the discounts' trust,
        the modifiers, the engagers' selectivity) is judged once on the whole window: a
        farm or a ring spread over platforms is caught as it would be on one. See
        :mod:`influence.scoring.platforms` (the formulas and the proof) and
        docs/platforms.md.

        Parameters
        ----------
        events : Events
            The log, each event on its ``platform`` (link one person's accounts first
            with :meth:`Events.link <influence.Events.link>`).
        as_of : float, datetime or str, optional
            As for :meth:`score`.

        Returns
        -------
        PlatformScores

        See Also
        --------
        influence.scoring.platform_calibration.PlatformCalibration : the weights per
            platform and action.
        influence.events.links.link : one person's accounts merged.

        References
        ----------
        .. [1] A. Rao, N. Spasojevic, Z. Li and T. Dsouza, "Klout score: Measuring
           influence across multiple social networks", IEEE Big Data 2015 (one score
           from nine networks).

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> rows = [{"time": 0, "actor": "ann", "action": "post", "post": "p1"}]
        >>> rows += [{"time": t, "actor": f"fan{t}", "action": "share", "parent": "p1"}
        ...          for t in range(1, 4)]
        >>> ev = Events.from_records(rows)
        >>> Scorer().score_platforms(ev).overall["ann"]  # one platform: the score itself
        21.49...
        >>> Scorer().score(ev)["ann"]
        21.49...
        """
        return score_platforms(cast("Scorer", self), events, as_of=as_of)


def score_platforms(scorer: Scorer, events: Events, *, as_of: Any = None) -> PlatformScores:
    """Score every user per platform and overall (:meth:`influence.Scorer.score_platforms`)."""
    window, when, t = scoring_window(events, as_of)
    calibration = scorer.platform_calibration or PlatformCalibration({})
    n, k_s = window.n_users, len(scorer.signals)
    counts = np.bincount(window.platform, minlength=len(window.platforms))
    present = [(code, p) for code, p in enumerate(window.platforms) if counts[code] > 0]

    def one(code: int, platform: str) -> tuple[Scorer, NDArray[np.int64], Any, Any, Any, Scores]:
        """The platform's scorer, users, signals (raw, full, contributions, evidence)
        and scores: its events, with the trust judged on the whole window."""
        mask = window.platform == code
        rows = np.flatnonzero(mask)
        plain, users = restrict(window, window.select(mask))
        given = plain if window.trust is None else plain.with_trust(window.trust[rows])
        judged = plain.with_trust(trusted.trust[rows]) if trusted.trust is not None else given
        on = _calibrated(scorer, calibration, platform)
        raw_p, contrib_p, evidence_p = on._signals(judged, t)
        full_p = raw_p
        if scorer.discounts:
            full_p, contrib_p, evidence_p = on._signals(given, t)
        final_p, parts_p = compose(
            on.calibration, raw_p, full_p, contrib_p, removed[users], factors[users]
        )
        evidence = [*evidence_p, *(_take(ev, users) for ev in shared)]
        scores = _scores(on, plain.users, final_p, parts_p, evidence, when)
        return on, users, (raw_p, full_p), contrib_p, evidence_p, scores

    # The defences once, on the whole window; then the platforms side by side (each on
    # its own tables), added up in the platforms' order: the same for any thread count.
    with Lanes(
        threads_for(c for _, c in scorer.signals + scorer.discounts + scorer.modifiers)
    ) as lanes:
        trusted, discount_evidence, removed = scorer._discount(
            window, t, scorer._judging(window, t, lanes)
        )
        factors, modifier_evidence = scorer._modify(trusted, t, lanes)
        shared = discount_evidence + modifier_evidence
        found = lanes.map(lambda item: one(*item), present)
    raw, full = np.zeros(n), np.zeros(n)
    contributions = np.zeros((n, k_s * len(present)))
    split: list[tuple[str, Any]] = []
    split_weights: dict[str, float] = {}
    split_evidence: list[Evidence] = []
    out: list[Scores] = []
    for j, (
        (_, platform),
        (on, users, (raw_p, full_p), contrib_p, evidence_p, scores),
    ) in enumerate(zip(present, found)):
        out.append(scores)
        raw[users] += raw_p
        full[users] += full_p
        contributions[users, j * k_s : (j + 1) * k_s] = contrib_p
        assert on.weights is not None
        for (name, component), ev in zip(on.signals, evidence_p):
            split.append((f"{name}{SEPARATOR}{platform}", component))
            split_weights[f"{name}{SEPARATOR}{platform}"] = on.weights[name]
            split_evidence.append(_spread(ev, users, n))
    whole = scorer
    if split:
        whole = dataclasses.replace(scorer, signals=tuple(split), weights=split_weights)
    else:  # nothing in the window: the scorer's own parts, all zero
        contributions = np.zeros((n, k_s))
        split_evidence = [Evidence(np.zeros(n), {}) for _ in scorer.signals]
    final, parts = compose(whole.calibration, raw, full, contributions, removed, factors)
    overall = _scores(whole, window.users, final, parts, split_evidence + shared, when)
    return PlatformScores(
        platforms=tuple(p for _, p in present),
        scores=tuple(out),
        overall=overall,
        events=tuple(int(counts[code]) for code, _ in present),
        as_of=when,
    )


def _calibrated(scorer: Scorer, calibration: PlatformCalibration, platform: str) -> Scorer:
    """*scorer* with its signals' action weights calibrated for *platform*."""
    signals = tuple((name, calibration.apply(c, platform)) for name, c in scorer.signals)
    return scorer if signals == scorer.signals else dataclasses.replace(scorer, signals=signals)


def _scores(
    scorer: Scorer,
    users: Any,
    values: NDArray[np.float64],
    parts: NDArray[np.float64],
    evidence: list[Evidence],
    as_of: float | None,
) -> Scores:
    """A :class:`Scores` of *scorer*'s parts."""
    named = scorer.signals + scorer.discounts + scorer.modifiers
    k_s, k_d = len(scorer.signals), len(scorer.discounts)
    return Scores(
        users=users,
        values=values,
        parts=parts,
        names=tuple(n for n, _ in named),
        roles=("signal",) * k_s + ("discount",) * k_d + ("modifier",) * len(scorer.modifiers),
        evidence=tuple(evidence),
        components=tuple(c for _, c in named),
        as_of=as_of,
        config=scorer.to_config(strict=False),
    )


def _take(evidence: Evidence, users: NDArray[np.int64]) -> Evidence:
    """A component's per-user evidence, for the users of a platform (by window index)."""
    details = {k: np.asarray(v)[users] for k, v in evidence.details.items()}
    return Evidence(np.asarray(evidence.values)[users], details)


def _spread(evidence: Evidence, users: NDArray[np.int64], n: int) -> Evidence:
    """A platform's per-user evidence on all *n* users of the window (zero elsewhere)."""

    def widen(values: Any) -> NDArray[Any]:
        array = np.asarray(values)
        out = np.zeros((n, *array.shape[1:]), dtype=array.dtype)
        out[users] = array
        return out

    return Evidence(widen(evidence.values), {k: widen(v) for k, v in evidence.details.items()})
