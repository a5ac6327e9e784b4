"""Reading contacts files: formats, encodings, multi-values, unused columns (no DynamoDB)."""

from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.io.formats import read_source
from contactkit.io.formats.text import decode

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(
    ("name", "format", "count", "first"),
    [
        (
            "seed-contacts.csv",
            "csv",
            3,
            {
                "first_name": "Alice",
                "email": "alice@example.com",
                "phone": "555-0101",
                "tags": ["engineering", "client"],
            },
        ),
        (
            "google-contacts.csv",
            "google",
            3,
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "email": "grace@navy.example",
                "phone": "+1 212-555-0187",
                "company": "Navy Labs",
                "job_title": "Rear Admiral",
                "tags": ["Pioneers", "VIP"],
                "favorite": True,
            },
        ),
        (
            "google-contacts-old.csv",
            "google-old",
            2,
            {
                "first_name": "Margaret",
                "last_name": "Hamilton",
                "email": "margaret@mit.example",
                "company": "MIT Instrumentation Lab",
                "tags": ["Apollo", "Engineering"],
            },
        ),
        (
            "google-outlook.csv",
            "google-outlook",
            2,
            {
                "first_name": "Katherine",
                "email": "katherine@nasa.example",
                "phone": "+1 757-555-0110",
                "tags": ["Space", "VIP"],
            },
        ),
        (
            "outlook-contacts.csv",
            "outlook",
            3,
            {
                "first_name": "Jürgen",
                "last_name": "Müller",
                "company": "Café Königsweg GmbH",
                "phone": "+49 151 23456789",
                "tags": ["Kunden", "VIP"],
            },
        ),
        (
            "outlook-contacts-unicode.csv",
            "outlook",
            3,
            {"first_name": "Jürgen", "last_name": "Müller", "job_title": "Geschäftsführer"},
        ),
        (
            "contacts.vcf",
            "vcard",
            3,
            {
                "first_name": "Jürgen",
                "last_name": "Müller",
                "company": "Café Königsweg GmbH",
                "notes": "Prefers calls in the morning.",
                "tags": ["Kunden", "VIP"],
            },
        ),
        (
            "org-fabrikam.json",
            "json",
            800,
            {
                "first_name": "Emma",
                "email": "emma.rodriguez@piper.example",
                "created_at": "2025-03-09T13:22:30Z",
            },
        ),
    ],
)
def test_each_sample_file_is_read_in_its_format(
    name: str, format: str, count: int, first: dict[str, Any]
) -> None:
    source = read_source(DATA / name)
    assert source.format == format
    assert len(source.rows) == count
    values = source.rows[0].values
    assert {k: values.get(k) for k in first} == first
    assert all(not row.problems for row in source.rows)


def test_google_multi_values_keep_the_first_as_primary_and_the_rest_as_custom_fields() -> None:
    grace = read_source(DATA / "google-contacts.csv").rows[0].values
    assert grace["custom_fields"] == {
        "department": "Computing",
        "other_emails": "grace.hopper@home.example",
        "other_phones": "+1 212-555-0188, +44 20 7946 0958",
        "birthday": "1906-12-09",
        "nickname": "Amazing Grace",
        "website": "https://example.com/grace",
    }
    assert grace["address"] == {
        "street": "1 Navy Way",
        "city": "Arlington",
        "state": "VA",
        "postal_code": "22201",
        "country": "US",
    }
    old = read_source(DATA / "google-contacts-old.csv").rows[0].values
    assert old["email"] == "margaret@mit.example"
    assert old["custom_fields"]["other_emails"] == "mh@apollo.example"


