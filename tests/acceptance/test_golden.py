"""Golden scores of the default Scorer on a small, fixed, hand-written data set.

These numbers pin down what the default scorer gives. If this test fails, users'
scores have moved: that is a score change, a breaking change for everyone who
stores or compares scores. Only update the numbers on purpose, and when you do,
write the change in CHANGELOG.md under "Score changes" (what moved, why, and by
roughly how much). Recompute them by printing ``Scorer().score(EVENTS)`` rounded
to 6 decimals; never loosen the tolerance instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from influence import Events, Scorer

RECORDS: list[dict[str, Any]] = [
    {"time": "2025-03-01T08:00:00Z", "actor": "ana", "action": "post", "post": "a1",
     "text": "spring is here"},
    {"time": "2025-03-01T09:30:00Z", "actor": "ben", "action": "like", "parent": "a1"},
    {"time": "2025-03-01T10:00:00Z", "actor": "cat", "action": "share", "parent": "a1",
     "post": "c1"},
    {"time": "2025-03-01T11:15:00Z", "actor": "dan", "action": "reply", "parent": "a1",
     "post": "d1"},
    {"time": "2025-03-02T07:45:00Z", "actor": "ben", "action": "like", "parent": "a1"},
    {"time": "2025-03-02T12:00:00Z", "actor": "eve", "action": "like", "parent": "c1"},
    {"time": "2025-03-03T18:20:00Z", "actor": "ana", "action": "like", "parent": "d1"},
    {"time": "2025-03-05T09:00:00Z", "actor": "ben", "action": "post", "post": "b1",
     "text": "https://example.org/x"},
    {"time": "2025-03-05T09:05:00Z", "actor": "ben", "action": "like", "parent": "b1"},  # self-like
    {"time": "2025-03-06T14:00:00Z", "actor": "fay", "action": "mention", "target": "ana"},
    {"time": "2025-03-08T16:30:00Z", "actor": "gus", "action": "follow", "target": "ana"},
    {"time": "2025-03-10T08:00:00Z", "actor": "eve", "action": "mention", "target": "gus"},
    {"time": "2025-03-20T10:00:00Z", "actor": "cat", "action": "like", "parent": "b1"},
    {"time": "2025-03-29T20:00:00Z", "actor": "dan", "action": "share", "parent": "b1",
     "post": "d2"},
    {"time": "2025-04-15T12:00:00Z", "actor": "fay", "action": "reply", "target": "eve",
     "post": "f1"},
]  # fmt: skip

# Changing any of these numbers is a score change: record it in CHANGELOG.md under
# "Score changes".
GOLDEN = {
    "ana": 8.239886,
    "ben": 9.115665,
    "cat": 3.433818,
    "dan": 4.467003,
    "eve": 10.969371,
    "fay": 0.000000,
    "gus": 3.240756,
}


@pytest.fixture(scope="module")
def events() -> Events:
    return Events.from_records(RECORDS)


def test_golden_scores(events: Events) -> None:
    scores = Scorer().score(events)
    assert scores.as_of == events.end
    assert set(scores) == set(GOLDEN)
    assert scores.to_dict() == pytest.approx(GOLDEN, abs=1e-6)


def test_golden_ranking(events: Events) -> None:
    expected = sorted(GOLDEN, key=lambda user: (-GOLDEN[user], user))
    assert [user for user, _ in Scorer().score(events).top(len(GOLDEN))] == expected


def test_golden_is_independent_of_input_order(events: Events) -> None:
    reordered = Events.from_records(RECORDS[::-1])
    assert Scorer().score(reordered).to_dict() == pytest.approx(GOLDEN, abs=1e-6)
