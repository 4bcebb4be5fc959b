"""The ground truth: only genuine accounts, and the expectation of the simulated future."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from influence import Events
from influence._time import DAY
from influence.datasets import ATTACKS, GENUINE_KINDS, World, synthetic
from influence.events.actions import FOLLOW, POST

Columns = Callable[[Events], dict[str, np.ndarray]]


def test_truth_only_for_genuine_accounts(world: World) -> None:
    assert sorted(world.truth) == world.accounts(*GENUINE_KINDS)
    assert world.sybil_target in world.truth
    values = np.array(list(world.truth.values()))
    assert np.all(np.isfinite(values))
    assert np.all(values >= 0)
    # the curator's real audience puts it near the top
    assert world.truth["curator"] > np.quantile(values, 0.95)


def test_truth_is_the_expectation_of_the_simulated_future(columns: Columns) -> None:
    # Simulated engagement in the log's last two weeks estimates the same
    # quantity for steady posters (everyone but the star): it must agree on average.
    world = synthetic(seed=2, days=28.0, future_days=14.0, **dict.fromkeys(ATTACKS, False))
    cols = columns(world.events)
    genuine = world.accounts(*GENUINE_KINDS)
    late = (
        (cols["time"] > world.end - 14 * DAY)
        & np.isin(cols["actor"], genuine)
        & np.isin(cols["target"], genuine)
        & (cols["action"] != FOLLOW)
        & (cols["action"] != POST)
    )
    pairs = set(zip(cols["target"][late].tolist(), cols["actor"][late].tolist()))
    seen = {u: 0 for u in genuine}
    for target, _ in pairs:
        seen[target] += 1
    # ... and for the twins that keep doing what they did all along (not the viral post's
    # newcomers, nor the community, which joined within the last two weeks).
    late_comers = {"star", "viral", *world.twins["newcomer"], "host", *world.twins["member"]}
    steady = [u for u in genuine if u not in late_comers]
    observed = sum(seen[u] for u in steady) / 14
    expected = sum(world.truth[u] for u in steady)
    # engagement of posts made before the log started is missing from `observed`
    assert 0.90 * expected < observed < 1.05 * expected
