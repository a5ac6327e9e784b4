"""The contacts domain: keys, the model, items, search tokens, and the features built on them.

Every module takes public objects (a writer, a reader, a clock) and returns values; none opens a
connection. The modules are importable one by one; the names below are the ones other layers and
the notebooks use::

    from contactkit.contacts import Contact, keys
    keys.tenant_partition_key("org-a1b2c3d4")  # 'ORG#org-a1b2c3d4'
"""

from __future__ import annotations

from . import (
    actions,
    audit,
    bulk,
    cleaning,
    erase,
    groups,
    items,
    keys,
    lookups,
    merge,
    migrate,
    model,
    orgdata,
    phones,
    search,
    shapes,
    stats,
)
from .actions import search_fields
from .audit import AuditEntry
from .bulk import BulkFailure, BulkReport
from .duplicates import DuplicateCandidate
from .erase import EraseReport, PurgeReport
from .groups import Group
from .migrate import EmailCollision, MigrationReport
from .model import Address, Contact, ContactSummary, Email, Interaction, LabeledValue, PhoneNumber
from .phones import Phone
from .search import SearchFields, contact_tokens
from .stats import ContactStats

__all__ = [
    "Address",
    "AuditEntry",
    "BulkFailure",
    "BulkReport",
    "Contact",
    "ContactStats",
    "ContactSummary",
    "DuplicateCandidate",
    "Email",
    "EmailCollision",
    "EraseReport",
    "Group",
    "Interaction",
    "LabeledValue",
    "MigrationReport",
    "Phone",
    "PhoneNumber",
    "PurgeReport",
    "SearchFields",
    "actions",
    "audit",
    "bulk",
    "cleaning",
    "contact_tokens",
    "erase",
    "groups",
    "items",
    "keys",
    "lookups",
    "merge",
    "migrate",
    "model",
    "orgdata",
    "phones",
    "search",
    "search_fields",
    "shapes",
    "stats",
]
