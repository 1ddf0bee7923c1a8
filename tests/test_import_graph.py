"""Every import arrow in ``gancore/`` and ``apps/`` runs one way: no module reaches, directly or
through others, back to itself. Lazy imports inside functions and ``TYPE_CHECKING`` imports count
too (they are arrows all the same). ``from pkg import name`` points at ``pkg.name`` when that is a
module, else at ``pkg`` (its ``__init__``); the core never imports an app.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gancore", "apps")


def modules() -> dict[str, tuple[Path, bool]]:
    """``{dotted name: (file, is a package's __init__)}`` for every module of the packages."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def targets(name: str, is_package: bool, node: ast.AST, known: dict) -> list[str]:
    """The modules one import statement of module ``name`` points at."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return [f"{source}.{a.name}" if f"{source}.{a.name}" in known else source for a in node.names]


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, (path, is_package) in known.items():
        arrows = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in targets(name, is_package, node, known):
                    while target not in known and "." in target:  # a name inside a module: the module
                        target = target.rsplit(".", 1)[0]
                    if target in known and target != name:
                        arrows.add(target)
        graph[name] = arrows
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_finder_sees_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_reads_relative_and_lazy_imports():
    graph = import_graph()
    assert "gancore.trainers.base" in graph["gancore.trainers.curriculum"]  # from .base import TRAINERS
    assert "gancore.config.components" in graph["gancore.trainers.curriculum"]  # inside a method
    assert "apps.colorizer.validation" in graph["apps.colorizer.task"]  # from . import validation


def test_no_import_circle_in_gancore_or_apps():
    assert circles(import_graph()) == []


def test_the_core_imports_no_app():
    graph = import_graph()
    reaching = {name: sorted(t for t in arrows if t.startswith("apps")) for name, arrows in graph.items()}
    assert {name: t for name, t in reaching.items() if name.startswith("gancore") and t} == {}
