"""Writing an org's contacts to files people can use: our CSV, our JSON, and vCard 3.0.

The formats are the ones ``org.import_contacts`` reads (see ``data/README.md``), so an export
imports back exactly: every field, into an empty org, and importing an org's own export back
writes nothing (rows are matched to their contacts by id; see :mod:`contactkit.io.importer`).

* **CSV** (UTF-8, header row): ``id``, then the exported fields of
  ``contactkit.contacts.fields`` in order: ``first_name, last_name, email, phone, company,
  job_title, tags``, ``street, city, state, postal_code, country``, one ``custom.<name>`` column
  per custom field used in the org, ``notes``, ``favorite`` (``true``/``false``),
  ``created_at`` (ISO 8601 UTC), then ``last_contacted_at`` and ``groups``
  (:mod:`contactkit.io.columns`). Lists (tags, groups) are joined by ``;``, a value holding
  ``;``, ``,`` or ``"`` quoted. Cells a spreadsheet would run as a formula are neutralised
  (:mod:`contactkit.io.spreadsheet`); reading contactkit's CSV restores them.
* **JSON**: a list of objects with our field names (``tags``/``groups`` lists, ``address`` and
  ``custom_fields`` objects); absent fields are left out.
* **vCard 3.0** (vobject): ``UID`` (the contact's id), ``N``, ``FN``, ``EMAIL``, ``TEL``,
  ``ORG``, ``TITLE``, ``CATEGORIES`` (tags), ``ADR``, ``NOTE``, ``BDAY``/``NICKNAME``/``URL``
  for the custom fields ``birthday``/``nickname``/``website``, and contactkit's own
  ``X-CONTACTKIT-CUSTOM;NAME=<name>:<value>`` (the name percent-encoded: any name, ``a"b`` or
  ``a:b;c``, fits a parameter), ``X-CONTACTKIT-FAVORITE:TRUE``, ``X-CONTACTKIT-CREATED`` and
  ``X-CONTACTKIT-LAST-CONTACTED`` (ISO 8601), one ``X-CONTACTKIT-GROUP`` per group, and
  ``X-CONTACTKIT-NOTE`` (percent-encoded) when the note holds a carriage return, which vCard's
  ``NOTE`` cannot carry.

Every export writes a temporary file next to ``path`` and renames it over ``path`` at the end
(``os.replace``): a failed export leaves neither a partial file nor a damaged previous one.
Phones are written as entered (``phone``), which the importer normalises again. Activity and
the audit trail are not part of a contact file: ``table.backup`` keeps them. The export reads
the org once (one paged Query of its contact items) and holds it in memory.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import vobject  # type: ignore[import-untyped]

from ..clock import format_timestamp
from ..contacts import fields, items
from ..contacts.model import Contact
from ..errors import ValidationError
from . import columns
from .spreadsheet import neutralise

if TYPE_CHECKING:
    from ..contacts.lookups import OrgLookups

FORMATS = ("csv", "json", "vcf")
CUSTOM_PREFIX = fields.CUSTOM_PREFIX
VCARD_PROPERTIES = columns.VCARD_PROPERTIES


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
    """Write every contact of the org to ``path`` (format from ``format`` or the extension).

    The file is written whole to a temporary file in the same directory, then renamed over
    ``path``: on any failure ``path`` is as it was and no temporary file is left.
    """
    target = Path(path)
    chosen = (format or target.suffix.lstrip(".") or "csv").lower()
    if chosen not in FORMATS:
        raise ValidationError("format", f"{chosen!r} is not one of {', '.join(FORMATS)}")
    contacts = list(iter_contacts(lookups))
    writer = {"csv": _write_csv, "json": _write_json, "vcf": _write_vcf}[chosen]
    write_replacing(target, lambda handle: writer(contacts, handle))
    return ExportReport(target, chosen, len(contacts))


def write_replacing(target: Path, write: Callable[[IO[str]], None]) -> None:
    """Run ``write`` on a temporary text file next to ``target``, then rename it to ``target``.

    The rename (``os.replace``) is atomic on one file system, so readers see the old file or
    the new one, never a part; on an exception the temporary file is removed.
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):  # already renamed or never created
            os.unlink(temporary)
        raise


