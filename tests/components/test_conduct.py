"""An account's own conduct: repeated texts, link-only posts, clockwork timing, answered posts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence import Events
from influence.components.conduct import answered_by, content_shares, regularity

T0 = 1_700_000_000.0
DAY = 86_400.0


def post(k: int, actor: str, text: str, t: float | None = None) -> dict[str, Any]:
    time = T0 + k * 600.0 if t is None else t
    return {"time": time, "actor": actor, "action": "post", "post": f"{actor}{k}", "text": text}


def like(actor: str, parent: str, t: float = T0 + DAY) -> dict[str, Any]:
    return {"time": t, "actor": actor, "action": "like", "parent": parent}


def everything(events: Events) -> np.ndarray:
    return np.ones(len(events), dtype=bool)


def test_repeated_texts_and_link_only_posts_are_shares_of_answered_posts() -> None:
    records = [post(k, "rep", "same") for k in range(5)]  # 4 repeats, the first answered
    records += [post(k, "lnk", f"https://x.example/{k}") for k in range(3)]  # 3 links, unanswered
    records += [post(10 + k, "lnk", f"thought {k}") for k in range(2)]  # 2 answered others
    records += [like("fan", "rep0"), like("fan", "lnk10"), like("pal", "lnk11")]
    events = Events.from_records(records)
    junk, links, posts = content_shares(events, everything(events), T0 + 2 * DAY, 3.0)
    rep, lnk = events.users.index("rep"), events.users.index("lnk")
    assert junk[rep] == pytest.approx(4 / (4 + 1 + 3))
    assert links[lnk] == pytest.approx(3 / (3 + 2 + 3))
    assert junk[lnk] == links[rep] == 0.0
    assert (posts[rep], posts[lnk], posts[events.users.index("fan")]) == (5, 5, 0)


def test_clockwork_timing_from_min_posts_on() -> None:
    rng = np.random.default_rng(0)
    clock = [post(k, "bot", f"t{k}", t=T0 + k * 3600.0) for k in range(12)]
    human = [
        post(k, "ann", f"t{k}", t=T0 + t)
        for k, t in enumerate(rng.exponential(3600.0, 12).cumsum())
    ]
    events = Events.from_records(clock + human)
    rows = np.arange(len(events))
    regular = regularity(events, rows, 10)
    assert regular[events.users.index("bot")] == 1.0
    assert regular[events.users.index("ann")] < 0.5
    assert regularity(events, rows, 13)[events.users.index("bot")] == 0.0  # too few actions


def test_answered_by_counts_distinct_others() -> None:
    records = [post(0, "ann", "hi"), post(1, "ann", "again")]
    records += [like("bob", "ann0"), like("bob", "ann1"), like("cy", "ann0"), like("ann", "ann1")]
    events = Events.from_records(records)
    answered = answered_by(events, T0 + 2 * DAY, everything(events))
    assert answered[events.users.index("ann")] == 2.0  # bob (twice) and cy; not herself
    assert answered[events.users.index("bob")] == 0.0


def old_regularity(events: Events, rows: np.ndarray, min_posts: float) -> np.ndarray:
    """regularity as it was before its stable order came from one sort of packed keys."""
    n = events.n_users
    order = np.argsort(events.actor[rows], kind="stable")
    who = events.actor[rows][order]
    when = events.time[rows][order]
    same = who[1:] == who[:-1]
    gap = np.diff(when)[same]
    owner = who[1:][same]
    count = np.bincount(owner, minlength=n).astype(np.float64)
    mean = np.divide(
        np.bincount(owner, weights=gap, minlength=n), count, out=np.zeros(n), where=count > 0
    )
    square = np.divide(
        np.bincount(owner, weights=gap * gap, minlength=n), count, out=np.zeros(n), where=count > 0
    )
    spread = np.sqrt(np.maximum(square - mean * mean, 0.0))
    variation = np.divide(spread, mean, out=np.full(n, np.inf), where=mean > 0)
    regular = np.clip((0.5 - variation) / 0.4, 0.0, 1.0)
    return np.where(count >= min_posts, regular, 0.0)


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from([0.0, 60.0, 600.0, 3600.0, 3660.0])),
        max_size=50,
    )
)
def test_regularity_matches_the_argsort_version(actions: list[tuple[int, float]]) -> None:
    events = Events.from_arrays(
        time=np.asarray([T0 + t for _, t in actions], dtype=np.float64),
        actor=np.asarray([a for a, _ in actions], dtype=np.int64),
        action=np.zeros(len(actions), dtype=np.int8),
        post=np.arange(len(actions), dtype=np.float64),
    )
    rows = np.arange(len(events))
    np.testing.assert_array_equal(regularity(events, rows, 3), old_regularity(events, rows, 3))
