"""Rules the standing signals share, each on a small constructed data set.

One component's own rules are in its own file (test_engagement.py, test_activity.py, ...).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from components._signal_logs import DAY, END, T0, posts, value
from influence import Events, Scorer
from influence.components import Activity, Engagement, Inactivity, Longevity


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
