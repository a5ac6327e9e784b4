"""The one declared list of contact fields (pure): everything that lists fields derives from it.

``CONTACT_FIELDS`` names each field of a contact once, in the order files and frames show them,
with what each layer needs to know about it:

* the item layout (``contacts/items.py``): every field is an attribute of the contact item,
  written and read by its ``kind``;
* what a caller may set and must give (``contacts/model.py``: ``EDITABLE_FIELDS``,
  ``REQUIRED_FIELDS``) and each field's cleaner (``contacts/cleaning.py``, chosen by ``kind``
  and ``limit``);
* what contactkit's files carry (``io/export.py``: CSV, JSON, vCard; read back by
  ``io/formats``): the ``exported`` fields a caller sets and the ``carried`` ones the store
  keeps (the id, the last contact time, the groups), in this order; in CSV the labelled lists
  expand to numbered columns (:func:`csv_columns`) and the custom fields to ``custom.<name>``;
* the DataFrame columns (``frames/columns.py``): the fields with a ``frame`` dtype kind, the
  address expanded to its parts;
* the CLI's display: :func:`display_fields` (``label`` and ``icon``) and :func:`display_value`.

Adding a field is one line here plus its typed attribute on
:class:`~contactkit.contacts.model.Contact` (``tests/contacts/test_fields.py`` checks that they
agree and that no other module spells out a list of fields).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..dynamo import limits

# What a field holds; it chooses the cleaner, the item attribute and the file cells.
KINDS = (
    "id",  # an id the store sets (text)
    "name",  # a name part: optional one-line text (a contact needs a name, company, email or phone)
    "email",  # the primary address, kept as entered
    "emails",  # every address, labelled (the first is the primary)
    "phone",  # the primary phone as stored (E.164 plus extension, or as entered)
    "phones",  # every phone, labelled (the first is the primary)
    "e164",  # the primary phone normalised (set by the store)
    "birthday",  # YYYY-MM-DD, or --MM-DD without a year
    "texts",  # a list of one-line texts (websites)
    "addresses",  # every address, labelled (the first is the primary)
    "derived",  # text the model derives from other fields (the display name)
    "text",  # optional one-line text
    "longtext",  # optional text with newlines
    "tags",  # a list of short texts
    "address",  # a map of ADDRESS_PARTS
    "custom",  # a map of name -> text
    "bool",
    "datetime",  # aware UTC, stored ISO 8601
    "int",
    "list",  # a list of texts the store maintains (groups)
    "source",  # an id from another address book (a vCard UID): one-line text, unique in the org
)


@dataclass(frozen=True)
class Field:
    """One contact field: its name, kind, label, and where it appears.

    ``limit`` is the longest text accepted; ``editable`` fields a caller may set (``add``,
    ``update``, import), ``required`` ones ``add`` needs; ``exported`` fields go into export
    files; ``frame`` is the DataFrame column's dtype kind (``None``: not a column); ``icon``
    marks it in the CLI's details view (``None``: not shown there on its own line); ``asked``
    fields are the questions of the interactive shell's ``add`` and ``edit`` (the seed app's
    seven: the others are set with ``update`` or an import).
    """

    name: str
    kind: str
    label: str
    limit: int | None = None
    editable: bool = True
    required: bool = False
    exported: bool = True
    carried: bool = False
    frame: str | None = "string"
    icon: str | None = None
    asked: bool = False


def _store(
    name: str,
    kind: str,
    label: str,
    frame: str | None,
    icon: str | None = None,
    *,
    carried: bool = False,
) -> Field:
    """A field only the store sets: never editable, never exported (files may carry it)."""
    return Field(
        name, kind, label, editable=False, exported=False, carried=carried, frame=frame, icon=icon
    )


# The primary email, phone and address are not ``exported`` on their own: they are the first
# entries of the labelled lists, which are (in CSV the first entry's columns keep the names
# ``email``, ``phone`` and the address parts).
CONTACT_FIELDS: tuple[Field, ...] = (
    _store("org_id", "id", "Org", "category"),
    _store("id", "id", "ID", "string", icon="ID:", carried=True),
    _store("display_name", "derived", "Name", "string"),
    Field("prefix", "text", "Prefix", limits.NAME_MAX),
    Field("first_name", "name", "First name", limits.NAME_MAX, asked=True),
    Field("middle_name", "text", "Middle name", limits.NAME_MAX),
    Field("last_name", "name", "Last name", limits.NAME_MAX, asked=True),
    Field("suffix", "text", "Suffix", limits.NAME_MAX),
    Field("name", "name", "Full name", limits.NAME_MAX),
    Field("nickname", "text", "Nickname", limits.NAME_MAX),
    Field("email", "email", "Email", limits.EMAIL_MAX, exported=False, icon="📧", asked=True),
    Field("emails", "emails", "Emails", limits.EMAIL_MAX, frame="labeled"),
    Field("phone", "phone", "Phone", limits.PHONE_MAX, exported=False, icon="📱", asked=True),
    _store("phone_e164", "e164", "Phone (E.164)", "string"),
    Field("phones", "phones", "Phones", limits.PHONE_MAX, frame="labeled"),
    Field(
        "company", "text", "Company", limits.COMPANY_MAX, frame="category", icon="🏢", asked=True
    ),
    Field("department", "text", "Department", limits.COMPANY_MAX),
    Field("job_title", "text", "Job title", limits.JOB_TITLE_MAX, asked=True),
    Field("birthday", "birthday", "Birthday", 10, icon="🎂"),
    Field("websites", "texts", "Websites", limits.WEBSITE_MAX, frame="list"),
    Field("tags", "tags", "Tags", limits.TAG_MAX, frame="list", icon="🏷️ ", asked=True),
    Field(
        "address",
        "address",
        "Address",
        limits.ADDRESS_FIELD_MAX,
        exported=False,
        frame=None,
        icon="🏠",
    ),
    Field("addresses", "addresses", "Addresses", limits.ADDRESS_FIELD_MAX, frame="labeled"),
    Field("custom_fields", "custom", "Custom fields", limits.CUSTOM_FIELD_VALUE_MAX, frame="dict"),
    Field("notes", "longtext", "Notes", limits.NOTES_MAX, icon="📝"),
    Field("favorite", "bool", "Favorite", frame="bool"),
    Field("source_id", "source", "Source id", limits.SOURCE_ID_MAX, frame=None),
    Field("created_at", "datetime", "Created", editable=False, frame="datetime"),
    _store("updated_at", "datetime", "Updated", "datetime"),
    _store("last_contacted_at", "datetime", "Last contacted", "datetime", carried=True),
    _store("version", "int", "Version", "int"),
    _store("groups", "list", "Groups", None, icon="👪", carried=True),
)
# The parts of an address, in order; each is also a DataFrame column and a CSV column.
ADDRESS_PARTS: tuple[Field, ...] = (
    Field("street", "text", "Street", limits.ADDRESS_FIELD_MAX),
    Field("city", "text", "City", limits.ADDRESS_FIELD_MAX),
    Field("state", "text", "State", limits.ADDRESS_FIELD_MAX),
    Field("postal_code", "text", "Postal code", limits.ADDRESS_FIELD_MAX),
    Field("country", "text", "Country", limits.ADDRESS_FIELD_MAX, frame="category"),
)
CUSTOM_PREFIX = "custom."  # custom fields as columns: custom.<name>
TAG_SEPARATOR = ";"  # tags in one CSV cell

BY_NAME = {f.name: f for f in CONTACT_FIELDS}
FIELD_NAMES = tuple(f.name for f in CONTACT_FIELDS)
ADDRESS_PART_NAMES = tuple(p.name for p in ADDRESS_PARTS)
EDITABLE_FIELDS = tuple(f.name for f in CONTACT_FIELDS if f.editable)
REQUIRED_FIELDS = tuple(f.name for f in CONTACT_FIELDS if f.required)
EXPORTED_FIELDS = tuple(f.name for f in CONTACT_FIELDS if f.exported)
# What contactkit's files carry, in order: the exported fields and the carried ones (id first).
FILE_FIELDS = tuple(f for f in CONTACT_FIELDS if f.exported or f.carried)
# One-line text read from a cell as it is (names, email, phone, company, job title, notes).
TEXT_KINDS = frozenset({"name", "email", "phone", "text", "longtext", "birthday", "source"})
# Labelled lists whose first entry is a primary field of its own: ``emails`` -> ``email``.
PRIMARY_OF = {"emails": "email", "phones": "phone", "addresses": "address"}
LABELED_KINDS = frozenset(PRIMARY_OF)  # the kinds of the labelled lists are their names
# The fields of which a contact needs at least one (a name, a company, an email or a phone).
IDENTITY_FIELDS = ("first_name", "last_name", "name", "company", "email", "phone")


def field(name: str) -> Field:
    """The declared field ``name`` (``KeyError`` for an unknown one)."""
    return BY_NAME[name]


def csv_columns(
    custom_names: tuple[str, ...] | list[str] = (), entries: Mapping[str, int] | None = None
) -> list[str]:
    """contactkit's CSV header: the file fields in order, each list of ``entries`` (``{"emails":
    2}``; one entry when not given) as numbered columns, ``custom.<name>`` per custom field.

    A labelled list's first entry keeps the primary's columns (``email``, ``email_label``;
    ``phone``, ``phone_label``; ``street`` ... ``country``, ``address_label``), the next ones
    are numbered from 2 (``email_2``, ``email_2_label``; ``address_2_street`` ...).
    """
    counts = dict(entries or {})
    columns: list[str] = []
    for f in CONTACT_FIELDS:
        if not (f.exported or f.carried):
            continue
        if f.kind in LABELED_KINDS:
            for number in range(1, max(1, counts.get(f.name, 1)) + 1):
                columns.extend(entry_columns(f.name, number))
        elif f.kind == "custom":
            columns.extend(f"{CUSTOM_PREFIX}{name}" for name in custom_names)
        else:
            columns.append(f.name)
    return columns


def entry_columns(list_name: str, number: int) -> tuple[str, ...]:
    """The CSV columns of entry ``number`` (from 1) of a labelled list, the label last."""
    primary = PRIMARY_OF[list_name]
    stem = primary if number == 1 else f"{primary}_{number}"
    if list_name == "addresses":
        parts = tuple(p if number == 1 else f"{stem}_{p}" for p in ADDRESS_PART_NAMES)
        return (*parts, f"{stem}_label")
    return (stem, f"{stem}_label")


def frame_columns() -> list[tuple[str, str, tuple[str, ...]]]:
    """DataFrame columns as ``(name, dtype kind, attribute path)``, the address expanded."""
    columns: list[tuple[str, str, tuple[str, ...]]] = []
    for f in CONTACT_FIELDS:
        if f.kind == "address":
            columns.extend((p.name, p.frame or "string", (f.name, p.name)) for p in ADDRESS_PARTS)
        elif f.frame is not None:
            columns.append((f.name, f.frame, (f.name,)))
    return columns


def display_fields() -> tuple[Field, ...]:
    """The fields a details view shows on a line of their own, in order (``icon``, ``label``)."""
    return tuple(f for f in CONTACT_FIELDS if f.icon is not None)


_DISPLAY: dict[str, Callable[[Any], str]] = {
    "tags": ", ".join,
    "list": ", ".join,
    "texts": ", ".join,
    "emails": lambda values: ", ".join(v.display() for v in values),
    "phones": lambda values: ", ".join(v.display() for v in values),
    "addresses": lambda values: "; ".join(v.display() for v in values),
    "address": lambda address: ", ".join(address.as_dict().values()),
    "custom": lambda values: "; ".join(f"{k}: {v}" for k, v in values.items()),
    "bool": lambda flag: "yes" if flag else "no",
    "datetime": lambda moment: moment.strftime("%Y-%m-%d %H:%M UTC"),
}


def display_value(contact: Any, name: str) -> str | None:
    """A field of ``contact`` as text for people; ``None`` when it is empty."""
    value = getattr(contact, name)
    if value is None or value == () or value == {}:
        return None
    if isinstance(value, datetime) or BY_NAME[name].kind in _DISPLAY:
        return _DISPLAY[BY_NAME[name].kind](value)
    return str(value)
