"""Discounts: per-event trust, set on the table before the signals read it.

How any discount plugs in (Events.trust, the scorer's parts); the built-in discounts'
own rules are in test_reciprocity.py and test_credibility.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer, register
from influence.components import (
    Activity,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Momentum,
    Reciprocity,
)
from influence.testing import check_component, small_world

T0 = 1_700_000_000.0
DAY = 86_400.0


def _per_event(value: float, name: str) -> Any:
    def weight(events: Events, *, as_of: float) -> np.ndarray:
        return np.full(len(events), value)

    weight.role = "discount"  # type: ignore[attr-defined]
    weight.__name__ = name
    return weight


def _distrust(user: str) -> Any:
    """A discount that trusts nothing *user* does, and everything else."""

    def weight(events: Events, *, as_of: float) -> np.ndarray:
        out = np.ones(len(events))
        if user in events.users:
            out[events.actor == events.users.index(user)] = 0.0
        return out

    weight.role = "discount"  # type: ignore[attr-defined]
    weight.__name__ = f"distrust_{user}"
    return weight


# --------------------------------------------------------------------------- Events.trust
def test_with_trust_is_validated_and_travels_with_slices() -> None:
    events = small_world()
    with pytest.raises(ValueError, match="one weight per event"):
        events.with_trust(np.ones(3))
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        events.with_trust(np.full(len(events), 1.5))
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        events.with_trust(np.full(len(events), np.nan))
    weights = np.linspace(0.0, 1.0, len(events))
    trusted = events.with_trust(weights)
    assert trusted.trust is not None
    assert not trusted.trust.flags.writeable
    assert events.trust is None  # the original is not touched
    half = events.time[len(events) // 2]
    assert np.array_equal(trusted.until(half).trust, weights[: len(events.until(half))])
    mask = events.action == 0
    assert np.array_equal(trusted.select(mask).trust, weights[mask])
    assert np.array_equal(trusted.until(half).compact().trust, trusted.until(half).trust)
    assert trusted.with_trust(None) == events
    assert trusted != events
    assert events.with_trust(np.ones(len(events))) == events


def test_signals_ignore_untrusted_engagement_entirely() -> None:
    # With every event of "fake" untrusted, a table with fake's engagement gives the same
    # signal values as the table without it, for every engagement-based signal.
    base = [
        {"time": T0 + k * 3600.0, "actor": f"fan{k}", "action": "like", "target": "ann"}
        for k in range(5)
    ] + [{"time": T0, "actor": "ann", "action": "post", "post": "p"}]
    fake = [
        {"time": T0 + k * 60.0, "actor": "fake", "action": a, "target": "ann", "parent": "p"}
        for k, a in enumerate(["like", "share", "reply", "mention"] * 5)
    ]
    clean = Events.from_records(base)
    noisy = Events.from_records(base + fake)
    trust = np.where(noisy.actor == noisy.users.index("fake"), 0.0, 1.0)
    as_of = T0 + DAY
    for signal in (
        Engagement(),
        Momentum(),
        Activity(),
        Longevity(),
        DistinctEngagers(),
    ):
        want = signal(clean, as_of=as_of)[clean.users.index("ann")]
        got = signal(noisy.with_trust(trust), as_of=as_of)[noisy.users.index("ann")]
        assert got == pytest.approx(want, abs=1e-12), type(signal).__name__
        assert signal(noisy, as_of=as_of)[noisy.users.index("ann")] > want  # untrusted: counts


# --------------------------------------------------------------------------- the Scorer
def test_parts_add_up_and_the_discount_takes_what_it_removes() -> None:
    events = small_world()
    plain = Scorer(discounts=[]).score(events)
    scorer = Scorer(discounts=[_per_event(0.5, "half")])
    scores = scorer.score(events)
    assert scores.part_names[len(scorer.signals)] == "half"
    for user in scores:
        parts = scores.explain(user).parts
        assert sum(parts.values()) == pytest.approx(scores[user], abs=1e-9)
        # the signals' parts are the undiscounted ones: the discount carries the loss
        undiscounted = sum(parts[n] for n, _ in scorer.signals)
        assert undiscounted == pytest.approx(
            sum(plain.explain(user).parts[n] for n, _ in scorer.signals), abs=1e-9
        )
        assert parts["half"] <= 1e-12
    assert np.all(scores.values <= plain.values + 1e-9)
    assert np.any(scores.values < plain.values - 1.0)


def test_a_zero_discount_leaves_nothing_to_score() -> None:
    events = small_world()
    scores = Scorer(discounts=[_per_event(0.0, "nothing")], modifiers=[]).score(events)
    assert np.allclose(scores.values, 0.0, atol=1e-12)
    assert np.allclose(scores.components["nothing"], 0.0)


def test_discounts_multiply_and_their_order_does_not_matter() -> None:
    events = small_world()
    one = Scorer(discounts=[_per_event(0.5, "a"), _distrust("bob")]).score(events)
    two = Scorer(discounts=[_distrust("bob"), _per_event(0.5, "a")]).score(events)
    assert np.allclose(one.values, two.values, rtol=0.0, atol=1e-12)
    for name in one.part_names:
        assert np.allclose(one.parts[name], two.parts[name], rtol=0.0, atol=1e-12)


def test_distrusting_an_engager_takes_back_exactly_their_engagement() -> None:
    rows = [
        {"time": T0 + k * 3600.0, "actor": f"fan{k}", "action": "share", "target": "ann"}
        for k in range(4)
    ]
    spam = [
        {"time": T0 + k * 60.0, "actor": "bot", "action": "share", "target": "ann"}
        for k in range(30)
    ]
    as_of = T0 + 2 * DAY
    without = Scorer(discounts=[]).score(Events.from_records(rows), as_of=as_of)["ann"]
    with_bot = Scorer(discounts=[]).score(Events.from_records(rows + spam), as_of=as_of)["ann"]
    defended = Scorer(discounts=[_distrust("bot")]).score(
        Events.from_records(rows + spam), as_of=as_of
    )["ann"]
    assert with_bot > without + 1.0
    assert defended == pytest.approx(without, abs=1e-9)  # no framing, no gain


def test_roles_are_checked_where_components_are_placed() -> None:
    with pytest.raises(ValueError, match="'discounts' parameter of Scorer holds 'inactivity'"):
        Scorer(discounts=[Inactivity()], modifiers=[])
    with pytest.raises(ValueError, match=r"holds 'reciprocity'.*Pass it in 'discounts'"):
        Scorer(modifiers=[Reciprocity()])


def test_a_discount_with_the_wrong_shape_is_named() -> None:
    def per_user(events: Events, *, as_of: float) -> np.ndarray:
        return np.ones(events.n_users)

    per_user.role = "discount"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"'per_user' returned shape .* one value per event"):
        Scorer(discounts=[per_user]).score(small_world())


def test_discounts_round_trip_through_config() -> None:
    scorer = Scorer(discounts=[("trades", Reciprocity(scale=2.0))], modifiers=[])
    config = scorer.to_config()
    assert config["discounts"] == [
        {"name": "trades", "type": "reciprocity", "params": Reciprocity(scale=2.0).__dict__}
    ]
    assert Scorer.from_config(config) == scorer


def test_a_registered_third_party_discount_plugs_in() -> None:
    @register("test_distrust_links", role="discount")
    def distrust_links(events: Events, *, as_of: float) -> np.ndarray:
        return np.where((events.text >= 0) & (events.time <= as_of), 0.5, 1.0)

    check_component(distrust_links)
    scorer = Scorer(discounts=[distrust_links])
    assert Scorer.from_config(scorer.to_config()) == scorer


def test_trust_the_caller_set_is_kept_and_combined() -> None:
    events = small_world()
    nothing = events.with_trust(np.zeros(len(events)))
    for scorer in (Scorer(), Scorer(discounts=[])):
        scores = scorer.score(nothing)
        assert np.allclose(scores.values, 0.0, atol=1e-12)
        for user in scores:
            parts = scores.explain(user).parts
            assert sum(parts.values()) == pytest.approx(scores[user], abs=1e-9)
            assert all(v <= 1e-9 for n, v in parts.items() if n in ("reciprocity", "credibility"))
    half = events.with_trust(np.full(len(events), 0.5))
    assert np.all(Scorer().score(half).values <= Scorer().score(events).values + 1e-9)


def test_a_discount_on_posts_carries_its_own_loss() -> None:
    def no_posts(events: Events, *, as_of: float) -> np.ndarray:
        return np.where((events.action == 0) & (events.time <= as_of), 0.0, 1.0)

    no_posts.role = "discount"  # type: ignore[attr-defined]
    scores = Scorer(discounts=[Reciprocity(), no_posts], modifiers=[]).score(small_world())
    # Reciprocity finds nothing in this world; the loss is the posts discount's alone
    assert np.allclose(scores.parts["reciprocity"], 0.0, atol=1e-9)
    assert np.any(scores.parts["no_posts"] < -0.1)
