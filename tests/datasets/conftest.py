"""Shared worlds of the datasets tests: the default world, its log as columns, small settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from influence import Events
from influence.datasets import KINDS, World, synthetic

SMALL: dict[str, Any] = {
    "n_users": 120,
    "days": 30.0,
    "ring_size": 10,
    "n_sybils": 40,
    "farm_size": 10,
}
#: The labels of the good twins' accounts: every kind but those of the world without them.
TWIN_LABELS = set(KINDS) - {"genuine", "curator", "dormant_star", "spam", "farm", "ring", "sybil"}


def read_columns(events: Events) -> dict[str, np.ndarray]:
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


@pytest.fixture(scope="session")
def small_args() -> dict[str, Any]:
    """A small world's parameters (a copy: tests add their own)."""
    return dict(SMALL)


@pytest.fixture(scope="session")
def twin_labels() -> set[str]:
    return set(TWIN_LABELS)


@pytest.fixture(scope="session")
def columns() -> Callable[[Events], dict[str, np.ndarray]]:
    """The function that reads a log as columns of ids (see :func:`read_columns`)."""
    return read_columns


@pytest.fixture(scope="session")
def world() -> World:
    return synthetic(seed=0)


@pytest.fixture(scope="session")
def cols(world: World) -> dict[str, np.ndarray]:
    return read_columns(world.events)


@pytest.fixture(scope="session")
def plain() -> World:
    """The default world without its good twins."""
    return synthetic(seed=0, twins=False)