def test_vcard_versions_folded_lines_quoted_printable_and_tel_uris() -> None:
    rows = read_source(DATA / "contacts.vcf").rows
    mueller, curie, lamarr = (row.values for row in rows)
    assert mueller["phones"] == [{"value": "+49 151 23456789", "label": "mobile"}]  # 2.1 CELL
    assert curie["emails"] == [  # folded over two lines; labelled by TYPE
        {"value": "marie.curie@radium.example", "label": "work"},
        {"value": "marie@home.example", "label": "home"},
    ]
    assert curie["prefix"] == "Dr."
    assert curie["notes"] == "Two Nobel prizes, physics and chemistry."  # 3.0 escapes
    assert curie["tags"] == ["Science", "Nobel", "VIP"]
    assert curie["department"] == "Physics"  # ORG's second part
    assert lamarr["phones"] == [{"value": "+1-310-555-0175 ext. 12", "label": "mobile"}]  # URI
    assert lamarr["addresses"][0]["city"] == "Los Angeles"
    assert [r.row for r in rows] == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "unused"),
    [
        ("seed-contacts.csv", []),
        ("messy.csv", ["fax"]),
        (
            "outlook-contacts.csv",
            [
                "Business Street 2",
                "Business Fax",
                "E-mail Type",
                "E-mail Display Name",
            ],
        ),
    ],
)
def test_unused_columns_are_listed(name: str, unused: list[str]) -> None:
    assert read_source(DATA / name).unused_columns == unused


def test_google_unused_columns_include_what_has_no_field() -> None:
    unused = read_source(DATA / "google-contacts.csv").unused_columns
    assert {"Photo", "File As", "Address 1 - PO Box"} <= set(unused)
    assert "Middle Name" not in unused  # a name part, read since real exports carry them
    assert "Labels" not in unused and "E-mail 1 - Value" not in unused


TEXT = "first_name,last_name,email\nJürgen,Müller,j@example.com\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_recognised(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text.lstrip("\ufeff") == TEXT
    assert decoded.replaced is False
    assert (decoded.note is not None) == (encoding == "cp1252")


def test_a_legacy_code_page_row_in_a_utf8_file_is_reported_not_mangled() -> None:
    data = TEXT.encode() + "François,Lefèvre,f@example.com\n".encode("latin-1")
    source = read_source(io.BytesIO(data), format="csv")
    good, bad = source.rows
    assert good.values["last_name"] == "Müller" and not good.problems
    assert bad.problems == [("first_name", pytest.approx(bad.problems[0][1]))]
    assert "not valid UTF-8" in bad.problems[0][1]


def test_a_legacy_file_with_a_chance_utf8_pair_is_not_read_as_utf8() -> None:
    # Shift-JIS "の" then "権" is 82 CC 8C A0: "CC 8C" happens to be valid UTF-8 (U+030C), but
    # no line of the file is valid UTF-8 holding non-ASCII text, so it is no UTF-8 file with a
    # few bad rows (tests/data/real/thunderbird-shiftjis_addressbook.csv is such a file).
    data = "Display Name,Primary Email\n名無しの権兵衛,a@host.invalid\n".encode("shift_jis")
    decoded = decode(data)
    assert decoded.encoding != "utf-8" and not decoded.replaced
    assert decoded.note is not None and "pass encoding= to choose" in decoded.note
    assert decode(data, "shift_jis").text.splitlines()[1].startswith("名無しの権兵衛")


def test_an_ambiguous_legacy_guess_names_the_other_encodings_that_fit() -> None:
    data = "Display Name,Primary Email\n名無しの権兵衛,a@host.invalid\n".encode("shift_jis")
    note = decode(data).note or ""
    assert "cp932" in note  # the Japanese reading is named even when another is guessed


def test_an_explicit_encoding_wins() -> None:
    data = "first_name,last_name,email\nRenée,Lefčvre,r@example.com\n".encode("cp1250")
    assert read_source(io.BytesIO(data), encoding="cp1250").rows[0].values["last_name"] == (
        "Lefčvre"
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_from_the_header(delimiter: str) -> None:
    text = TEXT.replace(",", delimiter)
    source = read_source(io.StringIO(text))
    assert source.rows[0].values == {
        "first_name": "Jürgen",
        "last_name": "Müller",
        "email": "j@example.com",
    }


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("a,b,c@example.com,extra", "has 4 cells but the header has 3"),
        ("a,b", "has 2 cells but the header has 3"),
        ("a", "has 1 cell but the header has 3"),
    ],
)
def test_rows_with_stray_or_missing_cells_are_flagged(line: str, problem: str) -> None:
    row = read_source(io.StringIO(f"first_name,last_name,email\n{line}\n")).rows[0]
    assert row.problems[0] == ("row", problem)
    assert row.row == 2  # the header is row 1, as in a spreadsheet


