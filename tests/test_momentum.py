"""Momentum: engagement arriving now, on a scale of hours."""

from __future__ import annotations

import pytest

from influence import Events
from influence.components import Engagement, Momentum
from influence.testing import check_component

T0 = 1_700_000_000.0
HOUR = 3_600.0


def test_conformance() -> None:
    check_component(Momentum())
    check_component(Momentum(half_life_days=1.0, window_days=3.0))


def test_recent_engagement_outweighs_the_same_engagement_days_ago() -> None:
    now = T0 + 10 * 24 * HOUR
    records = [
        *(
            {"time": now - 2 * HOUR, "actor": f"a{k}", "action": "like", "target": "hot"}
            for k in range(10)
        ),
        *(
            {"time": now - 5 * 24 * HOUR, "actor": f"b{k}", "action": "like", "target": "cold"}
            for k in range(10)
        ),
    ]
    events = Events.from_records(records)
    momentum, engagement = Momentum()(events, as_of=now), Engagement()(events, as_of=now)
    hot, cold = events.users.index("hot"), events.users.index("cold")
    assert momentum[hot] > 5 * momentum[cold]
    assert engagement[hot] == pytest.approx(engagement[cold], rel=0.15)  # standing: alike


def test_volume_counts_and_the_window_ends_it() -> None:
    now = T0 + 30 * 24 * HOUR
    repeat = [
        {"time": now - k * 60.0, "actor": "fan", "action": "share", "target": "ann"}
        for k in range(20)
    ]
    once = [{"time": now, "actor": "fan", "action": "share", "target": "bob"}]
    old = [{"time": now - 8 * 24 * HOUR, "actor": "fan", "action": "share", "target": "cy"}]
    events = Events.from_records(repeat + once + old)
    values = Momentum()(events, as_of=now)
    assert values[events.users.index("ann")] > values[events.users.index("bob")]
    assert values[events.users.index("cy")] == 0.0


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="'half_life_days' parameter of Momentum"):
        Momentum(half_life_days=0.0)
