"""Attribution: the discounts' shares, whatever the blocks their counts are made in."""

from __future__ import annotations

import numpy as np
import pytest

from influence import Scorer, TimeScale
from influence.components.base import evidence_of
from influence.scoring import attribution
from influence.testing import small_world


@pytest.mark.parametrize("seed", [0, 5])
def test_discount_shares_are_the_same_counted_in_blocks_of_rows(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = small_world(seed=seed)
    as_of = float(events.time[-1])
    discounts = [c for _, c in Scorer().discounts]
    keeps = [attribution.Kept.of(evidence_of(c, events, as_of).values) for c in discounts]
    scales = [
        TimeScale(half_life_days=c.half_life_days, window_days=c.window_days) for c in discounts
    ]
    whole = attribution.discount_shares(events, as_of, keeps, scales)
    monkeypatch.setattr(attribution, "_BLOCK", 5)  # many blocks of rows
    blocks = attribution.discount_shares(events, as_of, keeps, scales)
    for one, other in zip(whole, blocks):
        np.testing.assert_array_equal(one, other)
    assert bool(np.any(whole[0] < 1.0))  # some discount took weight off someone