def test_trailing_empty_cells_are_not_stray() -> None:
    row = read_source(io.StringIO("first_name,last_name,email\na,b,c@example.com,,\n")).rows[0]
    assert row.problems == []


def test_empty_rows_are_marked() -> None:
    rows = read_source(io.StringIO("first_name,last_name,email\n,,\n")).rows
    assert rows[0].empty


@pytest.mark.parametrize(
    ("cell", "tags"),
    [("a;b", ["a", "b"]), ("a, b", ["a", "b"]), ("a;;b;", ["a", "b"]), ("", None)],
)
def test_our_tags_column_splits_on_semicolons_and_commas(cell: str, tags: list[str] | None) -> None:
    text = f'first_name,last_name,email,tags\na,b,c@example.com,"{cell}"\n'
    assert read_source(io.StringIO(text)).rows[0].values.get("tags") == tags


def test_our_csv_reads_address_custom_fields_and_favourite() -> None:
    text = (
        "first_name,last_name,email,city,country,custom.team,favorite\n"
        "a,b,c@example.com,Paris,FR,Blue,yes\n"
    )
    values = read_source(io.StringIO(text)).rows[0].values
    assert values["address"] == {"city": "Paris", "country": "FR"}
    assert values["custom_fields"] == {"team": "Blue"}
    assert values["favorite"] is True


def test_an_unknown_header_is_a_validation_error_naming_the_format() -> None:
    with pytest.raises(ck.ValidationError) as exc:
        read_source(io.StringIO("name,mail\nx,y\n"))
    assert exc.value.field == "format"


@pytest.mark.parametrize(
    ("source", "field"),
    [
        (io.StringIO(""), "source"),
        (io.StringIO("[1, 2"), "source"),
        (DATA / "no-such-file.csv", "source"),
        (42, "source"),
    ],
)
def test_unreadable_sources_name_the_problem(source: Any, field: str) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        read_source(source)
    assert exc.value.field == field


def test_unknown_format_names_are_refused() -> None:
    with pytest.raises(ck.ValidationError) as exc:
        read_source(DATA / "seed-contacts.csv", format="xlsx")
    assert exc.value.field == "format"


