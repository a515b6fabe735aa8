"""GIVEN the first-party packages WHEN their import graph is built THEN it has no cycles.

The graph is read from the sources with `ast`, not from `sys.modules`: every `import` statement
counts, also those inside functions (a deferred import still ties the two modules together for a
reader) and under `TYPE_CHECKING`. `from pkg import name` is an edge to `pkg.name` when that is a
module, otherwise to `pkg` (its `__init__`). Importing a submodule does not add an edge to its
parent packages: that would make every package that re-exports its submodules a cycle.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("terminal_app", "cloud_api", "drivers")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _base_of(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    anchor = module.split(".")
    keep = len(anchor) - node.level + (1 if is_package else 0)
    prefix = ".".join(anchor[:keep])
    return f"{prefix}.{node.module}" if node.module else prefix


def _imported(tree: ast.AST, module: str, is_package: bool,
              modules: dict[str, Path]) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _base_of(node, module, is_package)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in modules else base


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = _imported(tree, name, path.name == "__init__.py", modules)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """The shortest cycle through the component's first module (breadth-first search)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    return component


def test_the_graph_sees_deferred_and_submodule_imports() -> None:
    """GIVEN known edges WHEN the graph is built THEN it holds them (the scan is not blind)."""
    graph = _graph()
    assert "drivers.card.jpki" in graph
    assert "drivers.card.apdu" in graph["drivers.card.jpki"]          # from drivers.card import apdu
    assert "drivers.card.pcsc" in graph["drivers.card.reader"]        # inside open_reader()


def test_a_cycle_is_found_and_shown_as_a_loop() -> None:
    """GIVEN a small graph with one loop WHEN it is checked THEN that loop alone is reported."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert _strongly_connected(graph) == [["a", "b", "c"]]
    assert _one_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_first_party_imports_have_no_cycles() -> None:
    """GIVEN terminal_app, cloud_api and drivers WHEN imports are followed THEN none loops back."""
    graph = _graph()
    components = _strongly_connected(graph)
    report = [f"{len(c)} modules: {' -> '.join(_one_cycle(graph, c))}\n    all: {', '.join(c)}"
              for c in components]
    for line in report:
        print("import cycle:", line)
    assert report == []
