"""Exports (``contactkit/io/export.py``): our CSV, our JSON and vCard, formula-safe."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import vobject  # type: ignore[import-untyped]

import contactkit as ck


@pytest.fixture
def people(org: ck.OrgStore) -> list[ck.Contact]:
    return [
        org.add(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            phone="+44 20 7946 0958",
            company='=HYPERLINK("http://evil.example","x")',
            job_title="Analyst, first",
            tags=["vip", "client"],
            address={"street": "1 Main St", "city": "London", "country": "GB"},
            custom_fields={"linkedin": "ada-l", "account_id": "-42"},
            notes="line one\nline two; with, punctuation",
            favorite=True,
        ),
        org.add(first_name="Bob", last_name="Smith", email="bob@example.com"),
    ]


def test_csv_has_our_columns_and_neutralised_cells(
    org: ck.OrgStore, people: list[ck.Contact], tmp_path: Path
) -> None:
    report = org.export(tmp_path / "out.csv")
    assert report.contacts == 2 and report.format == "csv"
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "id",
        *("prefix", "first_name", "middle_name", "last_name", "suffix", "name", "nickname"),
        *("email", "email_label", "phone", "phone_label", "company", "department"),
        *("job_title", "birthday", "websites", "tags"),
        *("street", "city", "state", "postal_code", "country", "address_label"),
        *("custom.linkedin", "custom.account_id", "notes", "favorite", "source_id"),
        *("created_at", "last_contacted_at", "groups"),
    ]
    ada, bob = rows
    assert ada["company"] == '\'=HYPERLINK("http://evil.example","x")'
    assert ada["phone"] == people[0].phone  # digits and + - ( ): arithmetic at worst
    assert ada["custom.account_id"] == "-42"
    assert ada["custom.linkedin"] == "ada-l"
    assert ada["tags"] == "vip;client"
    assert ada["notes"] == "line one\nline two; with, punctuation"
    assert (ada["favorite"], bob["favorite"]) == ("true", "false")
    assert ada["created_at"].endswith("Z")
    assert (ada["id"], bob["id"]) == (people[0].id, people[1].id)
    assert bob["custom.linkedin"] == "" and bob["company"] == ""


def test_json_is_a_list_of_our_objects(
    org: ck.OrgStore, people: list[ck.Contact], tmp_path: Path
) -> None:
    org.export(tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data[0]["company"].startswith("=HYPERLINK")  # JSON is not a spreadsheet
    assert data[0]["tags"] == ["vip", "client"]
    assert data[0]["addresses"] == [{"street": "1 Main St", "city": "London", "country": "GB"}]
    assert data[0]["emails"] == ["ada@example.com"] and data[0]["phones"] == ["+442079460958"]
    assert data[0]["custom_fields"] == {"linkedin": "ada-l", "account_id": "-42"}
    assert data[1] == {
        "id": people[1].id,
        "first_name": "Bob",
        "last_name": "Smith",
        "emails": ["bob@example.com"],
        "favorite": False,
        "created_at": data[1]["created_at"],
    }


def test_vcard_carries_every_field(
    org: ck.OrgStore, people: list[ck.Contact], tmp_path: Path
) -> None:
    org.export(tmp_path / "out.vcf")
    cards = list(vobject.readComponents((tmp_path / "out.vcf").read_text(encoding="utf-8")))
    assert len(cards) == 2
    ada = cards[0]
    assert (ada.n.value.given, ada.n.value.family) == ("Ada", "Lovelace")
    assert ada.email.value == "ada@example.com"
    assert ada.tel.value == people[0].phone
    assert ada.title.value == "Analyst, first"
    assert ada.categories.value == ["vip", "client"]
    assert ada.adr.value.city == "London"
    assert ada.note.value == "line one\nline two; with, punctuation"
    custom = {c.params["NAME"][0]: c.value for c in ada.contents["x-contactkit-custom"]}
    assert custom == {"linkedin": "ada-l", "account_id": "-42"}
    assert ada.contents["x-contactkit-favorite"][0].value == "TRUE"
    assert "x-contactkit-favorite" not in cards[1].contents


def test_an_unknown_format_names_the_field(org: ck.OrgStore, tmp_path: Path) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.export(tmp_path / "out.xlsx")
    assert exc.value.field == "format"


def test_export_reads_only_its_org(table: ck.Table, org: ck.OrgStore, tmp_path: Path) -> None:
    org.add(first_name="A", last_name="A", email="a@example.com")
    table.org("org-other").add(first_name="B", last_name="B", email="b@example.com")
    assert org.export(tmp_path / "a.json").contacts == 1
    exported = json.loads((tmp_path / "a.json").read_text())
    assert [c["emails"] for c in exported] == [["a@example.com"]]


DATA = Path(__file__).parents[2] / "data"

ROUND_TRIP_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "phone_e164",
    "company",
    "job_title",
    "tags",
    "address",
    "notes",
)
# What each format carries back through org.import_contacts, beyond the fields above: every
# format, vCard too (X-CONTACTKIT-* properties, BDAY, NICKNAME, URL).
# tests/io/test_roundtrip.py checks every field on generated contacts.
EXTRA_FIELDS = {
    "csv": ("custom_fields", "favorite", "created_at", "birthday"),
    "json": ("custom_fields", "favorite", "created_at", "birthday"),
    "vcf": ("custom_fields", "favorite", "created_at", "birthday"),
}


def snapshot(org: ck.OrgStore, fields: tuple[str, ...]) -> dict[str, dict[str, object]]:
    from contactkit.io.export import iter_contacts

    return {c.email: {f: getattr(c, f) for f in fields} for c in iter_contacts(org.lookups)}


@pytest.mark.parametrize("format", ["csv", "json", "vcf"])
def test_export_then_import_gives_the_same_contacts(
    table: ck.Table, tmp_path: Path, format: str
) -> None:
    source = table.org("org-source")
    sample = json.loads((DATA / "org-fabrikam.json").read_text(encoding="utf-8"))[:40]
    assert source.import_contacts(sample).imported == 40
    source.add(
        first_name="Ada",
        last_name="O'Brien-Müller",
        email="Ada@Example.com",
        phone="555-0101",  # kept as entered
        company='Tech, Corp; "quoted"',
        job_title="Analyst",
        tags=["a b", "ü", "VIP"],
        address={"street": '1 Main St, "B"', "country": "IE"},
        custom_fields={"weird name": "x, y", "birthday": "a custom field"},
        birthday="1990-01-01",
        notes="line one\nline two, with; punctuation",
        favorite=True,
    )
    report = source.export(tmp_path / f"out.{format}")
    assert report.contacts == 41
    target = table.org("org-target")
    imported = target.import_contacts(tmp_path / f"out.{format}")
    assert imported.imported == 41 and not imported.invalid_rows
    fields = ROUND_TRIP_FIELDS + EXTRA_FIELDS[format]
    assert snapshot(target, fields) == snapshot(source, fields)
    if format == "vcf":
        custom = {e: v["custom_fields"] for e, v in snapshot(target, ("custom_fields",)).items()}
        assert custom["Ada@Example.com"] == {"weird name": "x, y", "birthday": "a custom field"}
        assert "BDAY:1990-01-01" in (tmp_path / "out.vcf").read_text(encoding="utf-8")


FORMULA_LOOKALIKES = {
    "first_name": "@home",
    "last_name": "=== agenda",
    "email": "-john@example.com",
    "company": "-Acme",
    "job_title": "+1/2",
    "tags": ["=== agenda", "@home"],
    "address": {"city": "-Acme", "street": "+1/2"},
    "custom_fields": {"note": "=== agenda"},
    "notes": "-Acme\n+1/2",
}


def test_formula_lookalikes_are_neutralised_in_the_csv_and_round_trip_unchanged(
    table: ck.Table, tmp_path: Path
) -> None:
    source = table.org("org-source")
    added = source.add(**FORMULA_LOOKALIKES)  # stored as typed, as the importer does
    source.export(tmp_path / "first.csv")
    data = (tmp_path / "first.csv").read_bytes()
    for cell in (b"'@home", b"'=== agenda", b"'-john@example.com", b"'-Acme", b"'+1/2"):
        assert cell in data
    assert b",-Acme" not in data and b",+1/2" not in data

    target = table.org("org-target")
    report = target.import_contacts(tmp_path / "first.csv")
    assert (report.imported, report.invalid_rows) == (1, [])
    (copy,) = target.list().items
    full = target.get(copy.id)
    fields = (*FORMULA_LOOKALIKES, "favorite", "created_at")
    assert {f: getattr(full, f) for f in fields} == {f: getattr(added, f) for f in fields}

    target.export(tmp_path / "second.csv")  # exported twice: no second apostrophe
    assert (tmp_path / "second.csv").read_bytes() == data
    assert b"''" not in data


@pytest.mark.parametrize("format", ["csv", "json", "vcf"])
def test_a_failed_export_keeps_the_previous_file_and_leaves_no_temporary_file(
    org: ck.OrgStore,
    people: list[ck.Contact],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    format: str,
) -> None:
    from contactkit.io import export

    target = tmp_path / f"out.{format}"
    org.export(target)
    previous = target.read_bytes()
    org.add(first_name="Cy", last_name="Third", email="cy@example.com")
    calls = {"n": 0}
    real = {"csv": export.file_row, "json": export.file_object, "vcf": export.vcard}[format]

    def fail_on_the_second(contact: ck.Contact) -> object:  # a fault mid-write
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(contact)

    name = {"csv": "file_row", "json": "file_object", "vcf": "vcard"}[format]
    monkeypatch.setattr(export, name, fail_on_the_second)
    with pytest.raises(OSError, match="disk full"):
        org.export(target)
    assert target.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_vcard_carries_any_custom_field_name_and_reads_it_back(
    table: ck.Table, tmp_path: Path
) -> None:
    source = table.org("org-source")
    odd = {'a"b': "v", "with space": "x", "a:b;c": "y", "naïve": "z", "100%": "p"}
    added = source.add(first_name="A", last_name="B", email="a@example.com", custom_fields=odd)
    source.export(tmp_path / "out.vcf")
    text = (tmp_path / "out.vcf").read_text(encoding="utf-8")
    assert "NAME=a%22b:v" in text and "NAME=a%3Ab%3Bc:y" in text
    target = table.org("org-target")
    assert target.import_contacts(tmp_path / "out.vcf").imported == 1
    assert target.get(added.id).custom_fields == odd


def test_tags_holding_separators_and_quotes_round_trip_in_csv(
    table: ck.Table, tmp_path: Path
) -> None:
    source = table.org("org-source")
    tags = ["a;b", "c,d", 'say "hi"', "plain", '"quoted"']
    added = source.add(first_name="A", last_name="B", email="a@example.com", tags=tags)
    source.export(tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["tags"] == '"a;b";"c,d";"say ""hi""";plain;"""quoted"""'
    target = table.org("org-target")
    assert target.import_contacts(tmp_path / "out.csv").imported == 1
    assert target.get(added.id).tags == tuple(tags)


