"""Scorer: validation, scoring semantics, explanations, configuration and registration."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

import influence
import influence.components
import influence.engines
from influence import Calibration, Events, Scorer, register
from influence.components import (
    Activity,
    Authenticity,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Momentum,
    Reciprocity,
)
from influence.components import registry as _registry
from influence.datasets import EPOCH, synthetic
from influence.evaluate import predictive_validity
from influence.testing import check_component, small_world

DAY = 86_400.0


# --------------------------------------------------------------------------- helpers
def _as_modifier(fn: Any) -> Any:
    fn.role = "modifier"
    return fn


def _constant_signal(value: float) -> Any:
    def constant(events: Events, *, as_of: float) -> np.ndarray:
        return np.full(events.n_users, value)

    return constant


def _constant_modifier(value: float) -> Any:
    def factor(events: Events, *, as_of: float) -> np.ndarray:
        return np.full(events.n_users, value)

    return _as_modifier(factor)


def _posts_made(events: Events, *, as_of: float) -> np.ndarray:
    """A third-party signal written as a plain function: log(1 + posts made)."""
    mask = (events.action == 0) & (events.time <= as_of)
    counts = np.bincount(events.actor[mask], minlength=events.n_users)
    return np.log1p(counts).astype(np.float64)


@dataclass(frozen=True)
class FollowBurden:
    """A third-party modifier: a frozen dataclass that subclasses nothing."""

    name: ClassVar[str] = "test_follow_burden"
    role: ClassVar[str] = "modifier"

    limit: float = 20.0

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        mask = (events.action == 5) & (events.actor != events.target) & (events.time <= as_of)
        follows = np.bincount(events.actor[mask], minlength=events.n_users)
        return np.asarray(1.0 / (1.0 + follows / self.limit), dtype=np.float64)


@pytest.fixture
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A private copy of the component registry, restored after the test."""
    registry = dict(_registry._REGISTRY)
    monkeypatch.setattr(_registry, "_REGISTRY", registry)
    return registry


@pytest.fixture(scope="module")
def world_events() -> Events:
    return synthetic(seed=0).events


@pytest.fixture(scope="module")
def world_records(world_events: Events) -> list[dict[str, Any]]:
    return world_events.to_records()


def _engaged_five_times() -> Events:
    """ann: 5 likes from 3 distinct people (bob twice, cy twice, dee once)."""
    t0 = EPOCH
    likes = [("bob", 0), ("bob", 1), ("cy", 2), ("cy", 3), ("dee", 4)]
    return Events.from_records(
        [{"time": t0 + k * 3600.0, "actor": a, "action": "like", "target": "ann"} for a, k in likes]
    )


# --------------------------------------------------------------------------- defaults
def test_defaults() -> None:
    # The default scorer defines everyone's score: changing it is a score change
    # (CHANGELOG.md, "Score changes"), and this test says what it is.
    scorer = Scorer()
    # Every kind of engagement is one person (docs/validation.md, "Action weights").
    equal = {f"{a}_weight": 1.0 for a in ("reply", "share", "like", "mention")}
    assert scorer.signals == (
        ("engagement", Engagement(**equal)),
        ("activity", Activity()),
        ("longevity", Longevity()),
    )
    assert scorer.weights == {"engagement": 1.0, "activity": 0.5, "longevity": 0.25}
    assert scorer.discounts == (("reciprocity", Reciprocity()), ("credibility", Credibility()))
    assert scorer.modifiers == (("inactivity", Inactivity()), ("authenticity", Authenticity()))
    assert Momentum() == Momentum(half_life_days=0.25, window_days=7.0, selectivity_per_day=20.0)
    assert (Credibility().cohort_scale, Credibility().cohort_credit) == (5.0, 1.0)
    assert Inactivity() == Inactivity(grace_days=1.0, half_life_days=45.0, shape=2.0)
    assert scorer.calibration == Calibration(midpoint=4.0, shape=1.0)
    assert Scorer() == scorer


def test_house_weights_apply_by_name_and_others_default_to_one() -> None:
    scorer = Scorer(
        signals=[("activity", Activity()), ("other", DistinctEngagers())],
        weights={"other": 3.0},
    )
    assert scorer.weights == {"activity": 0.5, "other": 3.0}
    assert Scorer(signals=[DistinctEngagers()]).weights == {"distinct_engagers": 1.0}


def test_components_given_as_sequence_pairs_or_mapping_are_equal() -> None:
    a = Scorer(signals=[DistinctEngagers()], modifiers=[])
    b = Scorer(signals=[("distinct_engagers", DistinctEngagers())], modifiers=())
    c = Scorer(signals={"distinct_engagers": DistinctEngagers()}, modifiers={})
    assert a == b == c
    assert a.weights == {"distinct_engagers": 1.0}


# --------------------------------------------------------------------------- validation
def test_weight_for_unknown_component() -> None:
    with pytest.raises(ValueError, match=r"'weights'") as info:
        Scorer(weights={"nope": 1.0})
    message = str(info.value)
    assert "'nope'" in message  # what was given
    for name, _ in Scorer().signals:  # what is allowed
        assert repr(name) in message


