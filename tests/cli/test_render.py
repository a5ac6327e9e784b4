"""The seed's output format (pure rendering, no engine)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from contactkit import Address, Contact, ContactSummary, Interaction
from contactkit.cli import render
from contactkit.contacts import fields

CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def summary(**changes: object) -> ContactSummary:
    values: dict[str, object] = {
        "id": "01KE5Z7Q8G0000000000A1B2C3",
        "org_id": "org-a1b2c3d4",
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@example.com",
        "phone": "+15551234567",
        "phone_e164": "+15551234567",
        "company": "Acme Corp",
        "tags": ("vip", "client", "decision-maker"),
        "created_at": CREATED,
    }
    values.update(changes)
    return ContactSummary(**values)  # type: ignore[arg-type]


def test_entry_matches_the_seed() -> None:
    assert render.contact_entry(1, summary()) == [
        "1. John Doe at Acme Corp",
        "   📧 john.doe@example.com | 📱 (555) 123-4567",
        "   🏷️  vip, client, decision-maker",
        "   ID: oqk4doda",
    ]


def test_short_ids_are_a_hash_not_the_ulid_tail() -> None:
    # Monotonic ULIDs of one millisecond differ by +1 in their last characters: the seed's
    # "last 8 characters" made neighbours look alike (gxb2aw5c / gxb2aw5e).
    first, second = "01KE5Z7Q8G0000000000A1B2C3", "01KE5Z7Q8G0000000000A1B2C4"
    assert render.short_id(first) == "oqk4doda"
    assert render.short_id(second) == "3jmzmmya"
    assert len(render.short_id(first)) == render.SHORT_ID_LENGTH


@pytest.mark.parametrize(
    ("number", "text"), [(0, "0 contacts"), (1, "1 contact"), (2, "2 contacts")]
)
def test_counts_agree_in_number(number: int, text: str) -> None:
    assert render.count(number, "contact") == text


def test_a_list_of_one_says_one_contact() -> None:
    assert render.contact_list("Contacts", [summary()])[0] == "👥 Contacts (1 contact):"


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"company": None}, "1. John Doe"),
        ({"favorite": True}, "1. John Doe at Acme Corp ⭐"),
        ({"phone": "555-0101", "phone_e164": None}, "   📧 john.doe@example.com | 📱 555-0101 ⚠️"),
        ({"phone": None, "phone_e164": None}, "   📧 john.doe@example.com"),
        (
            {"phone": "+442079460958", "phone_e164": "+442079460958"},
            "   📧 john.doe@example.com | 📱 +44 20 7946 0958",
        ),
    ],
)
def test_entry_variants(changes: dict[str, object], line: str) -> None:
    assert line in render.contact_entry(1, summary(**changes))


def test_no_tags_no_tag_line() -> None:
    assert not any("🏷️" in line for line in render.contact_entry(1, summary(tags=())))


def test_list_title_rule_numbering_and_blank_lines() -> None:
    lines = render.contact_list("Contacts", [summary(), summary(first_name="Jane")], start=3)
    assert lines[:2] == ["👥 Contacts (2 contacts):", "─" * 25]
    assert lines[2] == "3. John Doe at Acme Corp"
    assert lines[6] == "" and lines[7] == "4. Jane Doe at Acme Corp"
    assert render.contact_list("Favorites", []) == ["📭 Favorites: no contacts."]


def test_full_ids_for_scripts() -> None:
    assert (
        render.contact_entry(1, summary(), full_id=True)[-1] == "   ID: 01KE5Z7Q8G0000000000A1B2C3"
    )


def test_details_show_every_field_and_activity() -> None:
    contact = Contact(
        **{**summary().__dict__, "phone": "555-0101", "phone_e164": None, "job_title": "CEO"},
        address=Address(city="London", country="UK"),
        custom_fields={"twitter": "@jd"},
        notes="met at the fair",
        updated_at=CREATED,
        last_contacted_at=CREATED,
        groups=("board",),
    )
    call = Interaction("01X", contact.id, "call", "renewal", CREATED)
    text = "\n".join(render.contact_details(contact, [call]))
    for expected in (
        "👤 John Doe",
        "   ID: 01KE5Z7Q8G0000000000A1B2C3",
        "   📱 555-0101 ⚠️",
        "   🏢 CEO at Acme Corp",
        "   🏠 London, UK",
        "   • twitter: @jd",
        "   📝 met at the fair",
        "   👪 board",
        "Last contacted 2026-01-05 09:00 UTC",
        "not a complete number",
        "      2026-01-05 09:00 UTC call: renewal",
    ):
        assert expected in text


def test_json_of_contacts_and_pages() -> None:
    data = render.to_json({"items": [summary(phone="555-0101", phone_e164=None)], "n": 1})
    item = data["items"][0]
    assert item["created_at"] == "2026-01-05T09:00:00Z"
    assert item["tags"] == ["vip", "client", "decision-maker"]
    assert item["warnings"] and "555-0101" in item["warnings"][0]


def test_details_lines_follow_the_declared_fields() -> None:
    contact = Contact(
        **{**summary().__dict__, "job_title": "CEO", "favorite": True},
        address=Address(city="London"),
        custom_fields={"twitter": "@jd"},
        notes="met at the fair",
        updated_at=CREATED,
        groups=("board",),
    )
    assert render.contact_details(contact) == [
        "👤 John Doe ⭐",
        "─" * 25,
        "   ID: 01KE5Z7Q8G0000000000A1B2C3",
        "   📧 john.doe@example.com",
        "   📱 (555) 123-4567",
        "   🏢 CEO at Acme Corp",
        "   🏷️  vip, client, decision-maker",
        "   🏠 London",
        "   📝 met at the fair",
        "   👪 board",
        "   • twitter: @jd",
        "   Created 2026-01-05 09:00 UTC, updated 2026-01-05 09:00 UTC",
    ]


def test_a_field_given_an_icon_gets_a_details_line(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = tuple(
        dataclasses.replace(f, icon="💼") if f.name == "job_title" else f
        for f in fields.CONTACT_FIELDS
    )
    monkeypatch.setattr(fields, "CONTACT_FIELDS", declared)
    lines = render.contact_details(Contact(**{**summary().__dict__, "job_title": "CEO"}))
    assert "   💼 CEO" in lines
