"""Notebook 10's layout: every exercise is a task, a collapsed solution and a check cell."""

from __future__ import annotations

from pathlib import Path

from contactkit.lessons import course

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "10-exercises.ipynb"


def _source(cell: dict[str, object]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def test_each_check_follows_a_collapsed_solution_after_a_task() -> None:
    cells = course.read_notebook(NOTEBOOK)["cells"]
    checks = [n for n, c in enumerate(cells) if _source(c).startswith("# Check cell")]
    assert len(checks) >= 7
    for n in checks:
        solution, task = cells[n - 1], cells[n - 2]
        assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True
        assert task["cell_type"] in ("markdown", "code")
        assert "exercises.check_" in _source(cells[n])
        outputs = cells[n]["outputs"]
        assert "Done:" in "".join(outputs[0]["data"]["text/plain"])
