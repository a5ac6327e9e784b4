"""vCard files cut into cards (contactkit.io.formats.cards): photos left out and counted, stray
lines outside cards, and one bad card never stopping the others."""

from __future__ import annotations

import io

import pytest

import contactkit as ck
from contactkit.io.formats import read_source
from contactkit.io.formats.cards import cut

# vCard 2.1 as Android writes it: a base64 photo ended by a blank line, whose length (1,141
# characters, one more than a multiple of 4) is no valid base64, as in ez-vcard's Android
# sample (tests/data/real/ezvcard-John_Doe_ANDROID.vcf), which aborted whole imports.
ANDROID_PHOTO = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John;;;\r\nFN:John Doe\r\n"
    "TEL;CELL:+1 555 0100 123\r\nEMAIL;HOME:john.doe@example.com\r\n"
    "PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAADA\r\n"
    + "".join(f" {'A' * 74}\r\n" for _ in range(15))
    + " ABC\r\n\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Roe;Jane;;;\r\nEMAIL:jane.roe@example.com\r\nEND:VCARD\r\n"
)
APPLE_STRAY = (
    "ENCODING:UTF-8\n"
    "BEGIN:VCARD\nVERSION:3.0\nN:Appleseed;John;;;\nFN:John Appleseed\n"
    "item1.EMAIL;type=INTERNET:john@example.com\nitem1.X-ABLabel:_$!<Other>!$_\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:3.0\nN:Bell;Kate;;;\nFN:Kate Bell\n"
    "PHOTO;VALUE=URI:https://example.com/kate.jpg\nEMAIL:kate@example.com\nEND:VCARD\n"
)


def test_an_android_photo_in_base64_imports_the_card_and_counts_the_photo(
    org: ck.OrgStore,
) -> None:
    report = org.import_contacts(io.BytesIO(ANDROID_PHOTO.encode()), format="vcard")
    assert (report.rows, report.imported, report.invalid_rows) == (2, 2, [])
    assert report.photos_dropped == 1
    assert report.accounted
    john = org.find_by_email("john.doe@example.com")
    assert john is not None and john.last_name == "Doe"


def test_a_stray_line_before_the_first_card_does_not_swallow_the_cards(
    org: ck.OrgStore,
) -> None:
    report = org.import_contacts(io.BytesIO(APPLE_STRAY.encode()), format="vcard")
    assert (report.rows, report.imported, report.invalid_rows) == (2, 2, [])
    assert report.photos_dropped == 1  # a linked photo is counted too
    assert any("line 1: 'ENCODING:UTF-8'" in note for note in report.notes)
    john = org.find_by_email("john@example.com")
    assert john is not None and john.emails[0].label == "other"


def test_a_card_vobject_cannot_read_is_one_refused_row_and_the_others_import(
    org: ck.OrgStore,
) -> None:
    broken = "BEGIN:VCARD\nVERSION:2.1\nN:Bad;Card\n# a comment line\nEND:VCARD\n"
    report = org.import_contacts(io.BytesIO((broken + APPLE_STRAY).encode()), format="vcard")
    assert report.rows == 3 and report.imported == 2
    (refused,) = report.invalid_rows
    assert (refused.row, refused.field) == (1, "card")
    assert "not a readable vCard" in refused.reason and "# a comment line" in refused.reason
    assert report.accounted


def test_a_card_cut_short_by_the_end_of_the_file_is_refused() -> None:
    source = read_source(io.BytesIO(b"BEGIN:VCARD\nVERSION:3.0\nFN:Half\n"), format="vcard")
    (row,) = source.rows
    assert row.problems == [("card", "the file ends before this card's END:VCARD")]


def test_unknown_properties_are_counted_by_name(org: ck.OrgStore) -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nN:Lee;Ann;;;\nX-AIM:ann\nX-AIM:ann2\n"
        "X-SPOUSE:Bo\nEND:VCARD\n"
    )
    report = org.import_contacts(io.BytesIO(text.encode()), format="vcard")
    assert report.ignored_properties == {"X-AIM": 2, "X-SPOUSE": 1}
    assert "properties not imported: X-AIM x2, X-SPOUSE x1" in report.summary()


@pytest.mark.parametrize(
    ("text", "cards", "stray"),
    [
        ("", 0, 0),
        ("BEGIN:VCARD\nEND:VCARD\n", 1, 0),
        ("junk\nBEGIN:VCARD\nEND:VCARD\nmore junk\n\n", 1, 2),
        # a vCard 2.1 AGENT holds a whole card: still one card
        ("BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nFN:A\nEND:VCARD\nEND:VCARD\n", 1, 0),
        ("begin:vcard\nend:vcard\nBEGIN:VCARD\nEND:VCARD\n", 2, 0),
    ],
)
def test_cut_finds_the_cards_and_the_lines_outside_them(text: str, cards: int, stray: int) -> None:
    found = cut(text)
    assert (len(found.cards), len(found.stray)) == (cards, stray)


def test_cut_takes_out_photos_with_their_continuation_lines() -> None:
    (card,) = cut(ANDROID_PHOTO).cards[:1]
    assert card.photos == 1
    assert "PHOTO" not in card.text and "AAAA" not in card.text
    assert "EMAIL;HOME:john.doe@example.com" in card.text and card.text.endswith("END:VCARD\n")


