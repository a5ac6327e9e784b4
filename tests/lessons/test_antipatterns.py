"""The seed's access patterns, run for real: what DynamoDB says and what they cost."""

from __future__ import annotations

import pytest

import contactkit as ck
from contactkit.lessons import antipatterns
from tests.conftest import scan_all

ORGS = ["org-alpha", "org-beta", "org-gamma"]


@pytest.fixture
def three_orgs(table: ck.Table) -> ck.Table:
    for n, org_id in enumerate(ORGS):
        org = table.org(org_id)
        for i in range(n + 2):  # 2, 3 and 4 contacts
            org.add(first_name="Pat", last_name=f"Lee{i}", email=f"pat{i}@{org_id}.example")
    return table


def test_begins_with_on_a_partition_key_is_refused_by_the_server(three_orgs: ck.Table) -> None:
    error = antipatterns.begins_with_on_partition_key(three_orgs, "org-alpha")
    assert isinstance(error, ck.BackendError)
    assert error.operation == "Query"
    assert error.code == "ValidationException"
    assert "key condition" in error.message.lower()


def test_scan_with_filter_returns_one_org_but_reads_every_item(three_orgs: ck.Table) -> None:
    result = antipatterns.scan_with_filter(three_orgs, "org-beta")
    assert sorted(c.last_name for c in result.contacts) == ["Lee0", "Lee1", "Lee2"]
    assert {c.org_id for c in result.contacts} == {"org-beta"}
    assert result.items_read == len(scan_all(three_orgs))  # contacts, claims, tokens of all orgs
    assert result.requests >= 1


def test_global_email_index_reads_other_tenants(db: ck.Database) -> None:
    result = antipatterns.global_email_index_lookup(db, ORGS, "shared@example.com")
    assert result.org_id == "org-alpha"
    assert result.items_read == 3
    assert result.other_tenants_items == 2
    assert result.orgs_seen == sorted(ORGS)
    assert "scratch-seed-design" not in db.client.list_tables()["TableNames"]


def test_tenant_scoped_email_lookup_reads_only_its_own_org(three_orgs: ck.Table) -> None:
    for org_id in ORGS:
        three_orgs.org(org_id).add(first_name="Sam", last_name="Shared", email="shared@example.com")
    with three_orgs.meter() as meter:
        found = three_orgs.org("org-alpha").find_by_email("shared@example.com")
    assert found is not None and found.org_id == "org-alpha"
    assert meter.items_read == 2  # its email claim, then its contact: both its own


def test_scan_with_a_matching_condition_still_reads_everything(three_orgs: ck.Table) -> None:
    org = three_orgs.org("org-alpha")
    org.add(first_name="A", last_name="Smith", email="a@example.com", tags=["vip"])
    total = len(scan_all(three_orgs))
    result = antipatterns.scan_with_filter(
        three_orgs, "org-alpha", lambda c: "vip" in c.get("tags", ())
    )
    assert [c.last_name for c in result.contacts] == ["Smith"]
    assert result.items_read == total
