"""The rules of the core signals, each on a small constructed data set."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.components import Activity, Engagement, Inactivity, Longevity
from influence.kernels import group_sums, recency_weights
from influence.testing import check_component

DAY = 86_400.0
T0 = 1_700_000_000.0
END = T0 + 10 * DAY


def value(component: Any, records: list[dict[str, Any]], user: str, as_of: float = END) -> float:
    events = Events.from_records(records)
    return float(component(events, as_of=as_of)[events.users.index(user)])


def posts(
    user: str, count: int, start: float = T0, every: float = 0.2 * DAY
) -> list[dict[str, Any]]:
    return [
        {"time": start + k * every, "actor": user, "action": "post", "post": f"{user}-{k}"}
        for k in range(count)
    ]


@pytest.mark.parametrize("component", [Engagement(), Activity(), Longevity()], ids=str)
def test_conformance(component: Any) -> None:
    check_component(component)


def test_distinct_engagers_beat_repeats_by_a_wide_margin() -> None:
    many = [
        {"time": T0 + d * DAY + k, "actor": f"fan{k}", "action": "like", "target": "ann"}
        for d in range(10)
        for k in range(20)
    ]
    # The fans lead ordinary lives: they engage others and are engaged in turn (without
    # that, twenty fresh accounts liking only ann every day look like a farm, and are).
    for k in range(20):
        many += [
            {"time": T0 + k * 3600.0, "actor": f"fan{k}", "action": a, "target": f"pal{k}{j}"}
            for j, a in enumerate(["reply", "mention", "share", "like"] * 3)
        ]
        many.append(
            {"time": T0 + k * 3600.0, "actor": f"pal{k}0", "action": "reply", "target": f"fan{k}"}
        )
    one = [
        {"time": T0 + d * DAY + k, "actor": "fan", "action": "like", "target": "ann"}
        for d in range(10)
        for k in range(20)
    ]
    from_many, from_one = value(Engagement(), many, "ann"), value(Engagement(), one, "ann")
    assert from_many > 2.5 * from_one
    scores_many = Scorer().score(Events.from_records(many))["ann"]
    scores_one = Scorer().score(Events.from_records(one))["ann"]
    assert scores_many - scores_one > 20


def test_same_engagement_over_fifty_times_the_posts_counts_less() -> None:
    likes = [
        {"time": T0 + 5 * DAY + k, "actor": f"fan{k}", "action": "like", "target": "ann"}
        for k in range(30)
    ]
    # Measured a month on, when every post has had its time to find an audience.
    later = T0 + 30 * DAY
    few = value(Engagement(), posts("ann", 2) + likes, "ann", as_of=later)
    spread = posts("ann", 100, every=0.09 * DAY) + likes
    many = value(Engagement(), spread, "ann", as_of=later)
    assert many < 0.9 * few
    # 100 posts for 30 likes, about the same age: sqrt((30 + 6) / (30 + 6 + 50)) = 0.65
    # (0.68 with the recency weights of their exact ages).
    events = Events.from_records(spread)
    factor = Engagement().evidence(events, as_of=later).details["rate_factor"]
    assert 0.6 < factor[events.users.index("ann")] < 0.7


def test_a_post_counts_against_the_rate_only_once_it_had_time_to_be_engaged() -> None:
    likes = [
        {"time": T0 + k, "actor": f"fan{k}", "action": "like", "parent": "ann-0"} for k in range(5)
    ]
    fresh = {"time": END - 3600.0, "actor": "ann", "action": "post", "post": "new"}
    week = {**fresh, "time": END - 7 * DAY}
    base = value(Engagement(), posts("ann", 1) + likes, "ann")
    assert value(Engagement(), [*posts("ann", 1), *likes, fresh], "ann") == base
    older = value(Engagement(), [*posts("ann", 1), *likes, week], "ann")
    assert older < base
    # ... by a bounded amount: x(a) / K of the factor at most (x(7 days) = 18%, K = 12).
    assert older >= base * (1 - (6 / 14) ** 2 / 12)


def test_one_post_with_one_like_is_not_a_full_rate() -> None:
    tiny = [*posts("ann", 1), {"time": T0 + 1, "actor": "bob", "action": "like", "target": "ann"}]
    events = Events.from_records(tiny)
    details = Engagement().evidence(events, as_of=END).details
    assert details["rate_factor"][events.users.index("ann")] < 1.0


def test_selective_engagers_give_more_per_action() -> None:
    # Hundreds of likes a day, every day: someone who likes everything in sight.
    spammy = [
        {"time": T0 + k * 400.0, "actor": "liker", "action": "like", "target": f"x{k}"}
        for k in range(int(9 * DAY / 400))
    ]
    base = [
        {"time": END - DAY, "actor": "liker", "action": "like", "target": "bea"},
        {"time": END - DAY, "actor": "picky", "action": "like", "target": "ann"},
    ]
    events = Events.from_records(spammy + base)
    values = Engagement()(events, as_of=END)
    assert values[events.users.index("ann")] > 1.5 * values[events.users.index("bea")]


@pytest.mark.parametrize("strong", ["share", "reply"])
def test_shares_and_replies_count_more_than_likes(strong: str) -> None:
    records = [
        {"time": END - DAY, "actor": "v1", "action": strong, "target": "ann"},
        {"time": END - DAY, "actor": "v2", "action": "like", "target": "bea"},
    ]
    events = Events.from_records(records)
    values = Engagement()(events, as_of=END)
    assert values[events.users.index("ann")] > values[events.users.index("bea")]


def test_action_weights_are_configurable() -> None:
    records = [{"time": END - DAY, "actor": "v1", "action": "like", "target": "ann"}]
    assert value(Engagement(like_weight=0.0), records, "ann") == 0.0
    with pytest.raises(ValueError, match="'like_weight' parameter of Engagement"):
        Engagement(like_weight=-1.0)


def test_followers_who_never_interact_add_nothing() -> None:
    base = [{"time": END - DAY, "actor": "v1", "action": "reply", "target": "ann"}]
    follows = [
        {"time": END - DAY, "actor": f"f{k}", "action": "follow", "target": "ann"}
        for k in range(500)
    ]
    events, more = Events.from_records(base), Events.from_records(base + follows)
    for component in (Engagement(), Longevity()):
        before = component(events, as_of=END)[events.users.index("ann")]
        after = component(more, as_of=END)[more.users.index("ann")]
        assert before == after


def test_recency_weight_is_smooth_at_the_window_edge() -> None:
    ages = np.linspace(0.0, 120.0, 100_001) * DAY
    weights = recency_weights(ages, 90.0, 30.0)
    assert weights[0] == 1.0
    assert np.all(np.diff(weights) <= 0.0)
    assert np.max(np.abs(np.diff(weights))) < 1e-4  # no cliff anywhere, the edge included
    assert recency_weights(np.array([30.0 * DAY]), 1e9, 30.0)[0] == pytest.approx(0.5)


def test_an_event_leaving_the_window_moves_the_score_by_a_vanishing_amount() -> None:
    records = [
        {"time": T0, "actor": "v1", "action": "share", "target": "ann"},
        {"time": T0 + 95 * DAY, "actor": "ann", "action": "post", "post": "p"},
    ]
    events = Events.from_records(records)
    i = events.users.index("ann")
    just_inside = Engagement()(events, as_of=T0 + 89.99 * DAY)[i]
    outside = Engagement()(events, as_of=T0 + 90.01 * DAY)[i]
    assert just_inside - outside < 1e-6


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


def test_explanations_say_what_each_part_saw() -> None:
    records = posts("ann", 9) + [
        {"time": T0 + DAY + k * 60, "actor": f"fan{k % 14}", "action": "like", "target": "ann"}
        for k in range(37)
    ]
    scores = Scorer().score(Events.from_records(records), as_of=END + 12 * DAY)
    explanation = scores.explain("ann")
    assert "14 distinct users engaged 37 times" in explanation.reasons["engagement"]
    assert explanation.reasons["inactivity"].startswith("inactive for 20 days: -")
    assert f"{explanation.parts['inactivity']:+.1f} points" in explanation.reasons["inactivity"]


engagers = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 9 * 24)), min_size=0, max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    existing=engagers,
    new_time=st.integers(0, 9 * 24),
    action=st.sampled_from(["like", "share", "reply", "mention"]),
)
def test_a_new_distinct_engager_never_lowers_engagement(
    existing: list[tuple[int, int]], new_time: int, action: str
) -> None:
    records = posts("ann", 3) + [
        {"time": T0 + h * 3600.0, "actor": f"fan{k}", "action": "like", "target": "ann"}
        for k, h in existing
    ]
    more = [
        *records,
        {"time": T0 + new_time * 3600.0, "actor": "newcomer", "action": action, "target": "ann"},
    ]
    for component in (Engagement(), Longevity()):
        assert value(component, more, "ann") >= value(component, records, "ann")


@settings(max_examples=60, deadline=None)
@given(
    hours=st.lists(st.integers(0, 9 * 24), min_size=1, max_size=20),
    which=st.integers(0, 19),
    shift=st.integers(1, 48),
)
def test_moving_own_events_later_never_lowers_recency_weighted_signals(
    hours: list[int], which: int, shift: int
) -> None:
    def world(moved: int) -> list[dict[str, Any]]:
        out = []
        for k, h in enumerate(hours):
            t = T0 + (h + (moved if k == which % len(hours) else 0)) * 3600.0
            out.append({"time": min(t, END), "actor": "ann", "action": "post", "post": f"p{k}"})
        return [*out, {"time": T0, "actor": "bob", "action": "mention", "target": "ann"}]

    before, after = world(0), world(shift)
    assert value(Activity(), after, "ann") >= value(Activity(), before, "ann")
    assert value(Inactivity(), after, "ann") >= value(Inactivity(), before, "ann")


@settings(max_examples=60, deadline=None)
@given(
    posts_at=st.lists(st.integers(0, 60 * 24), min_size=0, max_size=15),
    engaged=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 60 * 24)), max_size=40),
    later=st.integers(1, 120),
)
def test_silence_never_raises_the_engagement_signal(
    posts_at: list[int], engaged: list[tuple[int, int]], later: int
) -> None:
    records: list[dict[str, Any]] = [
        {"time": T0 + h * 3600.0, "actor": "ann", "action": "post", "post": f"p{k}"}
        for k, h in enumerate(posts_at)
    ]
    records += [
        {"time": T0 + h * 3600.0, "actor": f"fan{k}", "action": "like", "target": "ann"}
        for k, h in engaged
    ]
    records.append({"time": T0, "actor": "bob", "action": "mention", "target": "ann"})
    end = T0 + 60 * 24 * 3600.0
    for component in (Engagement(), Longevity()):
        now = value(component, records, "ann", end)
        assert value(component, records, "ann", end + later * DAY) <= now + 1e-12


def test_group_sums_add_each_pair_in_table_order() -> None:
    """Other pairs' rows cannot reorder a pair's sum: it is the same, bit for bit."""
    rng = np.random.default_rng(0)
    n = 200_000
    first, second = rng.integers(0, 50, n), rng.integers(0, 50, n)
    weights = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)  # order-sensitive sums
    alone = group_sums(first, second, weights, 50)
    extra = np.zeros(n + 50_000, dtype=bool)
    extra[rng.choice(extra.size, 50_000, replace=False)] = True  # unrelated rows, interleaved
    f, s, w = np.empty(extra.size, np.int64), np.empty(extra.size, np.int64), np.ones(extra.size)
    f[~extra], s[~extra], w[~extra] = first, second, weights
    f[extra], s[extra] = rng.integers(50, 60, 50_000), rng.integers(0, 50, 50_000)
    mixed = group_sums(f, s, w, 50)
    pairs = alone[0].size
    np.testing.assert_array_equal(mixed[0][:pairs], alone[0])
    np.testing.assert_array_equal(mixed[2][:pairs], alone[2])
    expected = np.zeros((50, 50))
    np.add.at(expected, (first, second), weights)
    np.testing.assert_allclose(alone[2], expected[alone[0], alone[1]], rtol=1e-9, atol=1e-6)


def test_a_posts_exposure_never_costs_more_than_the_silence_since_it() -> None:
    # The documented bound: a post of age a lowers the rate factor by x(a) / K at most, and
    # with the house parameters that is never more than Inactivity takes for a days.
    from influence.components.engagement import exposure

    engagement, inactivity = Engagement(), Inactivity()
    days = np.linspace(0.0, 400.0, 400_001)
    x = exposure(days * DAY, engagement.exposure_days)
    assert np.all(x / engagement.prior_posts <= 1.0 - inactivity.factor(days) + 1e-15)
    assert x[days <= 1.0].max() == 0.0
    assert x[days >= 15.0].min() == 1.0
