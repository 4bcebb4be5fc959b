"""Momentum: engagement arriving now, on a scale of hours."""

from __future__ import annotations

import numpy as np
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


def test_people_count_not_volume_and_the_window_ends_it() -> None:
    now = T0 + 30 * 24 * HOUR
    hammer = [
        {"time": now - k * 60.0, "actor": "fan", "action": "reply", "target": "ann"}
        for k in range(50)
    ]
    three = [
        {"time": now - k * 60.0, "actor": f"f{k}", "action": "reply", "target": "bob"}
        for k in range(3)
    ]
    one = [{"time": now, "actor": "solo", "action": "reply", "target": "cy"}]
    old = [{"time": now - 8 * 24 * HOUR, "actor": "fan", "action": "share", "target": "dee"}]
    events = Events.from_records(hammer + three + one + old)
    values = Momentum()(events, as_of=now)
    ann, bob, cy = (values[events.users.index(u)] for u in ("ann", "bob", "cy"))
    assert ann < bob  # fifty replies from one account are one person; three people are three
    assert ann == pytest.approx(np.log1p(1.0), abs=0.05)  # about one person's worth
    # one fresh reply: weight 2 (a reply) x selectivity (1 + 1/20)^-1/2 (one action a day)
    assert cy == pytest.approx(np.log1p(1.0 - np.exp(-2.0 / np.sqrt(1.05))), abs=1e-9)
    assert values[events.users.index("dee")] == 0.0  # outside the 7-day window


def test_trust_scales_each_engager() -> None:
    now = T0 + 24 * HOUR
    rows = [
        {"time": now - k * 60.0, "actor": f"f{k}", "action": "share", "target": "ann"}
        for k in range(4)
    ]
    events = Events.from_records(rows)
    plain = Momentum()(events, as_of=now)[events.users.index("ann")]
    half = Momentum()(events.with_trust(np.full(len(events), 0.5)), as_of=now)
    assert np.expm1(half[events.users.index("ann")]) == pytest.approx(np.expm1(plain) / 2)


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="'half_life_days' parameter of Momentum"):
        Momentum(half_life_days=0.0)
