"""The orphan checker (``tests/consistency.py``) finds each kind of damage it claims to find.

Each test makes a consistent org, damages it with one raw request outside the store, and
checks the problem is reported, so the checker run after every reliability test can fail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

import contactkit as ck
from contactkit.contacts import items
from contactkit.contacts.model import LabeledValue
from contactkit.contacts.shapes import derived_items
from contactkit.dynamo.types import Item, serialize
from tests.consistency import DECLARED_TYPES, DERIVED_TYPES, OWN_RULES, find_orphans, scan_items


def seed(org: ck.OrgStore) -> tuple[ck.Contact, ck.Contact]:
    org.create_group("Team")
    ada = org.add(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", tags=["vip"],
        phone="+44 20 7946 0958", source_id="urn:uuid:ada",
    )  # fmt: skip
    org.add_to_group("Team", ada.id)
    bob = org.add(first_name="Bob", email="bob@example.com")
    org.record_interaction(bob.id, kind="call")
    return org.get(ada.id), org.get(bob.id)


def put(table: ck.Table, item: Item) -> None:
    table.client.put_item(TableName=table.name, Item=item)


def remove(table: ck.Table, item: Item) -> None:
    table.client.delete_item(TableName=table.name, Key={"PK": item["PK"], "SK": item["SK"]})


def first_of(table: ck.Table, kind: str, contact: ck.Contact | None = None) -> Item:
    return next(
        item
        for item in scan_items(table)
        if item["type"]["S"] == kind
        and (contact is None or item.get("contact_id", item.get("id")) == {"S": contact.id})
    )


def test_a_consistent_org_has_no_orphan(table: ck.Table, org: ck.OrgStore) -> None:
    seed(org)
    report = find_orphans(table)
    assert report.problems == [] and report.contacts == 2
    assert set(report.items) == {"contact", "email", "tag", "phone", "token", "group", "member"} | {
        "activity",
        "audit",
        "source",
    }
    assert "no orphan" in str(report)


def test_every_derived_type_of_the_key_layout_is_derived_from_a_contact(
    org: ck.OrgStore,
) -> None:
    # A type added to contacts/items.py is checked as derived unless given a rule of its own;
    # shapes.derived_items must then produce it, or this fails.
    ada, _bob = seed(org)
    assert {item["type"]["S"] for item in derived_items(ada)} == DERIVED_TYPES
    assert DERIVED_TYPES | OWN_RULES == DECLARED_TYPES
    assert items.CONTACT_TYPE in DECLARED_TYPES - DERIVED_TYPES


Damage = Callable[[ck.Table, ck.Contact, ck.Contact], None]


def _drop(kind: str) -> Damage:
    return lambda table, ada, bob: remove(table, first_of(table, kind, ada))


def _contact_without_its_items(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.contact_item(other(ada, "carl@example.com"), "token"))


def other(contact: ck.Contact, email: str, id: str = "01J00000000000000000000001") -> ck.Contact:
    """A copy of ``contact`` under another id, with one email and no tag, phone or group."""
    return dataclasses.replace(
        contact,
        id=id,
        emails=(LabeledValue(email),),
        phones=(),
        phone=None,
        phone_e164=None,
        tags=(),
        groups=(),
    )


def _claim_without_contact(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    remove(table, first_of(table, items.CONTACT_TYPE, bob))


def _stale_tag(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.tag_item(ada, "former"))


def _stale_phone(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.phone_item(bob, "+15550100"))


def _stale_token(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.token_item(bob, "zzz", in_name=True))


def _token_that_differs(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    token = first_of(table, items.TOKEN_TYPE, ada)
    put(table, {**token, "name_token": {"BOOL": "name_token" not in token}})


def _member_of_a_deleted_group(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    remove(table, items.group_key(ada.org_id, "Team"))


def _stale_member(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.member_item(bob, "Team"))


def _email_held_twice(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.contact_item(other(bob, "ADA@example.com"), "token"))


def _activity_of_a_gone_contact(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    gone = other(bob, "gone@example.com")
    put(table, items.activity_item(gone, "a1", "call", None, "2026-01-01T00:00:00.000Z"))


def _undeclared_type(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, serialize({"PK": f"ORG#{ada.org_id}", "SK": "X#1", "type": "mystery"}))


def _claim_in_another_org(table: ck.Table, ada: ck.Contact, bob: ck.Contact) -> None:
    put(table, items.uniqueness_item(dataclasses.replace(ada, org_id="org-other"), ada.email))


DAMAGE: list[tuple[str, Damage, str]] = [
    ("missing claim", _drop(items.UNIQUE_TYPE), "missing email item"),
    ("missing tag", _drop(items.TAG_TYPE), "missing tag item"),
    ("missing phone", _drop(items.PHONE_TYPE), "missing phone item"),
    ("missing source claim", _drop(items.SOURCE_TYPE), "missing source item"),
    ("missing token", _drop(items.TOKEN_TYPE), "missing token item"),
    ("missing member", _drop(items.MEMBER_TYPE), "missing member item"),
    ("contact without its claim", _contact_without_its_items, "missing email item"),
    ("claim without its contact", _claim_without_contact, "stale email item"),
    ("stale tag", _stale_tag, "stale tag item"),
    ("stale phone", _stale_phone, "stale phone item"),
    ("stale token", _stale_token, "stale token item"),
    ("token out of step", _token_that_differs, "token item differs"),
    ("member of a deleted group", _member_of_a_deleted_group, "which has no item"),
    ("stale member", _stale_member, "stale member item"),
    ("email held twice", _email_held_twice, "email held twice"),
    ("activity of a gone contact", _activity_of_a_gone_contact, "a contact that is gone"),
    ("undeclared type", _undeclared_type, "is not declared"),
    ("claim in another org", _claim_in_another_org, "stale email item"),
]


@pytest.mark.parametrize(("damage", "found"), [d[1:] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_each_kind_of_damage_is_reported(
    table: ck.Table, org: ck.OrgStore, damage: Damage, found: str
) -> None:
    ada, bob = seed(org)
    damage(table, ada, bob)
    report = find_orphans(table)
    assert any(found in problem for problem in report.problems), str(report)
