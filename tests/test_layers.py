"""The code's layers (docs/architecture.md): no import cycles, and no import from a lower layer up to a higher one.

Read from the source (every `import` and `from ... import`, those inside functions and under TYPE_CHECKING too),
so an import added anywhere is checked, not only those that run at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top: a module may import its own layer and those below it, never one above.
LAYERS = (
    "transforms",  # pure Polars: imports nothing of clout
    "clout.core",  # settings, errors, warehouse, snapshot, contracts, resources
    "clout.consent",  # cross-cutting rules every stage obeys: opt-outs, minors, who may read what
    "clout.land",
    "clout.stage",
    "clout.aggregate",
    "clout.score",
    "clout.audit",
    "clout.publish",
    "clout.serve",
    "clout",  # composition: pipeline, backfill, dag_tasks, orchestration
    "clout.cli",
    "clout.__main__",  # `python -m clout`: the command's entry point
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for top in ("clout", "transforms"):
        for path in (ROOT / top).rglob("*.py"):
            found[module_name(path)] = path
    return found


MODULES = modules()


def imports(name: str, path: Path) -> set[str]:
    """The clout and transforms modules `name` imports (`from a import b` is a.b when a.b is a module)."""
    out = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        out |= {t for t in targets if t.split(".")[0] in ("clout", "transforms")}
    out.discard(name)
    return out


GRAPH = {name: imports(name, path) for name, path in MODULES.items()}


def layer(module: str) -> int:
    """The index of the longest LAYERS prefix of `module`."""
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS.index(best)


def test_every_module_is_in_a_layer_and_the_layout_is_read():
    assert {"clout.pipeline", "clout.land.land", "clout.audit.gate", "transforms.features"} <= MODULES.keys()
    assert all(layer(m) >= 0 for m in MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_runs_up_to_a_higher_layer(name):
    upward = sorted(t for t in GRAPH[name] if layer(t) > layer(name))
    assert not upward, f"{name} ({LAYERS[layer(name)]}) imports a higher layer: {upward}"


def test_transforms_import_nothing_of_clout():
    assert not {(m, t) for m, ts in GRAPH.items() if m.startswith("transforms") for t in ts if t.startswith("clout")}


def test_no_import_cycles():
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in MODULES:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"
