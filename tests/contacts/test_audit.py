"""The audit trail: every store write, newest first, with cursors."""

from __future__ import annotations

import pytest

import contactkit as ck
from contactkit.contacts.audit import changed_fields, id_time


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


def test_an_import_run_is_one_audit_entry(org: ck.OrgStore) -> None:
    rows = [{"first_name": "A", "last_name": "B", "email": f"a{n}@example.com"} for n in range(3)]
    org.import_contacts(rows, dry_run=True)
    assert list(org.audit()) == []
    org.import_contacts(rows)
    org.import_contacts(rows)  # nothing new: no entry
    (entry,) = org.audit()
    assert (entry.action, entry.detail) == ("import", "3 imported, 0 updated")


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
