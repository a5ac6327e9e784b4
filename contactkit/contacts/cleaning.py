"""The rules that turn user input into storable contact fields (pure, no I/O).

``clean_new`` validates every field of a new contact (it needs at least one of a name, a
company, an email or a phone); ``clean_changes`` validates a partial update; ``apply_changes``
combines the primary fields with their labelled lists (``email``/``emails``...). They raise
:class:`~contactkit.errors.ValidationError` naming the field and the reason, before anything
is written. Optional text that is empty after trimming is treated as absent,
so sparse indexes never receive an empty key (DynamoDB rejects those). Each declared field
(:mod:`contactkit.contacts.fields`) gets its cleaner by its kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from ..dynamo import limits
from ..errors import ValidationError
from . import fields as contact_fields
from . import phones
from .keys import email_parts, fold_tag, normalise_email
from .model import EDITABLE_FIELDS, Address, Contact, LabeledValue, PhoneNumber, with_lists

_ADDRESS_ALIASES = {"zip": "postal_code", "zip_code": "postal_code", "zipcode": "postal_code"}
_ADDRESS_FIELDS = contact_fields.ADDRESS_PART_NAMES


def _has_control_characters(text: str, allow_newlines: bool) -> bool:
    if text.isprintable():  # every control character (category Cc) is unprintable
        return False
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


# Direction overrides and isolates reorder what follows them on screen: "\u202eevil" shows as
# "live". No name, tag or company needs them; the marks (U+200E, U+200F) stay allowed.
DIRECTION_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
# Letters that show as nothing, beyond the format characters (category Cf: zero-width space,
# joiners, word joiner, byte order mark, soft hyphen...): the Hangul fillers.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def _is_invisible(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) == "Cf"


def check_visible(name: str, text: str) -> None:
    """``ValidationError`` if ``text`` holds a direction override or isolate, or nothing but
    invisible characters. Joiners inside visible text (ZWNJ in Persian words, ZWJ in emoji)
    are kept."""
    control = None if text.isascii() else next((c for c in text if c in DIRECTION_CONTROLS), None)
    if control is not None:
        raise ValidationError(
            name,
            f"contains U+{ord(control):04X} ({unicodedata.name(control).lower()}), which "
            "changes how the text around it is shown; remove it",
        )
    if all(_is_invisible(ch) for ch in text):
        raise ValidationError(
            name, "holds only invisible characters (zero-width spaces, joiners...); type a value"
        )


def clean_text(
    name: str, value: Any, max_length: int, *, required: bool = False, multiline: bool = False
) -> str | None:
    """Trim text and check its length, control characters and :func:`check_visible`; empty
    optional text becomes ``None``."""
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
    check_visible(name, text)
    return text


def clean_email(value: Any, name: str = "email") -> str:
    """Check email syntax (``email-validator``, no DNS look-up); keep it as entered."""
    email = clean_text(name, value, limits.EMAIL_MAX, required=True)
    assert email is not None
    problem = email_parts(email)
    if isinstance(problem, str):
        raise ValidationError(name, f"{email!r} is not a valid address: {problem}")
    return email


def _value_and_label(name: str, value: Any) -> tuple[Any, str | None]:
    """Split one list entry: text, ``{"value": ..., "label": ...}`` or a labelled dataclass."""
    if isinstance(value, LabeledValue | PhoneNumber):
        return value.value, clean_text(f"{name}.label", value.label, limits.LABEL_MAX)
    if isinstance(value, Mapping):
        unknown = set(value) - {"value", "label"}
        if unknown:
            raise ValidationError(
                f"{name}.{sorted(unknown)[0]}", "is not a key of an entry; use value and label"
            )
        return value.get("value"), clean_text(f"{name}.label", value.get("label"), limits.LABEL_MAX)
    return value, None


def clean_labeled_email(value: Any, name: str = "email") -> LabeledValue | None:
    """One email entry (text, mapping or :class:`LabeledValue`); ``None`` when empty."""
    raw, label = _value_and_label(name, value)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return LabeledValue(clean_email(raw, name), label)


def clean_labeled_phone(value: Any, region: str, name: str = "phone") -> PhoneNumber | None:
    """One phone entry, normalised (:func:`~contactkit.contacts.phones.normalise`)."""
    raw, label = _value_and_label(name, value)
    text = clean_text(name, raw, limits.PHONE_MAX)
    if text is None:
        return None
    phone = phones.normalise(text, region)
    return PhoneNumber(phone.text, label, phone.e164, phone.extension)


def clean_phone(value: Any, region: str) -> PhoneNumber | None:
    return clean_labeled_phone(value, region)


def _entries(name: str, value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(name, f"must be a list, not {type(value).__name__}")
    return list(value)


def clean_emails(value: Any) -> tuple[LabeledValue, ...]:
    """Every email of a contact, in order; an address given twice (same key) is kept once."""
    cleaned = [
        clean_labeled_email(v, f"emails[{i}]") for i, v in enumerate(_entries("emails", value))
    ]
    return _distinct_emails(e for e in cleaned if e is not None)


def _distinct_emails(values: Iterable[LabeledValue]) -> tuple[LabeledValue, ...]:
    seen: dict[str, LabeledValue] = {}
    for entry in values:
        seen.setdefault(normalise_email(entry.value), entry)
    return tuple(seen.values())


def clean_phones(value: Any, region: str) -> tuple[PhoneNumber, ...]:
    """Every phone of a contact, in order (phones are not unique: repeats are kept)."""
    cleaned = [
        clean_labeled_phone(v, region, f"phones[{i}]")
        for i, v in enumerate(_entries("phones", value))
    ]
    return tuple(p for p in cleaned if p is not None)


def clean_birthday(value: Any) -> str | None:
    """A birthday as ``YYYY-MM-DD``, or ``--MM-DD`` without a year (vCard's form)."""
    if isinstance(value, date):
        return value.isoformat()
    text = clean_text("birthday", value, 10)
    if text is None:
        return None
    match = _BIRTHDAY.fullmatch(text)
    if match is None:
        raise ValidationError(
            "birthday", f"{text!r} is not a date: use YYYY-MM-DD, or --MM-DD without a year"
        )
    year, month, day = match.groups()
    try:
        date(int(year) if year else 2000, int(month), int(day))  # 2000: Feb 29 allowed
    except ValueError as exc:
        raise ValidationError("birthday", f"{text!r} is not a date: {exc}") from exc
    return text


_BIRTHDAY = re.compile(r"(?:(\d{4})|-)-(\d{2})-(\d{2})")


def clean_texts(name: str, value: Any, limit: int) -> tuple[str, ...]:
    """A list of one-line texts (websites), in order, blanks dropped."""
    cleaned = [clean_text(f"{name}[{i}]", v, limit) for i, v in enumerate(_entries(name, value))]
    return tuple(dict.fromkeys(t for t in cleaned if t is not None))


def clean_tags(value: Any) -> tuple[str, ...]:
    """Tags in input order, de-duplicated case-insensitively (the first spelling wins)."""
    if value is None:
        return ()
    if isinstance(value, str):
        raise ValidationError("tags", "must be a list of tags, not one string; use ['a', 'b']")
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
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


def clean_address(value: Any, name: str = "address") -> Address | None:
    if value is None:
        return None
    if isinstance(value, Address):
        value = {**value.as_dict(), "label": value.label}
    if not isinstance(value, Mapping):
        raise ValidationError(name, f"must be a mapping, not {type(value).__name__}")
    parts: dict[str, str | None] = {}
    label = None
    for key, raw in value.items():
        part = _ADDRESS_ALIASES.get(str(key).lower(), str(key).lower())
        if part == "label":
            label = clean_text(f"{name}.label", raw, limits.LABEL_MAX)
            continue
        if part not in _ADDRESS_FIELDS:
            raise ValidationError(
                f"{name}.{key}",
                f"is not an address field; use one of {', '.join(_ADDRESS_FIELDS)} (and label)",
            )
        if part in parts:
            raise ValidationError(f"{name}.{key}", f"gives {part} a second time")
        parts[part] = clean_text(f"{name}.{part}", raw, limits.ADDRESS_FIELD_MAX)
    address = Address(**parts, label=label)
    return None if address.is_empty() else address


def clean_addresses(value: Any) -> tuple[Address, ...]:
    cleaned = [
        clean_address(v, f"addresses[{i}]") for i, v in enumerate(_entries("addresses", value))
    ]
    return tuple(a for a in cleaned if a is not None)


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


def check_expected_version(value: Any) -> int | None:
    """``expected_version`` as given (``None``: not checked); ``ValidationError`` unless it is a
    version number: a whole number from 1 (not text, not ``True``, not ``1.0``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ValidationError(
            "expected_version",
            "must be a version number (a whole number from 1, as in contact.version), "
            f"not {shown} ({type(value).__name__})",
        )
    return value


def clean_changes(changes: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Validate a partial set of fields; returns ``{field: cleaned value}``.

    ``email``/``phone``/``address`` come back as one entry (:class:`LabeledValue`,
    :class:`PhoneNumber`, :class:`Address`) or ``None`` (to remove the primary);
    ``emails``/``phones``/``addresses`` as tuples of entries. :func:`apply_changes` combines them.
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
    """Validate every field of a new contact: it needs a name, a company, an email or a phone."""
    cleaned = clean_changes(values, region)
    check_identity(cleaned)
    return cleaned


def check_identity(values: Mapping[str, Any]) -> None:
    """``ValidationError`` unless ``values`` hold a name, a company, an email or a phone."""
    lists = {list_name: primary for list_name, primary in contact_fields.PRIMARY_OF.items()}
    present = {name for name in contact_fields.IDENTITY_FIELDS if values.get(name)}
    present |= {lists[n] for n in ("emails", "phones") if values.get(n)}
    if not present:
        raise ValidationError(
            "name",
            "a contact needs at least one of a name (first_name, last_name or name), a company, "
            "an email or a phone; none was given",
        )


def _cleaner(declared: contact_fields.Field) -> Any:
    """The cleaner of a declared editable field, chosen by its kind: ``(value, region) -> ...``."""
    name, limit = declared.name, declared.limit or 0
    by_kind: dict[str, Any] = {
        "name": lambda value, _region: clean_text(name, value, limit),
        "email": lambda value, _region: clean_labeled_email(value),
        "emails": lambda value, _region: clean_emails(value),
        "phone": clean_phone,
        "phones": clean_phones,
        "text": lambda value, _region: clean_text(name, value, limit),
        "longtext": lambda value, _region: clean_text(name, value, limit, multiline=True),
        "birthday": lambda value, _region: clean_birthday(value),
        "texts": lambda value, _region: clean_texts(name, value, limit),
        "tags": lambda value, _region: clean_tags(value),
        "address": lambda value, _region: clean_address(value),
        "addresses": lambda value, _region: clean_addresses(value),
        "custom": lambda value, _region: clean_custom_fields(value),
        "bool": lambda value, _region: clean_flag(name, value),
        "source": lambda value, _region: clean_text(name, value, limit),
    }
    return by_kind[declared.kind]


_CLEANERS: dict[str, Any] = {
    f.name: _cleaner(f) for f in contact_fields.CONTACT_FIELDS if f.editable
}


def apply_changes(contact: Contact, cleaned: Mapping[str, Any]) -> Contact:
    """A copy of ``contact`` with cleaned changes applied; ``ValidationError`` if it would be
    left with no name, company, email or phone.

    How a primary and its list combine: ``email=`` (``phone=``, ``address=``) is the primary,
    put first in the list given with it, or in place of the current primary when given alone
    (``None`` removes the primary, the next entry becoming primary); a list replaces the list.
    """
    updates = {k: v for k, v in cleaned.items() if k not in _LISTED}
    emails = _combine(contact.emails, cleaned, "email", "emails", normalise_email)
    phones_ = _combine(contact.phones, cleaned, "phone", "phones", None)
    addresses = _combine(contact.addresses, cleaned, "address", "addresses", None)
    updated = replace(contact, **updates, **with_lists(emails, phones_, addresses))
    check_identity({f: getattr(updated, f) for f in contact_fields.IDENTITY_FIELDS})
    return updated


_LISTED = frozenset(contact_fields.PRIMARY_OF) | frozenset(contact_fields.PRIMARY_OF.values())


def _combine(
    current: tuple[Any, ...],
    cleaned: Mapping[str, Any],
    primary: str,
    listed: str,
    identity: Callable[[str], str] | None,
) -> tuple[Any, ...]:
    def key(entry: Any) -> Any:
        if identity is not None:
            return identity(entry.value)
        return entry.value if isinstance(entry, PhoneNumber) else entry

    entries = list(cleaned[listed]) if listed in cleaned else list(current)
    if primary in cleaned:
        first = cleaned[primary]
        if listed not in cleaned:
            entries = entries[1:]  # the primary given alone replaces the current primary
        if first is not None:
            entries = [first, *(e for e in entries if key(e) != key(first))]
    if identity is not None:
        return _distinct_emails(entries)
    return tuple(entries)
