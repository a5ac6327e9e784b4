"""Merging two contacts into one, and the org's duplicate candidates.

Candidates (``org.duplicate_candidates()``) read the org once, projected (O(org)), and are
found and scored by :mod:`contactkit.contacts.duplicates`, the one scorer.

Merge rule (``org.merge(keep_id, other_id)``), which never loses the other's data:

* names, company, job title and the other one-line fields, address: the kept contact's value
  where it has one, else the other's; the other's differing values are written into a
  ``Merged from <id>: ...`` line of the notes;
* emails and phones: the other's that the kept contact lacks are written into that notes line,
  and added to the kept contact's lists once the other is deleted (its claims released), by
  one more update (step 4); so is its source id (a vCard ``UID``) when the kept contact has
  none (a different one goes into the notes line);
* tags and groups: the union, kept contact's first (``ValidationError`` if over the limits);
* custom fields: the union, the kept contact's value on a clash (the other's goes into the
  notes line); notes: both, the other's appended; favourite if either is;
  created: the earlier; last contacted: the later;
* activity: moved to the kept contact; the other contact is then deleted (with its email
  claim, tags, memberships and search entries).

Atomicity, as a resumable sequence: (1) one transaction updates the kept contact (its tags,
groups and search entries included) with a ``ConditionCheck`` that the other is unchanged since
it was read: at most ``worst_case_actions()["merge"]`` = 68 actions; (2) the other's activity is
copied under the kept contact (idempotent puts of the same sort keys); (3) the other is deleted
(``OrgStore.delete``, ``worst_case_actions()["delete"]``); (4) the other's emails, phones and
source id are given to the kept contact (``worst_case_actions()["merge_take_over"]`` = 51).
Each step is idempotent, so calling ``merge`` again after an
interruption finishes the job (when the other is already gone it only finishes moving its
leftover activity).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from ..dynamo import limits
from ..dynamo.batches import batch_write, chunks
from ..dynamo.expressions import render
from ..dynamo.transactions import Action
from ..dynamo.types import serialize
from ..errors import (
    EmailTakenError,
    NotFoundError,
    TransactionCanceledError,
    ValidationError,
    VersionConflictError,
)
from . import keys
from .duplicates import MIN_SCORE, DuplicateCandidate, email_identity, find_candidates
from .fields import CONTACT_FIELDS
from .model import Contact, LabeledValue, PhoneNumber, with_lists

if TYPE_CHECKING:
    from .lookups import OrgLookups
    from .writer import ContactWriter

# Fields holding one line of text: the kept contact's value, else the other's (the merge rule).
_ONE_VALUE_FIELDS = tuple(
    f.name for f in CONTACT_FIELDS if f.editable and f.kind in ("name", "text", "birthday")
)
# The scorer's names stay importable from here (``contactkit.contacts.merge.find_candidates``).
__all__ = [
    "MIN_SCORE",
    "DuplicateCandidate",
    "combine",
    "duplicate_candidates",
    "email_identity",
    "find_candidates",
    "merge",
]


def duplicate_candidates(
    lookups: OrgLookups, min_score: float = MIN_SCORE
) -> list[DuplicateCandidate]:
    """Likely duplicates in the org, best first (reads the org once, projected)."""
    return find_candidates(list(lookups.iter_pages(lookups.list, limit=100)), min_score)


def combine(keep: Contact, other: Contact) -> Contact:
    """The kept contact with the other's data folded in (the merge rule; pure, idempotent)."""
    differing: list[str] = []
    values: dict[str, Any] = {}
    for name in _ONE_VALUE_FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        if not mine and theirs:
            values[name] = theirs
        elif theirs and mine != theirs and name not in ("first_name", "last_name"):
            differing.append(f"{name.replace('_', ' ')} {theirs}")
    differing.extend(f"email {e.value}" for e in gained_emails(keep, other))
    differing.extend(f"phone {p.value}" for p in gained_phones(keep, other))
    if other.source_id and keep.source_id and other.source_id != keep.source_id:
        differing.append(f"source id {other.source_id}")
    custom = dict(keep.custom_fields)
    for name, value in other.custom_fields.items():
        if name not in custom:
            custom[name] = value
        elif custom[name] != value:
            differing.append(f"{name} {value}")
    tags = _union(keep.tags, other.tags, keys.fold_tag)
    if len(tags) > limits.MAX_TAGS:
        raise ValidationError(
            "tags",
            f"the merged contact would have {len(tags)} tags; the limit is {limits.MAX_TAGS}",
        )
    groups = _union(keep.groups, other.groups, keys.fold_group)
    if len(groups) > limits.MAX_GROUPS_PER_CONTACT:
        raise ValidationError(
            "groups",
            f"the merged contact would be in {len(groups)} groups; the limit is "
            f"{limits.MAX_GROUPS_PER_CONTACT}",
        )
    notes = keep.notes or ""
    if other.notes and other.notes not in notes:
        notes = f"{notes}\n\n{other.notes}" if notes else other.notes
    if differing:
        line = f"Merged from {other.id}: " + "; ".join(differing)
        if line not in notes:
            notes = f"{notes}\n\n{line}" if notes else line
    if len(notes) > limits.NOTES_MAX:
        raise ValidationError(
            "notes", f"the merged notes would be over {limits.NOTES_MAX} characters"
        )
    times = [t for t in (keep.last_contacted_at, other.last_contacted_at) if t is not None]
    created = [t for t in (keep.created_at, other.created_at) if t is not None]
    return dataclasses.replace(
        keep,
        **values,
        address=keep.address if keep.addresses else other.address,
        addresses=keep.addresses or other.addresses,
        custom_fields=custom,
        tags=tags,
        groups=groups,
        notes=notes or None,
        favorite=keep.favorite or other.favorite,
        created_at=min(created) if created else None,
        last_contacted_at=max(times) if times else None,
    )


