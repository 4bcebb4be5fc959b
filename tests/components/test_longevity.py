"""Longevity: engagement that lasts counts more than a burst."""

from __future__ import annotations

from typing import Any

from components._signal_logs import DAY, T0, value
from influence import Events, Scorer
from influence.components import Longevity
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
