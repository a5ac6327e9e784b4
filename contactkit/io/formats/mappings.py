"""Column mappings of the CSV formats: contactkit's own, Google (two generations) and Outlook.

Each mapping turns one row's :class:`Cells` into our field names. Secondary values that have
no field of their own (a second email, other phones, a birthday, a department) are kept as
custom fields rather than dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...contacts import fields
from .. import columns
from ..spreadsheet import restore
from .rows import Cells, extras, parse_flag, set_entries, split_multi

Mapping = Callable[[Cells], tuple[dict[str, Any], list[tuple[str, str]]]]

ADDRESS_PARTS = fields.ADDRESS_PART_NAMES
# Google's system labels: "* starred" is a favourite, "* myContacts" means nothing to us.
_SYSTEM_LABELS = {"mycontacts", "my contacts", "starred"}


def ours(cells: Cells) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """contactkit's CSV (:mod:`contactkit.io.columns`): each column read by its field's kind.

    Each cell goes through :func:`~contactkit.io.spreadsheet.restore`: the export neutralised
    the cells a spreadsheet would run (``'=1`` for ``=1``), and reading gives back the text.
    Lists in a cell (tags, websites, groups) are split by
    :func:`~contactkit.io.columns.split_list`; the labelled lists are read from their numbered
    columns (``email``, ``email_label``, ``email_2``...) in order, blank entries left out. The
    id, times and groups are handed to the importer as read, which checks them.
    """
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}

    def get(name: str) -> str | None:
        value = cells.get(name)
        return None if value is None else restore(value)

    for f in fields.FILE_FIELDS:
        if f.kind in fields.LABELED_KINDS:
            entries = [_entry(f.name, columns_, get) for columns_ in _entries(f.name, cells)]
            set_entries(values, f.name, [e for e in entries if e])
        elif f.kind in fields.TEXT_KINDS:
            value = get(f.name)
            if value is not None:
                values[f.name] = value
        elif f.kind == "custom":
            prefix = fields.CUSTOM_PREFIX
            custom = {name: restore(v) for name, v in cells.prefixed(prefix).items()}
            if custom:
                values[f.name] = custom
        elif f.kind == "bool":
            flag, reason = parse_flag(get(f.name))
            if reason:
                problems.append((f.name, reason))
            elif flag:
                values[f.name] = True
        elif f.kind in ("tags", "list", "texts"):
            text = get(f.name)
            if text:
                values[f.name] = columns.split_list(text)
        else:  # ids and times: text the importer checks
            text = get(f.name)
            if text and text.strip():
                values[f.name] = text.strip()
    return values, problems


def _entries(list_name: str, cells: Cells) -> list[tuple[str, ...]]:
    """The columns of each entry of a labelled list the header has (the first always)."""
    found = [fields.entry_columns(list_name, 1)]
    number = 2
    while cells.header.intersection(fields.entry_columns(list_name, number)):
        found.append(fields.entry_columns(list_name, number))
        number += 1
    return found


def _entry(
    list_name: str, names: tuple[str, ...], get: Callable[[str], str | None]
) -> dict[str, str] | None:
    """One entry from its cells (``{"value": ..., "label": ...}``, an address's parts and
    label); ``None`` when its value is blank (a label alone is no entry)."""
    label = get(names[-1])
    if list_name == "addresses":
        parts = {part: get(name) for part, name in zip(ADDRESS_PARTS, names, strict=False)}
        entry = {k: v for k, v in parts.items() if v}
    else:
        value = get(names[0])
        entry = {"value": value} if value else {}
    if entry and label:
        entry["label"] = label
    return entry or None


def _labels(values: dict[str, Any], labels: list[str]) -> None:
    tags: list[str] = []
    for label in labels:
        name = label.removeprefix("*").strip()
        if name.lower() == "starred":
            values["favorite"] = True
        elif name.lower() not in _SYSTEM_LABELS and name:
            tags.append(name)
    if tags:
        values["tags"] = tags


def _primary(values: dict[str, Any], field: str, found: list[str], extra: str) -> None:
    if found:
        values[field] = found[0]
        extras(values, extra, found[1:])


def _numbered(prefix: str, suffix: str, count: int = 5) -> list[str]:
    return [f"{prefix} {n} - {suffix}" for n in range(1, count + 1)]


def _google_common(cells: Cells, values: dict[str, Any]) -> None:
    _primary(values, "email", cells.all(*_numbered("E-mail", "Value")), "other_emails")
    _primary(values, "phone", cells.all(*_numbered("Phone", "Value")), "other_phones")
    address = {
        "street": cells.get("Address 1 - Street"),
        "city": cells.get("Address 1 - City"),
        "state": cells.get("Address 1 - Region"),
        "postal_code": cells.get("Address 1 - Postal Code"),
        "country": cells.get("Address 1 - Country"),
    }
    if any(address.values()):
        values["address"] = {k: split_multi(v)[0] for k, v in address.items() if v}
    for column, name in (("Notes", "notes"),):
        text = cells.get(column)
        if text:
            values[name] = text
    for column, name in (("Birthday", "birthday"), ("Nickname", "nickname")):
        text = cells.get(column)
        if text:
            values.setdefault("custom_fields", {})[name] = text
    extras(values, "website", cells.all(*_numbered("Website", "Value", 3)))


def google(cells: Cells) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Google Contacts CSV, current export (``First Name``, ``Labels``, ``E-mail 1 - Value``)."""
    values: dict[str, Any] = {}
    _names(values, cells.get("First Name"), cells.get("Last Name"))
    _name_parts(values, cells, "Name Prefix", "Middle Name", "Name Suffix")
    _text(values, "company", cells.get("Organization Name"))
    _text(values, "job_title", cells.get("Organization Title"))
    extras(values, "department", cells.all("Organization Department"))
    _google_common(cells, values)
    _labels(values, cells.all("Labels"))
    return values, []


def google_old(cells: Cells) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Google Contacts CSV, older export (``Given Name``, ``Group Membership``, ...)."""
    values: dict[str, Any] = {}
    first, last, full = cells.get("Given Name"), cells.get("Family Name"), cells.get("Name")
    if not first and not last and full:  # only "Name": split at the last space
        first, _, last = full.strip().rpartition(" ")
    _names(values, first, last)
    _name_parts(values, cells, "Name Prefix", "Additional Name", "Name Suffix")
    _text(values, "company", cells.get("Organization 1 - Name"))
    _text(values, "job_title", cells.get("Organization 1 - Title"))
    extras(values, "department", cells.all("Organization 1 - Department"))
    _google_common(cells, values)
    _labels(values, cells.all("Group Membership"))
    return values, []


_OUTLOOK_PHONES = (
    "Mobile Phone",
    "Business Phone",
    "Home Phone",
    "Primary Phone",
    "Other Phone",
    "Business Phone 2",
    "Home Phone 2",
    "Company Main Phone",
    "Car Phone",
)


# Outlook's "no date", as its English and German (and other day-first) interfaces write it.
_NO_DATE = frozenset({"0/0/00", "00/00/0000", "0.0.00", "00.00.0000"})


def outlook(cells: Cells) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Outlook CSV (Outlook's own export and Google's "Outlook CSV" option)."""
    values: dict[str, Any] = {}
    _names(values, cells.get("First Name"), cells.get("Last Name"))
    _name_parts(values, cells, "Title", "Middle Name", "Suffix")
    _text(values, "company", cells.get("Company"))
    _text(values, "job_title", cells.get("Job Title"))
    extras(values, "department", cells.all("Department"))
    emails = cells.all("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
    _primary(values, "email", emails, "other_emails")
    _primary(values, "phone", cells.all(*_OUTLOOK_PHONES), "other_phones")
    for kind in ("Business", "Home", "Other"):
        address = {
            "street": cells.get(f"{kind} Street"),
            "city": cells.get(f"{kind} City"),
            "state": cells.get(f"{kind} State"),
            "postal_code": cells.get(f"{kind} Postal Code"),
            "country": cells.get(f"{kind} Country/Region"),
        }
        if any(address.values()) and "address" not in values:
            values["address"] = {k: v for k, v in address.items() if v}
    _text(values, "notes", cells.get("Notes"))
    birthday = cells.get("Birthday")
    if birthday and birthday.strip() not in _NO_DATE:
        values.setdefault("custom_fields", {})["birthday"] = birthday
    nickname = cells.get("Nickname")
    if nickname:
        values.setdefault("custom_fields", {})["nickname"] = nickname
    extras(values, "website", cells.all("Web Page", "Personal Web Page"))
    categories = cells.get("Categories") or ""
    separator = " ::: " if " ::: " in categories else ";"
    _labels(values, [c.strip() for c in categories.split(separator.strip()) if c.strip()])
    return values, []


def _names(values: dict[str, Any], first: str | None, last: str | None) -> None:
    _text(values, "first_name", first)
    _text(values, "last_name", last)


def _name_parts(
    values: dict[str, Any], cells: Cells, prefix: str, middle: str, suffix: str
) -> None:
    """The name's prefix (``Dr.``), middle name and suffix (``jr.``) from their columns."""
    for field, column in (("prefix", prefix), ("middle_name", middle), ("suffix", suffix)):
        _text(values, field, cells.get(column))


def _text(values: dict[str, Any], name: str, text: str | None) -> None:
    if text is not None and text.strip():
        values[name] = text


# Thunderbird's phone columns and the label each one means.
_THUNDERBIRD_PHONES = (
    ("Work Phone", "work"),
    ("Home Phone", "home"),
    ("Fax Number", "fax"),
    ("Pager Number", "pager"),
    ("Mobile Number", "mobile"),
)


def thunderbird(cells: Cells) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Thunderbird's CSV export (``First Name``, ``Display Name``, ``Primary Email``, ...).

    ``Display Name`` is the name when it is more than the first and last names joined (a
    company's card often has only it); the phones keep their column as label; the birthday
    is put together from ``Birth Year``, ``Birth Month`` and ``Birth Day`` (a year alone is
    kept as a custom field); ``Screen Name`` and ``Custom 1`` ... ``Custom 4`` are custom fields.
    """
    values: dict[str, Any] = {}
    first, last = cells.get("First Name"), cells.get("Last Name")
    _names(values, first, last)
    display = cells.get("Display Name")
    joined = " ".join(part.strip() for part in (first, last) if part and part.strip())
    if display and display.strip() != joined:
        values["name"] = display
    _text(values, "nickname", cells.get("Nickname"))
    emails = [cells.get(column) for column in ("Primary Email", "Secondary Email")]
    set_entries(values, "emails", [{"value": e} for e in emails if e])
    phones = [(cells.get(column), label) for column, label in _THUNDERBIRD_PHONES]
    set_entries(values, "phones", [{"value": v, "label": lb} for v, lb in phones if v])
    addresses = [_thunderbird_address(cells, kind) for kind in ("Home", "Work")]
    set_entries(values, "addresses", [a for a in addresses if a])
    _text(values, "job_title", cells.get("Job Title"))
    _text(values, "department", cells.get("Department"))
    _text(values, "company", cells.get("Organization"))
    websites = [cells.get(f"Web Page {n}") for n in (1, 2)]
    if any(websites):
        values["websites"] = [w for w in websites if w]
    _thunderbird_birthday(cells, values)
    custom = {"screen_name": cells.get("Screen Name")}
    custom |= {f"custom_{n}": cells.get(f"Custom {n}") for n in range(1, 5)}
    for name, value in custom.items():
        if value:
            values.setdefault("custom_fields", {})[name] = value
    _text(values, "notes", cells.get("Notes"))
    return values, []


def _thunderbird_address(cells: Cells, kind: str) -> dict[str, str] | None:
    lines = [cells.get(f"{kind} Address"), cells.get(f"{kind} Address 2")]
    address = {
        "street": ", ".join(line.strip() for line in lines if line),
        "city": cells.get(f"{kind} City"),
        "state": cells.get(f"{kind} State"),
        "postal_code": cells.get(f"{kind} ZipCode"),
        "country": cells.get(f"{kind} Country"),
    }
    found = {k: v for k, v in address.items() if v}
    return found | {"label": kind.lower()} if found else None


def _thunderbird_birthday(cells: Cells, values: dict[str, Any]) -> None:
    year, month, day = (cells.get(f"Birth {part}") for part in ("Year", "Month", "Day"))
    if month and day and month.strip().isdigit() and day.strip().isdigit():
        date = f"{int(month):02d}-{int(day):02d}"
        values["birthday"] = f"{year.strip()}-{date}" if year else f"--{date}"
        return
    for name, part in (("birth_year", year), ("birth_month", month), ("birth_day", day)):
        if part:
            values.setdefault("custom_fields", {})[name] = part
