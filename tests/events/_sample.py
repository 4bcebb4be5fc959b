"""Shared test data for the event-table tests: a six-event sample and record builders.

Imported by the modules of ``tests/events`` as ``events._sample`` (``tests`` is on the
pytest path).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np

from influence import Events

T0 = 1_714_554_000  # 2024-05-01T09:00:00Z
HOUR = 3600

SAMPLE: list[dict[str, Any]] = [
    {
        "time": T0,
        "actor": "ann",
        "action": "post",
        "post": "p1",
        "text": "hello",
        "platform": "tw",
        "topics": ["news", "ai"],
    },
    {"time": T0 + HOUR, "actor": "bob", "action": "retweet", "parent": "p1"},
    {
        "time": T0 + 2 * HOUR,
        "actor": "cy",
        "action": "reply",
        "parent": "p1",
        "post": "r1",
        "text": "nice",
    },
    {"time": T0 + 3 * HOUR, "actor": "dan", "action": "like", "parent": "r1"},
    {"time": T0 + 4 * HOUR, "actor": "ann", "action": "mention", "target": "dan"},
    {"time": T0 + 5 * HOUR, "actor": "eve", "action": "follow", "target": "ann"},
]

SAMPLE_OUT: list[dict[str, Any]] = [
    {
        "time": float(T0),
        "actor": "ann",
        "action": "post",
        "post": "p1",
        "text": "hello",
        "platform": "tw",
        "topics": ["ai", "news"],
    },
    {"time": float(T0 + HOUR), "actor": "bob", "action": "share", "target": "ann", "parent": "p1"},
    {
        "time": float(T0 + 2 * HOUR),
        "actor": "cy",
        "action": "reply",
        "target": "ann",
        "post": "r1",
        "parent": "p1",
        "text": "nice",
    },
    {
        "time": float(T0 + 3 * HOUR),
        "actor": "dan",
        "action": "like",
        "target": "cy",
        "parent": "r1",
    },
    {"time": float(T0 + 4 * HOUR), "actor": "ann", "action": "mention", "target": "dan"},
    {"time": float(T0 + 5 * HOUR), "actor": "eve", "action": "follow", "target": "ann"},
]

COLUMN_DTYPES = {
    "time": np.float64,
    "actor": np.int32,
    "target": np.int32,
    "action": np.int8,
    "post": np.int32,
    "parent": np.int32,
    "text": np.int32,
    "platform": np.int16,
    "topics": np.int32,
}


def sample() -> Events:
    return Events.from_records(SAMPLE)


def follow(time: Any = T0, actor: Any = "a", target: Any = "b", **extra: Any) -> dict[str, Any]:
    return {"time": time, "actor": actor, "action": "follow", "target": target, **extra}


def post(time: Any = T0, actor: Any = "a", post_id: Any = "p1", **extra: Any) -> dict[str, Any]:
    return {"time": time, "actor": actor, "action": "post", "post": post_id, **extra}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def names(ev: Events, column: str) -> list[Any]:
    """A user column as ids (None for -1)."""
    return [None if i < 0 else ev.users.id(int(i)) for i in getattr(ev, column)]


# A good event before and after the bad row of a bad-input test.
GOOD = post(time=T0, actor="ann", post_id="p1")
GOOD_AFTER = follow(time=T0 + 5, actor="zed", target="ann")
