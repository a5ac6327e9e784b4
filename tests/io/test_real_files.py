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
    empty: int = 0  # blank rows at the end of a CSV file, skipped as "empty row"


def _tb(row: int, address: str) -> tuple[int, str, str]:
    """A Thunderbird test row refused for its test address (reserved or dotless domain)."""
    return (row, "email", f"{address!r} is not a valid address")


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
    # FolkerKinzel/Contacts.IO's exports of one made-up contact (Max Mustermann) from each app,
    # on German machines; its phones are placeholders ("Handy", "Tel privat"): kept as entered
    "contactsio-Google.csv": Expected(1, 1, 0, 1),  # Google's older export; phone "Tel10"
    "contactsio-GoogleCreatedOutlook.csv": Expected(1, 1, 0, 1),  # its "Outlook CSV"; "Handy"
    "contactsio-Outlook365 Web.csv": Expected(2, 1, 0, 1, empty=1),  # UTF-8 BOM; row 3 blank
    "contactsio-ThunderbirdAnsi.csv": Expected(1, 1, 0, 5),  # German header, cp1252; 5 phones
    "contactsio-ThunderbirdUtf8.csv": Expected(1, 1, 0, 5),  # the same in UTF-8
    "contactsio-WindowsLiveMail.csv": Expected(1, 1, 0, 1),  # German, ";"-separated; "Handy"
    # FolkerKinzel.VCards' Outlook (German interface) exports: vCard 2.1, X-MS-* properties
    "folkerkinzel-Outlook v2.vcf": Expected(1, 1, 1, 0),  # Max Mustermann, with a photo
    # cp1252 throughout, "ADR;HOME;PREF;:" (an empty parameter), picture as X-MS-CARDPICTURE
    "folkerkinzel-AnsiIssue.vcf": Expected(1, 1, 1, 0),
    # UTF-8 with one ADR;CHARSET=Windows-1252 line; phones "0987 /6543", "9876 /11223344"
    # are too short / too long for the default region (US)
    "folkerkinzel-LabelIssue.vcf": Expected(1, 1, 0, 2),
    # sabre/vobject's and vobject's issue files
    "sabre-issue153.vcf": Expected(1, 1, 1, 0),
    "sabre-issue64.vcf": Expected(  # a card holding only a photo
        1, 0, 1, 0, ((1, "name", "a contact needs at least one of a name"),)
    ),
    "vobject-radicale-1587.vcf": Expected(1, 1, 0, 0),
    # Thunderbird's address book tests (MPL-2.0): its own CSV export in four encodings and
    # two separators, and its vCards. Their addresses use the reserved ".invalid" domain or a
    # bare "invalid" host, which no mail reaches: refused as add() refuses them.
    "thunderbird-basic_addressbook.csv": Expected(1, 0, 0, 0, (_tb(2, "johndoe@host.invalid"),)),
    "thunderbird-basic_csv_addressbook.csv": Expected(
        2, 0, 0, 0, (_tb(2, "john@doe.invalid"), _tb(3, "jane@doe.invalid"))
    ),
    "thunderbird-csv_semicolon.csv": Expected(
        2, 0, 0, 0, (_tb(2, "john@doe.invalid"), _tb(3, "jane@doe.invalid"))
    ),
    "thunderbird-export.csv": Expected(
        2, 0, 0, 0, (_tb(2, "contact1@invalid"), _tb(3, "contact2@invalid"))
    ),
    "thunderbird-quote.csv": Expected(1, 1, 0, 0),  # a company: Display Name and Organization
    # Shift-JIS, guessed as the Korean cp949 (the note names cp932 too): read as mojibake
    "thunderbird-shiftjis_addressbook.csv": Expected(
        1, 0, 0, 0, (_tb(2, "뼹뼰궢궻뙛빜뎢@host.invalid"),)
    ),
    "thunderbird-utf16_addressbook.csv": Expected(1, 0, 0, 0, (_tb(2, "johndoe@host.invalid"),)),
    "thunderbird-basic_vcard_addressbook.vcf": Expected(
        2,
        0,
        0,
        0,
        (_tb(1, "john.doe@genericemail.invalid"), _tb(2, "jane.doe@genericemail.invalid")),
    ),
    "thunderbird-dos_vcard_addressbook.vcf": Expected(1, 1, 0, 0),  # lines end in CR CR LF
    "thunderbird-emptylines_vcard_addressbook.vcf": Expected(
        2,
        0,
        0,
        0,
        (_tb(1, "john.doe@genericemail.invalid"), _tb(2, "jane.doe@genericemail.invalid")),
    ),
    # card 2 holds a bare CR inside X-CUSTOM3 (it cut the card before it was read as text)
    "thunderbird-export.vcf": Expected(
        2, 0, 0, 0, (_tb(1, "contact1@invalid"), _tb(2, "contact2@invalid"))
    ),
    "thunderbird-import.vcf": Expected(1, 0, 0, 0, (_tb(1, "contact1@invalid"),)),
}