@pytest.mark.parametrize("format", ["csv", "json", "vcf"])
def test_notes_with_cr_and_lf_round_trip(table: ck.Table, tmp_path: Path, format: str) -> None:
    source = table.org("org-source")
    notes = "one\r\ntwo\rthree\nfour\tfive"
    added = source.add(first_name="A", last_name="B", email="a@example.com", notes=notes)
    source.export(tmp_path / f"out.{format}")
    target = table.org("org-target")
    assert target.import_contacts(tmp_path / f"out.{format}").imported == 1
    assert target.get(added.id).notes == notes


def test_every_field_is_written_in_each_format(org: ck.OrgStore, tmp_path: Path) -> None:
    added = org.add(
        prefix="Dr",
        first_name="Ada",
        middle_name="Augusta",
        last_name="Lovelace",
        suffix="FRS",
        nickname="Addy",
        emails=[{"value": "ada@work.example", "label": "work"}, "ada@home.example"],
        phones=[
            {"value": "+1 555 123 4567 x123", "label": "mobile"},
            {"value": "1-800-FLOWERS", "label": "Flower shop"},
        ],
        addresses=[{"city": "London", "label": "home"}, {"city": "Paris", "label": "Büro"}],
        websites=["https://ada.example"],
        birthday="--12-10",
        company="Engines",
        department="Research",
    )
    org.export(tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["email"], row["email_label"], row["email_2"], row["email_2_label"]) == (
        "ada@work.example",
        "work",
        "ada@home.example",
        "",
    )
    assert (row["phone"], row["phone_2"], row["phone_2_label"]) == (
        "'+15551234567;ext=123",  # neutralised: a leading + is a formula to a spreadsheet
        "1-800-FLOWERS",
        "Flower shop",
    )
    assert (row["city"], row["address_label"], row["address_2_city"]) == ("London", "home", "Paris")
    assert (row["birthday"], row["websites"], row["middle_name"]) == (
        "--12-10",
        "https://ada.example",
        "Augusta",
    )

    org.export(tmp_path / "out.json")
    (data,) = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["emails"] == [{"value": "ada@work.example", "label": "work"}, "ada@home.example"]
    assert data["phones"][0] == {"value": "+15551234567;ext=123", "label": "mobile"}
    assert data["addresses"][1] == {"city": "Paris", "label": "Büro"}
    assert "email" not in data and "phone" not in data  # the lists carry the primaries

    org.export(tmp_path / "out.vcf")
    text = (tmp_path / "out.vcf").read_text(encoding="utf-8")
    for line in (
        "N:Lovelace;Ada;Augusta;Dr;FRS",
        "NICKNAME:Addy",
        "EMAIL;TYPE=INTERNET,WORK:ada@work.example",
        "TEL;TYPE=CELL:+15551234567 x123",
        "item1.TEL:1-800-FLOWERS",
        "item1.X-ABLABEL:Flower shop",
        "ADR;TYPE=HOME:;;;London;;;",
        "item2.X-ABLABEL:Büro",
        "ORG:Engines;Research",
        "BDAY:--1210",
        "URL:https://ada.example",
        f"UID:{added.id}",
    ):
        assert line in text.splitlines(), line
