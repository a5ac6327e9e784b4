"""Notebook 10's layout: the capstone's steps, each a task, a placeholder and a check cell."""

from __future__ import annotations

from pathlib import Path

from contactkit.lessons import capstone, course, exercises

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "10-exercises.ipynb"


def _source(cell: dict[str, object]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def test_each_step_is_a_task_a_placeholder_and_a_check() -> None:
    cells = course.read_notebook(NOTEBOOK)["cells"]
    ids = [c["id"] for c in cells]
    for step in capstone.STEPS:
        at = ids.index(step)
        task, answer, check = cells[at - 1], cells[at], cells[at + 1]
        assert task["cell_type"] == "markdown" and task["id"] == f"{step}-task"
        assert _source(answer).rstrip().endswith(exercises.PLACEHOLDER)
        assert _source(check).startswith("# Check cell") and "capstone.check(" in _source(check)
        assert "Not done yet" in "".join(check["outputs"][0]["data"]["text/plain"])
    steps = [ids.index(step) for step in capstone.STEPS]
    assert steps == sorted(steps), "the steps build on each other: keep them in order"


def test_no_solution_is_hidden_in_the_lesson() -> None:
    cells = course.read_notebook(NOTEBOOK)["cells"]
    assert not [c for c in cells if c["metadata"].get("jupyter", {}).get("source_hidden")]
