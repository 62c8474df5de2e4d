"""experiments/ imports nothing of interfaces/, and its modules form no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "experiments"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, top_level_only: bool) -> set[str]:
    """Imported module names; with ``top_level_only``, those run on import (no function
    bodies, no ``if TYPE_CHECKING:`` blocks)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if (top_level_only and isinstance(child, ast.If)
                    and "TYPE_CHECKING" in ast.unparse(child.test)):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            visit(child)

    visit(tree)
    return found


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(ast.parse(path.read_text(encoding="utf-8")),
                                       top_level_only) if m in modules and m != name}
            for name, path in modules.items()}


def test_experiments_never_imports_interfaces() -> None:
    offenders = sorted(
        f"{_module(p)} imports {m}" for p in PACKAGE.rglob("*.py")
        for m in _imports(ast.parse(p.read_text(encoding="utf-8")), top_level_only=False)
        if m == "interfaces" or m.startswith("interfaces."))
    assert offenders == []


def test_experiments_modules_form_no_import_circle() -> None:
    graph = _graph(top_level_only=True)
    state: dict[str, int] = {}
    path: list[str] = []
    circles: list[list[str]] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    assert circles == []