def _cell(kind: str, value: Any) -> str:
    """One field's value as a CSV cell, by its kind (before neutralisation)."""
    if kind in ("tags", "list"):
        return columns.join_list(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "datetime":
        return format_timestamp(value) if value else ""
    return value or ""


def csv_row(contact: Contact) -> dict[str, str]:
    """A contact's exported fields as CSV cells, before neutralisation."""
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
        else:
            row[f.name] = _cell(f.kind, value)
    return row


def file_row(contact: Contact) -> dict[str, str]:
    """A contact as the cells of contactkit's CSV: :func:`csv_row` plus the carried fields."""
    row = csv_row(contact)
    for f in columns.carried():
        row[f.name] = _cell(f.kind, getattr(contact, f.name))
    return row


def _write_csv(contacts: list[Contact], handle: IO[str]) -> None:
    custom: dict[str, None] = {}
    for contact in contacts:
        custom.update(dict.fromkeys(contact.custom_fields))
    header = columns.file_columns(custom)
    writer = csv.DictWriter(handle, fieldnames=header, restval="")
    writer.writeheader()
    for contact in contacts:
        writer.writerow({k: neutralise(v) for k, v in file_row(contact).items()})


def _json_value(kind: str, value: Any) -> Any:
    if kind == "address":
        return value.as_dict() if value else None
    if kind == "custom":
        return dict(value) or None
    if kind in ("tags", "list"):
        return list(value) or None
    if kind == "datetime":
        return format_timestamp(value) if value else None
    return value


def json_object(contact: Contact) -> dict[str, Any]:
    """A contact's exported fields as one JSON object (absent ones left out)."""
    values = {
        f.name: _json_value(f.kind, getattr(contact, f.name))
        for f in fields.CONTACT_FIELDS
        if f.exported
    }
    return {k: v for k, v in values.items() if v is not None}


def file_object(contact: Contact) -> dict[str, Any]:
    """A contact as one object of our JSON file: the id, :func:`json_object`, carried fields."""
    values = {columns.ID_FIELD: contact.id, **json_object(contact)}
    for f in columns.carried()[1:]:
        value = _json_value(f.kind, getattr(contact, f.name))
        if value is not None:
            values[f.name] = value
    return values


def _write_json(contacts: list[Contact], handle: IO[str]) -> None:
    json.dump([file_object(c) for c in contacts], handle, ensure_ascii=False, indent=2)
    handle.write("\n")


def vcard(contact: Contact) -> Any:
    """A contact as a vobject vCard 3.0 component."""
    card = vobject.vCard()
    card.add("uid").value = contact.id
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
        if "\r" in contact.notes:  # NOTE reads back CR and CRLF as LF: keep the exact text
            card.add(columns.VCARD_NOTE).value = columns.percent_encode(contact.notes)
    for name, value in contact.custom_fields.items():
        if name in VCARD_PROPERTIES:  # standard properties that importers map back
            card.add(VCARD_PROPERTIES[name]).value = value
            continue
        line = card.add(columns.VCARD_CUSTOM)
        line.value = value
        line.params["NAME"] = [columns.percent_encode(name)]
    if contact.favorite:
        card.add(columns.VCARD_FAVORITE).value = "TRUE"
    for name, prop in columns.VCARD_TIMES.items():
        moment = getattr(contact, name)
        if moment is not None:
            card.add(prop).value = format_timestamp(moment)
    for group in contact.groups:
        card.add(columns.VCARD_GROUP).value = group
    return card


def _write_vcf(contacts: list[Contact], handle: IO[str]) -> None:
    for contact in contacts:
        handle.write(vcard(contact).serialize())
