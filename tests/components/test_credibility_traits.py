"""Credibility's traits module: the seeds' override and the rerun without untrusted accounts."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence.components import Credibility
from influence.components.credibility_stats import Seeds
from influence.components.credibility_traits import credibility_traits, rejudged, seeded
from influence.datasets import synthetic


def test_seeded_sets_the_seeds_in_place() -> None:
    seeds = Seeds(4, np.array([1]), np.array([3]))
    value = np.full(4, 0.5)
    out = seeded(seeds, value, trusted=0.9, distrusted=0.1)
    assert out is value
    assert value.tolist() == [0.5, 0.9, 0.5, 0.1]


def _traits() -> tuple[Seeds, dict[str, NDArray[Any]]]:
    events = synthetic(0, n_users=60, days=20).events
    judge = Credibility()
    seeds = judge.seeds(events)
    stats = judge.statistics(events, float(events.end or 0.0))
    traits = credibility_traits(
        stats, seeds, cohort_days=judge.cohort_days, burst_days=judge.burst_days,
        repeat_scale=judge.repeat_scale, content_prior=judge.content_prior,
        min_posts=judge.min_posts,
    )  # fmt: skip
    return seeds, traits


def test_rejudged_is_the_first_judgement_when_everyone_counts() -> None:
    seeds, traits = _traits()
    calls: list[NDArray[np.float64]] = []

    def passes(present: NDArray[np.float64]) -> dict[str, NDArray[Any]]:
        calls.append(present)
        return {"credibility": present.copy()}

    first = {"credibility": np.zeros(seeds.n)}
    assert rejudged(passes, traits, first, np.ones(seeds.n, dtype=bool)) is first
    assert not calls  # nothing dropped: the passes are not run again


def test_rejudged_keeps_the_own_standing_of_the_dropped_accounts() -> None:
    seeds, traits = _traits()
    active = np.flatnonzero(traits["out"] > 0)
    counted = np.ones(seeds.n, dtype=bool)
    counted[active[:5]] = False
    facts = {name: np.full(seeds.n, 0.25) for name in ("credibility", "base", "prop", "cohort")}
    seen: list[NDArray[np.float64]] = []

    def passes(present: NDArray[np.float64]) -> dict[str, NDArray[Any]]:
        seen.append(present)
        return {name: np.full(seeds.n, 0.75) for name in facts}

    out = rejudged(passes, traits, facts, counted)
    assert seen[0][active[:5]].tolist() == [0.0] * 5  # left out of the others' judgement
    assert seen[0].sum() == traits["present"].sum() - 5
    for name in facts:
        assert out[name][active[:5]].tolist() == [0.25] * 5  # their own standing stays
        assert np.all(np.delete(out[name], active[:5]) == 0.75)