def test_the_corpus_is_every_file_of_the_folder_and_at_least_15() -> None:
    files = {p.name for p in REAL.iterdir() if p.name != "README.md"}
    assert files == set(EXPECTED)
    assert len(files) >= 15
    assert len({name for name in files if name.endswith(".csv")}) >= 5
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
    assert not report.failed  # an empty org: nothing to skip but blank rows
    assert [s.reason for s in report.skipped] == ["empty row"] * expected.empty

    before = scan_all(table)
    again = org.import_contacts(REAL / name, progress=False)
    assert again.accounted and (again.imported, again.updated) == (0, 0)
    writes = {"TransactWriteItems", "BatchWriteItem", "PutItem", "UpdateItem"}
    assert not writes & set(again.requests_by_operation)
    assert scan_all(table) == before
    # Each imported card is found again by email or by name and phones (no card here is
    # identified by its UID only, which would need matching by source_id).
    assert len(again.skipped) == expected.imported + expected.empty


def test_thunderbird_csv_files_read_as_thunderbird_itself_reads_them() -> None:
    """The values Thunderbird's own test expects from these files (its addressbook.json)."""
    from contactkit.io.formats import read_source

    (acer,) = read_source(REAL / "thunderbird-quote.csv").rows
    assert acer.values == {
        "name": "Acer America",
        "company": "Acer America",
        "phones": [{"value": "(800) 000-0000", "label": "work"}],
    }
    source = read_source(REAL / "thunderbird-export.csv")
    assert source.format == "thunderbird" and source.unused_columns == []
    two = source.rows[1].values
    assert (two["first_name"], two["last_name"], two["name"]) == (
        "contact",
        "two",
        "contact number two",
    )
    assert two["job_title"] == '"worker"'
    assert two["custom_fields"] == {
        "custom_1": "custom, 1",
        "custom_2": "custom\t2",
        "custom_3": "custom\r3",
        "custom_4": "custom\n4",
    }
    assert two["notes"] == "here's some unicode text\u2026"
    (utf16,) = read_source(REAL / "thunderbird-utf16_addressbook.csv").rows
    assert (utf16.values["first_name"], utf16.values["email"]) == ("John", "johndoe@host.invalid")
    # Shift-JIS is guessed wrong (too little text to tell it from cp949); named, it reads right
    (sjis,) = read_source(REAL / "thunderbird-shiftjis_addressbook.csv", encoding="shift_jis").rows
    assert (sjis.values["name"], sjis.values["first_name"], sjis.values["last_name"]) == (
        "名無しの権兵衛",
        "権兵衛",
        "名無し",
    )
    assert "cp932" in read_source(REAL / "thunderbird-shiftjis_addressbook.csv").notes[0]


@pytest.mark.parametrize(
    ("name", "last_names"),
    [
        ("aosp-v21_japanese_1.vcf", ["安藤ロイド"]),
        ("aosp-v21_multiple_entry.vcf", ["安藤ロイド3", "安藤ロイド4", "安藤ロイド5"]),
    ],
)
def test_androids_shift_jis_cards_read_their_japanese_names(
    name: str, last_names: list[str]
) -> None:
    # Android's own test expects these names; they were stored as U+FFFD before (a chance
    # UTF-8 pair made the file pass as UTF-8, and vCard rows ignored undecodable bytes).
    from contactkit.io.formats import read_source

    source = read_source(REAL / name)
    assert source.encoding == "shift_jis"
    assert [row.values["last_name"] for row in source.rows] == last_names


def test_outlooks_german_vcards_keep_their_umlauts() -> None:
    from contactkit.io.formats import read_source

    (label,) = read_source(REAL / "folkerkinzel-LabelIssue.vcf").rows
    assert label.values["addresses"][0]["street"] == "Business-Straße 19"  # CHARSET=Windows-1252
    (ansi,) = read_source(REAL / "folkerkinzel-AnsiIssue.vcf").rows
    assert ansi.values["addresses"][0]["street"] == "Lämmerweg 12"
