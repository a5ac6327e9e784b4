"""Whole-table invariants the reliability tests check after every faulty run.

Every derived item (email claim, phone and tag pointer, group membership, search token) must
belong to a contact that exists and still carries that value: anything else is an orphan.
"""

from __future__ import annotations

from typing import Any

import contactkit as ck
from contactkit.contacts import items, keys
from contactkit.dynamo.types import serialize
from tests.conftest import scan_all


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return (str(item["PK"]), str(item["SK"]))


def _plain_key(key: dict[str, Any]) -> tuple[str, str]:
    return (key["PK"]["S"], key["SK"]["S"])


def contacts_of(table: ck.Table) -> dict[str, ck.Contact]:
    """Every contact of the table by id, read outside the store."""
    found = [item for item in scan_all(table) if item.get("type") == items.CONTACT_TYPE]
    return {
        contact.id: contact
        for contact in (items.contact_from_item(serialize(values)) for values in found)
    }


def assert_consistent(table: ck.Table) -> dict[str, ck.Contact]:
    """No orphan or missing claim, tag, membership or token; returns the contacts by id."""
    everything = scan_all(table)
    contacts = contacts_of(table)
    by_type: dict[str, set[tuple[str, str]]] = {}
    for item in everything:
        by_type.setdefault(str(item.get("type")), set()).add(_key(item))
    claims = {
        _key(keys.uniqueness_key(c.org_id, email))
        for c in contacts.values()
        for email in items.claimed_emails(c).values()
    }
    phone_items = {
        _plain_key(items.phone_key(c, e164))
        for c in contacts.values()
        for e164 in items.indexed_phones(c)
    }
    tags = {_plain_key(items.tag_key(c, t)) for c in contacts.values() for t in c.tags}
    members = {_plain_key(items.member_key(c, g)) for c in contacts.values() for g in c.groups}
    assert by_type.get(items.UNIQUE_TYPE, set()) == claims, "orphan or missing email claims"
    assert by_type.get(items.TAG_TYPE, set()) == tags, "orphan or missing tag items"
    assert by_type.get(items.PHONE_TYPE, set()) == phone_items, "orphan or missing phone items"
    assert by_type.get(items.MEMBER_TYPE, set()) == members, "orphan or missing members"
    for item in everything:
        if item.get("type") in (
            items.UNIQUE_TYPE,
            items.TOKEN_TYPE,
            items.MEMBER_TYPE,
            items.PHONE_TYPE,
        ):
            owner = contacts.get(str(item["contact_id"]))
            assert owner is not None, f"orphan {item['type']} item {_key(item)}"
            assert org_of(str(item["PK"])) == owner.org_id, f"cross-org item {_key(item)}"
    emails = [(c.org_id, key) for c in contacts.values() for key in items.claimed_emails(c)]
    assert len(emails) == len(set(emails)), "two contacts of one org share an email"
    return contacts


def org_of(partition_key: str) -> str:
    """The org of any partition key (``ORG#<org>`` or ``ORG#<org>#...``)."""
    return partition_key.removeprefix("ORG#").split(keys.SEPARATOR, 1)[0]
