"""Outlook's CSV headers in other languages, mapped to the English ones (pure).

Outlook writes its export's header in the language of its user interface (``Vorname``,
``Nachname``, ``E-Mail-Adresse`` on a German machine). Each language's map turns its column
names into the English names :func:`contactkit.io.formats.mappings.outlook` reads; the language
also gives the region of phones written without a country code (a German export's
``030 1234567`` is a German number).

Sources (column names only; see ``tests/data/real/README.md``):

* ``de``, ``fr``, ``es``, ``it``, ``pt``: Roundcube's CSV import maps,
  ``program/localization/<xx_XX>/csv2vcard.inc`` in roundcube/roundcubemail (commit
  28b44419ee44), GPL-3.0-or-later; only the column names are used, which are Outlook's. Where
  that map swaps Outlook's "region" (state) and "country" columns, the names here follow
  their meaning. German adds the names of a full German Outlook header quoted in a public
  project's notes (``Land/Region geschäftlich``, ``Telefon (privat)``,
  ``Bundesland/Kanton privat``), which ``tests/data/synthetic/outlook-de.csv`` uses, and the
  names Windows Live Mail's German export writes (``Straße (privat)``, ``2. Vorname``), from
  its real export in FolkerKinzel/Contacts.IO's tests (MIT; ``tests/data/real/``).
* Thunderbird ``de``: the header of Thunderbird's German CSV export in the same repository's
  tests (``tests/data/real/contactsio-ThunderbirdUtf8.csv``).
* ``nl``: no published map was found; the names are Outlook's Dutch interface's as we know
  them and are marked synthetic (the Dutch fixture is header-only, written by us).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """A language of an export's header: its code, name, phone region, column map, and the
    format whose English column names the map gives (Outlook's, or Thunderbird's)."""

    code: str
    name: str
    region: str
    columns: dict[str, str]  # localised column name -> the format's English column name
    format: str = "outlook"


def _map(**pairs: tuple[str, ...]) -> dict[str, str]:
    """``{localised: English}`` from ``English=(localised, ...)`` (keyword-safe English)."""
    found: dict[str, str] = {}
    for english, names in pairs.items():
        for name in names:
            found[name] = _ENGLISH[english]
    return found


_ENGLISH = {
    "first": "First Name",
    "middle": "Middle Name",
    "last": "Last Name",
    "title": "Title",
    "suffix": "Suffix",
    "company": "Company",
    "department": "Department",
    "job": "Job Title",
    "email": "E-mail Address",
    "email2": "E-mail 2 Address",
    "email3": "E-mail 3 Address",
    "mobile": "Mobile Phone",
    "business_phone": "Business Phone",
    "business_phone2": "Business Phone 2",
    "home_phone": "Home Phone",
    "home_phone2": "Home Phone 2",
    "other_phone": "Other Phone",
    "primary_phone": "Primary Phone",
    "car_phone": "Car Phone",
    "business_street": "Business Street",
    "business_city": "Business City",
    "business_state": "Business State",
    "business_code": "Business Postal Code",
    "business_country": "Business Country/Region",
    "home_street": "Home Street",
    "home_city": "Home City",
    "home_state": "Home State",
    "home_code": "Home Postal Code",
    "home_country": "Home Country/Region",
    "notes": "Notes",
    "birthday": "Birthday",
    "categories": "Categories",
    "nickname": "Nickname",
    "web": "Web Page",
    "personal_web": "Personal Web Page",
}

LANGUAGES: tuple[Language, ...] = (
    Language(
        "de",
        "German",
        "DE",
        _map(
            first=("Vorname",),
            middle=("Weitere Vornamen", "2. Vorname"),
            last=("Nachname",),
            title=("Anrede",),
            company=("Firma",),
            department=("Abteilung",),
            job=("Position",),
            email=("E-Mail-Adresse",),
            email2=("E-Mail 2: Adresse",),
            email3=("E-Mail 3: Adresse",),
            mobile=("Mobiltelefon",),
            business_phone=("Telefon geschäftlich", "Telefon (geschäftlich)"),
            business_phone2=("Telefon geschäftlich 2",),
            home_phone=("Telefon privat", "Telefon (privat)"),
            home_phone2=("Telefon privat 2", "Telefon (privat 2)"),
            other_phone=("Weiteres Telefon",),
            primary_phone=("Haupttelefon",),
            car_phone=("Autotelefon",),
            business_street=("Straße geschäftlich", "Straße (geschäftlich)"),
            business_city=("Ort geschäftlich", "Ort (geschäftlich)"),
            business_state=("Region geschäftlich", "Bundesland (geschäftlich)"),
            business_code=("Postleitzahl geschäftlich", "Postleitzahl (geschäftlich)"),
            business_country=(
                "Land/Region geschäftlich",
                "Land geschäftlich",
                "Land/Region (geschäftlich)",
            ),
            home_street=("Straße privat", "Straße (privat)"),
            home_city=("Ort privat", "Ort (privat)"),
            home_state=("Region privat", "Bundesland/Kanton privat", "Bundesland (privat)"),
            home_code=("Postleitzahl privat", "Postleitzahl (privat)"),
            home_country=("Land/Region privat", "Land privat", "Land/Region (privat)"),
            notes=("Notizen",),
            birthday=("Geburtstag",),
            categories=("Kategorien",),
            nickname=("Spitzname",),
            web=("Webseite", "Webseite (geschäftlich)"),
            personal_web=("Webseite (privat)",),
        ),
    ),
    Language(
        "fr",
        "French",
        "FR",
        _map(
            first=("Prénom",),
            middle=("Deuxième prénom",),
            last=("Nom",),
            title=("Titre",),
            suffix=("Suffixe",),
            company=("Société",),
            department=("Service",),
            job=("Profession",),
            email=("Adresse de messagerie",),
            email2=("Adresse de messagerie 2",),
            email3=("Adresse de messagerie 3",),
            mobile=("Tél. mobile",),
            business_phone=("Téléphone (bureau)",),
            home_phone=("Téléphone (domicile)",),
            other_phone=("Téléphone (autre)",),
            business_street=("Rue (bureau)",),
            business_city=("Ville (bureau)",),
            business_state=("Dép/Région (bureau)",),
            business_code=("Code postal (bureau)",),
            business_country=("Pays/Région (bureau)",),
            home_street=("Rue (domicile)",),
            home_city=("Ville (domicile)",),
            home_state=("Dép/Région (domicile)",),
            home_code=("Code postal (domicile)",),
            home_country=("Pays/Région (domicile)",),
            birthday=("Anniversaire",),
            categories=("Catégories",),
            nickname=("Surnom",),
            web=("Page Web",),
        ),
    ),
    Language(
        "es",
        "Spanish",
        "ES",
        _map(
            first=("Nombre",),
            middle=("Segundo nombre",),
            last=("Apellidos",),
            company=("Organización",),
            job=("Puesto",),
            email=("Dirección de correo electrónico",),
            email2=("Dirección de correo electrónico 2",),
            email3=("Dirección del correo electrónico 3",),
            mobile=("Teléfono móvil",),
            business_phone=("Teléfono del trabajo",),
            home_phone=("Particular",),
            other_phone=("Otro teléfono",),
            business_street=("Calle del trabajo",),
            business_city=("Ciudad de trabajo",),
            business_state=("Provincia o estado de trabajo",),
            business_code=("Código postal del trabajo",),
            business_country=("País o región del trabajo",),
            home_country=("País o región del domicilio",),
            categories=("Categorías",),
            nickname=("Apodo",),
            web=("Página web",),
        ),
    ),
    Language(
        "it",
        "Italian",
        "IT",
        _map(
            first=("Nome",),
            middle=("Secondo Nome",),
            last=("Cognome",),
            title=("Titolo",),
            suffix=("Suffisso",),
            company=("Società",),
            department=("Reparto",),
            job=("Qualifica",),
            email=("Indirizzo E-mail",),
            email2=("Indirizzo E-mail 2",),
            email3=("Indirizzo E-mail 3",),
            mobile=("Telefono Mobile", "Numero cellulare"),
            business_phone=("Telefono di Lavoro",),
            home_phone=("Telefono di casa",),
            business_street=("Indirizzo di lavoro",),
            business_city=("Città di lavoro",),
            business_state=("Provincia di lavoro",),
            business_code=("CAP di Lavoro",),
            business_country=("Nazione/Regione di lavoro",),
            home_street=("Indirizzo di casa",),
            home_city=("Città di residenza",),
            home_state=("Provincia di residenza",),
            home_code=("CAP di casa",),
            home_country=("Nazione/Regione di casa",),
            notes=("Note",),
            birthday=("Compleanno",),
            categories=("Categorie",),
            nickname=("Soprannome",),
            web=("Pagina Web",),
        ),
    ),
    Language(
        "nl",
        "Dutch",
        "NL",
        _map(
            first=("Voornaam",),
            middle=("Middelste naam",),
            last=("Achternaam",),
            company=("Bedrijf",),
            department=("Afdeling",),
            job=("Functie",),
            email=("E-mailadres",),
            email2=("E-mailadres 2",),
            email3=("E-mailadres 3",),
            mobile=("Mobiele telefoon",),
            business_phone=("Telefoon op werk",),
            home_phone=("Telefoon thuis",),
            notes=("Notities",),
            birthday=("Verjaardag",),
            categories=("Categorieën",),
        ),
    ),
    Language(
        "pt",
        "Portuguese",
        "BR",  # the published map is Brazil's (pt_BR)
        _map(
            first=("Primeiro nome",),
            middle=("Nome do meio",),
            last=("Último nome",),
            title=("Título",),
            suffix=("Sufixo",),
            company=("Empresa",),
            department=("Departamento",),
            job=("Cargo",),
            email=("Endereço de E-mail",),
            email2=("Endereço de E-mail 2",),
            email3=("Endereço de E-mail 3",),
            mobile=("Celular",),
            business_phone=("Fone comercial",),
            home_phone=("Fone de casa",),
            other_phone=("Outro Fone",),
            business_street=("Rua comercial",),
            business_city=("Cidade comercial",),
            business_state=("Estado comercial",),
            business_code=("Código postal comercial",),
            business_country=("Região/País comercial",),
            home_street=("Rua de casa",),
            home_city=("Cidade de casa",),
            home_state=("Estado de casa",),
            home_code=("Código Postal de casa",),
            home_country=("Região/País de casa",),
            notes=("Notas",),
            birthday=("Aniversário",),
            categories=("Categorias",),
            nickname=("Apelido",),
            web=("Página Web",),
        ),
    ),
)

# Thunderbird writes its CSV export's header in the language of its interface too.
_THUNDERBIRD_DE = {
    "Vorname": "First Name",
    "Nachname": "Last Name",
    "Anzeigename": "Display Name",
    "Spitzname": "Nickname",
    "Primäre E-Mail-Adresse": "Primary Email",
    "Sekundäre E-Mail-Adresse": "Secondary Email",
    "Messenger-Name": "Screen Name",
    "Tel. dienstlich": "Work Phone",
    "Tel. privat": "Home Phone",
    "Fax-Nummer": "Fax Number",
    "Pager-Nummer": "Pager Number",
    "Mobil-Tel.-Nr.": "Mobile Number",
    "Arbeitstitel": "Job Title",
    "Abteilung": "Department",
    "Organisation": "Organization",
    "Webseite 1": "Web Page 1",
    "Webseite 2": "Web Page 2",
    "Geburtsjahr": "Birth Year",
    "Geburtsmonat": "Birth Month",
    "Geburtstag": "Birth Day",  # the day of the month (Outlook's "Geburtstag" is the date)
    "Notizen": "Notes",
}
for _german, _english in (("Privat", "Home"), ("Dienstlich", "Work")):
    _THUNDERBIRD_DE |= {
        f"{_german}: Adresse": f"{_english} Address",
        f"{_german}: Adresse 2": f"{_english} Address 2",
        f"{_german}: Ort": f"{_english} City",
        f"{_german}: Bundesland": f"{_english} State",
        f"{_german}: PLZ": f"{_english} ZipCode",
        f"{_german}: Land": f"{_english} Country",
    }
_THUNDERBIRD_DE |= {f"Benutzerdef. {n}": f"Custom {n}" for n in range(1, 5)}

THUNDERBIRD_LANGUAGES: tuple[Language, ...] = (
    Language("de", "German", "DE", _THUNDERBIRD_DE, format="thunderbird"),
)

_MIN_MATCHES = 2  # a name and an email, say: one common word ("Nome") is not a language


def recognise(header: list[str]) -> Language | None:
    """The language (of Outlook's or Thunderbird's export) whose column names the header
    holds most of (at least two): a German Thunderbird header shares ``Vorname``,
    ``Nachname`` and ``Geburtstag`` with Outlook's, but holds far more of Thunderbird's."""
    names = {name.strip().casefold() for name in header}
    best: Language | None = None
    best_count = _MIN_MATCHES - 1
    for language in (*LANGUAGES, *THUNDERBIRD_LANGUAGES):
        count = sum(1 for name in language.columns if name.casefold() in names)
        if count > best_count:
            best, best_count = language, count
    return best


def translate(header: list[str], language: Language) -> list[str]:
    """The header with each of ``language``'s column names in English (others unchanged)."""
    columns = {name.casefold(): english for name, english in language.columns.items()}
    return [columns.get(name.strip().casefold(), name) for name in header]
