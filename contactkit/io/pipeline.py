"""Writer threads fed through a bounded queue, so the caller prepares the next requests while
earlier ones are on their way to the endpoint.

The caller's thread keeps everything that must happen in a fixed order (ids, clock readings,
progress callbacks); the writer threads only send what they are given, taking items in the
order given, and report back through a second queue that the caller reads. So a remote
engine's work and the network's latency overlap the caller's CPU work, and nothing of the
caller's state is touched from two threads at once.

With one writer, a request's own client work (serialising, signing, parsing the answer) still
alternates with the endpoint's work on it; with two (``workers=2``), one request is prepared
and sent while the endpoint works on the other. When the caller's thread is busy too, a
writer waits for the interpreter lock before it can read its answer, and a third writer keeps
the endpoint busy meanwhile. Items are sent in order but may complete out of order.

Example::

    with WriterThread(send, depth=2, workers=2) as writer:
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
_POLL_SECONDS = 0.05  # how long the caller waits for room before looking at results again


class _Done:
    """The writer thread's last message: it has stopped."""


_DONE = _Done()


class WriterThread(Generic[T, R]):
    """Sends queued items with ``send`` in ``workers`` background threads, taken in order.

    ``send``'s results reach the caller's ``on_sent`` in the caller's thread (in
    :meth:`put` and :meth:`finish`); an exception ``send`` raises stops the writers and is
    re-raised in the caller (with the writer thread's traceback) by the next ``put`` or
    ``finish``. Leaving the ``with`` block early (an error, ``KeyboardInterrupt``) drops the
    items not yet sent, lets the ones being sent finish, and joins the threads.
    """

    def __init__(self, send: Callable[[T], R], *, depth: int = 2, workers: int = 1) -> None:
        self._send = send
        self._depth = depth  # items waiting for a writer, at most (the end marks aside)
        self._todo: queue.Queue[T | _Done] = queue.Queue()
        self._results: queue.SimpleQueue[R | BaseException | _Done] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"{THREAD_NAME}-{n}", daemon=True)
            for n in range(workers)
        ]
        self._running = 0  # writer threads not yet reported stopped
        self._room = threading.Event()  # set by a writer when it takes an item

    def __enter__(self) -> WriterThread[T, R]:
        for thread in self._threads:
            thread.start()
        self._running = len(self._threads)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def put(self, item: T, on_sent: Callable[[R], None]) -> None:
        """Queue ``item``; waits (handing results to ``on_sent``) while ``depth`` items wait."""
        while True:
            self._drain(on_sent, block=False)
            if self._todo.qsize() < self._depth:
                self._todo.put_nowait(item)
                return
            # A writer takes an item as soon as it is free: poll for the room, not for a
            # result (with several writers, the next result may come much later).
            self._room.wait(_POLL_SECONDS)
            self._room.clear()

    def finish(self, on_sent: Callable[[R], None]) -> None:
        """Wait until every queued item is sent (results to ``on_sent``); join the threads."""
        for _ in self._threads:  # one end mark per writer: each takes one and stops
            self._todo.put_nowait(_DONE)
        self._drain(on_sent, block=True)
        self._join()

    def stop(self) -> None:
        """Send nothing more: drop what waits, let the items being sent finish, join."""
        if not self._running:
            return
        self._stop.set()
        while True:
            try:
                self._todo.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._todo.put_nowait(_DONE)  # wakes the writers waiting for an item
        self._join()

    def _join(self) -> None:
        for thread in self._threads:
            thread.join()
        self._running = 0

    # -- the caller's side -----------------------------------------------------------------

    def _drain(self, on_sent: Callable[[R], None], *, block: bool) -> None:
        """Hand on the results that arrived (``block``: every result, until the writers stop)."""
        while self._running:
            if not block and self._results.empty():
                return
            self._receive(on_sent)

    def _receive(self, on_sent: Callable[[R], None]) -> None:
        """Wait for the next message: a result (to ``on_sent``), an error, or a writer's end."""
        message = self._results.get()
        if isinstance(message, BaseException):
            self.stop()  # the failed writer has stopped; the others finish what they send
            raise message
        if isinstance(message, _Done):
            self._running -= 1
        else:
            on_sent(message)

    # -- the writer thread -----------------------------------------------------------------

    def _work(self) -> None:
        try:
            while True:
                item = self._todo.get()
                self._room.set()
                if isinstance(item, _Done) or self._stop.is_set():
                    return
                self._results.put(self._send(item))
        except BaseException as error:  # handed to the caller, who re-raises it
            self._stop.set()  # the other writers take nothing more
            self._results.put(error)
        finally:
            self._results.put(_DONE)
