"""Writing an org's contacts to files people can use: our CSV, our JSON, and vCard 3.0.

The formats are the ones ``org.import_contacts`` reads (see ``docs/import.md``), so an export
imports back exactly: every field, into an empty org, and importing an org's own export back
writes nothing (rows are matched to their contacts by id; see :mod:`contactkit.io.importer`).
What the files carry is :mod:`contactkit.io.columns`: the declared fields that are exported or
carried.

* **CSV** (UTF-8, header row): ``id``, then the file fields in order
  (:func:`contactkit.contacts.fields.csv_columns`): the name parts, ``email``,
  ``email_label``, ``email_2``, ``email_2_label``... (as many as the org's longest list),
  ``phone``, ``phone_label``, ``phone_2``..., company, department, job title, birthday,
  ``websites`` and ``tags`` (lists in one cell, joined by ``;``, a value holding ``;``, ``,`` or
  ``"`` quoted), ``street, city, state, postal_code, country, address_label``,
  ``address_2_street``..., one ``custom.<name>`` column per custom field used in the org,
  ``notes``, ``favorite`` (``true``/``false``), ``created_at``, ``last_contacted_at`` (ISO 8601
  UTC) and ``groups``. Cells a spreadsheet would run as a formula are neutralised
  (:mod:`contactkit.io.spreadsheet`); reading contactkit's CSV restores them.
* **JSON**: a list of objects with our field names: ``emails``/``phones`` lists (an entry is a
  string, or ``{"value": ..., "label": ...}`` when labelled), ``addresses`` (objects of parts
  and ``label``), ``websites``/``tags``/``groups`` lists, ``custom_fields`` an object; absent
  fields are left out.
* **vCard 3.0** (vobject): ``PRODID`` (contactkit's), ``UID`` (the contact's source id, the
  ``UID`` of the card it was imported from, else its id), ``X-CONTACTKIT-ID`` (its id), ``N``
  (family, given, middle, prefix, suffix), ``FN`` (the display name), ``NICKNAME``, one
  ``EMAIL``/``TEL``/``ADR`` per entry in order, labelled by ``TYPE`` (``HOME``, ``WORK``,
  ``CELL`` for mobile, ...) or, for any other label, by an ``X-ABLabel`` on the entry's item
  group (``item1.EMAIL``, ``item1.X-ABLabel``), ``TEL`` with its extension as ``x123``,
  ``ORG`` (company; department), ``TITLE``, ``BDAY`` (``1990-05-17``, or ``--0517`` without
  a year), one ``URL`` per website, ``CATEGORIES`` (tags), ``NOTE``, and contactkit's own
  ``X-CONTACTKIT-NAME`` (the single full name), ``X-CONTACTKIT-CUSTOM;NAME=<name>:<value>``
  (the name percent-encoded: any name, ``a"b`` or ``a:b;c``, fits a parameter),
  ``X-CONTACTKIT-FAVORITE:TRUE``, ``X-CONTACTKIT-CREATED`` and ``X-CONTACTKIT-LAST-CONTACTED``
  (ISO 8601), one ``X-CONTACTKIT-GROUP`` per group, and ``X-CONTACTKIT-NOTE``
  (percent-encoded) when the note holds a carriage return, which vCard's ``NOTE`` cannot
  carry.

Every export writes a temporary file next to ``path`` and renames it over ``path`` at the end
(``os.replace``): a failed export leaves neither a partial file nor a damaged previous one.
Phones are written as stored (E.164 with ``;ext=``, or as entered), which the importer
normalises again to the same value. Activity and the audit trail are not part of a contact
file: ``table.backup`` keeps them. The export reads the org once (one paged Query of its
contact items) and holds it in memory.
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
from ..contacts import fields, items, phones
from ..contacts.model import Contact, PhoneNumber
from ..errors import ValidationError
from . import columns
from .spreadsheet import neutralise

if TYPE_CHECKING:
    from ..contacts.lookups import OrgLookups

FORMATS = ("csv", "json", "vcf")
CUSTOM_PREFIX = fields.CUSTOM_PREFIX


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
    if kind in ("tags", "list", "texts"):
        return columns.join_list(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "datetime":
        return format_timestamp(value) if value else ""
    return value or ""


def _entry_cells(list_name: str, number: int, entry: Any) -> dict[str, str]:
    """Entry ``number`` (from 1) of a labelled list as its CSV cells."""
    names = fields.entry_columns(list_name, number)
    if list_name == "addresses":
        parts = entry.as_dict()
        cells = [parts.get(part, "") for part in fields.ADDRESS_PART_NAMES]
    else:
        cells = [entry.value]
    return dict(zip(names, [*cells, entry.label or ""], strict=True))


def csv_row(contact: Contact) -> dict[str, str]:
    """A contact's file fields as CSV cells, before neutralisation."""
    row: dict[str, str] = {}
    for f in fields.FILE_FIELDS:
        value = getattr(contact, f.name)
        if f.kind in fields.LABELED_KINDS:
            for number, entry in enumerate(value, start=1):
                row.update(_entry_cells(f.name, number, entry))
        elif f.kind == "custom":
            row.update({f"{CUSTOM_PREFIX}{k}": v for k, v in value.items()})
        else:
            row[f.name] = _cell(f.kind, value)
    return row


