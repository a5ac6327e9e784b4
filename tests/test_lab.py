"""`make lab` really serves the notebooks: start JupyterLab the same way and ask it."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The flags of the Makefile's `lab` recipe, less --port; test_make_lab_uses_these_flags
# keeps the two in step.
LAB_FLAGS = ["--notebook-dir=notebooks", "--ip=127.0.0.1", "--no-browser"]
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


def test_make_lab_uses_these_flags() -> None:
    recipe = (ROOT / "Makefile").read_text().split("\nlab:", 1)[1].split("\n\n", 1)[0]
    for flag in [*LAB_FLAGS, "--port=$(LAB_PORT)"]:
        assert flag in recipe


def test_lab_serves_the_notebooks(tmp_path: Path) -> None:
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "lab.log"
    # Private runtime/config dirs so the test neither reads nor writes the user's Jupyter state.
    env = os.environ | {
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    command = [sys.executable, "-m", "jupyter", "lab", *LAB_FLAGS, f"--port={port}"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # as the Makefile does
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, f"--IdentityProvider.token={token}"],
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
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
