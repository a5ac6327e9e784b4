"""A writer thread fed through a bounded queue, so the caller prepares the next requests while
the previous one is on its way to the endpoint.

The caller's thread keeps everything that must happen in a fixed order (ids, clock readings,
progress callbacks); the writer thread only sends what it is given, one item at a time, in the
order given, and reports back through a second queue that the caller reads. So a remote
engine's work and the network's latency overlap the caller's CPU work, and nothing of the
caller's state is touched from two threads at once.

Example::

    with WriterThread(send, depth=2) as writer:
        for item in prepare():          # runs while earlier items are being sent
            writer.put(item, on_sent)   # blocks while ``depth`` items wait
        writer.finish(on_sent)          # waits for the last one; re-raises its error
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

THREAD_NAME = "contactkit-import-writer"


class _Done:
    """The writer thread's last message: it has stopped."""


_DONE = _Done()


class WriterThread(Generic[T, R]):
    """Sends queued items with ``send`` in one background thread, in order.

    ``send``'s results reach the caller's ``on_sent`` in the caller's thread (in
    :meth:`put` and :meth:`finish`); an exception ``send`` raises stops the thread and is
    re-raised in the caller (with the writer thread's traceback) by the next ``put`` or
    ``finish``. Leaving the ``with`` block early (an error, ``KeyboardInterrupt``) drops the
    items not yet sent, lets the one being sent finish, and joins the thread.
    """

    def __init__(self, send: Callable[[T], R], *, depth: int = 2) -> None:
        self._send = send
        self._todo: queue.Queue[T | _Done] = queue.Queue(maxsize=depth)
        self._results: queue.SimpleQueue[R | BaseException | _Done] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name=THREAD_NAME, daemon=True)
        self._running = False

    def __enter__(self) -> WriterThread[T, R]:
        self._thread.start()
        self._running = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def put(self, item: T, on_sent: Callable[[R], None]) -> None:
        """Queue ``item``; waits (handing results to ``on_sent``) while the queue is full."""
        self._drain(on_sent, block=False)
        # Only this thread puts, so a full queue stays full until the writer takes an item,
        # which it reports once sent: waiting for that report is waiting for room.
        while self._todo.full():
            self._receive(on_sent)
        self._todo.put_nowait(item)

    def finish(self, on_sent: Callable[[R], None]) -> None:
        """Wait until every queued item is sent (results to ``on_sent``); join the thread."""
        while self._todo.full():
            self._receive(on_sent)
        self._todo.put_nowait(_DONE)
        self._drain(on_sent, block=True)
        self._thread.join()
        self._running = False

    def stop(self) -> None:
        """Send nothing more: drop what waits, let the item being sent finish, join."""
        if not self._running:
            return
        self._stop.set()
        while True:
            try:
                self._todo.get_nowait()
            except queue.Empty:
                break
        self._todo.put_nowait(_DONE)  # wakes the writer if it waits for an item
        self._thread.join()
        self._running = False

    # -- the caller's side -----------------------------------------------------------------

    def _drain(self, on_sent: Callable[[R], None], *, block: bool) -> None:
        """Hand on the results that arrived (``block``: every result, until the writer stops)."""
        while True:
            if not block and self._results.empty():
                return
            if self._receive(on_sent) is _DONE:
                return

    def _receive(self, on_sent: Callable[[R], None]) -> R | BaseException | _Done:
        message = self._results.get()
        if isinstance(message, BaseException):
            self._thread.join()  # it stops right after reporting its error
            self._running = False
            raise message
        if not isinstance(message, _Done):
            on_sent(message)
        return message

    # -- the writer thread -----------------------------------------------------------------

    def _work(self) -> None:
        try:
            while True:
                item = self._todo.get()
                if isinstance(item, _Done) or self._stop.is_set():
                    return
                self._results.put(self._send(item))
        except BaseException as error:  # handed to the caller, who re-raises it
            self._results.put(error)
        finally:
            self._results.put(_DONE)
