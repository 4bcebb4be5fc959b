"""The synthetic world: determinism, populations, independent switches, ground truth."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events
from influence._actions import FOLLOW, LIKE, POST, SHARE
from influence.components import Activity
from influence.datasets import (
    ATTACKS,
    DAY,
    FARM_TEXTS,
    GENUINE_KINDS,
    KINDS,
    SPAM_TEXTS,
    World,
    synthetic,
)

SMALL: dict[str, Any] = {
    "n_users": 120,
    "days": 30.0,
    "ring_size": 10,
    "n_sybils": 40,
    "farm_size": 10,
}


@pytest.fixture(scope="module")
def world() -> World:
    return synthetic(seed=0)


@pytest.fixture(scope="module")
def cols(world: World) -> dict[str, np.ndarray]:
    return columns(world.events)


@pytest.fixture(scope="module")
def world_rows(cols: dict[str, np.ndarray]) -> set[tuple[Any, ...]]:
    return rows(cols)


def columns(events: Events) -> dict[str, np.ndarray]:
    """The events with ids instead of indices (``""`` where absent), in canonical order."""
    users = np.append(events.users.ids.astype(str), "")  # index -1 reads ""
    posts = np.append(events.posts.ids.astype(str), "")
    texts = np.array([*events.texts, ""], dtype=str)
    return {
        "time": events.time,
        "actor": users[events.actor],
        "action": events.action,
        "target": users[events.target],
        "post": posts[events.post],
        "parent": posts[events.parent],
        "text": texts[events.text],
    }


def restricted(cols: dict[str, np.ndarray], accounts: list[str]) -> dict[str, np.ndarray]:
    """The events among *accounts* only: actor in it, and target in it or absent."""
    keep = np.isin(cols["actor"], accounts) & (
        (cols["target"] == "") | np.isin(cols["target"], accounts)
    )
    return {name: values[keep] for name, values in cols.items()}


def rows(cols: dict[str, np.ndarray]) -> set[tuple[Any, ...]]:
    return set(zip(*(values.tolist() for values in cols.values())))


# --------------------------------------------------------------------------- determinism
def test_same_seed_same_world() -> None:
    a, b = synthetic(seed=5, **SMALL), synthetic(seed=5, **SMALL)
    assert a == b
    assert a.events == b.events
    c = synthetic(seed=6, **SMALL)
    assert a.events != c.events
    assert a.truth != c.truth


# --------------------------------------------------------------------------- populations
def test_every_label_present(world: World) -> None:
    assert set(world.labels.values()) == set(KINDS)
    counts = {kind: len(world.accounts(kind)) for kind in KINDS}
    assert counts == {
        "genuine": 475,
        "curator": 1,
        "dormant_star": 1,
        "spam": 1,
        "farm": 60,
        "ring": 25,
        "sybil": 200,
    }
    assert set(world.labels) == set(world.events.users.ids.tolist())
    assert (world.curator, world.dormant_star, world.spam) == ("curator", "star", "spam")
    assert world.labels[world.sybil_target] == "genuine"
    assert list(world.ring) == world.accounts("ring")
    assert world.end == synthetic(seed=1, n_users=20, days=60.0, ring_size=2).end


def test_ring_size_and_sybil_count_follow_the_parameters() -> None:
    small = synthetic(seed=1, **{**SMALL, "farm_size": 7})
    assert len(small.ring) == 10
    assert len(small.accounts("sybil")) == 40
    assert len(small.accounts("farm")) == 7
    assert len(small.accounts("genuine")) == 120 - 10
    assert "farm" not in set(synthetic(seed=1, **{**SMALL, "farm_size": 0}).labels.values())


def test_spam_posts_100_to_300_a_day_with_a_handful_of_texts(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    mine = (cols["actor"] == "spam") & (cols["action"] == POST)
    assert (cols["actor"] == "spam").sum() == mine.sum()  # the spam account only posts
    day = ((cols["time"][mine] - (world.end - 60 * DAY)) // DAY).astype(int)
    per_day = np.bincount(day, minlength=60)
    assert per_day.size == 60
    assert per_day.min() >= 100
    assert per_day.max() <= 300
    assert set(cols["text"][mine].tolist()) <= set(SPAM_TEXTS)
    assert len(set(cols["text"][mine].tolist())) <= 5


def test_curator_posts_about_200_links_a_day_that_are_engaged_with(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    mine = (cols["actor"] == "curator") & (cols["action"] == POST)
    per_day = np.bincount(((cols["time"][mine] - (world.end - 60 * DAY)) // DAY).astype(int))
    assert per_day.size == 60
    assert 190 <= per_day.mean() <= 210
    assert 140 <= per_day.min() <= per_day.max() <= 260
    assert Activity.link_only(world.events)[mine].all()
    assert all(t.startswith("https://") for t in cols["text"][mine].tolist())
    engaged = (cols["target"] == "curator") & (cols["action"] != FOLLOW)
    engagers = set(cols["actor"][engaged].tolist())
    assert len(engagers) > 100
    assert {world.labels[u] for u in engagers} == {"genuine"}
    assert mine.sum() / 5 < engaged.sum() < mine.sum()  # a fraction of the posts


def test_dormant_star_silent_for_the_last_three_weeks(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    own = cols["actor"] == "star"
    assert own.any()
    assert cols["time"][own].max() < world.end - 21 * DAY
    assert cols["time"][own].max() > world.end - 36 * DAY
    received = (cols["target"] == "star") & (cols["action"] != FOLLOW)
    assert received.sum() > 1000  # a big audience
    assert (cols["time"][received] > world.end - 21 * DAY).any()  # a trickle of late engagement
    assert world.truth["star"] < np.median(list(world.truth.values()))


def test_ring_members_share_each_others_every_post_within_minutes(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    ring = list(world.ring)
    created = dict(zip(cols["post"][cols["post"] != ""].tolist(), cols["time"][cols["post"] != ""]))
    posts = (cols["action"] == POST) & np.isin(cols["actor"], ring)
    assert posts.sum() > 100
    shares = (
        (cols["action"] == SHARE) & np.isin(cols["actor"], ring) & np.isin(cols["target"], ring)
    )
    delay = cols["time"][shares] - np.array([created[p] for p in cols["parent"][shares].tolist()])
    fast = delay < 6 * 3600
    assert np.median(delay) < 600
    assert np.quantile(delay, 0.9) < 1800
    # every ring post half a day old is shared within hours by every other member
    old = posts & (cols["time"] < world.end - 12 * 3600)
    sharers: dict[str, set[str]] = {p: set() for p in cols["post"][old].tolist()}
    for post, sharer in zip(
        cols["parent"][shares][fast].tolist(), cols["actor"][shares][fast].tolist()
    ):
        sharers.setdefault(post, set()).add(sharer)
    for post, author in zip(cols["post"][old].tolist(), cols["actor"][old].tolist()):
        assert sharers[post] == set(ring) - {author}
    # and ring members are otherwise ordinary: they get genuine engagement too
    from_genuine = np.isin(cols["target"], ring) & np.isin(cols["actor"], world.accounts("genuine"))
    assert len(set(cols["target"][from_genuine].tolist())) >= len(ring) // 2


def test_farm_and_sybils_are_fresh_and_single_minded(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    farm, sybils = world.accounts("farm"), world.accounts("sybil")
    for accounts, within in ((farm, 10), (sybils, 8)):
        own = np.isin(cols["actor"], accounts)
        first = {u: np.inf for u in accounts}
        for user, t in zip(cols["actor"][own].tolist(), cols["time"][own].tolist()):
            first[user] = min(first[user], t)
        assert min(first.values()) >= world.end - within * DAY
        assert max(first.values()) <= world.end
        assert not np.isin(cols["target"], accounts).any()  # nobody engages them
    # Sybils: created in a burst, follow and like the target, nothing else
    own = np.isin(cols["actor"], sybils)
    assert set(cols["target"][own].tolist()) == {world.sybil_target}
    assert set(cols["action"][own].tolist()) == {FOLLOW, LIKE}
    follows = own & (cols["action"] == FOLLOW)
    assert follows.sum() == len(sybils)
    assert np.ptp(cols["time"][follows]) <= 6 * 3600 + 3600
    assert world.truth[world.sybil_target] < np.median(list(world.truth.values()))
    # Farm: the spam account's every later post, plus a little camouflage
    own = np.isin(cols["actor"], farm)
    engaged = own & (cols["action"] != POST)
    assert np.mean(cols["target"][engaged] == "spam") > 0.98
    assert set(cols["text"][own & (cols["action"] == POST)].tolist()) <= set(FARM_TEXTS)


# --------------------------------------------------------------------------- switches
def check_switched_off(
    world: World, cols: dict[str, np.ndarray], calm: World, world_rows: set[tuple[Any, ...]]
) -> None:
    """*calm* is *world* with something switched off: nothing else changed."""
    genuine = world.accounts("genuine")
    assert calm.accounts("genuine") == genuine
    assert calm.ring == world.ring
    assert calm.sybil_target == world.sybil_target
    calm_cols = columns(calm.events)
    before, after = restricted(cols, genuine), restricted(calm_cols, genuine)
    assert before["time"].size > 3000
    for name in before:
        assert np.array_equal(before[name], after[name]), name
    assert {u: calm.truth[u] for u in genuine} == {u: world.truth[u] for u in genuine}
    # switching off only removes events
    assert len(calm.events) < len(world.events)
    assert rows(calm_cols) <= world_rows


def test_all_attacks_off_changes_nothing_else(
    world: World, cols: dict[str, np.ndarray], world_rows: set[tuple[Any, ...]]
) -> None:
    calm = synthetic(seed=0, **dict.fromkeys(ATTACKS, False))
    check_switched_off(world, cols, calm, world_rows)
    assert set(calm.labels.values()) == {"genuine", "ring", "curator", "dormant_star"}


@pytest.fixture(scope="module")
def small() -> tuple[World, dict[str, np.ndarray], set[tuple[Any, ...]]]:
    world = synthetic(seed=0, **SMALL)
    cols = columns(world.events)
    return world, cols, rows(cols)


@pytest.mark.parametrize("switch", ["spam", "ring", "sybils", "curator", "dormant_star"])
def test_switching_one_off_changes_nothing_else(
    small: tuple[World, dict[str, np.ndarray], set[tuple[Any, ...]]], switch: str
) -> None:
    world, cols, world_rows = small
    check_switched_off(world, cols, synthetic(seed=0, **SMALL, **{switch: False}), world_rows)


def test_switched_off_accounts_are_absent_but_ring_members_stay() -> None:
    calm = synthetic(seed=1, **SMALL, spam=False, sybils=False, curator=False, dormant_star=False)
    assert set(calm.labels.values()) == {"genuine", "ring"}
    assert (calm.curator, calm.dormant_star, calm.spam) == (None, None, None)
    assert set(calm.truth) == set(calm.accounts("genuine"))
    no_ring = synthetic(seed=1, **SMALL, ring=False)
    assert no_ring.ring == synthetic(seed=1, **SMALL).ring
    assert no_ring.accounts("ring") == list(no_ring.ring)


# --------------------------------------------------------------------------- ground truth
def test_truth_only_for_genuine_accounts(world: World) -> None:
    assert sorted(world.truth) == world.accounts(*GENUINE_KINDS)
    assert world.sybil_target in world.truth
    values = np.array(list(world.truth.values()))
    assert np.all(np.isfinite(values))
    assert np.all(values >= 0)
    # the curator's real audience puts it near the top
    assert world.truth["curator"] > np.quantile(values, 0.95)


def test_truth_is_the_expectation_of_the_simulated_future() -> None:
    # Simulated engagement in the log's last two weeks estimates the same
    # quantity for steady posters (everyone but the star): it must agree on average.
    world = synthetic(seed=2, days=28.0, future_days=14.0, **dict.fromkeys(ATTACKS, False))
    cols = columns(world.events)
    genuine = world.accounts(*GENUINE_KINDS)
    late = (
        (cols["time"] > world.end - 14 * DAY)
        & np.isin(cols["actor"], genuine)
        & np.isin(cols["target"], genuine)
        & (cols["action"] != FOLLOW)
        & (cols["action"] != POST)
    )
    pairs = set(zip(cols["target"][late].tolist(), cols["actor"][late].tolist()))
    seen = {u: 0 for u in genuine}
    for target, _ in pairs:
        seen[target] += 1
    steady = [u for u in genuine if u != "star"]
    observed = sum(seen[u] for u in steady) / 14
    expected = sum(world.truth[u] for u in steady)
    # engagement of posts made before the log started is missing from `observed`
    assert 0.90 * expected < observed < 1.05 * expected


# --------------------------------------------------------------------------- small worlds
@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_users": 10, "days": 1.0, "ring_size": 2, "n_sybils": 3, "farm_size": 2},
        {"n_users": 30, "days": 0.5, "future_days": 0.5, "ring_size": 15},
        {"n_users": 40, "days": 200.0, "ring_size": 3, "n_sybils": 5, "farm_size": 1},
    ],
)
def test_small_and_odd_worlds(kwargs: dict[str, Any]) -> None:
    world = synthetic(seed=3, **kwargs)
    assert len(world.events) > 0
    assert set(world.truth) == set(world.accounts(*GENUINE_KINDS))
    assert np.all(np.isfinite(list(world.truth.values())))
    assert world.events.end is not None
    assert world.events.end <= world.end


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("kwargs", "param", "allowed"),
    [
        ({"seed": -1}, "seed", "an integer in the range [0, inf)"),
        ({"seed": 1.5}, "seed", "an integer in the range [0, inf)"),
        ({"seed": "0"}, "seed", "an integer in the range [0, inf)"),
        ({"n_users": 9}, "n_users", "an integer in the range [10, inf)"),
        ({"n_users": True}, "n_users", "an integer in the range [10, inf)"),
        ({"n_users": 100.0}, "n_users", "an integer in the range [10, inf)"),
        ({"days": 0}, "days", "a number in the range (0, inf)"),
        ({"days": float("nan")}, "days", "a number in the range (0, inf)"),
        ({"future_days": -1.0}, "future_days", "a number in the range (0, inf)"),
        ({"spam": 1}, "spam", "one of [True, False]"),
        ({"ring": "yes"}, "ring", "one of [True, False]"),
        ({"sybils": None}, "sybils", "one of [True, False]"),
        ({"curator": 0}, "curator", "one of [True, False]"),
        ({"dormant_star": "no"}, "dormant_star", "one of [True, False]"),
        ({"farm_size": -1}, "farm_size", "an integer in the range [0, 10000]"),
        ({"farm_size": 10_001}, "farm_size", "an integer in the range [0, 10000]"),
        ({"ring_size": 1}, "ring_size", "an integer in the range [2, 250]"),
        ({"ring_size": 251}, "ring_size", "an integer in the range [2, 250]"),
        ({"n_users": 40, "ring_size": 25}, "ring_size", "an integer in the range [2, 20]"),
        ({"n_sybils": 0}, "n_sybils", "an integer in the range [1, 100000]"),
        ({"n_sybils": 2.0}, "n_sybils", "an integer in the range [1, 100000]"),
        ({"sybil_mesh": -1}, "sybil_mesh", "an integer in the range [0, 50]"),
        ({"sybil_mesh": 60}, "sybil_mesh", "an integer in the range [0, 50]"),
        ({"n_sybils": 5, "sybil_mesh": 5}, "sybil_mesh", "an integer in the range [0, 4]"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], param: str, allowed: str) -> None:
    with pytest.raises(ValueError, match=f"The '{param}' parameter of synthetic") as info:
        synthetic(**kwargs)
    message = str(info.value)
    assert f"must be {allowed}." in message
    assert f"Got {kwargs[param]!r} instead." in message


def test_accounts_rejects_unknown_kinds(world: World) -> None:
    with pytest.raises(ValueError, match=r"'kinds' parameter of World.accounts.*'bots'"):
        world.accounts("bots")
    assert world.accounts() == []
