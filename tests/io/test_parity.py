"""``add()``, ``update()`` and every import format accept and refuse the same values.

Each value of the corpus is given to ``add()`` and ``update()``, and written by contactkit's own
writers (CSV, JSON, vCard) into a file that ``import_contacts`` reads: each way must accept it,
or refuse it naming the same field. The files are written from an unchecked ``Contact``, so a
value the model refuses reaches the importer exactly as a hand-edited file would carry it.
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts.model import Contact, PhoneNumber
from contactkit.dynamo import limits
from contactkit.io import columns, export
from contactkit.io.spreadsheet import neutralise

BASE = {"company": "Base"}
ORG_NUMBERS = itertools.count()
# (field, value as add() takes it, the field a refusal names; None: accepted)
CORPUS: list[tuple[str, Any, str | None]] = [
    ("email", "ada@example.com", None),
    ("email", "-john@example.com", None),
    ("email", "\uff26\uff35\uff2c\uff2c@example.com", None),  # fullwidth FULL
    ("email", "user@bücher.de", None),
    ("email", "not-an-email", "email"),
    ("email", "john.doe@", "email"),
    ("phone", "1-800-FLOWERS", None),
    ("phone", "+1 555 123 4567 x123", None),
    ("phone", "555-0101", None),  # kept as entered, with a warning
    ("phone", "5" * (limits.PHONE_MAX + 1), "phone"),
    ("birthday", "1990-05-17", None),
    ("birthday", "--02-29", None),
    ("birthday", "1990-02-30", "birthday"),
    ("birthday", "17/05/1990", "birthday"),
    ("birthday", "--13-01", "birthday"),
    ("company", "-Acme", None),
    ("company", "=1+2", None),
    ("company", "@home", None),
    ("company", "a\x07b", "company"),
    ("first_name", "Ann\nB", "first_name"),
    ("first_name", "😀 non-BMP", None),
    ("nickname", "n" * (limits.NAME_MAX + 1), "nickname"),
    ("notes", "one\r\ntwo\rthree", None),
    ("websites", ["https://a.example/x,y"], None),
    ("websites", ["w" * (limits.WEBSITE_MAX + 1)], "websites[0]"),
    ("tags", ["a;b", "c,d"], None),
    ("tags", [" "], "tags[0]"),
    ("tags", ["t" * (limits.TAG_MAX + 1)], "tags[0]"),
]
IDS = [f"{name}={value!r}"[:40] for name, value, _ in CORPUS]


def outcome(call: Any) -> str | None:
    """``None`` when ``call()`` is accepted, else the field its ValidationError names."""
    try:
        call()
    except ck.ValidationError as error:
        return error.field
    return None


def unchecked(name: str, value: Any) -> Contact:
    """A contact carrying ``value`` as it is (no validation): what a file can hold."""
    if name == "phone":
        extra: dict[str, Any] = {"phones": (PhoneNumber(value),)}
    elif isinstance(value, list):
        extra = {name: tuple(value)}
    else:
        extra = {name: value}
    return Contact(id="01J00000000000000000000001", org_id="org-x", **{**BASE, **extra})


def write(contact: Contact, path: Path) -> None:
    """The contact in contactkit's own format of ``path`` (what ``org.export`` writes)."""
    if path.suffix == ".csv":
        row = export.file_row(contact)
        longest = {n: max(1, len(getattr(contact, n))) for n in ("emails", "phones", "addresses")}
        header = columns.file_columns(contact.custom_fields, longest)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, restval="")
            writer.writeheader()
            writer.writerow({k: neutralise(v) for k, v in row.items()})
    elif path.suffix == ".json":
        path.write_text(json.dumps([export.file_object(contact)]), encoding="utf-8")
    else:
        path.write_text(export.vcard(contact).serialize(), encoding="utf-8")


def imported(table: ck.Table, path: Path) -> str | None:
    report = table.org(f"org-parity-{next(ORG_NUMBERS)}").import_contacts(path)
    assert report.failed == [] and report.skipped == []
    if report.invalid_rows:
        return report.invalid_rows[0].field
    assert report.imported == 1
    return None


@pytest.mark.parametrize(("name", "value", "refused"), CORPUS, ids=IDS)
def test_add_update_and_every_format_agree(
    table: ck.Table, tmp_path: Path, name: str, value: Any, refused: str | None
) -> None:
    added, updated = (table.org(f"org-parity-{next(ORG_NUMBERS)}") for _ in range(2))
    base = updated.add(**BASE)
    by_way = {
        "add": outcome(lambda: added.add(**{**BASE, name: value})),
        "update": outcome(lambda: updated.update(base.id, **{name: value})),
    }
    for suffix in ("csv", "json", "vcf"):
        path = tmp_path / f"contact.{suffix}"
        write(unchecked(name, value), path)
        by_way[suffix] = imported(table, path)
    assert by_way == dict.fromkeys(by_way, refused)
