"""ImportReport: what people read after an import (pure data)."""

from __future__ import annotations

import contactkit as ck


def report() -> ck.ImportReport:
    return ck.ImportReport(
        format="csv",
        rows=4,
        imported=2,
        skipped=[ck.SkippedRow(3, "a@example.com", "duplicate of row 2")],
        invalid_rows=[ck.InvalidRow(5, "email", "is required")],
        failed=[],
        unused_columns=["fax"],
        requests=2,
        minimum_requests=2,
        wcu=40,
        minimum_wcu=40,
    )


def test_the_summary_names_every_count_and_each_invalid_row() -> None:
    text = report().summary()
    assert "4 rows: imported 2, updated 0, skipped 1, invalid 1, failed 0" in text
    assert "requests 2 (minimum for the atomic plan: 2)" in text
    assert "unused columns: fax" in text
    assert "row 5: email: is required" in text
    assert str(report()) == text


def test_the_repr_is_one_line() -> None:
    assert repr(report()) == (
        "<ImportReport csv: 4 rows, imported 2, updated 0, skipped 1, invalid 1, failed 0, "
        "requests 2/2>"
    )


def test_ok_means_nothing_invalid_and_nothing_failed() -> None:
    assert not report().ok
    assert ck.ImportReport(format="csv", rows=1, imported=1).ok
    failed = ck.ImportReport(format="csv", failed=[ck.FailedRow(2, "a@example.com", "throttled")])
    assert not failed.ok


def test_outcomes_give_each_row_one_outcome() -> None:
    done = report()
    assert done.outcomes() == {
        "imported": 2,
        "updated": 0,
        "merged": 0,
        "skipped": 1,
        "refused": 1,
        "failed": 0,
    }
    assert done.accounted  # rows 2, 3 and 5 and the imported ones: 4 rows, 4 outcomes
    done.rows = 5  # a row with no outcome
    assert not done.accounted
    done.failed.append(ck.FailedRow(4, "", "throttled"))
    assert done.accounted


def test_a_row_written_whose_index_entries_failed_counts_once() -> None:
    done = report()
    done.imported, done.contact_ids = 3, {2: "a", 4: "b", 6: "c"}
    done.rows = 5
    done.failed.append(ck.FailedRow(4, "", "imported, but its search-index entries ..."))
    assert done.outcomes()["failed"] == 0 and done.accounted


def test_the_summary_names_photos_properties_and_a_region_not_the_orgs() -> None:
    done = report()
    done.photos_dropped, done.ignored_properties = 2, {"X-AIM": 3}
    done.phone_region, done.phone_region_from, done.language = "DE", "header", "de"
    text = done.summary()
    assert "photos not stored: 2" in text and "properties not imported: X-AIM x3" in text
    assert "phones without a country code read as DE (the header's language: de)" in text
    done.phone_region_from = "org"
    assert "read as" not in done.summary()