def test_negative_weight() -> None:
    with pytest.raises(ValueError, match=r"weights") as info:
        Scorer(signals=[("engagers", DistinctEngagers())], weights={"engagers": -0.5})
    message = str(info.value)
    assert "[0, inf)" in message
    assert "-0.5" in message


def test_all_zero_weights() -> None:
    signals = [("a", DistinctEngagers()), ("b", DistinctEngagers(window_days=7))]
    with pytest.raises(ValueError, match=r"'weights'.*all zero") as info:
        Scorer(signals=signals, weights={"a": 0.0, "b": 0})
    assert "'a': 0.0" in str(info.value)


def test_zero_weight_for_one_signal_is_allowed() -> None:
    signals = [("a", DistinctEngagers()), ("b", DistinctEngagers(window_days=7))]
    scorer = Scorer(signals=signals, weights={"a": 0.0})
    assert scorer.weights == {"a": 0.0, "b": 1.0}


@pytest.mark.parametrize("signals", [[], (), {}, None])
def test_no_signals(signals: Any) -> None:
    with pytest.raises(ValueError, match=r"'signals'.*at least one signal") as info:
        Scorer(signals=signals)
    assert "Got none" in str(info.value)


def test_duplicate_part_names() -> None:
    with pytest.raises(ValueError, match=r"unique") as info:
        Scorer(signals=[("a", DistinctEngagers()), ("a", DistinctEngagers(window_days=7))])
    message = str(info.value)
    assert "'signals'" in message
    assert "['a']" in message


def test_duplicate_name_across_signals_and_modifiers() -> None:
    with pytest.raises(ValueError, match=r"unique") as info:
        Scorer(signals=[("x", DistinctEngagers())], modifiers=[("x", Inactivity())])
    assert "'modifiers'" in str(info.value)
    assert "['x']" in str(info.value)


def test_modifier_passed_as_signal() -> None:
    with pytest.raises(ValueError, match=r"'signals'") as info:
        Scorer(signals=[Inactivity()], modifiers=[])
    message = str(info.value)
    assert "'inactivity'" in message
    assert "role is 'modifier'" in message
    assert "allowed there: 'signal'" in message


def test_signal_passed_as_modifier() -> None:
    with pytest.raises(ValueError, match=r"'modifiers'") as info:
        Scorer(modifiers=[("decay", DistinctEngagers())])
    message = str(info.value)
    assert "'decay'" in message
    assert "role is 'signal'" in message
    assert "allowed there: 'modifier'" in message


def test_unknown_role_is_rejected() -> None:
    fn = _constant_signal(1.0)
    fn.role = "booster"
    with pytest.raises(ValueError, match=r"'booster'"):
        Scorer(signals=[("odd", fn)])


@pytest.mark.parametrize(
    "signals",
    [[("three", 3)], [3], ["distinct_engagers"], {"x": None}],
    ids=["pair", "bare", "string", "mapping"],
)
def test_non_callable_component(signals: Any) -> None:
    with pytest.raises(ValueError, match=r"'signals' parameter of Scorer") as info:
        Scorer(signals=signals)
    assert "callable" in str(info.value)


def test_a_registered_name_points_to_the_component() -> None:
    with pytest.raises(ValueError, match=r"registered name of DistinctEngagers: pass Distinct"):
        Scorer(signals=["distinct_engagers"])


@pytest.mark.parametrize("signals", [[Engagement], {"mine": Engagement}], ids=["bare", "mapping"])
def test_a_component_class_is_refused_at_construction(signals: Any) -> None:
    # a class is callable, so without this check it failed only in score(), deep inside
    with pytest.raises(ValueError, match=r"not classes; got the class Engagement.*Engagement\(\)"):
        Scorer(signals=signals)


def test_non_callable_modifier() -> None:
    with pytest.raises(ValueError, match=r"'modifiers' parameter of Scorer.*callable.*0.5"):
        Scorer(modifiers=[("flat", 0.5)])


@pytest.mark.parametrize(
    ("kwargs", "param", "allowed"),
    [
        ({"midpoint": 0.0}, "midpoint", "(0, inf)"),
        ({"midpoint": -1.0}, "midpoint", "(0, inf)"),
        ({"midpoint": float("nan")}, "midpoint", "(0, inf)"),
        ({"midpoint": "4"}, "midpoint", "(0, inf)"),
        ({"shape": 0.0}, "shape", "(0, 1]"),
        ({"shape": 1.5}, "shape", "(0, 1]"),
        ({"shape": True}, "shape", "(0, 1]"),
    ],
)
def test_bad_calibration(kwargs: dict[str, Any], param: str, allowed: str) -> None:
    with pytest.raises(ValueError, match=f"'{param}' parameter of Calibration") as info:
        Calibration(**kwargs)
    message = str(info.value)
    assert allowed in message
    assert repr(next(iter(kwargs.values()))) in message


def test_calibration_must_be_a_calibration() -> None:
    with pytest.raises(ValueError, match=r"'calibration'.*Calibration.*'midpoint': 3"):
        Scorer(calibration={"midpoint": 3})  # type: ignore[arg-type]


