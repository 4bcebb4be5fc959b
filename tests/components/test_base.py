"""The component protocol and BaseComponent: roles, names, and the declared parameter checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pytest

import influence.components
from influence import BaseComponent, Component, Events, Evidence, Explainable
from influence.components import Credibility, Engagement
from influence.components.base import check_output, evidence_of, name_of, role_of
from influence.components.constraints import (
    POSITIVE,
    Constraint,
    Integers,
    Interval,
    Nested,
    Options,
    SequenceOf,
)
from influence.testing import small_world

BUILT_IN_CLASSES: list[type[BaseComponent]] = [
    getattr(influence.components, name) for name in influence.components.__all__
]


@dataclasses.dataclass(frozen=True)
class Window(BaseComponent):
    """A toy signal with declared constraints and one check between two parameters."""

    name: ClassVar[str] = "test_window"
    parameter_constraints: ClassVar[Mapping[str, Constraint]] = {
        "short_days": POSITIVE,
        "long_days": POSITIVE,
        "mode": Options("sum", "mean"),
        "min_count": Integers(0),
    }

    short_days: float = 1.0
    long_days: float = 7.0
    mode: str = "sum"
    min_count: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.short_days >= self.long_days:
            raise ValueError(
                "The 'short_days' parameter of Window must be less than long_days. "
                f"Got {self.short_days!r} instead."
            )

    def evidence(self, events: Events, *, as_of: float) -> Evidence:
        return Evidence(values=np.zeros(events.n_users))


# --------------------------------------------------------------------------- declared checks
def test_declared_constraints_are_checked_when_an_instance_is_made() -> None:
    Window()
    with pytest.raises(ValueError, match=r"'long_days' parameter of Window must be a number in"):
        Window(long_days=0)
    with pytest.raises(ValueError, match=r"'mode' parameter of Window must be one of"):
        Window(mode="max")
    with pytest.raises(ValueError, match=r"'min_count' parameter of Window must be an integer"):
        Window(min_count=-1)


def test_further_checks_run_after_the_declared_ones() -> None:
    with pytest.raises(ValueError, match="must be less than long_days"):
        Window(short_days=8.0)
    # a value the declared constraints refuse is refused by them, before the further check
    with pytest.raises(ValueError, match=r"'short_days' parameter of Window must be a number"):
        Window(short_days="8")


def test_the_error_names_the_class_it_was_raised_for() -> None:
    @dataclasses.dataclass(frozen=True)
    class Mine(Engagement):
        pass

    with pytest.raises(ValueError, match="'window_days' parameter of Mine"):
        Mine(window_days=-1.0)


def test_a_component_without_declared_constraints_checks_nothing() -> None:
    @dataclasses.dataclass(frozen=True)
    class Bare(BaseComponent):
        name: ClassVar[str] = "test_bare"
        anything: Any = None

    assert Bare(anything="goes").anything == "goes"


@pytest.mark.parametrize("cls", BUILT_IN_CLASSES, ids=lambda c: c.__name__)
def test_each_built_in_declares_every_parameter_once(cls: type[BaseComponent]) -> None:
    fields = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    assert sorted(cls.parameter_constraints) == sorted(fields)
    cls()  # the defaults are allowed


def _outside(constraint: Constraint) -> list[Any]:
    """Values *constraint* refuses."""
    values: list[Any] = ["not allowed", True]
    if isinstance(constraint, Interval):
        if constraint.low is not None:
            values.append(constraint.low - 1.0)
            if constraint.closed in ("right", "neither"):
                values.append(constraint.low)
        if constraint.high is not None:
            values.append(constraint.high + 1.0)
            if constraint.closed in ("left", "neither"):
                values.append(constraint.high)
        values += [float("nan"), float("inf")]
    elif isinstance(constraint, Integers):
        values += [constraint.low - 1, constraint.low + 0.5]
    elif isinstance(constraint, (Nested, SequenceOf, Options)):
        values += [3]
    return values


@pytest.mark.parametrize("cls", BUILT_IN_CLASSES, ids=lambda c: c.__name__)
def test_each_built_in_refuses_what_its_constraints_refuse(cls: type[BaseComponent]) -> None:
    for param, constraint in cls.parameter_constraints.items():
        for value in _outside(constraint):
            with pytest.raises(ValueError, match=f"'{param}' parameter of {cls.__name__}") as info:
                cls(**{param: value})
            assert repr(value) in str(info.value)  # and says what was given


def test_checks_beyond_the_declared_ones_are_kept() -> None:
    with pytest.raises(ValueError, match="both trusted and distrusted"):
        Credibility(trusted=("ann",), distrusted=["ann"])
    with pytest.raises(ValueError, match="'teleport' parameter of Authority needs one value"):
        influence.components.Authority(teleport=Credibility())


# --------------------------------------------------------------------------- roles and names
def test_roles_and_names() -> None:
    def plain(events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)

    assert role_of(plain) == "signal"
    assert name_of(plain) == "plain"
    assert role_of(influence.components.Inactivity()) == "modifier"
    assert name_of(influence.components.Inactivity()) == "inactivity"
    plain.role = "booster"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"has role 'booster'; allowed: \['signal', 'discount'"):
        role_of(plain)
    with pytest.raises(ValueError, match="has no name"):
        name_of(object())


def test_evidence_of_any_component() -> None:
    events = small_world()

    def ones(events: Events, *, as_of: float) -> np.ndarray:
        return np.ones(events.n_users)

    assert isinstance(ones, Component)
    assert not isinstance(ones, Explainable)
    assert np.array_equal(evidence_of(ones, events, 0.0).values, np.ones(events.n_users))
    window = Window()
    assert isinstance(window, Explainable)
    assert evidence_of(window, events, 0.0).details == {}
    assert window.reason({}, 1.25) == "test_window: +1.2 points"
    with pytest.raises(TypeError, match="is not callable"):
        evidence_of(3, events, 0.0)


def test_check_output_names_what_is_wrong() -> None:
    ok = check_output(np.array([0, 1]), 2, where="x", role="signal")
    assert ok.dtype == np.float64
    with pytest.raises(TypeError, match="returned list"):
        check_output([0.0, 1.0], 2, where="x", role="signal")
    with pytest.raises(ValueError, match=r"shape \(3,\); expected \(2,\), one value per user"):
        check_output(np.zeros(3), 2, where="x", role="signal")
    with pytest.raises(ValueError, match="one value per event"):
        check_output(np.zeros(3), 2, where="x", role="discount")
    with pytest.raises(ValueError, match="1 non-finite values"):
        check_output(np.array([0.0, np.nan]), 2, where="x", role="signal")
    with pytest.raises(ValueError, match=r"modifier and must return factors in \[0, 1\]"):
        check_output(np.array([0.0, 1.5]), 2, where="x", role="modifier")
    with pytest.raises(ValueError, match="non-negative values; got a minimum of -1"):
        check_output(np.array([0.0, -1.0]), 2, where="x", role="signal")
    assert check_output(np.zeros(0), 0, where="x", role="signal").shape == (0,)
