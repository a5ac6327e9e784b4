"""The tutorial files: lesson listing, metadata cleaning, index page, and the notebooks' rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contactkit.lessons import course

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "cells": list(cells),
        "metadata": {"language_info": {"name": "python", "version": "3.11.7"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_clean_drops_timings_and_patch_version() -> None:
    cell = {"cell_type": "code", "metadata": {"execution": {"a": 1}, "tags": ["x"]}, "source": ""}
    cleaned = course.clean(notebook(cell))
    assert cleaned["cells"][0]["metadata"] == {"tags": ["x"]}
    assert cleaned["metadata"]["language_info"] == {"name": "python"}


def test_clean_files_rewrites_only_changed(tmp_path: Path) -> None:
    dirty = tmp_path / "01-a.ipynb"
    course.write_notebook(
        dirty, notebook({"cell_type": "markdown", "metadata": {}, "source": "# A"})
    )
    assert course.clean_files([dirty]) == [dirty]
    assert course.clean_files([dirty]) == []


def test_lessons_and_index(tmp_path: Path) -> None:
    course.write_notebook(
        tmp_path / "01-keys.ipynb",
        notebook(
            {"cell_type": "markdown", "metadata": {}, "source": ["# 01 · Keys & <tenants>\n"]}
        ),
    )
    course.write_notebook(tmp_path / "scratch.ipynb", notebook())
    found = course.lessons(tmp_path)
    assert [(f.number, f.title) for f in found] == [("01", "01 · Keys & <tenants>")]
    page = course.write_index(tmp_path, tmp_path / "html").read_text()
    assert '<a href="01-keys.html">01 · Keys &amp; &lt;tenants&gt;</a>' in page


def test_main_usage() -> None:
    assert course.main([]) == 2


LESSONS = course.lessons(NOTEBOOKS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.path.name)
def test_committed_notebook_is_clean(lesson: course.LessonFile) -> None:
    data = course.read_notebook(lesson.path)
    assert course.clean(data) == data, (
        "run `make notebooks` (or python -m contactkit.lessons.course clean)"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.path.name)
def test_notebook_follows_the_lesson_rules(lesson: course.LessonFile) -> None:
    data = course.read_notebook(lesson.path)
    markdown = "\n".join(
        "".join(c["source"]) for c in data["cells"] if c["cell_type"] == "markdown"
    )
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert "What you will learn" in markdown and "Prerequisites" in markdown
    assert "## Summary" in markdown and "Exercise" in markdown
    last = "".join(code[-1]["source"])
    assert any(word in last for word in ("cleanup()", "delete(", "close()")), (
        "end with a clean-up cell (lesson.start's setup.cleanup())"
    )
    ignored = [c for c in code if "# NBVAL_IGNORE_OUTPUT" in "".join(c["source"])]
    assert len(ignored) < 0.15 * len(code)
    for cell in code:
        assert all(o.get("output_type") != "error" for o in cell["outputs"])
        assert "ResponseMetadata" not in json.dumps(cell["outputs"])
        assert "0x7f" not in json.dumps(cell["outputs"]), "memory address in an output"
    if lesson.number != LESSONS[-1].number:
        assert "**Next:**" in markdown


@pytest.mark.parametrize(
    ("page", "fixed"),
    [
        ('<a href="01-composite-keys.ipynb">', '<a href="01-composite-keys.html">'),
        ('<a href="02-x.ipynb#summary">', '<a href="02-x.html#summary">'),
        ('<a href="https://example.com/a.ipynb">', '<a href="https://example.com/a.ipynb">'),
    ],
)
def test_html_links_point_at_rendered_lessons(page: str, fixed: str) -> None:
    assert course.html_links(page) == fixed


def test_write_index_fixes_links_in_rendered_pages(tmp_path: Path) -> None:
    out = tmp_path / "html"
    out.mkdir()
    (out / "01-a.html").write_text('<a href="02-b.ipynb">next</a>')
    course.write_index(tmp_path, out)
    assert (out / "01-a.html").read_text() == '<a href="02-b.html">next</a>'


def test_every_lesson_has_a_time_budget_and_the_series_fits() -> None:
    numbers = [lesson.number for lesson in LESSONS]
    missing = [n for n in [*numbers, "solutions"] if n not in course.TIME_BUDGETS_S]
    assert not missing, f"lessons without a time budget in course.TIME_BUDGETS_S: {missing}"
    total = sum(course.TIME_BUDGETS_S.values())
    assert total <= course.SERIES_BUDGET_S * course.SERIES_WORKERS, (
        f"the budgets add up to {total} s: more than {course.SERIES_WORKERS} workers finish "
        f"in {course.SERIES_BUDGET_S} s"
    )
