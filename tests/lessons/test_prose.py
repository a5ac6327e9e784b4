"""The lessons' prose quotes only numbers their outputs show: no number drifts from its output.

Every number in the visible text of a markdown cell must be one of:

* a number shown in the output of a code cell above it, or written in that cell's code (an
  input such as ``limit=200``): compared by value, so ``4,956`` matches ``4956`` and ``4956.0``;
* declared by the cell as not measured, in an HTML comment that the rendered lesson hides::

      <!-- numbers: 4 KB and 1 KB (DynamoDB Developer Guide), 1,000 (the seed's List) -->

  every number written in such a comment is allowed in that cell, and the comment says where
  it comes from (a documented limit, a price, the sample data, an earlier lesson).

Not counted as numbers: inline code and code blocks (keys, parameters), link targets, lesson,
exercise and step numbers (``lesson 02``, ``[03 · ...]``, ``Step 3``), the numbers of
numbered lists and headings, and the lesson number of a title (``# 04 · Batch import``).
Numbers spelled as words are not checked: quote a measured number in digits.
When the lead re-executes the notebooks after a library change, this test names every sentence
whose number no longer matches an output, so prose and outputs cannot drift apart.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from contactkit.lessons import course

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# A number: digits with optional thousands commas and decimals, not part of a word or id.
NUMBER = re.compile(
    r"(?<![\w.#%$+-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w%]|,\d)"  # 4,956 or 1,048,576.5
    r"|(?<![\w.#%$+,-])\d+(?:\.\d+)?(?![\w]|\.\d|,\d)"  # 12 or 126.5
)
DECLARED = re.compile(r"<!--\s*numbers:(.*?)-->", re.S)
FENCED = re.compile(r"```.*?```", re.S)
INLINE_CODE = re.compile(r"`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
LESSON_REFERENCE = re.compile(
    r"\b(?:[Ll]essons?|[Ee]xercises?|[Ss]teps?)\s+\d+(?:\s*(?:,|and|to|-)\s*\d+)*|\b\d\d ·"
)
ENUMERATOR = re.compile(r"^(\s*(?:#+\s*)?)\d+\.\s", re.M)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def values(text: str) -> set[Decimal]:
    """Every number in ``text``, by value."""
    found = set()
    for match in NUMBER.finditer(text):
        try:
            found.add(Decimal(match.group().replace(",", "")))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            continue
    return found


def visible_numbers(markdown: str) -> list[str]:
    """The numbers a reader sees in a markdown cell, less code, links, lesson numbers, lists."""
    text = HTML_COMMENT.sub(" ", markdown)
    for pattern in (FENCED, INLINE_CODE, LINK_TARGET, LESSON_REFERENCE):
        text = pattern.sub(" ", text)
    text = ENUMERATOR.sub(r"\1", text)
    return [match.group() for match in NUMBER.finditer(text)]


def output_text(cell: dict[str, Any]) -> str:
    parts = [course._source(cell)]  # the code: its inputs are where such numbers come from
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append("".join(output["text"]))
        for kind in ("text/plain",):
            if kind in output.get("data", {}):
                parts.append("".join(output["data"][kind]))
    return "\n".join(parts)


def unsupported_numbers(notebook: dict[str, Any]) -> list[str]:
    """``cell N (id): 'number' in 'line'`` for each number neither shown above nor declared."""
    shown: set[Decimal] = set()
    problems = []
    for index, cell in enumerate(notebook["cells"]):
        source = course._source(cell)
        if cell["cell_type"] == "code":
            shown |= values(output_text(cell))
            continue
        if cell["cell_type"] != "markdown":
            continue
        declared = set()
        for comment in DECLARED.findall(source):
            declared |= values(comment)
        for number in visible_numbers(source):
            value = Decimal(number.replace(",", ""))
            if value not in shown and value not in declared:
                line = next(
                    (ln.strip() for ln in source.splitlines() if number in visible_numbers(ln)),
                    source[:80],
                )
                problems.append(f"cell {index} ({cell.get('id')}): {number!r} in {line[:100]!r}")
    return problems


@pytest.mark.parametrize("lesson", course.lessons(NOTEBOOKS), ids=lambda lesson: lesson.path.name)
def test_every_number_in_the_prose_is_shown_above_or_declared(lesson: course.LessonFile) -> None:
    problems = unsupported_numbers(course.read_notebook(lesson.path))
    assert not problems, (
        "numbers in the prose that no output above shows (quote the output, or declare the "
        "number's source in <!-- numbers: ... -->):\n" + "\n".join(problems)
    )


# Terms every later lesson uses, and words of the explanation the first cell using them must give.
TERMS = {
    "RCU": "RCU, a read capacity unit",
    "WCU": "WCU, a write capacity unit",
    "request unit": "billed as a *request unit*",
    "full jitter": "random time between zero and a cap",
    "HMAC": "a hash computed with a secret key",
    "audit entr": "audit entry",
}


def first_uses(found: list[course.LessonFile]) -> dict[str, tuple[str, str]]:
    """term -> (where, the text of the first cell, markdown or output, of the series using it)."""
    first: dict[str, tuple[str, str]] = {}
    for lesson in found:
        for index, cell in enumerate(course.read_notebook(lesson.path)["cells"]):
            text = course._source(cell) if cell["cell_type"] == "markdown" else output_text(cell)
            for term in TERMS:
                if term not in first and term in text:
                    first[term] = (f"{lesson.path.name} cell {index}", text)
    return first


def test_terms_are_explained_where_first_used() -> None:
    first = first_uses(course.lessons(NOTEBOOKS))
    for term, explanation in TERMS.items():
        assert term in first, f"no lesson uses {term!r}"
        where, text = first[term]
        assert explanation in text, f"{term!r} is first used in {where} without being explained"


def cells(*sources: tuple[str, str, str]) -> dict[str, Any]:
    """A notebook of (cell type, source, output) cells."""
    made = []
    for kind, source, output in sources:
        cell: dict[str, Any] = {"cell_type": kind, "source": source, "id": str(len(made))}
        if kind == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": output}]
        made.append(cell)
    return {"cells": made}


def test_a_number_shown_above_passes_by_value() -> None:
    notebook = cells(
        ("code", "x", "requests 4956 WCU 12.0"),
        ("markdown", "It took 4,956 write units and 12 for the add.", ""),
    )
    assert unsupported_numbers(notebook) == []


def test_a_drifted_number_fails_and_names_its_sentence() -> None:
    notebook = cells(
        ("code", "x", "requests 26, WCU 4,954"),
        ("markdown", "The meter counted 26 requests and 4,956 WCU.", ""),
    )
    assert unsupported_numbers(notebook) == [
        "cell 1 (1): '4,956' in 'The meter counted 26 requests and 4,956 WCU.'"
    ]


def test_a_number_shown_only_below_fails() -> None:
    notebook = cells(("markdown", "It costs 16 WCU.", ""), ("code", "x", "16.0"))
    assert len(unsupported_numbers(notebook)) == 1


def test_declared_numbers_code_links_and_lesson_numbers_are_not_checked() -> None:
    notebook = cells(
        (
            "markdown",
            "## 2. Units\n\n1. Reads are per 4 KB, writes per 1 KB; see lesson 02 and "
            "[03 · Uniqueness](03-uniqueness.ipynb), `limit=25`.\n"
            "<!-- numbers: 4 KB and 1 KB, DynamoDB Developer Guide -->",
            "",
        ),
    )
    assert unsupported_numbers(notebook) == []


def test_ids_and_keys_are_not_numbers() -> None:
    assert visible_numbers("id 01KE6P4ZK82D7Z59TDWH9EDD1R at ORG#org-a1b2c3d4, +15551234567") == []
    assert visible_numbers("3.5 and 1,200 and 7") == ["3.5", "1,200", "7"]
