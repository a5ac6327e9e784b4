"""Contacts to DynamoDB items and back (pure): the attribute layout of every item type.

Index key attributes are written only when they have a value (sparse indexes): DynamoDB rejects
an empty string in an index key, and an absent attribute keeps the item out of that index.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..clock import format_timestamp, parse_timestamp
from ..dynamo import limits
from ..dynamo.types import Item, deserialize, serialize
from . import keys
from .fields import BY_NAME, CONTACT_FIELDS, FIELD_NAMES
from .model import (
    SUMMARY_FIELDS,
    Address,
    Contact,
    ContactSummary,
    LabeledValue,
    PhoneNumber,
    name_order,
    with_lists,
)

CONTACT_TYPE = "contact"
UNIQUE_TYPE = "email"
TAG_TYPE = "tag"
PHONE_TYPE = "phone"
SOURCE_TYPE = "source"
ACTIVITY_TYPE = "activity"
TOKEN_TYPE = "token"
GROUP_TYPE = "group"
MEMBER_TYPE = "member"
AUDIT_TYPE = "audit"


def contact_item(contact: Contact, write_token: str) -> Item:
    """The contact's own item, with its index keys and the token of the write that made it.

    Every declared field (``contactkit.contacts.fields``) is an attribute, written by its kind.
    """
    org, cid = contact.org_id, contact.id
    values: dict[str, Any] = {
        **keys.contact_key(org, cid),
        "type": CONTACT_TYPE,
        **{f.name: _attribute(f.kind, getattr(contact, f.name)) for f in CONTACT_FIELDS},
        "EmailPK": keys.email_partition_key(org, contact.email) if contact.email else None,
        "NameSK": keys.name_sort_key(*name_order(contact), cid),
        "PhonePK": keys.phone_partition_key(org, contact.phone_e164)
        if contact.phone_e164
        else None,
        "FavPK": keys.favorites_partition_key(org) if contact.favorite else None,
        "write_token": write_token,
    }
    return serialize(values)


# The fields of a contact's item that its id, times and groups give it.
_IDENTITY_FIELDS = ("id", "created_at", "updated_at", "groups")


def reissued_contact_item(item: Item, contact: Contact, write_token: str) -> Item:
    """``contact_item(contact, write_token)``, made from ``item``: the item of the same contact
    under another id, with other times and other spellings of its groups (same number),
    everything else alike. Only the attributes those give are made again, in their places.

    The importer sizes a row's item against the 400 KB limit before its id is drawn
    (:func:`contact_item` with stand-ins), then writes it under its real id.
    """
    org, cid = contact.org_id, contact.id
    again = serialize(
        {
            **keys.contact_key(org, cid),
            **{
                name: _attribute(BY_NAME[name].kind, getattr(contact, name))
                for name in _IDENTITY_FIELDS
            },
            "NameSK": keys.name_sort_key(*name_order(contact), cid),
            "write_token": write_token,
        }
    )
    if ("groups" in again) != ("groups" in item):
        raise ValueError("a reissued contact item has groups only when the item it is from has")
    return {**item, **again}


def _attribute(kind: str, value: Any) -> Any:
    """A field's value as the item stores it (``None``: the attribute is left out)."""
    if kind in ("tags", "list", "texts"):
        return list(value) or None
    if kind == "address":
        return value.as_dict() if value else None
    if kind in _ENTRY_TYPES:
        return [_entry_map(entry) for entry in value] or None
    if kind == "custom":
        return dict(value) or None
    if kind == "datetime":
        return _timestamp(value)
    return value


def _value(kind: str, stored: Any) -> Any:
    """A field's value from the item's (deserialised) attribute; ``None`` when absent."""
    if kind in ("tags", "list", "texts"):
        return tuple(stored or ())
    if kind == "address":
        return Address(**stored) if stored else None
    if kind in _ENTRY_TYPES:
        return tuple(_ENTRY_TYPES[kind](**entry) for entry in stored or ())
    if kind == "custom":
        return dict(stored or {})
    if kind == "datetime":
        return _datetime(stored)
    if kind == "bool":
        return bool(stored)
    if kind == "int":
        return _integer(stored if stored is not None else 1)
    return stored


def summary_from_item(item: Item) -> ContactSummary:
    """A list view's contact, from an item projected to ``SUMMARY_FIELDS`` (or a full one)."""
    values = deserialize(item)
    return ContactSummary(**_values(values, SUMMARY_FIELDS))


