"""Component names -> factories: built-ins by path, third parties by decorator or entry point.

The built-in components are declared as third parties declare theirs, by entry
point (``name = "module:attribute"``), in :data:`BUILT_INS`; each is imported
when it is first looked up, so this module imports no component module.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType
from typing import Any, TypeVar

from influence.components.roles import ROLES, Role, name_of

__all__ = [
    "BUILT_INS",
    "ENTRY_POINT_GROUP",
    "available",
    "build",
    "closest",
    "parameter_names",
    "lookup",
    "params_of",
    "register",
    "registered_name",
]

ENTRY_POINT_GROUP = "influence.components"

#: The built-in components: registry name -> ``"module:attribute"``, as in an entry point.
BUILT_INS: Mapping[str, str] = MappingProxyType(
    {
        "activity": "influence.components.activity:Activity",
        "authenticity": "influence.components.authenticity:Authenticity",
        "authority": "influence.components.authority:Authority",
        "credibility": "influence.components.credibility:Credibility",
        "distinct_engagers": "influence.components.engagers:DistinctEngagers",
        "engagement": "influence.components.engagement:Engagement",
        "inactivity": "influence.components.inactivity:Inactivity",
        "longevity": "influence.components.longevity:Longevity",
        "momentum": "influence.components.momentum:Momentum",
        "reciprocity": "influence.components.reciprocity:Reciprocity",
        "topic_posters": "influence.components.topic_posters:TopicPosters",
    }
)

T = TypeVar("T")

#: Components registered with :func:`register` or found as entry points (not the built-ins).
_REGISTRY: dict[str, Any] = {}
_LOADED_ENTRY_POINTS = False


def _path_of(obj: object) -> str:
    """``"module:qualname"`` of a class or function, as an entry point names it."""
    return f"{getattr(obj, '__module__', '')}:{getattr(obj, '__qualname__', '')}"


def _built_in(name: str) -> Any:
    """Import the built-in component *name*, as its entry point would be loaded."""
    return EntryPoint(name=name, value=BUILT_INS[name], group=ENTRY_POINT_GROUP).load()


def register(name: str | None = None, *, role: Role | None = None) -> Callable[[T], T]:
    """Class or function decorator that makes a component known by *name*.

    Registered components can be named in :meth:`Scorer.from_config`. Third
    parties may instead declare an entry point in the group
    ``influence.components`` (``name = "package.module:Component"``), as the
    built-ins are declared (:data:`BUILT_INS`).

    Parameters
    ----------
    name : str, optional
        Registry name; defaults to the component's ``name`` attribute or the
        function's ``__name__``.
    role : {"signal", "discount", "modifier"}, optional
        Sets ``role`` on a function that does not declare one.

    Examples
    --------
    >>> import numpy as np
    >>> from influence import register
    >>> @register("constant_one")
    ... def constant_one(events, *, as_of):
    ...     return np.ones(events.n_users)
    """
    if role is not None and role not in ROLES:
        raise ValueError(f"role must be one of {list(ROLES)}; got {role!r}")

    def decorate(obj: T) -> T:
        key = name or name_of(obj)
        if role is not None and not isinstance(obj, type):
            obj.role = role  # type: ignore[attr-defined]
        if key in BUILT_INS:
            if BUILT_INS[key] != _path_of(obj):
                raise ValueError(
                    f"a component named {key!r} is already registered (built in: {BUILT_INS[key]})"
                )
            return obj  # the built-in itself: declared already
        existing = _REGISTRY.get(key)
        if (
            existing is not None
            and existing is not obj
            and (
                getattr(existing, "__qualname__", None) != getattr(obj, "__qualname__", None)
                or getattr(existing, "__module__", None) != getattr(obj, "__module__", None)
            )
        ):
            raise ValueError(f"a component named {key!r} is already registered ({existing!r})")
        _REGISTRY[key] = obj
        return obj

    return decorate


def _load_entry_points() -> None:
    global _LOADED_ENTRY_POINTS
    if _LOADED_ENTRY_POINTS:
        return
    _LOADED_ENTRY_POINTS = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in BUILT_INS and ep.name not in _REGISTRY:
            _REGISTRY[ep.name] = ep.load()


def lookup(name: str) -> Any:
    """The factory registered under *name* (a class or a function)."""
    if name in BUILT_INS:
        return _built_in(name)
    if name not in _REGISTRY:
        _load_entry_points()
    if name not in _REGISTRY:
        known = available()
        hint = closest(name, known) or ";"
        raise ValueError(f"unknown component {name!r}{hint} registered: {known}")
    return _REGISTRY[name]


def registered_name(component: object) -> str | None:
    """The name *component* is registered under (itself, or its exact class), or ``None``."""
    paths = {_path_of(component), _path_of(type(component))}
    for key, path in BUILT_INS.items():
        if path in paths:
            factory = _built_in(key)  # already imported: the component exists
            if factory is component or type(component) is factory:
                return key
    _load_entry_points()
    for key, factory in _REGISTRY.items():
        if factory is component or (isinstance(factory, type) and type(component) is factory):
            return key
    return None


def available() -> list[str]:
    """Names of all registered components, built-in and from entry points."""
    _load_entry_points()
    return sorted({*BUILT_INS, *_REGISTRY})


def params_of(component: object) -> dict[str, Any]:
    """A component's parameters as JSON-compatible data (dataclass fields)."""
    if not dataclasses.is_dataclass(component) or isinstance(component, type):
        return {}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(component):
        if not f.init:
            continue
        out[f.name] = _jsonable(getattr(component, f.name), f"{name_of(component)}.{f.name}")
    return out


def _jsonable(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v, where) for v in items]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, where) for k, v in value.items()}
    if callable(value):  # a nested component, such as Authority's teleport
        kind = registered_name(value)
        if kind is not None:
            return {"type": kind, "params": params_of(value)}
    raise TypeError(f"parameter {where} = {value!r} is not JSON-compatible")


def closest(name: object, allowed: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the allowed name closest to a misspelt *name*, or ``""``.

    Examples
    --------
    >>> from influence.components.registry import closest
    >>> closest("engagment", ["activity", "engagement"]), closest("zzz", ["activity"])
    ("; did you mean 'engagement'?", '')
    """
    if not isinstance(name, str):
        return ""
    match = difflib.get_close_matches(name, list(allowed), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def parameter_names(factory: Any) -> list[str] | None:
    """The keyword parameters a component class takes, or ``None`` when it takes any
    (``**kwargs``) or its signature cannot be read."""
    if dataclasses.is_dataclass(factory) and isinstance(factory, type):
        return [f.name for f in dataclasses.fields(factory) if f.init]
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    return [p.name for p in signature.parameters.values() if p.kind in kinds]


def build(type_name: str, params: Mapping[str, Any]) -> Any:
    """Instantiate the registered component *type_name* with *params*.

    Raises
    ------
    ValueError
        When *type_name* is not registered, or a parameter is not one the component takes
        (the message names the closest allowed one, and all of them).
    """
    factory = lookup(type_name)
    if not isinstance(params, Mapping):
        raise ValueError(
            f"the params of component {type_name!r} must be a mapping; got {type(params).__name__}"
        )
    if isinstance(factory, type):
        allowed = parameter_names(factory)
        if allowed is not None:
            for key in params:
                if key not in allowed:
                    hint = closest(key, allowed) or ";"
                    raise ValueError(
                        f"unknown parameter {key!r} of {factory.__name__}{hint} allowed: {allowed}"
                    )
        return factory(**params)
    if params:
        raise ValueError(
            f"component {type_name!r} is a function and takes no params; got {dict(params)}"
        )
    return factory
