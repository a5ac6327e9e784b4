"""Sample data: the first rows of each file, in the store's field names, and loading them."""

from __future__ import annotations

import pytest

import contactkit as ck
from contactkit.clock import parse_timestamp
from contactkit.lessons import samples


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("org-northwind.csv", 2600),
        ("org-contoso.csv", 1600),
        ("org-fabrikam.json", 800),
        ("seed-contacts.csv", 3),
    ],
)
def test_sample_files_read_completely(name: str, count: int) -> None:
    rows = samples.read_rows(name)
    assert len(rows) == count
    assert all(row["first_name"] and row["email"] for row in rows)


def test_rows_use_the_store_field_names() -> None:
    (row,) = samples.read_rows("org-northwind.csv", limit=1)
    assert row["tags"] == ["client", "referral"]
    assert row["address"]["city"] == "Bengaluru"


def test_limit_and_missing_file() -> None:
    assert len(samples.read_rows("org-contoso.csv", limit=7)) == 7
    with pytest.raises(ck.ConfigurationError, match="not found"):
        samples.data_path("nope.csv")


def test_load_imports_every_row_once(org: ck.OrgStore) -> None:
    rows = samples.read_rows("seed-contacts.csv")
    assert samples.load(org, rows) == 3
    assert samples.load(org, rows) == 0  # idempotent: the emails are already there
    assert len(org.list().items) == 3


def test_load_refuses_bad_rows(org: ck.OrgStore) -> None:
    with pytest.raises(ck.ContactKitError, match="refused"):
        samples.load(org, [{"first_name": "A", "last_name": "B", "email": "not an email"}])


def test_load_interactions_records_those_of_the_org_contacts(table: ck.Table) -> None:
    org = table.org("org-northwind")
    rows = samples.read_rows("org-northwind.csv", limit=5)
    samples.load(org, rows)
    emails = {row["email"].lower() for row in rows}
    with samples.data_path("interactions.csv").open(encoding="utf-8") as handle:
        expected = sum(
            1
            for line in handle
            if line.startswith("org-northwind,") and line.split(",")[1].lower() in emails
        )
    assert expected > 0
    assert samples.load_interactions(org) == expected
    recorded = sum(len(org.activity(c.id, limit=100).items) for c in org.list(limit=100).items)
    assert recorded == expected


def test_load_interactions_of_an_org_without_contacts(table: ck.Table) -> None:
    assert samples.load_interactions(table.org("org-contoso")) == 0
    assert samples.load_interactions(table.org("org-contoso"), limit=0) == 0


def test_load_interactions_stops_at_the_limit(table: ck.Table) -> None:
    org = table.org("org-northwind")
    samples.load(org, samples.read_rows("org-northwind.csv", limit=20))
    assert samples.load_interactions(org, limit=3) == 3
    recorded = [i for c in org.list(limit=100).items for i in org.activity(c.id).items]
    assert len(recorded) == 3
    emails = {row["email"].lower() for row in samples.read_rows("org-northwind.csv", limit=20)}
    with samples.data_path("interactions.csv").open(encoding="utf-8") as handle:
        times = sorted(
            parse_timestamp(line.rstrip("\n").rsplit(",", 1)[1])
            for line in handle
            if line.startswith("org-northwind,") and line.split(",")[1].lower() in emails
        )
    latest = times[-3:]
    assert sorted(i.at for i in recorded) == latest  # the most recent ones
