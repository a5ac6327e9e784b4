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
from .contacts.audit import AuditEntry
from .contacts.bulk import BulkFailure, BulkReport
from .contacts.duplicates import DuplicateCandidate
from .contacts.erase import EraseReport, PurgeReport
from .contacts.groups import Group
from .contacts.model import Address, Contact, ContactSummary, Interaction
from .contacts.stats import ContactStats
from .dynamo.paging import Page
from .errors import (
    BackendError,
    BackupFormatError,
    CancellationReason,
    ConfigurationError,
    ContactKitError,
    EmailTakenError,
    GroupNotFoundError,
    InvalidCursorError,
    NotFoundError,
    SnapshotWarning,
    ThrottledError,
    TransactionCanceledError,
    ValidationError,
    VersionConflictError,
)
from .frames.loader import load_export, load_frame
from .io.backup import BackupReport, RestoreReport
from .io.export import ExportReport
from .io.report import FailedRow, ImportReport, InvalidRow, RowWarning, SkippedRow
from .ops.iam import tenant_policy
from .ops.sharding import ShardedPartition
from .store import OrgStore
from .table import Table

__version__ = "0.1.0"

# The subpackages the notebooks may import from (with contactkit.lessons); engine (moto) and io
# stay out, the notebooks get FaultInjector from contactkit.lessons. They are bound last on
# purpose: imported first, they load boto3 and its dependencies in another order, and
# `python -X importtime -c "import contactkit"` takes about 45 ms longer.
from . import contacts, dynamo, frames, ops

__all__ = [
    "Address",
    "AuditEntry",
    "BackendError",
    "BackupFormatError",
    "BackupReport",
    "BulkFailure",
    "BulkReport",
    "CancellationReason",
    "ConfigurationError",
    "Contact",
    "ContactKitError",
    "ContactStats",
    "ContactSummary",
    "Database",
    "DuplicateCandidate",
    "EmailTakenError",
    "EraseReport",
    "ExportReport",
    "FailedRow",
    "FixedClock",
    "Group",
    "GroupNotFoundError",
    "ImportReport",
    "Interaction",
    "InvalidCursorError",
    "InvalidRow",
    "NotFoundError",
    "OrgStore",
    "Page",
    "PurgeReport",
    "RestoreReport",
    "RowWarning",
    "ShardedPartition",
    "SkippedRow",
    "SnapshotWarning",
    "Table",
    "ThrottledError",
    "TransactionCanceledError",
    "UlidGenerator",
    "ValidationError",
    "VersionConflictError",
    "__version__",
    "connect",
    "contacts",
    "dynamo",
    "frames",
    "load_export",
    "load_frame",
    "ops",
    "system_clock",
    "tenant_policy",
]
