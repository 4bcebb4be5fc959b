"""The generator: determinism, every label, independent switches, odd worlds, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from influence import Events
from influence.datasets import ATTACKS, GENUINE_KINDS, KINDS, World, synthetic

Columns = Callable[[Events], dict[str, np.ndarray]]


@pytest.fixture(scope="module")
def world_rows(cols: dict[str, np.ndarray]) -> set[tuple[Any, ...]]:
    return rows(cols)


def restricted(cols: dict[str, np.ndarray], accounts: list[str]) -> dict[str, np.ndarray]:
    """The events among *accounts* only: actor in it, and target in it or absent."""
    keep = np.isin(cols["actor"], accounts) & (
        (cols["target"] == "") | np.isin(cols["target"], accounts)
    )
    return {name: values[keep] for name, values in cols.items()}


def rows(cols: dict[str, np.ndarray]) -> set[tuple[Any, ...]]:
    return set(zip(*(values.tolist() for values in cols.values())))


# --------------------------------------------------------------------------- determinism
def test_same_seed_same_world(small_args: dict[str, Any], columns: Columns) -> None:
    a, b = synthetic(seed=5, **small_args), synthetic(seed=5, **small_args)
    assert a == b
    assert a.events == b.events
    c = synthetic(seed=6, **small_args)
    assert a.events != c.events
    assert a.truth != c.truth
    assert a.twins == c.twins  # the same accounts, other events
    twin_ids = [u for ids in a.twins.values() for u in ids]
    mine_a, mine_c = (
        restricted_to(columns(a.events), twin_ids),
        restricted_to(columns(c.events), twin_ids),
    )
    assert mine_a["time"].size > 1000
    assert not np.array_equal(mine_a["time"][:100], mine_c["time"][:100])


def restricted_to(cols: dict[str, np.ndarray], accounts: list[str]) -> dict[str, np.ndarray]:
    """The events *accounts* take part in: as actor or as target."""
    keep = np.isin(cols["actor"], accounts) | np.isin(cols["target"], accounts)
    return {name: values[keep] for name, values in cols.items()}


# --------------------------------------------------------------------------- labels
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
        "broadcaster": 2,
        "volume": 1,
        "partners": 4,
        "viral": 1,
        "newcomer": 300,
        "recipient": 3,
        "link_poster": 1,
        "community": 1,
        "member": 25,
    }
    assert set(world.labels) == set(world.events.users.ids.tolist())
    assert (world.curator, world.dormant_star, world.spam) == ("curator", "star", "spam")
    assert world.labels[world.sybil_target] == "genuine"
    assert list(world.ring) == world.accounts("ring")
    assert world.end == synthetic(seed=1, n_users=20, days=60.0, ring_size=2).end


def test_ring_size_and_sybil_count_follow_the_parameters(small_args: dict[str, Any]) -> None:
    small = synthetic(seed=1, **{**small_args, "farm_size": 7})
    assert len(small.ring) == 10
    assert len(small.accounts("sybil")) == 40
    assert len(small.accounts("farm")) == 7
    assert len(small.accounts("genuine")) == 120 - 10
    assert "farm" not in set(synthetic(seed=1, **{**small_args, "farm_size": 0}).labels.values())


# --------------------------------------------------------------------------- switches
def check_switched_off(
    world: World,
    cols: dict[str, np.ndarray],
    calm: World,
    calm_cols: dict[str, np.ndarray],
    world_rows: set[tuple[Any, ...]],
) -> None:
    """*calm* (its log as *calm_cols*) is *world* with something switched off: nothing else
    changed."""
    genuine = world.accounts("genuine")
    assert calm.accounts("genuine") == genuine
    assert calm.ring == world.ring
    assert calm.sybil_target == world.sybil_target
    before, after = restricted(cols, genuine), restricted(calm_cols, genuine)
    assert before["time"].size > 3000
    for name in before:
        assert np.array_equal(before[name], after[name]), name
    assert {u: calm.truth[u] for u in genuine} == {u: world.truth[u] for u in genuine}
    # switching off only removes events
    assert len(calm.events) < len(world.events)
    assert rows(calm_cols) <= world_rows


def test_all_attacks_off_changes_nothing_else(
    world: World,
    cols: dict[str, np.ndarray],
    world_rows: set[tuple[Any, ...]],
    columns: Columns,
    twin_labels: set[str],
) -> None:
    calm = synthetic(seed=0, **dict.fromkeys(ATTACKS, False))
    check_switched_off(world, cols, calm, columns(calm.events), world_rows)
    assert set(calm.labels.values()) == {"genuine", "ring", "curator", "dormant_star"} | twin_labels
    assert calm.twins == world.twins


@pytest.fixture(scope="module")
def small(
    small_args: dict[str, Any], columns: Columns
) -> tuple[World, dict[str, np.ndarray], set[tuple[Any, ...]]]:
    world = synthetic(seed=0, **small_args)
    cols = columns(world.events)
    return world, cols, rows(cols)


@pytest.mark.parametrize("switch", ["spam", "ring", "sybils", "curator", "dormant_star"])
def test_switching_one_off_changes_nothing_else(
    small: tuple[World, dict[str, np.ndarray], set[tuple[Any, ...]]],
    switch: str,
    small_args: dict[str, Any],
    columns: Columns,
) -> None:
    world, cols, world_rows = small
    calm = synthetic(seed=0, **small_args, **{switch: False})
    check_switched_off(world, cols, calm, columns(calm.events), world_rows)


def test_switched_off_accounts_are_absent_but_ring_members_stay(
    small_args: dict[str, Any],
) -> None:
    calm = synthetic(
        seed=1,
        **small_args,
        spam=False,
        sybils=False,
        curator=False,
        dormant_star=False,
        twins=False,
    )
    assert set(calm.labels.values()) == {"genuine", "ring"}
    assert calm.twins == {}
    assert (calm.curator, calm.dormant_star, calm.spam) == (None, None, None)
    assert set(calm.truth) == set(calm.accounts("genuine"))
    no_ring = synthetic(seed=1, **small_args, ring=False)
    assert no_ring.ring == synthetic(seed=1, **small_args).ring
    assert no_ring.accounts("ring") == list(no_ring.ring)


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


def test_a_small_world_takes_the_defaults() -> None:
    # The ring's default size, 25, would not fit 20 users: it shrinks to half of them.
    world = synthetic(0, n_users=20, days=3)
    assert len(world.ring) == 10
    assert len(synthetic(0, n_users=60, days=3).ring) == 25
