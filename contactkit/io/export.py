"""Writing an org's contacts to files people can use: our CSV, our JSON, and vCard 3.0.

The formats are the ones ``org.import_contacts`` reads (see ``data/README.md``), so an export
imports back with nothing lost:

* **CSV** (UTF-8, header row): the exported fields of ``contactkit.contacts.fields``, in order:
  ``first_name, last_name, email, phone, company, job_title, tags`` (joined by ``;``),
  ``street, city, state, postal_code, country``, one ``custom.<name>`` column per custom field
  used in the org, ``notes``, ``favorite`` (``true``/``false``), ``created_at`` (ISO 8601 UTC).
  Cells a spreadsheet would run as a formula are neutralised (:mod:`contactkit.io.spreadsheet`);
  reading contactkit's CSV restores them.
* **JSON**: a list of objects with our field names (``tags`` a list, ``address`` and
  ``custom_fields`` objects); absent fields are left out.
* **vCard 3.0** (vobject): ``N``, ``FN``, ``EMAIL``, ``TEL``, ``ORG``, ``TITLE``,
  ``CATEGORIES`` (tags), ``ADR``, ``NOTE``, ``BDAY``/``NICKNAME``/``URL`` for the custom
  fields ``birthday``/``nickname``/``website``, and contactkit's own
  ``X-CONTACTKIT-CUSTOM;NAME=<name>:<value>``, ``X-CONTACTKIT-FAVORITE:TRUE`` and
  ``X-CONTACTKIT-CREATED:<ISO 8601>``.

Phones are written as entered (``phone``), which the importer normalises again. Groups,
activity and the audit trail are not part of a contact file: ``table.backup`` keeps them.
The export reads the org once (one paged Query of its contact items) and holds it in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vobject  # type: ignore[import-untyped]

from ..clock import format_timestamp
from ..contacts import fields, items
from ..contacts.model import Contact
from ..errors import ValidationError
from .spreadsheet import neutralise

if TYPE_CHECKING:
    from ..contacts.lookups import OrgLookups

FORMATS = ("csv", "json", "vcf")
CUSTOM_PREFIX = fields.CUSTOM_PREFIX
TAG_SEPARATOR = fields.TAG_SEPARATOR
# Custom fields written as the vCard properties of the same meaning.
VCARD_PROPERTIES = {"birthday": "bday", "nickname": "nickname", "website": "url"}


@dataclass(frozen=True)
class ExportReport:
    """What ``org.export`` wrote: ``contacts`` contacts to ``path`` in ``format``."""

    path: Path
    format: str
    contacts: int


def iter_contacts(lookups: OrgLookups) -> Iterator[Contact]:
    """Every contact of the org, in creation order (paged Query of the contact items)."""
    for item in lookups.reader.query_all(lookups.contacts_condition()):
        yield items.contact_from_item(item)


def export_contacts(
    lookups: OrgLookups, path: str | Path, format: str | None = None
) -> ExportReport:
    """Write every contact of the org to ``path`` (format from ``format`` or the extension)."""
    target = Path(path)
    chosen = (format or target.suffix.lstrip(".") or "csv").lower()
    if chosen not in FORMATS:
        raise ValidationError("format", f"{chosen!r} is not one of {', '.join(FORMATS)}")
    contacts = list(iter_contacts(lookups))
    writer = {"csv": _write_csv, "json": _write_json, "vcf": _write_vcf}[chosen]
    writer(contacts, target)
    return ExportReport(target, chosen, len(contacts))


def csv_row(contact: Contact) -> dict[str, str]:
    """A contact as CSV cells (every exported field), before neutralisation."""
    row: dict[str, str] = {}
    for f in fields.CONTACT_FIELDS:
        if not f.exported:
            continue
        value = getattr(contact, f.name)
        if f.kind == "address":
            parts = value.as_dict() if value else {}
            row.update({part: parts.get(part, "") for part in fields.ADDRESS_PART_NAMES})
        elif f.kind == "custom":
            row.update({f"{CUSTOM_PREFIX}{k}": v for k, v in value.items()})
        elif f.kind == "tags":
            row[f.name] = TAG_SEPARATOR.join(value)
        elif f.kind == "bool":
            row[f.name] = "true" if value else "false"
        elif f.kind == "datetime":
            row[f.name] = format_timestamp(value) if value else ""
        else:
            row[f.name] = value or ""
    return row


def _write_csv(contacts: list[Contact], target: Path) -> None:
    custom: dict[str, None] = {}
    for contact in contacts:
        custom.update(dict.fromkeys(contact.custom_fields))
    header = fields.csv_columns(list(custom))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="")
        writer.writeheader()
        for contact in contacts:
            writer.writerow({k: neutralise(v) for k, v in csv_row(contact).items()})


def json_object(contact: Contact) -> dict[str, Any]:
    """A contact as one object of our JSON format (every exported field; absent ones left out)."""
    values: dict[str, Any] = {}
    for f in fields.CONTACT_FIELDS:
        if not f.exported:
            continue
        value = getattr(contact, f.name)
        if f.kind == "address":
            value = value.as_dict() if value else None
        elif f.kind == "custom":
            value = dict(value) or None
        elif f.kind == "tags":
            value = list(value) or None
        elif f.kind == "datetime":
            value = format_timestamp(value) if value else None
        values[f.name] = value
    return {k: v for k, v in values.items() if v is not None}


def _write_json(contacts: list[Contact], target: Path) -> None:
    with target.open("w", encoding="utf-8") as handle:
        json.dump([json_object(c) for c in contacts], handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def vcard(contact: Contact) -> Any:
    """A contact as a vobject vCard 3.0 component."""
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(family=contact.last_name, given=contact.first_name)
    card.add("fn").value = contact.full_name
    email = card.add("email")
    email.value = contact.email
    email.type_param = "INTERNET"
    if contact.phone:
        card.add("tel").value = contact.phone
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.job_title:
        card.add("title").value = contact.job_title
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    if contact.address:
        a = contact.address
        card.add("adr").value = vobject.vcard.Address(
            street=a.street or "",
            city=a.city or "",
            region=a.state or "",
            code=a.postal_code or "",
            country=a.country or "",
        )
    if contact.notes:
        card.add("note").value = contact.notes
    for name, value in contact.custom_fields.items():
        if name in VCARD_PROPERTIES:  # standard properties that importers map back
            card.add(VCARD_PROPERTIES[name]).value = value
            continue
        line = card.add("x-contactkit-custom")
        line.value = value
        line.params["NAME"] = [name]
    if contact.favorite:
        card.add("x-contactkit-favorite").value = "TRUE"
    if contact.created_at:
        card.add("x-contactkit-created").value = format_timestamp(contact.created_at)
    return card


def _write_vcf(contacts: list[Contact], target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        for contact in contacts:
            handle.write(vcard(contact).serialize())
