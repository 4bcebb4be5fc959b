"""Every built-in component, with its defaults and with other parameters, passes the checks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import influence.components
from influence import Explainable
from influence.components import DistinctEngagers, Inactivity
from influence.testing import Check, component_checks

INACTIVITIES: list[Inactivity] = [
    Inactivity(),
    Inactivity(grace_days=0.0, half_life_days=5.0, shape=1.0),
    Inactivity(grace_days=3.0, half_life_days=100.0, shape=4.0),
]


BUILT_INS: list[Any] = [
    *(getattr(influence.components, name)() for name in influence.components.__all__),
    DistinctEngagers(window_days=7.0),
    DistinctEngagers(window_days=0.5),
    *INACTIVITIES[1:],
]


def _checks() -> list[Check]:
    out = []
    for component in BUILT_INS:
        for check in component_checks(component):
            out.append(dataclasses.replace(check, name=f"{component!r}/{check.name}"))
    return out


@pytest.mark.parametrize("check", _checks(), ids=str)
def test_component_conformance(check: Check) -> None:
    check()


@pytest.mark.parametrize("seed", [1, 2])
def test_component_conformance_other_worlds(seed: int) -> None:
    for component in (DistinctEngagers(), Inactivity()):
        for check in component_checks(component, seed=seed):
            check()


def test_built_ins_are_explainable_with_roles() -> None:
    assert {"DistinctEngagers", "Inactivity"} <= set(influence.components.__all__)
    for name in influence.components.__all__:
        component = getattr(influence.components, name)()
        assert isinstance(component, Explainable)
        assert component.role in ("signal", "discount", "modifier")
    assert DistinctEngagers.role == "signal"
    assert Inactivity.role == "modifier"
    assert influence.components.Reciprocity.role == "discount"
