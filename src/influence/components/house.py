"""The house preset: which components make the house score, on a given time scale."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from influence._time import STANDING, TimeScale
from influence.components.activity import Activity
from influence.components.authenticity import Authenticity
from influence.components.credibility import Credibility
from influence.components.engagement import Engagement
from influence.components.inactivity import Inactivity
from influence.components.longevity import Longevity
from influence.components.reciprocity import Reciprocity

__all__ = ["EQUAL_ACTION_WEIGHTS", "Parts", "house_parts"]

#: ``(name, component)`` pairs, in order.
Parts = tuple[tuple[str, Any], ...]

#: Engagement's action weights in the house preset: every kind of engagement is one
#: person (docs/validation.md, "Action weights").
EQUAL_ACTION_WEIGHTS: Mapping[str, float] = MappingProxyType(
    dict.fromkeys(("reply_weight", "share_weight", "like_weight", "mention_weight"), 1.0)
)


@functools.lru_cache(maxsize=8)
def house_parts(scale: TimeScale = STANDING) -> tuple[Parts, Parts, Parts]:
    """The house signals, discounts and modifiers, with standing judged on *scale*.

    Signals: engagement (equal action weights), activity and longevity; discounts:
    reciprocity and credibility; modifiers: inactivity and authenticity, which
    shares the credibility discount's judge (computed once per table). Every part
    that looks back reads *scale*, except inactivity, which has its own grace and
    half-life.

    Cached: the components are immutable, so scorers on one time scale share them.

    Examples
    --------
    >>> from influence._time import TimeScale
    >>> signals, discounts, modifiers = house_parts(TimeScale(7, 21))
    >>> [name for name, _ in signals + discounts + modifiers]
    ['engagement', 'activity', 'longevity', 'reciprocity', 'credibility', 'inactivity',
     'authenticity']
    >>> dict(signals)["engagement"].window_days
    21
    """
    h, w = scale.half_life_days, scale.window_days
    credibility = Credibility(half_life_days=h, window_days=w)
    signals = (
        ("engagement", Engagement(half_life_days=h, window_days=w, **EQUAL_ACTION_WEIGHTS)),
        ("activity", Activity(half_life_days=h, window_days=w)),
        ("longevity", Longevity(half_life_days=h, window_days=w)),
    )
    discounts = (
        ("reciprocity", Reciprocity(half_life_days=h, window_days=w)),
        ("credibility", credibility),
    )
    modifiers = (("inactivity", Inactivity()), ("authenticity", Authenticity(credibility)))
    return signals, discounts, modifiers
