"""Progress bars for long loads: shown only for big loads, only to a person watching.

A bar appears once a load passes ``threshold`` items, when ``progress`` is true, or, when it is
``None``, when the session is interactive (a terminal or a Jupyter kernel) and
``CONTACTKIT_PROGRESS`` is not ``0``. Small loads, scripts, CI logs and ``progress=False`` get none.
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType
from typing import Any

PROGRESS_VARIABLE = "CONTACTKIT_PROGRESS"
DEFAULT_THRESHOLD = 5_000


def wanted(progress: bool | None) -> bool:
    """Whether to show progress: explicit choice first, then the variable, then interactivity."""
    if progress is not None:
        return progress
    if os.environ.get(PROGRESS_VARIABLE, "").strip() == "0":
        return False
    return "ipykernel" in sys.modules or sys.stderr.isatty()


class Progress:
    """Counts loaded items; opens a tqdm bar once past ``threshold`` (thread-safe)."""

    def __init__(
        self,
        progress: bool | None,
        *,
        description: str,
        total: int | None = None,
        threshold: int = DEFAULT_THRESHOLD,
    ) -> None:
        self.enabled = wanted(progress)
        self.description = description
        self.total = total
        self.threshold = threshold
        self.count = 0
        self.bar: Any = None
        self._lock = threading.Lock()

    def update(self, items: int) -> None:
        with self._lock:
            self.count += items
            if self.bar is not None:
                self.bar.update(items)
            elif self.enabled and self.count >= self.threshold:
                from tqdm.auto import tqdm

                self.bar = tqdm(
                    total=self.total, initial=self.count, desc=self.description, unit=" items"
                )

    def close(self) -> None:
        with self._lock:
            if self.bar is not None:
                self.bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