def test_cut_takes_out_logos_sounds_and_keys_counting_them_by_name() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:A\nLOGO;VALUE=URI:http://example.com/l.png\n"
        "SOUND;ENCODING=b:AAAA\n BBBB\nKEY;ENCODING=b:CCCC\nPROFILE:VCARD\nEND:VCARD\n"
    )
    (card,) = cut(text).cards
    assert card.binary == {"LOGO": 1, "SOUND": 1, "KEY": 1, "PROFILE": 1}
    assert card.text == "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n"


def test_a_file_without_any_card_is_refused() -> None:
    with pytest.raises(ck.ValidationError, match="no BEGIN:VCARD"):
        read_source(io.BytesIO(b"FN:Nobody\n"), format="vcard")


@pytest.mark.parametrize(
    ("inside", "note"),
    [
        ("\r", "line one\nline two"),  # Thunderbird writes a value's bare CR as it is
        ("\u2028", "line one\u2028line two"),  # a Unicode line separator is text, no line end
        ("\x85", "line one\x85line two"),
    ],
)
def test_a_line_break_inside_a_value_does_not_cut_the_vcard_line(inside: str, note: str) -> None:
    # tests/data/real/thunderbird-export.vcf: X-CUSTOM3;VALUE=TEXT:custom<CR>3
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nN:;Ada;;;\r\n"
        f"NOTE:line one{inside}line two\r\nEND:VCARD\r\n"
    )
    (row,) = read_source(io.StringIO(card), format="vcard").rows
    assert row.problems == []
    assert row.values["notes"] == note


def test_lines_ending_in_cr_cr_lf_are_one_line_break() -> None:
    # tests/data/real/thunderbird-dos_vcard_addressbook.vcf ends each line with \r\r\n
    card = "BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nN:Surname;Name;;;\r\r\nEND:VCARD\r\r\n"
    (row,) = read_source(io.StringIO(card), format="vcard").rows
    assert (row.values["first_name"], row.values["last_name"]) == ("Name", "Surname")


def test_a_card_with_bytes_that_are_not_utf8_is_refused_not_imported_mangled() -> None:
    # As a CSV row is: a card pasted from Latin-1 into a UTF-8 file must not be stored with
    # U+FFFD in place of its letters (Android's Shift-JIS cards were, before the file was
    # recognised as Shift-JIS: tests/data/real/aosp-v21_japanese_1.vcf).
    data = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Müller;Jürgen;;;\nEND:VCARD\n".encode()
        + "BEGIN:VCARD\nVERSION:3.0\nN:Lefèvre;François;;;\nEND:VCARD\n".encode("latin-1")
    )
    good, bad = read_source(io.BytesIO(data), format="vcard").rows
    assert good.problems == [] and good.values["last_name"] == "Müller"
    assert [field for field, _ in bad.problems] == ["first_name"]
    assert "not valid UTF-8" in bad.problems[0][1]


def test_outlooks_per_property_charset_is_honoured_in_a_utf8_file() -> None:
    # Outlook (German) writes ADR;CHARSET=Windows-1252 in cp1252 and X-MS-OL-DESIGN;CHARSET=utf-8
    # in UTF-8 in one file (tests/data/real/folkerkinzel-LabelIssue.vcf).
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=de:Wimmel;Rudi\r\n"
        + "ADR;WORK;PREF;CHARSET=Windows-1252:;;Business-Straße 19;Schaffhausen;;76543;"
        "Deutschland\r\n".encode("cp1252")
        + "X-MS-OL-DESIGN;CHARSET=utf-8:<card>Größe</card>\r\n".encode()
        + b"END:VCARD\r\n"
    )
    (row,) = read_source(io.BytesIO(data), format="vcard").rows
    assert row.problems == []
    assert row.values["addresses"][0]["street"] == "Business-Straße 19"


def test_a_line_in_neither_its_charset_nor_the_files_is_still_refused() -> None:
    data = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Müller;Jürgen;;;\nEND:VCARD\n".encode()
        + "BEGIN:VCARD\nVERSION:3.0\nN;CHARSET=utf-8:Lefèvre;François;;;\nEND:VCARD\n".encode(
            "latin-1"
        )
    )
    good, bad = read_source(io.BytesIO(data), format="vcard").rows
    assert good.problems == [] and "not valid UTF-8" in bad.problems[0][1]


def test_an_empty_parameter_as_outlook_writes_it_is_ignored() -> None:
    # "ADR;HOME;PREF;:" (tests/data/real/folkerkinzel-AnsiIssue.vcf) made the card unreadable
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=de:Rastral;Ralf\r\nFN:Ralf Rastral\r\n"
        "ADR;HOME;PREF;:;;Lämmerweg 12;Kleindorf;;98765;Deutschland\r\nEND:VCARD\r\n"
    )
    (row,) = read_source(io.StringIO(card), format="vcard").rows
    assert row.problems == []
    assert row.values["addresses"] == [
        {
            "street": "Lämmerweg 12",
            "city": "Kleindorf",
            "postal_code": "98765",
            "country": "Deutschland",
            "label": "home",
        }
    ]


def test_outlooks_card_picture_is_a_photo_left_out_and_counted() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Rastral;Ralf\r\n"
        "X-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:\r\n /9j/4AAQSkZJRgABAQEAYABgAAD\r\n\r\n"
        "END:VCARD\r\n"
    )
    source = read_source(io.StringIO(card), format="vcard")
    assert source.photos == 1 and source.rows[0].problems == []
    assert "X-MS-CARDPICTURE" not in source.ignored


def test_a_file_whose_last_line_ends_in_a_lone_cr_keeps_its_last_card() -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nEND:VCARD\r"
    (row,) = read_source(io.StringIO(card), format="vcard").rows
    assert row.problems == [] and row.values["first_name"] == "Jane"