def test_score_needs_events() -> None:
    with pytest.raises(TypeError, match=r"Events"):
        Scorer().score([{"time": 0, "actor": "a", "action": "like", "target": "b"}])  # type: ignore[arg-type]


def test_bad_as_of_names_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"as_of"):
        Scorer().score(_engaged_five_times(), as_of="next tuesday")


def test_a_date_outside_the_years_is_refused_without_the_unit_hint() -> None:
    with pytest.raises(ValueError, match=r"years 1 to 9999; got '9999-12-31T23:59:59.9999999Z'$"):
        Scorer().score(_engaged_five_times(), as_of="9999-12-31T23:59:59.9999999Z")


@pytest.mark.parametrize("value", [1_700_000_000_000, 1.7e15, "1700000000000", -1e12])
def test_as_of_outside_the_years_1_to_9999_is_refused_with_a_unit_hint(value: Any) -> None:
    # epoch milliseconds would otherwise score everyone as silent for 50,000 years
    with pytest.raises(ValueError, match=r"as_of must fall in the years 1 to 9999.*milli"):
        Scorer().score(_engaged_five_times(), as_of=value)
    with pytest.raises(ValueError, match=r"cutoff must fall in the years 1 to 9999"):
        predictive_validity(_engaged_five_times(), cutoff=value, horizon=86_400)


# ----------------------------------------------------------- output checks at score time
@pytest.mark.parametrize("value", [1.5, -0.25])
def test_modifier_outside_unit_interval_raises_naming_it(value: float) -> None:
    scorer = Scorer(modifiers=[("booster", _constant_modifier(value))])
    with pytest.raises(ValueError, match=r"modifier 'booster'.*\[0, 1\]"):
        scorer.score(_engaged_five_times())


def test_signal_negative_raises_naming_it() -> None:
    scorer = Scorer(signals=[("neg", _constant_signal(-1.0))])
    with pytest.raises(ValueError, match=r"signal 'neg'.*non-negative"):
        scorer.score(_engaged_five_times())


def test_signal_nan_raises_naming_it() -> None:
    scorer = Scorer(signals=[("nan", _constant_signal(float("nan")))])
    with pytest.raises(ValueError, match=r"signal 'nan'.*non-finite"):
        scorer.score(_engaged_five_times())


def test_signal_inf_raises_naming_it() -> None:
    scorer = Scorer(signals=[("big", _constant_signal(float("inf")))])
    with pytest.raises(ValueError, match=r"signal 'big'.*non-finite"):
        scorer.score(_engaged_five_times())


def test_signal_wrong_shape_raises_naming_it() -> None:
    def short(events: Events, *, as_of: float) -> np.ndarray:
        return np.ones(events.n_users - 1)

    scorer = Scorer(signals=[("short", short)])
    with pytest.raises(ValueError, match=r"signal 'short' returned shape \(3,\); expected \(4,\)"):
        scorer.score(_engaged_five_times())


def test_signal_not_an_array_raises_naming_it() -> None:
    def listy(events: Events, *, as_of: float) -> list[float]:
        return [1.0] * events.n_users

    scorer = Scorer(signals=[("listy", listy)])
    with pytest.raises(TypeError, match=r"signal 'listy' returned list"):
        scorer.score(_engaged_five_times())


def test_modifier_of_zero_zeroes_the_score_and_parts_still_add_up() -> None:
    scorer = Scorer(
        signals=[("engagers", DistinctEngagers())],
        discounts=[],
        modifiers=[("kill", _constant_modifier(0.0)), ("decay", Inactivity())],
    )
    scores = scorer.score(_engaged_five_times())
    assert np.all(scores.values == 0.0)
    explanation = scores.explain("ann")
    assert explanation.parts["engagers"] > 0
    assert explanation.parts["kill"] == pytest.approx(-explanation.parts["engagers"], abs=1e-12)
    assert explanation.parts["decay"] == 0.0
    assert sum(explanation.parts.values()) == pytest.approx(0.0, abs=1e-9)


# --------------------------------------------------------------------------- as_of
def test_as_of_epoch_datetime_and_iso_string_agree(world_events: Events) -> None:
    when = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.timezone.utc)
    epoch = EPOCH + 30.5 * DAY
    assert when.timestamp() == epoch
    scorer = Scorer()
    results = [
        scorer.score(world_events, as_of=value)
        for value in (
            epoch,
            int(epoch),
            when,
            when.replace(tzinfo=None),  # naive means UTC
            "2026-01-31T12:00:00Z",
            "2026-01-31T12:00:00+00:00",
            "2026-01-31T13:00:00+01:00",
            str(int(epoch)),
        )
    ]
    first = results[0]
    assert first.as_of == epoch
    for other in results[1:]:
        assert other.as_of == epoch
        assert np.array_equal(other.users.ids, first.users.ids)
        assert np.array_equal(other.values, first.values)
        for name in first.part_names:
            assert np.array_equal(other.parts[name], first.parts[name])


