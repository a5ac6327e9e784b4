"""The architecture, checked on the source: no private reach-ins and no import cycles.

`make lint` runs import-linter's contracts (pyproject.toml, [tool.importlinter]): the layers and
acyclic packages. These tests check what an import graph cannot see, the private names one module
takes from another (``from x import _y``, ``store._writer``), and the whole module graph for
cycles, so that a feature receives public objects and never the facade's private parts. See
docs/architecture.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "contactkit"
SOURCES = sorted(PACKAGE.rglob("*.py"))
# namedtuple's public API is spelled with a leading underscore so it cannot clash with fields.
NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make"})
OWN_OBJECTS = frozenset({"self", "cls"})


def is_private(name: str) -> bool:
    """``_y`` is private; dunders (``__name__``, ``__version__``) are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def parsed() -> Iterator[tuple[str, ast.Module]]:
    for path in SOURCES:
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(), filename=str(path))


def private_imports(where: str, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                if is_private(alias.name):
                    found.append(f"{where}:{node.lineno}: from {source} import {alias.name}")
    return found


def private_attributes(where: str, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not is_private(node.attr):
            continue
        if node.attr in NAMEDTUPLE_API:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in OWN_OBJECTS:
            continue
        found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    return found


def report(title: str, found: list[str]) -> str:
    return f"{title} ({len(found)}):\n" + "\n".join(sorted(found, key=line_order))


def line_order(entry: str) -> tuple[str, int]:
    path, line, _ = entry.split(":", 2)
    return path, int(line)


def test_sources_are_found() -> None:
    assert len(SOURCES) > 50
    assert PACKAGE / "__init__.py" in SOURCES


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [entry for where, tree in parsed() for entry in private_imports(where, tree)]
    assert not found, report("private names imported from another module", found)


def test_no_private_attribute_of_another_object() -> None:
    found = [entry for where, tree in parsed() for entry in private_attributes(where, tree)]
    assert not found, report("private attributes used on objects other than self/cls", found)


def test_the_checks_catch_what_they_are_for() -> None:
    tree = ast.parse(
        "from __future__ import annotations\n"
        "from .store import _helper, __version__\n"
        "store._writer.put(x._replace(a=1), self._ids, cls._cache, obj.__name__)\n"
    )
    assert private_imports("m.py", tree) == ["m.py:2: from .store import _helper"]
    assert private_attributes("m.py", tree) == ["m.py:3: store._writer"]


# Imports under `if TYPE_CHECKING:` never run, so they cannot form a cycle (as in pyproject.toml's
# [tool.importlinter]); imports inside functions do run, and count.
def import_graph() -> grimp.ImportGraph:
    return grimp.build_graph("contactkit", exclude_type_checking_imports=True, cache_dir=None)


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(groups)


def cycle_through(graph: grimp.ImportGraph, group: list[str]) -> str:
    """One cycle within ``group``, with the line of each import: ``a (l.3) -> b (l.9) -> a``."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for imported in sorted(graph.find_modules_directly_imported_by(module) & members):
            if imported == start:
                return render_chain(graph, [*paths[module], start])
            if imported not in paths:
                paths[imported] = [*paths[module], imported]
                queue.append(imported)
    raise AssertionError(f"no cycle through {start}")


def render_chain(graph: grimp.ImportGraph, chain: list[str]) -> str:
    parts = [chain[0]]
    for importer, imported in pairwise(chain):
        details = graph.get_import_details(importer=importer, imported=imported)
        lines = ",".join(str(detail["line_number"]) for detail in details)
        parts.append(f"-> {imported} (l.{lines} of {importer})")
    return " ".join(parts)


def test_no_import_cycles_between_modules() -> None:
    graph = import_graph()
    assert "contactkit.store" in graph.modules
    cycles = [cycle_through(graph, group) for group in strongly_connected(graph)]
    assert not cycles, f"import cycles ({len(cycles)}):\n" + "\n".join(cycles)