def contact_from_item(item: Item) -> Contact:
    """The contact of a stored item, in the current shape or the old one (a single email and
    phone, no lists): the lists are then rebuilt from the primary fields."""
    values = _values(deserialize(item), FIELD_NAMES)
    emails = values["emails"] or (LabeledValue(values["email"]),) * bool(values["email"])
    phone_list = values["phones"] or (
        (PhoneNumber(values["phone"], None, values["phone_e164"]),) * bool(values["phone"])
    )
    addresses = values["addresses"] or (values["address"],) * bool(values["address"])
    return Contact(**{**values, **with_lists(emails, phone_list, addresses)})


def _entry_map(entry: Any) -> dict[str, Any]:
    """A labelled entry as a map, its empty parts left out."""
    if isinstance(entry, Address):
        return {**entry.as_dict(), **({"label": entry.label} if entry.label else {})}
    return {k: v for k, v in vars(entry).items() if v is not None}


_ENTRY_TYPES: dict[str, Any] = {
    "emails": LabeledValue,
    "phones": PhoneNumber,
    "addresses": Address,
}


def _values(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(BY_NAME[name].kind, values.get(name)) for name in names}


def write_token_of(item: Item | None) -> str | None:
    """The token of the write that last stored ``item`` (DynamoDB JSON), if any."""
    if not item or "write_token" not in item:
        return None
    return str(item["write_token"]["S"])


def version_of(item: Item | None) -> int | None:
    if not item or "version" not in item:
        return None
    return int(item["version"]["N"])


def uniqueness_item(contact: Contact, email: str) -> Item:
    """Claims one of the contact's emails within the org; its key is the email's key form
    (:func:`~contactkit.contacts.keys.normalise_email`), the address kept as entered."""
    return serialize(
        {
            **keys.uniqueness_key(contact.org_id, email),
            "type": UNIQUE_TYPE,
            "contact_id": contact.id,
            "email": email,
        }
    )


def claimed_emails(contact: Contact) -> dict[str, str]:
    """``{key form: address}`` of the emails that get a claim: the first
    ``MAX_INDEXED_EMAILS`` (the rest are kept unindexed, with a warning)."""
    return {
        keys.normalise_email(e.value): e.value for e in contact.emails[: limits.MAX_INDEXED_EMAILS]
    }


def source_item(contact: Contact) -> Item:
    """Claims the contact's source id (a vCard ``UID``) within the org: an import finds the
    contact a foreign card came from by it (one BatchGetItem per 100 ids)."""
    assert contact.source_id is not None
    return serialize(
        {
            **keys.source_key(contact.org_id, contact.source_id),
            "type": SOURCE_TYPE,
            "source_id": contact.source_id,
            "contact_id": contact.id,
        }
    )


def source_key(org_id: str, source_id: str) -> Item:
    return serialize(keys.source_key(org_id, source_id))


def indexed_phones(contact: Contact) -> tuple[str, ...]:
    """The distinct E.164 numbers that get a membership item (the first ``MAX_INDEXED_PHONES``
    phones; extensions ignored, numbers that are not complete not indexed)."""
    phone_list = contact.phones[: limits.MAX_INDEXED_PHONES]
    return tuple(dict.fromkeys(p.e164 for p in phone_list if p.e164))


def _pointer_key(contact: Contact, sort_key: str) -> dict[str, str]:
    """The key of an item in the tenant partition that points at ``contact``."""
    return {"PK": keys.tenant_partition_key(contact.org_id), "SK": sort_key}


def _pointer(contact: Contact, sort_key: str, kind: str, name: str, value: str) -> Item:
    """A pointer item (tag, phone, group member): its key, type, value and the contact id."""
    return serialize(
        {
            **_pointer_key(contact, sort_key),
            "type": kind,
            name: value,
            "contact_id": contact.id,
        }
    )


def phone_item(contact: Contact, e164: str) -> Item:
    """A pointer from a phone number to a contact carrying it (phones are not unique)."""
    return _pointer(contact, keys.phone_sort_key(e164, contact.id), PHONE_TYPE, "e164", e164)


def phone_key(contact: Contact, e164: str) -> Item:
    return serialize(_pointer_key(contact, keys.phone_sort_key(e164, contact.id)))


def tag_item(contact: Contact, tag: str) -> Item:
    """A pointer from a tag to a contact: found by key, never by scanning contacts."""
    return _pointer(contact, keys.tag_sort_key(tag, contact.id), TAG_TYPE, "tag", tag)


def tag_key(contact: Contact, tag: str) -> Item:
    return serialize(_pointer_key(contact, keys.tag_sort_key(tag, contact.id)))


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
    sort_key = keys.group_member_sort_key(group, contact.id)
    return _pointer(contact, sort_key, MEMBER_TYPE, "group", group)


def member_key(contact: Contact, group: str) -> Item:
    return serialize(_pointer_key(contact, keys.group_member_sort_key(group, contact.id)))
