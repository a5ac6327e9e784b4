"""Phone normalisation and display (``contactkit/contacts/phones.py``)."""

from __future__ import annotations

import pytest

from contactkit.contacts import phones


@pytest.mark.parametrize(
    "raw",
    [
        "555-123-4567",
        "555.123.4567",
        "+1 (555) 123-4567",
        "(555) 123-4567",
        "5551234567",
        "+1 555 123 4567",
        "  555-123-4567  ",
    ],
)
def test_us_numbers_are_stored_in_e164(raw: str) -> None:
    phone = phones.normalise(raw)
    assert phone == phones.Phone("+15551234567", "+15551234567", None)


def test_international_numbers_are_stored_in_e164() -> None:
    phone = phones.normalise("+44 20 7946 0958")
    assert (phone.text, phone.e164, phone.warning) == ("+442079460958", "+442079460958", None)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+15551234567", "(555) 123-4567"),
        ("+16502530000", "(650) 253-0000"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+33142685300", "+33 1 42 68 53 00"),
    ],
)
def test_display_is_national_at_home_and_international_abroad(stored: str, shown: str) -> None:
    assert phones.display(stored) == shown


@pytest.mark.parametrize("raw", ["555-0101", "123", "abc", "+15550101", "12", "call me"])
def test_impossible_numbers_are_kept_as_entered_with_a_warning(raw: str) -> None:
    phone = phones.normalise(raw)
    assert phone.text == raw
    assert phone.e164 is None
    assert phone.warning is not None
    assert repr(raw) in phone.warning


def test_kept_numbers_are_trimmed_but_otherwise_untouched() -> None:
    phone = phones.normalise("  555-0101 ")
    assert (phone.text, phone.e164) == ("555-0101", None)


def test_the_warning_says_why_a_number_was_kept() -> None:
    assert "local-only" in (phones.normalise("555-0101").warning or "")
    assert "too short" in (phones.normalise("123").warning or "")
    assert "not a phone number" in (phones.normalise("abc").warning or "")


@pytest.mark.parametrize("text", ["555-0101", "abc", "", "+", "+abc"])
def test_display_returns_text_that_is_not_e164_as_is(text: str) -> None:
    assert phones.display(text) == text


def test_default_region_is_changeable() -> None:
    phone = phones.normalise("020 7946 0958", region="GB")
    assert (phone.text, phone.e164, phone.warning) == ("+442079460958", "+442079460958", None)
    assert phones.display("+442079460958", region="GB") == "020 7946 0958"
    # The same input means something else (here: nothing valid) in the default region.
    assert phones.normalise("020 7946 0958").e164 != "+442079460958"


def test_us_numbers_display_internationally_outside_the_us() -> None:
    assert phones.display("+15551234567", region="GB") == "+1 555-123-4567"
    assert phones.display("+16502530000", region="GB") == "+1 650-253-0000"


def test_the_warning_names_the_region_used() -> None:
    assert "region GB" in (phones.normalise("123", region="GB").warning or "")


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("+442079460958", "GB"),
        ("+16502530000", "US"),
        ("+33142685300", "FR"),
        ("555-0101", None),
        ("abc", None),
        ("+", None),
        ("", None),
    ],
)
def test_country(text: str, region: str | None) -> None:
    assert phones.country(text) == region


# -- what people typed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text", "e164", "extension"),
    [
        ("+1 555 123 4567 x123", "+15551234567;ext=123", "+15551234567", "123"),
        ("(555) 123-4567 ext. 42", "+15551234567;ext=42", "+15551234567", "42"),
        ("+15551234567;ext=123", "+15551234567;ext=123", "+15551234567", "123"),
        ("1-800-FLOWERS", "1-800-FLOWERS", "+18003569377", None),
        ("1-800-FLOWERS x12", "1-800-FLOWERS x12", "+18003569377", "12"),
        ("555-0101", "555-0101", None, None),
    ],
)
def test_extensions_and_letters_are_kept(
    typed: str, text: str, e164: str | None, extension: str | None
) -> None:
    phone = phones.normalise(typed)
    assert (phone.text, phone.e164, phone.extension) == (text, e164, extension)


def test_a_stored_phone_normalises_to_itself() -> None:
    for typed in ("+1 555 123 4567 x123", "1-800-FLOWERS", "555-0101", "+44 20 7946 0958"):
        once = phones.normalise(typed)
        assert phones.normalise(once.text) == once


def test_an_extension_is_shown_to_people() -> None:
    assert phones.display("+15551234567;ext=123") == "(555) 123-4567 ext. 123"
    assert phones.display("1-800-FLOWERS") == "1-800-FLOWERS"
