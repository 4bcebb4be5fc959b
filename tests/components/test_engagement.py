"""Engagement: distinct people, selective ones and strong actions first; rate over posts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components._signal_logs import DAY, END, T0, posts, value
from influence import Events, Scorer
from influence.components import Engagement, Inactivity
from influence.components.engagement import _count_distinct_posts
from influence.kernels import count_distinct_pairs
from influence.testing import check_component


def test_conformance() -> None:
    check_component(Engagement())


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


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=60))
def test_distinct_posts_engaged_are_the_distinct_pairs(pairs: list[tuple[int, int]]) -> None:
    user = np.array([u for u, _ in pairs], dtype=np.int64)
    post = np.array([p for _, p in pairs], dtype=np.int64)
    got, expected = _count_distinct_posts(user, post, 7, 7), count_distinct_pairs(user, post, 7, 7)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
