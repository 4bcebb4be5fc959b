"""Credibility's statistics stage: the judge reads only them, and they read only the window."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components._trusted_logs import trusted_log
from influence import Events
from influence._time import DAY
from influence.components import Credibility
from influence.components.credibility_stats import (
    CredibilityStats,
    Seeds,
    credibility_stats,
    interaction_rows,
)
from influence.datasets import synthetic
from influence.testing import small_world


@pytest.fixture(scope="module")
def attacks() -> Events:
    return synthetic(seed=5, n_users=40, days=30, farm_size=10, n_sybils=20, ring_size=6).events


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name]), name


def test_the_judge_of_the_statistics_is_the_credibility_of_the_table(attacks: Events) -> None:
    as_of = float(attacks.time[-1])
    bots = [u for u in attacks.users.ids.tolist() if u.startswith("sybil")]
    for judge in (Credibility(), Credibility(trusted=(bots[0],), distrusted=tuple(bots[1:3]))):
        stats = judge.statistics(attacks, as_of)
        seeds = judge.seeds(attacks)
        facts = judge.judge(stats, seeds)
        same(facts, Credibility.credibility(judge, attacks, as_of))
        assert (facts["prop"] > 0).any()
        assert (facts["pooled"] > 0).any()
        # with trust: the accounts of no trusted interaction are left out (here, half of
        # the ordinary users: trust 0 on all their rows)
        ordinary = np.char.startswith(attacks.users.ids.astype(str), "u")
        ordinary[::2] = False
        trust = np.where(ordinary[attacks.actor], 0.0, 1.0)
        with_trust = judge.credibility(attacks.with_trust(trust), as_of)
        assert not np.array_equal(with_trust["credibility"], facts["credibility"])
        rows = np.flatnonzero(interaction_rows(attacks, as_of, judge.window_days) & (trust > 0))
        counted = np.bincount(attacks.actor[rows], minlength=attacks.n_users) > 0
        same(judge.judge(stats, seeds, counted), with_trust)


def test_seeds_are_found_by_id(attacks: Events) -> None:
    judge = Credibility(trusted=("star", "nobody"), distrusted=("spam",))
    seeds = judge.seeds(attacks)
    assert isinstance(seeds, Seeds)
    assert seeds.n == attacks.n_users
    assert attacks.users.ids[seeds.trusted].tolist() == ["star"]
    assert attacks.users.ids[seeds.distrusted].tolist() == ["spam"]


rows = st.lists(
    st.tuples(
        st.integers(0, 60),  # day
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.sampled_from(["post", "like", "reply", "follow", "share"]),
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.sampled_from(["hi", "hi", "http://x.io", None]),
    ),
    min_size=1,
    max_size=40,
)


def log_of(found: list[tuple[int, str, str, str, str | None]]) -> Events:
    records = []
    for k, (day, actor, action, target, text) in enumerate(found):
        row = {"time": day * DAY + k, "actor": actor, "action": action}
        if action == "post":
            row.update(post=f"p{k}", text=text)
        else:
            row["target"] = target
            if action != "follow" and k:
                row["parent"] = f"p{k - 1}"
        records.append(row)
    return Events.from_records(records, errors="skip")


def equal_stats(a: CredibilityStats, b: CredibilityStats) -> bool:
    plain = ("first", "last", "appeared", "start", "gaps", "gap_sum", "gap_square", "answerers")
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in plain) and all(
        np.array_equal(x, y) for x, y in zip((*a.pairs, *a.content), (*b.pairs, *b.content))
    )


@settings(max_examples=40, deadline=None)
@given(rows, st.integers(0, 60))
def test_the_statistics_read_nothing_after_the_time_judged(
    found: list[tuple[int, str, str, str, str | None]], cut: int
) -> None:
    events = log_of(found)
    as_of = cut * DAY + 0.5
    days = {"window_days": 20.0, "lookback_days": 40.0, "burst_days": 14.0}
    whole = credibility_stats(events, as_of, **days)
    assert equal_stats(whole, credibility_stats(events.until(as_of), as_of, **days))
    judge = Credibility(window_days=20.0)
    seeds = judge.seeds(events)
    same(judge.judge(whole, seeds), judge.credibility(events, as_of))


def test_judge_refuses_seeds_or_a_mask_of_other_accounts() -> None:
    events = small_world(seed=3)
    other = Events.from_records([{"time": 0, "actor": "x", "action": "like", "target": "y"}])
    credibility = Credibility()
    as_of = float(events.time[-1])
    stats = credibility.statistics(events, as_of)
    seeds = credibility.seeds(events)
    with pytest.raises(ValueError, match=r"'seeds' parameter of Credibility\.judge .* 2 acc"):
        credibility.judge(stats, credibility.seeds(other))
    with pytest.raises(ValueError, match=r"'counted' parameter of Credibility\.judge"):
        credibility.judge(stats, seeds, [True] * 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'counted' parameter .* of shape"):
        credibility.judge(stats, seeds, np.ones(events.n_users + 1, dtype=bool))
    assert set(credibility.judge(stats, seeds)) >= {"credibility", "base"}


@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0), st.floats(0.5, 30.0))
def test_interaction_rows_are_the_window_interactions_aimed_at_another(
    seed: int, at: float, days: float
) -> None:
    """Read as a slice of the time-sorted rows: the same rows as the definition."""
    events = trusted_log(seed)
    as_of = float(np.quantile(events.time, at))
    t = events.time
    expected = (
        np.isin(events.action, [1, 2, 3, 4, 5])  # reply, share, like, mention, follow
        & (events.target >= 0)
        & (events.actor != events.target)
        & (t <= as_of)
        & (t > as_of - days * DAY)
    )
    np.testing.assert_array_equal(interaction_rows(events, as_of, days), expected)
