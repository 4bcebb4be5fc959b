"""The layout is the architecture: areas, no import cycles, no private reach, small modules.

Areas are the subpackages of ``influence`` (``events``, ``components``, ``scoring``,
``evaluate``, ``datasets``, ``engines``, ``campaign``) and each public top-level module
(``kernels``, ``graph``, ``plot``, ``testing``, ``cli``, ...). The root's private modules
(``_time``, ``_validate``, ``_progress``) are the foundation every area may import. A module may
import another area's public modules and names only: never a name starting with ``_``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "influence"
FOUNDATION = frozenset(
    {
        "influence._time",
        "influence._validate",
        "influence._progress",
        "influence._version",
        "influence._memory",
    }
)
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def area(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def imports(module: str) -> list[tuple[str, str | None, int]]:
    """``(imported module, imported name or None, line)``, anywhere in the module except
    under ``if TYPE_CHECKING:``."""
    tree = ast.parse(modules()[module].read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    package = module if is_package(module) else module.rpartition(".")[0]
    out: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [
                (a.name, None, node.lineno) for a in node.names if a.name.startswith("influence")
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not source.startswith("influence"):
                continue
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if full in modules():  # a module imported by name
                    out.append((full, None, node.lineno))
                else:
                    out.append((source, alias.name, node.lineno))
    return out


def graph() -> dict[str, set[str]]:
    return {m: {target for target, _, _ in imports(m) if target in modules()} for m in modules()}


def test_every_module_imports_only_existing_influence_modules() -> None:
    missing = [
        f"{m}:{line} imports {target}"
        for m in modules()
        for target, _, line in imports(m)
        if target not in modules()
    ]
    assert not missing, missing


def test_no_import_cycles() -> None:
    edges = graph()
    # A package's __init__ re-exports its own modules: the edges from a module to its own
    # package's __init__ would make every re-export a "cycle" Python resolves fine, so a
    # module importing its own package is itself an error (import the module instead).
    into_own = [
        f"{m} imports its own package {target}"
        for m, targets in edges.items()
        for target in targets
        if is_package(target) and m.startswith(target + ".")
    ]
    assert not into_own, into_own
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, [" -> ".join(c) for c in cycles]


def test_no_private_name_is_reached_across_areas() -> None:
    reach = []
    for m in modules():
        for target, name, line in imports(m):
            if area(target) == area(m):
                continue
            private_module = any(p.startswith("_") for p in target.split(".")[1:])
            if private_module and target not in FOUNDATION:
                reach.append(f"{m}:{line} imports the private module {target}")
            if name is not None and name.startswith("_") and not name.startswith("__"):
                reach.append(f"{m}:{line} imports the private name {target}.{name}")
    assert not reach, reach


@pytest.mark.parametrize("module", sorted(modules()))
def test_each_module_is_small_and_says_its_one_job(module: str) -> None:
    text = modules()[module].read_text()
    lines = text.count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines (at most {MAX_LINES})"
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{module} has no docstring"
    first = doc.splitlines()[0]
    assert first.endswith("."), f"{module}: first line {first!r} is not a sentence"
    assert len(first) <= 100, f"{module}: first line {first!r} is too long"


def test_private_attributes_are_not_read_across_areas() -> None:
    # ``obj._name`` where obj is not self/cls: reaching into another object's private state.
    # Allowed inside one area (the area's modules know each other), never across.
    reach = []
    for m, path in modules().items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
            ):
                owner = ast.unparse(node.value)
                reach.append((m, node.lineno, f"{owner}.{node.attr}"))
    # Only flag reads of attributes whose defining class lives in another area: we check
    # by name, against the private attributes each area defines on its own classes.
    defined: dict[str, set[str]] = {}
    for m, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr.startswith("_")
            ):
                defined.setdefault(node.attr, set()).add(area(m))
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("_")
                and not node.value.startswith("__")
            ):
                defined.setdefault(node.value, set()).add(area(m))  # __slots__, setattr
    crossing = [
        f"{m}:{line} reads {what}"
        for m, line, what in reach
        if (owners := defined.get(what.rpartition(".")[2])) and area(m) not in owners
    ]
    assert not crossing, crossing


def test_areas_depend_on_each_other_one_way() -> None:
    # Stronger than no module cycle: no two areas import each other, even through
    # different modules, so that the areas can be read (and replaced) bottom up.
    needs: dict[str, set[str]] = {}
    for m in modules():
        for target, _, _ in imports(m):
            if target in modules() and area(target) != area(m):
                needs.setdefault(area(m), set()).add(area(target))
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert state.get(node) != 1, " -> ".join((*path, node))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in sorted(needs.get(node, ())):
            visit(nxt, (*path, node))
        state[node] = 2
        order.append(node)

    for node in sorted(needs):
        visit(node, ())
    # The foundation needs nothing, and events needs nothing but the foundation and the
    # exceptions: data enters through it, and it knows nothing of what reads it.
    assert not any(needs.get(f) for f in FOUNDATION)
    assert needs["influence.events"] <= FOUNDATION | {"influence.exceptions"}
    # Campaigns read events, pairs, components, scoring, evaluate and graph; only the
    # command line (and plots, duck-typed) read campaigns.
    assert needs.get("influence.campaign", set()) <= FOUNDATION | {
        "influence.events",
        "influence.pairs",
        "influence.kernels",
        "influence.components",
        "influence.scoring",
        "influence.evaluate",
        "influence.graph",
    }
    assert {a for a, n in needs.items() if "influence.campaign" in n} <= {"influence.cli"}
