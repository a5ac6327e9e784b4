"""Phone numbers: E.164 for storage and keys, national or international format for display.

A number whose ``is_possible_number_with_reason`` is ``IS_POSSIBLE`` is stored in E.164 and
indexed, with its extension when it has one (``+1 555 123 4567 x123`` is stored as
``+15551234567;ext=123``, E.164 ``+15551234567``, extension ``123``). Text holding letters
(``1-800-FLOWERS``) is kept as entered, and still indexed under the E.164 phonenumbers derives.
Anything else (too short, local-only such as the seed's 7-digit ``555-0101``, or not a number at
all) is kept exactly as entered, not indexed, and reported as a warning, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult

DEFAULT_REGION = "US"


EXTENSION_MARK = ";ext="  # RFC 3966's extension parameter, after the E.164 number


@dataclass(frozen=True)
class Phone:
    """A phone as stored: ``text`` is E.164 (plus ``;ext=<extension>``) when it is a plain
    number, else the input as entered; ``e164`` (without extension) is what keys use."""

    text: str
    e164: str | None
    warning: str | None = None
    extension: str | None = None


def normalise(raw: str, region: str = DEFAULT_REGION) -> Phone:
    """Normalise user input to E.164 when it is a possible number for ``region``.

    Example::

        normalise("555-123-4567").e164   # '+15551234567'
        normalise("555-0101").e164       # None (local-only: kept as entered, with a warning)
    """
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        why = _PARSE_ERRORS.get(exc.error_type)
        if why is None:
            return Phone(text, None, f"phone {text!r} is not a phone number; kept as entered")
        return Phone(
            text, None, f"phone {text!r} is {why} for region {region}; kept as entered, not indexed"
        )
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        why = _REASONS.get(reason, "not a possible number")
        return Phone(
            text, None, f"phone {text!r} is {why} for region {region}; kept as entered, not indexed"
        )
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    extension = number.extension or None
    if any(ch.isalpha() for ch in _without_extension(text)):
        return Phone(text, e164, extension=extension)  # vanity numbers keep their letters
    return Phone(f"{e164}{EXTENSION_MARK}{extension}" if extension else e164, e164, None, extension)


def _without_extension(text: str) -> str:
    """``text`` before its extension (``x``, ``ext``, ``;ext=``, ``#``): for the letter check."""
    lowered = text.lower()
    cut = min(
        (i for mark in (";ext=", " ext", "ext.", " x", "#") if (i := lowered.find(mark)) >= 0),
        default=len(text),
    )
    head = text[:cut]
    return head[:-1] if head.lower().endswith("x") else head


def display(text: str, region: str = DEFAULT_REGION) -> str:
    """Format a stored phone for people: national in ``region``, international elsewhere.

    ``display("+15551234567") == "(555) 123-4567"``; text that is not E.164 comes back as is.
    """
    if not text.startswith("+") or any(ch.isalpha() for ch in text.replace(EXTENSION_MARK, "")):
        return text
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if phonenumbers.region_code_for_number(number) == region or (
        number.country_code == phonenumbers.country_code_for_region(region)
        and not phonenumbers.is_valid_number(number)
    ):
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def country(text: str) -> str | None:
    """The ISO region of a stored E.164 phone (``"GB"``), or ``None`` if unknown."""
    if not text.startswith("+"):
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(text, None))
    except phonenumbers.NumberParseException:
        return None


_REASONS = {
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local-only number (no area code)",
    ValidationResult.INVALID_COUNTRY_CODE: "a number with an unknown country code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.INVALID_LENGTH: "of an impossible length",
    ValidationResult.TOO_LONG: "too long",
}
_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "a number with an unknown country code",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}