def test_open_binary_files_and_sniffed_formats() -> None:
    with (DATA / "contacts.vcf").open("rb") as handle:
        assert read_source(handle).format == "vcard"
    assert read_source(io.BytesIO(b'[{"email": "a@example.com"}]')).format == "json"
    assert read_source(io.BytesIO(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nEND:VCARD\r\n"))


def test_json_variants_and_unknown_keys() -> None:
    wrapped = io.StringIO('{"contacts": [{"email": "a@example.com", "shoe_size": 9, "id": "x"}]}')
    source = read_source(wrapped, format="json")
    assert source.rows[0].values == {"email": "a@example.com", "id": "x"}  # the importer checks
    assert source.unused_columns == ["shoe_size"]  # our own export's id is not "unused"
    lines = io.StringIO('{"email": "a@example.com", "tags": "x;y"}\n\n{"email": "b@example.com"}')
    rows = read_source(lines, format="jsonl").rows
    assert [r.values["email"] for r in rows] == ["a@example.com", "b@example.com"]
    assert rows[0].values["tags"] == ["x", "y"]


def test_records_that_are_not_objects_are_flagged() -> None:
    rows = read_source([{"email": "a@example.com"}, "oops"]).rows
    assert rows[1].problems == [("row", "must be an object, not str")]
    assert read_source([]).rows == []


def test_a_text_file_opened_with_its_bom_still_has_a_known_header() -> None:
    source = read_source(io.StringIO("\ufeff" + TEXT))
    assert source.format == "csv" and source.rows[0].values["email"] == "j@example.com"


# -- input that used to escape as a traceback ---------------------------------------------------


def test_a_cell_over_the_csv_field_limit_is_a_size_problem_of_its_row_only() -> None:
    big = "x" * 10_000_000  # Python's csv module stops at 131,072 characters
    data = f"first_name,last_name,email\nA,B,a@example.com\n{big},C,c@example.com\nD,E,d@x.io\n"
    rows = read_source(io.StringIO(data)).rows
    assert [(r.row, r.values.get("email")) for r in rows if not r.problems] == [
        (2, "a@example.com"),
        (4, "d@x.io"),
    ]
    ((field, reason),) = rows[1].problems
    assert rows[1].row == 3 and field == "row" and "131,072 characters" in reason


BOM_HEADER = codecs.BOM_UTF16_LE + "first_name,last_name,email\n".encode("utf-16-le")


@pytest.mark.parametrize(
    ("data", "encoding", "named"),
    [
        (BOM_HEADER + b"a", None, ["utf-16", f"byte {len(BOM_HEADER)}"]),  # an odd byte out
        (BOM_HEADER + b"\x00\xd8a\x00", None, ["utf-16", f"byte {len(BOM_HEADER)}"]),  # surrogate
        (b"A\x00" * 50 + b"\x00\xd8" + b"A\x00" * 10, None, ["utf-16-le", "byte 100"]),  # binary
        (b"first_name,email\nA,a@example.com\n", "nonexistent", ["'nonexistent'"]),
        ("first_name,last_name,email\nJosé,B,a@x.io\n".encode(), "ascii", ["ascii", "byte 30"]),
        (b"first_name,last_name,email\nA,B,a@x.io\n", "utf-32", ["utf-32", "byte 0"]),
    ],
    ids=["bom-odd-byte", "bom-lone-surrogate", "nul-rich-binary", "nonexistent", "ascii", "utf-32"],
)
def test_undecodable_bytes_are_a_validation_error_naming_the_encoding_and_offset(
    data: bytes, encoding: str | None, named: list[str]
) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        read_source(io.BytesIO(data), encoding=encoding)
    assert exc.value.field == "encoding"
    assert all(part in exc.value.reason for part in named), exc.value.reason


@pytest.mark.parametrize("format", ["json", "jsonl"])
def test_json_nested_too_deeply_is_refused_clearly(format: str) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        read_source(io.StringIO("[" * 100_000), format=format)
    assert exc.value.field == "source" and "nested too deeply" in exc.value.reason


def test_a_bad_json_lines_line_is_an_invalid_row_naming_its_line() -> None:
    text = '{"email": "a@example.com"}\n\n{"email": oops}\n{"email": "c@example.com"}\n'
    rows = read_source(io.StringIO(text), format="jsonl").rows
    assert [(r.row, r.values.get("email")) for r in rows] == [
        (1, "a@example.com"),
        (3, None),
        (4, "c@example.com"),
    ]
    ((field, reason),) = rows[1].problems
    assert field == "row" and "line 3 is not valid JSON" in reason and "column 11" in reason
    assert not rows[0].problems and not rows[2].problems


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("email", "first_name,last_name,email,email\nA,B,a@example.com,b@example.com\n"),
        (
            "E-mail Address",
            "First Name,Last Name,E-mail Address,E-mail Address\nA,B,a@x.io,b@x.io\n",
        ),
    ],
    ids=["ours", "outlook"],
)
def test_a_repeated_column_is_refused_naming_it(column: str, text: str) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        read_source(io.StringIO(text))
    assert exc.value.field == "header"
    assert f"{column!r} (columns 3 and 4)" in exc.value.reason, exc.value.reason


