"""Keeping an embedded engine's data in a snapshot file while it runs: the persistent store.

One :class:`SnapshotKeeper` serves both users of a snapshot file: ``ck.connect(path=...)``
(a watcher thread in the caller's process) and ``contactkit serve --snapshot`` (its main loop).
``open`` checks the directory, removes the temporary files of saves that were killed, and loads
the file if there is one; ``watch`` saves every ``interval`` seconds when a write happened since
the last save; ``close`` saves a last time.

The promise, for a watcher started with interval ``T``: a request that completed at time ``t``
is on disk by ``t + T + d`` at the latest, ``d`` being the time one save takes (the save that
starts at the next tick, at most ``T`` after ``t``, captures it). ``kill -9`` loses only what
completed after that. A save that fails (the directory gone, a full disk, permissions) does not
stop anything: ``on_failure`` is told once, the data stays in memory, and the next tick tries
again (``on_recovery`` says when one succeeds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import snapshot as snapshots

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from .embedded import EmbeddedEngine

DEFAULT_INTERVAL = 2.0


def _ignore(*_args: object) -> None:
    return None


class SnapshotKeeper:
    """Saves ``engine``'s tables to ``path``: periodically while it changes, and on close.

    Example::

        keeper = SnapshotKeeper(engine, Path("contacts.snapshot"), interval=2.0)
        keeper.open(client)          # loads the file if it exists
        keeper.start()               # a daemon thread saves every 2 s when data changed
        ...
        keeper.close()               # stops the thread, saves a last time
    """

    def __init__(
        self,
        engine: EmbeddedEngine,
        path: Path,
        *,
        interval: float = DEFAULT_INTERVAL,
        on_failure: Callable[[str], None] = _ignore,
        on_recovery: Callable[[], None] = _ignore,
    ) -> None:
        if not interval > 0:
            raise ValueError(f"interval: {interval!r} is not a positive number of seconds")
        self.engine = engine
        self.path = path
        self.interval = interval
        self.on_failure = on_failure
        self.on_recovery = on_recovery
        self.loaded: snapshots.SnapshotInfo | None = None
        self.removed: list[Path] = []
        self.failing = False
        # None until open() succeeded: a file that failed to load is never overwritten.
        self._saved_writes: int | None = None
        self._saving = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self, client: DynamoDBClient) -> snapshots.SnapshotInfo | None:
        """Check the directory, remove leftovers, load the file if it exists (``None`` if not).

        Raises ``ConfigurationError`` for a directory that is missing or not writable and for
        a file that is not a valid snapshot (which is then left as it is).
        """
        snapshots.check_directory(self.path)
        self.removed = snapshots.remove_leftovers(self.path)
        if self.path.exists():
            self.loaded = snapshots.load(self.engine, client, self.path)
        self._saved_writes = self.engine.app.writes  # loading is not a change worth saving
        return self.loaded

    @property
    def opened(self) -> bool:
        """Whether ``open`` succeeded (only then does the keeper write the file)."""
        return self._saved_writes is not None

    def save_if_changed(self) -> snapshots.SnapshotInfo | str | None:
        """Save if a write happened since the last save: what it holds, why it failed, or None."""
        if self._saved_writes is None or self.engine.app.writes == self._saved_writes:
            return None
        return self.save()

    def save(self, *, report: bool = True) -> snapshots.SnapshotInfo | str:
        """Save now: what the file holds, or why it could not be written.

        With ``report``, a first failure calls ``on_failure`` and a success after failures
        ``on_recovery``; a last save at shutdown passes ``report=False`` and says it itself.
        """
        if self._saved_writes is None:
            raise RuntimeError("open() the keeper first: it never overwrites an unread file")
        with self._saving:
            writes = self.engine.app.writes  # read before saving: a write during it saves again
            try:
                saved: snapshots.SnapshotInfo | str = snapshots.save(self.engine, self.path)
            except OSError as exc:
                saved = str(exc.strerror or exc)
            if isinstance(saved, str):
                if report and not self.failing:
                    self.on_failure(saved)
                self.failing = True
                return saved
            self._saved_writes = writes
            if report and self.failing:
                self.on_recovery()
            self.failing = False
            return saved

    def watch(self, stop: threading.Event) -> None:
        """Save every ``interval`` seconds when data changed, until ``stop`` is set."""
        deadline = time.monotonic() + self.interval
        while not stop.wait(max(0.0, deadline - time.monotonic())):
            # Ticks stay ``interval`` apart whatever a save takes, which keeps the promise.
            deadline += self.interval
            self.save_if_changed()
            deadline = max(deadline, time.monotonic())

    def start(self) -> None:
        """Watch in a daemon thread (``close`` stops it)."""
        self._thread = threading.Thread(
            target=self.watch, args=(self._stop,), name="contactkit-snapshot", daemon=True
        )
        self._thread.start()

    def close(self) -> snapshots.SnapshotInfo | str | None:
        """Stop the watcher and save a last time if anything changed since the last save.

        Returns what was saved, why the last save failed (the caller says so: ``on_failure``
        is not called), or ``None`` when the file was already up to date.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._saved_writes is None:
            return None
        if not self.failing and self.engine.app.writes == self._saved_writes:
            return None
        return self.save(report=False)
