"""contactkit: multi-tenant contacts on DynamoDB, done right.

Example::

    import contactkit as ck
    db = ck.connect()                       # embedded DynamoDB, zero setup
    table = db.table("contacts").create(exist_ok=True)
    org = table.org("org-a1b2c3d4")
    ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
"""

from __future__ import annotations

from .clock import FixedClock, UlidGenerator, system_clock
from .connection import Database, connect
from .errors import (
    BackendError,
    CancellationReason,
    ConfigurationError,
    ContactKitError,
    EmailTakenError,
    InvalidCursorError,
    NotFoundError,
    ThrottledError,
    TransactionCanceledError,
    ValidationError,
    VersionConflictError,
)
from .model import Address, Contact, ContactSummary, Interaction
from .queries import Page
from .report import FailedRow, ImportReport, InvalidRow, RowWarning, SkippedRow
from .store import OrgStore
from .table import Table

__version__ = "0.1.0"

__all__ = [
    "Address",
    "BackendError",
    "CancellationReason",
    "ConfigurationError",
    "Contact",
    "ContactKitError",
    "ContactSummary",
    "Database",
    "EmailTakenError",
    "FailedRow",
    "FixedClock",
    "ImportReport",
    "Interaction",
    "InvalidCursorError",
    "InvalidRow",
    "NotFoundError",
    "OrgStore",
    "Page",
    "RowWarning",
    "SkippedRow",
    "Table",
    "ThrottledError",
    "TransactionCanceledError",
    "UlidGenerator",
    "ValidationError",
    "VersionConflictError",
    "__version__",
    "connect",
    "system_clock",
]
