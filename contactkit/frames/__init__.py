"""Contacts as pandas DataFrames: loading them fast, their columns, statistics and charts.

``loader`` and ``columns`` import pandas only when a frame is built, so ``import contactkit``
stays fast; ``analytics`` and ``charts`` import pandas (and matplotlib) at the top and therefore
load on first use, either ``from contactkit.frames import analytics, charts`` or the attribute
``contactkit.frames.analytics``::

    from contactkit.frames import analytics, load_frame
    df = load_frame(org)
    analytics.top_companies(df, 5)
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from . import columns, loader
from .columns import COLUMN_NAMES, Column
from .loader import load_export, load_frame

if TYPE_CHECKING:
    from . import analytics, charts

# Importing pandas costs more than the rest of contactkit together: these load on first use.
_LAZY_MODULES = frozenset({"analytics", "charts"})

__all__ = [
    "COLUMN_NAMES",
    "Column",
    "analytics",
    "charts",
    "columns",
    "load_export",
    "load_frame",
    "loader",
]


def __getattr__(name: str) -> ModuleType:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
