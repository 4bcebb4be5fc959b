"""Declared parameter constraints: the values each parameter of a component allows.

A component declares its parameters' constraints once, as a class attribute, as
scikit-learn's estimators declare ``_parameter_constraints``::

    @dataclass(frozen=True)
    class Conversation(BaseComponent):
        parameter_constraints = {"window_days": POSITIVE, "min_replies": Integers(1)}

        window_days: float = 30.0
        min_replies: int = 1

and :class:`~influence.components.base.BaseComponent` checks them all when an
instance is made (:func:`validate`). A value that is not allowed raises a
:class:`ValueError` that names the class, the parameter, what is allowed and
what was given.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from influence import _validate
from influence.components import registry

__all__ = [
    "NON_NEGATIVE",
    "POSITIVE",
    "Constraint",
    "Integers",
    "Interval",
    "Nested",
    "Options",
    "SequenceOf",
    "validate",
]

Closed = Literal["both", "left", "right", "neither"]
_CLOSED: tuple[Closed, ...] = ("both", "left", "right", "neither")


class Constraint(ABC):
    """What one parameter allows."""

    @abstractmethod
    def check(self, owner: str, name: str, value: Any) -> Any:
        """Return *value*, or its normal form, if it is allowed.

        Raises
        ------
        ValueError
            Naming *owner* (the class), the parameter *name*, what is allowed and
            what was given.
        """


@dataclass(frozen=True)
class Interval(Constraint):
    """A finite real number between *low* and *high* (``None``: unbounded).

    *closed* says which ends belong to the interval: ``"both"``, ``"left"``,
    ``"right"`` or ``"neither"``. The value is kept as given (an int stays an int).

    >>> Interval(0.0, 1.0, closed="left").check("Authority", "damping", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: The 'damping' parameter of Authority must be a number in the range [0, 1). ...
    """

    low: float | None = None
    high: float | None = None
    closed: Closed = "both"

    def __post_init__(self) -> None:
        _validate.choice("Interval", "closed", self.closed, _CLOSED)

    def check(self, owner: str, name: str, value: Any) -> Any:
        _validate.number(
            owner,
            name,
            value,
            low=self.low,
            high=self.high,
            low_open=self.closed in ("right", "neither"),
            high_open=self.closed in ("left", "neither"),
        )
        return value


#: A number > 0.
POSITIVE = Interval(0.0, None, closed="neither")
#: A number >= 0.
NON_NEGATIVE = Interval(0.0, None, closed="left")


@dataclass(frozen=True)
class Integers(Constraint):
    """An integer in ``[low, high]`` (``high=None``: unbounded), kept as a Python int.

    >>> Integers(1).check("Credibility", "min_posts", 2.5)
    Traceback (most recent call last):
    ...
    ValueError: The 'min_posts' parameter of Credibility must be an integer in the range [1, ...
    """

    low: int
    high: int | None = None

    def check(self, owner: str, name: str, value: Any) -> Any:
        return _validate.integer(owner, name, value, self.low, self.high)


@dataclass(frozen=True, init=False)
class Options(Constraint):
    """One of the given values.

    >>> Options("mean", "max").check("Pool", "how", "sum")
    Traceback (most recent call last):
    ...
    ValueError: The 'how' parameter of Pool must be one of ['mean', 'max']. Got 'sum' instead.
    """

    values: tuple[Any, ...]

    def __init__(self, *values: Any) -> None:
        object.__setattr__(self, "values", values)

    def check(self, owner: str, name: str, value: Any) -> Any:
        return _validate.choice(owner, name, value, self.values)


@dataclass(frozen=True)
class SequenceOf(Constraint):
    """A sequence (not a string) of *what*, kept as a tuple.

    >>> SequenceOf("user ids").check("Credibility", "trusted", ["ann", "bob"])
    ('ann', 'bob')
    """

    what: str

    def check(self, owner: str, name: str, value: Any) -> Any:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise ValueError(
                f"The {name!r} parameter of {owner} must be a sequence of {self.what}. "
                f"Got {value!r} instead."
            )
        return tuple(value)


@dataclass(frozen=True)
class Nested(Constraint):
    """A component: an instance of *kind* (any component when ``None``), or ``None``
    when *optional*.

    A configuration mapping ``{"type": name, "params": {...}}`` is built through the
    registry; with a *kind* that has a registry ``name``, ``type`` defaults to it and
    must be it.
    """

    kind: type | None = None
    optional: bool = False

    def check(self, owner: str, name: str, value: Any) -> Any:
        if value is None and self.optional:
            return value
        if isinstance(value, Mapping):
            value = self._build(owner, name, dict(value))
        if self.kind is not None:
            allowed, ok = f"a {self.kind.__name__}", isinstance(value, self.kind)
        else:
            allowed, ok = "a component", callable(value) and not isinstance(value, type)
        if not ok:
            either = f"{allowed} or None" if self.optional else allowed
            raise ValueError(
                f"The {name!r} parameter of {owner} must be {either}. Got {value!r} instead."
            )
        return value

    def _build(self, owner: str, name: str, spec: dict[str, Any]) -> Any:
        default = getattr(self.kind, "name", None)
        default = default if isinstance(default, str) else None
        kind = spec.get("type", default)
        if (
            set(spec) - {"type", "params"}
            or kind is None
            or (default is not None and kind != default)
        ):
            shape = repr(default) if default is not None else "name"
            raise ValueError(
                f"The {name!r} parameter of {owner}, given as a mapping, must be "
                f"{{'type': {shape}, 'params': {{...}}}}. Got {spec!r} instead."
            )
        return registry.build(kind, spec.get("params") or {})


def validate(component: object, constraints: Mapping[str, Constraint]) -> None:
    """Check each parameter of *component* named in *constraints*, in their order.

    A constraint that normalises a value (a tuple for a list, a component for
    its configuration) sets it on the (frozen) component.
    """
    owner = type(component).__name__
    for name, constraint in constraints.items():
        value = getattr(component, name)
        kept = constraint.check(owner, name, value)
        if kept is not value:
            object.__setattr__(component, name, kept)
