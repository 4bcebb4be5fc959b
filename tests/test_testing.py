"""influence.testing: the conformance checks fail a component that breaks the contract."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

from influence import Events, register
from influence.components import DistinctEngagers, Inactivity
from influence.components import registry as _registry
from influence.testing import check_component, component_checks


@pytest.fixture
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    registry = dict(_registry._REGISTRY)
    monkeypatch.setattr(_registry, "_REGISTRY", registry)
    return registry


@dataclass(frozen=True)
class Doubling:
    """A signal whose parameter does not survive a configuration: it doubles it when made."""

    name: ClassVar[str] = "test_doubling"

    scale: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", 2.0 * self.scale)

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)


@dataclass(frozen=True)
class Opaque:
    """A signal with a parameter no configuration can hold."""

    name: ClassVar[str] = "test_opaque"

    table: Any = None

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)


def round_trip(component: Any) -> Any:
    (check,) = [c for c in component_checks(component) if c.name.endswith("params_round_trip")]
    return check


def test_the_checks_are_named_after_the_component() -> None:
    names = [str(check) for check in component_checks(DistinctEngagers())]
    assert names[-1] == "distinct_engagers:check_params_round_trip"
    assert len(names) == len(set(names)) == 13


class Everything:
    """A signal that counts every event a user ever acted in, whatever it declares."""

    name = "test_everything"

    def __init__(self, lookback_days: float | None = None) -> None:
        if lookback_days is not None:
            self.lookback_days = lookback_days

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        acted = events.actor[events.time <= as_of]
        return np.bincount(acted, minlength=events.n_users).astype(np.float64)


def lookback_check(component: Any) -> Any:
    (check,) = [c for c in component_checks(component) if c.name.endswith("lookback_honoured")]
    return check


def test_a_component_reading_further_back_than_it_declares_fails() -> None:
    with pytest.raises(AssertionError, match=r"more than lookback_days=30 before as_of changed"):
        lookback_check(Everything(lookback_days=30))()
    lookback_check(Everything())()  # declares nothing: all history, nothing to check
    lookback_check(Everything(lookback_days=math.inf))()


@pytest.mark.parametrize("component", [DistinctEngagers(window_days=7), Inactivity(shape=3)])
def test_built_ins_round_trip(component: Any) -> None:
    round_trip(component)()


def test_a_registered_component_whose_parameters_do_not_round_trip_fails(
    isolated_registry: dict[str, Any],
) -> None:
    register()(Doubling)
    with pytest.raises(AssertionError, match=r"parameters do not round-trip.*\['scale'\]"):
        round_trip(Doubling())()
    with pytest.raises(AssertionError, match="test_doubling:check_params_round_trip failed"):
        check_component(Doubling())


def test_an_unregistered_dataclass_is_rebuilt_from_its_class() -> None:
    with pytest.raises(AssertionError, match=r"Doubling\(scale=4\.0\), not Doubling\(scale=2\.0\)"):
        round_trip(Doubling())()


def test_parameters_no_configuration_can_hold_fail() -> None:
    round_trip(Opaque())()  # None is fine
    with pytest.raises(AssertionError, match="cannot be written to a config"):
        round_trip(Opaque(table=np.zeros(3)))()


def test_an_unregistered_function_has_nothing_to_round_trip() -> None:
    def ones(events: Events, *, as_of: float) -> np.ndarray:
        return np.ones(events.n_users)

    round_trip(ones)()
