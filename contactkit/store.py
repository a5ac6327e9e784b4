"""The tenant-scoped contact store: every read and write of one org, and nothing outside it.

Writes are single ``TransactWriteItems`` (see :mod:`contactkit.limits` for the worst-case
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
from typing import IO, TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from . import items, keys, limits
from .actions import (
    changed_contact_actions,
    email_actions,
    new_contact_actions,
    put_contact,
    tag_actions,
    token_actions,
    token_plan,
)
from .actions import put as _put
from .batches import batch_write, chunks
from .clock import format_timestamp, to_millis
from .errors import (
    CancellationReason,
    EmailTakenError,
    NotFoundError,
    TransactionCanceledError,
    ValidationError,
    VersionConflictError,
    backend_errors,
)
from .expressions import render
from .lookups import OrgLookups
from .model import Contact, Interaction, apply_changes, clean_changes, clean_new, clean_text
from .queries import OrgReader, Page
from .transactions import Action, TransactionWriter

if TYPE_CHECKING:
    from .importer import OnConflict, Plan, Progress
    from .report import ImportReport
    from .table import Table

MAX_REREADS = 5  # unversioned updates re-read and re-apply at most this often under contention


class OrgStore(OrgLookups):
    """Contacts of one org. Get it from ``table.org("org-a1b2c3d4")``.

    Reads are in :class:`~contactkit.lookups.OrgLookups`; this class adds the writes.
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
        self._client = table.client
        self._clock = table.db.clock
        self._ids = table.db.ids
        self._writer = TransactionWriter(table.client, table.name)
        self._reader = OrgReader(table.client, table.name, self.org_id, table.db.cursors)
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
        return Page([_interaction(items.deserialize(i)) for i in found], next_cursor)

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
        actions = new_contact_actions(contact, token)
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

        return self._rewrite(contact_id, None, touch, extra_actions=activity)

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
            actions: list[Action] = [
                {
                    "Delete": {
                        "Key": items.serialize(keys.contact_key(self.org_id, contact_id)),
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        **render(Attr("version").eq(current.version)),
                    }
                },
                {
                    "Delete": {
                        "Key": items.serialize(keys.uniqueness_key(self.org_id, current.email)),
                        **render(Attr("contact_id").eq(contact_id)),
                    }
                },
                *({"Delete": {"Key": items.tag_key(current, t)}} for t in current.tags),
                *self._token_actions(current, None),
            ]
            try:
                self._writer.write(actions, self._ids(), "delete")
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
            with backend_errors("Query"):
                response = self._client.query(
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
        ``(done, total)``. ``plan``: see :mod:`contactkit.importer` and ``docs/import.md``.

        Example::

            report = org.import_contacts("data/seed-contacts.csv")
            report.imported, report.warnings, report.requests, report.minimum_requests
        """
        from .formats import read_source
        from .importer import Importer

        read = read_source(source, format, encoding)
        importer = Importer(
            self, on_conflict=on_conflict, dry_run=dry_run, plan=plan, progress=progress
        )
        report = importer.run(read)
        for contact_id in report.contact_ids.values():
            self._forget(contact_id)
        return report

    # -- internals -----------------------------------------------------------------------

    def _put_contact(self, contact: Contact, token: str, condition: Any) -> Action:
        return put_contact(contact, token, condition)

    def _rewrite(
        self,
        contact_id: str,
        expected_version: int | None,
        change: Callable[[Contact], Contact],
        extra_actions: Callable[[Contact], list[Action]] | None = None,
    ) -> Contact:
        """Read, change, and write back a contact under a version condition."""
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
                *changed_contact_actions(current, updated, token),
                *(extra_actions(updated) if extra_actions else []),
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
    return str(items.deserialize({name: reason.item[name]})[name])


def _interaction(values: dict[str, Any]) -> Interaction:
    from .clock import parse_timestamp

    return Interaction(
        id=str(values["SK"]).rsplit(keys.SEPARATOR, 1)[-1],
        contact_id=values["contact_id"],
        kind=values["kind"],
        note=values.get("note"),
        at=parse_timestamp(values["at"]),
    )
