"""Types, checked on the source: the boto3 client is never ``Any``, items have one definition.

mypy (``make lint``) checks the annotations; these tests check what mypy accepts silently: a
client annotated ``Any`` and a module defining its own item alias. And the stubs that type the
client are for type checkers only: importing contactkit never loads them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "contactkit").rglob("*.py"))
TYPES_MODULE = "contactkit/dynamo/types.py"


def is_client_name(name: str) -> bool:
    return name == "raw" or "client" in name


def mentions_any(annotation: ast.expr) -> bool:
    """``Any`` in an annotation, also inside a string (``"DynamoClient | Any"``)."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name) and node.id == "Any":
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return mentions_any(ast.parse(node.value, mode="eval").body)
    return False


def any_clients(where: str, tree: ast.Module) -> list[str]:
    """Parameters, attributes and returns naming a client whose annotation mentions ``Any``."""
    found = []
    for node in ast.walk(tree):
        annotated: list[tuple[str, ast.expr | None, int]] = []
        if isinstance(node, ast.arg):
            annotated.append((node.arg, node.annotation, node.lineno))
        elif isinstance(node, ast.AnnAssign):
            target = node.target
            name = target.attr if isinstance(target, ast.Attribute) else ast.unparse(target)
            annotated.append((name, node.annotation, node.lineno))
        elif isinstance(node, ast.FunctionDef) and is_client_name(node.name):
            annotated.append((node.name, node.returns, node.lineno))
        for name, annotation, line in annotated:
            if annotation is not None and is_client_name(name) and mentions_any(annotation):
                found.append(f"{where}:{line}: {name}: {ast.unparse(annotation)}")
    return found


def item_aliases(where: str, tree: ast.Module) -> list[str]:
    """Module-level names ending in ``Item`` assigned a type (``Item = dict[str, Any]``)."""
    found = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name) and target.id.endswith("Item"):
                found.append(f"{where}:{node.lineno}: {target.id}")
    return found


def scan(check: object) -> list[str]:
    found: list[str] = []
    for path in SOURCES:
        where = str(path.relative_to(ROOT))
        found += check(where, ast.parse(path.read_text(), filename=where))  # type: ignore[operator]
    return found


def test_no_client_is_annotated_any() -> None:
    found = scan(any_clients)
    assert not found, "boto3 clients typed Any (use DynamoDBClient):\n" + "\n".join(found)


def test_item_types_are_defined_once_in_dynamo_types() -> None:
    found = [entry for entry in scan(item_aliases) if not entry.startswith(TYPES_MODULE)]
    assert not found, "item types defined outside dynamo/types.py:\n" + "\n".join(found)


def test_dynamo_types_defines_each_item_meaning() -> None:
    tree = ast.parse((ROOT / TYPES_MODULE).read_text())
    names = {entry.split(": ")[1] for entry in item_aliases(TYPES_MODULE, tree)}
    assert names == {"Item", "PlainItem", "JsonItem"}


def test_the_checks_catch_what_they_are_for() -> None:
    source = ast.parse(
        "Item = dict[str, Any]\n"
        "def f(client: Any, raw: 'Any', other: Any) -> None: ...\n"
        "class C:\n"
        "    streams_client: DynamoClient | Any\n"
        "    def client(self) -> Any: ...\n"
        "def g(client: DynamoDBClient) -> None: ...\n"
    )
    assert item_aliases("m.py", source) == ["m.py:1: Item"]
    assert sorted(any_clients("m.py", source)) == [
        "m.py:2: client: Any",
        "m.py:2: raw: 'Any'",
        "m.py:4: streams_client: DynamoClient | Any",
        "m.py:5: client: Any",
    ]


def test_importing_contactkit_needs_no_stubs() -> None:
    code = (
        "import sys, contactkit, contactkit.dynamo, contactkit.ops, contactkit.lessons\n"
        "print(sorted(m for m in sys.modules if m.startswith(('mypy_boto3', 'botocore-stubs'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"
