"""Writing one org's contacts: every item a write touches, conditioned, audited and retried.

:class:`ContactWriter` is the write machinery behind :class:`~contactkit.store.OrgStore`, and
the public object that the features built on it receive (groups, bulk changes, erase, merge,
import): they compose its steps instead of reaching into the store.

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
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from ..clock import Clock, IdGenerator, format_timestamp, to_millis
from ..dynamo import limits
from ..dynamo.batches import WriteRequest, batch_write, chunks
from ..dynamo.client import DynamoClient
from ..dynamo.expressions import render
from ..dynamo.queries import OrgReader
from ..dynamo.transactions import Action, TransactionWriter
from ..dynamo.types import Item, deserialize, serialize
from ..errors import (
    CancellationReason,
    EmailTakenError,
    NotFoundError,
    TransactionCanceledError,
    ValidationError,
    VersionConflictError,
)
from . import items, keys
from .actions import (
    changed_contact_actions,
    email_collision,
    name_moved_at,
    new_contact_actions,
    source_collision,
    token_plan,
)
from .actions import delete_actions as released_actions
from .actions import put as put_action
from .audit import audit_item, changed_fields, id_time
from .cache import ContactCache
from .cleaning import apply_changes, clean_changes, clean_new, clean_text
from .lookups import OrgLookups
from .model import Contact

MAX_REREADS = 5  # unversioned updates re-read and re-apply at most this often under contention


class ContactWriter:
    """The writes of one org, built on its :class:`~contactkit.contacts.lookups.OrgLookups`.

    Example::

        writer = org.writer
        contact = writer.add({"first_name": "Ada", "email": "ada@example.com"})
        writer.rewrite(contact.id, None, lambda c: dataclasses.replace(c, company="ACME"))
    """

    def __init__(
        self,
        lookups: OrgLookups,
        transactions: TransactionWriter,
        *,
        ids: IdGenerator,
    ) -> None:
        self.lookups = lookups
        self.transactions = transactions
        self.ids = ids
        self.org_id = lookups.org_id
        self.phone_region = lookups.phone_region
        self.clock: Clock = lookups.clock
        self.cache: ContactCache = lookups.cache
        self.reader: OrgReader = lookups.reader
        self.dynamo: DynamoClient = transactions.client
        self.table_name = transactions.table_name

    def write(self, actions: Sequence[Action], token: str, operation: str) -> None:
        """One transaction of ``actions`` (all or nothing), retried on conflicts."""
        self.transactions.write(actions, token, operation)

    def batch_write(self, requests: Sequence[WriteRequest]) -> int:
        """Unconditional puts and deletes, 25 per ``BatchWriteItem``; returns the requests."""
        return sum(batch_write(self.dynamo, self.table_name, chunk) for chunk in chunks(requests))

    def add(self, fields: Mapping[str, Any]) -> Contact:
        """Create a contact from ``fields`` (``None`` values ignored); its emails must be unused.

        ``EmailTakenError`` names the address that collided and the contact holding it; a
        ``source_id`` another contact holds is a ``ValidationError`` naming that contact.
        """
        cleaned = clean_new({k: v for k, v in fields.items() if v is not None}, self.phone_region)
        now = to_millis(self.clock())
        blank = Contact(id=self.ids(), org_id=self.org_id, created_at=now, updated_at=now)
        contact = apply_changes(blank, cleaned)
        token = self.ids()
        actions = [
            *new_contact_actions(contact, token),
            self.audit_action("add", contact.id, token, changed_fields(None, contact)),
        ]
        try:
            self.transactions.write(actions, token, "add")
        except TransactionCanceledError as error:
            if items.write_token_of(error.reasons[0].item) == token:
                return contact  # our own earlier attempt succeeded; its answer was lost
            taken = email_collision(actions, error)
            if taken is not None:
                email, owner = taken
                if owner == contact.id:
                    return contact
                raise EmailTakenError(email, owner) from error
            check_source_taken(actions, error)
            raise
        self.cache.remember(contact)
        return contact

    def update(
        self, contact_id: str, expected_version: int | None, changes: Mapping[str, Any]
    ) -> Contact:
        """Change some fields of a contact and return the new version.

        With ``expected_version`` the update applies only if nobody wrote since that version
        (``VersionConflictError`` otherwise); without it, it is re-applied on a fresh read.
        One transaction, whatever changes: changed emails move their claims, and the tag, phone
        and search items follow, with the contact (``limits.worst_case_actions()["update"]``).
        """
        cleaned = clean_changes(changes, self.phone_region)
        if not cleaned:
            raise ValidationError(
                "changes", "nothing to update; pass fields such as company='ACME'"
            )
        return self.rewrite(contact_id, expected_version, lambda c: apply_changes(c, cleaned))

    def record_interaction(
        self, contact_id: str, kind: str, note: str | None = None, at: datetime | None = None
    ) -> Contact:
        """Append an interaction to the contact's activity and move its last-contacted time."""
        kind_text = clean_text("kind", kind, limits.INTERACTION_KIND_MAX, required=True)
        note_text = clean_text("note", note, limits.INTERACTION_NOTE_MAX, multiline=True)
        if at is not None and at.tzinfo is None:
            raise ValidationError("at", "must be timezone-aware, for example datetime.now(UTC)")
        moment = to_millis(at or self.clock())
        activity_id = self.ids()

        def touch(contact: Contact) -> Contact:
            last = contact.last_contacted_at
            return dataclasses.replace(
                contact, last_contacted_at=moment if last is None or moment > last else last
            )

        def activity(contact: Contact) -> list[Action]:
            item = items.activity_item(
                contact, activity_id, str(kind_text), note_text, format_timestamp(moment)
            )
            return [put_action(item, Attr("PK").not_exists())]

        return self.rewrite(
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
        self.cache.forget(contact_id)
        for _ in range(MAX_REREADS):
            _, current = self._stored(contact_id, expected_version)
            token = self.ids()
            actions = self.delete_actions(current, token)
            try:
                self.transactions.write(actions, token, "delete")
            except TransactionCanceledError as error:
                foreign = foreign_claims(actions, error)
                if foreign and error.reasons[0].code in (
                    "None",
                    "",
                ):  # another contact holds it (a collision the migration reported)
                    kept = [a for n, a in enumerate(actions) if n not in foreign]
                    self.transactions.write(kept, token, "delete")
                    break
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

    def _stored(self, contact_id: str, expected_version: int | None) -> tuple[Item, Contact]:
        """The stored item and contact (a strongly consistent read), at ``expected_version``."""
        item = self.lookups.read_contact_item(contact_id)
        if item is None:
            raise NotFoundError(self.org_id, contact_id)
        current = items.contact_from_item(item)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflictError(contact_id, expected_version, current.version)
        return item, current

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
            response = self.dynamo.call(
                "Query",
                TableName=self.table_name,
                ProjectionExpression="PK, SK",
                Limit=limits.MAX_BATCH_WRITE_ITEMS * 4,
                **condition,
            )
            found = response.get("Items", [])
            if not found:
                return deleted
            for chunk in chunks({"DeleteRequest": {"Key": key}} for key in found):
                batch_write(self.dynamo, self.table_name, chunk)
                deleted += len(chunk)

    def rewrite(
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
        self.cache.forget(contact_id)  # always start from the stored contact, never a cached one
        for _ in range(MAX_REREADS):
            item, current = self._stored(contact_id, expected_version)
            updated = dataclasses.replace(
                change(current), version=current.version + 1, updated_at=to_millis(self.clock())
            )
            token = self.ids()
            actions = [
                *changed_contact_actions(
                    current, updated, token, name_moved_at=name_moved_at(item, current, updated)
                ),
                *self.membership_actions(current, updated),
                *(extra_actions(updated) if extra_actions else []),
                self.audit_action(
                    operation, contact_id, token, changed_fields(current, updated), detail
                ),
            ]
            try:
                self.transactions.write(actions, token, "update")
            except TransactionCanceledError as error:
                stored = error.reasons[0].item
                if items.write_token_of(stored) == token:
                    self.cache.remember(updated)
                    return updated  # our own earlier attempt succeeded; its answer was lost
                if error.reasons[0].code == "ConditionalCheckFailed":
                    if stored is None:
                        raise NotFoundError(self.org_id, contact_id) from error
                    if expected_version is not None:
                        raise VersionConflictError(
                            contact_id, expected_version, items.version_of(stored)
                        ) from error
                    continue  # someone else wrote first: re-read and re-apply
                taken = email_collision(actions, error)
                if taken is not None:
                    raise EmailTakenError(*taken) from error
                check_source_taken(actions, error)
                raise
            self.cache.remember(updated)
            return updated
        raise VersionConflictError(contact_id, current.version, None)

    def delete_actions(self, current: Contact, token: str) -> list[Action]:
        """Delete a contact (if still at the version read) and every item derived from it."""
        return [
            {
                "Delete": {
                    "Key": serialize(keys.contact_key(self.org_id, current.id)),
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    **render(Attr("version").eq(current.version)),
                }
            },
            *released_actions(current),
            *({"Delete": {"Key": items.member_key(current, g)}} for g in current.groups),
            self.audit_action("delete", current.id, token),
        ]

    def membership_actions(self, old: Contact, new: Contact) -> list[Action]:
        """Group member items to delete and put so they mirror ``new.groups``."""
        old_keys = {keys.fold_group(g): g for g in old.groups}
        new_keys = {keys.fold_group(g): g for g in new.groups}
        removed = [
            {"Delete": {"Key": items.member_key(old, g)}}
            for k, g in old_keys.items()
            if k not in new_keys
        ]
        added = [
            put_action(items.member_item(new, g))
            for k, g in new_keys.items()
            if k not in old_keys or old_keys[k] != g
        ]
        return [*removed, *added]

    def audit_action(
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

    def backfill_search_index(self) -> int:
        """Write the token index entries of every contact; returns how many contacts.

        For contacts stored before the token index existed. Idempotent (entries are plain
        puts of the same items), so an interrupted backfill is finished by running it again.
        Reads the org once (projected), writes in BatchWriteItem chunks of 25.
        """
        done = 0
        requests: list[dict[str, Any]] = []
        for contact in self.lookups.iter_pages(self.lookups.list, limit=100):
            full = Contact(
                **{f.name: getattr(contact, f.name) for f in dataclasses.fields(contact)}
            )
            for token, flag in token_plan(full).items():
                requests.append(
                    {"PutRequest": {"Item": items.token_item(full, token, in_name=flag)}}
                )
            done += 1
        for chunk in chunks(requests):
            batch_write(self.dynamo, self.table_name, chunk)
        return done


def foreign_claims(actions: Sequence[Action], error: TransactionCanceledError) -> set[int]:
    """Positions of claim releases refused because another contact holds the claim."""
    return {
        n
        for n, (action, reason) in enumerate(zip(actions, error.reasons, strict=False))
        if reason.code == "ConditionalCheckFailed"
        and action.get("Delete", {}).get("Key", {}).get("SK", {}).get("S") == keys.UNIQUE_SORT_KEY
    }


def check_source_taken(actions: Sequence[Action], error: TransactionCanceledError) -> None:
    """``ValidationError`` on ``source_id`` if the transaction failed on its source-id claim."""
    taken = source_collision(actions, error)
    if taken is not None:
        source_id, owner = taken
        raise ValidationError(
            "source_id",
            f"{source_id!r} is already the source id of contact {owner} in this org; "
            "update that contact, or give this one another source id",
        ) from error


def _attribute(reason: CancellationReason, name: str) -> str | None:
    if reason.item is None or name not in reason.item:
        return None
    return str(deserialize({name: reason.item[name]})[name])
