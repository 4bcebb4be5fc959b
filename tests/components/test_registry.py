"""The registry: built-ins declared by path, third parties by decorator or entry point."""

from __future__ import annotations

import ast
import importlib
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import influence.components
from influence import Events, register
from influence.components import Activity, Authenticity, Authority, Credibility, Inactivity
from influence.components import registry as _registry
from influence.components.registry import (
    BUILT_INS,
    available,
    build,
    closest,
    lookup,
    parameter_names,
    params_of,
    registered_name,
)

SOURCE = Path(_registry.__file__)


@pytest.fixture
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A private copy of the registered components, restored after the test."""
    registry = dict(_registry._REGISTRY)
    monkeypatch.setattr(_registry, "_REGISTRY", registry)
    return registry


@dataclass(frozen=True)
class Halver:
    """A third-party modifier."""

    name: ClassVar[str] = "test_registry_halver"
    role: ClassVar[str] = "modifier"

    factor: float = 0.5

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        return np.full(events.n_users, self.factor)


# --------------------------------------------------------------------------- the built-ins
def test_the_registry_imports_no_component_module() -> None:
    tree = ast.parse(SOURCE.read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    ours = {m for m in imported if m.startswith("influence")}
    assert ours == {"influence.components.roles"}


def test_built_ins_are_every_public_component_by_its_name() -> None:
    classes = {getattr(influence.components, n) for n in influence.components.__all__}
    assert {lookup(name) for name in BUILT_INS} == classes
    for name, path in BUILT_INS.items():
        module, _, attribute = path.partition(":")
        cls = getattr(importlib.import_module(module), attribute)
        assert cls.name == name
        assert lookup(name) is cls
        assert registered_name(cls()) == name


def test_available_lists_built_ins_and_registered() -> None:
    names = available()
    assert names == sorted(names)
    assert set(BUILT_INS) <= set(names)


def test_unknown_names_say_what_is_registered() -> None:
    with pytest.raises(ValueError, match=r"unknown component 'nope'; registered: \[.*'activity'"):
        lookup("nope")


def test_registered_name_is_for_the_exact_class() -> None:
    @dataclass(frozen=True)
    class Sub(Activity):
        pass

    assert registered_name(Activity()) == "activity"
    assert registered_name(Sub()) is None
    assert registered_name(Activity) == "activity"  # the factory itself
    assert registered_name(lambda events, *, as_of: None) is None


def test_params_of_and_build_round_trip_nested_components() -> None:
    teleported = Authority(teleport=Authenticity(Credibility(min_posts=3, trusted=("ann",))))
    params = json.loads(json.dumps(params_of(teleported)))
    assert params["teleport"] == {
        "type": "authenticity",
        "params": {"credibility": {"type": "credibility", "params": params_of(Credibility(
            min_posts=3, trusted=("ann",)))}},
    }  # fmt: skip
    assert params["teleport"]["params"]["credibility"]["params"]["trusted"] == ["ann"]
    assert build("authority", params) == teleported
    assert params_of(Inactivity) == {}  # a class has no parameters
    with pytest.raises(TypeError, match=r"parameter halver.x = .* is not JSON-compatible"):
        params_of(_Holder(x=object()))
    with pytest.raises(
        ValueError, match=r"unknown parameter 'zz' of Inactivity; allowed: \['grace_days'"
    ):
        build("inactivity", {"zz": 1})


def test_build_names_the_closest_parameter_and_all_allowed() -> None:
    with pytest.raises(ValueError, match="unknown parameter") as info:
        build("engagement", {"window_dayz": 30})
    message = str(info.value)
    assert message.startswith(
        "unknown parameter 'window_dayz' of Engagement; did you mean 'window_days'? allowed: ["
    )
    assert "'half_life_days'" in message
    with pytest.raises(ValueError, match=r"params of component 'engagement' must be a mapping"):
        build("engagement", [("window_days", 30)])  # type: ignore[arg-type]


def test_nested_component_parameters_are_checked_too() -> None:
    spec = {"teleport": {"type": "distinct_engagers", "params": {"windowdays": 3}}}
    with pytest.raises(
        ValueError, match=r"did you mean 'window_days'\? allowed: \['window_days'\]"
    ):
        build("authority", spec)


def test_misspelt_component_type_names_the_closest() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown component 'engagment'; did you mean 'engagement'\? registered: \[",
    ):
        build("engagment", {})
    assert closest("reciprocty", available()) == "; did you mean 'reciprocity'?"
    assert closest("zzzz", available()) == ""
    assert closest(3, available()) == ""


def test_parameter_names_of_classes() -> None:
    class Open:
        def __init__(self, **kwargs: Any) -> None:
            pass

    class Plain:
        def __init__(self, a: int, *, b: int = 0) -> None:
            pass

    assert parameter_names(Open) is None
    assert parameter_names(Plain) == ["a", "b"]
    assert parameter_names(Inactivity) == [f.name for f in fields(Inactivity) if f.init]


@dataclass(frozen=True)
class _Holder:
    name: ClassVar[str] = "halver"
    x: Any = None


# --------------------------------------------------------------------------- third parties
def test_register_a_class_and_build_it(isolated_registry: dict[str, Any]) -> None:
    register()(Halver)
    assert isolated_registry["test_registry_halver"] is Halver
    assert lookup("test_registry_halver") is Halver
    assert "test_registry_halver" in available()
    assert registered_name(Halver(0.25)) == "test_registry_halver"
    assert build("test_registry_halver", {"factor": 0.25}) == Halver(0.25)
    register()(Halver)  # again: the same class, no error


def test_a_built_in_name_cannot_be_taken(isolated_registry: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"'activity' is already registered \(built in: "):
        register("activity")(Halver)
    assert "activity" not in isolated_registry
    assert lookup("activity") is Activity
    # ... but a built-in may be registered under its own name: it is declared already
    assert register()(Activity) is Activity
    assert "activity" not in isolated_registry


def test_a_built_in_may_be_registered_under_another_name(
    isolated_registry: dict[str, Any],
) -> None:
    register("test_registry_activity")(Activity)
    assert lookup("test_registry_activity") is Activity
    assert registered_name(Activity()) == "activity"  # the built-in name first


def test_entry_points_are_loaded_once_and_never_shadow_a_built_in(
    monkeypatch: pytest.MonkeyPatch, isolated_registry: dict[str, Any]
) -> None:
    loaded: list[str] = []

    class EntryPoint:
        def __init__(self, name: str, obj: Any) -> None:
            self.name, self.obj = name, obj

        def load(self) -> Any:
            loaded.append(self.name)
            return self.obj

    calls: list[str] = []

    def entry_points(*, group: str) -> list[EntryPoint]:
        calls.append(group)
        return [EntryPoint("inactivity", Halver), EntryPoint("test_registry_ep", Halver)]

    monkeypatch.setattr(_registry, "entry_points", entry_points)
    monkeypatch.setattr(_registry, "_LOADED_ENTRY_POINTS", False)
    assert lookup("inactivity") is Inactivity  # a built-in: no entry point read
    assert calls == []
    assert lookup("test_registry_ep") is Halver
    assert registered_name(Halver()) == "test_registry_ep"
    assert "test_registry_ep" in available()
    assert calls == ["influence.components"]
    assert loaded == ["test_registry_ep"]  # the built-in's name is never loaded
