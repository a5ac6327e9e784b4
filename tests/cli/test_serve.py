"""`contactkit serve` as a real process: used by a client, killed or stopped, restarted from
its snapshot with the data intact."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import contactkit as ck

START_TIMEOUT = 60.0


ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}


def serve_args(snapshot: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "contactkit",
        "serve",
        "--port",
        "0",
        "--snapshot",
        str(snapshot),
        "--interval",
        "0.2",
    ]


class Server:
    def __init__(self, snapshot: Path) -> None:
        env = ENV
        self.process = subprocess.Popen(
            serve_args(snapshot),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: list[str] = []
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        assert self.process.stdout is not None
        url = None
        for line in self.process.stdout:  # ends if the process dies: the test then fails
            self.lines.append(line.rstrip("\n"))
            found = re.search(r"endpoint at (http://127\.0\.0\.1:\d+)", line)
            url = found[1] if found else url
            if url and "Press Ctrl-C to stop." in line:
                return url
        raise AssertionError("serve exited early:\n" + "\n".join(self.lines))

    def read_until(self, text: str) -> str:
        """Read the server's output up to a line containing ``text`` (or its end)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if text in line:
                return line
        raise AssertionError(f"serve ended before printing {text!r}:\n" + "\n".join(self.lines))

    def stop(self, sig: int) -> str:
        self.process.send_signal(sig)
        out, _ = self.process.communicate(timeout=START_TIMEOUT)
        return out


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def wait_until(condition: object, what: str) -> None:
    """Poll ``condition()`` (the periodic snapshot runs on its own clock)."""
    deadline = time.monotonic() + START_TIMEOUT
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_serve_prints_how_to_use_it(servers: list[Server], tmp_path: Path) -> None:
    server = Server(tmp_path / "snap.json")
    servers.append(server)
    assert f"     export AWS_ENDPOINT_URL_DYNAMODB={server.url}" in server.lines
    out = server.stop(signal.SIGINT)
    assert server.process.returncode == 0
    assert out.splitlines()[-1] == "👋 Stopped."


def test_data_survives_a_crash_and_a_clean_restart(servers: list[Server], tmp_path: Path) -> None:
    snapshot = tmp_path / "snap.json"
    first = Server(snapshot)
    servers.append(first)
    with ck.connect(first.url) as db:
        org = db.table("contacts").create().org("org-a1b2c3d4")
        john = org.add(
            first_name="John",
            last_name="Doe",
            email="john.doe@example.com",
            phone="555-123-4567",
            tags=["vip", "client"],
        )
        org.record_interaction(john.id, kind="call", note="renewal")
    wait_until(lambda: snapshot.exists() and "renewal" in snapshot.read_text(), "a snapshot")
    assert snapshot.stat().st_mode & 0o777 == 0o600
    first.process.kill()  # a crash: only the periodic snapshot is left
    first.process.wait()

    second = Server(snapshot)
    servers.append(second)
    assert any(line.startswith(f"📂 Loaded {snapshot}: ") for line in second.lines)
    with ck.connect(second.url) as db:
        org = db.table("contacts").create(exist_ok=True).org("org-a1b2c3d4")
        restored = org.get(john.id)
        assert (restored.email, restored.phone, restored.tags, restored.version) == (
            john.email,
            john.phone,
            john.tags,
            2,
        )
        assert org.find_by_email("JOHN.DOE@example.com") is not None  # indexes rebuilt
        assert [c.id for c in org.find_by_tag("vip")] == [john.id]
        assert [a.note for a in org.activity(john.id)] == ["renewal"]
        with pytest.raises(ck.EmailTakenError):  # the uniqueness item came back too
            org.add(first_name="J", last_name="D", email="john.doe@example.com")
        org.add(first_name="Alice", last_name="Johnson", email="alice@example.com")
    out = second.stop(signal.SIGTERM)
    assert second.process.returncode == 0
    assert f"💾 Saved {snapshot}" in out and "👋 Stopped." in out

    third = Server(snapshot)
    servers.append(third)
    with ck.connect(third.url) as db:
        org = db.table("contacts").org("org-a1b2c3d4")
        assert sorted(c.email for c in org.list()) == ["alice@example.com", "john.doe@example.com"]
    third.stop(signal.SIGINT)
    assert third.process.returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".snap.json.")]  # no temp files
    assert json.loads(snapshot.read_text())["format"] == "contactkit-engine-snapshot"


def test_serve_refuses_browser_style_requests(servers: list[Server], tmp_path: Path) -> None:
    from tests.engine.test_embedded import assert_refused

    server = Server(tmp_path / "snap.json")
    servers.append(server)
    with ck.connect(server.url) as db:
        db.client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        assert_refused(server.url, db.client)
    server.stop(signal.SIGINT)
    assert server.process.returncode == 0


def test_a_missing_snapshot_directory_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "snap.json"
    try:
        done = subprocess.run(
            serve_args(path), capture_output=True, text=True, env=ENV, timeout=START_TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"serve started without a snapshot directory: {exc.stdout!r}") from exc
    assert done.returncode == 2
    assert f"directory {path.parent} does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_failed_save_warns_keeps_serving_and_is_retried(
    servers: list[Server], tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    snapshot = folder / "snap.json"
    server = Server(snapshot)
    servers.append(server)
    with ck.connect(server.url) as db:
        org = db.table("contacts").create().org("org-a1b2c3d4")
        org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        wait_until(lambda: snapshot.exists() and "ada@" in snapshot.read_text(), "a snapshot")
        folder.rename(tmp_path / "away")  # the disk is gone, full or read-only: saves fail
        org.add(first_name="Grace", last_name="Hopper", email="grace@example.com")
        warning = server.read_until("could not save")
        assert str(snapshot) in warning and "will retry" in warning
        assert server.process.poll() is None
        assert len(org.list().items) == 2  # still serving
        (tmp_path / "away").rename(folder)
        wait_until(lambda: "grace@" in snapshot.read_text(), "the retried snapshot")
        org.add(first_name="Alan", last_name="Turing", email="alan@example.com")
    out = server.stop(signal.SIGTERM)
    assert server.process.returncode == 0
    assert f"💾 Saved {snapshot}" in out
    assert "alan@" in snapshot.read_text()


def test_the_temporary_file_of_a_killed_save_is_removed_on_start(
    servers: list[Server], tmp_path: Path
) -> None:
    snapshot = tmp_path / "snap.json"
    leftover = tmp_path / ".snap.json.a1b2c3d4"  # what a save killed before its rename leaves
    leftover.write_text('{"format": "contactkit-engine-snapshot", "ver')
    server = Server(snapshot)
    servers.append(server)
    assert not leftover.exists()
    assert any("Removed" in line and leftover.name in line for line in server.lines)
    server.stop(signal.SIGINT)
    assert server.process.returncode == 0
