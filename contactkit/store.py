"""The tenant-scoped contact store: every read and write of one org, and nothing outside it.

Writes are single ``TransactWriteItems`` (see :mod:`contactkit.dynamo.limits` for the worst-case
action counts). Each write carries a fresh ``write_token`` stored on the contact item and a
condition on the version it read, which gives three guarantees:

* optimistic locking: a write based on a stale read is cancelled (``VersionConflictError``
  when the caller passed ``expected_version``; otherwise re-read and re-applied);
* email uniqueness within the org: the uniqueness item is created with
  ``attribute_not_exists`` in the same transaction as the contact;
* safe retries: if a write succeeded but its answer was lost, the retry's condition fails and
  returns the stored item (``ALL_OLD``); finding our own ``write_token`` there means success.
"""

from __future__ import annotations

import dataclasses
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from .clock import format_timestamp, to_millis
from .contacts import bulk, erase, groups, items, keys, merge
from .contacts.actions import (
    changed_contact_actions,
    email_actions,
    name_moved_at,
    new_contact_actions,
    put_contact,
    tag_actions,
    token_actions,
    token_plan,
)
from .contacts.actions import put as _put
from .contacts.audit import AuditEntry, audit_item, changed_fields, entry_from_item, id_time
from .contacts.bulk import BulkReport
from .contacts.erase import EraseReport, PurgeReport
from .contacts.groups import Group
from .contacts.lookups import OrgLookups
from .contacts.merge import DuplicateCandidate
from .contacts.model import (
    Contact,
    ContactSummary,
    Interaction,
    apply_changes,
    clean_changes,
    clean_new,
    clean_text,
)
from .dynamo import limits
from .dynamo.batches import batch_write, chunks
from .dynamo.expressions import render
from .dynamo.paging import Page
from .dynamo.queries import OrgReader
from .dynamo.transactions import Action, TransactionWriter
from .dynamo.types import deserialize, serialize
from .errors import (
    CancellationReason,
    EmailTakenError,
    NotFoundError,
    TransactionCanceledError,
    ValidationError,
    VersionConflictError,
)
from .io.export import ExportReport, export_contacts

if TYPE_CHECKING:
    from .contacts.stats import ContactStats
    from .io.importer import OnConflict, Plan, Progress
    from .io.report import ImportReport
    from .table import Table

MAX_REREADS = 5  # unversioned updates re-read and re-apply at most this often under contention