def test_a_repeated_column_that_nothing_reads_loses_nothing() -> None:
    text = "first_name,last_name,email,shoe,shoe\nA,B,a@example.com,1,2\n"
    source = read_source(io.StringIO(text))
    assert source.rows[0].values["email"] == "a@example.com" and source.unused_columns == ["shoe"]


@pytest.mark.parametrize(
    ("source", "format"),
    [
        ('[{"email": "a@example.com", "created_at": "1969-12-31T23:59:59.999Z"}]', "json"),
        ("first_name,last_name,email,created_at\nA,B,a@example.com,1901-01-01T00:00:00Z\n", "csv"),
    ],
    ids=["json", "csv"],
)
def test_a_creation_time_before_1970_is_a_problem_of_its_row(source: str, format: str) -> None:
    (row,) = read_source(io.StringIO(source), format=format).rows
    ((field, reason),) = row.problems
    assert field == "created_at" and "before 1970" in reason


def test_our_csv_reads_numbered_entries_with_labels_in_order() -> None:
    text = (
        "first_name,email,email_label,email_2,email_2_label,email_3,email_3_label,"
        "phone,phone_label,phone_2,phone_2_label,street,city,address_label,"
        "address_2_city,address_2_label,websites,birthday\n"
        'Ada,a@x.example,work,,,c@x.example,"my; label",+15551234567;ext=9,,'
        '1-800-FLOWERS,shop,1 Main,London,home,Paris,,"""https://a.example/x,y"";b.example",'
        "--05-17\n"
    )
    (row,) = read_source(io.StringIO(text), format="csv").rows
    assert row.values["emails"] == [
        {"value": "a@x.example", "label": "work"},
        {"value": "c@x.example", "label": "my; label"},  # the blank second entry left out
    ]
    assert row.values["phones"] == [
        {"value": "+15551234567;ext=9"},
        {"value": "1-800-FLOWERS", "label": "shop"},
    ]
    assert row.values["addresses"] == [
        {"street": "1 Main", "city": "London", "label": "home"},
        {"city": "Paris"},
    ]
    assert row.values["websites"] == ["https://a.example/x,y", "b.example"]
    assert row.values["birthday"] == "--05-17"


VCARD = """BEGIN:VCARD
VERSION:3.0
N:Lovelace;Ada;Augusta;Countess;FRS
FN:Ada Lovelace
item1.EMAIL;TYPE=INTERNET:ada@engine.example
item1.X-ABLabel:Engine\\, room
EMAIL;TYPE=INTERNET,HOME:ada@home.example
item2.TEL:+44 20 7946 0958
item2.X-ABLabel:_$!<Mobile>!$_
ORG:Analytical Engines;Research
BDAY:--1210
URL:https://ada.example
NICKNAME:Ada
UID:urn:uuid:9f1c3a1e-0000-4000-8000-000000000000
END:VCARD
"""


def test_vcard_labels_from_x_ablabel_and_type_and_every_field() -> None:
    (row,) = read_source(io.StringIO(VCARD), format="vcard").rows
    values = row.values
    assert values["emails"] == [
        {"value": "ada@engine.example", "label": "Engine, room"},
        {"value": "ada@home.example", "label": "home"},
    ]
    assert values["phones"] == [{"value": "+44 20 7946 0958", "label": "mobile"}]  # Apple's form
    assert (values["prefix"], values["middle_name"], values["suffix"]) == (
        "Countess",
        "Augusta",
        "FRS",
    )
    assert (values["company"], values["department"]) == ("Analytical Engines", "Research")
    assert (values["birthday"], values["websites"], values["nickname"]) == (
        "--12-10",
        ["https://ada.example"],
        "Ada",
    )
    assert "id" not in values  # another app's UID is not a contactkit id