def test_as_of_defaults_to_latest_event_not_the_clock() -> None:
    # Events in 2001: against the wall clock everyone would be silent for decades.
    t0 = 1_000_000_000.0
    events = Events.from_records(
        [
            {"time": t0, "actor": "bob", "action": "like", "target": "ann"},
            {"time": t0 + DAY, "actor": "cy", "action": "share", "target": "ann"},
            {"time": t0 + 2 * DAY, "actor": "dee", "action": "reply", "target": "ann"},
        ]
    )
    scores = Scorer().score(events)
    assert scores.as_of == events.end == t0 + 2 * DAY
    explicit = Scorer().score(events, as_of=t0 + 2 * DAY)
    assert np.array_equal(scores.values, explicit.values)
    assert scores.explain("ann").parts["inactivity"] == 0.0
    assert scores["ann"] > 0


def test_default_as_of_on_world(world_events: Events) -> None:
    scores = Scorer().score(world_events)
    assert scores.as_of == world_events.end
    assert np.array_equal(
        scores.values, Scorer().score(world_events, as_of=world_events.end).values
    )


def test_empty_events() -> None:
    scores = Scorer().score(Events.empty())
    assert len(scores) == 0
    assert scores.as_of is None
    assert scores.top(5) == []


def test_events_after_as_of_are_ignored_as_if_absent(
    world_records: list[dict[str, Any]],
) -> None:
    cut = EPOCH + 25.3 * DAY
    late = [
        {"time": cut + DAY, "actor": "zz_late_fan", "action": "like", "target": "u00001"},
        {"time": cut + 2 * DAY, "actor": "u00002", "action": "mention", "target": "zz_late_idol"},
    ]
    full = Events.from_records([*world_records, *late])
    truncated = Events.from_records([r for r in world_records if r["time"] <= cut])
    assert len(truncated) < len(full)
    scorer = Scorer(
        signals=[("engagers", DistinctEngagers()), ("recent", DistinctEngagers(window_days=7))],
        modifiers=[("inactivity", Inactivity()), ("fast", Inactivity(half_life_days=5))],
    )
    a = scorer.score(full, as_of=cut)
    b = scorer.score(truncated, as_of=cut)
    assert "zz_late_fan" not in a
    assert "zz_late_idol" not in a
    assert np.array_equal(a.users.ids, b.users.ids)
    assert np.array_equal(a.values, b.values)
    for name in a.part_names:
        assert np.array_equal(a.parts[name], b.parts[name])
    # users absent from the Scores are exactly those with no event at or before the cut
    seen = {r["actor"] for r in world_records if r["time"] <= cut}
    seen |= {r["target"] for r in world_records if r["time"] <= cut and "target" in r}
    assert set(a) == seen


def test_scores_bitwise_identical_for_shuffled_input(world_records: list[dict[str, Any]]) -> None:
    shuffled = list(world_records)
    random.Random(7).shuffle(shuffled)
    reversed_ = world_records[::-1]
    base = Scorer().score(Events.from_records(world_records))
    for records in (shuffled, reversed_):
        other = Scorer().score(Events.from_records(records))
        assert np.array_equal(other.users.ids, base.users.ids)
        assert np.array_equal(other.values, base.values)
        for name in base.part_names:
            assert np.array_equal(other.parts[name], base.parts[name])


# --------------------------------------------------------------------------- explanations
def _two_and_two() -> Scorer:
    return Scorer(
        signals=[("engagers", DistinctEngagers()), ("recent", DistinctEngagers(window_days=14))],
        weights={"engagers": 2.0, "recent": 0.5},
        discounts=[],
        modifiers=[
            ("inactivity", Inactivity()),
            ("fast_decay", Inactivity(grace_days=0.0, half_life_days=10.0, shape=1.0)),
        ],
    )


@pytest.mark.parametrize("make", [Scorer, _two_and_two], ids=["default", "two_and_two"])
def test_explanation_parts_add_up_for_every_user(world_events: Events, make: Any) -> None:
    scores = make().score(world_events)
    assert len(scores) == world_events.n_users
    for user in scores:
        explanation = scores.explain(user)
        assert explanation.user == user
        assert explanation.score == scores[user]
        assert list(explanation.parts) == list(scores.part_names)
        assert abs(sum(explanation.parts.values()) - explanation.score) <= 1e-9
    # and vectorised, from the parts arrays
    total = np.sum([scores.parts[n] for n in scores.part_names], axis=0)
    assert np.max(np.abs(total - scores.values)) <= 1e-9
    for name in scores.part_names:  # a zero loss is 0.0, not -0.0 (shown "-0.0" in tables)
        part = scores.parts[name]
        assert not np.signbit(part[part == 0]).any(), name


def test_signal_parts_split_by_weighted_contribution(world_events: Events) -> None:
    scores = _two_and_two().score(world_events)
    values = scores.components
    for user in list(scores)[:50]:
        i = scores.users.index(user)
        a, b = 2.0 * values["engagers"][i], 0.5 * values["recent"][i]
        parts = scores.explain(user).parts
        if a + b > 0:
            assert parts["engagers"] * b == pytest.approx(parts["recent"] * a, abs=1e-9)
        else:
            assert parts["engagers"] == parts["recent"] == 0.0


