"""The org-wide audit trail: one item per write made through the store (pure, no I/O).

Every store write puts one audit item in the same ``TransactWriteItems`` as the change it
records, so the trail can never miss a write nor record one that did not happen (one action of
each transaction's budget, see :mod:`contactkit.dynamo.limits`). Items are spread over
``AUDIT_SHARDS`` partitions, ``ORG#<org>#AUDIT#<shard>`` (the shard a hash of the contact's id,
:func:`~contactkit.contacts.keys.audit_shard`), each sorted by ``AUDIT#<timestamp>#<ulid>``:
reading the trail newest first is one backwards Query per shard, merged
(:meth:`~contactkit.contacts.lookups.OrgLookups.audit`). Entries of the earlier single
partition ``ORG#<org>#AUDIT`` are read with them. An entry says what happened (``action``),
when, to which contact, and which fields changed: field *names* only, so the trail holds no
copy of personal data and ``org.erase()`` only has to delete the entries that name the contact.

Why shards: with one audit partition every write of an org lands on one partition key whose
sort keys only increase, which DynamoDB serves at up to 1,000 WCU/s and cannot split for heat
(new entries always go to the end of its range). docs/keys.md gives the measurements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ulid import ULID

from ..clock import format_timestamp, parse_timestamp
from ..dynamo.types import Item, PlainItem, deserialize, serialize
from . import items, keys
from .model import EDITABLE_FIELDS

# Contact attributes an audit entry may name as changed.
AUDITED_FIELDS = (*EDITABLE_FIELDS, "groups", "last_contacted_at")


@dataclass(frozen=True)
class AuditEntry:
    """One write made through the store: ``action`` (add, update, delete, ...) at ``at``."""

    id: str
    at: datetime
    action: str
    contact_id: str | None = None
    fields: tuple[str, ...] = ()
    detail: str | None = None


def audit_item(
    org_id: str,
    entry_id: str,
    at: datetime,
    action: str,
    contact_id: str | None = None,
    fields: Sequence[str] = (),
    detail: str | None = None,
) -> Item:
    """The item recording one write (``contact_id`` absent for org-level writes)."""
    stamp = format_timestamp(at)
    return serialize(
        {
            "PK": keys.audit_partition_key(org_id, keys.audit_shard(contact_id or entry_id)),
            "SK": keys.audit_sort_key(stamp, entry_id),
            "type": items.AUDIT_TYPE,
            "action": action,
            "contact_id": contact_id,
            "fields": list(fields) or None,
            "detail": detail,
            "at": stamp,
        }
    )


def entry_from_item(item: Item) -> AuditEntry:
    values: PlainItem = deserialize(item)
    return AuditEntry(
        id=str(values["SK"]).rsplit(keys.SEPARATOR, 1)[-1],
        at=parse_timestamp(values["at"]),
        action=values["action"],
        contact_id=values.get("contact_id"),
        fields=tuple(values.get("fields", ())),
        detail=values.get("detail"),
    )


def id_time(ulid: str) -> datetime:
    """The moment encoded in a ULID (its first 48 bits, milliseconds since the epoch)."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
        milliseconds=ULID.from_str(ulid).milliseconds
    )


def changed_fields(old: Any, new: Any) -> tuple[str, ...]:
    """Names of the audited fields whose values differ between two contacts."""
    return tuple(f for f in AUDITED_FIELDS if getattr(old, f, None) != getattr(new, f, None))
