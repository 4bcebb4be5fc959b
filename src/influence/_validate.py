"""Parameter checks with one message shape: who, which parameter, allowed, given."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def number(
    owner: str,
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return *value* as a float after checking it lies in the given interval.

    >>> number("PageRank", "damping", 1.5, low=0, high=1, low_open=True, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: The 'damping' parameter of PageRank must be a number in the range (0, 1). ...
    """
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        v = float(value)
        if low is not None and (v < low or (low_open and v == low)):
            ok = False
        if high is not None and (v > high or (high_open and v == high)):
            ok = False
    if not ok:
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        left = "(" if low_open or low is None else "["
        right = ")" if high_open or high is None else "]"
        raise ValueError(
            f"The {name!r} parameter of {owner} must be a number in the range "
            f"{left}{lo}, {hi}{right}. Got {value!r} instead."
        )
    return float(value)


def integer(owner: str, name: str, value: Any, low: int, high: int | None = None) -> int:
    """Return *value* as an int after checking it is an integer in ``[low, high]``.

    >>> integer("pagerank", "max_iter", 0, low=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: The 'max_iter' parameter of pagerank must be an integer in the range [1, inf)...
    """
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if ok and (value < low or (high is not None and value > high)):
        ok = False
    if not ok:
        right = "inf)" if high is None else f"{high}]"
        raise ValueError(
            f"The {name!r} parameter of {owner} must be an integer in the range "
            f"[{low}, {right}. Got {value!r} instead."
        )
    return int(value)


def choice(owner: str, name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """Check that *value* is one of *allowed*."""
    if value not in allowed:
        raise ValueError(
            f"The {name!r} parameter of {owner} must be one of {list(allowed)}. "
            f"Got {value!r} instead."
        )
    return value


def weights_by_name(owner: str, name: str, value: Any, names: tuple[str, ...]) -> dict[str, float]:
    """A mapping of component name -> non-negative weight, keys among *names*."""
    if not isinstance(value, dict):
        try:
            value = dict(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"The {name!r} parameter of {owner} must be a mapping from "
                f"component name to weight. Got {value!r} instead."
            ) from None
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise ValueError(
            f"The {name!r} parameter of {owner} names unknown component(s) "
            f"{unknown}; allowed: {list(names)}. Got {value!r}."
        )
    return {k: number(owner, f"{name}[{k!r}]", v, low=0.0) for k, v in value.items()}