@pytest.mark.parametrize(
    ("bday", "birthday"),
    [
        ("--0517", "--05-17"),
        ("--05-17", "--05-17"),
        ("19900517", "1990-05-17"),
        ("1990-05-17", "1990-05-17"),
        ("1990-05-17T00:00:00Z", "1990-05-17"),
        ("May 17", "May 17"),
    ],
)
def test_vcard_birthdays_read_in_the_models_form(bday: str, birthday: str) -> None:
    card = f"BEGIN:VCARD\nVERSION:3.0\nFN:A\nN:;A;;;\nBDAY:{bday}\nEND:VCARD\n"
    (row,) = read_source(io.StringIO(card), format="vcard").rows
    assert row.values["birthday"] == birthday  # "May 17" is left for the model to refuse


@pytest.mark.parametrize(
    "values",
    [["a;b", "c,d"], ['say "hi"'], [" "], ["", "x"], [], ["plain"]],
)
def test_a_list_cell_reads_back_exactly_what_was_joined(values: list[str]) -> None:
    from contactkit.io import columns

    assert columns.split_list(columns.join_list(values)) == [v.strip() for v in values]
    assert columns.split_list("a;;b, c") == ["a", "b", "c"]  # unquoted blanks are no items


def test_a_foreign_uid_is_the_source_id_and_ours_is_the_id() -> None:
    (foreign,) = read_source(io.StringIO(VCARD), format="vcard").rows
    assert foreign.values["source_id"] == "urn:uuid:9f1c3a1e-0000-4000-8000-000000000000"
    ulid = "01KE6Z5Q8M3V4W5X6Y7Z8A9B0C"
    ours = VCARD.replace(
        "UID:urn:uuid:9f1c3a1e-0000-4000-8000-000000000000",
        f"UID:urn:uuid:9f1c3a1e-0000-4000-8000-000000000000\nX-CONTACTKIT-ID:{ulid}",
    )
    (row,) = read_source(io.StringIO(ours), format="vcard").rows
    assert (row.values["id"], row.values["source_id"]) == (
        ulid,
        "urn:uuid:9f1c3a1e-0000-4000-8000-000000000000",
    )
    # an earlier contactkit card: UID was the id, and is no source id
    earlier = VCARD.replace("UID:urn:uuid:9f1c3a1e-0000-4000-8000-000000000000", f"UID:{ulid}")
    (row,) = read_source(io.StringIO(earlier), format="vcard").rows
    assert row.values["id"] == ulid and "source_id" not in row.values
    # our own card of a contact without a source id: UID and X-CONTACTKIT-ID agree
    same = VCARD.replace(
        "UID:urn:uuid:9f1c3a1e-0000-4000-8000-000000000000",
        f"UID:{ulid}\nX-CONTACTKIT-ID:{ulid}",
    )
    (row,) = read_source(io.StringIO(same), format="vcard").rows
    assert row.values["id"] == ulid and "source_id" not in row.values


THUNDERBIRD_HEADER = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,"
    "Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,"
    "Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,"
    "Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes"
)


