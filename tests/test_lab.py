"""`make lab` really serves the notebooks: start JupyterLab the same way and ask it.

`make lab` and `python -m contactkit lab` both run `contactkit.__main__.lab_command`; these tests
start that command and read the Makefile without running it (`make -n`). The lab serves a
git-ignored working copy, `my-notebooks/`, refreshed from `notebooks/` without overwriting it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from contactkit.__main__ import COPIED_FROM, WORKING_COPY, lab_command, refresh_working_copy

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        return json.load(response)


def wait_for_status(url: str, server: subprocess.Popen[bytes], log: Path) -> Any:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        assert server.poll() is None, f"JupyterLab exited during startup:\n{log.read_text()}"
        try:
            return get_json(url)
        except urllib.error.HTTPError:
            raise  # the server answered, and said no: waiting will not help
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # not listening yet


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class LabServer(NamedTuple):
    base: str  # http://127.0.0.1:<port>
    token: str
    status: Any  # the first answer of /api/status
    log: Path  # the server's output


@contextmanager
def running_lab(notebooks: Path, tmp_path: Path, env: Mapping[str, str]) -> Iterator[LabServer]:
    """`make lab`'s command serving ``notebooks`` on a free port, until the block ends.

    Private runtime and config directories, so a test neither reads nor writes the user's
    Jupyter state."""
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **env,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    log = tmp_path / "lab.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*lab_command(port, str(notebooks)), f"--IdentityProvider.token={token}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        status = wait_for_status(f"{base}/api/status?token={token}", server, log)
        yield LabServer(base, token, status, log)
    finally:
        stop(server)


def make_dry_run(target: str, **variables: str) -> list[str]:
    """The commands `make -n target` would run, with the environment's conda variables unset.

    The variables of an outer make (``make test`` runs this test) are dropped too: with them
    the inner make prints "Entering directory" lines and inherits the outer one's flags.
    """
    if shutil.which("make") is None:
        pytest.skip("make is not installed (Windows: python -m contactkit lab)")
    outer_make = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "MAKEOVERRIDES"}
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("CONDA_") and k not in outer_make
    }
    assigned = [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, "VENV=.venv-dry-run", *assigned],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_lab_command_is_local_only_and_prints_the_url() -> None:
    command = lab_command(9999)
    assert command[:4] == [sys.executable, "-m", "jupyter", "lab"]
    for flag in ["--notebook-dir=my-notebooks", "--ip=127.0.0.1", "--port=9999", "--no-browser"]:
        assert flag in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)


@pytest.mark.parametrize(
    "target,task",
    [
        ("lab", "-m contactkit lab --port=8888"),
        ("test", "-m contactkit test --workers=2 --scale=1"),
        ("lint", "-m contactkit lint"),
        ("app", "contactkit shell"),
    ],
)
def test_make_runs_the_task_in_its_venv(target: str, task: str) -> None:
    lines = make_dry_run(target)
    python = ".venv-dry-run/bin/python"
    assert "-m venv .venv-dry-run" in "\n".join(lines)
    assert any(line.startswith(f"{python} -m pip install") and ".[lab]" in line for line in lines)
    assert lines[-1].startswith(".venv-dry-run/bin/"), lines
    assert lines[-1].rstrip().endswith(task), lines


def test_make_test_adds_the_dev_tools_after_the_lab_packages() -> None:
    installs = [line for line in make_dry_run("test") if " -m pip install" in line]
    extras = [line.split('"')[1] for line in installs if '-e "' in line]
    assert extras == [".[lab]", ".[dev]"], installs
    assert all("-c constraints.txt" in line for line in installs if '-e "' in line)
    assert ".[dev]" not in "\n".join(make_dry_run("lab"))


def test_make_uses_the_active_conda_environment() -> None:
    lines = make_dry_run("lab", CONDA_PREFIX="/x", CONDA_DEFAULT_ENV="contactkit")
    assert lines[-1] == "/x/bin/python -m contactkit lab --port=8888"
    assert any(line.startswith("/x/bin/python -m pip install") for line in lines)
    assert not any("venv" in line for line in lines), "no .venv is made in a conda environment"
    assert make_dry_run("test", CONDA_PREFIX="/x")[-1].startswith("/x/bin/python -m contactkit")


def test_make_does_not_install_into_conda_base() -> None:
    lines = make_dry_run("lab", CONDA_PREFIX="/opt/conda", CONDA_DEFAULT_ENV="base")
    assert lines[-1].startswith(".venv-dry-run/bin/python -m contactkit lab")
    assert not any("/opt/conda" in line for line in lines)


def lessons_dir(tmp_path: Path) -> Path:
    """A small notebooks/ of two lessons and a README."""
    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    for name in ["00-setup.ipynb", "01-keys.ipynb", "README.md"]:
        (lessons / name).write_text(f"upstream {name}\n")
    (lessons / "scratch.txt").write_text("not a lesson\n")
    return lessons


def test_refresh_copies_the_lessons_it_lacks(tmp_path: Path) -> None:
    lessons, copy = lessons_dir(tmp_path), tmp_path / "my-notebooks"
    said = refresh_working_copy(lessons, copy)
    assert sorted(p.name for p in copy.iterdir()) == sorted(
        [COPIED_FROM, "00-setup.ipynb", "01-keys.ipynb", "README.md"]
    )
    assert said == [
        "copied 3 lesson file(s) into my-notebooks/: 00-setup.ipynb, 01-keys.ipynb, README.md"
    ]
    assert refresh_working_copy(lessons, copy) == [], "a second run has nothing to copy or tell"


def test_refresh_never_overwrites_a_learners_edits(tmp_path: Path) -> None:
    lessons, copy = lessons_dir(tmp_path), tmp_path / "my-notebooks"
    refresh_working_copy(lessons, copy)
    (copy / "00-setup.ipynb").write_text("my answers\n")
    (copy / "01-keys.ipynb").unlink()
    (lessons / "02-new.ipynb").write_text("a new lesson\n")
    said = refresh_working_copy(lessons, copy)
    assert (copy / "00-setup.ipynb").read_text() == "my answers\n"
    assert (copy / "01-keys.ipynb").read_text() == "upstream 01-keys.ipynb\n", (
        "deleted: copied again"
    )
    assert (copy / "02-new.ipynb").exists()
    assert said == ["copied 2 lesson file(s) into my-notebooks/: 01-keys.ipynb, 02-new.ipynb"]


def test_refresh_tells_of_a_newer_upstream_lesson(tmp_path: Path) -> None:
    lessons, copy = lessons_dir(tmp_path), tmp_path / "my-notebooks"
    refresh_working_copy(lessons, copy)
    (copy / "00-setup.ipynb").write_text("my answers\n")
    (lessons / "00-setup.ipynb").write_text("upstream, fixed\n")
    said = refresh_working_copy(lessons, copy)
    assert (copy / "00-setup.ipynb").read_text() == "my answers\n"
    assert len(said) == 1 and said[0].startswith("notebooks/00-setup.ipynb is newer than your copy")
    assert "rename my-notebooks/00-setup.ipynb" in said[0]
    (copy / "00-setup.ipynb").rename(copy / "00-setup-mine.ipynb")
    assert refresh_working_copy(lessons, copy)[0].startswith("copied 1 lesson file(s)")
    assert (copy / "00-setup.ipynb").read_text() == "upstream, fixed\n"


def test_the_working_copy_is_git_ignored_and_not_tested() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git clone")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", f"{WORKING_COPY}/00-setup.ipynb"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, f"{WORKING_COPY}/ must be in .gitignore"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'testpaths = ["tests", "notebooks"]' in pyproject, "the tests read only notebooks/"


def test_lab_serves_the_notebooks(tmp_path: Path) -> None:
    copy = tmp_path / "my-notebooks"
    refresh_working_copy(ROOT / "notebooks", copy)
    with running_lab(copy, tmp_path, os.environ) as lab:
        assert "started" in lab.status

        contents = get_json(f"{lab.base}/api/contents/?token={lab.token}")
        assert "00-setup.ipynb" in {entry["name"] for entry in contents["content"]}

        # The banner is printed before the server answers its first request.
        assert f"{lab.base}/lab" in lab.log.read_text()


def test_refresh_copies_the_solutions_notebook(tmp_path: Path) -> None:
    lessons, copy = lessons_dir(tmp_path), tmp_path / "my-notebooks"
    (lessons / "solutions.ipynb").write_text("the reference solutions\n")
    refresh_working_copy(lessons, copy)
    assert (copy / "solutions.ipynb").read_text() == "the reference solutions\n"
