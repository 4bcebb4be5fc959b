"""DistinctEngagers: one engager counts once, whatever they do and however often."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events
from influence.components import DistinctEngagers

DAY = 86_400.0
HOUR = 3_600.0
T0 = 1_700_000_000.0


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"window_days": 0}, "window_days"),
        ({"window_days": -1}, "window_days"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], param: str) -> None:
    with pytest.raises(ValueError, match=f"'{param}' parameter of DistinctEngagers"):
        DistinctEngagers(**kwargs)


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
