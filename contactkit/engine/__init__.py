"""The embedded DynamoDB engine (moto, in-process, over HTTP), its fault injector and snapshots.

``connect()`` starts an :class:`EmbeddedEngine` when no endpoint is configured; ``contactkit
serve --snapshot`` and ``connect(path=...)`` keep its tables in a snapshot file
(:class:`SnapshotKeeper`); ``connect(engine_process=True)`` runs it in a child process
(:class:`EngineProcess`); tests and lessons inject the failures moto never
produces with :class:`FaultInjector`. Importing moto takes a while, so ``embedded`` (and
``EmbeddedEngine``) load on first use::

    from contactkit.engine import FaultInjector
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import autosave, faults, process, snapshot
from .autosave import SnapshotKeeper
from .faults import FaultInjector
from .process import EngineProcess
from .snapshot import SnapshotInfo

if TYPE_CHECKING:
    from . import embedded
    from .embedded import EmbeddedEngine

# moto takes longer to import than the rest of contactkit: embedded loads on first use.
_LAZY = {"embedded": "", "EmbeddedEngine": "EmbeddedEngine"}

__all__ = [
    "EmbeddedEngine",
    "EngineProcess",
    "FaultInjector",
    "SnapshotInfo",
    "SnapshotKeeper",
    "autosave",
    "embedded",
    "faults",
    "process",
    "snapshot",
]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.embedded")
    return getattr(module, _LAZY[name]) if _LAZY[name] else module
