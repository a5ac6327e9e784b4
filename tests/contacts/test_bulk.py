"""Bulk update and delete: by ids or tag, validated first, reported."""

from __future__ import annotations

from typing import Any

import pytest

import contactkit as ck
from tests.conftest import data_items

MISSING = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


def people(org: ck.OrgStore, n: int, tags: list[str]) -> list[ck.Contact]:
    return [
        org.add(first_name="P", last_name=f"N{i}", email=f"p{i}@example.com", tags=tags)
        for i in range(n)
    ]


def test_bulk_update_by_tag_changes_every_tagged_contact(org: ck.OrgStore) -> None:
    leads = people(org, 3, ["lead"])
    other = org.add(first_name="O", last_name="O", email="o@example.com")
    report = org.bulk_update(tag="LEAD", company="ACME", tags=["customer"])
    assert sorted(report.done) == sorted(c.id for c in leads)
    assert report.not_found == [] and report.failed == []
    assert {org.get(c.id).company for c in leads} == {"ACME"}
    assert org.get(other.id).company is None
    assert list(org.find_by_tag("lead")) == []
    assert len(org.find_by_tag("customer")) == 3


def test_bulk_update_by_ids_reports_missing_ones(org: ck.OrgStore) -> None:
    a, b = people(org, 2, [])
    report = org.bulk_update(ids=[a.id, MISSING, b.id, a.id], favorite=True)
    assert report.done == [a.id, b.id] and report.not_found == [MISSING]
    assert report.total == 3
    assert org.get(a.id).favorite and org.get(b.id).version == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ids": [], "tag": "x", "company": "A"}, "ids"),
        ({"company": "A"}, "ids"),
        ({"ids": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "company": "A"}, "ids"),
        ({"ids": ["nope"], "company": "A"}, "id"),
        ({"ids": [MISSING]}, "changes"),
        ({"ids": [MISSING], "company": "x" * 201}, "company"),
        ({"ids": [MISSING], "shoe_size": 9}, "shoe_size"),
        ({"ids": [MISSING], "email": "same@example.com"}, "email"),
    ],
)
def test_bad_bulk_updates_write_nothing(
    table: ck.Table, org: ck.OrgStore, kwargs: dict[str, object], field: str
) -> None:
    people(org, 1, ["x"])
    before = data_items(table)
    with pytest.raises(ck.ValidationError) as exc:
        org.bulk_update(**kwargs)  # type: ignore[arg-type]
    assert exc.value.field == field
    assert data_items(table) == before


def test_failures_are_reported_per_contact_and_others_still_land(org: ck.OrgStore) -> None:
    big = org.add(
        first_name="B",
        last_name="B",
        email="big@example.com",
        custom_fields={f"f{n}": "\U0001f600" * 2000 for n in range(30)},  # 240 KB
    )
    small = org.add(first_name="S", last_name="S", email="small@example.com")
    report = org.bulk_update(ids=[big.id, small.id], notes="\u00e9" * 100_000)  # 200 KB more
    assert report.done == [small.id]
    assert [f.contact_id for f in report.failed] == [big.id]
    assert "400 KB" in report.failed[0].reason
    assert org.get(big.id).notes is None


def test_bulk_delete_by_tag_and_by_ids(table: ck.Table, org: ck.OrgStore) -> None:
    gone = people(org, 4, ["old"])
    keep = org.add(first_name="K", last_name="K", email="k@example.com", tags=["new"])
    for n in range(30):  # more activity than one batch
        org.record_interaction(gone[1].id, kind="call", note=str(n))
    report = org.bulk_delete(tag="old")
    assert sorted(report.done) == sorted(c.id for c in gone)
    assert [i["type"] for i in data_items(table) if i["type"] in ("contact", "tag")] == [
        "contact",
        "tag",
    ]
    again = org.bulk_delete(ids=[gone[0].id, keep.id])
    assert again.done == [keep.id] and again.not_found == [gone[0].id]
    assert data_items(table) == []


def test_a_concurrent_write_cancels_the_pack_and_nothing_is_lost(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = people(org, 2, [])
    real = org.writer.reader.batch_get

    def read_then_someone_writes(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        org.update(a.id, company="Changed meanwhile")
        return found

    monkeypatch.setattr(org.writer.reader, "batch_get", read_then_someone_writes)
    report = org.bulk_update(ids=[a.id, b.id], favorite=True)
    assert sorted(report.done) == sorted([a.id, b.id])
    stored = org.get(a.id)
    assert stored.favorite and stored.company == "Changed meanwhile"
    assert org.get(b.id).favorite


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_bulk_writes_pack_many_contacts_per_transaction(
    table: ck.Table, org: ck.OrgStore, operation: str
) -> None:
    ids = [c.id for c in people(org, 30, ["t"])]
    with table.meter() as m:
        if operation == "update":
            report = org.bulk_update(ids=ids, company="ACME")
        else:
            report = org.bulk_delete(ids=ids)
    assert sorted(report.done) == sorted(ids)
    stats = m.by_operation
    assert stats["BatchGetItem"].requests == 1
    assert stats["TransactWriteItems"].requests <= 8  # not 30
    assert "GetItem" not in stats
    if operation == "update":
        assert {org.get(i).company for i in ids} == {"ACME"}
        assert len([e for e in org.iter_pages(org.audit) if e.detail == "bulk"]) == 30
    else:
        assert [i for i in data_items(table) if i["type"] != "audit"] == []
