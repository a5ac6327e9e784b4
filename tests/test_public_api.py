"""The public API: what the notebooks teach is exported, sorted and documented.

A notebook imports from ``contactkit``, ``contactkit.lessons`` and the subpackages listed in
``contactkit.__all__``, and only the names their ``__all__`` lists: the rest is internal and free
to change (docs/architecture.md).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from IPython.core.inputtransformer2 import TransformerManager

import contactkit as ck

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SUBPACKAGES = [
    "contactkit.contacts",
    "contactkit.dynamo",
    "contactkit.engine",
    "contactkit.frames",
    "contactkit.io",
    "contactkit.io.formats",
    "contactkit.lessons",
    "contactkit.ops",
]


def test_all_is_sorted_and_exported() -> None:
    assert ck.__all__ == sorted(ck.__all__)
    for name in ck.__all__:
        assert hasattr(ck, name), name


def test_public_callables_have_docstrings() -> None:
    for name in ck.__all__:
        value = getattr(ck, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name} has no docstring"


def test_store_methods_of_the_design_exist() -> None:
    for method in ("add", "get", "update", "delete", "set_favorite", "record_interaction"):
        assert inspect.getdoc(getattr(ck.OrgStore, method)), method


def bound_names(statements: list[ast.stmt]) -> Iterator[str]:
    """The names top-level statements bind: imports, assignments, defs and classes."""
    for node in statements:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue  # `annotations` is a compiler feature, not a name of the package
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                yield alias.asname or alias.name.partition(".")[0]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                yield from (n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            yield node.target.id
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.If | ast.Try):
            yield from bound_names(node.body + node.orelse)


def test_names_defined_by_the_package_are_exactly_all() -> None:
    """Parsed, not dir(): submodules that became attributes on import do not count."""
    init = ROOT / "contactkit" / "__init__.py"
    defined = set(bound_names(ast.parse(init.read_text()).body)) - {"__all__"}
    assert sorted(defined - set(ck.__all__)) == [], "defined in __init__.py, missing in __all__"
    assert sorted(set(ck.__all__) - defined) == [], "in __all__, not defined in __init__.py"


def public_subpackages() -> dict[str, ModuleType]:
    return {
        f"contactkit.{name}": value
        for name in ck.__all__
        if inspect.ismodule(value := getattr(ck, name))
    }


def test_listed_subpackages_are_packages_of_contactkit() -> None:
    listed = public_subpackages()
    assert {"contactkit.frames", "contactkit.ops"} <= set(listed)
    for name, module in listed.items():
        assert module.__name__ == name
        assert hasattr(module, "__path__"), f"{name} is a module, not a subpackage"
    assert "contactkit.engine" not in listed, "engine imports moto: not at `import contactkit`"


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_subpackage_exports_its_public_names(name: str) -> None:
    package = importlib.import_module(name)
    exported = package.__all__
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    for attribute in exported:
        assert not attribute.startswith("_"), f"{name}.{attribute}"
        assert getattr(package, attribute) is not None, f"{name}.{attribute}"
    assert inspect.getdoc(package), f"{name} has no docstring"


def code_cells(path: Path) -> Iterator[tuple[int, str]]:
    """(cell number, Python source) of each code cell, IPython magics turned into calls."""
    transform = TransformerManager().transform_cell
    for number, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] == "code":
            source = cell["source"]
            yield number, transform("".join(source) if isinstance(source, list) else source)


def contactkit_imports(source: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import of contactkit, at any depth of the cell."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if in_contactkit(alias.name):
                    yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and in_contactkit(node.module):
            yield node.lineno, str(node.module), [alias.name for alias in node.names]


def in_contactkit(module: str | None) -> bool:
    return module is not None and module.partition(".")[0] == "contactkit"


def test_notebooks_are_found() -> None:
    assert len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_imports_only_public_modules_and_names(path: Path) -> None:
    lessons = importlib.import_module("contactkit.lessons")
    allowed = {"contactkit": ck, "contactkit.lessons": lessons, **public_subpackages()}
    found = []
    for cell, source in code_cells(path):
        for line, module, names in contactkit_imports(source):
            where = f"{path.name} cell {cell} line {line}"
            if module not in allowed:
                found.append(f"{where}: {module} is not contactkit, contactkit.lessons or listed")
                continue
            public = set(allowed[module].__all__)
            private = [name for name in names if name not in public]
            found.extend(f"{where}: {module}.{name} is not in its __all__" for name in private)
    assert not found, "\n".join(found)
