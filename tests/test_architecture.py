"""The kernel's layers: no import circle in simulation/, nothing imports upward, submodels are
functions of (parameters, state, streams) that do not know the model class."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from simulation.model import SUBMODELS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simulation"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, runtime_only: bool) -> set[str]:
    """Modules imported by a file (``runtime_only``: leaving out ``if TYPE_CHECKING:`` blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _graph(runtime_only: bool) -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path, runtime_only) if m in modules and m != name}
            for name, path in modules.items()}


def test_simulation_has_no_import_circle_not_even_through_type_hints() -> None:
    graph = _graph(runtime_only=False)
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, "import circle: " + " -> ".join([*visiting, name])
        if name in done:
            return
        visiting.append(name)
        for dep in sorted(graph[name] - {"simulation"}):
            visit(dep)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_nothing_in_simulation_imports_experiments_or_interfaces() -> None:
    for path in PACKAGE.rglob("*.py"):
        for name in _imports(path, runtime_only=False):
            assert not name.startswith(("experiments", "interfaces")), (path, name)


def test_no_dynamics_module_knows_the_model_class() -> None:
    for path in (PACKAGE / "dynamics").glob("*.py"):
        assert "simulation.model" not in _imports(path, runtime_only=False), path
        assert "PersonalizedLearningModel" not in path.read_text(encoding="utf-8"), path


def test_every_submodel_takes_params_state_streams_and_says_what_it_reads_and_writes() -> None:
    for name, submodel in SUBMODELS:
        assert list(inspect.signature(submodel).parameters) == ["params", "state", "streams"], name
        doc = inspect.getdoc(submodel) or ""
        assert "reads" in doc.lower() and "writes" in doc.lower(), name


def test_the_kernel_reads_typed_parameters_not_nested_string_look_ups() -> None:
    kernel = [*(PACKAGE / "dynamics").glob("*.py"), *(PACKAGE / f for f in (
        "model.py", "population.py", "costs.py", "policy.py", "observation.py", "practices.py"))]
    for path in kernel:
        text = path.read_text(encoding="utf-8")
        assert "values[" not in text and '.values["' not in text, path
