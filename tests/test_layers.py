"""Imports point down the layers, and no two modules import each other at load time.

The layers (DESIGN, architecture), lowest first: ``core`` (calendar, organisation,
distributions, files) knows nothing of the rest; the scenario models, the event log and the
pure rules of the 工作规则 build on it; the simulation model composes those; the invariant
checks and the KPIs read what a run wrote; the experiment runner drives the model and the
KPIs; reports, plots and exports present results; the command line sits on top. Keeping the
arrows downward is what lets ``govsim check`` audit an OA system's log without the simulator,
and lets the model be tested without the experiment machinery.

Every import counts, including those inside function bodies (a lazy import is still a
dependency); only type-only imports under ``if TYPE_CHECKING:`` are exempt. Cycles are looked
for among module-level imports, the ones that run when a module loads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import govsim

# Layer of each module: the longest matching dotted prefix wins. ``govsim.checks`` and
# ``govsim.kpis`` are the packages that take over from ``govsim.invariants`` and
# ``govsim.metrics``; both names are listed so the table holds before and after.
LAYER_OF: dict[str, str] = {
    "govsim": "root",  # the package itself holds only __version__
    "govsim.core": "core",
    "govsim.scenario": "scenario",
    "govsim.log": "log",
    "govsim.rules": "rules",
    "govsim.stats": "maths",
    "govsim.queueing": "maths",
    "govsim.model": "model",
    "govsim.invariants": "checks",
    "govsim.checks": "checks",
    "govsim.metrics": "kpis",
    "govsim.kpis": "kpis",
    "govsim.experiment": "experiment",
    "govsim.fit": "fit",
    "govsim.report": "output",
    "govsim.plots": "output",
    "govsim.export": "output",
    "govsim.cli": "cli",
    "govsim.cli_logs": "cli",
    "govsim.cli_summary": "cli",
    "govsim.cli_runs": "cli",
    "govsim.cli_fit": "cli",
    "govsim.cli_analyse": "cli",
    "govsim.__main__": "cli",
    "govsim.api": "cli",  # the public API fronts every layer, like the commands
}

_BELOW_MODEL = {"root", "core", "scenario", "log", "rules"}
_BELOW_EXPERIMENT = _BELOW_MODEL | {"maths", "model", "checks", "kpis"}

# Layers each layer may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "root": set(),
    "core": {"root"},
    "scenario": {"root", "core"},
    "log": {"root", "core"},
    "rules": {"root", "core"},
    "maths": {"root", "core"},
    "model": _BELOW_MODEL,
    "checks": _BELOW_MODEL | {"maths"},
    "kpis": _BELOW_MODEL | {"maths"},
    "experiment": _BELOW_EXPERIMENT,
    "output": _BELOW_EXPERIMENT | {"experiment"},
    # fitting reads logs, simulates the fitted scenario and measures it (like the runner)
    "fit": _BELOW_EXPERIMENT,
    "cli": _BELOW_EXPERIMENT | {"experiment", "output", "fit", "cli"},
}

# Single modules allowed one more layer than their own, and why.
EXTRA: dict[str, set[str]] = {
    # the log reader rebuilds a run's organisation and calendar from its scenario file
    "govsim.log.read": {"scenario"},
    # the A8 default trigger list and the 补位 policy type are scenario definitions
    "govsim.rules.substitution": {"scenario"},
    # the package's lazy attributes (PEP 562) hand out the public API on first use
    "govsim": {"cli"},
}

SRC = Path(govsim.__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    """``src/govsim/log/read.py`` → ``govsim.log.read``; a package's ``__init__`` is the package."""
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, ast.Module] = {
    module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p))
    for p in sorted((SRC / "govsim").rglob("*.py"))
}


def layer_of(module: str) -> str:
    """The layer of ``module`` by the longest prefix of :data:`LAYER_OF` it starts with."""
    best = max(
        (p for p in LAYER_OF if module == p or module.startswith(p + ".")),
        key=len,
        default=None,
    )
    assert best is not None, f"{module} is in no layer: add it to LAYER_OF"
    return LAYER_OF[best]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> Iterator[str]:
    """The govsim modules an import statement loads (``from pkg import mod`` loads pkg.mod)."""
    if isinstance(node, ast.Import):
        yield from (a.name for a in node.names if a.name.split(".")[0] == "govsim")
        return
    base = node.module or ""
    if node.level:
        package = module.split(".")
        is_package = (SRC / Path(*package) / "__init__.py").exists()
        anchor = package[: len(package) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, base] if base else anchor)
    if base.split(".")[0] != "govsim":
        return
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in MODULES else base


def imports(module: str, *, module_level_only: bool) -> set[str]:
    """The govsim modules ``module`` imports, skipping ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.update(_targets(node, module))
            elif isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
            elif module_level_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            else:
                for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                    children = getattr(node, field, [])
                    visit([c for c in children if isinstance(c, ast.AST)])

    visit(MODULES[module].body)
    found.discard(module)
    return found


def test_the_source_tree_is_found() -> None:
    assert {"govsim.cli", "govsim.core.calendar", "govsim.scenario.models"} <= set(MODULES)


def test_the_tables_agree() -> None:
    assert set(MAY_IMPORT) == set(LAYER_OF.values())
    for module, extra in EXTRA.items():
        assert module in MODULES, f"EXTRA names {module}, which does not exist"
        assert extra <= set(MAY_IMPORT)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    layer = layer_of(module)
    allowed = MAY_IMPORT[layer] | EXTRA.get(module, set()) | {layer}
    wrong = sorted(
        f"{target} ({layer_of(target)})"
        for target in imports(module, module_level_only=False)
        if layer_of(target) not in allowed
    )
    assert not wrong, f"{module} ({layer}) imports upward: {', '.join(wrong)}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a closed path, or None (depth-first, colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles_at_load_time() -> None:
    graph = {m: imports(m, module_level_only=True) for m in MODULES}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_a_nested_import_counts() -> None:
    """A lazy import inside a function is seen (the CLI relies on them and they still count)."""
    assert "govsim.experiment.runner" in imports("govsim.cli", module_level_only=False)
    assert "govsim.experiment.runner" not in imports("govsim.cli", module_level_only=True)
