"""The cleaners' short cuts for common text give the answers of their general rules."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.contacts import cleaning
from contactkit.errors import ValidationError


@given(st.text(), st.booleans())
def test_control_characters_are_found_as_by_their_category(text: str, newlines: bool) -> None:
    allowed = {"\n", "\r", "\t"} if newlines else set()
    expected = any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)
    assert cleaning._has_control_characters(text, newlines) is expected


@given(st.text(min_size=1))
def test_direction_controls_are_found_in_any_text(text: str) -> None:
    control = next((ch for ch in text if ch in cleaning.DIRECTION_CONTROLS), None)
    visible = not all(cleaning._is_invisible(ch) for ch in text)
    if control is None and visible:
        cleaning.check_visible("name", text)
    elif control is not None:
        with pytest.raises(ValidationError, match=f"U\\+{ord(control):04X}"):
            cleaning.check_visible("name", text)


def test_an_invalid_address_is_refused_with_email_validators_reason() -> None:
    with pytest.raises(ValidationError) as caught:
        cleaning.clean_email("ada@@example.com")
    assert caught.value.field == "email"
    assert "is not a valid address: " in caught.value.reason
