"""Checkers for the exercises of the tutorial (notebook 10): each verifies the reader's result.

A checker looks at the org (read through the store, so within the tenant) and at what the reader
produced. It returns a short ``"Done: ..."`` line when the answer is right, a ``"Not answered
yet"`` line while the answer is still ``None``, and raises :class:`ExerciseNotDone` (an
``AssertionError``) saying what is still wrong otherwise, so a wrong answer fails visibly::

    exercises.check_group(org, "Clients", tag="client")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..contacts.model import Contact, ContactSummary, Interaction

_NOT_ANSWERED = "Not answered yet: replace None with your answer."


class ExerciseNotDone(AssertionError):
    """The reader's answer is not right yet; the message says what is missing."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ExerciseNotDone(message)


def _all(org: Any, lookup: Any, *args: Any, **kwargs: Any) -> list[Any]:
    return list(org.iter_pages(lookup, *args, limit=100, **kwargs))


def _name(contact: Contact | ContactSummary) -> str:
    return f"{contact.first_name} {contact.last_name}".strip()


def _ids(org: Any, lookup: Any, *args: Any) -> set[str]:
    return {c.id for c in _all(org, lookup, *args)}


def check_group(org: Any, name: str, *, tag: str) -> str:
    """The group ``name`` exists and its members are exactly the contacts tagged ``tag``."""
    groups = {g.name for g in org.groups()}
    _require(name in groups, f"no group {name!r} yet (groups: {sorted(groups)})")
    members = _ids(org, org.group_members, name)
    tagged = _ids(org, org.find_by_tag, tag)
    _require(bool(tagged), f"no contact is tagged {tag!r}: is this the right org?")
    _require(not (tagged - members), f"{len(tagged - members)} contact(s) tagged {tag!r} missing")
    _require(not (members - tagged), f"{len(members - tagged)} member(s) not tagged {tag!r}")
    return f"Done: {name!r} has the {len(members)} contacts tagged {tag!r}."


def check_import(org: Any, report: Any, *, expected: int) -> str:
    """``report`` is an ImportReport and the org holds ``expected`` contacts, each once."""
    if report is None:
        return _NOT_ANSWERED
    _require(hasattr(report, "imported"), "report: pass the ImportReport import_contacts returned")
    everyone = _all(org, org.list)
    emails = [c.email for c in everyone if c.email]
    _require(len(emails) == len(set(emails)), "some email is stored twice: was a run duplicated?")
    _require(len(everyone) == expected, f"the org has {len(everyone)} contacts, not {expected}")
    _require(
        report.imported + report.updated + len(report.skipped) == expected,
        "the report does not account for every contact of the file",
    )
    return f"Done: {expected} contacts, each once ({len(report.invalid_rows)} invalid rows)."


def check_export(org: Any, path: str | Path | None) -> str:
    """``path`` is an export (``org.export(path)``, any format) of every contact's email."""
    from ..io.formats import read_source

    if path is None:
        return _NOT_ANSWERED
    _require(Path(path).is_file(), f"no file at {path}")
    exported = {row.values.get("email") for row in read_source(Path(path)).rows if not row.empty}
    stored = {c.email for c in _all(org, org.list)}
    _require(exported == stored, f"{len(exported)} contacts exported, the org has {len(stored)}")
    return f"Done: all {len(stored)} contacts are in {Path(path).name}."


def check_no_duplicates(org: Any, *, expected: int) -> str:
    """No duplicate candidates remain, and the org holds ``expected`` contacts."""
    left = org.duplicate_candidates()
    if left:
        raise ExerciseNotDone(f"{len(left)} duplicate pair(s) left, for example {left[0].reasons}")
    count = len(_all(org, org.list))
    _require(count == expected, f"the org has {count} contacts, expected {expected} after merging")
    return f"Done: no duplicates left, {count} contacts."


def check_activity(org: Any, contact_id: str, feed: Sequence[Interaction] | None) -> str:
    """``feed`` is the contact's whole activity, newest first, with at least two entries."""
    if feed is None:
        return _NOT_ANSWERED
    stored = _all(org, org.activity, contact_id)
    _require(len(stored) >= 2, f"record at least two interactions ({len(stored)} so far)")
    _require(
        [i.id for i in feed] == [i.id for i in stored], "feed is not the activity, newest first"
    )
    return (
        f"Done: {len(feed)} interactions, newest first: the {feed[0].kind}, "
        "recorded last, comes first."
    )


def check_found(
    answer: Contact | ContactSummary | Iterable[ContactSummary] | None, *, email: str
) -> str:
    """``answer`` (a contact, or the first of a list of results) is the contact with ``email``."""
    if answer is None:
        return _NOT_ANSWERED
    if not isinstance(answer, (Contact, ContactSummary)):
        results = list(answer)
        _require(bool(results), "no result: try fuzzy=True")
        answer = results[0]
    _require(answer.email == email, f"found {_name(answer)} <{answer.email}>, not <{email}>")
    return f"Done: {_name(answer)} found."


def check_bulk(org: Any, *, updated_tag: str, changes: dict[str, Any], deleted_tag: str) -> str:
    """Contacts tagged ``updated_tag`` carry ``changes``; none tagged ``deleted_tag`` remain."""
    updated = [org.get(c.id) for c in _all(org, org.find_by_tag, updated_tag)]
    _require(bool(updated), f"no contact tagged {updated_tag!r}: was it deleted by mistake?")
    for contact in updated:
        for field, value in changes.items():
            _require(
                getattr(contact, field) == value,
                f"{_name(contact)}: {field} is {getattr(contact, field)!r}, not {value!r}",
            )
    remaining = _all(org, org.find_by_tag, deleted_tag)
    _require(not remaining, f"{len(remaining)} contact(s) tagged {deleted_tag!r} remain")
    return f"Done: {len(updated)} updated, none tagged {deleted_tag!r} left."


def check_leading_keys(org_id: str, patterns: Sequence[str] | None) -> str:
    """``patterns`` admit every partition key of ``org_id`` and none of a neighbour org's."""
    from ..ops.iam import string_like

    if patterns is None:
        return _NOT_ANSWERED
    prefix = f"ORG#{org_id}"
    own = [
        prefix,
        f"{prefix}#EMAIL#ada%40example.com",
        f"{prefix}#CONTACT#01J0000000",
        f"{prefix}#",
    ]
    neighbours = [f"{prefix}x", f"{prefix}-eu", f"{prefix}-eu#EMAIL#ada%40example.com", "ORG#org-z"]
    for key in own:
        _require(any(string_like(p, key) for p in patterns), f"{key!r} of {org_id} is refused")
    for key in neighbours:
        _require(not any(string_like(p, key) for p in patterns), f"{key!r} is admitted")
    return f"Done: {list(patterns)} admit {org_id}'s keys and nothing else."
