"""Finding duplicate contacts and merging two into one.

Candidates (``org.duplicate_candidates()``; reads the org once, projected, O(org)). A pair is
considered when it shares a normalised email (case, ``+sub-address``, dots in Gmail local
parts), an E.164 phone, or has similar names: rapidfuzz ``token_sort_ratio`` of the folded full
names of at least 80, or one first name a prefix of the other ("Cam", "Cameron") with the same
last name. Names are compared within blocks sharing the first letter of the first or of the last
name (pairs differing in both first letters are not compared). Each pair is then scored from
all its signals, because one signal alone is weak evidence (sample data, like real address
books, has namesakes and shared switchboard numbers):

* same email: 100; same phone and similar names: 100;
* similar names: 0.8 x the name ratio (a nickname counts as 90); same phone alone: 60;
* plus 15 for the same company (at most 99).

``min_score`` (default 85) keeps the likely ones: on the generated sample data (5,000 contacts)
this finds every planted near-duplicate (52 of 52). A pair is reported once, with every
reason that matched, best score first.

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

from ..dynamo import limits
from ..dynamo.batches import batch_write, chunks
from ..dynamo.expressions import render
from ..dynamo.transactions import Action
from ..dynamo.types import serialize
from ..errors import NotFoundError, TransactionCanceledError, ValidationError, VersionConflictError
from . import keys
from .model import Contact, ContactSummary

if TYPE_CHECKING:
    from .lookups import OrgLookups
    from .writer import ContactWriter

NAME_FLOOR = 80.0  # name ratio that makes a pair worth scoring
MIN_SCORE = 85.0
NICKNAME_RATIO = 90.0
PHONE_ONLY = 60.0
COMPANY_BONUS = 15.0
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


@dataclass(frozen=True)
class _Folded:
    """A contact's names and company, folded once (comparisons run on pairs)."""

    first: str
    last: str
    full: str
    company: str

    @classmethod
    def of(cls, contact: ContactSummary) -> _Folded:
        first, last = keys.fold_name(contact.first_name), keys.fold_name(contact.last_name)
        return cls(first, last, f"{first} {last}", keys.fold_name(contact.company or ""))


def _nickname(a: _Folded, b: _Folded) -> bool:
    short, long = sorted((a.first, b.first), key=len)
    return 0 < len(short) < len(long) and long.startswith(short) and a.last == b.last


def score_pair(
    a: ContactSummary, b: ContactSummary, fa: _Folded, fb: _Folded
) -> tuple[float, tuple[str, ...]]:
    """The likelihood (0-100) that two contacts are one person, and the signals behind it."""
    reasons: list[str] = []
    if email_identity(a.email) == email_identity(b.email):
        reasons.append("email")
    phone = bool(a.phone_e164) and a.phone_e164 == b.phone_e164
    if phone:
        reasons.append("phone")
    ratio = float(fuzz.token_sort_ratio(fa.full, fb.full))
    if ratio >= NAME_FLOOR:
        reasons.append("name")
    if _nickname(fa, fb):
        reasons.append("nickname")
        ratio = max(ratio, NICKNAME_RATIO)
    elif ratio < NAME_FLOOR:
        ratio = 0.0
    same_company = bool(fa.company) and fa.company == fb.company
    if same_company:
        reasons.append("company")
    if "email" in reasons or (phone and ratio):
        return 100.0, tuple(reasons)
    score = max(0.8 * ratio, PHONE_ONLY if phone else 0.0)
    if same_company and score:
        score = min(99.0, score + COMPANY_BONUS)
    return round(score, 1), tuple(reasons)


def find_candidates(
    contacts: list[ContactSummary], min_score: float = MIN_SCORE
) -> list[DuplicateCandidate]:
    """Likely duplicate pairs among ``contacts`` (pure; see the module notes for the rules)."""
    folded = {c.id: _Folded.of(c) for c in contacts}
    pairs: set[tuple[ContactSummary, ContactSummary]] = set()

    def consider(a: ContactSummary, b: ContactSummary) -> None:
        pairs.add((a, b) if a.id < b.id else (b, a))

    for key in (lambda c: email_identity(c.email), _phone):
        groups: dict[str, list[ContactSummary]] = {}
        for contact in contacts:
            value = key(contact)
            if value:
                groups.setdefault(value, []).append(contact)
        for same in groups.values():
            for a, b in combinations(same, 2):
                consider(a, b)
    for block in _blocks(contacts, folded):
        for a, b in combinations(block, 2):
            fa, fb = folded[a.id], folded[b.id]
            if fuzz.token_sort_ratio(fa.full, fb.full) >= NAME_FLOOR or _nickname(fa, fb):
                consider(a, b)
    found = []
    for a, b in pairs:
        score, reasons = score_pair(a, b, folded[a.id], folded[b.id])
        if score >= min_score:
            found.append(DuplicateCandidate(a, b, score, reasons))
    return sorted(found, key=lambda c: (-c.score, c.first.id, c.second.id))


def _phone(contact: ContactSummary) -> str | None:
    return contact.phone_e164


def _blocks(
    contacts: list[ContactSummary], folded: dict[str, _Folded]
) -> Iterator[list[ContactSummary]]:
    """Contacts sharing a first letter of first name, or of last name (pairs may repeat)."""
    blocks: dict[tuple[str, str], list[ContactSummary]] = {}
    for contact in contacts:
        names = folded[contact.id]
        for part, name in (("first", names.first), ("last", names.last)):
            if name:
                blocks.setdefault((part, name[0]), []).append(contact)
    yield from blocks.values()


def duplicate_candidates(
    lookups: OrgLookups, min_score: float = MIN_SCORE
) -> list[DuplicateCandidate]:
    """Likely duplicates in the org, best first (reads the org once, projected)."""
    return find_candidates(list(lookups.iter_pages(lookups.list, limit=100)), min_score)


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
    return writer.lookups.get(keep_id)


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
