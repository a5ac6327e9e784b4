"""Bulk update and delete (``contactkit/bulk.py``): by ids or tag, validated first, reported."""

from __future__ import annotations

import pytest

import contactkit as ck

from .conftest import data_items

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
    report = org.bulk_delete(tag="old")
    assert sorted(report.done) == sorted(c.id for c in gone)
    assert [i["type"] for i in data_items(table) if i["type"] in ("contact", "tag")] == [
        "contact",
        "tag",
    ]
    again = org.bulk_delete(ids=[gone[0].id, keep.id])
    assert again.done == [keep.id] and again.not_found == [gone[0].id]
    assert data_items(table) == []


def test_a_version_conflict_is_a_reported_failure(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = people(org, 2, [])
    real = org.update

    def flaky(contact_id: str, **changes: object) -> ck.Contact:
        if contact_id == a.id:
            raise ck.VersionConflictError(a.id, 1, 2)
        return real(contact_id, **changes)

    monkeypatch.setattr(org, "update", flaky)
    report = org.bulk_update(ids=[a.id, b.id], company="ACME")
    assert report.done == [b.id]
    assert [f.contact_id for f in report.failed] == [a.id]
    assert "version" in report.failed[0].reason
