"""The seed's access patterns, measured: refused Query, whole-table Scan, global index."""

from __future__ import annotations

import contactkit as ck
from contactkit import antipatterns


def test_begins_with_on_partition_key_is_refused_by_the_server(table: ck.Table) -> None:
    error = antipatterns.begins_with_on_partition_key(table, "org-a")
    assert error.code == "ValidationException"
    assert "Query key condition not supported" in str(error)


def test_scan_reads_every_tenant_to_return_one(table: ck.Table) -> None:
    for org_id, count in (("org-a", 2), ("org-b", 5)):
        org = table.org(org_id)
        for n in range(count):
            org.add(first_name="F", last_name=f"L{n}", email=f"{n}@example.com")
    total = table.client.scan(TableName=table.name, Select="COUNT")["Count"]
    result = antipatterns.scan_with_filter(table, "org-a")
    assert len(result.contacts) == 2
    assert {c.org_id for c in result.contacts} == {"org-a"}
    assert result.items_read == total


def test_global_index_returns_other_tenants_items(db: ck.Database) -> None:
    result = antipatterns.global_email_index_lookup(
        db, ["org-a", "org-b", "org-c"], "x@example.com", table_name="scratch-global-test"
    )
    assert (result.items_read, result.other_tenants_items) == (3, 2)
    assert result.orgs_seen == ["org-a", "org-b", "org-c"]
    assert "scratch-global-test" not in db.client.list_tables()["TableNames"]


def test_scan_with_a_matching_condition_still_reads_everything(table: ck.Table) -> None:
    org = table.org("org-a")
    org.add(first_name="A", last_name="Smith", email="a@example.com", tags=["vip"])
    org.add(first_name="B", last_name="Jones", email="b@example.com")
    total = table.client.scan(TableName=table.name, Select="COUNT")["Count"]
    result = antipatterns.scan_with_filter(table, "org-a", lambda c: "vip" in c.get("tags", ()))
    assert [c.last_name for c in result.contacts] == ["Smith"]
    assert result.items_read == total