@pytest.mark.parametrize("make", [Scorer, _two_and_two], ids=["default", "two_and_two"])
def test_modifier_effects_are_zero_or_negative(world_events: Events, make: Any) -> None:
    scorer = make()
    scores = scorer.score(world_events)
    for name, _ in scorer.modifiers:
        assert np.all(scores.parts[name] <= 0.0)
    for name, _ in scorer.signals:
        assert np.all(scores.parts[name] >= 0.0)


def test_modifier_effects_independent_of_modifier_order(world_events: Events) -> None:
    forward = _two_and_two()
    backward = Scorer(
        signals=forward.signals,
        weights=forward.weights,
        discounts=[],
        modifiers=forward.modifiers[::-1],
    )
    a, b = forward.score(world_events), backward.score(world_events)
    assert b.part_names == ("engagers", "recent", "fast_decay", "inactivity")
    assert np.allclose(a.values, b.values, rtol=0.0, atol=1e-12)
    for name in a.part_names:
        assert np.allclose(a.parts[name], b.parts[name], rtol=0.0, atol=1e-12)
    # both modifiers bite somewhere, so the split matters
    assert np.any(a.parts["inactivity"] < 0)
    assert np.any(a.parts["fast_decay"] < a.parts["inactivity"])


def test_reasons_are_non_empty_strings(world_events: Events) -> None:
    scores = _two_and_two().score(world_events)
    for user in list(scores)[::7]:
        explanation = scores.explain(user)
        assert set(explanation.reasons) == set(explanation.parts)
        for reason in explanation.reasons.values():
            assert isinstance(reason, str)
            assert reason.strip()


@pytest.mark.parametrize("component", [DistinctEngagers(), Engagement()], ids=repr)
def test_engagers_reason_counts_distinct_users(component: Any) -> None:
    scores = Scorer(signals=[("engagers", component)]).score(_engaged_five_times())
    reason = scores.explain("ann").reasons["engagers"]
    assert reason.startswith("3 distinct users engaged 5 times")
    assert "90 days" in reason
    assert "no engagement" in scores.explain("bob").reasons["engagers"]


def test_default_scorer_reason_counts_distinct_users() -> None:
    scores = Scorer().score(_engaged_five_times())
    first_signal = scores.part_names[0]
    assert (
        scores.explain("ann").reasons[first_signal].startswith("3 distinct users engaged 5 times")
    )


def test_reasons_for_plain_function_components() -> None:
    scorer = Scorer(
        signals=[("flat", _constant_signal(2.0))], modifiers=[("half", _constant_modifier(0.5))]
    )
    explanation = scorer.score(_engaged_five_times()).explain("ann")
    assert "flat" in explanation.reasons["flat"]
    assert "0.500" in explanation.reasons["half"]
    assert explanation.parts["half"] == pytest.approx(-explanation.score, abs=1e-9)


# --------------------------------------------------------------------------- configuration
def _custom() -> Scorer:
    return Scorer(
        signals=[("wide", DistinctEngagers(window_days=180)), ("narrow", DistinctEngagers(7))],
        weights={"wide": 1.5, "narrow": 0.25},
        modifiers=[("decay", Inactivity(grace_days=3, half_life_days=20, shape=1.5))],
        calibration=Calibration(midpoint=2.5, shape=0.8),
    )


@pytest.mark.parametrize(
    "make",
    [Scorer, _custom, _two_and_two, lambda: Scorer(modifiers=[])],
    ids=["default", "custom", "two_and_two", "no_modifiers"],
)
def test_config_round_trips_through_json(make: Any) -> None:
    scorer = make()
    config = scorer.to_config()
    text = json.dumps(config)
    rebuilt = Scorer.from_config(json.loads(text))
    assert rebuilt == scorer
    assert rebuilt.to_config() == config
    events = small_world()
    assert np.array_equal(rebuilt.score(events).values, scorer.score(events).values)


def test_scores_carry_the_config() -> None:
    scores = _custom().score(small_world())
    assert scores.config == _custom().to_config()


def test_from_config_partial_uses_defaults() -> None:
    assert Scorer.from_config({}) == Scorer()
    assert Scorer.from_config({"calibration": {"midpoint": 2.0}}) == Scorer(
        calibration=Calibration(midpoint=2.0)
    )


def test_from_config_unknown_top_level_key() -> None:
    config = Scorer().to_config()
    config["weigths"] = {}
    with pytest.raises(
        ValueError, match=r"unknown key\(s\) \['weigths'\]; did you mean 'weights'\? allowed: \["
    ):
        Scorer.from_config(config)


def test_from_config_misspelt_parameter_and_type_name_the_closest() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown parameter 'window_dayz' of Engagement; did you mean 'window_days'\? "
        r"allowed: \['window_days', ",
    ):
        Scorer.from_config({"signals": [{"type": "engagement", "params": {"window_dayz": 9}}]})
    with pytest.raises(
        ValueError, match=r"unknown component 'engagment'; did you mean 'engagement'\?"
    ):
        Scorer.from_config({"signals": [{"type": "engagment"}]})


