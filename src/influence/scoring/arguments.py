"""A scorer's arguments: components as given normalised, and its configuration read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from influence.components import registry as _registry
from influence.components.base import name_of
from influence.scoring.calibration import Calibration
from influence.scoring.platform_calibration import PlatformCalibration

__all__ = ["CONFIG_KEYS", "named_components", "scorer_arguments"]

#: The keys of a scorer's configuration (:meth:`Scorer.to_config <influence.Scorer.to_config>`).
CONFIG_KEYS = (
    "signals",
    "weights",
    "discounts",
    "modifiers",
    "calibration",
    "platform_calibration",
)


def scorer_arguments(config: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :class:`~influence.Scorer` that *config* describes.

    Components are built by registry name; every key is checked by name, a misspelt
    one named with the closest allowed one.

    Examples
    --------
    >>> scorer_arguments({"weights": {"engagement": 2.0}, "calibration": {"midpoint": 3.0}})
    {'weights': {'engagement': 2.0}, 'calibration': Calibration(midpoint=3.0, shape=1.0)}
    """
    if not isinstance(config, Mapping):
        raise ValueError(f"config must be a mapping; got {type(config).__name__}")
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        hint = _registry.closest(unknown[0], CONFIG_KEYS) or ";"
        raise ValueError(f"config has unknown key(s) {unknown}{hint} allowed: {list(CONFIG_KEYS)}")
    kwargs: dict[str, Any] = {}
    for key in ("signals", "discounts", "modifiers"):
        if key in config:
            kwargs[key] = _parts(config, key)
    if "weights" in config:
        kwargs["weights"] = config["weights"]
    if "calibration" in config:
        kwargs["calibration"] = Calibration.from_config(config["calibration"])
    if "platform_calibration" in config:
        kwargs["platform_calibration"] = PlatformCalibration.from_config(
            config["platform_calibration"]
        )
    return kwargs


def _parts(config: Mapping[str, Any], key: str) -> tuple[tuple[str, Any], ...]:
    """The ``(name, component)`` pairs of one list of parts, built by registry name."""
    out = []
    for i, item in enumerate(config.get(key, [])):
        if not isinstance(item, Mapping) or "type" not in item:
            raise ValueError(f"config[{key!r}][{i}] must be a mapping with a 'type'; got {item!r}")
        extra = sorted(set(item) - {"name", "type", "params"})
        if extra:
            raise ValueError(
                f"config[{key!r}][{i}] has unknown key(s) {extra}; "
                "allowed: ['name', 'type', 'params']"
            )
        component = _registry.build(item["type"], item.get("params") or {})
        out.append((item.get("name") or item["type"], component))
    return tuple(out)


def named_components(owner: str, param: str, value: Any) -> tuple[tuple[str, Any], ...]:
    """Normalise components given as a sequence, ``(name, component)`` pairs or a mapping."""
    if value is None:
        return ()
    items: Iterable[Any] = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, component = item
        else:
            name, component = None, item
        under = "" if name is None else f" under {name!r}"
        if isinstance(component, type):
            raise ValueError(
                f"The {param!r} parameter of {owner} must hold components, not classes; "
                f"got the class {component.__name__}{under}: pass an instance, "
                f"{component.__name__}()"
            )
        if not callable(component):
            hint = ""
            if isinstance(component, str) and component in _registry.available():
                factory = getattr(_registry.lookup(component), "__name__", component)
                hint = (
                    f"; {component!r} is the registered name of {factory}: pass {factory}() "
                    "(names are for configurations, Scorer.from_config)"
                )
            raise ValueError(
                f"The {param!r} parameter of {owner} must hold callable components; "
                f"got {component!r}{under}{hint}"
            )
        if name is None:
            name = _registry.registered_name(component) or name_of(component)
        out.append((name, component))
    return tuple(out)
