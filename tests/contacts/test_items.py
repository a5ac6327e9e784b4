"""Contacts to items (``contactkit/contacts/items.py``): an item reissued under a new id."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.contacts import items
from contactkit.contacts.model import Address, Contact, LabeledValue, PhoneNumber

_texts = st.text(min_size=1, max_size=12)
_optional = st.none() | _texts
_moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_ids = st.sampled_from(["01J0000000000000000000000A", "01KZZZZZZZZZZZZZZZZZZZZZZZ"])
_contacts = st.builds(
    Contact,
    id=_ids,
    org_id=st.just("org-a"),
    first_name=_optional,
    last_name=_optional,
    company=_optional,
    nickname=_optional,
    tags=st.lists(_texts, max_size=3).map(tuple),
    favorite=st.booleans(),
    emails=st.lists(st.builds(LabeledValue, _texts, _optional), max_size=2).map(tuple),
    phones=st.lists(st.builds(PhoneNumber, _texts, _optional, _optional), max_size=2).map(tuple),
    addresses=st.lists(st.builds(Address, street=_optional, city=_optional), max_size=2).map(tuple),
    custom_fields=st.dictionaries(_texts, _texts, max_size=2),
    created_at=_moments,
    updated_at=_moments,
    last_contacted_at=st.none() | _moments,
    groups=st.lists(_texts, max_size=3).map(tuple),
    source_id=_optional,
)


@given(
    _contacts,
    _ids,
    _moments,
    _moments,
    st.data(),
)
def test_a_reissued_item_is_the_item_of_the_contact_under_its_new_id(
    contact: Contact, new_id: str, created: datetime, updated: datetime, data: st.DataObject
) -> None:
    respelled = tuple(
        data.draw(st.sampled_from([name, name.upper(), name.lower()])) for name in contact.groups
    )
    real = replace(contact, id=new_id, created_at=created, updated_at=updated, groups=respelled)
    reissued = items.reissued_contact_item(items.contact_item(contact, "probe"), real, "token")
    expected = items.contact_item(real, "token")
    assert list(reissued.items()) == list(expected.items())  # the same attributes, in order


def test_a_reissued_item_has_groups_only_when_its_source_has() -> None:
    contact = Contact(id="01J0000000000000000000000A", org_id="org-a", groups=("Friends",))
    with pytest.raises(ValueError, match="groups"):
        items.reissued_contact_item(
            items.contact_item(contact, "probe"), replace(contact, groups=()), "token"
        )
