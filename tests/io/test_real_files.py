"""Real export files from public repositories (tests/data/real/, provenance in its README):
each imports into a fresh org with exactly the report written down here, every card is
accounted for, and importing it a second time writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

import contactkit as ck
from tests.conftest import scan_all

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


class Expected(NamedTuple):
    """What importing one file into an empty org reports (written by hand, card by card)."""

    cards: int
    imported: int
    photos: int
    warnings: int  # phones kept as entered (too short, not numbers)
    refused: tuple[tuple[int, str, str], ...] = ()  # (card, field, start of the reason)


EXPECTED = {
    # AOSP's vCard tests (Android's own importer): 2.1 with photos, QP, AGENT, X-ANDROID-CUSTOM
    "aosp-v21_blackberry_photo.vcf": Expected(1, 1, 1, 2),  # +5555555, +5555556: too short
    "aosp-v21_complicated.vcf": Expected(1, 1, 1, 0),
    "aosp-v21_invalid_comment_line.vcf": Expected(
        1, 0, 0, 0, ((1, "card", "is not a readable vCard (line 1 on): At line 6"),)
    ),
    "aosp-v21_japanese_1.vcf": Expected(1, 1, 0, 0),
    "aosp-v21_multiple_entry.vcf": Expected(3, 3, 0, 12),  # phones "9" ... "20"
    "aosp-v21_winmo_65.vcf": Expected(1, 1, 0, 0),
    "aosp-v21_x_android_custom_after_photo.vcf": Expected(1, 1, 1, 0),
    "aosp-v30_ios_613_multiline.vcf": Expected(1, 1, 1, 0),
    "aosp-v30_simple.vcf": Expected(1, 1, 0, 0),
    "aosp-v40_sort_as.vcf": Expected(1, 1, 0, 0),
    # ez-vcard's samples of each app's export
    "ezvcard-John_Doe_ANDROID.vcf": Expected(
        6,
        4,
        1,
        5,  # 123456789, 123456, 234567, 3456789, 45678901: too short or local-only
        (
            (5, "emails[1]", "'ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ' is not a valid address"),
            (6, "card", "is not a readable vCard (line 71 on): 'utf-8' codec can't decode"),
        ),
    ),
    "ezvcard-John_Doe_BLACK_BERRY.vcf": Expected(1, 1, 1, 0),
    "ezvcard-John_Doe_EVOLUTION.vcf": Expected(1, 1, 0, 0),
    "ezvcard-John_Doe_GMAIL.vcf": Expected(1, 1, 0, 0),
    "ezvcard-John_Doe_IPHONE.vcf": Expected(1, 1, 1, 0),
    "ezvcard-John_Doe_LOTUS_NOTES.vcf": Expected(1, 1, 1, 2),  # 204-34456, 00-1-212-...: too long
    "ezvcard-John_Doe_MAC_ADDRESS_BOOK.vcf": Expected(1, 1, 1, 0),
    "ezvcard-John_Doe_MS_OUTLOOK.vcf": Expected(1, 1, 1, 0),
    "ezvcard-gmail-list.vcf": Expected(3, 3, 0, 0),
    "ezvcard-gmail-single.vcf": Expected(1, 1, 0, 0),
    "ezvcard-outlook-2003.vcf": Expected(1, 1, 0, 4),  # "BusinessPhone", ...: not numbers
    "ezvcard-outlook-2007.vcf": Expected(1, 1, 1, 0),
    "ezvcard-rfc2426-example.vcf": Expected(2, 2, 0, 0),
    "ezvcard-rfc6350-example.vcf": Expected(1, 1, 0, 0),
    "ezvcard-thunderbird-MoreFunctionsForAddressBook-extension.vcf": Expected(1, 1, 1, 0),
    # sabre/vobject's and vobject's issue files
    "sabre-issue153.vcf": Expected(1, 1, 1, 0),
    "sabre-issue64.vcf": Expected(  # a card holding only a photo
        1, 0, 1, 0, ((1, "name", "a contact needs at least one of a name"),)
    ),
    "vobject-radicale-1587.vcf": Expected(1, 1, 0, 0),
}


def test_the_corpus_is_every_file_of_the_folder_and_at_least_15() -> None:
    files = {p.name for p in REAL.iterdir() if p.name != "README.md"}
    assert files == set(EXPECTED)
    assert len(files) >= 15
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in files)  # each with its source and licence


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_file_imports_as_expected_and_again_writes_nothing(
    table: ck.Table, name: str
) -> None:
    expected = EXPECTED[name]
    org = table.org("org-real")
    report = org.import_contacts(REAL / name, progress=False)
    assert (report.rows, report.imported, report.photos_dropped, len(report.warnings)) == (
        expected.cards,
        expected.imported,
        expected.photos,
        expected.warnings,
    )
    refused = [(r.row, r.field, r.reason) for r in report.invalid_rows]
    assert len(refused) == len(expected.refused), refused
    for (row, field, reason), (want_row, want_field, start) in zip(
        refused, expected.refused, strict=True
    ):
        assert (row, field) == (want_row, want_field) and reason.startswith(start), reason
    assert report.accounted, report.outcomes()
    assert not report.failed and not report.skipped  # an empty org: nothing to skip

    before = scan_all(table)
    again = org.import_contacts(REAL / name, progress=False)
    assert again.accounted and (again.imported, again.updated) == (0, 0)
    writes = {"TransactWriteItems", "BatchWriteItem", "PutItem", "UpdateItem"}
    assert not writes & set(again.requests_by_operation)
    assert scan_all(table) == before
    # Each imported card is found again by email or by name and phones (no card here is
    # identified by its UID only, which would need matching by source_id).
    assert len(again.skipped) == expected.imported
