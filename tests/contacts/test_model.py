"""Validation and cleaning of contact fields (``contactkit/contacts/cleaning.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from contactkit.contacts.cleaning import apply_changes, clean_changes, clean_new
from contactkit.contacts.model import Address, Contact, LabeledValue
from contactkit.dynamo import limits
from contactkit.errors import ValidationError

REGION = "US"
CONTACT_ID = "01KE6Z5Q8M3V4W5X6Y7Z8A9B0C"


def new(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
    }
    values.update(overrides)
    return values


def rejected(values: dict[str, Any], *, changes: bool = False) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        (clean_changes if changes else clean_new)(values, REGION)
    return excinfo.value


def contact(**fields: Any) -> Contact:
    return Contact(
        id=CONTACT_ID,
        org_id="org-acme",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        **fields,
    )


# --- what a contact needs: a name, a company, an email or a phone ------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"first_name": "Priya"},
        {"last_name": "Lovelace"},
        {"name": "Mom"},
        {"company": "Joe's Pizza"},
        {"email": "ada@example.com"},
        {"phone": "+1 555 123 4567"},
        {"emails": [{"value": "ada@example.com", "label": "work"}]},
        {"phones": ["555-0101"]},  # kept as entered: still a phone
    ],
)
def test_any_one_of_a_name_company_email_or_phone_is_enough(values: dict[str, Any]) -> None:
    cleaned = clean_new(values, REGION)
    made = apply_changes(Contact(id=CONTACT_ID, org_id="org-acme"), cleaned)
    assert made.display_name


@pytest.mark.parametrize(
    "values",
    [{}, {"notes": "hello"}, {"first_name": "  ", "email": None}, {"emails": [], "tags": ["x"]}],
)
def test_a_contact_with_none_of_them_is_refused_saying_what_is_missing(
    values: dict[str, Any],
) -> None:
    error = rejected(values)
    assert "a name" in error.reason and "company" in error.reason and "phone" in error.reason


def test_an_update_cannot_remove_the_last_of_them() -> None:
    only_email = Contact(id=CONTACT_ID, org_id="org-acme", email="ada@example.com")
    with pytest.raises(ValidationError, match="at least one of"):
        apply_changes(only_email, clean_changes({"email": None}, REGION))


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", None])
def test_blank_names_are_absent(blank: str | None) -> None:
    cleaned = clean_new(new(first_name=blank, last_name=blank), REGION)
    assert cleaned["first_name"] is None and cleaned["last_name"] is None


def test_clean_new_returns_the_cleaned_fields() -> None:
    assert clean_new(new(), REGION) == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": LabeledValue("ada@example.com"),
    }


@pytest.mark.parametrize(
    ("contact_values", "display"),
    [
        ({"first_name": "Ada", "last_name": "Lovelace", "company": "X"}, "Ada Lovelace"),
        ({"first_name": "Priya"}, "Priya"),
        ({"name": "Dr. Ada King", "first_name": "Ada"}, "Dr. Ada King"),
        ({"company": "Joe's Pizza", "email": "joe@pizza.example"}, "Joe's Pizza"),
        ({"email": "ada@example.com", "phone": "+15551234567"}, "ada@example.com"),
        ({"phone": "+15551234567"}, "+15551234567"),
    ],
)
def test_the_display_name_is_the_name_else_company_else_email_else_phone(
    contact_values: dict[str, Any], display: str
) -> None:
    made = Contact(id=CONTACT_ID, org_id="org-acme", **contact_values)
    assert made.display_name == display == made.full_name


# --- text: trimming, lengths, control characters -------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw", "cleaned"),
    [
        ("first_name", "  Ada ", "Ada"),
        ("last_name", "\tLovelace\n", "Lovelace"),
        ("company", "  Analytical Engines  ", "Analytical Engines"),
        ("notes", "\n  first line\nsecond line  \n", "first line\nsecond line"),
    ],
)
def test_text_is_trimmed(field: str, raw: str, cleaned: str) -> None:
    assert clean_new(new(**{field: raw}), REGION)[field] == cleaned


@pytest.mark.parametrize("field", ["company", "job_title", "notes"])
def test_blank_optional_text_becomes_none(field: str) -> None:
    assert clean_new(new(**{field: "   "}), REGION)[field] is None


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("first_name", limits.NAME_MAX),
        ("last_name", limits.NAME_MAX),
        ("company", limits.COMPANY_MAX),
        ("job_title", limits.JOB_TITLE_MAX),
    ],
)
def test_text_length_limits(field: str, limit: int) -> None:
    assert clean_new(new(**{field: "x" * limit}), REGION)[field] == "x" * limit
    assert rejected(new(**{field: "x" * (limit + 1)})).field == field


def test_name_limit_is_100_characters_not_bytes() -> None:
    assert limits.NAME_MAX == 100
    assert clean_new(new(last_name="é" * 100), REGION)["last_name"] == "é" * 100
    assert rejected(new(last_name="é" * 101)).field == "last_name"


def test_length_is_measured_after_trimming() -> None:
    padded = "  " + "x" * limits.NAME_MAX + "  "
    assert clean_new(new(first_name=padded), REGION)["first_name"] == "x" * limits.NAME_MAX


@pytest.mark.parametrize("field", ["first_name", "last_name", "company", "job_title"])
@pytest.mark.parametrize("bad", ["Ada\x00", "A\nda", "A\rda", "A\tda", "Ada\x1b[31m", "A\x7fda"])
def test_control_characters_are_rejected_in_single_line_fields(field: str, bad: str) -> None:
    assert rejected(new(**{field: bad})).field == field


@pytest.mark.parametrize("notes", ["line one\nline two", "a\r\nb", "col1\tcol2"])
def test_notes_allow_newlines_and_tabs(notes: str) -> None:
    assert clean_new(new(notes=notes), REGION)["notes"] == notes


def test_notes_reject_other_control_characters() -> None:
    assert rejected(new(notes="bell\x07")).field == "notes"


@pytest.mark.parametrize("value", [42, ["Ada"], b"Ada"])
def test_names_must_be_text(value: object) -> None:
    assert rejected(new(first_name=value)).field == "first_name"


# --- email ---------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.com", "a b@c.com", "a@@b.com", "a@b"])
def test_invalid_emails_are_rejected(email: str) -> None:
    error = rejected(new(email=email))
    assert error.field == "email"


def test_email_is_stored_as_entered() -> None:
    assert clean_new(new(email="Ada.Lovelace@Example.COM"), REGION)["email"].value == (
        "Ada.Lovelace@Example.COM"
    )


def test_email_length_limit() -> None:
    local = "a" * 64
    domain = ".".join(["b" * 63, "c" * 63, "d" * 57]) + ".com"
    email = f"{local}@{domain}"
    assert len(email) == limits.EMAIL_MAX
    assert clean_new(new(email=email), REGION)["email"].value == email
    assert rejected(new(email="a" + email)).field == "email"


# --- tags ----------------------------------------------------------------------------------


def test_tags_are_deduplicated_case_insensitively_keeping_first_spelling_and_order() -> None:
    cleaned = clean_new(new(tags=["VIP", "lead", "vip", " Lead ", "Partner", "ViP"]), REGION)
    assert cleaned["tags"] == ("VIP", "lead", "Partner")


def test_tags_are_trimmed() -> None:
    assert clean_new(new(tags=["  vip  "]), REGION)["tags"] == ("vip",)


@pytest.mark.parametrize("tags", ["vip", "vip,lead"])
def test_tags_given_as_one_string_are_rejected(tags: str) -> None:
    assert rejected(new(tags=tags)).field == "tags"


def test_tags_must_be_a_list() -> None:
    assert rejected(new(tags=42)).field == "tags"


def test_no_tags() -> None:
    assert clean_new(new(tags=None), REGION)["tags"] == ()
    assert clean_new(new(tags=[]), REGION)["tags"] == ()


def test_tag_length_limit() -> None:
    assert clean_new(new(tags=["t" * limits.TAG_MAX]), REGION)["tags"] == ("t" * limits.TAG_MAX,)
    error = rejected(new(tags=["ok", "t" * (limits.TAG_MAX + 1)]))
    assert error.field.startswith("tags")
    assert "1" in error.field  # names the position of the offending tag


@pytest.mark.parametrize("bad", ["", "  ", None, 7])
def test_blank_or_non_text_tags_are_rejected(bad: object) -> None:
    assert rejected(new(tags=["ok", bad])).field.startswith("tags")


def test_tag_count_limit() -> None:
    at_limit = [f"tag{i}" for i in range(limits.MAX_TAGS)]
    assert clean_new(new(tags=at_limit), REGION)["tags"] == tuple(at_limit)
    assert rejected(new(tags=[*at_limit, "one-more"])).field == "tags"


def test_tag_count_limit_applies_after_deduplication() -> None:
    tags = [f"tag{i}" for i in range(limits.MAX_TAGS)] + ["TAG0", "Tag1"]
    assert len(clean_new(new(tags=tags), REGION)["tags"]) == limits.MAX_TAGS


@pytest.mark.parametrize("field", ["tags", "emails", "phones", "websites", "addresses"])
def test_list_fields_refuse_a_mapping(field: str) -> None:
    # Iterating a dict gives its keys: {"a": 1} must not become the tag "a".
    error = rejected(new(**{field: {"a": 1}}))
    assert (error.field, "not dict" in error.reason) == (field, True), error.reason


# --- invisible characters: direction controls and invisible-only values --------------------

DIRECTION_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
SPOOFABLE = ["first_name", "last_name", "name", "company", "tags"]


def given(field: str, value: str) -> dict[str, Any]:
    return new(**{field: [value] if field == "tags" else value})


@pytest.mark.parametrize("control", DIRECTION_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("field", SPOOFABLE)
def test_direction_overrides_and_isolates_are_refused(field: str, control: str) -> None:
    error = rejected(given(field, f"{control}evil"))
    assert error.field.startswith(field)
    assert f"U+{ord(control):04X}" in error.reason, error.reason


@pytest.mark.parametrize(
    "blank", ["\u200b", "\u200b \u200b", "\u2060\ufeff", "\u200d", "\u200c\u00ad", "\u3164"]
)
@pytest.mark.parametrize("field", [*SPOOFABLE, "job_title", "notes"])
def test_values_blank_once_invisible_characters_are_removed_are_refused(
    field: str, blank: str
) -> None:
    error = rejected(given(field, blank))
    assert error.field.startswith(field)
    assert "only invisible characters" in error.reason, error.reason


@pytest.mark.parametrize(
    "text",
    [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a ZWNJ inside a word
        "\U0001f469\u200d\U0001f4bb",  # one emoji: woman, ZWJ, laptop
        "Zo\u00eb \u0639\u0644\u06cc",
    ],
)
@pytest.mark.parametrize("field", SPOOFABLE)
def test_joiners_and_right_to_left_text_are_kept(field: str, text: str) -> None:
    cleaned = clean_new(given(field, text), REGION)[field]
    assert cleaned == ((text,) if field == "tags" else text)


def test_an_update_follows_the_same_rule() -> None:
    assert "U+202E" in rejected({"company": "\u202eevil"}, changes=True).reason
    blank = rejected({"last_name": "\u200b \u200b"}, changes=True)
    assert "only invisible characters" in blank.reason


# --- address -------------------------------------------------------------------------------


def test_address_is_cleaned() -> None:
    cleaned = clean_new(new(address={"street": " 1 Main St ", "city": "Springfield"}), REGION)
    assert cleaned["address"] == Address(street="1 Main St", city="Springfield")


@pytest.mark.parametrize("alias", ["zip_code", "zip", "zipcode"])
def test_address_aliases(alias: str) -> None:
    cleaned = clean_new(new(address={alias: "12345"}), REGION)
    assert cleaned["address"] == Address(postal_code="12345")


@pytest.mark.parametrize("key", ["province", "street2", "line1"])
def test_unknown_address_key_is_named(key: str) -> None:
    assert rejected(new(address={"city": "Paris", key: "x"})).field == f"address.{key}"


@pytest.mark.parametrize("address", [{}, {"city": "   "}, {"city": None, "zip": ""}, None])
def test_empty_address_becomes_none(address: dict[str, Any] | None) -> None:
    assert clean_new(new(address=address), REGION)["address"] is None


def test_address_must_be_a_mapping() -> None:
    assert rejected(new(address="1 Main St")).field == "address"


def test_address_part_length_limit() -> None:
    limit = limits.ADDRESS_FIELD_MAX
    assert clean_new(new(address={"city": "c" * limit}), REGION)["address"].city == "c" * limit
    assert rejected(new(address={"city": "c" * (limit + 1)})).field == "address.city"


# --- custom fields -------------------------------------------------------------------------


def test_custom_fields_are_trimmed_and_blank_values_dropped() -> None:
    cleaned = clean_new(new(custom_fields={" plan ": " gold ", "empty": "  "}), REGION)
    assert cleaned["custom_fields"] == {"plan": "gold"}


def test_custom_field_count_limit() -> None:
    at_limit = {f"f{i}": "v" for i in range(limits.CUSTOM_FIELDS_MAX)}
    assert clean_new(new(custom_fields=at_limit), REGION)["custom_fields"] == at_limit
    too_many = {**at_limit, "one-more": "v"}
    assert rejected(new(custom_fields=too_many)).field == "custom_fields"


def test_custom_field_name_and_value_size_limits() -> None:
    name = "n" * limits.CUSTOM_FIELD_NAME_MAX
    value = "v" * limits.CUSTOM_FIELD_VALUE_MAX
    assert clean_new(new(custom_fields={name: value}), REGION)["custom_fields"] == {name: value}
    long_name = rejected(new(custom_fields={name + "n": "v"}))
    assert long_name.field.startswith("custom_fields")
    long_value = rejected(new(custom_fields={"plan": value + "v"}))
    assert long_value.field == "custom_fields.plan"


def test_custom_field_names_equal_after_trimming_are_rejected() -> None:
    assert rejected(new(custom_fields={"plan": "a", " plan": "b"})).field == "custom_fields.plan"


def test_custom_fields_must_be_a_mapping() -> None:
    assert rejected(new(custom_fields=["plan"])).field == "custom_fields"


# --- changes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["id", "org_id", "version", "created_at", "phone_e164", "display_name", "nick"]
)
def test_unknown_or_read_only_field_in_changes_is_named(field: str) -> None:
    assert rejected({field: "x"}, changes=True).field == field


def test_unknown_field_in_new_contact_is_named() -> None:
    assert rejected(new(nick="Ada")).field == "nick"


def test_changes_clean_only_the_given_fields() -> None:
    assert clean_changes({"company": " Acme "}, REGION) == {"company": "Acme"}


@pytest.mark.parametrize("value", [True, False])
def test_favorite_accepts_booleans(value: bool) -> None:
    assert clean_changes({"favorite": value}, REGION) == {"favorite": value}


@pytest.mark.parametrize("value", [1, 0, "yes", "true", None])
def test_favorite_must_be_a_boolean(value: object) -> None:
    assert rejected({"favorite": value}, changes=True).field == "favorite"


# --- phones, apply_changes and Contact -----------------------------------------------------


def test_apply_changes_splits_a_normalised_phone() -> None:
    updated = apply_changes(contact(), clean_changes({"phone": "(555) 123-4567"}, REGION))
    assert (updated.phone, updated.phone_e164) == ("+15551234567", "+15551234567")
    assert updated.phone_display() == "(555) 123-4567"
    assert updated.phone_display(region="GB") == "+1 555-123-4567"
    assert updated.warnings == ()


def test_apply_changes_keeps_an_unnormalisable_phone_as_entered() -> None:
    updated = apply_changes(contact(), clean_changes({"phone": " 555-0101 "}, REGION))
    assert (updated.phone, updated.phone_e164) == ("555-0101", None)
    assert updated.phone_display() == "555-0101"
    assert len(updated.warnings) == 1
    assert "555-0101" in updated.warnings[0]


def test_apply_changes_removes_a_phone() -> None:
    start = contact(phone="+15551234567", phone_e164="+15551234567")
    for removal in (None, "   "):
        updated = apply_changes(start, clean_changes({"phone": removal}, REGION))
        assert (updated.phone, updated.phone_e164) == (None, None)
        assert updated.phone_display() is None
        assert updated.warnings == ()


def test_phone_region_is_used_for_normalisation() -> None:
    updated = apply_changes(contact(), clean_changes({"phone": "020 7946 0958"}, "GB"))
    assert updated.phone_e164 == "+442079460958"
    assert updated.phone_display() == "+44 20 7946 0958"
    assert updated.phone_display(region="GB") == "020 7946 0958"


def test_phone_length_limit() -> None:
    assert rejected({"phone": "5" * (limits.PHONE_MAX + 1)}, changes=True).field == "phone"


def test_apply_changes_leaves_other_fields_and_the_original_alone() -> None:
    original = contact(company="Old Co", tags=("vip",))
    updated = apply_changes(original, clean_changes({"company": "New Co"}, REGION))
    assert (updated.company, updated.tags, updated.email) == ("New Co", ("vip",), original.email)
    assert original.company == "Old Co"


def test_full_name() -> None:
    assert contact().full_name == "Ada Lovelace"
