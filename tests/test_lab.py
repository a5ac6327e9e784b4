"""`make lab` really serves the notebooks: start JupyterLab the same way and ask it.

`make lab` and `python -m contactkit lab` both run `contactkit.__main__.lab_command`; these tests
start that command and read the Makefile without running it (`make -n`).
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
from pathlib import Path
from typing import Any

import pytest

from contactkit.__main__ import lab_command

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
    for flag in ["--notebook-dir=notebooks", "--ip=127.0.0.1", "--port=9999", "--no-browser"]:
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


def test_lab_serves_the_notebooks(tmp_path: Path) -> None:
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "lab.log"
    # Private runtime/config dirs so the test neither reads nor writes the user's Jupyter state.
    env = os.environ | {
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*lab_command(port), f"--IdentityProvider.token={token}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        status = wait_for_status(f"{base}/api/status?token={token}", server, log)
        assert "started" in status

        contents = get_json(f"{base}/api/contents/?token={token}")
        assert "00-setup.ipynb" in {entry["name"] for entry in contents["content"]}

        # The banner is printed before the server answers its first request.
        assert f"{base}/lab" in log.read_text()
    finally:
        stop(server)
