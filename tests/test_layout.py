"""Package layout rules: no import cycles (function-level imports included) and no oversized module."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "arnews_ds"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its body (top level or inside functions).

    `from pkg import name` points at `pkg.name` when that is a module, else at `pkg`. A submodule's implicit import
    of its parent package is not an edge: only what the code names counts."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        here = name if is_pkg else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    if sub in modules:
                        edges.add(sub)
                    elif target in modules:
                        edges.add(target)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert "arnews_ds.version" in graph["arnews_ds"]  # top-level relative import
    assert "arnews_ds.ingest" in graph["arnews_ds.cli"]  # imported inside a handler
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_no_module_over_the_size_limit():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


def test_every_design_reference_resolves_to_a_section():
    import re

    root = PACKAGE.parent
    sections = set(re.findall(r"^## (\d+)\. ", (root / "docs" / "DESIGN.md").read_text(encoding="utf-8"), re.M))
    cited: dict[str, set[str]] = {}
    for path in [*root.glob("arnews_ds/**/*.py"), *root.glob("tests/*.py"), *root.glob("scripts/*.py"),
                 root / "README.md", root / "CHANGELOG.md"]:
        for ref in re.findall(r"DESIGN (§[\d§ ,\-–]+)", path.read_text(encoding="utf-8")):
            numbers = re.findall(r"\d+", ref)
            if "-" in ref or "–" in ref:  # a range such as §6-8
                numbers = [str(n) for n in range(int(numbers[0]), int(numbers[-1]) + 1)]
            cited.setdefault(path.name, set()).update(numbers)
    assert cited and sections == {str(n) for n in range(1, len(sections) + 1)}
    assert {name: sorted(n - sections) for name, n in cited.items() if n - sections} == {}
