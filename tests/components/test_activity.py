"""Activity: saturating, original posts first, gated by the reach of what one does."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components._signal_logs import DAY, T0, posts, value
from components._trusted_logs import trusted_log
from influence import ACTIONS, Events, Scorer
from influence.components import Activity
from influence.kernels import recency_weights
from influence.testing import check_component


def test_conformance() -> None:
    check_component(Activity())


def test_activity_saturates_and_prefers_original_posts() -> None:
    # Activity counts in so far as someone responds: a small audience likes ann's posts.
    def audience(count: int) -> list[dict[str, Any]]:
        return [
            {"time": T0 + k * DAY / 200 + 60, "actor": f"fan{k % 6}", "action": "like",
             "parent": f"ann-{k}"}
            for k in range(count)
        ]  # fmt: skip

    heavy = posts("ann", 200 * 10, every=DAY / 200)
    assert value(Activity(), heavy + audience(2000), "ann") < 1.0
    assert value(Activity(), heavy + audience(2000), "ann") > 0.95
    # Posts nobody answers add nothing: the same audience over ten times the posts.
    assert value(Activity(), heavy + audience(200), "ann") == pytest.approx(
        value(Activity(), posts("ann", 200, every=DAY / 200) + audience(200), "ann")
    )
    assert value(Activity(), heavy, "ann") == 0.0  # nobody responds: the reach gate is shut
    assert value(Activity(reach_gate=0.0), heavy, "ann") == 0.0  # ... nor to any post
    shares = [
        {"time": T0 + k * 0.2 * DAY, "actor": "ann", "action": "share", "target": "bob"}
        for k in range(10)
    ]
    assert value(Activity(reach_gate=0.0), shares, "ann") > 0.0  # interactions count as such
    fans = [
        {"time": T0 + 1.0 + k, "actor": f"fan{k}", "action": "like", "parent": f"ann-{k}"}
        for k in range(10)
    ]
    original = posts("ann", 10) + fans
    shares = shares + [{**r, "parent": None, "target": "ann"} for r in fans]
    links = [{**r, "text": "https://example.com/x"} for r in posts("ann", 10)] + fans
    a_orig, a_share = value(Activity(), original, "ann"), value(Activity(), shares, "ann")
    a_link = value(Activity(), links, "ann")
    assert a_orig > a_link > a_share > 0.0


def test_volume_alone_never_makes_anyone_influential() -> None:
    spam = posts("spammer", 200 * 10, every=DAY / 200)
    assert Scorer().score(Events.from_records(spam))["spammer"] < 15.0


def test_the_reason_says_when_the_reach_gate_holds_activity_back() -> None:
    like = {"action": "like", "target": "ann", "parent": "p"}
    rows = [{"time": T0, "actor": "ann", "action": "post", "post": "p"}]
    alone = Scorer().score(Events.from_records(rows)).explain("ann").reasons["activity"]
    assert "counted at 0%: nobody engaged them" in alone
    rows += [{"time": T0 + 60 * k, "actor": f"fan{k}", **like} for k in range(1, 4)]
    heard = Scorer().score(Events.from_records(rows)).explain("ann").reasons["activity"]
    assert "counted at" not in heard  # three engagers open 95% of the gate
    facts = {"posts": 1, "link_posts": 0, "interactions": 0, "engagers": 0}
    assert "counted at" not in Activity(reach_gate=0).reason(facts, 1.0)  # no gate, no word


@given(st.integers(0, 2**32 - 1))
def test_activity_with_trust_is_the_formula_over_every_event(seed: int) -> None:
    """Only users with some trust other than 1 are summed again: the same bits as the
    formula summed over every event."""
    events = trusted_log(seed)
    component = Activity()
    as_of = float(events.end)
    rows = np.flatnonzero(
        (events.actor != events.target) & (events.time > as_of - 90 * DAY) & (events.time <= as_of)
    )
    answer = np.flatnonzero(
        (events.parent >= 0)
        & (events.actor != events.target)
        & np.isin(events.action, [1, 2, 3])
        & (events.time <= as_of)
    )
    trust = np.asarray(events.trust)
    answers = np.bincount(events.parent[answer], weights=trust[answer], minlength=len(events.posts))
    answered = -np.expm1(-np.append(answers, 0.0))
    table = np.array([component.WEIGHTS[a] for a in ACTIONS])
    weight = table[events.action[rows]] * recency_weights(as_of - events.time[rows], 90.0, 30.0)
    own_post = events.post[rows]
    heard = np.where(own_post >= 0, answered[own_post], 1.0)
    amount = np.bincount(
        events.actor[rows], weights=weight * trust[rows] * heard, minlength=events.n_users
    )
    got = component.evidence(events, as_of=as_of)
    engagers = np.asarray(got.details["engagers"])
    reach = -np.expm1(-engagers / component.reach_gate)
    np.testing.assert_array_equal(got.values, amount / (amount + component.half_saturation) * reach)