def test_from_config_calibration_keys_are_checked_by_name() -> None:
    with pytest.raises(
        ValueError,
        match=r"config\['calibration'\] has unknown key\(s\) \['midpointt'\]; did you mean "
        r"'midpoint'\? allowed: \['midpoint', 'shape'\]",
    ):
        Scorer.from_config({"calibration": {"midpointt": 3.0}})
    with pytest.raises(ValueError, match=r"config\['calibration'\] must be a mapping.*got int"):
        Scorer.from_config({"calibration": 3})


def test_from_config_unknown_key_in_a_part() -> None:
    config = Scorer().to_config()
    config["signals"][0]["window"] = 3
    with pytest.raises(ValueError, match=r"config\['signals'\]\[0\].*\['window'\]"):
        Scorer.from_config(config)


def test_from_config_part_without_type() -> None:
    with pytest.raises(ValueError, match=r"config\['modifiers'\]\[0\].*'type'"):
        Scorer.from_config({"modifiers": [{"name": "x"}]})


def test_from_config_unknown_component_type() -> None:
    config = Scorer().to_config()
    config["signals"][0]["type"] = "no_such_component"
    with pytest.raises(ValueError, match=r"unknown component 'no_such_component'") as info:
        Scorer.from_config(config)
    assert "distinct_engagers" in str(info.value)  # lists what is registered


def test_from_config_not_a_mapping() -> None:
    with pytest.raises(ValueError, match=r"mapping"):
        Scorer.from_config([("signals", [])])  # type: ignore[arg-type]


def test_from_config_bad_params_are_checked() -> None:
    config = Scorer(signals=[DistinctEngagers()]).to_config()
    config["signals"][0]["params"] = {"window_days": -3}
    with pytest.raises(ValueError, match=r"'window_days' parameter of DistinctEngagers"):
        Scorer.from_config(config)


def test_to_config_of_unregistered_component_raises() -> None:
    def homemade(events: Events, *, as_of: float) -> np.ndarray:
        return np.ones(events.n_users)

    scorer = Scorer(signals=[("mine", homemade)])
    with pytest.raises(ValueError, match=r"'mine'.*not registered"):
        scorer.to_config()
    # scoring still works, and keeps a best-effort config
    scores = scorer.score(_engaged_five_times())
    assert scores.config["signals"][0] == {"name": "mine", "type": "homemade", "params": {}}


def test_to_config_of_unregistered_dataclass_raises() -> None:
    @dataclass(frozen=True)
    class Unlisted:
        name: ClassVar[str] = "test_unlisted_component"
        scale: float = 1.0

        def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
            return np.zeros(events.n_users)

    with pytest.raises(ValueError, match=r"not registered"):
        Scorer(signals=[Unlisted()]).to_config()


# --------------------------------------------------------------------------- third-party components
def test_plain_function_registered_by_name(isolated_registry: dict[str, Any]) -> None:
    register("test_posts_made")(_posts_made)
    assert isolated_registry["test_posts_made"] is _posts_made
    check_component(_posts_made)
    scorer = Scorer(signals=[_posts_made, DistinctEngagers()], weights={"test_posts_made": 0.5})
    assert [n for n, _ in scorer.signals] == ["test_posts_made", "distinct_engagers"]
    config = json.loads(json.dumps(scorer.to_config()))
    assert config["signals"][0] == {
        "name": "test_posts_made",
        "type": "test_posts_made",
        "params": {},
    }
    rebuilt = Scorer.from_config(config)
    assert rebuilt == scorer
    events = small_world()
    scores = rebuilt.score(events)
    assert np.array_equal(scores.values, scorer.score(events).values)
    assert np.any(scores.parts["test_posts_made"] > 0)


def test_registered_function_takes_no_params(isolated_registry: dict[str, Any]) -> None:
    register("test_posts_made")(_posts_made)
    config = {"signals": [{"type": "test_posts_made", "params": {"k": 1}}]}
    with pytest.raises(ValueError, match=r"takes no params"):
        Scorer.from_config(config)


def test_register_with_role(isolated_registry: dict[str, Any]) -> None:
    def test_halver(events: Events, *, as_of: float) -> np.ndarray:
        return np.full(events.n_users, 0.5)

    register(role="modifier")(test_halver)
    assert test_halver.role == "modifier"  # type: ignore[attr-defined]
    scorer = Scorer(modifiers=[test_halver])
    assert Scorer.from_config(json.loads(json.dumps(scorer.to_config()))) == scorer
    check_component(test_halver)
    with pytest.raises(ValueError, match=r"role must be one of"):
        register(role="booster")  # type: ignore[arg-type]


def test_register_rejects_a_different_component_under_a_taken_name(
    isolated_registry: dict[str, Any],
) -> None:
    def other(events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)

    with pytest.raises(ValueError, match=r"'distinct_engagers' is already registered"):
        register("distinct_engagers")(other)


