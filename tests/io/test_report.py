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
