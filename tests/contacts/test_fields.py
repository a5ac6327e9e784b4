"""The one declared list of contact fields (``contactkit/contacts/fields.py``) drives the rest."""

from __future__ import annotations

import ast
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contactkit.contacts import fields, items, model
from contactkit.contacts.model import Address, Contact, LabeledValue, PhoneNumber
from contactkit.frames import columns
from contactkit.io import export
from contactkit.io.formats import records

PACKAGE = Path(__file__).resolve().parents[2] / "contactkit"
# Projections: the few attributes one read fetches, chosen for that read (not the field list).
PROJECTIONS = {
    "contacts/lookups.py": "_SEARCH_ATTRIBUTES",
    "contacts/stats.py": "STATS_ATTRIBUTES",
    # display columns of the lessons' tables: "name" there is the display name, not the field
    "lessons/show.py": "CONTACT_COLUMNS",
    # the attributes an exercise's index projects: choosing that subset is the lesson
    "lessons/exercises.py": "LIST_FIELDS",
    "lessons/capstone.py": "LIST_FIELDS",
    # the fields a contact's id, times and groups give it: what reissuing an item makes again
    "contacts/items.py": "_IDENTITY_FIELDS",
}
NAMES = set(fields.FIELD_NAMES) | set(fields.ADDRESS_PART_NAMES)

CONTACT = Contact(
    id="01J00000000000000000000001",
    org_id="org-a",
    prefix="Countess",
    first_name="Ada",
    middle_name="Augusta",
    last_name="Lovelace",
    suffix="FRS",
    name="Ada King, Countess of Lovelace",
    nickname="Ada",
    emails=(LabeledValue("ada@example.com", "work"), LabeledValue("ada@home.example")),
    phones=(PhoneNumber("+442079460958;ext=12", "work", "+442079460958", "12"),),
    company="Acme",
    department="Engines",
    birthday="--12-10",
    websites=("https://example.com/ada",),
    job_title="Analyst",
    tags=("vip",),
    favorite=True,
    created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    addresses=(Address(city="London", label="home"),),
    custom_fields={"linkedin": "ada"},
    notes="hello",
    updated_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    last_contacted_at=datetime(2025, 1, 3, tzinfo=UTC),
    groups=("Friends",),
    source_id="urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
)


def test_the_model_has_exactly_the_declared_fields() -> None:
    assert {f.name for f in dataclasses.fields(Contact)} == set(fields.FIELD_NAMES)
    parts = tuple(f.name for f in dataclasses.fields(Address) if f.name != "label")
    assert parts == fields.ADDRESS_PART_NAMES
    assert all(f.kind in fields.KINDS for f in (*fields.CONTACT_FIELDS, *fields.ADDRESS_PARTS))


def test_the_item_layout_is_every_declared_field_plus_keys() -> None:
    item = items.contact_item(CONTACT, "token")
    index_keys = {"PK", "SK", "type", "EmailPK", "NameSK", "PhonePK", "FavPK", "write_token"}
    assert set(item) - index_keys == set(fields.FIELD_NAMES)
    assert items.contact_from_item(item) == CONTACT


def test_export_columns_are_the_exported_fields_in_their_stable_order() -> None:
    expected = [
        "id",
        *("prefix", "first_name", "middle_name", "last_name", "suffix", "name", "nickname"),
        *("email", "email_label", "phone", "phone_label", "company", "department"),
        *("job_title", "birthday", "websites", "tags"),
        *("street", "city", "state", "postal_code", "country", "address_label"),
        *("custom.linkedin", "notes", "favorite", "source_id", "created_at"),
        *("last_contacted_at", "groups"),
    ]
    assert fields.csv_columns(["linkedin"]) == expected
    longest = {name: len(getattr(CONTACT, name)) for name in fields.LABELED_KINDS}
    header = fields.csv_columns(list(CONTACT.custom_fields), longest)
    assert [c for c in header if c in export.csv_row(CONTACT)] == list(export.csv_row(CONTACT))
    file_fields = [f.name for f in fields.FILE_FIELDS]
    assert file_fields == [f.name for f in fields.CONTACT_FIELDS if f.exported or f.carried]
    assert set(export.json_object(CONTACT)) <= set(file_fields)
    assert set(file_fields) <= set(records.FIELDS)
    two = fields.csv_columns(entries={"emails": 2, "addresses": 2})
    assert two[two.index("email_label") + 1 : two.index("email_label") + 3] == [
        "email_2",
        "email_2_label",
    ]
    assert two.index("address_2_label") == two.index("address_2_street") + 5


def test_frame_columns_and_editable_fields_come_from_the_declaration() -> None:
    assert [(c.name, c.kind, c.path) for c in columns.COLUMNS] == fields.frame_columns()
    assert columns.COLUMN_NAMES[:2] == ("org_id", "id")
    assert tuple(f.name for f in fields.CONTACT_FIELDS if f.editable) == model.EDITABLE_FIELDS
    assert model.REQUIRED_FIELDS == ()  # a name, a company, an email or a phone: any one


def test_adding_a_field_is_one_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = fields.Field("nickname", "text", "Nickname", 100)
    monkeypatch.setattr(fields, "CONTACT_FIELDS", (*fields.CONTACT_FIELDS, extra))
    assert fields.csv_columns()[-1] == "nickname"
    assert fields.frame_columns()[-1] == ("nickname", "string", ("nickname",))


def test_display_fields_have_a_label_an_icon_and_a_text() -> None:
    shown = fields.display_fields()
    assert [f.name for f in shown][:3] == ["id", "email", "phone"]
    assert all(f.label and f.icon for f in shown)
    assert fields.display_value(CONTACT, "tags") == "vip"
    assert fields.display_value(CONTACT, "address") == "London"
    assert fields.display_value(CONTACT, "groups") == "Friends"
    assert fields.display_value(CONTACT, "favorite") == "yes"
    assert fields.display_value(CONTACT, "created_at") == "2025-01-02 03:04 UTC"
    assert fields.display_value(dataclasses.replace(CONTACT, notes=None), "notes") is None


def _field_lists(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """Literal tuples, lists and sets of three or more strings that are all field names."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 3:
            texts = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(texts) == len(node.elts) and all(t in NAMES for t in texts):
                found.append((node.lineno, texts))
    return found


def test_no_module_spells_out_a_list_of_fields() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if path.name == "fields.py":
            continue
        source = path.read_text(encoding="utf-8")
        for line, names in _field_lists(ast.parse(source)):
            projection = PROJECTIONS.get(relative.as_posix())
            if projection and source.splitlines()[line - 1].startswith(f"{projection} = "):
                continue
            offenders.append(f"{relative}:{line}: {names}")
    assert offenders == [], "derive these from contactkit.contacts.fields:\n" + "\n".join(offenders)


def test_the_field_list_check_finds_a_spelled_out_list() -> None:
    tree = ast.parse('COLUMNS = ("first_name", "last_name", "email")\nOTHER = ("a", "b", "c")')
    assert _field_lists(tree) == [(1, ["first_name", "last_name", "email"])]
