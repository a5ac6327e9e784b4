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


class Server:
    def __init__(self, snapshot: Path) -> None:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [
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
            ],
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
