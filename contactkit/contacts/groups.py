"""Groups of contacts: create, rename, delete, add and remove members, list both ways.

Layout (tenant partition ``ORG#<org>``)::

    group         SK GROUP#<group>                   name, created_at
    member        SK GROUP#<group>#MEMBER#<id>        contact_id

Group names are case-insensitive (``Friends`` and ``friends`` are one group) and escaped in
keys like tags, so no group's member prefix matches another group. A contact's groups are also
listed on the contact item (at most ``MAX_GROUPS_PER_CONTACT``), so deleting a contact removes
its member items in the same transaction. Adding a member is one transaction: the contact
(version-checked), its member item, a ``ConditionCheck`` that the group exists and is not being
renamed or deleted, and the audit entry.

Renaming and deleting touch every member, an unbounded number, so they are resumable
sequences: the group item is first marked (``renaming_to`` / ``deleting``, which stops new
members joining), then each member is moved or removed in its own transaction, then the old
group item goes. Calling the same ``rename_group``/``delete_group`` again after an
interruption finishes the job.

Costs: ``group_members`` is one Query plus one BatchGetItem (O(page)); ``contact_groups`` one
GetItem; ``groups()`` one Query of the ``GROUP#`` range, which reads the member items too
(O(groups + memberships) of this org, never another org's).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from ..clock import format_timestamp, parse_timestamp, to_millis
from ..dynamo import limits
from ..dynamo.expressions import render
from ..dynamo.paging import Page
from ..dynamo.transactions import Action
from ..dynamo.types import PlainItem, deserialize, serialize
from ..errors import GroupNotFoundError, NotFoundError, TransactionCanceledError, ValidationError
from . import items, keys
from .cleaning import clean_text
from .model import Contact, ContactSummary

if TYPE_CHECKING:
    from .writer import ContactWriter


@dataclass(frozen=True)
class Group:
    """A named group of contacts in one org."""

    name: str
    created_at: datetime


def clean_group_name(name: Any, field: str = "name") -> str:
    text = clean_text(field, name, limits.GROUP_NAME_MAX, required=True)
    assert text is not None
    return text


def _joinable() -> Any:
    """The group exists and is neither being renamed nor deleted."""
    return Attr("PK").exists() & Attr("renaming_to").not_exists() & Attr("deleting").not_exists()


def _group_of(writer: ContactWriter, name: str) -> PlainItem:
    item = writer.reader.get_item(items.group_key(writer.org_id, name))
    if item is None:
        raise GroupNotFoundError(writer.org_id, name)
    return deserialize(item)


def _write(writer: ContactWriter, actions: list[Action], token: str, operation: str) -> None:
    writer.write(actions, token, operation)


def create_group(writer: ContactWriter, name: str) -> Group:
    """Create a group; ``ValidationError`` if one of that name (any case) exists."""
    clean = clean_group_name(name)
    now = to_millis(writer.clock())
    token = writer.ids()
    put: Action = {
        "Put": {
            "Item": items.group_item(writer.org_id, clean, format_timestamp(now)),
            **render(Attr("PK").not_exists()),
        }
    }
    try:
        audit = writer.audit_action("group.create", None, token, (), clean)
        _write(writer, [put, audit], token, "create_group")
    except TransactionCanceledError as error:
        if error.reasons[0].code == "ConditionalCheckFailed":
            raise ValidationError("name", f"a group named {clean!r} already exists") from error
        raise
    return Group(clean, now)


def groups(writer: ContactWriter) -> list[Group]:
    """Every group of the org, ordered by their keys (case-folded name)."""
    found = writer.reader.query_all(
        Key("PK").eq(keys.tenant_partition_key(writer.org_id))
        & Key("SK").begins_with(keys.GROUP_PREFIX),
        attributes=("type", "name", "created_at"),
    )
    return [
        Group(values["name"], parse_timestamp(values["created_at"]))
        for values in (deserialize(i) for i in found)
        if values.get("type") == items.GROUP_TYPE
    ]


def group_members(
    writer: ContactWriter, name: str, *, limit: int = 25, cursor: str | None = None
) -> Page[ContactSummary]:
    """A page of a group's members: a key Query of member items, then one BatchGetItem."""
    clean = clean_group_name(name)
    pointers, next_cursor = writer.reader.query_page(
        "group",
        {"group": keys.fold_group(clean)},
        Key("PK").eq(keys.tenant_partition_key(writer.org_id))
        & Key("SK").begins_with(keys.group_member_prefix(clean)),
        limit=limit,
        cursor=cursor,
        attributes=("contact_id",),
    )
    ids = [deserialize(p)["contact_id"] for p in pointers]
    return Page(writer.lookups.fetch_summaries(ids), next_cursor)


