"""Outlook's export in the language of its interface (contactkit.io.formats.languages), and
the phone region an import reads phones in (``phone_region=``, the header's, the org's)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import contactkit as ck
from contactkit.io.formats import read_source
from contactkit.io.formats.languages import LANGUAGES, recognise, translate

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"

# file, language, region, encoding read, the first row's phone as stored
LOCALISED = [
    ("outlook-de.csv", "de", "DE", "cp1252", "+49301234567"),
    ("outlook-fr.csv", "fr", "FR", "utf-8-sig", "+33612345678"),
    ("outlook-es.csv", "es", "ES", "cp1252", "+34612345678"),
    ("outlook-it.csv", "it", "IT", "cp1252", "+393123456789"),
    ("outlook-nl.csv", "nl", "NL", "cp1252", "+31612345678"),
    ("outlook-pt.csv", "pt", "BR", "cp1252", "+5511912345678"),
]


@pytest.mark.parametrize(("name", "language", "region", "encoding", "phone"), LOCALISED)
def test_a_localised_outlook_export_imports_with_its_languages_phone_region(
    org: ck.OrgStore, name: str, language: str, region: str, encoding: str, phone: str
) -> None:
    report = org.import_contacts(SYNTHETIC / name)
    assert (report.format, report.language, report.encoding) == ("outlook", language, encoding)
    assert (report.phone_region, report.phone_region_from) == (region, "header")
    assert report.imported >= 1 and report.accounted
    assert f"phones without a country code read as {region}" in report.summary()
    first = org.get(report.contact_ids[2])  # the header is row 1
    assert first.phones[0].value == phone
    assert first.email and first.first_name and first.last_name and first.tags


def test_the_german_export_reads_every_mapped_column(org: ck.OrgStore) -> None:
    report = org.import_contacts(SYNTHETIC / "outlook-de.csv")
    assert (report.rows, report.imported) == (3, 2)
    (refused,) = report.invalid_rows
    assert (refused.row, refused.field) == (4, "email")
    juergen = org.find_by_email("juergen.mueller@example.de")
    assert juergen is not None
    assert (juergen.first_name, juergen.last_name) == ("Jürgen", "Müller")
    assert (juergen.company, juergen.job_title) == ("Bäckerei Müller GmbH", "Geschäftsführer")
    assert juergen.addresses[0].city == "Berlin" and juergen.tags == ("Kunden", "Berlin")
    assert "birthday" not in juergen.custom_fields  # Outlook's German "no date", 0.0.00
    assert "Anrede" not in report.unused_columns  # the name's prefix (Outlook's "Title")
    assert "Straße privat 2" in report.unused_columns  # named as the file names them


def test_phone_region_overrides_the_headers_language(org: ck.OrgStore) -> None:
    report = org.import_contacts(SYNTHETIC / "outlook-de.csv", phone_region="AT")
    assert (report.phone_region, report.phone_region_from) == ("AT", "argument")
    juergen = org.find_by_email("juergen.mueller@example.de")
    assert juergen is not None and juergen.phones[0].value == "+43301234567"


def test_an_english_file_reads_phones_in_the_orgs_region(table: ck.Table) -> None:
    org = table.org("org-gb", phone_region="GB")
    text = "First Name,Last Name,E-mail Address,Mobile Phone\n"
    text += "Ada,Byron,ada@example.com,020 7946 0958\n"
    report = org.import_contacts(io.BytesIO(text.encode()), format="outlook")
    assert (report.phone_region, report.phone_region_from, report.language) == ("GB", "org", None)
    assert "read as" not in report.summary()  # the org's own default needs no remark
    ada = org.find_by_email("ada@example.com")
    assert ada is not None and ada.phones[0].value == "+442079460958"


@pytest.mark.parametrize("region", ["UK", "de", "", "XX"])
def test_an_unknown_phone_region_is_refused_naming_the_field(org: ck.OrgStore, region: str) -> None:
    with pytest.raises(ck.ValidationError) as caught:
        org.import_contacts([{"first_name": "A"}], phone_region=region)
    assert caught.value.field == "phone_region"


def test_one_shared_word_is_not_a_language() -> None:
    assert recognise(["Nome", "Email"]) is None  # Italian's first name, and nothing else
    assert recognise(["Nome", "Cognome"]) is not None


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_each_language_maps_names_email_and_a_phone(language: object) -> None:
    from contactkit.io.formats.languages import Language

    assert isinstance(language, Language)
    english = set(language.columns.values())
    assert {"First Name", "Last Name", "E-mail Address", "Mobile Phone"} <= english
    header = [*language.columns]
    assert recognise(header) == language
    assert set(translate(header, language)) == english


def test_an_unrecognised_header_names_the_languages_it_knows() -> None:
    with pytest.raises(ck.ValidationError, match="German, French, Spanish") as caught:
        read_source(io.BytesIO(b"Namn,Efternamn\nA,B\n"), format=None)
    assert caught.value.field == "format"


def test_an_outlook_com_export_with_a_utf8_bom_imports_every_row(org: ck.OrgStore) -> None:
    report = org.import_contacts(SYNTHETIC / "outlook-com.csv")
    assert report.encoding == "utf-8-sig" and report.format in {"outlook", "google-outlook"}
    assert (report.rows, report.imported, report.invalid_rows) == (3, 3, [])
    assert report.accounted and report.language is None
    ada = org.find_by_email("ada@example.com")
    assert ada is not None and ada.phones[0].value == "+442079460958"
    assert ada.custom_fields["other_emails"] == "ada@work.example"


# The first row of Thunderbird's German CSV export and of Windows Live Mail's German export, as
# tests/data/real/contactsio-ThunderbirdUtf8.csv and contactsio-WindowsLiveMail.csv have them.
THUNDERBIRD_DE = (
    "Vorname,Nachname,Anzeigename,Spitzname,Primäre E-Mail-Adresse,Sekundäre E-Mail-Adresse,"
    "Messenger-Name,Tel. dienstlich,Tel. privat,Fax-Nummer,Pager-Nummer,Mobil-Tel.-Nr.,"
    "Privat: Adresse,Privat: Adresse 2,Privat: Ort,Privat: Bundesland,Privat: PLZ,Privat: Land,"
    "Dienstlich: Adresse,Dienstlich: Adresse 2,Dienstlich: Ort,Dienstlich: Bundesland,"
    "Dienstlich: PLZ,Dienstlich: Land,Arbeitstitel,Abteilung,Organisation,Webseite 1,Webseite 2,"
    "Geburtsjahr,Geburtsmonat,Geburtstag,Benutzerdef. 1,Benutzerdef. 2,Benutzerdef. 3,"
    "Benutzerdef. 4,Notizen,\n"
    "Max,Mustermann,Dr. Max Mustermann,Maxl,max@example.de,mm@example.de,,030 1234567,,,,"
    "0171 1234567,Privatstr. 88,,Halle,Sachsen-Anhalt,06108,DE,,,,,,,Position,Vertrieb,Firma,"
    ",,1972,1,31,,,,,Kommentar,\n"
)


def test_thunderbirds_german_export_is_thunderbird_not_a_german_outlook_export() -> None:
    # Its Vorname, Nachname, Abteilung, Notizen and Geburtstag are Outlook's German names too,
    # but its Geburtstag is the day of the month (Outlook's is the whole birthday).
    source = read_source(io.StringIO(THUNDERBIRD_DE))
    assert (source.format, source.language, source.phone_region) == ("thunderbird", "de", "DE")
    values = source.rows[0].values
    assert values["emails"] == [{"value": "max@example.de"}, {"value": "mm@example.de"}]
    assert values["phones"] == [
        {"value": "030 1234567", "label": "work"},
        {"value": "0171 1234567", "label": "mobile"},
    ]
    assert values["birthday"] == "1972-01-31"
    assert values["addresses"][0]["city"] == "Halle"
    assert (values["company"], values["department"], values["job_title"]) == (
        "Firma",
        "Vertrieb",
        "Position",
    )
    assert source.unused_columns == []


WINDOWS_LIVE_MAIL_DE = (
    "\ufeffVorname;Nachname;2. Vorname;Name;Spitzname;E-Mail-Adresse;Straße (privat);"
    "Ort (privat);Postleitzahl (privat);Bundesland (privat);Land/Region (privat);"
    "Telefon (privat);Fax (privat);Mobiltelefon;Webseite (privat);Straße (geschäftlich);"
    "Ort (geschäftlich);Postleitzahl (geschäftlich);Bundesland (geschäftlich);"
    "Land/Region (geschäftlich);Webseite (geschäftlich);Telefon (geschäftlich);"
    "Fax (geschäftlich);Pager;Firma;Position;Abteilung;Büro;Notizen\n"
    "Max;Mustermann;Moritz;Maxl;Maxl;max@example.de;Straße 42;Halle;06108;Sachsen-Anhalt;DE;"
    "0345 123456;;;http://privat.example;Eisenbahnstraße 1;Leipzig;04315;Sachsen;DE;"
    "http://work.example;0341 654321;;;Firma;Position;Abteilung;Büro 3;Kommentar\n"
)


def test_windows_live_mails_german_columns_are_read() -> None:
    source = read_source(io.StringIO(WINDOWS_LIVE_MAIL_DE))
    assert (source.format, source.language) == ("outlook", "de")
    values = source.rows[0].values
    assert values["middle_name"] == "Moritz"
    assert values["phone"] == "0341 654321"  # business first, as in Outlook's export
    assert values["custom_fields"]["other_phones"] == "0345 123456"
    assert values["address"] == {
        "street": "Eisenbahnstraße 1",
        "city": "Leipzig",
        "state": "Sachsen",
        "postal_code": "04315",
        "country": "DE",
    }
    assert values["custom_fields"]["website"] == "http://work.example, http://privat.example"
