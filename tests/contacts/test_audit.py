"""The audit trail: every store write, newest first, with cursors."""

from __future__ import annotations

import pytest

import contactkit as ck
from contactkit.contacts import keys
from contactkit.contacts.audit import changed_fields, id_time
from contactkit.dynamo.types import serialize
from tests.conftest import scan_all


def test_every_write_is_recorded_newest_first(org: ck.OrgStore) -> None:
    c = org.add(first_name="Ada", last_name="L", email="ada@example.com", tags=["x"])
    org.update(c.id, company="ACME", tags=["x", "y"])
    org.set_favorite(c.id)
    org.record_interaction(c.id, kind="call")
    org.create_group("g")
    org.add_to_group("g", c.id)
    org.delete(c.id)
    entries = list(org.iter_pages(org.audit, limit=3))
    assert [(e.action, e.contact_id is not None) for e in entries] == [
        ("delete", True),
        ("group.add", True),
        ("group.create", False),
        ("interaction", True),
        ("update", True),
        ("update", True),
        ("add", True),
    ]
    assert entries[4].fields == ("favorite",)
    assert entries[5].fields == ("company", "tags")
    assert entries[3].detail == "call" and entries[1].detail == "g"
    assert set(entries[6].fields) >= {"first_name", "last_name", "email", "tags"}
    times = [e.at for e in entries]
    assert times == sorted(times, reverse=True)


def test_failed_writes_leave_no_audit_entry(org: ck.OrgStore) -> None:
    c = org.add(first_name="Ada", last_name="L", email="ada@example.com")
    with pytest.raises(ck.EmailTakenError):
        org.add(first_name="Bob", last_name="L", email="ADA@example.com")
    with pytest.raises(ck.VersionConflictError):
        org.update(c.id, expected_version=7, company="x")
    assert [e.action for e in org.audit()] == ["add"]


def test_audit_cursors_are_bound_to_the_org(table: ck.Table) -> None:
    a, b = table.org("org-a"), table.org("org-b")
    for n in range(3):
        a.add(first_name="A", last_name="A", email=f"a{n}@example.com")
    b.add(first_name="B", last_name="B", email="b@example.com")
    page = a.audit(limit=2)
    assert page.next_cursor is not None
    with pytest.raises(ck.InvalidCursorError):
        b.audit(limit=2, cursor=page.next_cursor)
    assert len(b.audit()) == 1


def test_activity_is_newest_first_with_cursors(org: ck.OrgStore) -> None:
    from datetime import UTC, datetime, timedelta

    c = org.add(first_name="Ada", last_name="L", email="ada@example.com")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = ["call", "email", "meeting", "note", "call"]
    for n, kind in enumerate(kinds):
        org.record_interaction(c.id, kind=kind, at=start + timedelta(days=n))
    seen = list(org.iter_pages(org.activity, c.id, limit=2))
    assert [i.kind for i in seen] == kinds[::-1]
    assert [i.at for i in seen] == sorted((i.at for i in seen), reverse=True)


def test_audit_helpers() -> None:
    assert id_time("01ARZ3NDEKTSV4RRFFQ69G5FAV").year == 2016
    assert changed_fields(None, None) == ()


def test_each_import_transaction_is_one_audit_entry_naming_its_contacts(
    org: ck.OrgStore,
) -> None:
    rows = [{"first_name": "A", "last_name": "B", "email": f"a{n}@example.com"} for n in range(3)]
    org.import_contacts(rows, dry_run=True)
    assert list(org.audit()) == []
    report = org.import_contacts(rows)  # one transaction
    org.import_contacts(rows)  # nothing new: no entry
    (entry,) = org.audit()
    ids = " ".join(report.contact_ids[row] for row in (1, 2, 3))
    assert (entry.action, entry.detail) == ("import", f"3 imported, 0 updated: {ids}")


def test_the_bulk_and_exercise_methods_are_documented() -> None:
    import inspect

    methods = (
        "audit",
        "export",
        "erase",
        "purge",
        "create_group",
        "rename_group",
        "delete_group",
        "add_to_group",
        "remove_from_group",
        "groups",
        "group_members",
        "contact_groups",
        "duplicate_candidates",
        "merge",
        "bulk_update",
        "bulk_delete",
    )
    for name in methods:
        assert inspect.getdoc(getattr(ck.OrgStore, name)), name
    for name in ("backup", "restore"):
        assert inspect.getdoc(getattr(ck.Table, name)), name


def test_audit_entries_spread_over_the_shards_by_contact(table: ck.Table) -> None:
    org = table.org("org-a")
    added = [org.add(first_name="A", last_name=f"N{n}", email=f"a{n}@x.example") for n in range(40)]
    org.update(added[0].id, company="ACME")
    audit_items = [i for i in scan_all(table) if i["type"] == "audit"]
    partitions = {i["PK"] for i in audit_items}
    assert len(partitions) > keys.AUDIT_SHARDS // 2  # 40 contacts: most shards are used
    assert partitions <= set(keys.audit_partition_keys("org-a")[: keys.AUDIT_SHARDS])
    for item in audit_items:  # one contact's history stays in one shard
        shard = keys.audit_shard(item["contact_id"])
        assert item["PK"] == keys.audit_partition_key("org-a", shard)


def test_the_merged_trail_pages_newest_first_across_shards(table: ck.Table) -> None:
    org = table.org("org-a")
    ids = [org.add(first_name="A", last_name=f"N{n}").id for n in range(23)]
    for page_size in (1, 4, 25):
        entries = list(org.iter_pages(org.audit, limit=page_size))
        assert [e.contact_id for e in entries] == ids[::-1]


def test_entries_of_the_single_partition_layout_are_still_read(table: ck.Table) -> None:
    org = table.org("org-a")
    first = org.add(first_name="A", last_name="Old").id
    # Move its entry to where earlier versions wrote every entry of the org.
    (stored,) = [i for i in scan_all(table) if i["type"] == "audit"]
    old = dict(stored, PK=keys.legacy_audit_partition_key("org-a"))
    table.client.delete_item(
        TableName=table.name, Key=serialize({"PK": stored["PK"], "SK": stored["SK"]})
    )
    table.client.put_item(TableName=table.name, Item=serialize(old))
    second = org.add(first_name="B", last_name="New").id
    assert [e.contact_id for e in org.iter_pages(org.audit, limit=1)] == [second, first]
    org.erase(first)
    assert [e.action for e in org.audit()] == ["erase", "add"]


def test_the_audit_shard_is_stable_and_bounded() -> None:
    assert keys.audit_shard("01ARZ3NDEKTSV4RRFFQ69G5FAV") == keys.audit_shard(
        "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    )
    assert {keys.audit_shard(f"id{n}") for n in range(200)} == set(range(keys.AUDIT_SHARDS))
    with pytest.raises(ValueError, match="audit shard"):
        keys.audit_partition_key("org-a", keys.AUDIT_SHARDS)
