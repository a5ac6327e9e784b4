"""The fingerprint of a contact without an email (``contactkit/io/identity.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from contactkit.contacts.model import Contact, PhoneNumber
from contactkit.io.identity import fingerprint


def contact(**values: Any) -> Contact:
    return Contact(id="01J00000000000000000000001", org_id="org-a", **values)


MOM = contact(name="Mom", phones=(PhoneNumber("+442079460958", None, "+442079460958"),))


@pytest.mark.parametrize(
    "same",
    [
        contact(name="MOM", phones=(PhoneNumber("+442079460958", "home", "+442079460958"),)),
        contact(name=" mom ", phones=(PhoneNumber("+442079460958;ext=1", None, "+442079460958"),)),
        contact(first_name="Mom", phones=(PhoneNumber("+442079460958", None, "+442079460958"),)),
    ],
)
def test_case_spaces_labels_and_extensions_do_not_matter(same: Contact) -> None:
    assert fingerprint(same) == fingerprint(MOM)


@pytest.mark.parametrize(
    "other",
    [
        contact(name="Dad", phones=MOM.phones),
        contact(name="Mom"),
        contact(name="Mom", phones=(*MOM.phones, PhoneNumber("555-0101"))),
        contact(phones=MOM.phones),  # no name: the display name is the phone
    ],
)
def test_another_name_or_another_set_of_phones_differs(other: Contact) -> None:
    assert fingerprint(other) != fingerprint(MOM)


def test_phones_are_a_set_in_any_order() -> None:
    a, b = PhoneNumber("555-0101"), PhoneNumber("+15551234567", None, "+15551234567")
    assert fingerprint(contact(company="Joe's Pizza", phones=(a, b))) == fingerprint(
        contact(company="joe's pizza", phones=(b, a, b))
    )
