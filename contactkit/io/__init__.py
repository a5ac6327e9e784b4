"""Contacts in and out of files: import, export, backup and restore, and their reports.

``formats`` reads contacts files (CSV family, JSON, vCard; encodings) and ``importer`` plans and
writes an import; ``export`` and ``backup`` write files. The store and the table call them
(``org.import_contacts``, ``org.export``, ``table.backup``); the reports are public::

    from contactkit.io import ImportReport, formats
    formats.read_source("data/seed-contacts.csv").format  # 'csv'
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from . import backup, export, progress, report, spreadsheet
from .backup import BackupReport, RestoreReport
from .export import ExportReport
from .report import FailedRow, ImportReport, InvalidRow, RowWarning, SkippedRow

if TYPE_CHECKING:
    from . import formats, importer

# The readers and the import plan pull in charset-normalizer and more (tens of milliseconds):
# they load on first use, so ``import contactkit`` does not pay for them.
_LAZY_MODULES = frozenset({"formats", "importer"})

__all__ = [
    "BackupReport",
    "ExportReport",
    "FailedRow",
    "ImportReport",
    "InvalidRow",
    "RestoreReport",
    "RowWarning",
    "SkippedRow",
    "backup",
    "export",
    "formats",
    "importer",
    "progress",
    "report",
    "spreadsheet",
]


def __getattr__(name: str) -> ModuleType:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
