"""Inactivity: a factor that forgives a short silence and takes more the longer it lasts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.components import Inactivity
from influence.testing import small_world_records

DAY = 86_400.0
HOUR = 3_600.0
T0 = 1_700_000_000.0
END = T0 + 10 * DAY

INACTIVITIES: list[Inactivity] = [
    Inactivity(),
    Inactivity(grace_days=0.0, half_life_days=5.0, shape=1.0),
    Inactivity(grace_days=3.0, half_life_days=100.0, shape=4.0),
]


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"grace_days": -1}, "grace_days"),
        ({"half_life_days": 0}, "half_life_days"),
        ({"shape": 0.5}, "shape"),
        ({"shape": 11}, "shape"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], param: str) -> None:
    with pytest.raises(ValueError, match=f"'{param}' parameter of Inactivity"):
        Inactivity(**kwargs)


def _like(t: float, actor: str, target: str, action: str = "like") -> dict[str, Any]:
    return {"time": t, "actor": actor, "action": action, "target": target}


def test_inactivity_factor_at_zero_is_one() -> None:
    for component in INACTIVITIES:
        assert float(component.factor(np.array(0.0))) == 1.0


@pytest.mark.parametrize("grace", [0.0, 1.0, 3.0, 10.0])
def test_inactivity_grace_respected(grace: float) -> None:
    component = Inactivity(grace_days=grace)
    days = np.array([0.0, grace / 2, grace])
    assert np.all(component.factor(days) == 1.0)
    assert float(component.factor(np.array(grace + 0.01))) < 1.0


def test_inactivity_defaults_costs() -> None:
    component = Inactivity()
    assert float(component.factor(np.array(2.0))) >= 0.95
    assert float(component.factor(np.array(30.0))) <= 0.75
    assert float(component.factor(np.array(90.0))) <= 0.40
    # and the half-life: 0.5 at grace + half_life days
    assert float(component.factor(np.array(46.0))) == pytest.approx(0.5)


@settings(max_examples=50, deadline=None)
@given(
    a=st.floats(0.0, 5_000.0, allow_nan=False),
    b=st.floats(0.0, 5_000.0, allow_nan=False),
    grace=st.floats(0.0, 30.0),
    half_life=st.floats(0.1, 365.0),
    shape=st.floats(1.0, 10.0),
)
def test_inactivity_monotone_non_increasing(
    a: float, b: float, grace: float, half_life: float, shape: float
) -> None:
    low, high = min(a, b), max(a, b)
    for component in (Inactivity(), Inactivity(grace, half_life, shape)):
        f_low, f_high = component.factor(np.array([low, high]))
        assert 0.0 <= f_high <= f_low <= 1.0


def _inactivity(events: Events, as_of: float, **kwargs: Any) -> dict[str, float]:
    values = Inactivity(**kwargs)(events, as_of=as_of)
    return dict(zip(events.users.ids.tolist(), values.tolist()))


def test_target_only_user_is_dated_by_what_they_receive() -> None:
    records = [
        _like(T0, "bob", "ann", "mention"),
        _like(T0 + 10 * DAY, "cy", "ann", "follow"),
        {"time": T0 + 40 * DAY, "actor": "bob", "action": "post", "post": "p"},
    ]
    events = Events.from_records(records)
    as_of = T0 + 40 * DAY
    component = Inactivity()
    evidence = component.evidence(events, as_of=as_of)
    i = events.users.index("ann")
    assert bool(evidence.details["known"][i])
    assert float(evidence.details["days_silent"][i]) == pytest.approx(30.0)
    assert evidence.values[i] == pytest.approx(float(component.factor(np.array(30.0))))
    assert _inactivity(events, as_of)["bob"] == 1.0


def test_likes_on_unlogged_posts_date_their_author() -> None:
    # ann's post is not in the log, but a like on it implies she posted by then
    records = [
        {"time": T0, "actor": "ann", "action": "like", "target": "bob"},
        {"time": T0 + 20 * DAY, "actor": "bob", "action": "like", "target": "ann"},
        {"time": T0 + 20 * DAY, "actor": "cy", "action": "mention", "target": "ann"},
    ]
    events = Events.from_records(records)
    days = Inactivity().evidence(events, as_of=T0 + 20 * DAY).details["days_silent"]
    assert float(days[events.users.index("ann")]) == 0.0


def test_likes_on_logged_posts_do_not_date_their_author() -> None:
    records = [
        {"time": T0, "actor": "ann", "action": "post", "post": "p1"},
        {"time": T0 + 20 * DAY, "actor": "bob", "action": "like", "parent": "p1"},
    ]
    events = Events.from_records(records)
    days = Inactivity().evidence(events, as_of=T0 + 20 * DAY).details["days_silent"]
    assert float(days[events.users.index("ann")]) == pytest.approx(20.0)


def test_self_interactions_do_not_date_a_user() -> None:
    records = [
        {"time": T0, "actor": "ann", "action": "post", "post": "p1"},
        {"time": T0 + 20 * DAY, "actor": "ann", "action": "mention", "target": "ann"},
    ]
    events = Events.from_records(records)
    days = Inactivity().evidence(events, as_of=T0 + 20 * DAY).details["days_silent"]
    assert float(days[events.users.index("ann")]) == pytest.approx(20.0)


def test_inactivity_reasons() -> None:
    component = Inactivity()
    assert "grace" in component.reason({"known": True, "days_silent": 0.5}, 0.0)
    assert component.reason({"known": True, "days_silent": 30.0}, -12.0) == (
        "inactive for 30 days: -12.0 points"
    )
    assert "no decay" in component.reason({"known": False, "days_silent": 0.0}, 0.0)


@pytest.mark.parametrize("seed", [0, 3])
def test_moving_own_event_later_never_lowers_factor(seed: int) -> None:
    records = small_world_records(seed)
    events = Events.from_records(records)
    assert events.end is not None
    as_of = events.end
    component = Inactivity(grace_days=0.0, half_life_days=10.0, shape=1.0)
    base = _inactivity(events, as_of, grace_days=0.0, half_life_days=10.0, shape=1.0)
    moved_any = 0
    for k, record in enumerate(records):
        user = record["actor"]
        for delta in (HOUR, 2 * DAY, 9 * DAY):
            new_time = min(record["time"] + delta, as_of)
            if new_time <= record["time"]:
                continue
            moved = [*records[:k], {**record, "time": new_time}, *records[k + 1 :]]
            after_events = Events.from_records(moved)
            after = component(after_events, as_of=as_of)
            assert after[after_events.users.index(user)] >= base[user], (record, delta)
            moved_any += 1
    assert moved_any > 200


def test_inactivity_in_scorer_is_not_the_clock() -> None:
    records = [_like(T0 + k * HOUR, f"fan{k}", "ann") for k in range(4)]
    records.append({"time": T0, "actor": "ann", "action": "post", "post": "p"})
    scores = Scorer().score(Events.from_records(records))
    assert scores.explain("ann").parts["inactivity"] == 0.0
    assert scores.components["inactivity"][scores.users.index("ann")] == 1.0


def test_inactivity_thresholds() -> None:
    factor = Inactivity().factor(np.array([0.0, 2.0, 30.0, 90.0, 365.0]))
    assert factor[0] == 1.0
    assert factor[1] >= 0.95
    assert factor[2] <= 0.75
    assert factor[3] <= 0.40
    assert np.all(np.diff(factor) <= 0)


def test_a_user_seen_only_as_a_target_is_not_silent_forever() -> None:
    # Higgs-like partial log: retweets and mentions, no posts.
    records = [
        {"time": END - k * 3600.0, "actor": f"fan{k}", "action": "share", "target": "ann"}
        for k in range(5)
    ]
    records.append({"time": T0, "actor": "ann", "action": "mention", "target": "bob"})
    events = Events.from_records(records)
    factors = Inactivity()(events, as_of=END)
    assert factors[events.users.index("ann")] == pytest.approx(1.0)


def test_last_seen_is_the_same_made_in_blocks_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from influence.components import inactivity

    events = Events.from_records(small_world_records(seed=3))
    trusted = events.with_trust(np.linspace(0.0, 1.0, len(events)))
    whole = [Inactivity().last_seen(ev, events.end) for ev in (events, trusted)]
    monkeypatch.setattr(inactivity, "_BLOCK", 7)  # many blocks, one cut inside most users' rows
    blocks = [Inactivity().last_seen(ev, events.end) for ev in (events, trusted)]
    for one, other in zip(whole, blocks):
        np.testing.assert_array_equal(one, other)
    assert np.isfinite(whole[0]).any()
