"""Wall time of the notebook suite under nbval, as ``make test`` runs it, per notebook.

Runs ``pytest --nbval --nbval-current-env notebooks/`` (one worker by default, so the figures add
up to the series) ``--repeats`` times, reads each cell's time from pytest's JUnit XML report, and
prints every notebook's time against its budget (``contactkit.lessons.course.TIME_BUDGETS_S``)
and the whole series against ``SERIES_BUDGET_S`` (120 s on 2 cores). A benchmark, not a test:
it reports and exits non-zero only when a notebook fails, never because a budget is exceeded.

    .venv/bin/python benchmarks/notebooks_time.py
    .venv/bin/python benchmarks/notebooks_time.py --repeats 3 --workers 2
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contactkit.lessons.course import SERIES_BUDGET_S, TIME_BUDGETS_S, lessons  # noqa: E402


def notebook_times(report: Path) -> dict[str, float]:
    """Seconds per notebook file: the sum of its cells' times in a JUnit XML report."""
    times: dict[str, float] = defaultdict(float)
    for case in ElementTree.parse(report).iter("testcase"):
        name = case.get("classname", "") or case.get("file", "")
        # "notebooks.00-setup.ipynb" or "notebooks/solutions.ipynb": the file's stem
        stem = Path(name.removesuffix(".ipynb").replace(".", "/")).name
        times[stem] += float(case.get("time", 0.0))
    return dict(times)


def children_cpu() -> float:
    """User + system CPU seconds of every finished child process (pytest and its kernels)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(workers: int, paths: list[str]) -> tuple[float, float, dict[str, float]]:
    """(wall seconds, CPU seconds, seconds per notebook) of one nbval run.

    The CPU seconds do not depend on what else the machine runs; the wall time does (a shared
    machine's other work stretches it), so the report prints both and the load average.
    """
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["--nbval", "--nbval-current-env"]
    if workers > 1:
        command += ["-n", str(workers), "--dist", "loadscope"]
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "nbval.xml"
        cpu_before, start = children_cpu(), time.perf_counter()
        done = subprocess.run(
            [*command, f"--junitxml={report}", *paths], cwd=ROOT, capture_output=True, text=True
        )
        elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu_before
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            raise SystemExit(f"the notebooks failed (exit {done.returncode})")
        return elapsed, cpu, notebook_times(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("notebooks", nargs="*", help="notebook files (default: every lesson)")
    args = parser.parse_args()
    found = lessons(ROOT / "notebooks")
    paths = args.notebooks or [str(lesson.path.relative_to(ROOT)) for lesson in found]
    if not args.notebooks:  # the exercises' reference solutions run under nbval too
        paths.append("notebooks/solutions.ipynb")
    walls, cpus, per_notebook = [], [], defaultdict(list)
    for repeat in range(args.repeats):
        wall, cpu, times = run_once(args.workers, paths)
        walls.append(wall)
        cpus.append(cpu)
        for stem, seconds in times.items():
            per_notebook[stem].append(seconds)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"  run {repeat + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU, load {load}", flush=True)
    print(f"{'notebook':<36} {'nbval s':>8} {'budget s':>9}  within")
    total = 0.0
    for stem in sorted(per_notebook):
        seconds = statistics.median(per_notebook[stem])
        total += seconds
        budget = TIME_BUDGETS_S.get(stem[:2], TIME_BUDGETS_S.get(stem))
        verdict = "?" if budget is None else ("yes" if seconds <= budget else "NO")
        shown = "none" if budget is None else f"{budget:.0f}"
        print(f"{stem:<36} {seconds:>8.1f} {shown:>9}  {verdict}")
    print(
        f"{len(per_notebook)} notebooks, {args.workers} worker(s), median of {args.repeats} "
        f"run(s): cells {total:.1f} s, wall {statistics.median(walls):.1f} s, "
        f"CPU {statistics.median(cpus):.1f} s "
        f"(series budget {SERIES_BUDGET_S:.0f} s: "
        f"{'within' if statistics.median(walls) <= SERIES_BUDGET_S else 'OVER'})"
    )


if __name__ == "__main__":
    main()
