"""Sample data rows: our CSV and JSON formats read as store fields, and loaded."""

from __future__ import annotations

from typing import Any

import pytest

import contactkit as ck
from contactkit import samples


@pytest.mark.parametrize(
    ("record", "row"),
    [
        (
            {
                "first_name": "A",
                "last_name": "B",
                "email": "a@x.example",
                "phone": "",
                "tags": "x;y",
            },
            {"first_name": "A", "last_name": "B", "email": "a@x.example", "tags": ["x", "y"]},
        ),
        ({"tags": "engineering, client"}, {"tags": ["engineering", "client"]}),
        ({"tags": ["a"]}, {"tags": ["a"]}),
        (
            {"city": "Oslo", "country": "NO", "street": ""},
            {"address": {"city": "Oslo", "country": "NO"}},
        ),
        ({"address": {"city": "Oslo"}}, {"address": {"city": "Oslo"}}),
        (
            {"custom.linkedin": "in/a", "custom.birthday": ""},
            {"custom_fields": {"linkedin": "in/a"}},
        ),
        ({"custom_fields": {"k": "v"}}, {"custom_fields": {"k": "v"}}),
        ({"favorite": "true"}, {"favorite": True}),
        ({"favorite": "no"}, {}),
        ({"favorite": True}, {"favorite": True}),
        ({"created_at": "2025-01-01T00:00:00Z"}, {}),
    ],
)
def test_row_from_record(record: dict[str, Any], row: dict[str, Any]) -> None:
    assert samples.row_from_record(record) == row


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("org-northwind.csv", 2600),
        ("org-contoso.csv", 1600),
        ("org-fabrikam.json", 800),
        ("seed-contacts.csv", 3),
    ],
)
def test_sample_files_read_completely_and_validate(name: str, count: int) -> None:
    from contactkit.model import clean_new

    rows = samples.read_rows(name)
    assert len(rows) == count
    for row in rows:
        clean_new(row, "US")  # raises on a row the store would refuse


def test_limit_and_missing_file() -> None:
    assert len(samples.read_rows("org-contoso.csv", limit=7)) == 7
    with pytest.raises(ck.ConfigurationError, match="not found"):
        samples.data_path("nope.csv")


def test_load_adds_every_row(org: ck.OrgStore) -> None:
    assert samples.load(org, samples.read_rows("seed-contacts.csv")) == 3
    assert len(org.list().items) == 3