def test_frozen_dataclass_subclassing_nothing(isolated_registry: dict[str, Any]) -> None:
    register()(FollowBurden)
    assert isolated_registry["test_follow_burden"] is FollowBurden
    component = FollowBurden(limit=5.0)
    assert not isinstance(component, influence.BaseComponent)
    assert isinstance(component, influence.Component)
    check_component(component)
    check_component(FollowBurden())
    scorer = Scorer(modifiers=[Inactivity(), component])
    config = json.loads(json.dumps(scorer.to_config()))
    assert config["modifiers"][1] == {
        "name": "test_follow_burden",
        "type": "test_follow_burden",
        "params": {"limit": 5.0},
    }
    rebuilt = Scorer.from_config(config)
    assert rebuilt == scorer
    events = small_world()
    scores = rebuilt.score(events)
    assert np.array_equal(scores.values, scorer.score(events).values)
    assert np.all(scores.parts["test_follow_burden"] <= 0)
    assert np.any(scores.parts["test_follow_burden"] < 0)
    total = np.sum([scores.parts[n] for n in scores.part_names], axis=0)
    assert np.max(np.abs(total - scores.values)) <= 1e-9
    for name in scores.part_names:  # a zero loss is 0.0, not -0.0 (shown "-0.0" in tables)
        part = scores.parts[name]
        assert not np.signbit(part[part == 0]).any(), name


def test_entry_point_component_is_found(
    monkeypatch: pytest.MonkeyPatch, isolated_registry: dict[str, Any]
) -> None:
    loaded: list[str] = []

    class FakeEntryPoint:
        name = "test_ep_follow_burden"

        def load(self) -> Any:
            loaded.append(self.name)
            return FollowBurden

    groups: list[str] = []

    def fake_entry_points(*, group: str) -> list[FakeEntryPoint]:
        groups.append(group)
        return [FakeEntryPoint()] if group == "influence.components" else []

    monkeypatch.setattr(_registry, "entry_points", fake_entry_points)
    monkeypatch.setattr(_registry, "_LOADED_ENTRY_POINTS", False)
    assert "test_ep_follow_burden" not in isolated_registry

    assert _registry.lookup("test_ep_follow_burden") is FollowBurden
    assert groups == ["influence.components"]
    assert "test_ep_follow_burden" in _registry.available()
    config = {
        "modifiers": [{"name": "burden", "type": "test_ep_follow_burden", "params": {"limit": 3}}]
    }
    scorer = Scorer.from_config(config)
    assert scorer.modifiers == (("burden", FollowBurden(limit=3)),)
    scorer.score(small_world())
    assert loaded == ["test_ep_follow_burden"]  # loaded once
    assert groups == ["influence.components"]  # and looked up once


def test_entry_points_do_not_override_registered_names(
    monkeypatch: pytest.MonkeyPatch, isolated_registry: dict[str, Any]
) -> None:
    class Shadow:
        name = "inactivity"

        def load(self) -> Any:  # pragma: no cover - must not be called
            raise AssertionError("a built-in name must not be loaded from an entry point")

    monkeypatch.setattr(_registry, "entry_points", lambda *, group: [Shadow()])
    monkeypatch.setattr(_registry, "_LOADED_ENTRY_POINTS", False)
    assert "inactivity" in _registry.available()
    assert _registry.lookup("inactivity") is Inactivity
    assert influence.components.Inactivity is Inactivity


def test_class_registered_under_another_name_round_trips(
    isolated_registry: dict[str, Any],
) -> None:
    @dataclass(frozen=True)
    class Quiet:
        name: ClassVar[str] = "quiet_own_name"
        scale: float = 1.0

        def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
            return np.full(events.n_users, self.scale)

    register("quiet_registry_name")(Quiet)
    scorer = Scorer(signals=[Quiet(scale=2.0)], modifiers=[])
    assert [n for n, _ in scorer.signals] == ["quiet_registry_name"]
    config = json.loads(json.dumps(scorer.to_config()))
    assert config["signals"][0]["type"] == "quiet_registry_name"
    assert Scorer.from_config(config) == scorer


