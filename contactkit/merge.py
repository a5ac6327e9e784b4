"""Finding duplicate contacts and merging two into one.

Candidates (``org.duplicate_candidates()``; reads the org once, projected, O(org)):

* the same email once normalised (case, ``+sub-address``, dots in Gmail local parts): 100;
* the same phone (E.164): 100;
* similar names: rapidfuzz ``token_sort_ratio`` of the folded full names, at least
  ``threshold`` (default 85), compared within blocks of contacts sharing the first letter of
  their first or their last name (names that differ in both first letters are not compared);
* the same last name and company where one first name is a prefix of the other ("Cam" and
  "Cameron"): 90.

A pair is reported once, with every reason that matched, best score first.

Merge rule (``org.merge(keep_id, other_id)``), which never loses the other's data:

* names, email, phone, company, job title, address: the kept contact's value where it has one,
  else the other's; the other's differing email, phone, company and job title are written into
  a ``Merged from <id>: ...`` line of the notes;
* tags and groups: the union, kept contact's first (``ValidationError`` if over the limits);
* custom fields: the union, the kept contact's value on a clash (the other's goes into the
  notes line); notes: both, the other's appended; favourite if either is;
  created: the earlier; last contacted: the later;
* activity: moved to the kept contact; the other contact is then deleted (with its email
  claim, tags, memberships and search entries).

Atomicity, as a resumable sequence: (1) one transaction updates the kept contact (its tags,
groups and search entries included) with a ``ConditionCheck`` that the other is unchanged since
it was read: at most ``worst_case_actions()["merge"]`` = 91 actions; (2) the other's activity is
copied under the kept contact (idempotent puts of the same sort keys); (3) the other is deleted
(``OrgStore.delete``). Each step is idempotent, so calling ``merge`` again after an
interruption finishes the job (when the other is already gone it only finishes moving its
leftover activity).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from rapidfuzz import fuzz

from . import items, keys, limits
from .batches import batch_write, chunks
from .errors import NotFoundError, TransactionCanceledError, ValidationError, VersionConflictError
from .expressions import render
from .model import Contact, ContactSummary
from .transactions import Action

if TYPE_CHECKING:
    from .store import OrgStore

NAME_THRESHOLD = 85.0
NICKNAME_SCORE = 90.0
EXACT_SCORE = 100.0
_GMAIL = {"gmail.com", "googlemail.com"}


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two contacts that may be one person: ``first`` is the older, ``score`` 0-100."""

    first: ContactSummary
    second: ContactSummary
    score: float
    reasons: tuple[str, ...]


def email_identity(email: str) -> str:
    """``John.Doe+news@GMail.com`` -> ``johndoe@gmail.com``: one mailbox, one identity."""
    local, _, domain = keys.normalise_email(email).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _full_name(contact: ContactSummary) -> str:
    return f"{keys.fold_name(contact.first_name)} {keys.fold_name(contact.last_name)}"


def _nickname(a: ContactSummary, b: ContactSummary) -> bool:
    first_a, first_b = keys.fold_name(a.first_name), keys.fold_name(b.first_name)
    short, long = sorted((first_a, first_b), key=len)
    return (
        bool(short)
        and long.startswith(short)
        and keys.fold_name(a.last_name) == keys.fold_name(b.last_name)
        and bool(a.company)
        and keys.fold_name(a.company or "") == keys.fold_name(b.company or "")
    )


def find_candidates(
    contacts: list[ContactSummary], threshold: float = NAME_THRESHOLD
) -> list[DuplicateCandidate]:
    """Likely duplicate pairs among ``contacts`` (pure; see the module notes for the rules)."""
    found: dict[tuple[str, str], tuple[float, list[str]]] = {}

    def note(a: ContactSummary, b: ContactSummary, score: float, reason: str) -> None:
        pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        best, reasons = found.get(pair, (0.0, []))
        if reason not in reasons:
            reasons.append(reason)
        found[pair] = (max(best, score), reasons)

    for key, reason in ((lambda c: email_identity(c.email), "email"), (_phone, "phone")):
        groups: dict[str, list[ContactSummary]] = {}
        for contact in contacts:
            value = key(contact)
            if value:
                groups.setdefault(value, []).append(contact)
        for same in groups.values():
            for a, b in combinations(same, 2):
                note(a, b, EXACT_SCORE, reason)
    for block in _blocks(contacts):
        for a, b in combinations(block, 2):
            score = fuzz.token_sort_ratio(_full_name(a), _full_name(b))
            if score >= threshold:
                note(a, b, round(score, 1), "name")
            elif _nickname(a, b):
                note(a, b, NICKNAME_SCORE, "nickname and company")
    by_id = {c.id: c for c in contacts}
    result = [
        DuplicateCandidate(by_id[a], by_id[b], score, tuple(reasons))
        for (a, b), (score, reasons) in found.items()
    ]
    return sorted(result, key=lambda c: (-c.score, c.first.id, c.second.id))


