"""Bulk update and bulk delete, by tag or by a list of ids, with a report.

The changes are validated once, before anything is written (a bad change raises
``ValidationError`` and writes nothing). The targets are then resolved: ``ids`` as given
(duplicates dropped), or every contact with ``tag``, collected in full *before* the first
write, so an update that changes tags cannot move contacts in or out of the walk.

Batched: contacts are read 100 per ``BatchGetItem``, and their writes are packed many to a
``TransactWriteItems`` (at most 100 actions and 4 MB; an update of a contact with two tags is
about 6 actions, so some 15 contacts per request). Every contact's actions keep their own
conditions (the version read, the email claim) and their own audit entry, so a pack applies
exactly what was read or is cancelled whole. A cancelled pack (a concurrent write, a stale
eventually consistent read) is redone one contact at a time through ``OrgStore.update`` /
``OrgStore.delete``, which re-read, so nothing is lost and each contact's outcome is reported.
Deleted contacts' activity (unbounded) is removed after the transactions. The report says what
was done, which ids did not exist, and which failed and why; running the same bulk operation
again after an interruption is safe (updates re-apply the same values; deletes report the
contacts already deleted as not found).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..clock import to_millis
from ..dynamo import limits
from ..dynamo.transactions import Action, action_bytes
from ..dynamo.types import Item, serialize
from ..errors import ContactKitError, NotFoundError, TransactionCanceledError, ValidationError
from . import items, keys
from .actions import changed_contact_actions, name_moved_at
from .audit import changed_fields
from .cleaning import apply_changes, clean_changes
from .model import Contact

if TYPE_CHECKING:
    from .writer import ContactWriter

TAG_PAGE = 100


@dataclass(frozen=True)
class BulkFailure:
    """One contact a bulk operation could not change, and why."""

    contact_id: str
    reason: str


@dataclass(frozen=True)
class BulkReport:
    """The outcome of a bulk operation, per contact id."""

    done: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.not_found) + len(self.failed)


def targets(writer: ContactWriter, ids: Iterable[str] | None, tag: str | None) -> list[str]:
    """The contact ids a bulk operation applies to (exactly one of ``ids`` and ``tag``)."""
    if (ids is None) == (tag is None):
        raise ValidationError("ids", "give either ids=[...] or tag='...', not both or neither")
    if ids is not None:
        if isinstance(ids, str):
            raise ValidationError("ids", "must be a list of ids, not one string")
        chosen = list(dict.fromkeys(ids))
        for contact_id in chosen:
            keys.validate_contact_id(contact_id)
        return chosen
    assert tag is not None
    return [
        c.id for c in writer.lookups.iter_pages(writer.lookups.find_by_tag, tag, limit=TAG_PAGE)
    ]


def run(
    ids: list[str], write: Callable[[str], Any], report: BulkReport | None = None
) -> BulkReport:
    """Write contacts one transaction each, recording every outcome in ``report``."""
    report = report if report is not None else BulkReport()
    for contact_id in ids:
        try:
            write(contact_id)
        except NotFoundError:
            report.not_found.append(contact_id)
        except ContactKitError as error:
            report.failed.append(BulkFailure(contact_id, str(error)))
        else:
            report.done.append(contact_id)
    return report


Unit = tuple[str, list[Action]]


def packed(
    writer: ContactWriter,
    ids: list[str],
    build: Callable[[Item, Contact, str], list[Action]],
    one: Callable[[str], Any],
    operation: str,
) -> BulkReport:
    """Read contacts 100 at a time, write many per transaction, fall back to one at a time.

    Each contact's actions are conditioned on the version read, so a pack either applies
    exactly what was read or is cancelled as a whole; a cancelled pack (a conflict, a stale
    read) is redone contact by contact through ``one``, which re-reads and reports each.
    """
    report = BulkReport()
    for start in range(0, len(ids), limits.MAX_BATCH_GET_KEYS):
        chunk = ids[start : start + limits.MAX_BATCH_GET_KEYS]
        wanted = [serialize(keys.contact_key(writer.org_id, cid)) for cid in chunk]
        found = {
            str(i["id"]["S"]): (i, items.contact_from_item(i))
            for i in writer.reader.batch_get(wanted)
        }
        units: list[Unit] = []
        retry: list[str] = []
        for contact_id in chunk:
            if contact_id not in found:
                retry.append(contact_id)  # BatchGetItem reads eventually: confirm one by one
                continue
            stored, contact = found[contact_id]
            writer.cache.forget(contact_id)
            try:
                units.append((contact_id, build(stored, contact, writer.ids())))
            except ContactKitError as error:
                report.failed.append(BulkFailure(contact_id, str(error)))
        for pack in _packs(units):
            actions = [a for _, unit in pack for a in unit]
            try:
                writer.write(actions, writer.ids(), operation)
            except TransactionCanceledError:
                retry.extend(contact_id for contact_id, _ in pack)
                continue
            report.done.extend(contact_id for contact_id, _ in pack)
        run(retry, one, report)
    return report


def _packs(units: list[Unit]) -> Iterator[list[Unit]]:
    """Consecutive units packed into transactions of at most 100 actions and 4 MB."""
    pack: list[Unit] = []
    count = size = 0
    for unit in units:
        unit_size = sum(action_bytes(a) for a in unit[1])
        if pack and (
            count + len(unit[1]) > limits.MAX_TRANSACTION_ACTIONS
            or size + unit_size > limits.MAX_TRANSACTION_BYTES
        ):
            yield pack
            pack, count, size = [], 0, 0
        pack.append(unit)
        count += len(unit[1])
        size += unit_size
    if pack:
        yield pack


def bulk_update(
    writer: ContactWriter, ids: Iterable[str] | None, tag: str | None, changes: dict[str, Any]
) -> BulkReport:
    """Apply the same ``changes`` to many contacts, packed into few transactions."""
    if not changes:
        raise ValidationError("changes", "nothing to update; pass fields such as company='ACME'")
    for name in ("email", "emails"):
        if name in changes:
            raise ValidationError(name, "is unique per contact; it cannot be set in bulk")
    cleaned = clean_changes(changes, writer.phone_region)  # fail before the first write

    def build(stored: Item, current: Contact, token: str) -> list[Action]:
        updated = dataclasses.replace(
            apply_changes(current, cleaned),
            version=current.version + 1,
            updated_at=to_millis(writer.clock()),
        )
        fields = changed_fields(current, updated)
        return [
            *changed_contact_actions(
                current, updated, token, name_moved_at=name_moved_at(stored, current, updated)
            ),
            writer.audit_action("update", current.id, token, fields, "bulk"),
        ]

    return packed(
        writer,
        targets(writer, ids, tag),
        build,
        lambda cid: writer.update(cid, None, changes),
        "bulk_update",
    )


def bulk_delete(writer: ContactWriter, ids: Iterable[str] | None, tag: str | None) -> BulkReport:
    """Delete many contacts (each with its claim, tags, memberships and activity)."""
    contacted: set[str] = set()  # only contacts ever contacted have activity to remove

    def build(_stored: Item, current: Contact, token: str) -> list[Action]:
        if current.last_contacted_at is not None:
            contacted.add(current.id)
        return writer.delete_actions(current, token)

    report = packed(writer, targets(writer, ids, tag), build, writer.delete, "bulk_delete")
    for contact_id in report.done:
        if contact_id in contacted:
            writer.purge_activity(contact_id)  # unbounded, so after the transactions (resumable)
    return report