def file_row(contact: Contact) -> dict[str, str]:
    """A contact as the cells of contactkit's CSV (every file field; see :func:`csv_row`)."""
    return csv_row(contact)


def _write_csv(contacts: list[Contact], handle: IO[str]) -> None:
    custom: dict[str, None] = {}
    for contact in contacts:
        custom.update(dict.fromkeys(contact.custom_fields))
    longest = {
        name: max((len(getattr(c, name)) for c in contacts), default=1)
        for name in fields.LABELED_KINDS
    }
    header = columns.file_columns(custom, longest)
    writer = csv.DictWriter(handle, fieldnames=header, restval="")
    writer.writeheader()
    for contact in contacts:
        writer.writerow({k: neutralise(v) for k, v in file_row(contact).items()})


def _labelled(value: str, label: str | None) -> Any:
    return {"value": value, "label": label} if label else value


def _json_value(kind: str, value: Any) -> Any:
    if kind in ("emails", "phones"):
        return [_labelled(e.value, e.label) for e in value] or None
    if kind == "addresses":
        listed = [{**a.as_dict(), **({"label": a.label} if a.label else {})} for a in value]
        return listed or None
    if kind == "custom":
        return dict(value) or None
    if kind in ("tags", "list", "texts"):
        return list(value) or None
    if kind == "datetime":
        return format_timestamp(value) if value else None
    return value


def json_object(contact: Contact) -> dict[str, Any]:
    """A contact's file fields as one JSON object (absent ones left out)."""
    values = {f.name: _json_value(f.kind, getattr(contact, f.name)) for f in fields.FILE_FIELDS}
    return {k: v for k, v in values.items() if v is not None}


def file_object(contact: Contact) -> dict[str, Any]:
    """A contact as one object of our JSON file (see :func:`json_object`)."""
    return json_object(contact)


def _write_json(contacts: list[Contact], handle: IO[str]) -> None:
    json.dump([file_object(c) for c in contacts], handle, ensure_ascii=False, indent=2)
    handle.write("\n")


class _Items:
    """Numbers the item groups (``item1``, ``item2``...) of one card's free-text labels."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, card: Any, name: str, label: str | None) -> Any:
        """A new ``name`` line labelled ``label``: by ``TYPE``, else by an ``X-ABLabel``."""
        if label is None or label in columns.VCARD_TYPES:
            line = card.add(name)
            if label is not None:
                line.params.setdefault("TYPE", []).append(columns.VCARD_TYPES[label])
            return line
        self.count += 1
        group = f"item{self.count}"
        line = card.add(name, group=group)
        card.add(columns.VCARD_LABEL, group=group).value = label
        return line


def vcard_phone(phone: PhoneNumber) -> str:
    """A stored phone as vCard text: ``+15551234567;ext=123`` as ``+15551234567 x123``."""
    if phone.extension and phone.value == f"{phone.e164}{phones.EXTENSION_MARK}{phone.extension}":
        return f"{phone.e164} x{phone.extension}"
    return phone.value


def vcard_birthday(birthday: str) -> str:
    """``1990-05-17`` as it is; ``--05-17`` (no year) as vCard 3.0's ``--0517``."""
    return "--" + birthday[2:].replace("-", "") if birthday.startswith("--") else birthday


def vcard(contact: Contact) -> Any:
    """A contact as a vobject vCard 3.0 component."""
    card = vobject.vCard()
    labels = _Items()
    card.add("prodid").value = columns.VCARD_PRODID
    card.add("uid").value = contact.source_id or contact.id
    card.add(columns.VCARD_ID).value = contact.id
    card.add("n").value = vobject.vcard.Name(
        family=contact.last_name or "",
        given=contact.first_name or "",
        additional=contact.middle_name or "",
        prefix=contact.prefix or "",
        suffix=contact.suffix or "",
    )
    card.add("fn").value = contact.display_name
    if contact.name:
        card.add(columns.VCARD_NAME).value = contact.name
    if contact.nickname:
        card.add("nickname").value = contact.nickname
    for email in contact.emails:
        line = labels.add(card, "email", email.label)
        line.value = email.value
        line.params.setdefault("TYPE", []).insert(0, "INTERNET")
    for phone in contact.phones:
        labels.add(card, "tel", phone.label).value = vcard_phone(phone)
    if contact.company or contact.department:
        card.add("org").value = [contact.company or "", *filter(None, [contact.department])]
    if contact.job_title:
        card.add("title").value = contact.job_title
    if contact.birthday:
        card.add("bday").value = vcard_birthday(contact.birthday)
    for website in contact.websites:
        card.add("url").value = website
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    for a in contact.addresses:
        labels.add(card, "adr", a.label).value = vobject.vcard.Address(
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