def _phone(contact: ContactSummary) -> str | None:
    return contact.phone_e164


def _blocks(contacts: list[ContactSummary]) -> Iterator[list[ContactSummary]]:
    """Contacts sharing a first letter of first name, or of last name (pairs may repeat)."""
    blocks: dict[tuple[str, str], list[ContactSummary]] = {}
    for contact in contacts:
        for part, name in (("first", contact.first_name), ("last", contact.last_name)):
            folded = keys.fold_name(name)
            if folded:
                blocks.setdefault((part, folded[0]), []).append(contact)
    yield from blocks.values()


def duplicate_candidates(
    store: OrgStore, threshold: float = NAME_THRESHOLD
) -> list[DuplicateCandidate]:
    """Likely duplicates in the org, best first (reads the org once, projected)."""
    return find_candidates(list(store.iter_pages(store.list, limit=100)), threshold)


def combine(keep: Contact, other: Contact) -> Contact:
    """The kept contact with the other's data folded in (the merge rule; pure, idempotent)."""
    differing: list[str] = []
    values: dict[str, Any] = {}
    for name in ("first_name", "last_name", "email", "phone", "company", "job_title"):
        mine, theirs = getattr(keep, name), getattr(other, name)
        if not mine and theirs:
            values[name] = theirs
            if name == "phone":
                values["phone_e164"] = other.phone_e164
        elif theirs and mine != theirs and name not in ("first_name", "last_name"):
            differing.append(f"{name.replace('_', ' ')} {theirs}")
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
        address=keep.address or other.address,
        custom_fields=custom,
        tags=tags,
        groups=groups,
        notes=notes or None,
        favorite=keep.favorite or other.favorite,
        created_at=min(created) if created else None,
        last_contacted_at=max(times) if times else None,
    )


def _union(first: tuple[str, ...], second: tuple[str, ...], fold: Any) -> tuple[str, ...]:
    seen = {fold(v) for v in first}
    extra = []
    for value in second:
        if fold(value) not in seen:
            seen.add(fold(value))
            extra.append(value)
    return (*first, *extra)


def merge(store: OrgStore, keep_id: str, other_id: str) -> Contact:
    """Fold ``other_id`` into ``keep_id`` and delete it; returns the kept contact."""
    keys.validate_contact_id(keep_id)
    keys.validate_contact_id(other_id)
    if keep_id == other_id:
        raise ValidationError("other_id", "is the contact to keep; pass two different contacts")
    keep = store.get(keep_id)
    try:
        other = store.get(other_id)
    except NotFoundError:
        if not _move_activity(store, other_id, keep):
            raise
        store.purge_activity(other_id)
        return store.get(keep_id)
    if combine(keep, other) != keep:

        def unchanged(_: Contact) -> list[Action]:
            key = items.serialize(keys.contact_key(store.org_id, other_id))
            return [{"ConditionCheck": {"Key": key, **render(Attr("version").eq(other.version))}}]

        try:
            store._rewrite(
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
    _move_activity(store, other_id, keep)
    # An earlier, interrupted merge (or someone else) may have deleted it already.
    with contextlib.suppress(NotFoundError):
        store.delete(other_id, expected_version=other.version)
    return store.get(keep_id)


def _move_activity(store: OrgStore, from_id: str, to: Contact) -> int:
    """Copy ``from_id``'s activity under ``to`` (idempotent); returns how many items."""
    partition = Key("PK").eq(keys.activity_partition_key(store.org_id, from_id))
    target = keys.activity_partition_key(store.org_id, to.id)
    puts = []
    for item in store._reader.query_all(partition, consistent=True):
        moved = {**item, "PK": {"S": target}, "contact_id": {"S": to.id}}
        puts.append({"PutRequest": {"Item": moved}})
    for chunk in chunks(puts):
        batch_write(store._client, store.table.name, chunk)
    return len(puts)
