"""The Contact model and the rules that turn user input into storable fields (pure, no I/O).

``clean_new`` validates every field of a new contact; ``clean_changes`` validates a partial
update. Both raise :class:`~contactkit.errors.ValidationError` naming the field and the reason,
before anything is written. Optional text that is empty after trimming is treated as absent,
so sparse indexes never receive an empty key (DynamoDB rejects those).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from ..dynamo import limits
from ..errors import ValidationError
from . import fields as contact_fields
from . import phones
from .keys import fold_tag


@dataclass(frozen=True)
class Address:
    """A postal address; every part optional."""

    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def as_dict(self) -> dict[str, str]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass(frozen=True)
class ContactSummary:
    """The fields list views show; list lookups fetch only these (see ``SUMMARY_FIELDS``)."""

    id: str
    org_id: str
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    phone_e164: str | None = None
    company: str | None = None
    job_title: str | None = None
    tags: tuple[str, ...] = ()
    favorite: bool = False
    created_at: datetime | None = None
    version: int = 1

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def phone_display(self, region: str = phones.DEFAULT_REGION) -> str | None:
        """The phone for people: ``(555) 123-4567`` at home, ``+44 20 7946 0958`` abroad."""
        if self.phone_e164:
            return phones.display(self.phone_e164, region)
        return self.phone

    @property
    def warnings(self) -> tuple[str, ...]:
        """What was kept but could not be normalised (for example a local-only phone)."""
        if self.phone and not self.phone_e164:
            return (
                f"phone {self.phone!r} is not a complete number (no area code?): "
                "kept as entered, not searchable by phone",
            )
        return ()


SUMMARY_FIELDS = tuple(f.name for f in fields(ContactSummary))


@dataclass(frozen=True)
class Contact(ContactSummary):
    """A contact as stored in one org, every field. Returned by the store."""

    address: Address | None = None
    custom_fields: Mapping[str, str] = field(default_factory=dict)
    notes: str | None = None
    updated_at: datetime | None = None
    last_contacted_at: datetime | None = None
    groups: tuple[str, ...] = ()  # display names; membership items mirror them


# Fields a caller may set, and the ones ``add`` needs: from the one declared list of fields.
EDITABLE_FIELDS = contact_fields.EDITABLE_FIELDS
REQUIRED_FIELDS = contact_fields.REQUIRED_FIELDS
_ADDRESS_ALIASES = {"zip": "postal_code", "zip_code": "postal_code", "zipcode": "postal_code"}
_ADDRESS_FIELDS = contact_fields.ADDRESS_PART_NAMES


def _has_control_characters(text: str, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def clean_text(
    name: str, value: Any, max_length: int, *, required: bool = False, multiline: bool = False
) -> str | None:
    """Trim text and check its length; empty optional text becomes ``None``."""
    if value is None:
        if required:
            raise ValidationError(name, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationError(name, f"must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        if required:
            raise ValidationError(name, "is required and cannot be blank")
        return None
    if len(text) > max_length:
        raise ValidationError(name, f"is {len(text)} characters long; the limit is {max_length}")
    if _has_control_characters(text, multiline):
        raise ValidationError(name, "contains control characters; remove them")
    return text


def clean_email(value: Any) -> str:
    """Check email syntax (``email-validator``, no DNS look-up); keep it as entered."""
    email = clean_text("email", value, limits.EMAIL_MAX, required=True)
    assert email is not None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError("email", f"{email!r} is not a valid address: {exc}") from exc
    return email


def clean_phone(value: Any, region: str) -> phones.Phone | None:
    text = clean_text("phone", value, limits.PHONE_MAX)
    return phones.normalise(text, region) if text is not None else None


def clean_tags(value: Any) -> tuple[str, ...]:
    """Tags in input order, de-duplicated case-insensitively (the first spelling wins)."""
    if value is None:
        return ()
    if isinstance(value, str):
        raise ValidationError("tags", "must be a list of tags, not one string; use ['a', 'b']")
    if not isinstance(value, Iterable):
        raise ValidationError("tags", f"must be a list of tags, not {type(value).__name__}")
    cleaned: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(value):
        tag = clean_text(f"tags[{position}]", raw, limits.TAG_MAX, required=True)
        assert tag is not None
        if fold_tag(tag) not in seen:
            seen.add(fold_tag(tag))
            cleaned.append(tag)
    if len(cleaned) > limits.MAX_TAGS:
        raise ValidationError("tags", f"has {len(cleaned)} tags; the limit is {limits.MAX_TAGS}")
    return tuple(cleaned)


def clean_address(value: Any) -> Address | None:
    if value is None:
        return None
    if isinstance(value, Address):
        value = value.as_dict()
    if not isinstance(value, Mapping):
        raise ValidationError("address", f"must be a mapping, not {type(value).__name__}")
    parts: dict[str, str | None] = {}
    for key, raw in value.items():
        name = _ADDRESS_ALIASES.get(str(key).lower(), str(key).lower())
        if name not in _ADDRESS_FIELDS:
            raise ValidationError(
                f"address.{key}",
                f"is not an address field; use one of {', '.join(_ADDRESS_FIELDS)}",
            )
        if name in parts:
            raise ValidationError(f"address.{key}", f"gives {name} a second time")
        parts[name] = clean_text(f"address.{name}", raw, limits.ADDRESS_FIELD_MAX)
    address = Address(**parts)
    return None if address.is_empty() else address


def clean_custom_fields(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("custom_fields", f"must be a mapping, not {type(value).__name__}")
    if len(value) > limits.CUSTOM_FIELDS_MAX:
        raise ValidationError(
            "custom_fields", f"has {len(value)} fields; the limit is {limits.CUSTOM_FIELDS_MAX}"
        )
    cleaned: dict[str, str] = {}
    for key, raw in value.items():
        name = clean_text("custom_fields key", key, limits.CUSTOM_FIELD_NAME_MAX, required=True)
        assert name is not None
        if name in cleaned:
            raise ValidationError(f"custom_fields.{name}", "is given twice")
        text = clean_text(f"custom_fields.{name}", raw, limits.CUSTOM_FIELD_VALUE_MAX)
        if text is not None:
            cleaned[name] = text
    return cleaned


def clean_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(name, f"must be True or False, not {value!r}")
    return value


def clean_favorite(value: Any) -> bool:
    return clean_flag("favorite", value)


def clean_changes(changes: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Validate a partial set of fields; returns ``{field: cleaned value}``.

    Phones come back as :class:`~contactkit.contacts.phones.Phone` (or ``None`` to remove).
    """
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError(
                name, f"is not a contact field you can set; use one of {', '.join(EDITABLE_FIELDS)}"
            )
        cleaned[name] = _CLEANERS[name](value, region)
    return cleaned


