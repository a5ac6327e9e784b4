"""``python -m contactkit``: the command line, and the Makefile's tasks where there is no make.

``lab``, ``lint`` and ``test`` run with the interpreter that runs them, from a clone (after
``pip install -e ".[lab]"``; ``".[dev]"`` for ``lint`` and ``test``), for example on Windows::

    python -m contactkit lab             # JupyterLab on my-notebooks/, http://127.0.0.1:8888
    python -m contactkit test            # the linters, then every test and notebook

``make lab``, ``make lint`` and ``make test`` install their environment and then run these same
tasks, so both routes run the same commands. Anything else is the contacts app
(``contactkit.cli``, the ``cli`` extra): ``python -m contactkit shell --org org-a1b2c3d4``.

``lab`` serves a git-ignored working copy of the lessons, ``my-notebooks/``, so that saving,
unfinished exercises and personal data never touch the committed ``notebooks/`` that the tests
read. Each run copies the lessons that are missing there and never overwrites one: a lesson
that changed upstream since it was copied is named, with how to take the new version.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from pathlib import Path

TASKS = ("lab", "lint", "test")
LAB_PORT = 8888
LESSONS_DIR = "notebooks"
WORKING_COPY = "my-notebooks"  # git-ignored: the learner's own copy of the lessons
# In the working copy: the digest of each lesson as it was when copied, to tell newer upstream.
COPIED_FROM = ".copied-from.json"
# The linters of `make lint`, in order: lint-imports checks the architecture (the layers and no
# import cycles of [tool.importlinter]) of code that already passes the checks before it.
LINT_COMMANDS = (
    ("ruff", "check", "."),
    ("ruff", "format", "--check", "."),
    ("mypy",),
    ("lint-imports",),
)


def repo_root() -> Path:
    """The clone this package was installed from (editable install); the tasks run there."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "pyproject.toml").is_file() or not (root / "notebooks").is_dir():
        sys.exit(
            f"contactkit: no clone around {root} (pyproject.toml, notebooks/): the lab and test "
            'tasks run from a clone installed with pip install -e ".[lab]"'
        )
    return root


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_working_copy(lessons: Path, copy: Path) -> list[str]:
    """Copy into ``copy`` every lesson of ``lessons`` it lacks; never overwrite; what it did.

    A lesson (``NN-*.ipynb``, the solutions notebook and the README) already in the copy is
    the learner's and is kept
    as it is, edited or not. When its upstream file changed since it was copied, the returned
    lines say so and how to take the new version (rename the copy, run ``lab`` again).
    """
    copy.mkdir(exist_ok=True)
    record_path = copy / COPIED_FROM
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        record = {}
    sources = [
        *sorted(lessons.glob("[0-9][0-9]-*.ipynb")),
        lessons / "solutions.ipynb",  # the exercises' reference solutions
        lessons / "README.md",
    ]
    copied, lines = [], []
    for source in sources:
        if not source.is_file():
            continue
        target = copy / source.name
        digest = _digest(source)
        if not target.exists():
            shutil.copyfile(source, target)
            record[source.name] = digest
            copied.append(source.name)
        elif record.get(source.name) not in (None, digest):
            lines.append(
                f"{lessons.name}/{source.name} is newer than your copy; to take it, rename "
                f"{copy.name}/{source.name} (your work stays there) and start the lab again"
            )
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if copied:
        lines.insert(
            0, f"copied {len(copied)} lesson file(s) into {copy.name}/: {', '.join(copied)}"
        )
    return lines


def lab_command(port: int = LAB_PORT, notebook_dir: str = WORKING_COPY) -> list[str]:
    """The JupyterLab command of ``make lab``: local only, no browser opened, URL printed."""
    command = [
        sys.executable,
        *("-m", "jupyter", "lab"),
        f"--notebook-dir={notebook_dir}",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--no-browser",
    ]
    # Jupyter refuses to run as root (containers, CI machines) unless told it may.
    if getattr(os, "geteuid", lambda: -1)() == 0:
        command.append("--allow-root")
    return command


def tool(name: str) -> str:
    """The console script ``name`` of this interpreter's environment (``.exe`` on Windows)."""
    scripts = sysconfig.get_path("scripts")
    found = shutil.which(name, path=scripts)
    if found is None:
        sys.exit(f'contactkit: {name} is not in {scripts}: pip install -e ".[dev]" first')
    return found


def lint_commands() -> list[list[str]]:
    return [[tool(name), *args] for name, *args in LINT_COMMANDS]


def suite_command(workers: int, pytest_args: Sequence[str] = ()) -> list[str]:
    """Every test and notebook (nbval), in parallel.

    ``--dist loadscope`` keeps every cell of a notebook on one worker, in order: nbval runs a
    notebook in one kernel, so plain ``-n`` (which scatters cells) makes later cells fail.
    """
    return [
        sys.executable,
        *("-m", "pytest", "-n", str(workers), "--dist", "loadscope"),
        *("--nbval", "--nbval-current-env", *pytest_args),
    ]


def run(command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> int:
    """Run one step, printed first; Ctrl-C reaches the command, which decides when to stop."""
    print("$ " + " ".join(command), flush=True)
    with subprocess.Popen(command, cwd=cwd, env=env) as process:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                continue  # JupyterLab asks before it shuts down; wait for its answer


def require(module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is None:
        sys.exit(
            f"contactkit: {module} is not installed for {sys.executable}: in the clone, run "
            f'pip install -e ".[{extra}]" -c constraints.txt first'
        )


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(prog="python -m contactkit", description=__doc__.split("\n")[0])
    tasks = parse.add_subparsers(dest="task", required=True)
    lab = tasks.add_parser(
        "lab", help="JupyterLab on my-notebooks/, a working copy of notebooks/ (127.0.0.1)"
    )
    lab.add_argument("--port", type=int, default=LAB_PORT)
    tasks.add_parser("lint", help="ruff check, ruff format --check, mypy, lint-imports")
    test = tasks.add_parser("test", help="lint, then every test and notebook (nbval)")
    test.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (2)")
    test.add_argument("--scale", default="1", help="multiplies data sizes (CONTACTKIT_TEST_SCALE)")
    test.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    return parse


def run_task(argv: Sequence[str]) -> int:
    """Run ``lab``, ``lint`` or ``test`` (``argv`` without the program name); the exit code."""
    args = parser().parse_args(argv)
    root = repo_root()
    if args.task == "lab":
        require("jupyterlab", "lab")
        for line in refresh_working_copy(root / LESSONS_DIR, root / WORKING_COPY):
            print(line, flush=True)
        print(f"Starting JupyterLab on http://127.0.0.1:{args.port}; Ctrl-C stops it", flush=True)
        return run(lab_command(args.port), root)
    require("pytest", "dev")
    for command in lint_commands():
        code = run(command, root)
        if code:
            return code
    if args.task == "lint":
        return 0
    env = os.environ | {"CONTACTKIT_TEST_SCALE": str(args.scale), "CONTACTKIT_PROGRESS": "0"}
    return run(suite_command(args.workers, args.pytest_args), root, env)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in TASKS:
        sys.exit(run_task(args))
    from .cli import main as cli_main  # the app needs the cli extra; the tasks do not

    cli_main(args)


if __name__ == "__main__":
    main()