def take_over_lists(keep: Contact, other: Contact) -> Contact:
    """The kept contact carrying the other's emails and phones too, after its own (primaries
    follow: a contact without a phone gets the other's first phone as its primary), and the
    other's source id when it has none."""
    return dataclasses.replace(
        keep,
        source_id=keep.source_id or other.source_id,
        **with_lists(
            (*keep.emails, *gained_emails(keep, other)),
            (*keep.phones, *gained_phones(keep, other)),
            keep.addresses,
        ),
    )


def gained_emails(keep: Contact, other: Contact) -> list[LabeledValue]:
    """The other's emails that the kept contact does not carry (by key form)."""
    mine = {keys.normalise_email(e.value) for e in keep.emails}
    return [e for e in other.emails if keys.normalise_email(e.value) not in mine]


def gained_phones(keep: Contact, other: Contact) -> list[PhoneNumber]:
    """The other's phones that the kept contact does not carry (as stored)."""
    mine = {p.value for p in keep.phones}
    return [p for p in other.phones if p.value not in mine]


def _union(first: tuple[str, ...], second: tuple[str, ...], fold: Any) -> tuple[str, ...]:
    seen = {fold(v) for v in first}
    extra = []
    for value in second:
        if fold(value) not in seen:
            seen.add(fold(value))
            extra.append(value)
    return (*first, *extra)


def merge(writer: ContactWriter, keep_id: str, other_id: str) -> Contact:
    """Fold ``other_id`` into ``keep_id`` and delete it; returns the kept contact."""
    keys.validate_contact_id(keep_id)
    keys.validate_contact_id(other_id)
    if keep_id == other_id:
        raise ValidationError("other_id", "is the contact to keep; pass two different contacts")
    keep = writer.lookups.get(keep_id)
    try:
        other = writer.lookups.get(other_id)
    except NotFoundError:
        if not _move_activity(writer, other_id, keep):
            raise
        writer.purge_activity(other_id)
        return writer.lookups.get(keep_id)
    if combine(keep, other) != keep:

        def unchanged(_: Contact) -> list[Action]:
            key = serialize(keys.contact_key(writer.org_id, other_id))
            return [{"ConditionCheck": {"Key": key, **render(Attr("version").eq(other.version))}}]

        try:
            writer.rewrite(
                keep_id,
                None,
                lambda current: combine(current, other),
                extra_actions=unchanged,
                operation="merge",
                detail=f"merged {other_id}",
            )
        except TransactionCanceledError as error:
            if error.reasons[-2].code == "ConditionalCheckFailed":
                raise VersionConflictError(other_id, other.version, None) from error
            raise
    _move_activity(writer, other_id, keep)
    # An earlier, interrupted merge (or someone else) may have deleted it already.
    with contextlib.suppress(NotFoundError):
        writer.delete(other_id, expected_version=other.version)
    kept = writer.lookups.get(keep_id)
    if take_over_lists(kept, other) != kept:
        # the other's claims are released now: the kept contact takes them
        with contextlib.suppress(EmailTakenError):  # taken meanwhile: it stays in the notes
            kept = writer.rewrite(
                keep_id,
                None,
                lambda c: take_over_lists(c, other),
                operation="merge",
                detail=f"took over the emails, phones and source id of {other_id}",
            )
    return kept


def _move_activity(writer: ContactWriter, from_id: str, to: Contact) -> int:
    """Copy ``from_id``'s activity under ``to`` (idempotent); returns how many items."""
    partition = Key("PK").eq(keys.activity_partition_key(writer.org_id, from_id))
    target = keys.activity_partition_key(writer.org_id, to.id)
    puts = []
    for item in writer.reader.query_all(partition, consistent=True):
        moved = {**item, "PK": {"S": target}, "contact_id": {"S": to.id}}
        puts.append({"PutRequest": {"Item": moved}})
    for chunk in chunks(puts):
        batch_write(writer.dynamo, writer.table_name, chunk)
    return len(puts)
