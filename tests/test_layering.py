"""The one-way layering inside ``simulator/`` (see DESIGN.md): a package imports only from
packages below it, and no module imports another that imports it back, not even under
``TYPE_CHECKING`` or inside a function."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "simulator"

# Lowest first. A module may import from its own layer's package and from layers before it.
LAYERS = [
    "output",
    "scenario",
    "network",
    "disruptions",
    "records",
    "transport",
    "metrics",
    "engine",
    "experiment",
    "agents",
    "report",
    "workshop",
    "cli",
]


def _imports(path: Path) -> set[str]:
    """Every ``simulator.X...`` module a file imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from package import module`` imports that module, not only the package.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("simulator.")}


def _layer(module: str) -> str:
    """The layer of ``simulator.X...``; names of ``simulator`` itself are its public face,
    which re-exports from every layer: only the top layer may use it."""
    name = module.split(".")[1]
    return name if name in LAYERS or (ROOT / name).is_dir() else LAYERS[-1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        if path.parent == ROOT and path.stem in ("__init__", "__main__"):
            continue  # the public face re-exports from every layer
        graph[_module_name(path)] = _imports(path)
    return graph


def test_every_package_has_a_layer() -> None:
    packages = {_layer(m) for m in _graph() if m.count(".") >= 1}
    assert packages <= set(LAYERS), f"packages without a layer: {packages - set(LAYERS)}"


def test_imports_only_point_down() -> None:
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if rank[_layer(target)] > rank[_layer(module)]
    ]
    assert not upward, "imports from a higher layer:\n" + "\n".join(sorted(upward))


def test_no_import_cycle_between_modules() -> None:
    graph = _graph()
    modules = set(graph)

    def resolve(target: str) -> str | None:
        # ``from simulator.x import y`` may name a module or a name in a package.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    edges = {m: {t for t in map(resolve, graph[m]) if t and t != m} for m in graph}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