def _member_ids(writer: ContactWriter, name: str) -> list[str]:
    found = writer.reader.query_all(
        Key("PK").eq(keys.tenant_partition_key(writer.org_id))
        & Key("SK").begins_with(keys.group_member_prefix(name)),
        attributes=("contact_id",),
        consistent=True,
    )
    return [deserialize(i)["contact_id"] for i in found]


def _without(groups_: tuple[str, ...], name: str) -> tuple[str, ...]:
    folded = keys.fold_group(name)
    return tuple(g for g in groups_ if keys.fold_group(g) != folded)


def _has(contact: Contact, name: str) -> bool:
    return any(keys.fold_group(g) == keys.fold_group(name) for g in contact.groups)


def add_to_group(writer: ContactWriter, name: str, contact_id: str) -> Contact:
    """Make a contact a member of an existing group (no write if it already is)."""
    clean = clean_group_name(name)
    display = _group_of(writer, clean)["name"]
    if _has(writer.lookups.get(contact_id), display):
        return writer.lookups.get(contact_id)

    def join(contact: Contact) -> Contact:
        if _has(contact, display):
            return contact
        if len(contact.groups) >= limits.MAX_GROUPS_PER_CONTACT:
            raise ValidationError(
                "groups",
                f"contact is in {len(contact.groups)} groups; the limit is "
                f"{limits.MAX_GROUPS_PER_CONTACT}",
            )
        return dataclasses.replace(contact, groups=(*contact.groups, display))

    def check(_: Contact) -> list[Action]:
        key = items.group_key(writer.org_id, display)
        return [{"ConditionCheck": {"Key": key, **render(_joinable())}}]

    try:
        return writer.rewrite(
            contact_id, None, join, extra_actions=check, operation="group.add", detail=display
        )
    except TransactionCanceledError as error:
        if error.reasons[-2].code == "ConditionalCheckFailed":
            raise GroupNotFoundError(writer.org_id, display) from error
        raise


def remove_from_group(writer: ContactWriter, name: str, contact_id: str) -> Contact:
    """Remove a contact from a group (no write if it is not a member)."""
    clean = clean_group_name(name)
    contact = writer.lookups.get(contact_id)
    if not _has(contact, clean):
        return contact
    return writer.rewrite(
        contact_id,
        None,
        lambda c: dataclasses.replace(c, groups=_without(c.groups, clean)),
        operation="group.remove",
        detail=clean,
    )


def contact_groups(writer: ContactWriter, contact_id: str) -> list[str]:
    """The groups a contact belongs to, in the order it joined them (one GetItem)."""
    return list(writer.lookups.get(contact_id).groups)


def _set_marker(key: dict[str, Any], marker: str, value: Any, condition: Any) -> Action:
    """An ``Update`` action setting (or, with ``None``, removing) one marker attribute."""
    rendered = render(condition)
    names = {**rendered.get("ExpressionAttributeNames", {}), "#m": marker}
    body: dict[str, Any] = {
        "Key": key,
        "UpdateExpression": "REMOVE #m" if value is None else "SET #m = :m",
        "ConditionExpression": rendered["ConditionExpression"],
        "ExpressionAttributeNames": names,
    }
    values = dict(rendered.get("ExpressionAttributeValues", {}))
    if value is not None:
        values.update(serialize({":m": value}))
    if values:
        body["ExpressionAttributeValues"] = values
    return {"Update": body}


