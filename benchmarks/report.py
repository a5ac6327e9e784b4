"""Write the benchmarks' figures into docs/benchmarks.md: the committed tables are their output.

docs/benchmarks.md marks each generated block with the command that makes it::

    <!-- bench: engine_speed.py --parts import --import-repeats 3 -->
    (the tables that command printed, and when and where it ran)
    <!-- /bench -->

``report.py`` runs each marked command (a script of ``benchmarks/`` and its arguments) with
this Python, echoes its output, and puts the markdown tables it printed (its lines starting
with ``|``) between the markers, under a line saying when, on how many cores and under what
load it ran. The prose around the blocks is written by hand and quotes the blocks.

    .venv/bin/python benchmarks/report.py                  # every block, then the other scripts
    .venv/bin/python benchmarks/report.py --only import    # blocks whose command contains "import"
    .venv/bin/python benchmarks/report.py --list

Without ``--only``, the scripts no block names (their figures are prose, e.g. in
docs/costs.md) run afterwards with their defaults, so ``make bench`` still runs every script.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BLOCK = re.compile(r"(<!-- bench: (?P<command>[^\n]*?) -->\n)(?P<body>.*?)(<!-- /bench -->)", re.S)

Runner = Callable[[list[str]], str]


def commands(text: str) -> list[str]:
    """The command of every block, in the document's order."""
    return [match["command"] for match in BLOCK.finditer(text)]


def tables(output: str) -> str:
    """The markdown tables of a script's output: runs of lines starting with ``|``."""
    blocks: list[list[str]] = []
    previous_was_table = False
    for line in output.splitlines():
        is_table = line.startswith("|")
        if is_table:
            if not previous_was_table:
                blocks.append([])
            blocks[-1].append(line.rstrip())
        previous_was_table = is_table
    return "\n\n".join("\n".join(block) for block in blocks)


def provenance(command: str, seconds: float, load: tuple[float, float]) -> str:
    """When, where and under what load the block's command ran."""
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    return (
        f"*`benchmarks/{command}`, {today}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.1f} before and {load[1]:.1f} "
        f"after, {seconds:.0f} s in all.*"
    )


def fill(text: str, run: Runner, select: Callable[[str], bool] = lambda command: True) -> str:
    """``text`` with every selected block replaced by the tables its command prints now."""

    def replace(match: re.Match[str]) -> str:
        command = match["command"]
        if not select(command):
            return match.group(0)
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        output = run(shlex.split(command))
        seconds = time.perf_counter() - start
        found = tables(output)
        if not found:
            raise SystemExit(f"benchmarks/{command} printed no table")
        stamp = provenance(command, seconds, (load_before, os.getloadavg()[0]))
        return f"{match.group(1)}{stamp}\n\n{found}\n{match.group(4)}"

    return BLOCK.sub(replace, text)


def run_script(argv: list[str]) -> str:
    """Run ``benchmarks/<script> <args>`` with this Python, echoing and returning its output."""
    script, *args = argv
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    if process.wait() != 0:
        raise SystemExit(f"benchmarks/{script} failed (exit {process.returncode})")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="run only the blocks whose command contains this")
    parser.add_argument("--list", action="store_true", help="print the blocks' commands")
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args()
    text = args.doc.read_text(encoding="utf-8")
    if args.list:
        print("\n".join(commands(text)))
        return
    if args.only is not None and not any(args.only in c for c in commands(text)):
        raise SystemExit(f"no block's command contains {args.only!r}")
    # Each block is written as soon as it is measured: a long run keeps what it finished.
    for command in commands(text):
        if args.only is not None and args.only not in command:
            continue
        text = args.doc.read_text(encoding="utf-8")
        text = fill(text, run_script, select=lambda c, command=command: c == command)
        args.doc.write_text(text, encoding="utf-8")
        print(f"== docs: {args.doc.name} block `{command}` written", flush=True)
    if args.only is None:
        for script in unblocked(commands(text)):
            print(f"== benchmarks/{script} (no block)", flush=True)
            run_script([script])


def unblocked(blocks: list[str]) -> list[str]:
    """The runnable scripts of benchmarks/ that no block names (helpers excluded)."""
    named = {command.split()[0] for command in blocks}
    scripts = sorted(path.name for path in (ROOT / "benchmarks").glob("*.py"))
    return [
        name
        for name in scripts
        if name not in named
        and name != Path(__file__).name
        and "__main__" in (ROOT / "benchmarks" / name).read_text(encoding="utf-8")
    ]


if __name__ == "__main__":
    main()
