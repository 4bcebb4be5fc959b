"""An account's own conduct: repeated texts, link-only posts, clockwork timing, answered posts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence import Events
from influence.components.conduct import (
    answered_by,
    clockwork,
    content_shares,
    history,
    regularity,
)

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


def old_history(
    events: Events, as_of: float, since: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """history as it was before one sort by actor: scatters (last write wins) and minimum.at."""
    t = events.time
    seen = np.flatnonzero((t <= as_of) & (t > since) & (events.actor != events.target))
    first = np.full(events.n_users, float(as_of))
    first[events.actor[seen[::-1]]] = t[seen[::-1]]
    last = np.full(events.n_users, -np.inf)
    last[events.actor[seen]] = t[seen]
    appeared = first.copy()
    aimed = seen[events.target[seen] >= 0]
    np.minimum.at(appeared, events.target[aimed], t[aimed])
    return seen, first, last, appeared


log_rows = st.lists(
    st.tuples(
        st.integers(0, 5),  # actor
        st.integers(-1, 5),  # target (-1: none; the actor itself: a self-interaction)
        st.sampled_from([0.0, 60.0, 600.0, 3600.0, 3660.0, 2 * DAY]),
    ),
    max_size=40,
)


def small_log(rows: list[tuple[int, int, float]]) -> Events:
    """Posts (no target) and follows (a target, possibly the actor itself)."""
    return Events.from_arrays(
        time=np.asarray([T0 + t for _, _, t in rows], dtype=np.float64),
        actor=np.asarray([a for a, _, _ in rows], dtype=np.int64),
        action=np.asarray([0 if b < 0 else 5 for _, b, _ in rows], dtype=np.int8),
        target=np.asarray([np.nan if b < 0 else b for _, b, _ in rows], dtype=np.float64),
        post=np.asarray([k if b < 0 else np.nan for k, (_, b, _) in enumerate(rows)]),
    )


@given(log_rows, st.sampled_from([-np.inf, T0, T0 + 60.0]), st.sampled_from([600.0, 3 * DAY]))
def test_history_matches_the_scatter_version(
    rows: list[tuple[int, int, float]], since: float, span: float
) -> None:
    events = small_log(rows)
    as_of = T0 + span
    past = history(events, as_of, since)
    seen, first, last, appeared = old_history(events, as_of, since)
    np.testing.assert_array_equal(past.rows, seen)
    np.testing.assert_array_equal(past.first, first)
    np.testing.assert_array_equal(past.last, last)
    np.testing.assert_array_equal(past.appeared, appeared)
    # the rows sorted by actor, each actor's in time order
    order = np.argsort(events.actor[seen], kind="stable")
    np.testing.assert_array_equal(past.who, events.actor[seen][order])
    np.testing.assert_array_equal(past.when, events.time[seen][order])
    np.testing.assert_array_equal(
        clockwork(past.who, past.when, events.n_users, 2), regularity(events, seen, 2)
    )


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5)), max_size=30),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_answered_by_owners_counts_only_their_posts(
    likes: list[tuple[int, int]], flags: list[bool]
) -> None:
    authors = ["a0", "a1", "a2", "a3"]
    records = [post(k, authors[k % 4], f"t{k}") for k in range(6)]
    records += [like(f"a{who}", f"{authors[k % 4]}{k}") for who, k in likes]
    events = Events.from_records(records)
    owners = np.zeros(events.n_users, dtype=bool)
    owners[[events.users.index(a) for a, f in zip(authors, flags, strict=True) if f]] = True
    every = everything(events)
    answered = answered_by(events, T0 + 2 * DAY, every)
    np.testing.assert_array_equal(
        answered_by(events, T0 + 2 * DAY, every, owners=owners), np.where(owners, answered, 0.0)
    )
