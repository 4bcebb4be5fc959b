"""A component's role and name: what the scorer and the registry read from any component."""

from __future__ import annotations

from typing import Literal

__all__ = ["ROLES", "Role", "name_of", "role_of"]

Role = Literal["signal", "discount", "modifier"]
ROLES: tuple[Role, ...] = ("signal", "discount", "modifier")


def role_of(component: object) -> Role:
    """The declared role of a component (``"signal"`` unless it says otherwise)."""
    role = getattr(component, "role", "signal")
    if role not in ROLES:
        raise ValueError(f"component {component!r} has role {role!r}; allowed: {list(ROLES)}")
    return role


def name_of(component: object) -> str:
    """The registry name of a component: its ``name`` attribute or function name."""
    name = getattr(component, "name", None) or getattr(component, "__name__", None)
    if not isinstance(name, str) or not name:
        raise ValueError(f"component {component!r} has no name; give it a `name` attribute")
    return name
