"""The component protocol: what a scoring part must do to plug into a Scorer."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from influence.components.constraints import Constraint, validate
from influence.components.roles import ROLES, Role, name_of, role_of

if TYPE_CHECKING:
    from influence.events.table import Events

__all__ = [
    "ROLES",
    "BaseComponent",
    "Component",
    "Evidence",
    "Explainable",
    "Role",
    "check_output",
    "evidence_of",
    "lookback_of",
    "name_of",
    "role_of",
]


@runtime_checkable
class Component(Protocol):
    """Anything that maps an event table and a scoring time to one value per user.

    The whole contract: ``component(events, as_of=t)`` returns a float64 array
    of shape ``(events.n_users,)``, finite and non-negative, the same for the
    same input, ignoring events after ``t`` and self-interactions. A
    **signal** is evidence of influence (combined by weights); a **modifier**
    is a factor in ``[0, 1]`` per user (multiplied in). A **discount** instead
    returns one weight in ``[0, 1]`` per *event*, shape ``(len(events),)``: how
    much that event is to be trusted; the scorer multiplies the discounts into
    :attr:`Events.trust <influence.Events.trust>` before the signals read the
    table, so discounted engagement counts for less in every signal. A plain
    function fits.

    Components may also offer :class:`Explainable`'s two methods so that
    explanations can say what they saw, and should declare how far back they
    read: ``lookback_days``, a float (``math.inf`` for "all history"), such
    that the output at ``as_of`` depends only on the events in
    ``(as_of - lookback_days, as_of]``, for every user with an event there.
    A component that does not declare it is taken to read all history
    (:func:`lookback_of`); :attr:`influence.Scorer.lookback_days` is the
    largest of its parts', and :func:`influence.engines.read_duckdb` reads
    that much with ``scorer=``.
    """

    def __call__(self, events: Events, *, as_of: float) -> NDArray[np.float64]: ...


@dataclass(frozen=True)
class Evidence:
    """A component's values plus per-user facts that explain them.

    Attributes
    ----------
    values : ndarray of float64, shape (n_users,) or, for a discount, (len(events),)
        What ``component(events, as_of=...)`` returns.
    details : mapping of str to ndarray, each shape (n_users,)
        Named facts per user (counts, days, shares) for :meth:`Explainable.reason`.
    """

    values: NDArray[np.float64]
    details: Mapping[str, NDArray[Any]] = field(default_factory=dict)


@runtime_checkable
class Explainable(Protocol):
    """Optional richer protocol: values with evidence, and a sentence per user."""

    def evidence(self, events: Events, *, as_of: float) -> Evidence: ...

    def reason(self, details: Mapping[str, float], points: float) -> str: ...


class BaseComponent:
    """Convenience base for components written as frozen dataclasses.

    Subclasses set the class attributes ``name`` (the registry name) and
    ``role``, declare what each parameter allows in ``parameter_constraints``
    (parameter name -> :class:`~influence.components.constraints.Constraint`),
    and implement :meth:`evidence` and :meth:`reason`; ``__call__`` returns
    ``evidence(...).values``. Inheriting is optional: the protocol is what counts.

    Making an instance checks the declared constraints (:meth:`__post_init__`); a
    subclass with further checks, such as between parameters, overrides
    ``__post_init__`` and calls ``super().__post_init__()`` first.
    """

    name: ClassVar[str]
    role: ClassVar[Role] = "signal"
    #: Whether a modifier defends against gaming (:attr:`influence.Scores.defences`);
    #: discounts always do.
    defence: ClassVar[bool] = False
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = MappingProxyType({})

    @property
    def lookback_days(self) -> float:
        """Days of history before ``as_of`` that the output depends on; ``math.inf``
        (all of it) unless a subclass declares less (see :class:`Component`)."""
        return math.inf

    def __post_init__(self) -> None:
        """Check every parameter against :attr:`parameter_constraints` (dataclasses call it)."""
        validate(self, self.parameter_constraints)

    def __call__(self, events: Events, *, as_of: float) -> NDArray[np.float64]:
        return self.evidence(events, as_of=as_of).values

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        raise NotImplementedError

    def reason(self, details: Mapping[str, float], points: float) -> str:
        return f"{self.name}: {points:+.1f} points"


def evidence_of(component: object, events: Events, as_of: float) -> Evidence:
    """Evidence from any component, explainable or plain."""
    if isinstance(component, Explainable):
        return component.evidence(events, as_of=as_of)
    if not callable(component):
        raise TypeError(f"component {component!r} is not callable")
    return Evidence(values=component(events, as_of=as_of))


def lookback_of(component: object) -> float:
    """How many days before ``as_of`` *component* reads: its declared ``lookback_days``,
    or ``math.inf`` (all history) for one that declares nothing.

    Raises
    ------
    ValueError
        When the declared value is not a positive number (``math.inf`` allowed).

    Examples
    --------
    >>> from influence.components import Engagement
    >>> lookback_of(Engagement(window_days=30)), lookback_of(lambda events, *, as_of: None)
    (30.0, inf)
    """
    days = getattr(component, "lookback_days", math.inf)
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not days > 0:
        who = getattr(component, "name", None) or getattr(component, "__name__", None)
        who = who or type(component).__name__
        raise ValueError(
            f"The 'lookback_days' of {who} must be a positive number of days "
            f"(math.inf for all history). Got {days!r} instead."
        )
    return float(days)


def check_output(values: object, n_users: int, *, where: str, role: Role) -> NDArray[np.float64]:
    """Validate a component's output; errors name the component and what was seen.

    *n_users* is the expected length: the number of users, or of events for a discount.
    """
    if not isinstance(values, np.ndarray):
        raise TypeError(f"{where} returned {type(values).__name__}; expected a numpy array")
    if values.shape != (n_users,):
        per = "event" if role == "discount" else "user"
        raise ValueError(
            f"{where} returned shape {values.shape}; expected ({n_users},), one value per {per}"
        )
    out = values.astype(np.float64, copy=False)
    if n_users == 0:
        return out
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{where} returned {int((~np.isfinite(out)).sum())} non-finite values")
    low, high = float(out.min()), float(out.max())
    if role in ("modifier", "discount") and (low < 0.0 or high > 1.0):
        what = "factors" if role == "modifier" else "per-event weights"
        raise ValueError(
            f"{where} is a {role} and must return {what} in [0, 1]; got values in "
            f"[{low:g}, {high:g}]"
        )
    if low < 0.0:
        raise ValueError(f"{where} must return non-negative values; got a minimum of {low:g}")
    return out
