"""Each exercise: the committed cell is the placeholder, the checker says so, the reference passes.

The exercise cells (id ``NN-exK`` in lesson NN, ``10-stepK`` in the capstone) and the reference
solutions (id ``<exercise id>-solution`` in ``notebooks/solutions.ipynb``) are run here as the
learner would run them: the cell's code defines the function, the checker calls it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.lessons import capstone, course, exercises

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions.ipynb"
ALL = {**exercises.EXERCISES, **capstone.STEPS}


def cells_by_id(path: Path) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in course.read_notebook(path)["cells"]}


def lesson_cells(exercise_id: str) -> dict[str, dict[str, Any]]:
    (path,) = NOTEBOOKS.glob(f"{exercise_id[:2]}-*.ipynb")
    return cells_by_id(path)


def defined(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, name, "exec"), namespace)
    return namespace[name]


def verdict(exercise_id: str, answer: Any, table: ck.Table) -> str:
    module = capstone if exercise_id in capstone.STEPS else exercises
    return str(module.check(exercise_id, answer, table))


@pytest.mark.parametrize("exercise_id", sorted(ALL))
def test_committed_cell_holds_the_placeholder(exercise_id: str) -> None:
    cells = lesson_cells(exercise_id)
    assert exercise_id in cells, f"no cell {exercise_id!r} in lesson {exercise_id[:2]}"
    source = course._source(cells[exercise_id])
    assert source.rstrip().endswith(exercises.PLACEHOLDER)
    body = [line for line in source.splitlines() if line.startswith("    ")]
    assert len(body) == 2, "the placeholder is a docstring and the raise, nothing pre-filled"
    check = course._source(cells[f"{exercise_id}-check"])
    assert f'check("{exercise_id}", {ALL[exercise_id].function}' in check
    shown = "".join(
        "".join(o["data"]["text/plain"]) for o in cells[f"{exercise_id}-check"]["outputs"]
    )
    assert "Not done yet" in shown, "re-execute the lesson: its check cell shows no verdict"


def test_the_solutions_are_not_in_the_lessons() -> None:
    for exercise_id in ALL:
        solution = course._source(cells_by_id(SOLUTIONS)[f"{exercise_id}-solution"])
        for cell in lesson_cells(exercise_id).values():
            assert solution not in course._source(cell)


def test_each_checker_fails_the_placeholder_and_passes_the_reference(table: ck.Table) -> None:
    # In order: the capstone's steps build on the references of the steps before them.
    solutions = cells_by_id(SOLUTIONS)
    namespace: dict[str, Any] = {}
    for exercise_id, exercise in ALL.items():
        placeholder = defined(
            course._source(lesson_cells(exercise_id)[exercise_id]), exercise.function
        )
        said = verdict(exercise_id, placeholder, table)
        assert said.startswith("Not done yet"), said
        assert exercise.function in said and "NotImplementedError" in said
        exec(course._source(solutions[f"{exercise_id}-solution"]), namespace)
        said = verdict(exercise_id, namespace[exercise.function], table)
        assert said.startswith("Done:"), said


def test_the_solutions_notebook_shows_every_check_passing() -> None:
    cells = cells_by_id(SOLUTIONS)
    for exercise_id in ALL:
        outputs = cells[f"{exercise_id}-solution-check"]["outputs"]
        assert "Done:" in "".join(outputs[0]["data"]["text/plain"]), exercise_id


def test_the_notebooks_readme_lists_every_exercise_and_its_function() -> None:
    listed = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for exercise_id, exercise in exercises.EXERCISES.items():
        assert f"| {exercise_id} | `{exercise.function}(" in listed, exercise_id


def test_unknown_exercise_is_refused() -> None:
    with pytest.raises(KeyError, match="no exercise"):
        exercises.check("99-ex1", print)
    with pytest.raises(KeyError, match="no step"):
        capstone.check("10-step9", print)
