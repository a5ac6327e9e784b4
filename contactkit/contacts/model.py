"""The Contact model (pure, no I/O): the dataclasses a contact is made of, its display name
and name order, and the fields a caller may set.

Turning user input into these fields (validation, ``clean_new``, ``clean_changes``,
``apply_changes``) is :mod:`contactkit.contacts.cleaning`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from ..dynamo import limits
from . import fields as contact_fields
from . import phones


@dataclass(frozen=True)
class Address:
    """A postal address; every part optional. ``label`` (work, home, or free text) is not a part."""

    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    label: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in _ADDRESS_FIELDS)

    def as_dict(self) -> dict[str, str]:
        """The parts that are set (the label left out)."""
        return {name: v for name in _ADDRESS_FIELDS if (v := getattr(self, name)) is not None}

    def display(self) -> str:
        text = ", ".join(self.as_dict().values())
        return f"{text} ({self.label})" if self.label else text


@dataclass(frozen=True)
class LabeledValue:
    """An email (or any text) with its label: ``LabeledValue("ada@example.com", "work")``."""

    value: str
    label: str | None = None

    def display(self) -> str:
        return f"{self.value} ({self.label})" if self.label else self.value


Email = LabeledValue  # an email of a contact: its address as entered and its label


@dataclass(frozen=True)
class PhoneNumber:
    """A phone of a contact: ``value`` as stored (E.164 plus ``;ext=``, or as entered when it
    holds letters or is not a possible number), its label, its E.164 (``None``: not indexed)
    and its extension."""

    value: str
    label: str | None = None
    e164: str | None = None
    extension: str | None = None

    def display(self) -> str:
        return f"{self.value} ({self.label})" if self.label else self.value


@dataclass(frozen=True)
class ContactSummary:
    """The fields list views show; list lookups fetch only these (see ``SUMMARY_FIELDS``).

    ``display_name`` is derived, never set: the name, else the company, else the primary email,
    else the primary phone (what lists, name ordering and search show).
    """

    id: str
    org_id: str
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_e164: str | None = None
    company: str | None = None
    job_title: str | None = None
    tags: tuple[str, ...] = ()
    favorite: bool = False
    created_at: datetime | None = None
    version: int = 1
    display_name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "display_name", derive_display_name(self))

    @property
    def full_name(self) -> str:
        """The name people see: the same as ``display_name``."""
        return self.display_name

    def phone_display(self, region: str = phones.DEFAULT_REGION) -> str | None:
        """The phone for people: ``(555) 123-4567`` at home, ``+44 20 7946 0958`` abroad."""
        if not self.phone_e164 or not self.phone or any(c.isalpha() for c in _number(self.phone)):
            return self.phone  # as entered: not a complete number, or letters (1-800-FLOWERS)
        extension = self.phone.partition(phones.EXTENSION_MARK)[2]
        return phones.display(
            f"{self.phone_e164}{phones.EXTENSION_MARK}{extension}"
            if extension
            else self.phone_e164,
            region,
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """What was kept but could not be normalised (for example a local-only phone)."""
        if self.phone and not self.phone_e164:
            return (_phone_warning(self.phone),)
        return ()


def _number(text: str) -> str:
    """A stored phone without its ``;ext=`` part."""
    return text.partition(phones.EXTENSION_MARK)[0]


def _phone_warning(text: str) -> str:
    return (
        f"phone {text!r} is not a complete number (no area code?): "
        "kept as entered, not searchable by phone"
    )


def personal_name(contact: Any) -> str | None:
    """The contact's name as one text: the full name given, else given and family name."""
    if contact.name:
        return str(contact.name)
    parts = [p for p in (contact.first_name, contact.last_name) if p]
    return " ".join(parts) or None


def derive_display_name(contact: Any) -> str:
    """The name, else the company, else the primary email, else the primary phone."""
    for value in (personal_name(contact), contact.company, contact.email, contact.phone):
        if value:
            return str(value)
    return ""


def name_order(contact: Any) -> tuple[str, str]:
    """``(last, first)`` of the name sort key: the family and given name when there is a family
    name, else the display name ("Priya", "Joe's Pizza", an email) as the family name."""
    if contact.last_name:
        return contact.last_name, contact.first_name or ""
    return derive_display_name(contact), ""


SUMMARY_FIELDS = tuple(f.name for f in fields(ContactSummary))


