"""A small log, and the in-memory reference, for the engine readers' tests (DuckDB, Spark).

The reference of a reader's result is ``Events.from_pandas`` on the same rows
followed by the same window cut, made here with ``Events.select``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import numpy as np

from influence import Events

DAY = 86_400.0
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
UTC = dt.timezone.utc
NAMES = ["time", "actor", "action", "target", "post", "platform"]


def seconds(n: int = 120, seed: int = 0) -> list[float]:
    """Times over 400 days, whole seconds, sorted; the last is the latest."""
    rng = random.Random(seed)
    return sorted(float(T0 + rng.randrange(0, 400 * 86_400)) for _ in range(n))


def log(times: list[Any], seed: int = 0) -> list[tuple[Any, ...]]:
    """Rows (time, actor, action, target, post, platform): posts and directed actions.

    Every engagement names its target, so that a window cut cannot leave one
    whose target was to be resolved from a post outside it.
    """
    rng = random.Random(seed)
    users = ["ann", "bob", "cy", "dee", "eve", "fay"]
    rows = []
    for k, time in enumerate(times):
        actor = rng.choice(users)
        action = rng.choice(["post", "like", "share", "reply", "follow", "mention"])
        if action == "post":
            rows.append((time, actor, action, None, f"p{k}", "x"))
        else:
            target = rng.choice([u for u in users if u != actor])
            rows.append((time, actor, action, target, None, rng.choice(["x", "y"])))
    return rows


def expected(
    rows: list[tuple[Any, ...]],
    as_of: float | None = None,
    days: float | None = 180,
    errors: Any = "raise",
    names: list[str] = NAMES,
) -> Events:
    """Events.from_pandas on the same rows, then the window cut."""
    import pandas as pd

    events = Events.from_pandas(pd.DataFrame(rows, columns=names), errors=errors)
    end = events.end if as_of is None else as_of
    assert end is not None
    low = -np.inf if days is None else end - days * DAY
    keep = (events.time <= end) & (events.time > low)
    return events.select(keep).compact()


def same(got: Events, want: Events) -> bool:
    """The same events, users and posts. (``==`` also compares the platform names,
    which ``Events.compact`` keeps whole: a cut full table keeps those of rows cut out.)"""
    return (
        got.to_records() == want.to_records()
        and got.users.ids.tolist() == want.users.ids.tolist()
        and got.posts.ids.tolist() == want.posts.ids.tolist()
    )


def iso(t: float, offset_hours: int | None) -> str:
    """ISO 8601 text of *t*: naive (UTC by our rules), or with an offset."""
    if offset_hours is None:
        return dt.datetime.fromtimestamp(t, UTC).replace(tzinfo=None).isoformat()
    zone = dt.timezone(dt.timedelta(hours=offset_hours))
    return dt.datetime.fromtimestamp(t, zone).isoformat()


def as_texts(times: list[float]) -> list[str]:
    """Text times of every kind: naive ISO, with offsets (+14, -12), 'Z', epoch as text."""
    out = []
    for k, t in enumerate(times):
        kind = k % 5
        if kind == 0:
            out.append(iso(t, None))
        elif kind == 1:
            out.append(iso(t, 14))
        elif kind == 2:
            out.append(iso(t, -12))
        elif kind == 3:
            out.append(iso(t, 0).replace("+00:00", "Z"))
        else:
            out.append(str(int(t)))
    return out


def converted(times: list[float], kind: str) -> list[Any]:
    """*times* as Python values of a kind: int, float, decimal, aware, naive, date or text."""
    if kind == "int":
        return [int(t) for t in times]
    if kind == "float":
        return [t + 0.25 for t in times]
    if kind == "decimal":  # the same numbers as "float"
        return [Decimal(int(t)) + Decimal("0.25") for t in times]
    if kind == "aware":
        return [dt.datetime.fromtimestamp(t, UTC) for t in times]
    if kind == "naive":
        return [dt.datetime.fromtimestamp(t, UTC).replace(tzinfo=None) for t in times]
    if kind == "date":
        return [dt.datetime.fromtimestamp(t, UTC).date() for t in times]
    assert kind == "text", kind
    return as_texts(times)
