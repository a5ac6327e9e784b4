"""Contacts stored in the earlier one-email shape: read correctly, then migrated (resumably)."""

from __future__ import annotations

from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts import keys, migrate
from contactkit.dynamo.types import serialize
from tests.conftest import items_of_type

ORG = "org-test"


def old_contact(
    table: ck.Table, n: int, email: str, *, phone: str | None = None, claim: bool = True
) -> str:
    """Write a contact exactly as the old model stored it (one email, one phone, the email
    claimed under ``email.strip().lower()``), straight through the client."""
    contact_id = f"01J00000000000000000000{n:03d}"
    first, last = f"First{n}", f"Last{n}"
    item: dict[str, Any] = {
        "PK": f"ORG#{ORG}",
        "SK": f"CONTACT#{contact_id}",
        "type": "contact",
        "org_id": ORG,
        "id": contact_id,
        "first_name": first,
        "last_name": last,
        "email": email,
        "EmailPK": f"ORG#{ORG}#EMAIL#{keys.exact(email.strip().lower())}",
        "NameSK": keys.name_sort_key(last, first, contact_id),
        "created_at": "2025-01-01T00:00:00.000Z",
        "updated_at": "2025-01-01T00:00:00.000Z",
        "version": 3,
        "write_token": "old",
    }
    if phone is not None:
        item.update(phone=phone, phone_e164=phone, PhonePK=f"ORG#{ORG}#PHONE#{phone}")
    table.client.put_item(TableName=table.name, Item=serialize(item))
    if claim:
        claim_item = {
            **keys.legacy_uniqueness_key(ORG, email),
            "type": "email",
            "contact_id": contact_id,
            "email": email,
        }
        table.client.put_item(TableName=table.name, Item=serialize(claim_item))
    return contact_id


def test_old_items_read_as_contacts_of_the_new_model(org: ck.OrgStore, table: ck.Table) -> None:
    cid = old_contact(table, 1, "Ada@Example.com", phone="+15551234567")
    contact = org.get(cid)
    assert (contact.email, contact.phone, contact.version) == (
        "Ada@Example.com",
        "+15551234567",
        3,
    )
    assert [e.value for e in contact.emails] == ["Ada@Example.com"]
    assert contact.phones[0].e164 == "+15551234567"
    assert contact.display_name == "First1 Last1"
    found = org.find_by_email("ada@example.com")  # ASCII: the old and new keys agree
    assert found is not None and found.id == cid
    assert [c.display_name for c in org.list().items] == ["First1 Last1"]


def test_migrate_rewrites_old_contacts_rekeys_claims_and_reports_collisions(
    org: ck.OrgStore, table: ck.Table
) -> None:
    plain = old_contact(table, 1, "ada@example.com", phone="+15551234567")
    wide = old_contact(table, 2, "\uff26\uff35\uff2c\uff2c@example.com")
    nfd = old_contact(table, 3, "jose\u0301@example.com")
    nfc = old_contact(table, 4, "jos\u00e9@example.com")  # the same address, in NFC
    idna = old_contact(table, 5, "user@xn--bcher-kva.de")
    # before: the old keys tell NFC and NFD apart, and the new lookups miss re-keyed addresses
    assert org.find_by_email("full@example.com") is None

    report = org.migrate()

    assert (report.read, report.rewritten, report.next_cursor) == (5, 5, None)
    assert report.rekeyed == 2  # fullwidth and IDNA; the NFC address already has its new key
    (collision,) = report.collisions  # NFD would move onto NFC's key: reported, not moved
    assert collision.contact_id == nfd and collision.owner_id == nfc
    assert collision.email == "jose\u0301@example.com"
    for address, owner in [
        ("FULL@example.com", wide),
        ("user@b\u00fccher.de", idna),
        ("ada@example.com", plain),
        ("jose\u0301@example.com", nfc),
    ]:
        found = org.find_by_email(address)
        assert found is not None and found.id == owner, address
    assert [c.id for c in org.find_by_phone("555-123-4567").items] == [plain]
    stored = {i["id"]: i for i in items_of_type(table, "contact")}
    assert all("display_name" in i and i["version"] == 3 for i in stored.values())
    assert stored[plain]["emails"] == [{"value": "ada@example.com"}]
    claimed = {(i["PK"], i["contact_id"]) for i in items_of_type(table, "email")}
    assert (
        keys.legacy_uniqueness_key(ORG, "\uff26\uff35\uff2c\uff2c@example.com")["PK"],
        wide,
    ) not in claimed
    # the collided address keeps its old claim until someone resolves it (merge or update)
    assert (keys.legacy_uniqueness_key(ORG, "jose\u0301@example.com")["PK"], nfd) in claimed

    again = org.migrate()
    assert (again.read, again.rewritten, again.collisions) == (5, 0, [])


def test_migrate_resumes_from_its_cursor(
    org: ck.OrgStore, table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [old_contact(table, n, f"p{n}@example.com") for n in range(7)]
    monkeypatch.setattr(migrate, "PAGE_SIZE", 3)
    first = org.migrate(pages=1)
    assert (first.read, first.rewritten) == (3, 3) and first.next_cursor is not None
    second = org.migrate(first.next_cursor, pages=1)
    rest = org.migrate(second.next_cursor)
    assert (second.read + rest.read, second.rewritten + rest.rewritten) == (4, 4)
    assert rest.next_cursor is None
    assert {i["id"] for i in items_of_type(table, "contact") if "display_name" in i} == set(ids)


def test_a_migrated_contact_updates_and_deletes_like_a_new_one(
    org: ck.OrgStore, table: ck.Table
) -> None:
    cid = old_contact(table, 1, "\uff26\uff35\uff2c\uff2c@example.com", phone="+15551234567")
    org.migrate()
    updated = org.update(cid, emails=["\uff26\uff35\uff2c\uff2c@example.com", "two@example.com"])
    assert updated.version == 4
    org.delete(cid)
    assert items_of_type(table, "email") == [] and items_of_type(table, "phone") == []


def test_a_contact_whose_address_collided_can_still_be_deleted(
    org: ck.OrgStore, table: ck.Table
) -> None:
    nfd = old_contact(table, 3, "jose\u0301@example.com")
    nfc = old_contact(table, 4, "jos\u00e9@example.com")
    assert len(org.migrate().collisions) == 1
    org.delete(nfd)  # its address's new key is the other contact's: that claim is left alone
    found = org.find_by_email("jose\u0301@example.com")
    assert found is not None and found.id == nfc


def test_an_unmigrated_contact_with_a_rekeyed_address_can_be_deleted(
    org: ck.OrgStore, table: ck.Table
) -> None:
    cid = old_contact(table, 2, "\uff26\uff35\uff2c\uff2c@example.com")
    org.delete(cid)  # no claim under the new key yet: releasing it is not an error
    with pytest.raises(ck.NotFoundError):
        org.get(cid)
