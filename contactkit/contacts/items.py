"""Contacts to DynamoDB items and back (pure): the attribute layout of every item type.

Index key attributes are written only when they have a value (sparse indexes): DynamoDB rejects
an empty string in an index key, and an absent attribute keeps the item out of that index.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..clock import format_timestamp, parse_timestamp
from ..dynamo.types import Item, deserialize, serialize
from . import keys
from .model import Address, Contact, ContactSummary

CONTACT_TYPE = "contact"
UNIQUE_TYPE = "email"
TAG_TYPE = "tag"
ACTIVITY_TYPE = "activity"
TOKEN_TYPE = "token"
GROUP_TYPE = "group"
MEMBER_TYPE = "member"
AUDIT_TYPE = "audit"


def contact_item(contact: Contact, write_token: str) -> Item:
    """The contact's own item, with its index keys and the token of the write that made it."""
    org, cid = contact.org_id, contact.id
    values: dict[str, Any] = {
        **keys.contact_key(org, cid),
        "type": CONTACT_TYPE,
        "id": cid,
        "org_id": org,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "EmailPK": keys.email_partition_key(org, contact.email),
        "NameSK": keys.name_sort_key(contact.last_name, contact.first_name, cid),
        "phone": contact.phone,
        "phone_e164": contact.phone_e164,
        "PhonePK": keys.phone_partition_key(org, contact.phone_e164)
        if contact.phone_e164
        else None,
        "company": contact.company,
        "job_title": contact.job_title,
        "tags": list(contact.tags) or None,
        "address": contact.address.as_dict() if contact.address else None,
        "custom_fields": dict(contact.custom_fields) or None,
        "notes": contact.notes,
        "groups": list(contact.groups) or None,
        "favorite": contact.favorite,
        "FavPK": keys.favorites_partition_key(org) if contact.favorite else None,
        "created_at": _timestamp(contact.created_at),
        "updated_at": _timestamp(contact.updated_at),
        "last_contacted_at": _timestamp(contact.last_contacted_at),
        "version": contact.version,
        "write_token": write_token,
    }
    return serialize(values)


def summary_from_item(item: Item) -> ContactSummary:
    """A list view's contact, from an item projected to ``SUMMARY_FIELDS`` (or a full one)."""
    values = deserialize(item)
    return ContactSummary(**_summary_values(values))


def contact_from_item(item: Item) -> Contact:
    values = deserialize(item)
    address = values.get("address")
    return Contact(
        **_summary_values(values),
        address=Address(**address) if address else None,
        custom_fields=dict(values.get("custom_fields", {})),
        notes=values.get("notes"),
        updated_at=_datetime(values.get("updated_at")),
        last_contacted_at=_datetime(values.get("last_contacted_at")),
        groups=tuple(values.get("groups", ())),
    )


def _summary_values(values: dict[str, Any]) -> dict[str, Any]:
    return dict(
        id=values["id"],
        org_id=values["org_id"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=values["email"],
        phone=values.get("phone"),
        phone_e164=values.get("phone_e164"),
        company=values.get("company"),
        job_title=values.get("job_title"),
        tags=tuple(values.get("tags", ())),
        favorite=bool(values.get("favorite", False)),
        created_at=_datetime(values.get("created_at")),
        version=_integer(values.get("version", 1)),
    )


def write_token_of(item: Item | None) -> str | None:
    """The token of the write that last stored ``item`` (DynamoDB JSON), if any."""
    if not item or "write_token" not in item:
        return None
    return str(item["write_token"]["S"])


def version_of(item: Item | None) -> int | None:
    if not item or "version" not in item:
        return None
    return int(item["version"]["N"])


def uniqueness_item(contact: Contact) -> Item:
    """Claims the email within the org for one contact; its key is the normalised email."""
    return serialize(
        {
            **keys.uniqueness_key(contact.org_id, contact.email),
            "type": UNIQUE_TYPE,
            "contact_id": contact.id,
            "email": contact.email,
        }
    )


def tag_item(contact: Contact, tag: str) -> Item:
    """A pointer from a tag to a contact: found by key, never by scanning contacts."""
    return serialize(
        {
            "PK": keys.tenant_partition_key(contact.org_id),
            "SK": keys.tag_sort_key(tag, contact.id),
            "type": TAG_TYPE,
            "tag": tag,
            "contact_id": contact.id,
        }
    )


def tag_key(contact: Contact, tag: str) -> Item:
    return serialize(
        {"PK": keys.tenant_partition_key(contact.org_id), "SK": keys.tag_sort_key(tag, contact.id)}
    )


def activity_item(contact: Contact, activity_id: str, kind: str, note: str | None, at: str) -> Item:
    return serialize(
        {
            "PK": keys.activity_partition_key(contact.org_id, contact.id),
            "SK": keys.activity_sort_key(at, activity_id),
            "type": ACTIVITY_TYPE,
            "contact_id": contact.id,
            "kind": kind,
            "note": note,
            "at": at,
        }
    )


def _timestamp(moment: Any) -> str | None:
    return format_timestamp(moment) if moment is not None else None


def _datetime(text: str | None) -> Any:
    return parse_timestamp(text) if text else None


def _integer(value: Decimal | int) -> int:
    return int(value)


def token_item(contact: Contact, token: str, *, in_name: bool) -> Item:
    """A search-index entry: one word of one contact, found by ``begins_with`` on its key."""
    return serialize(
        {
            "PK": keys.search_partition_key(contact.org_id),
            "SK": keys.search_sort_key(token, contact.id),
            "type": TOKEN_TYPE,
            "contact_id": contact.id,
            "name_token": True if in_name else None,  # name words rank above other fields
        }
    )


def token_key(contact: Contact, token: str) -> Item:
    return serialize(
        {
            "PK": keys.search_partition_key(contact.org_id),
            "SK": keys.search_sort_key(token, contact.id),
        }
    )


def group_item(org_id: str, name: str, created_at: str) -> Item:
    """A group of an org; its members are separate items under its key."""
    return serialize(
        {
            "PK": keys.tenant_partition_key(org_id),
            "SK": keys.group_sort_key(name),
            "type": GROUP_TYPE,
            "name": name,
            "created_at": created_at,
        }
    )


def group_key(org_id: str, name: str) -> Item:
    return serialize({"PK": keys.tenant_partition_key(org_id), "SK": keys.group_sort_key(name)})


def member_item(contact: Contact, group: str) -> Item:
    """A pointer from a group to a contact (the contact item lists its groups too)."""
    return serialize(
        {
            "PK": keys.tenant_partition_key(contact.org_id),
            "SK": keys.group_member_sort_key(group, contact.id),
            "type": MEMBER_TYPE,
            "group": group,
            "contact_id": contact.id,
        }
    )


def member_key(contact: Contact, group: str) -> Item:
    return serialize(
        {
            "PK": keys.tenant_partition_key(contact.org_id),
            "SK": keys.group_member_sort_key(group, contact.id),
        }
    )
