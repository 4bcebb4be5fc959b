"""Small constructed logs and a one-user reader, shared by the signal tests."""

from __future__ import annotations

from typing import Any

from influence import Events

DAY = 86_400.0
T0 = 1_700_000_000.0
END = T0 + 10 * DAY


def value(component: Any, records: list[dict[str, Any]], user: str, as_of: float = END) -> float:
    """*component*'s value for *user* on the log of *records*."""
    events = Events.from_records(records)
    return float(component(events, as_of=as_of)[events.users.index(user)])


def posts(
    user: str, count: int, start: float = T0, every: float = 0.2 * DAY
) -> list[dict[str, Any]]:
    """*count* original posts by *user*, one every *every* seconds from *start*."""
    return [
        {"time": start + k * every, "actor": user, "action": "post", "post": f"{user}-{k}"}
        for k in range(count)
    ]
