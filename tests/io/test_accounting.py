"""Every row of every fixture has exactly one outcome: ``rows == sum(report.outcomes())``, on
a first import, and again with each ``on_conflict`` (contactkit.io.report)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import contactkit as ck

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(
    [
        *(p for p in (ROOT / "data").iterdir() if p.suffix in {".csv", ".json", ".vcf"}),
        *(ROOT / "tests" / "data" / "synthetic").iterdir(),
        *(p for p in (ROOT / "tests" / "data" / "real").iterdir() if p.suffix == ".vcf"),
    ]
)
SMALL = 200  # rows
NOT_CONTACTS = {"interactions.csv", "messy-expected.csv", "near-duplicates.csv"}


@pytest.mark.parametrize(
    "path", [p for p in FIXTURES if p.name not in NOT_CONTACTS], ids=lambda p: p.name
)
def test_every_row_of_every_fixture_is_accounted_for(table: ck.Table, path: Path) -> None:
    org = table.org("org-accounting")
    first = org.import_contacts(path, progress=False)
    assert first.rows > 0 and first.accounted, (first.rows, first.outcomes())
    # the org samples (thousands of rows) are imported once: again would take minutes
    modes = ("skip", "update", "merge") if first.rows <= SMALL else ()
    for mode in modes:
        again = org.import_contacts(path, progress=False, on_conflict=mode)  # type: ignore[arg-type]
        assert again.rows == first.rows and again.accounted, (mode, again.outcomes())


def test_merged_rows_are_counted_apart_from_updated(org: ck.OrgStore) -> None:
    org.import_contacts([{"first_name": "Ada", "email": "ada@example.com", "tags": ["a"]}])
    changed = [{"first_name": "Ada", "email": "ada@example.com", "tags": ["b"]}]
    merged = org.import_contacts(changed, on_conflict="merge")
    assert (merged.updated, merged.merged) == (1, 1)
    assert merged.outcomes()["merged"] == 1 and merged.outcomes()["updated"] == 0
    assert "merged 1 of the updated" in merged.summary()
    updated = org.import_contacts(
        [{"first_name": "Ada", "email": "ada@example.com", "tags": ["c"]}], on_conflict="update"
    )
    assert (updated.updated, updated.merged) == (1, 0) and updated.accounted


def test_an_empty_row_and_a_bad_row_do_not_stop_the_file(org: ck.OrgStore) -> None:
    text = (
        "first_name,last_name,email\nAda,L,ada@example.com\n,,\nBob,M,bob@\nCy,N,cy@example.com\n"
    )
    report = org.import_contacts(io.BytesIO(text.encode()), format="csv")
    assert report.outcomes() == {
        "imported": 2,
        "updated": 0,
        "merged": 0,
        "skipped": 1,
        "refused": 1,
        "failed": 0,
    }
    assert report.accounted