class OrgStore(OrgLookups):
    """Contacts of one org. Get it from ``table.org("org-a1b2c3d4")``.

    Reads are in :class:`~contactkit.contacts.lookups.OrgLookups`; this class adds the writes.
    ``cache_size`` > 0 keeps that many contacts from ``get`` in a read-through cache that every
    write through this store updates (other writers are not seen: off by default).

    Example::

        org = table.org("org-a1b2c3d4")
        c = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        org.update(c.id, expected_version=c.version, company="Analytical Engines")
    """

    def __init__(
        self, table: Table, org_id: str, *, phone_region: str = "US", cache_size: int = 0
    ) -> None:
        self.org_id = keys.validate_org_id(org_id)
        self.table = table
        self.phone_region = phone_region
        self._client = table.dynamo
        self._clock = table.db.clock
        self._ids = table.db.ids
        self._writer = TransactionWriter(table.dynamo, table.name)
        self._reader = OrgReader(
            table.dynamo, table.name, self.org_id, table.db.cursors, clock=table.db.clock
        )
        self._cache_size = cache_size
        self._cache = OrderedDict() if cache_size > 0 else None

    def __repr__(self) -> str:
        return f"<contactkit.OrgStore {self.org_id} in {self.table.name!r}>"

    # -- reads ---------------------------------------------------------------------------

    def activity(
        self, contact_id: str, *, limit: int = 20, cursor: str | None = None
    ) -> Page[Interaction]:
        """A contact's interactions, newest first (one Query of its activity partition)."""
        keys.validate_contact_id(contact_id)
        found, next_cursor = self._reader.query_page(
            "activity",
            {"contact_id": contact_id},
            Key("PK").eq(keys.activity_partition_key(self.org_id, contact_id))
            & Key("SK").begins_with(keys.ACTIVITY_PREFIX),
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return Page([_interaction(deserialize(i)) for i in found], next_cursor)

    def audit(self, *, limit: int = 25, cursor: str | None = None) -> Page[AuditEntry]:
        """The org's audit trail, newest first: one Query of its audit partition.

        Example::

            page = org.audit(limit=10)
            [(e.action, e.contact_id, e.fields) for e in page]
        """
        found, next_cursor = self._reader.query_page(
            "audit",
            {},
            Key("PK").eq(keys.audit_partition_key(self.org_id))
            & Key("SK").begins_with(keys.AUDIT_PREFIX),
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return Page([entry_from_item(i) for i in found], next_cursor)

    def stats(self, *, now: datetime | None = None, top: int = 5) -> ContactStats:
        """The seed's statistics over every contact of the org (a full, paginated Query).

        "Recently contacted" means within 30 days before ``now`` (default: the clock's now).
        """
        from .clock import parse_timestamp
        from .contacts.stats import STATS_ATTRIBUTES, contact_stats

        found = self._reader.query_all(self._contacts_condition(), attributes=STATS_ATTRIBUTES)
        contacts = (
            {
                **values,
                "last_contacted_at": parse_timestamp(at)
                if (at := values.get("last_contacted_at"))
                else None,
            }
            for values in map(deserialize, found)
        )
        return contact_stats(contacts, now or self._clock(), top=top)

    # -- writes --------------------------------------------------------------------------

    def add(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        company: str | None = None,
        job_title: str | None = None,
        tags: list[str] | tuple[str, ...] | None = None,
        address: Mapping[str, str] | None = None,
        custom_fields: Mapping[str, str] | None = None,
        notes: str | None = None,
        favorite: bool = False,
    ) -> Contact:
        """Create a contact; its email must be unused in this org (``EmailTakenError``).

        Example::

            org.add(first_name="John", last_name="Doe", email="john.doe@example.com",
                    phone="555-123-4567", tags=["vip", "client"])
        """
        given = {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "company": company,
            "job_title": job_title,
            "tags": tags,
            "address": address,
            "custom_fields": custom_fields,
            "notes": notes,
            "favorite": favorite,
        }
        cleaned = clean_new({k: v for k, v in given.items() if v is not None}, self.phone_region)
        now = to_millis(self._clock())
        blank = Contact(
            id=self._ids(),
            org_id=self.org_id,
            first_name="",
            last_name="",
            email="",
            created_at=now,
            updated_at=now,
        )
        contact = apply_changes(blank, cleaned)
        token = self._ids()
        actions = [
            *new_contact_actions(contact, token),
            self._audit_action("add", contact.id, token, changed_fields(None, contact)),
        ]
        try:
            self._writer.write(actions, token, "add")
        except TransactionCanceledError as error:
            contact_reason, unique_reason = error.reasons[0], error.reasons[1]
            if items.write_token_of(contact_reason.item) == token:
                return contact  # our own earlier attempt succeeded; its answer was lost
            if unique_reason.code == "ConditionalCheckFailed":
                owner = _attribute(unique_reason, "contact_id")
                if owner == contact.id:
                    return contact
                raise EmailTakenError(contact.email, owner) from error
            raise
        self._remember(contact)
        return contact

    def update(
        self, contact_id: str, expected_version: int | None = None, **changes: Any
    ) -> Contact:
        """Change some fields of a contact and return the new version.

        With ``expected_version`` the update applies only if nobody wrote since that version
        (``VersionConflictError`` otherwise); without it, it is re-applied on a fresh read.
        Changing the email moves its uniqueness claim in the same transaction.
        """
        cleaned = clean_changes(changes, self.phone_region)
        if not cleaned:
            raise ValidationError(
                "changes", "nothing to update; pass fields such as company='ACME'"
            )
        return self._rewrite(contact_id, expected_version, lambda c: apply_changes(c, cleaned))

    def set_favorite(self, contact_id: str, favorite: bool = True) -> Contact:
        """Mark or unmark a favourite (favourites alone are in the sparse ``gsi-favorites``)."""
        return self.update(contact_id, favorite=favorite)

    def record_interaction(
        self, contact_id: str, kind: str, note: str | None = None, at: datetime | None = None
    ) -> Contact:
        """Append an interaction to the contact's activity and move its last-contacted time."""
        kind_text = clean_text("kind", kind, limits.INTERACTION_KIND_MAX, required=True)
        note_text = clean_text("note", note, limits.INTERACTION_NOTE_MAX, multiline=True)
        if at is not None and at.tzinfo is None:
            raise ValidationError("at", "must be timezone-aware, for example datetime.now(UTC)")
        moment = to_millis(at or self._clock())
        activity_id = self._ids()

        def touch(contact: Contact) -> Contact:
            last = contact.last_contacted_at
            return dataclasses.replace(
                contact, last_contacted_at=moment if last is None or moment > last else last
            )

        def activity(contact: Contact) -> list[Action]:
            item = items.activity_item(
                contact, activity_id, str(kind_text), note_text, format_timestamp(moment)
            )
            return [_put(item, Attr("PK").not_exists())]

        return self._rewrite(
            contact_id,
            None,
            touch,
            extra_actions=activity,
            operation="interaction",
            detail=kind_text,
        )

    def delete(self, contact_id: str, expected_version: int | None = None) -> None:
        """Delete a contact with its email claim, tag items and activity.

        ``NotFoundError`` if it does not exist. The contact, its uniqueness item and its tag
        items go in one transaction; its activity (unbounded) is then removed by
        :meth:`purge_activity`, which is safe to call again if interrupted.
        """
        self._forget(contact_id)
        for _ in range(MAX_REREADS):
            item = self._read_contact_item(contact_id)
            if item is None:
                raise NotFoundError(self.org_id, contact_id)
            current = items.contact_from_item(item)
            if expected_version is not None and current.version != expected_version:
                raise VersionConflictError(contact_id, expected_version, current.version)
            token = self._ids()
            actions = self._delete_actions(current, token)
            try:
                self._writer.write(actions, token, "delete")
            except TransactionCanceledError as error:
                stored = error.reasons[0].item
                if error.reasons[0].code == "ConditionalCheckFailed" and stored is None:
                    break  # already gone: deleted by our own lost-answer attempt, or concurrently
                if error.reasons[0].code != "ConditionalCheckFailed":
                    raise
                if expected_version is not None:
                    raise VersionConflictError(
                        contact_id, expected_version, items.version_of(stored)
                    ) from error
                continue
            break
        else:
            raise VersionConflictError(contact_id, current.version, None)
        self.purge_activity(contact_id)

    def purge_activity(self, contact_id: str) -> int:
        """Delete a contact's activity items in batches of 25; returns how many were deleted.

        Resumable: it deletes whatever is left, so running it again after an interruption
        finishes the job. ``delete()`` calls it after removing the contact.
        """
        keys.validate_contact_id(contact_id)
        deleted = 0
        condition = render(
            Key("PK").eq(keys.activity_partition_key(self.org_id, contact_id)),
            key_condition=True,
            name="KeyConditionExpression",
        )
        while True:
            response = self._client.call(
                "Query",
                TableName=self.table.name,
                ProjectionExpression="PK, SK",
                Limit=limits.MAX_BATCH_WRITE_ITEMS * 4,
                **condition,
            )
            found = response.get("Items", [])
            if not found:
                return deleted
            for chunk in chunks({"DeleteRequest": {"Key": key}} for key in found):
                batch_write(self._client, self.table.name, chunk)
                deleted += len(chunk)

    # -- groups (contactkit.contacts.groups) -------------------------------------------------------

    def create_group(self, name: str) -> Group:
        """Create a group (names are case-insensitive): ``org.create_group("Friends")``."""
        return groups.create_group(self, name)

    def rename_group(self, old: str, new: str) -> Group:
        """Rename a group and move its members; resumable (call again to finish)."""
        return groups.rename_group(self, old, new)

    def delete_group(self, name: str) -> int:
        """Delete a group and its memberships; returns how many contacts left it."""
        return groups.delete_group(self, name)

    def add_to_group(self, name: str, contact_id: str) -> Contact:
        """Add a contact to an existing group (one transaction)."""
        return groups.add_to_group(self, name, contact_id)

    def remove_from_group(self, name: str, contact_id: str) -> Contact:
        """Remove a contact from a group (one transaction; nothing if not a member)."""
        return groups.remove_from_group(self, name, contact_id)

    def groups(self) -> list[Group]:
        """Every group of the org (one Query)."""
        return groups.groups(self)

    def group_members(
        self, name: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """A page of a group's members (one Query and one BatchGetItem)."""
        return groups.group_members(self, name, limit=limit, cursor=cursor)

    def contact_groups(self, contact_id: str) -> list[str]:
        """The groups a contact is in (one GetItem)."""
        return groups.contact_groups(self, contact_id)

    # -- files (contactkit.io.export) ---------------------------------------------------------

    def export(self, path: str | Path, format: str | None = None) -> ExportReport:
        """Write every contact to ``path`` as ``"csv"``, ``"json"`` or ``"vcf"``.

        The format defaults to the file's extension. The files import back with
        ``org.import_contacts`` with nothing lost; see :mod:`contactkit.io.export`.

        Example::

            org.export("contacts.csv")
        """
        return export_contacts(self, path, format)

    # -- forgetting (contactkit.contacts.erase) ----------------------------------------------------

    def erase(self, contact_id: str) -> EraseReport:
        """Remove a contact with everything about it: activity, memberships, tags, search
        entries, email claim and the audit entries naming it. Resumable.

        Example::

            org.erase(contact_id)   # EraseReport(contact=True, activity=3, audit_entries=5)
        """
        return erase.erase(self, contact_id)

    def purge(self) -> PurgeReport:
        """Delete every item of this org (resumable: run it again to finish)."""
        return erase.purge(self)

    # -- bulk (contactkit.contacts.bulk) ---------------------------------------------------

    def bulk_update(
        self, ids: Iterable[str] | None = None, tag: str | None = None, **changes: Any
    ) -> BulkReport:
        """Apply the same changes to the contacts in ``ids`` or with ``tag``; a report per id.

        Example::

            org.bulk_update(tag="lead", company="ACME")  # BulkReport(done=[...], ...)
        """
        return bulk.bulk_update(self, ids, tag, changes)

    def bulk_delete(self, ids: Iterable[str] | None = None, tag: str | None = None) -> BulkReport:
        """Delete the contacts in ``ids`` or with ``tag``; a report per id."""
        return bulk.bulk_delete(self, ids, tag)

    # -- duplicates (contactkit.contacts.merge) ----------------------------------------------------

    def duplicate_candidates(self, min_score: float = 85.0) -> list[DuplicateCandidate]:
        """Pairs of contacts that may be one person (same email or phone, similar names).

        Reads the org once (projected); best score first. See :mod:`contactkit.contacts.merge`.
        """
        return merge.duplicate_candidates(self, min_score)

    def merge(self, keep_id: str, other_id: str) -> Contact:
        """Fold ``other_id`` into ``keep_id`` (fields, tags, groups, activity), then delete it.

        The merge rule and the resumable sequence are in :mod:`contactkit.contacts.merge`.

        Example::

            best = org.duplicate_candidates()[0]
            org.merge(best.first.id, best.second.id)
        """
        return merge.merge(self, keep_id, other_id)

    def import_contacts(
        self,
        source: str | os.PathLike[str] | IO[Any] | Iterable[Mapping[str, Any]],
        format: str | None = None,
        dry_run: bool = False,
        on_conflict: OnConflict = "skip",
        progress: Progress = None,
        *,
        plan: Plan = "atomic",
        encoding: str | None = None,
    ) -> ImportReport:
        """Import contacts from a file or dicts, validated like ``add``; returns a report.

        ``source``: a path, an open file or an iterable of dicts with our field names.
        ``format``: ``csv``, ``json``, ``jsonl``, ``google``, ``google-old``, ``outlook``,
        ``google-outlook`` or ``vcard``; by default from the extension and the header.
        ``on_conflict``: an email already in the org is ``"skip"``-ped or its contact
        ``"update"``-d. ``progress``: ``None`` shows a bar for large interactive imports
        (``CONTACTKIT_PROGRESS=0`` turns it off), ``True``/``False`` force it, a callable gets
        ``(done, total)``. ``plan``: see :mod:`contactkit.io.importer` and ``docs/import.md``.

        Example::

            report = org.import_contacts("data/seed-contacts.csv")
            report.imported, report.warnings, report.requests, report.minimum_requests
        """
        from .io.formats import read_source
        from .io.importer import Importer

        read = read_source(source, format, encoding)
        importer = Importer(
            self, on_conflict=on_conflict, dry_run=dry_run, plan=plan, progress=progress
        )
        report = importer.run(read)
        for contact_id in report.contact_ids.values():
            self._forget(contact_id)
        if not dry_run and (report.imported or report.updated):
            self._audit_import(report.imported, report.updated)
        return report

    def _audit_import(self, imported: int, updated: int) -> None:
        """One audit entry per import run (its packed transactions carry none of their own)."""
        token = self._ids()
        detail = f"{imported} imported, {updated} updated"
        self._writer.write([self._audit_action("import", None, token, (), detail)], token, "import")

    # -- internals -----------------------------------------------------------------------

    def _put_contact(
        self, contact: Contact, token: str, condition: Any, *, name_moved_at: str | None = None
    ) -> Action:
        return put_contact(contact, token, condition, name_moved_at=name_moved_at)

    def _rewrite(
        self,
        contact_id: str,
        expected_version: int | None,
        change: Callable[[Contact], Contact],
        extra_actions: Callable[[Contact], list[Action]] | None = None,
        *,
        operation: str = "update",
        detail: str | None = None,
    ) -> Contact:
        """Read, change, and write back a contact under a version condition (audited)."""
        self._forget(contact_id)  # always start from the stored contact, never a cached one
        for _ in range(MAX_REREADS):
            item = self._read_contact_item(contact_id)
            if item is None:
                raise NotFoundError(self.org_id, contact_id)
            current = items.contact_from_item(item)
            if expected_version is not None and current.version != expected_version:
                raise VersionConflictError(contact_id, expected_version, current.version)
            updated = dataclasses.replace(
                change(current), version=current.version + 1, updated_at=to_millis(self._clock())
            )
            token = self._ids()
            actions = [
                *changed_contact_actions(
                    current, updated, token, name_moved_at=name_moved_at(item, current, updated)
                ),
                *self._membership_actions(current, updated),
                *(extra_actions(updated) if extra_actions else []),
                self._audit_action(
                    operation, contact_id, token, changed_fields(current, updated), detail
                ),
            ]
            try:
                self._writer.write(actions, token, "update")
            except TransactionCanceledError as error:
                stored = error.reasons[0].item
                if items.write_token_of(stored) == token:
                    self._remember(updated)
                    return updated  # our own earlier attempt succeeded; its answer was lost
                if error.reasons[0].code == "ConditionalCheckFailed":
                    if stored is None:
                        raise NotFoundError(self.org_id, contact_id) from error
                    if expected_version is not None:
                        raise VersionConflictError(
                            contact_id, expected_version, items.version_of(stored)
                        ) from error
                    continue  # someone else wrote first: re-read and re-apply
                for reason in error.reasons[1:]:
                    if (
                        reason.code == "ConditionalCheckFailed"
                        and reason.item
                        and "contact_id" in reason.item
                    ):
                        raise EmailTakenError(
                            updated.email, _attribute(reason, "contact_id")
                        ) from error
                raise
            self._remember(updated)
            return updated
        raise VersionConflictError(contact_id, current.version, None)

    def _email_actions(self, old: Contact, new: Contact) -> list[Action]:
        return email_actions(old, new)

    def _tag_actions(self, old: Contact, new: Contact) -> list[Action]:
        return tag_actions(old, new)

    def _delete_actions(self, current: Contact, token: str) -> list[Action]:
        """Delete a contact (if still at the version read) and every item derived from it."""
        return [
            {
                "Delete": {
                    "Key": serialize(keys.contact_key(self.org_id, current.id)),
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    **render(Attr("version").eq(current.version)),
                }
            },
            {
                "Delete": {
                    "Key": serialize(keys.uniqueness_key(self.org_id, current.email)),
                    **render(Attr("contact_id").eq(current.id)),
                }
            },
            *({"Delete": {"Key": items.tag_key(current, t)}} for t in current.tags),
            *self._token_actions(current, None),
            *({"Delete": {"Key": items.member_key(current, g)}} for g in current.groups),
            self._audit_action("delete", current.id, token),
        ]

    def _membership_actions(self, old: Contact, new: Contact) -> list[Action]:
        """Group member items to delete and put so they mirror ``new.groups``."""
        old_keys = {keys.fold_group(g): g for g in old.groups}
        new_keys = {keys.fold_group(g): g for g in new.groups}
        removed = [
            {"Delete": {"Key": items.member_key(old, g)}}
            for k, g in old_keys.items()
            if k not in new_keys
        ]
        added = [
            _put(items.member_item(new, g))
            for k, g in new_keys.items()
            if k not in old_keys or old_keys[k] != g
        ]
        return [*removed, *added]

    def _audit_action(
        self,
        action: str,
        contact_id: str | None,
        token: str,
        fields: tuple[str, ...] = (),
        detail: str | None = None,
    ) -> Action:
        """The Put of one audit entry, to ride in the transaction of the write it records.

        The write's own token (a ULID) is the entry's id and gives its time, so auditing
        reads neither the clock nor the id generator (runs stay reproducible).
        """
        item = audit_item(self.org_id, token, id_time(token), action, contact_id, fields, detail)
        return {"Put": {"Item": item}}

    def _token_actions(self, old: Contact | None, new: Contact | None) -> list[Action]:
        """Search-index entries to delete and put so the index matches ``new``."""
        return token_actions(old, new)

    def backfill_search_index(self) -> int:
        """Write the token index entries of every contact; returns how many contacts.

        For contacts stored before the token index existed. Idempotent (entries are plain
        puts of the same items), so an interrupted backfill is finished by running it again.
        Reads the org once (projected), writes in BatchWriteItem chunks of 25.
        """
        done = 0
        requests: list[dict[str, Any]] = []
        for contact in self.iter_pages(self.list, limit=100):
            full = Contact(
                **{f.name: getattr(contact, f.name) for f in dataclasses.fields(contact)}
            )
            for token, flag in token_plan(full).items():
                requests.append(
                    {"PutRequest": {"Item": items.token_item(full, token, in_name=flag)}}
                )
            done += 1
        for chunk in chunks(requests):
            batch_write(self._client, self.table.name, chunk)
        return done


def _attribute(reason: CancellationReason, name: str) -> str | None:
    if reason.item is None or name not in reason.item:
        return None
    return str(deserialize({name: reason.item[name]})[name])


def _interaction(values: dict[str, Any]) -> Interaction:
    from .clock import parse_timestamp

    return Interaction(
        id=str(values["SK"]).rsplit(keys.SEPARATOR, 1)[-1],
        contact_id=values["contact_id"],
        kind=values["kind"],
        note=values.get("note"),
        at=parse_timestamp(values["at"]),
    )
