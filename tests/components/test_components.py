"""Built-in components: the conformance checks, and their designed behaviour."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import influence.components
from influence import Events, Explainable, Scorer
from influence.components import DistinctEngagers, Inactivity
from influence.testing import Check, component_checks, small_world_records

DAY = 86_400.0
HOUR = 3_600.0
T0 = 1_700_000_000.0

INACTIVITIES: list[Inactivity] = [
    Inactivity(),
    Inactivity(grace_days=0.0, half_life_days=5.0, shape=1.0),
    Inactivity(grace_days=3.0, half_life_days=100.0, shape=4.0),
]

#: Every built-in component with its defaults, plus non-default variants.
BUILT_INS: list[Any] = [
    *(getattr(influence.components, name)() for name in influence.components.__all__),
    DistinctEngagers(window_days=7.0),
    DistinctEngagers(window_days=0.5),
    *INACTIVITIES[1:],
]


def _checks() -> list[Check]:
    out = []
    for component in BUILT_INS:
        for check in component_checks(component):
            out.append(dataclasses.replace(check, name=f"{component!r}/{check.name}"))
    return out


@pytest.mark.parametrize("check", _checks(), ids=str)
def test_component_conformance(check: Check) -> None:
    check()


@pytest.mark.parametrize("seed", [1, 2])
def test_component_conformance_other_worlds(seed: int) -> None:
    for component in (DistinctEngagers(), Inactivity()):
        for check in component_checks(component, seed=seed):
            check()


def test_built_ins_are_explainable_with_roles() -> None:
    assert {"DistinctEngagers", "Inactivity"} <= set(influence.components.__all__)
    for name in influence.components.__all__:
        component = getattr(influence.components, name)()
        assert isinstance(component, Explainable)
        assert component.role in ("signal", "discount", "modifier")
    assert DistinctEngagers.role == "signal"
    assert Inactivity.role == "modifier"
    assert influence.components.Reciprocity.role == "discount"


@pytest.mark.parametrize(
    ("factory", "kwargs", "param"),
    [
        (DistinctEngagers, {"window_days": 0}, "window_days"),
        (DistinctEngagers, {"window_days": -1}, "window_days"),
        (Inactivity, {"grace_days": -1}, "grace_days"),
        (Inactivity, {"half_life_days": 0}, "half_life_days"),
        (Inactivity, {"shape": 0.5}, "shape"),
        (Inactivity, {"shape": 11}, "shape"),
    ],
)
def test_bad_parameters(factory: Any, kwargs: dict[str, Any], param: str) -> None:
    with pytest.raises(ValueError, match=f"'{param}' parameter of {factory.__name__}"):
        factory(**kwargs)


# --------------------------------------------------------------------------- DistinctEngagers
def _engagers(records: list[dict[str, Any]], as_of: float, **kwargs: Any) -> dict[str, float]:
    events = Events.from_records(records)
    values = DistinctEngagers(**kwargs)(events, as_of=as_of)
    return dict(zip(events.users.ids.tolist(), values.tolist()))


def _like(t: float, actor: str, target: str, action: str = "like") -> dict[str, Any]:
    return {"time": t, "actor": actor, "action": action, "target": target}


def test_twenty_people_beat_one_person_twenty_times() -> None:
    records = [_like(T0 + k * HOUR, f"fan{k}", "many") for k in range(20)]
    records += [_like(T0 + k * HOUR, "superfan", "one") for k in range(20)]
    values = _engagers(records, T0 + DAY)
    assert values["many"] > values["one"] > 0
    assert values["many"] == pytest.approx(np.log1p(20))
    assert values["one"] == pytest.approx(np.log1p(1))


def test_every_engagement_action_counts_once_per_person() -> None:
    records = [
        _like(T0, "a", "ann", "like"),
        _like(T0 + 1, "b", "ann", "share"),
        _like(T0 + 2, "c", "ann", "reply"),
        _like(T0 + 3, "d", "ann", "mention"),
        _like(T0 + 4, "a", "ann", "reply"),
    ]
    assert _engagers(records, T0 + DAY)["ann"] == pytest.approx(np.log1p(4))


def test_repeats_add_nothing() -> None:
    base = [_like(T0 + k * HOUR, f"fan{k}", "ann") for k in range(5)]
    repeats = [
        _like(T0 + (10 + k) * HOUR, f"fan{k % 5}", "ann", action)
        for k, action in enumerate(["like", "share", "reply", "mention"] * 5)
    ]
    as_of = T0 + 2 * DAY
    assert _engagers([*base, *repeats], as_of)["ann"] == _engagers(base, as_of)["ann"]


def test_self_likes_add_nothing() -> None:
    base = [_like(T0 + k * HOUR, f"fan{k}", "ann") for k in range(3)]
    selfish = [_like(T0 + k * HOUR, "ann", "ann", a) for k, a in enumerate(["like", "share"] * 5)]
    as_of = T0 + DAY
    assert _engagers([*base, *selfish], as_of)["ann"] == _engagers(base, as_of)["ann"]
    assert _engagers(selfish, as_of)["ann"] == 0.0


def test_self_likes_on_own_posts_add_nothing() -> None:
    records = [
        {"time": T0, "actor": "ann", "action": "post", "post": "p1"},
        {"time": T0 + 1, "actor": "ann", "action": "like", "parent": "p1"},
        {"time": T0 + 2, "actor": "ann", "action": "share", "parent": "p1"},
        {"time": T0 + 3, "actor": "bob", "action": "like", "parent": "p1"},
    ]
    assert _engagers(records, T0 + DAY)["ann"] == pytest.approx(np.log1p(1))


def test_follows_add_nothing() -> None:
    base = [_like(T0 + k * HOUR, f"fan{k}", "ann") for k in range(3)]
    follows = [_like(T0 + k * HOUR, f"follower{k}", "ann", "follow") for k in range(30)]
    as_of = T0 + 2 * DAY
    values = _engagers([*base, *follows], as_of)
    assert values["ann"] == _engagers(base, as_of)["ann"]
    only_follows = _engagers(follows, as_of)
    assert only_follows["ann"] == 0.0


def test_engagement_via_parent_post_credits_the_author() -> None:
    records = [
        {"time": T0, "actor": "ann", "action": "post", "post": "p1"},
        {"time": T0 + 1, "actor": "bob", "action": "like", "parent": "p1"},
        {"time": T0 + 2, "actor": "cy", "action": "reply", "parent": "p1", "post": "r1"},
        {"time": T0 + 3, "actor": "dee", "action": "like", "parent": "r1"},
    ]
    values = _engagers(records, T0 + DAY)
    assert values["ann"] == pytest.approx(np.log1p(2))
    assert values["cy"] == pytest.approx(np.log1p(1))
    assert values["bob"] == values["dee"] == 0.0


def test_window_respected() -> None:
    as_of = T0 + 100 * DAY
    records = [
        _like(as_of - 30 * DAY, "edge", "ann"),  # exactly window_days old: out
        _like(as_of - 30 * DAY + 1.0, "inside", "ann"),  # just inside: in
        _like(as_of, "now", "ann"),  # at as_of: in
        _like(as_of + 1.0, "future", "ann"),  # after as_of: out
        _like(as_of - 80 * DAY, "old", "ann"),  # long ago: out
    ]
    assert _engagers(records, as_of, window_days=30)["ann"] == pytest.approx(np.log1p(2))
    assert _engagers(records, as_of, window_days=90)["ann"] == pytest.approx(np.log1p(4))
    # one second later, "inside" sits exactly on the (open) lower bound and "future" counts
    assert _engagers(records, as_of + 1.0, window_days=30)["ann"] == pytest.approx(np.log1p(2))
    assert _engagers(records, as_of + 0.5, window_days=30)["ann"] == pytest.approx(np.log1p(2))
    # half a second earlier, "edge" is inside and "now" is in the future
    assert _engagers(records, as_of - 0.5, window_days=30)["ann"] == pytest.approx(np.log1p(2))
    assert _engagers(records, as_of - 0.5, window_days=0.5)["ann"] == 0.0


def test_default_window_is_ninety_days() -> None:
    as_of = T0 + 200 * DAY
    records = [_like(as_of - 89 * DAY, "recent", "ann"), _like(as_of - 91 * DAY, "old", "ann")]
    assert _engagers(records, as_of)["ann"] == pytest.approx(np.log1p(1))


def test_engagers_evidence_details() -> None:
    records = [
        {"time": T0, "actor": "ann", "action": "post", "post": "p1"},
        {"time": T0 + 1, "actor": "ann", "action": "post", "post": "p2"},
        {"time": T0 + 2, "actor": "bob", "action": "like", "parent": "p1"},
        {"time": T0 + 3, "actor": "bob", "action": "like", "parent": "p2"},
        {"time": T0 + 4, "actor": "cy", "action": "share", "parent": "p1"},
        {"time": T0 + 5, "actor": "dee", "action": "mention", "target": "ann"},
    ]
    events = Events.from_records(records)
    component = DistinctEngagers()
    evidence = component.evidence(events, as_of=T0 + DAY)
    i = events.users.index("ann")
    facts = {k: v[i].item() for k, v in evidence.details.items()}
    assert facts == {"engagers": 3, "engagements": 4, "posts": 2}
    reason = component.reason(facts, 12.34)
    assert reason == (
        "3 distinct users engaged 4 times with 2 posts in the last 90 days (+12.3 points)"
    )
    single = component.reason({"engagers": 1, "engagements": 1, "posts": 0}, 1.0)
    assert single.startswith("1 distinct user engaged 1 time in")


# --------------------------------------------------------------------------- Inactivity
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
