"""benchmarks/report.py: the tables between the markers of docs/benchmarks.md are the output."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_report"] = module
    spec.loader.exec_module(module)
    return module


report = load_report()

DOC = """# Benchmarks

Prose written by hand.

<!-- bench: a.py --size 1 -->
| old | table |
|---|---|
| 1 | 2 |
<!-- /bench -->

More prose.

<!-- bench: b.py -->
<!-- /bench -->
"""


def fake_run(outputs: dict[str, str]) -> report.Runner:
    def run(argv: list[str]) -> str:
        return outputs[" ".join(argv)]

    return run


def test_blocks_are_replaced_by_the_tables_printed() -> None:
    outputs = {
        "a.py --size 1": (
            "starting\n| x | y |\n|---:|---:|\n| 3 | 4 |\nsome note\n| z |\n|---|\n| 5 |\n"
        ),
        "b.py": "| only |\n|---|\n| row |\n",
    }
    filled = report.fill(DOC, fake_run(outputs))
    assert "| old | table |" not in filled
    assert "| x | y |\n|---:|---:|\n| 3 | 4 |\n\n| z |\n|---|\n| 5 |\n<!-- /bench -->" in filled
    assert "| only |\n|---|\n| row |\n<!-- /bench -->" in filled
    assert "starting" not in filled and "some note" not in filled
    assert "Prose written by hand." in filled and "More prose." in filled
    assert len(re.findall(r"\*`benchmarks/(a|b)\.py.*cores, Python", filled)) == 2
    assert report.commands(filled) == ["a.py --size 1", "b.py"]  # the markers stay
    assert report.fill(filled, fake_run(outputs)).count("| 3 | 4 |") == 1  # idempotent


def test_only_selected_blocks_run() -> None:
    filled = report.fill(DOC, fake_run({"b.py": "| n |\n|---|\n| 1 |\n"}), lambda c: c == "b.py")
    assert "| old | table |" in filled and "| n |" in filled


def test_a_command_that_prints_no_table_fails() -> None:
    with pytest.raises(SystemExit, match="printed no table"):
        report.fill(DOC, fake_run({"a.py --size 1": "nothing\n", "b.py": ""}))


def test_the_committed_doc_has_a_block_for_each_engine_figure() -> None:
    commands = report.commands((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"))
    scripts = {command.split()[0] for command in commands}
    assert {"engine_speed.py", "import_bench.py", "embedded_add.py"} <= scripts
    for command in commands:
        assert (ROOT / "benchmarks" / command.split()[0]).exists(), command


def test_scripts_without_a_block_still_run() -> None:
    rest = report.unblocked(["engine_speed.py --parts add"])
    assert "engine_speed.py" not in rest and "report.py" not in rest
    assert "notebooks_time.py" in rest
