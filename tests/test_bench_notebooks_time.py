"""benchmarks/notebooks_time.py: every notebook's nbval time, read from pytest's JUnit report."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load_script() -> ModuleType:
    path = ROOT / "benchmarks" / "notebooks_time.py"
    spec = importlib.util.spec_from_file_location("bench_notebooks_time", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_notebooks_time"] = module
    spec.loader.exec_module(module)
    return module


def test_cell_times_add_up_per_notebook_lessons_and_solutions_alike(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        "<testsuites><testsuite>"
        '<testcase classname="notebooks.00-setup.ipynb" name="Cell 0" time="1.5"/>'
        '<testcase classname="notebooks.00-setup.ipynb" name="Cell 1" time="0.25"/>'
        '<testcase classname="notebooks.solutions.ipynb" name="Cell 0" time="2.0"/>'
        '<testcase classname="notebooks.11-your-contacts.ipynb" name="Cell 0" time="3.0"/>'
        "</testsuite></testsuites>"
    )
    times = load_script().notebook_times(report)
    assert times == {"00-setup": 1.75, "solutions": 2.0, "11-your-contacts": 3.0}