def clean_new(values: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Validate every field of a new contact (first name, last name and email required)."""
    for name in REQUIRED_FIELDS:
        if name not in values:
            raise ValidationError(name, "is required")
    return clean_changes(values, region)


def _cleaner(declared: contact_fields.Field) -> Any:
    """The cleaner of a declared editable field, chosen by its kind: ``(value, region) -> ...``."""
    name, limit = declared.name, declared.limit or 0
    by_kind: dict[str, Any] = {
        "name": lambda value, _region: clean_text(name, value, limit, required=True),
        "email": lambda value, _region: clean_email(value),
        "phone": clean_phone,
        "text": lambda value, _region: clean_text(name, value, limit),
        "longtext": lambda value, _region: clean_text(name, value, limit, multiline=True),
        "tags": lambda value, _region: clean_tags(value),
        "address": lambda value, _region: clean_address(value),
        "custom": lambda value, _region: clean_custom_fields(value),
        "bool": lambda value, _region: clean_flag(name, value),
    }
    return by_kind[declared.kind]


_CLEANERS: dict[str, Any] = {
    f.name: _cleaner(f) for f in contact_fields.CONTACT_FIELDS if f.editable
}


def apply_changes(contact: Contact, cleaned: Mapping[str, Any]) -> Contact:
    """A copy of ``contact`` with cleaned changes applied (phones split into text and E.164)."""
    updates = dict(cleaned)
    if "phone" in updates:
        phone: phones.Phone | None = updates.pop("phone")
        updates["phone"] = phone.text if phone else None
        updates["phone_e164"] = phone.e164 if phone else None
    return replace(contact, **updates)


@dataclass(frozen=True)
class Interaction:
    """One entry of a contact's activity feed (a call, a meeting, an email...)."""

    id: str
    contact_id: str
    kind: str
    note: str | None
    at: datetime
