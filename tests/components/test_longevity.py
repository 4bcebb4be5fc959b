"""Longevity: engagement that lasts counts more than a burst."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from components._signal_logs import DAY, T0, value
from components._trusted_logs import trusted_log
from influence import Events, Scorer
from influence.components import Longevity
from influence.components.longevity import _exp_decay, _lasting
from influence.kernels import (
    action_weight_table,
    engagement_index,
    post_origins,
    saturate,
    window_weights,
)
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


def test_lasting_weight_in_blocks_is_the_formula() -> None:
    rng = np.random.default_rng(0)
    created = rng.uniform(0.0, 100.0 * DAY, 300_000)  # several blocks
    time = created + rng.uniform(-DAY, 200.0 * DAY, created.size)  # some before the post
    base = rng.uniform(0.0, 3.0, created.size)
    weighted, late = _lasting(time, created, base, 2.0 * DAY)
    delay = np.maximum(time - created, 0.0)
    np.testing.assert_array_equal(weighted, base * (1.0 - np.exp(-((delay / (2.0 * DAY)) ** 2))))
    np.testing.assert_array_equal(late, delay >= 2.0 * DAY)


@given(st.integers(0, 2**32 - 1))
def test_longevity_with_trust_is_the_formula_over_every_pair(seed: int) -> None:
    """Only pairs with some trust other than 1 are averaged again: the same bits as the
    weighted mean trust of every pair."""
    events = trusted_log(seed)
    component = Longevity()
    as_of = float(events.end)
    index = engagement_index(events, as_of, 90.0)
    created, author = post_origins(events, as_of)
    parent = events.parent[index.rows]
    known = (author[parent] == events.target[index.rows]) & (created[parent] > as_of - 180 * DAY)
    rows, inverse = index.rows[known], index.inverse[known]
    base = window_weights(
        events,
        as_of,
        window_days=90.0,
        half_life_days=30.0,
        actions=action_weight_table(),
        selectivity_per_day=20.0,
    )[known]
    delay = np.maximum(events.time[rows] - created[events.parent[rows]], 0.0)
    lasts = 1.0 - np.exp(-((delay / DAY) ** 2))
    size, trust = index.source.size, np.asarray(events.trust)[rows]
    weight = np.bincount(inverse, weights=base, minlength=size)
    kept_weight = np.bincount(inverse, weights=base * lasts, minlength=size)
    count = np.bincount(inverse, minlength=size)
    plain = np.bincount(inverse, weights=trust, minlength=size) / np.maximum(count, 1)
    weighted = np.bincount(inverse, weights=base * trust, minlength=size)
    pair_trust = np.divide(weighted, weight, out=plain, where=weight > 0)
    kept = np.bincount(
        index.target, weights=saturate(kept_weight) * pair_trust, minlength=events.n_users
    )
    np.testing.assert_array_equal(component.evidence(events, as_of=as_of).values, np.log1p(kept))


@given(st.integers(0, 2**32 - 1))
def test_timed_and_late_engagements_are_counted_per_user(seed: int) -> None:
    """The details the reason quotes: per user, the engagements with their posts in view,
    and those ``tau_days`` or more after the post (counted in one pass, two bins a user)."""
    events = trusted_log(seed)
    component = Longevity(tau_days=0.5)
    as_of = float(events.end)
    index = engagement_index(events, as_of, 90.0)
    created, author = post_origins(events, as_of)
    parent, target = events.parent[index.rows], events.target[index.rows]
    known = (author[parent] == target) & (created[parent] > as_of - 180 * DAY)
    delay = np.maximum(events.time[index.rows] - created[parent], 0.0)
    late = known & (delay >= 0.5 * DAY)
    details = component.evidence(events, as_of=as_of).details
    n = events.n_users
    np.testing.assert_array_equal(details["timed"], np.bincount(target[known], minlength=n))
    np.testing.assert_array_equal(details["late"], np.bincount(target[late], minlength=n))
    assert details["timed"].dtype == details["late"].dtype == np.intp
