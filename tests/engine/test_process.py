"""EngineProcess: the engine in a child process, started, stopped, saved, and never left behind
(a failed start said with the child's words; a parent killed with SIGKILL takes it down)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import contactkit as ck
from contactkit.engine.process import EngineProcess
from tests.engine.test_embedded import assert_refused

ROOT = Path(__file__).resolve().parents[2]


def running(pid: int) -> bool:
    """Whether ``pid`` is alive (a zombie, which no init reaped yet, has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_until_gone(pid: int, seconds: float) -> float:
    started = time.monotonic()
    while running(pid):
        assert time.monotonic() - started < seconds, f"pid {pid} alive after {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)


def test_start_serves_on_loopback_and_stop_ends_the_child(no_endpoint: None) -> None:
    engine = EngineProcess()
    engine.start()
    try:
        assert engine.url.startswith("http://127.0.0.1:")
        assert engine.pid != os.getpid() and running(engine.pid)
        with ck.connect(engine.url) as db:
            db.table("contacts").create()
            assert db.client.list_tables()["TableNames"] == ["contacts"]
    finally:
        pid = engine.pid
        assert engine.stop() is None  # ended cleanly
    assert not running(pid)
    with pytest.raises(RuntimeError, match="not running"):
        _ = engine.url
    assert engine.stop() is None  # a second stop does nothing


def test_the_child_refuses_browser_style_requests_like_the_engine_here(no_endpoint: None) -> None:
    with ck.connect(engine_process=True) as db:
        db.table("t").create()
        assert db.endpoint_url is not None
        assert_refused(db.endpoint_url, db.client)  # the LoopbackGuard is on in the child


def test_stop_saves_the_snapshot_and_the_next_child_loads_it(
    no_endpoint: None, tmp_path: Path
) -> None:
    path = tmp_path / "engine.snapshot"
    engine = EngineProcess(snapshot=path, interval=60.0)  # no periodic save: only at stop
    engine.start()
    with ck.connect(engine.url) as db:
        db.table("contacts").create()
    assert not path.exists()
    assert engine.stop() is None
    assert [t["definition"]["TableName"] for t in json.loads(path.read_text())["tables"]] == [
        "contacts"
    ]
    again = EngineProcess(snapshot=path)
    again.start()
    try:
        assert any("Loaded" in line for line in again.messages), again.messages
        with ck.connect(again.url) as db:
            assert db.client.list_tables()["TableNames"] == ["contacts"]
    finally:
        again.stop()


def test_a_child_that_exits_before_listening_is_a_clear_error() -> None:
    script = "import sys; sys.stderr.write('boom: no engine here\\n'); sys.exit(3)"
    engine = EngineProcess(program=(sys.executable, "-c", script))
    with pytest.raises(
        ck.ConfigurationError,
        match=r"engine_process: .* exited with code 3 before it listened: boom: no engine here",
    ):
        engine.start()


def test_a_child_that_never_listens_is_killed_after_the_timeout() -> None:
    script = "import os, sys, time; print(os.getpid(), flush=True); time.sleep(60)"
    engine = EngineProcess(program=(sys.executable, "-c", script), start_timeout=2.0)
    started = time.monotonic()
    with pytest.raises(ck.ConfigurationError, match=r"did not listen within 2 s"):
        engine.start()
    assert time.monotonic() - started < 15
    (pid,) = [int(line) for line in engine.messages]  # what it printed instead of a URL
    assert not running(pid)


def test_a_snapshot_that_fails_to_load_is_a_clear_error_and_is_left_alone(
    no_endpoint: None, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.snapshot"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ck.ConfigurationError, match="is not a contactkit engine snapshot"):
        ck.connect(path=path, engine_process=True)
    assert path.read_text() == '{"format": "something else"}'


PARENT = """
import sys, time
import contactkit as ck

db = ck.connect(path=sys.argv[1], save_every=60, engine_process=True)
db.table("contacts").create().org("org-a").add(first_name="Ada", email="ada@example.com")
print(db.engine.pid, flush=True)
time.sleep(120)
"""


@pytest.mark.reliability(orphan_check=False)
def test_the_child_saves_and_ends_when_its_parent_is_killed(
    no_endpoint: None, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.snapshot"
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert parent.stdout is not None
    try:
        child = int(parent.stdout.readline())
        assert running(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
    finally:
        parent.kill()
    assert parent.returncode == -signal.SIGKILL
    wait_until_gone(child, 10.0)
    # save_every=60 never ticked: the save is the one the child made at its parent's end.
    with ck.connect(path=path) as db:
        assert db.table("contacts").org("org-a").find_by_email("ada@example.com") is not None