def test_thunderbird_csv_export_is_recognised_and_every_column_read() -> None:
    # Thunderbird's own CSV export (its header as tests/data/real/thunderbird-export.csv has it)
    row = (
        "Ada,Lovelace,Countess Ada,Ada L,ada@work.example,ada@home.example,adal,"
        "+44 20 7946 0001,+44 20 7946 0002,+44 20 7946 0003,,+44 7700 900004,"
        "12 St James's Square,Flat 2,London,,SW1Y 4JH,UK,1 Engine Row,,Cambridge,Cambs,CB2 1TN,"
        "UK,Analyst,Research,Analytical Engines,https://ada.example,https://notes.example,"
        "1815,12,10,one,two,,four,Wrote the first program"
    )
    source = read_source(io.StringIO(f"{THUNDERBIRD_HEADER}\n{row}\n"))
    assert source.format == "thunderbird"
    (read,) = source.rows
    assert read.problems == []
    values = read.values
    assert (values["first_name"], values["last_name"], values["name"]) == (
        "Ada",
        "Lovelace",
        "Countess Ada",
    )
    assert values["nickname"] == "Ada L"
    assert values["emails"] == [{"value": "ada@work.example"}, {"value": "ada@home.example"}]
    assert values["phones"] == [
        {"value": "+44 20 7946 0001", "label": "work"},
        {"value": "+44 20 7946 0002", "label": "home"},
        {"value": "+44 20 7946 0003", "label": "fax"},
        {"value": "+44 7700 900004", "label": "mobile"},
    ]
    assert values["addresses"] == [
        {
            "street": "12 St James's Square, Flat 2",
            "city": "London",
            "postal_code": "SW1Y 4JH",
            "country": "UK",
            "label": "home",
        },
        {
            "street": "1 Engine Row",
            "city": "Cambridge",
            "state": "Cambs",
            "postal_code": "CB2 1TN",
            "country": "UK",
            "label": "work",
        },
    ]
    assert (values["job_title"], values["department"], values["company"]) == (
        "Analyst",
        "Research",
        "Analytical Engines",
    )
    assert values["websites"] == ["https://ada.example", "https://notes.example"]
    assert values["birthday"] == "1815-12-10"
    assert values["custom_fields"] == {
        "screen_name": "adal",
        "custom_1": "one",
        "custom_2": "two",
        "custom_4": "four",
    }
    assert values["notes"] == "Wrote the first program"
    assert source.unused_columns == []  # every column of Thunderbird's export is read


@pytest.mark.parametrize(
    ("year", "month", "day", "birthday"),
    [("1990", "5", "7", "1990-05-07"), ("", "12", "24", "--12-24"), ("1990", "", "", None)],
)
def test_thunderbird_birthday_parts_make_the_models_birthday(
    year: str, month: str, day: str, birthday: str | None
) -> None:
    text = (
        "Display Name,Primary Email,Birth Year,Birth Month,Birth Day\n"
        f"A,a@example.com,{year},{month},{day}\n"
    )
    (row,) = read_source(io.StringIO(text)).rows
    assert row.values.get("birthday") == birthday
    if birthday is None:  # a year alone is no birthday: kept, not lost
        assert row.values["custom_fields"] == {"birth_year": "1990"}


def test_a_thunderbird_row_of_only_a_display_name_keeps_it_as_the_name() -> None:
    text = (
        "First Name,Last Name,Display Name,Primary Email,Organization,Work Phone\n"
        ',,"Acer America",,"Acer America","(800) 000-0000"\n'
    )
    (row,) = read_source(io.StringIO(text)).rows
    assert row.values == {
        "name": "Acer America",
        "company": "Acer America",
        "phones": [{"value": "(800) 000-0000", "label": "work"}],
    }


def test_a_blank_last_header_name_asks_for_no_cell() -> None:
    # Older Thunderbird exports end the header with a comma and each row one cell short of it.
    text = "First Name,Last Name,Display Name,Primary Email,\nJohn,Doe,John Doe,j@doe.invalid\n"
    (row,) = read_source(io.StringIO(text)).rows
    assert row.problems == []
    assert row.values["email"] == "j@doe.invalid"


@pytest.mark.parametrize(
    "start",
    [
        # Google's older "Outlook CSV" (tests/data/real/contactsio-GoogleCreatedOutlook.csv)
        "First Name,Middle Name,Last Name,Title,Suffix,Initials,Web Page,Gender,Birthday",
        # its current one, which has Outlook.com's column order
        "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi",
    ],
)
def test_googles_outlook_csv_is_recognised_in_both_column_orders(start: str) -> None:
    blanks = "," * (start.count(",") - 3)  # up to the E-mail Address column
    text = f"{start},E-mail Address\nMax,,Mustermann,Dr.,jr.{blanks}max@example.de\n"
    source = read_source(io.StringIO(text))
    assert source.format == "google-outlook"
    values = source.rows[0].values
    assert (values["prefix"], values["suffix"], values["email"]) == ("Dr.", "jr.", "max@example.de")
