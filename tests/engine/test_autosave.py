"""SnapshotKeeper: saves only what changed, says a failure once, never overwrites an unread file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import contactkit as ck
from contactkit.engine import snapshot
from contactkit.engine.autosave import SnapshotKeeper
from contactkit.engine.embedded import EmbeddedEngine


def test_saves_when_changed_and_only_then(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        keeper = SnapshotKeeper(engine, path)
        assert keeper.open(db.client) is None  # no file yet
        assert keeper.save_if_changed() is None and not path.exists()
        db.table("contacts").create()
        assert keeper.save_if_changed() == snapshot.SnapshotInfo(("contacts",), 0)
        assert keeper.save_if_changed() is None
        db.client.list_tables()  # a read is not a change
        assert keeper.save_if_changed() is None
        assert keeper.close() is None  # nothing changed since the last save


def test_a_failure_is_said_once_and_the_recovery_too(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    said: list[str] = []
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        keeper = SnapshotKeeper(
            engine,
            folder / "snap.json",
            on_failure=lambda problem: said.append(f"failed: {problem}"),
            on_recovery=lambda: said.append("recovered"),
        )
        keeper.open(db.client)
        folder.rmdir()
        db.table("contacts").create()
        assert keeper.save_if_changed() == "No such file or directory"
        assert keeper.save_if_changed() == "No such file or directory"  # retried, said once
        folder.mkdir()
        assert isinstance(keeper.save_if_changed(), snapshot.SnapshotInfo)
    assert said == ["failed: No such file or directory", "recovered"]


def test_a_file_that_failed_to_load_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text("not json")
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        keeper = SnapshotKeeper(engine, path)
        with pytest.raises(ck.ConfigurationError, match="cannot read snapshot"):
            keeper.open(db.client)
        db.table("contacts").create()
        assert keeper.save_if_changed() is None and keeper.close() is None
        with pytest.raises(RuntimeError, match="open"):
            keeper.save()
    assert path.read_text() == "not json"


def test_watch_saves_at_each_tick_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        keeper = SnapshotKeeper(engine, path, interval=0.1)
        keeper.open(db.client)
        stop = threading.Event()
        watcher = threading.Thread(target=keeper.watch, args=(stop,))
        watcher.start()
        db.table("contacts").create()
        deadline = time.monotonic() + 5
        while not path.exists():
            assert time.monotonic() < deadline, "no save within 5 s at a 0.1 s interval"
            time.sleep(0.02)
        stop.set()
        watcher.join(timeout=5)
        assert not watcher.is_alive()


@pytest.mark.parametrize("interval", [0, -1.0])
def test_interval_must_be_positive(interval: float) -> None:
    with (
        EmbeddedEngine() as engine,
        pytest.raises(ValueError, match="is not a positive number of seconds"),
    ):
        SnapshotKeeper(engine, Path("snap.json"), interval=interval)