def _relabel_members(writer: ContactWriter, old: str, new: str | None, operation: str) -> int:
    """Move every member of ``old`` to ``new`` (or out of the group when ``None``)."""
    moved = 0

    def relabel(contact: Contact) -> Contact:
        kept = _without(contact.groups, old)
        if new is not None and not any(keys.fold_group(g) == keys.fold_group(new) for g in kept):
            kept = (*kept, new)
        return dataclasses.replace(contact, groups=kept)

    for contact_id in _member_ids(writer, old):
        try:
            writer.rewrite(contact_id, None, relabel, operation=operation, detail=new or old)
        except NotFoundError:
            continue  # deleted meanwhile: its member item went with it
        moved += 1
    return moved


def rename_group(writer: ContactWriter, old: str, new: str) -> Group:
    """Rename a group, moving its members (resumable: call again to finish)."""
    old_name = clean_group_name(old, "old")
    new_name = clean_group_name(new, "new")
    current = _group_of(writer, old_name)
    created = parse_timestamp(current["created_at"])
    old_key = items.group_key(writer.org_id, old_name)
    token = writer.ids()
    audit = writer.audit_action("group.rename", None, token, (), f"{current['name']} -> {new_name}")
    if keys.fold_group(old_name) == keys.fold_group(new_name):  # only the spelling changes
        renamed = items.group_item(writer.org_id, new_name, current["created_at"])
        put: Action = {"Put": {"Item": renamed, **render(Attr("PK").exists())}}
        _write(writer, [put, audit], token, "rename_group")
        _relabel_members(writer, old_name, new_name, "group.rename")
        return Group(new_name, created)
    marker = current.get("renaming_to")
    if marker is None:
        fresh = items.group_item(writer.org_id, new_name, current["created_at"])
        fresh["renamed_from"] = {"S": current["name"]}
        claim: Action = {"Put": {"Item": fresh, **render(Attr("PK").not_exists())}}
        mark = _set_marker(old_key, "renaming_to", new_name, _joinable())
        try:
            _write(writer, [claim, mark, audit], token, "rename_group")
        except TransactionCanceledError as error:
            if error.reasons[0].code == "ConditionalCheckFailed":
                raise ValidationError(
                    "new", f"a group named {new_name!r} already exists"
                ) from error
            if error.reasons[1].code == "ConditionalCheckFailed":
                raise ValidationError("old", f"group {old_name!r} is being deleted") from error
            raise
    elif keys.fold_group(marker) != keys.fold_group(new_name):
        raise ValidationError(
            "new", f"group {old_name!r} is being renamed to {marker!r}; finish that rename first"
        )
    _relabel_members(writer, old_name, new_name, "group.rename")
    new_key = items.group_key(writer.org_id, new_name)
    finish: list[Action] = [
        {"Delete": {"Key": old_key}},
        _set_marker(new_key, "renamed_from", None, Attr("PK").exists()),
    ]
    _write(writer, finish, writer.ids(), "rename_group")
    return Group(new_name, created)


def delete_group(writer: ContactWriter, name: str) -> int:
    """Delete a group and every membership in it; returns how many contacts left it.

    Resumable: the group is marked ``deleting`` first (no one can join it any more), members
    are removed one transaction each, then the group item goes; calling it again finishes.
    """
    clean = clean_group_name(name)
    current = _group_of(writer, clean)
    key = items.group_key(writer.org_id, clean)
    if not current.get("deleting"):
        token = writer.ids()
        mark = _set_marker(key, "deleting", True, Attr("PK").exists())
        audit = writer.audit_action("group.delete", None, token, (), current["name"])
        _write(writer, [mark, audit], token, "delete_group")
    removed = _relabel_members(writer, clean, None, "group.remove")
    _write(writer, [{"Delete": {"Key": key}}], writer.ids(), "delete_group")
    return removed
