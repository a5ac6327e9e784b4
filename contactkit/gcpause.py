"""Python's cyclic garbage collector paused while a bulk job runs (an import, a frame load, a
request the embedded engine serves).

A bulk job allocates millions of small dicts and lists, all freed by reference counting; the
cyclic collector would meanwhile re-scan the growing heap again and again. Measured: orjson
parses a 1 MB page in 17 ms with it paused, 75 ms without; an import of 5,000 contacts spends
a quarter of its client time in the collector, and the engine in its own process 0.25 s of its
2.5-2.8 s (``docs/benchmarks.md``). The pause is process-wide (``gc.disable()``): nested
and concurrent jobs share it, it ends when the last of them ends, and the collector is
switched back on only if it was on when the first began (as Mercurial's ``util.nogc`` does
around its large dict builds).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _CollectorPause:
    """Pauses Python's cyclic garbage collector while any bulk job runs (nested, threads: fine)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs = 0
        self._was_enabled = True

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._jobs == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._jobs += 1
        try:
            yield
        finally:
            with self._lock:
                self._jobs -= 1
                if self._jobs == 0 and self._was_enabled:
                    gc.enable()


collector_paused = _CollectorPause()
