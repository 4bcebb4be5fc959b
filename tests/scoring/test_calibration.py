"""Calibration: the fixed map from a raw value to 0-100, and what it implies for scores."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Calibration, Events, Scorer
from influence.components import DistinctEngagers
from influence.datasets import EPOCH, synthetic

DAY = 86_400.0

CALIBRATIONS = [
    Calibration(),
    Calibration(midpoint=1.0),
    Calibration(midpoint=10.0, shape=0.5),
    Calibration(midpoint=0.3, shape=0.9),
]


@pytest.fixture(scope="module")
def world() -> Events:
    return synthetic(seed=0).events


@pytest.mark.parametrize("cal", CALIBRATIONS, ids=repr)
def test_monotone(cal: Calibration) -> None:
    x = np.concatenate([[0.0], np.geomspace(1e-6, 1e6, 2000)])
    y = cal(x)
    assert np.all(np.diff(y) > 0)
    assert np.all((y >= 0.0) & (y < 100.0))


@pytest.mark.parametrize("cal", CALIBRATIONS, ids=repr)
def test_concave(cal: Calibration) -> None:
    # concave on [0, inf): chords lie below the curve, second differences are negative
    x = np.linspace(0.0, 20 * cal.midpoint, 4001)
    y = cal(x)
    assert np.all(np.diff(y, 2) <= 1e-9)
    a, b = cal.midpoint * 0.5, cal.midpoint * 3.0
    for t in (0.1, 0.5, 0.9):
        mid = float(cal(t * a + (1 - t) * b))
        chord = t * float(cal(a)) + (1 - t) * float(cal(b))
        assert mid > chord


@pytest.mark.parametrize("cal", CALIBRATIONS, ids=repr)
def test_zero_and_midpoint(cal: Calibration) -> None:
    assert float(cal(0.0)) == 0.0
    assert float(cal(cal.midpoint)) == pytest.approx(50.0, abs=1e-12)
    assert float(cal(1e12)) < 100.0


def test_documented_gains_get_harder_near_the_top() -> None:
    cal = Calibration()
    raw = cal.inverse([50.0, 60.0, 80.0, 90.0, 99.0])
    assert raw[1] / raw[0] == pytest.approx(1.5)
    assert raw[3] / raw[2] == pytest.approx(2.25)
    assert raw[4] / raw[3] == pytest.approx(11.0)


@pytest.mark.parametrize("cal", CALIBRATIONS, ids=repr)
def test_inverse_round_trip(cal: Calibration) -> None:
    scores = np.array([0.0, 0.5, 10.0, 33.3, 50.0, 77.7, 99.0, 99.99])
    assert np.allclose(cal(cal.inverse(scores)), scores, rtol=1e-12, atol=1e-9)
    raw = np.array([0.0, 1e-3, 0.5, cal.midpoint, 7.0, 250.0])
    assert np.allclose(cal.inverse(cal(raw)), raw, rtol=1e-9, atol=1e-12)
    assert float(cal.inverse(50.0)) == pytest.approx(cal.midpoint)


@pytest.mark.parametrize("bad", [[-1.0], [np.nan], [np.inf]])
def test_call_rejects_bad_raw_values(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="finite and non-negative"):
        Calibration()(bad)


@pytest.mark.parametrize("bad", [-0.1, 100.0, 150.0])
def test_inverse_rejects_scores_outside_range(bad: float) -> None:
    with pytest.raises(ValueError, match=r"\[0, 100\)"):
        Calibration().inverse(bad)


def test_scores_use_the_calibration(world: Events) -> None:
    loose, tight = Calibration(midpoint=2.0), Calibration(midpoint=8.0)
    a = Scorer(calibration=loose).score(world)
    b = Scorer(calibration=tight).score(world)
    positive = a.values > 0
    assert positive.any()
    assert np.all(a.values[positive] > b.values[positive])
    # without discounts and modifiers the score is exactly the calibrated weighted sum
    plain = Scorer(discounts=[], modifiers=[]).score(world)
    assert plain.config["weights"] is not None
    raw = sum(w * plain.components[n] for n, w in plain.config["weights"].items())
    assert np.allclose(plain.values, Calibration()(raw), rtol=0.0, atol=1e-12)
    single = Scorer(signals=[("engagers", DistinctEngagers())], discounts=[], modifiers=[])
    single = single.score(world)
    assert np.array_equal(single.values, Calibration()(single.components["engagers"]))


def test_score_does_not_move_when_unrelated_users_join(world: Events) -> None:
    records: list[dict[str, Any]] = world.to_records()
    assert world.start is not None
    assert world.end is not None
    inside = world.start + 0.5 * (world.end - world.start)
    # a disconnected pair: they only interact with each other, inside the existing time span
    pair = [
        {"time": inside + k * 3600.0, "actor": a, "action": act, "target": b}
        for k, (a, act, b) in enumerate(
            [
                ("zz_new_1", "like", "zz_new_2"),
                ("zz_new_2", "reply", "zz_new_1"),
                ("zz_new_1", "share", "zz_new_2"),
                ("zz_new_2", "mention", "zz_new_1"),
                ("zz_new_1", "follow", "zz_new_2"),
            ]
        )
    ]
    bigger = Events.from_records([*records, *pair])
    assert bigger.end == world.end
    before = Scorer().score(world)
    after = Scorer().score(bigger)
    assert len(after) == len(before) + 2
    assert after["zz_new_1"] > 0
    assert after["zz_new_2"] > 0
    kept = after.users.indices(before.users.ids)
    assert np.all(kept >= 0)
    # Bitwise equal: each pair's event weights are summed in table order.
    np.testing.assert_array_equal(after.values[kept], before.values)
    # and with an explicit as_of, the same
    as_of = world.end - 3 * DAY
    earlier_before = Scorer().score(world, as_of=as_of)
    earlier_after = Scorer().score(bigger, as_of=as_of)
    kept_earlier = earlier_after.users.indices(earlier_before.users.ids)
    assert np.all(kept_earlier >= 0)
    np.testing.assert_array_equal(earlier_after.values[kept_earlier], earlier_before.values)


def test_silence_lowers_the_score_even_when_everyone_goes_silent(world: Events) -> None:
    assert world.end is not None
    now = Scorer().score(world, as_of=world.end)
    later = Scorer().score(world, as_of=world.end + 30 * DAY)
    assert np.array_equal(now.users.ids, later.users.ids)
    positive = now.values > 0
    assert positive.sum() > 100
    assert np.all(later.values[positive] < now.values[positive])
    assert np.all(later.values <= now.values)
    # a month of silence costs everyone at least a quarter of their score
    assert np.all(later.values[positive] <= 0.75 * now.values[positive])
    assert np.all(later.parts["inactivity"][positive] < 0)


def test_silence_lowers_a_single_users_score() -> None:
    events = Events.from_records(
        [
            {"time": EPOCH + k * 3600.0, "actor": f"fan{k}", "action": "like", "target": "ann"}
            for k in range(6)
        ]
    )
    assert events.end is not None
    values = [
        Scorer().score(events, as_of=events.end + d * DAY)["ann"] for d in (0, 10, 30, 60, 89)
    ]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values)