@pytest.mark.parametrize("reserved", ["user", "score"])
def test_part_names_of_output_columns_are_reserved(reserved: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        Scorer(signals=[(reserved, Engagement())], modifiers=[])


# ----------------------------------------------------------- the house at another time scale
def test_house_is_the_default_scorer() -> None:
    assert Scorer.house() == Scorer()
    assert Scorer.house().to_config() == Scorer().to_config()


def test_house_time_scale_reaches_every_standing_component_and_nothing_else() -> None:
    weekly = Scorer.house(half_life_days=7, window_days=21)
    parts = dict(weekly.signals + weekly.discounts + weekly.modifiers)
    for name in ("engagement", "activity", "longevity", "reciprocity", "credibility"):
        assert (parts[name].half_life_days, parts[name].window_days) == (7, 21), name
    assert parts["authenticity"].credibility == parts["credibility"]
    assert "momentum" not in parts  # nothing in the standing score works on hours
    assert parts["inactivity"] == Inactivity()  # and silence decays as before
    assert weekly.weights == Scorer().weights
    assert Scorer.from_config(weekly.to_config()) == weekly


@pytest.mark.parametrize("param", ["half_life_days", "window_days"])
@pytest.mark.parametrize("bad", [0, -7, math.nan, "7"])
def test_house_time_scale_is_checked(param: str, bad: Any) -> None:
    with pytest.raises(ValueError, match=rf"'{param}' parameter of Scorer.house"):
        Scorer.house(**{param: bad})


def test_a_shorter_time_scale_forgets_sooner() -> None:
    # ann was engaged by ten people 30 days ago, bob by ten people yesterday
    records = [
        {"time": day, "actor": f"{who}{i}", "action": "like", "target": who}
        for who, day in (("ann", 10 * DAY), ("bob", 39 * DAY))
        for i in range(10)
    ]
    events = Events.from_records(records)
    house = Scorer().score(events, as_of=40 * DAY)
    weekly = Scorer.house(half_life_days=7, window_days=21).score(events, as_of=40 * DAY)
    assert house["ann"] > 0
    assert weekly["ann"] == 0.0  # 30 days old: outside a 21-day window
    assert weekly["bob"] > 0


def test_trending_is_momentum_with_the_house_discounts_and_its_own_calibration() -> None:
    hot = Scorer.trending()
    equal = {f"{a}_weight": 1.0 for a in ("reply", "share", "like", "mention")}
    assert hot.signals == (("momentum", Momentum(**equal)),)
    assert hot.discounts == Scorer().discounts
    assert [name for name, _ in hot.modifiers] == ["authenticity"]
    assert hot.calibration == Calibration(midpoint=2.4)
    assert Scorer.from_config(hot.to_config()) == hot
    faster = Scorer.trending(half_life_days=0.1, window_days=2)
    assert dict(faster.signals)["momentum"] == Momentum(half_life_days=0.1, window_days=2, **equal)
    with pytest.raises(ValueError, match=r"'window_days' parameter of Scorer\.trending"):
        Scorer.trending(window_days=0)


def test_the_standing_score_survives_a_weekend_and_the_trending_one_does_not() -> None:
    # Issue 13: a 2-day break costs the standing score at most 5%, 30 days at least 25%,
    # 90 days at least 60%; the trending score is about now, and forgets in days.
    records = []
    for day in range(120):
        records.append(
            {
                "time": day * DAY,
                "actor": "ann",
                "action": "post",
                "post": f"p{day}",
                "text": f"column {day}",
            }
        )
        records += [
            {"time": day * DAY + 600.0 * (k + 1), "actor": f"fan{(day * 7 + k) % 60}",
             "action": "like", "parent": f"p{day}"}
            for k in range(8)
        ]  # fmt: skip
    end = 119 * DAY + 6000.0
    events = Events.from_records(records)

    def after(days: float, scorer: Scorer) -> float:
        kept = events.select(events.time <= end - days * DAY)
        return scorer.score(kept, as_of=end)["ann"] if "ann" in kept.users else 0.0

    standing = Scorer()
    full = after(0, standing)
    assert after(2, standing) >= 0.95 * full
    assert after(30, standing) <= 0.75 * full
    assert after(90, standing) <= 0.40 * full
    hot = Scorer.trending()
    assert after(2, hot) <= 0.2 * after(0, hot)


def test_a_scorer_reads_as_far_back_as_its_longest_part() -> None:
    """Scorer.lookbacks names each part's lookback; lookback_days is the longest."""
    house = Scorer()
    assert house.lookbacks["engagement"] == 90
    assert house.lookbacks["longevity"] == house.lookbacks["credibility"] == 180
    assert house.lookback_days == max(house.lookbacks.values()) == 180
    assert house.lookback_days == influence.engines.DEFAULT_DAYS  # the readers' default
    assert Scorer.trending().lookbacks["momentum"] == 7
    assert Scorer.house(window_days=120).lookback_days == 240
    short = Scorer(signals=[DistinctEngagers(window_days=30)], discounts=[], modifiers=[])
    assert short.lookback_days == 30
    with_all = Scorer(signals=[DistinctEngagers(), ("everything", lambda e, *, as_of: e.time)])
    assert with_all.lookbacks["everything"] == math.inf
    assert with_all.lookback_days == math.inf


def test_trust_is_the_per_event_trust_score_sets() -> None:
    events = synthetic(seed=3, days=30).events
    scorer = Scorer()
    when = float(events.time[len(events) // 2])
    trust = scorer.trust(events, as_of=when)
    window = events.until(when)
    assert trust.shape == (len(window),)
    assert 0.0 <= trust.min() < 1.0
    assert trust.max() <= 1.0
    keep = np.ones(len(window))
    for _, component in scorer.discounts:
        keep = keep * np.asarray(component(window, as_of=when))
    np.testing.assert_array_equal(trust, keep)
    half = window.with_trust(np.full(len(window), 0.5))
    np.testing.assert_allclose(scorer.trust(half, as_of=when), 0.5 * keep)
    assert Scorer(discounts=[]).trust(events).tolist() == [1.0] * len(events)
    with pytest.raises(TypeError, match=r"influence\.Events"):
        scorer.trust([1, 2])  # type: ignore[arg-type]
