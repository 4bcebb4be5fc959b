"""Longevity: engagement that lasts counts more than a burst."""

from __future__ import annotations

from typing import Any

import numpy as np

from components._signal_logs import DAY, T0, value
from influence import Events, Scorer
from influence.components import Longevity
from influence.components.longevity import _exp_decay, _lasting
from influence.testing import check_component


def test_conformance() -> None:
    check_component(Longevity())


def test_engagement_that_lasts_counts_more_than_a_burst() -> None:
    def world(delay: float) -> list[dict[str, Any]]:
        return [{"time": T0, "actor": "ann", "action": "post", "post": "p"}] + [
            {"time": T0 + 60 + k * delay, "actor": f"fan{k}", "action": "share", "parent": "p"}
            for k in range(20)
        ]

    burst, lasting = world(10.0), world(0.4 * DAY)
    as_of = T0 + 9 * DAY
    assert value(Longevity(), lasting, "ann", as_of) > 5 * value(Longevity(), burst, "ann", as_of)
    assert (
        Scorer().score(Events.from_records(lasting), as_of=as_of)["ann"]
        > Scorer().score(Events.from_records(burst), as_of=as_of)["ann"]
    )


def test_exp_decay_is_exp_bit_for_bit() -> None:
    """Arguments that underflow are set aside, not computed otherwise: the same bits."""
    grid = -np.linspace(0.0, 800.0, 2_000_001)  # across the subnormal range and beyond
    special = np.array([0.0, -0.0, -700.0, -708.4, -744.4, -745.2, -746.0, -np.inf, np.nan])
    values = np.concatenate([grid, special, np.nextafter(special, 0.0)])
    np.testing.assert_array_equal(_exp_decay(values), np.exp(values))


def test_lasting_factor_in_blocks_is_the_formula() -> None:
    delays = np.random.default_rng(0).uniform(0.0, 200.0 * DAY, 300_000)  # several blocks
    np.testing.assert_array_equal(
        _lasting(delays, 2.0 * DAY), 1.0 - np.exp(-((delays / (2.0 * DAY)) ** 2))
    )
