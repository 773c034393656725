"""The package's layering holds: imports run downward only, no cycle, no tangled function.

The layers are declared here once, in the order of conventions.md; docs/架构.md
says in Chinese what each one holds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"

# Bottom to top: a module may import its own layer and the layers before it.
LAYERS = ("errors", "messages", "schema", "core", "io", "branch", "committee", "writers", "workflows", "app")
TOP = len(LAYERS)  # toolkit/__init__.py and __main__.py may import anything
MAX_COMPLEXITY = 20  # radon's rank C or better


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__",):
        return TOP
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else -1


def imports_of(path: Path) -> set[str]:
    """Every toolkit module this file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("toolkit"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if not base.startswith("toolkit"):
                continue
            for alias in node.names:  # "from toolkit.core import values" imports a module
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return {m for m in found if m != here}


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in FILES}
GRAPH = {module_name(p): imports_of(p) for p in FILES}


def test_every_module_is_in_a_declared_layer():
    assert [m for m in MODULES if layer_of(m) < 0] == []


def test_imports_never_run_upward():
    # The package root runs before any of its modules anyway: importing it (for
    # __version__) adds no dependency.
    upward = sorted(f"{m} -> {dep}" for m, deps in GRAPH.items() for dep in deps
                    if dep in MODULES and dep != "toolkit" and layer_of(dep) > layer_of(m))
    assert upward == []


def _cycle() -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for dep in sorted(GRAPH.get(node, ())):
            if dep not in GRAPH or dep.count(".") == 0:
                continue  # the package's own __init__ is the public face, not a dependency
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(GRAPH):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_no_import_cycle():
    assert _cycle() == []


def test_the_layer_test_sees_a_planted_cycle_and_an_upward_import():
    saved = dict(GRAPH)
    try:
        GRAPH["toolkit.core.values"] = GRAPH["toolkit.core.values"] | {"toolkit.app.cli"}
        GRAPH["toolkit.app.cli"] = GRAPH.get("toolkit.app.cli", set()) | {"toolkit.core.values"}
        assert _cycle()
        assert layer_of("toolkit.app.cli") > layer_of("toolkit.core.values")
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def test_no_function_above_the_complexity_limit():
    radon = pytest.importorskip("radon.complexity")
    over = []
    for path in FILES:
        for block in radon.cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > MAX_COMPLEXITY:
                over.append(f"{path.relative_to(PACKAGE.parent)}:{block.lineno} {block.name} ({block.complexity})")
    assert over == []
