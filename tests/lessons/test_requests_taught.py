"""The lessons teach the real requests in plain boto3, and 01 derives its keys from access patterns.

Each lesson named here must show, in its code cells, the low-level boto3 call beside the library
call that makes it: the uniqueness transaction with its ``ClientRequestToken`` (03), an
``UpdateItem`` with ``SET``, ``ADD`` and ``REMOVE`` and a condition (03), a ``BatchWriteItem``
loop that sends ``UnprocessedItems`` again (04), and the tag lookup, a Query then
``BatchGetItem`` (06). The checks read the code with ``ast``, so a comment or a string that
merely names a call does not count.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactkit.lessons import course

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATTERN_TABLE = re.compile(
    r"^\|\s*access pattern\s*\|\s*operation\s*\|\s*key or index\s*\|\s*cost\s*\|", re.M
)
KEY_DESIGN = re.compile(r"^#+ .*key design", re.M | re.I)


def code_of(name: str) -> list[ast.Module]:
    """The parsed code cells of ``notebooks/<name>.ipynb`` (IPython magics left out)."""
    notebook = course.read_notebook(NOTEBOOKS / f"{name}.ipynb")
    return [parse(course._source(c)) for c in notebook["cells"] if c["cell_type"] == "code"]


def parse(source: str) -> ast.Module:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def calls(tree: ast.AST, method: str) -> Iterator[ast.Call]:
    """Every call ``<anything>.<method>(...)`` in ``tree``, in source order."""
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
    ]
    yield from sorted(found, key=lambda node: (node.lineno, node.col_offset))


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def transaction_with_token(trees: list[ast.Module]) -> bool:
    """A ``transact_write_items`` with ``ClientRequestToken`` and an ``attribute_not_exists``."""
    return any(
        keyword(call, "ClientRequestToken") is not None
        and any("attribute_not_exists" in text for text in strings(call))
        for tree in trees
        for call in calls(tree, "transact_write_items")
    )


def update_with_set_add_remove(trees: list[ast.Module]) -> bool:
    """An ``update_item`` whose expression has SET, ADD and REMOVE, with a condition."""
    for tree in trees:
        for call in calls(tree, "update_item"):
            expression = keyword(call, "UpdateExpression")
            if expression is None or keyword(call, "ConditionExpression") is None:
                continue
            words = set(" ".join(strings(expression)).split())
            if {"SET", "ADD", "REMOVE"} <= words:
                return True
    return False


def batch_write_loop(trees: list[ast.Module]) -> bool:
    """A loop that calls ``batch_write_item`` and reads ``UnprocessedItems`` inside it."""
    return any(
        any(True for _ in calls(loop, "batch_write_item")) and "UnprocessedItems" in strings(loop)
        for tree in trees
        for loop in ast.walk(tree)
        if isinstance(loop, ast.While | ast.For)
    )


def query_then_batch_get(trees: list[ast.Module]) -> bool:
    """A ``query`` followed, in the same cell, by a ``batch_get_item``."""
    for tree in trees:
        queries = [c.lineno for c in calls(tree, "query")]
        gets = [c.lineno for c in calls(tree, "batch_get_item")]
        if queries and gets and min(queries) < max(gets):
            return True
    return False


REQUESTS = [
    ("03-uniqueness-updates-errors", transaction_with_token),
    ("03-uniqueness-updates-errors", update_with_set_add_remove),
    ("04-batch-import", batch_write_loop),
    ("06-search", query_then_batch_get),
]


@pytest.mark.parametrize(
    ("lesson", "check"), REQUESTS, ids=[f"{n}-{c.__name__}" for n, c in REQUESTS]
)
def test_the_lesson_shows_the_request_in_plain_boto3(lesson: str, check: Any) -> None:
    assert check(code_of(lesson)), f"{lesson} shows no {check.__doc__}"


def pattern_table_before_key_design(cells: list[dict[str, Any]]) -> bool:
    """The access-pattern table (a markdown table) comes before the key design's heading."""
    markdown = [course._source(c) for c in cells if c["cell_type"] == "markdown"]
    table = next((i for i, text in enumerate(markdown) if PATTERN_TABLE.search(text)), None)
    design = next((i for i, text in enumerate(markdown) if KEY_DESIGN.search(text)), None)
    return table is not None and design is not None and table < design


def test_lesson_01_derives_the_key_design_from_the_access_pattern_table() -> None:
    cells = course.read_notebook(NOTEBOOKS / "01-composite-keys.ipynb")["cells"]
    assert pattern_table_before_key_design(cells)
    table = next(course._source(c) for c in cells if PATTERN_TABLE.search(course._source(c)))
    rows = [line for line in table.splitlines() if line.startswith("|")][2:]
    assert len(rows) >= 10, "the table lists every access pattern of the app"


# The checks fail where they should: what does not count.


def trees(*sources: str) -> list[ast.Module]:
    return [parse(source) for source in sources]


def test_a_transaction_without_its_token_does_not_count() -> None:
    without = (
        "client.transact_write_items("
        "TransactItems=[{'Put': {'ConditionExpression': 'attribute_not_exists(PK)'}}])"
    )
    assert not transaction_with_token(trees(without))
    assert transaction_with_token(trees(without.replace("}])", "}], ClientRequestToken=t)")))
    assert not transaction_with_token(trees("# client.transact_write_items(ClientRequestToken=t)"))


def test_an_update_needs_set_add_remove_and_a_condition() -> None:
    full = (
        "c.update_item(UpdateExpression='SET a = :a REMOVE b ADD v :one', "
        "ConditionExpression='v = :r')"
    )
    assert update_with_set_add_remove(trees(full))
    assert not update_with_set_add_remove(trees(full.replace(" ADD v :one", "")))
    assert not update_with_set_add_remove(trees(full.replace(", ConditionExpression='v = :r'", "")))


def test_a_batch_write_must_loop_on_unprocessed_items() -> None:
    once = "answer = c.batch_write_item(RequestItems=r)\nleft = answer.get('UnprocessedItems')"
    loop = (
        "while pending:\n"
        "    answer = c.batch_write_item(RequestItems=pending)\n"
        "    pending = answer.get('UnprocessedItems')"
    )
    assert not batch_write_loop(trees(once))
    assert batch_write_loop(trees(loop))


def test_the_batch_get_must_follow_a_query() -> None:
    assert query_then_batch_get(trees("m = c.query(**q)\nc.batch_get_item(RequestItems=k)"))
    assert not query_then_batch_get(trees("c.batch_get_item(RequestItems=k)\nm = c.query(**q)"))
    assert not query_then_batch_get(trees("m = c.query(**q)", "c.batch_get_item(RequestItems=k)"))


def test_a_key_design_before_the_pattern_table_does_not_count() -> None:
    table = "| access pattern | operation | key or index | cost |\n|---|---|---|---|"
    design = "## The key design, derived"
    cell = lambda text: {"cell_type": "markdown", "source": text}  # noqa: E731
    assert pattern_table_before_key_design([cell(table), cell(design)])
    assert not pattern_table_before_key_design([cell(design), cell(table)])
    assert not pattern_table_before_key_design([cell(design)])
