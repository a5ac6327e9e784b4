"""Wall time of the notebook suite under nbval, as ``make test`` runs it.

Runs ``pytest --nbval --nbval-current-env notebooks/`` (one worker, so the figure is the sum of
the lessons) ``--repeats`` times, alternating with nothing else, and prints each run's wall time
and the median.

    .venv/bin/python benchmarks/notebooks_time.py
    .venv/bin/python benchmarks/notebooks_time.py --repeats 3 --workers 2
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(workers: int) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "--nbval", "--nbval-current-env"]
    if workers > 1:
        command += ["-n", str(workers), "--dist", "loadscope"]
    start = time.perf_counter()
    done = subprocess.run([*command, "notebooks"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"the notebooks failed (exit {done.returncode})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    notebooks = sorted(ROOT.glob("notebooks/[0-9][0-9]-*.ipynb"))
    times = []
    for repeat in range(args.repeats):
        times.append(run_once(args.workers))
        print(f"  run {repeat + 1}: {times[-1]:.1f} s", flush=True)
    print(
        f"{len(notebooks)} notebooks under nbval, {args.workers} worker(s): "
        f"median {statistics.median(times):.1f} s of {args.repeats} run(s)"
    )


if __name__ == "__main__":
    main()
