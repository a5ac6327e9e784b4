"""The tenant-scoped store: CRUD, uniqueness, locking, tags, favourites, activity, isolation.

Items are counted with a plain Scan outside the store (``scan_all``), so these tests check
what is really in the table, not what the store believes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts import keys
from tests.conftest import data_items, items_of_type, scan_all


def add(org: ck.OrgStore, email: str = "ada@example.com", **fields: Any) -> ck.Contact:
    values: dict[str, Any] = {"first_name": "Ada", "last_name": "Lovelace", "email": email}
    values.update(fields)
    return org.add(**values)


# -- add and get ----------------------------------------------------------------------------


def test_add_then_get_returns_the_same_contact(org: ck.OrgStore) -> None:
    contact = add(
        org,
        phone="555-123-4567",
        company="Acme Corp",
        job_title="CEO",
        tags=["vip", "client", "VIP"],
        address={"street": "1 Main St", "city": "Springfield", "zip_code": "12345"},
        custom_fields={"source": "conference"},
        notes="Met at PyCon.\nFollow up.",
    )
    assert org.get(contact.id) == contact
    assert contact.phone == contact.phone_e164 == "+15551234567"
    assert contact.phone_display() == "(555) 123-4567"
    assert contact.tags == ("vip", "client")
    assert contact.address == ck.Address(
        street="1 Main St", city="Springfield", postal_code="12345"
    )
    assert contact.version == 1
    assert contact.created_at is not None and contact.created_at.tzinfo is not None


def test_add_writes_contact_uniqueness_and_tag_items_together(
    table: ck.Table, org: ck.OrgStore
) -> None:
    contact = add(org, email="Ada@Example.com", tags=["vip", "client"])
    (claim,) = items_of_type(table, "email")
    assert claim["PK"] == "ORG#org-test#EMAIL#ada@example.com"
    assert claim["contact_id"] == contact.id
    tags = sorted(item["SK"] for item in items_of_type(table, "tag"))
    assert tags == [
        f"TAG#client#CONTACT#{contact.id}",
        f"TAG#vip#CONTACT#{contact.id}",
    ]
    (stored,) = items_of_type(table, "contact")
    assert stored["email"] == "Ada@Example.com"  # stored as entered


def test_ids_sort_by_creation(org: ck.OrgStore) -> None:
    ids = [add(org, email=f"p{n}@example.com").id for n in range(5)]
    assert ids == sorted(ids)


def test_local_only_phone_is_kept_not_indexed(table: ck.Table, org: ck.OrgStore) -> None:
    contact = add(org, phone="555-0101")
    assert contact.phone == "555-0101" and contact.phone_e164 is None
    assert contact.warnings and "555-0101" in contact.warnings[0]
    (stored,) = items_of_type(table, "contact")
    assert "PhonePK" not in stored


def test_empty_optional_fields_leave_index_attributes_absent(
    table: ck.Table, org: ck.OrgStore
) -> None:
    add(org, phone="  ", company="", tags=[])
    (stored,) = items_of_type(table, "contact")
    for attribute in ("PhonePK", "FavPK", "phone", "company", "tags"):
        assert attribute not in stored
    assert all(value != "" for value in stored.values())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_name": "x" * 101}, "first_name"),
        ({"first_name": None, "last_name": None, "email": None}, "name"),
        ({"last_name": "a\x00"}, "last_name"),
        ({"email": "not-an-email"}, "email"),
        ({"tags": "vip"}, "tags"),
        ({"tags": ["x" * 51]}, "tags[0]"),
        ({"address": {"planet": "Mars"}}, "address.planet"),
        ({"custom_fields": {"k": "v" * 2001}}, "custom_fields.k"),
        (  # every field within its limit, but together over DynamoDB's 400 KB item limit
            {
                "notes": "\U0001f600" * 100_000,
                "custom_fields": {f"k{n}": "\U0001f600" * 2000 for n in range(10)},
            },
            "notes",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    table: ck.Table, org: ck.OrgStore, fields: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {"first_name": "A", "last_name": "B", "email": "a@example.com"}
    values.update(fields)
    with pytest.raises(ck.ValidationError) as exc:
        org.add(**values)
    assert exc.value.field == field
    assert scan_all(table) == []


def test_email_is_unique_within_an_org_case_insensitively(
    table: ck.Table, org: ck.OrgStore
) -> None:
    first = add(org, email="ada@example.com")
    with pytest.raises(ck.EmailTakenError) as exc:
        add(org, email="ADA@example.COM", first_name="Other")
    assert exc.value.existing_id == first.id
    assert len(items_of_type(table, "contact")) == 1
    assert len(items_of_type(table, "email")) == 1


def test_same_email_in_two_orgs_is_fine(table: ck.Table) -> None:
    a = add(table.org("org-a"))
    b = add(table.org("org-b"))
    assert a.id != b.id
    assert len(items_of_type(table, "email")) == 2


# -- tenant isolation --------------------------------------------------------------------


def test_an_id_from_another_org_is_not_found(table: ck.Table) -> None:
    mine = add(table.org("org-a"))
    other = table.org("org-b")
    with pytest.raises(ck.NotFoundError):
        other.get(mine.id)
    with pytest.raises(ck.NotFoundError):
        other.update(mine.id, company="stolen")
    with pytest.raises(ck.NotFoundError):
        other.delete(mine.id)
    with pytest.raises(ck.NotFoundError):
        other.record_interaction(mine.id, kind="call")
    assert table.org("org-a").get(mine.id) == mine


@pytest.mark.parametrize("org_id", ["ORG-A", "org-", "org-a#b", "tenant", "org-a_b", "org-a-"])
def test_invalid_org_ids_are_refused(table: ck.Table, org_id: str) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        table.org(org_id)
    assert exc.value.field == "org_id"


@pytest.mark.parametrize("contact_id", ["", "x", "../CONTACT#1", "01" + "#" * 24])
def test_malformed_ids_are_refused(org: ck.OrgStore, contact_id: str) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.get(contact_id)
    assert exc.value.field == "id"


# -- update -------------------------------------------------------------------------------


def test_update_bumps_the_version_and_keeps_other_fields(org: ck.OrgStore) -> None:
    contact = add(org, company="Old", job_title="Engineer")
    updated = org.update(contact.id, expected_version=1, company="New")
    assert (updated.version, updated.company, updated.job_title) == (2, "New", "Engineer")
    assert org.get(contact.id) == updated
    assert updated.updated_at is not None and contact.updated_at is not None
    assert updated.updated_at >= contact.updated_at


def test_stale_expected_version_is_a_conflict_and_changes_nothing(org: ck.OrgStore) -> None:
    contact = add(org)
    org.update(contact.id, company="First")
    with pytest.raises(ck.VersionConflictError) as exc:
        org.update(contact.id, expected_version=1, company="Second")
    assert (exc.value.expected, exc.value.actual) == (1, 2)
    assert org.get(contact.id).company == "First"


@pytest.mark.parametrize("version", ["1", True, 1.0, 0, -1])
def test_expected_version_must_be_a_version_number(org: ck.OrgStore, version: Any) -> None:
    contact = add(org)
    calls = [
        lambda: org.update(contact.id, expected_version=version, company="X"),
        lambda: org.delete(contact.id, expected_version=version),
    ]
    for call in calls:
        with pytest.raises(ck.ValidationError) as exc:
            call()
        assert exc.value.field == "expected_version", exc.value
        assert "a version number" in exc.value.reason
    assert org.get(contact.id) == contact


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (b"/path/contacts.csv", "not bytes"),
        (bytearray(b"first_name"), "not bytearray"),
        ({"first_name": "Ada"}, "a list of dicts, not one dict"),
        (42, "not int"),
        (None, "not NoneType"),
    ],
)
def test_import_sources_of_the_wrong_type_are_refused(
    table: ck.Table, org: ck.OrgStore, source: Any, reason: str
) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.import_contacts(source, progress=False)
    assert (exc.value.field, reason in exc.value.reason) == ("source", True), exc.value
    assert scan_all(table) == []


def test_changing_email_moves_the_uniqueness_item(table: ck.Table, org: ck.OrgStore) -> None:
    contact = add(org, email="old@example.com")
    org.update(contact.id, email="new@example.com")
    (claim,) = items_of_type(table, "email")
    assert claim["PK"].endswith("#EMAIL#new@example.com")
    add(org, email="old@example.com", first_name="Reuse")  # the old email is free again


def test_case_only_email_change_keeps_one_claim(table: ck.Table, org: ck.OrgStore) -> None:
    contact = add(org, email="ada@example.com")
    updated = org.update(contact.id, email="Ada@Example.com")
    assert updated.email == "Ada@Example.com"
    (claim,) = items_of_type(table, "email")
    assert claim["email"] == "Ada@Example.com" and claim["contact_id"] == contact.id


def test_changing_to_a_taken_email_fails_and_changes_nothing(
    table: ck.Table, org: ck.OrgStore
) -> None:
    ada = add(org, email="ada@example.com")
    bob = add(org, email="bob@example.com", first_name="Bob")
    before = scan_all(table)
    with pytest.raises(ck.EmailTakenError) as exc:
        org.update(bob.id, email="ADA@example.com")
    assert exc.value.existing_id == ada.id
    assert sorted(scan_all(table), key=str) == sorted(before, key=str)


def test_tag_items_follow_tag_changes(table: ck.Table, org: ck.OrgStore) -> None:
    contact = add(org, tags=["vip", "client"])
    org.update(contact.id, tags=["client", "Partner"])
    tags = sorted((item["tag"], item["SK"]) for item in items_of_type(table, "tag"))
    assert tags == [
        ("Partner", f"TAG#partner#CONTACT#{contact.id}"),
        ("client", f"TAG#client#CONTACT#{contact.id}"),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "changes"),
        ({"id": "x"}, "id"),
        ({"version": 9}, "version"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"first_name": None, "last_name": None, "email": None}, "name"),
        ({"favorite": "yes"}, "favorite"),
    ],
)
def test_bad_updates_name_the_field(org: ck.OrgStore, changes: dict[str, Any], field: str) -> None:
    contact = add(org)
    with pytest.raises(ck.ValidationError) as exc:
        org.update(contact.id, **changes)
    assert exc.value.field == field
    assert org.get(contact.id) == contact


def test_missing_contacts_are_not_found(org: ck.OrgStore) -> None:
    ghost = add(org, email="ghost@example.com")
    org.delete(ghost.id)
    with pytest.raises(ck.NotFoundError):
        org.update(ghost.id, company="x")
    with pytest.raises(ck.NotFoundError):
        org.delete(ghost.id)
    with pytest.raises(ck.NotFoundError):
        org.set_favorite(ghost.id)


# -- favourites, interactions, delete --------------------------------------------------------


def test_favorite_sets_and_clears_the_sparse_index_key(table: ck.Table, org: ck.OrgStore) -> None:
    contact = add(org)
    assert org.set_favorite(contact.id).favorite is True
    (stored,) = items_of_type(table, "contact")
    assert stored["FavPK"] == keys.favorites_partition_key("org-test")
    assert org.set_favorite(contact.id, False).favorite is False
    (stored,) = items_of_type(table, "contact")
    assert "FavPK" not in stored


def test_record_interaction_appends_activity_and_moves_last_contacted(org: ck.OrgStore) -> None:
    contact = add(org)
    when = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    after_call = org.record_interaction(contact.id, kind="call", note="intro", at=when)
    earlier = org.record_interaction(contact.id, kind="email", at=when - timedelta(days=5))
    assert after_call.last_contacted_at == when
    assert earlier.last_contacted_at == when  # an older interaction does not move it back
    assert earlier.version == 3
    feed = org.activity(contact.id).items
    assert [(i.kind, i.note, i.at) for i in feed] == [
        ("call", "intro", when),
        ("email", None, when - timedelta(days=5)),
    ]


def test_interaction_times_must_be_aware(org: ck.OrgStore) -> None:
    contact = add(org)
    with pytest.raises(ck.ValidationError) as exc:
        org.record_interaction(contact.id, kind="call", at=datetime(2026, 1, 1))
    assert exc.value.field == "at"


def test_delete_removes_every_item_of_the_contact(table: ck.Table, org: ck.OrgStore) -> None:
    keep = add(org, email="keep@example.com", tags=["vip"])
    gone = add(org, email="gone@example.com", tags=["vip", "client"])
    for n in range(30):  # more activity than one batch of 25
        org.record_interaction(gone.id, kind="call", note=str(n))
    org.delete(gone.id)
    remaining = data_items(table)
    assert all(gone.id not in str(item) for item in remaining)
    assert org.get(keep.id) == keep
    kinds = sorted(item["type"] for item in remaining)
    # keep's contact, email claim, tag, and its search tokens: ada lovelace keep (not example,
    # com: email noise)
    assert kinds == ["contact", "email", "tag"] + ["token"] * 3


def test_delete_with_a_stale_version_is_a_conflict(org: ck.OrgStore) -> None:
    contact = add(org)
    org.update(contact.id, company="changed")
    with pytest.raises(ck.VersionConflictError):
        org.delete(contact.id, expected_version=1)
    assert org.get(contact.id).company == "changed"


def test_purge_activity_is_resumable(org: ck.OrgStore) -> None:
    contact = add(org)
    for n in range(7):
        org.record_interaction(contact.id, kind="note", note=str(n))
    assert org.purge_activity(contact.id) == 7
    assert org.purge_activity(contact.id) == 0
    assert org.activity(contact.id).items == []
