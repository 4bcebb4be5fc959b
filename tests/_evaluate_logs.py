"""Small hand-made logs shared by the evaluate tests (tests/evaluate/).

``tiny_records()``: a handful of users with a known future after :data:`CUT`.
``weekly()``: ann liked by many every week while bob and cy trade places.
"""

from __future__ import annotations

from typing import Any

from influence import Events, Scorer
from influence.components import DistinctEngagers

DAY = 86_400.0
T0 = 1_700_000_000.0
#: The tiny log's cut-off: its past is days 1 to 5, its future days 11 to 22.
CUT = T0 + 10 * DAY


def day(d: float) -> float:
    return T0 + d * DAY


def tiny_records(with_follows: bool = True) -> list[dict[str, Any]]:
    rows: list[tuple[float, str, str, str]] = [
        (1, "bob", "like", "ann"),
        (2, "cy", "share", "ann"),
        (3, "ann", "reply", "bob"),
        (4, "ann", "mention", "ann"),  # self: nothing
        (5, "dee", "follow", "ann"),
        # the future: (CUT, CUT + 10 days]
        (11, "bob", "like", "ann"),
        (12, "bob", "like", "ann"),
        (13, "cy", "reply", "ann"),
        (14, "eve", "mention", "ann"),  # eve is not scored but her engagement counts for ann
        (15, "dee", "like", "bob"),
        (16, "ann", "like", "ann"),  # self: nothing
        (17, "fay", "follow", "ann"),  # a follow is not engagement
        (20, "gus", "like", "cy"),  # exactly at the horizon's end: counts
        # after the horizon: ignored
        (21, "bob", "like", "cy"),
        (22, "dee", "like", "cy"),
    ]
    if not with_follows:
        rows = [r for r in rows if r[2] != "follow"]
    return [{"time": day(d), "actor": a, "action": x, "target": b} for d, a, x, b in rows]


def likes(rows: list[tuple[float, str, str]]) -> Events:
    return Events.from_records(
        [{"time": day(d), "actor": a, "action": "like", "target": b} for d, a, b in rows]
    )


def weekly() -> Events:
    """Ann is liked by many every week; bob and cy trade places from week to week."""
    rows: list[tuple[float, str, str]] = []
    for week in range(4):
        base = 7 * week
        rows += [(base + 1 + i / 10, f"fan{i}", "ann") for i in range(5)]
        rows += [(base + 2, "ann", "bob" if week % 2 else "cy"), (base + 3, "dee", "eve")]
    return likes(rows)


def counting() -> Scorer:
    return Scorer(signals=[DistinctEngagers()], discounts=[], modifiers=[])