@dataclass(frozen=True)
class Contact(ContactSummary):
    """A contact as stored in one org, every field. Returned by the store.

    ``emails``, ``phones`` and ``addresses`` hold every value with its label; their first entry
    is the primary, also in ``email``, ``phone`` (with ``phone_e164``) and ``address``.
    """

    prefix: str | None = None
    middle_name: str | None = None
    suffix: str | None = None
    nickname: str | None = None
    emails: tuple[LabeledValue, ...] = ()
    phones: tuple[PhoneNumber, ...] = ()
    department: str | None = None
    birthday: str | None = None
    websites: tuple[str, ...] = ()
    address: Address | None = None
    addresses: tuple[Address, ...] = ()
    custom_fields: Mapping[str, str] = field(default_factory=dict)
    notes: str | None = None
    updated_at: datetime | None = None
    last_contacted_at: datetime | None = None
    groups: tuple[str, ...] = ()  # display names; membership items mirror them
    source_id: str | None = None  # its id in another address book (a vCard UID), claimed

    def __post_init__(self) -> None:
        # The lists and the primary fields agree by construction: a contact built with only
        # the primary fields (the old shape, or ``Contact(email=...)``) gets one-entry lists,
        # and a contact with lists gets its primary fields from their first entries.
        setattr_ = object.__setattr__
        if not self.emails and self.email:
            setattr_(self, "emails", (LabeledValue(self.email),))
        if not self.phones and self.phone:
            setattr_(self, "phones", (PhoneNumber(self.phone, None, self.phone_e164),))
        if not self.addresses and self.address:
            setattr_(self, "addresses", (self.address,))
        setattr_(self, "emails", tuple(self.emails))
        setattr_(self, "phones", tuple(self.phones))
        setattr_(self, "addresses", tuple(self.addresses))
        if self.emails:
            setattr_(self, "email", self.emails[0].value)
        if self.phones:
            setattr_(self, "phone", self.phones[0].value)
            setattr_(self, "phone_e164", self.phones[0].e164)
        if self.addresses:
            setattr_(self, "address", self.addresses[0])
        super().__post_init__()

    @property
    def warnings(self) -> tuple[str, ...]:
        """Values kept but not indexed: phones that are not complete numbers, and emails or
        phones past the indexed bounds (``limits.MAX_INDEXED_EMAILS``/``MAX_INDEXED_PHONES``)."""
        found = [_phone_warning(p.value) for p in self.phones if p.e164 is None]
        if not self.phones and self.phone and not self.phone_e164:
            found.append(_phone_warning(self.phone))
        extra_emails = self.emails[limits.MAX_INDEXED_EMAILS :]
        if extra_emails:
            found.append(
                f"emails {', '.join(e.value for e in extra_emails)} are kept but not indexed "
                f"(a contact's first {limits.MAX_INDEXED_EMAILS} emails are): "
                "find_by_email does not find them and their uniqueness is not checked"
            )
        extra_phones = [p for p in self.phones[limits.MAX_INDEXED_PHONES :] if p.e164]
        if extra_phones:
            found.append(
                f"phones {', '.join(p.value for p in extra_phones)} are kept but not indexed "
                f"(a contact's first {limits.MAX_INDEXED_PHONES} phones are): "
                "find_by_phone does not find them"
            )
        return tuple(found)


# Fields a caller may set, and the ones ``add`` needs: from the one declared list of fields.
EDITABLE_FIELDS = contact_fields.EDITABLE_FIELDS
REQUIRED_FIELDS = contact_fields.REQUIRED_FIELDS
_ADDRESS_FIELDS = contact_fields.ADDRESS_PART_NAMES


def with_lists(
    emails: Iterable[LabeledValue], phone_list: Iterable[PhoneNumber], addresses: Iterable[Address]
) -> dict[str, Any]:
    """The list fields and the primary fields that mirror their first entries."""
    emails, phone_list, addresses = tuple(emails), tuple(phone_list), tuple(addresses)
    primary_phone = phone_list[0] if phone_list else None
    return {
        "emails": emails,
        "email": emails[0].value if emails else None,
        "phones": phone_list,
        "phone": primary_phone.value if primary_phone else None,
        "phone_e164": primary_phone.e164 if primary_phone else None,
        "addresses": addresses,
        "address": addresses[0] if addresses else None,
    }


@dataclass(frozen=True)
class Interaction:
    """One entry of a contact's activity feed (a call, a meeting, an email...)."""

    id: str
    contact_id: str
    kind: str
    note: str | None
    at: datetime
