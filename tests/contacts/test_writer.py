"""Writes of contacts as people keep them: labelled emails and phones, a claim per email, a
membership item per phone, the bounds, and the transaction budget (``contacts/writer.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts import keys
from contactkit.contacts.model import LabeledValue, PhoneNumber
from contactkit.dynamo import limits
from contactkit.dynamo.transactions import Action, action_bytes
from tests.conftest import data_items, items_of_type

from .test_keys import EMAIL_TWINS


class Recorder:
    """Every transaction the org's writer sends: its actions, in order."""

    def __init__(self, org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[list[Action]] = []
        real = org.writer.transactions.write

        def write(actions: Sequence[Action], token: str, operation: str) -> None:
            self.sent.append(list(actions))
            real(actions, token, operation)

        monkeypatch.setattr(org.writer.transactions, "write", write)

    def kinds(self) -> list[list[str]]:
        return [[_kind(a) for a in actions] for actions in self.sent]


def _kind(action: Action) -> str:
    ((verb, body),) = action.items()
    source = body.get("Item") or body.get("Key")
    return f"{verb} {source['SK']['S'].split('#')[0]}" if source else verb


def claims(table: ck.Table) -> dict[str, str]:
    return {i["email"]: i["contact_id"] for i in items_of_type(table, "email")}


def phone_items(table: ck.Table) -> set[tuple[str, str]]:
    return {(i["e164"], i["contact_id"]) for i in items_of_type(table, "phone")}


# -- what a contact needs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "display"),
    [
        ({"first_name": "Priya"}, "Priya"),
        ({"name": "Mom", "phone": "555-0101"}, "Mom"),
        ({"company": "Joe's Pizza"}, "Joe's Pizza"),
        ({"phone": "+1 555 123 4567"}, "+15551234567"),
        ({"emails": [{"value": "solo@example.com", "label": "home"}]}, "solo@example.com"),
    ],
)
def test_one_word_phone_only_and_company_only_contacts_are_stored(
    org: ck.OrgStore, fields: dict[str, Any], display: str
) -> None:
    contact = org.add(**fields)
    assert org.get(contact.id) == contact
    assert contact.display_name == display
    assert [c.id for c in org.list(order="name").items] == [contact.id]
    folded = keys.fold_name(display)[:3]
    assert [c.id for c in org.find_by_name(folded).items] == [contact.id]
    assert [c.id for c in org.search(display.split()[0]).items] == [contact.id]


def test_a_contact_with_nothing_to_know_it_by_is_refused(org: ck.OrgStore) -> None:
    with pytest.raises(ck.ValidationError, match="at least one of a name") as error:
        org.add(notes="who?", tags=["x"])
    assert error.value.field == "name"


# -- several emails and phones, labelled ----------------------------------------------------


def test_labelled_emails_and_phones_are_kept_in_order_the_first_being_the_primary(
    org: ck.OrgStore, table: ck.Table
) -> None:
    contact = org.add(
        first_name="Ada",
        emails=["ada@work.example", {"value": "ada@home.example", "label": "home"}],
        phones=[
            PhoneNumber("+1 555 123 4567 x123", "work"),
            {"value": "1-800-FLOWERS", "label": "shop"},
            "555-0101",
        ],
        addresses=[{"city": "London", "label": "home"}, {"city": "Paris"}],
        birthday="--12-10",
        websites=["https://ada.example"],
    )
    assert contact.emails == (
        LabeledValue("ada@work.example"),
        LabeledValue("ada@home.example", "home"),
    )
    assert (contact.email, contact.phone, contact.phone_e164) == (
        "ada@work.example",
        "+15551234567;ext=123",
        "+15551234567",
    )
    assert contact.phones[0] == PhoneNumber("+15551234567;ext=123", "work", "+15551234567", "123")
    assert contact.phones[1].value == "1-800-FLOWERS" and contact.phones[1].e164
    assert contact.address == ck.Address(city="London", label="home")
    assert org.get(contact.id) == contact
    assert set(claims(table)) == {"ada@work.example", "ada@home.example"}
    assert phone_items(table) == {("+15551234567", contact.id), ("+18003569377", contact.id)}
    assert contact.warnings == (  # the local-only number is kept, not indexed
        "phone '555-0101' is not a complete number (no area code?): "
        "kept as entered, not searchable by phone",
    )


@pytest.mark.parametrize(
    ("email", "emails", "expected"),
    [
        (
            "p@x.example",
            ["a@x.example", "b@x.example"],
            ["p@x.example", "a@x.example", "b@x.example"],
        ),
        ("B@X.example", ["a@x.example", "b@x.example"], ["B@X.example", "a@x.example"]),
        (None, ["a@x.example", "A@x.example"], ["a@x.example"]),  # one address given twice
    ],
)
def test_email_is_the_primary_put_first_unless_the_list_holds_it(
    org: ck.OrgStore, email: str | None, emails: list[str], expected: list[str]
) -> None:
    contact = org.add(first_name="A", email=email, emails=emails)
    assert [e.value for e in contact.emails] == expected


def test_update_of_the_primary_alone_replaces_it_and_keeps_the_others(org: ck.OrgStore) -> None:
    contact = org.add(first_name="A", emails=["a@x.example", "b@x.example"], phone="555-123-4567")
    changed = org.update(contact.id, email="c@x.example", phone=None)
    assert [e.value for e in changed.emails] == ["c@x.example", "b@x.example"]
    assert changed.phones == () and changed.phone is None and changed.phone_e164 is None
    assert org.find_by_email("a@x.example") is None
    assert org.find_by_phone("555-123-4567").items == []


# -- every email unique in its org ----------------------------------------------------------


@pytest.mark.parametrize(("one", "other"), EMAIL_TWINS)
def test_an_address_written_another_way_is_taken(org: ck.OrgStore, one: str, other: str) -> None:
    first = org.add(first_name="First", email=one)
    with pytest.raises(ck.EmailTakenError) as error:
        org.add(first_name="Second", emails=["free@example.com", other])
    assert (error.value.email, error.value.existing_id) == (other, first.id)
    found = org.find_by_email(other)
    assert found is not None and found.id == first.id
    assert found.email == one  # stored as entered


def test_every_address_of_a_contact_is_claimed_and_found(org: ck.OrgStore) -> None:
    contact = org.add(name="Ada", emails=[f"ada{n}@example.com" for n in range(5)])
    for n in range(5):
        found = org.find_by_email(f"ADA{n}@example.com", consistent=True)
        assert found is not None and found.id == contact.id
    with pytest.raises(ck.EmailTakenError) as error:
        org.add(name="Other", email="ada3@example.com")
    assert error.value.existing_id == contact.id


def test_find_by_email_reads_the_claim_then_the_contact(org: ck.OrgStore, table: ck.Table) -> None:
    contact = org.add(name="Ada", emails=["one@example.com", "two@example.com"])
    with table.meter() as meter:
        found = org.find_by_email("two@example.com")
    assert found == contact
    assert meter.requests == meter.by_operation["GetItem"].requests == 2


def test_an_update_claims_only_the_addresses_that_changed(
    org: ck.OrgStore, table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = org.add(name="Ada", emails=["a@x.example", "b@x.example", "c@x.example"])
    recorder = Recorder(org, monkeypatch)
    org.update(contact.id, emails=["a@x.example", "B@x.example", "d@x.example"])
    (sent,) = recorder.kinds()
    email_actions = [k for k in sent if k.split(" ")[-1] == "UNIQUE"]
    # c released, d claimed, b re-spelt on its own claim; a untouched
    assert sorted(email_actions) == ["Delete UNIQUE", "Put UNIQUE", "Put UNIQUE"]
    assert claims(table) == {
        "a@x.example": contact.id,
        "B@x.example": contact.id,
        "d@x.example": contact.id,
    }


def test_an_update_to_a_taken_address_names_it_and_changes_nothing(
    org: ck.OrgStore, table: ck.Table
) -> None:
    owner = org.add(name="Owner", email="taken@example.com")
    contact = org.add(name="Ada", email="ada@example.com")
    before = data_items(table)
    with pytest.raises(ck.EmailTakenError) as error:
        org.update(contact.id, emails=["ada@example.com", "new@example.com", "TAKEN@example.com"])
    assert (error.value.email, error.value.existing_id) == ("TAKEN@example.com", owner.id)
    assert data_items(table) == before


def test_delete_releases_every_claim_and_phone_item(org: ck.OrgStore, table: ck.Table) -> None:
    contact = org.add(
        name="Ada", emails=["a@x.example", "b@x.example"], phones=["555-123-4567", "555-987-6543"]
    )
    org.delete(contact.id)
    assert claims(table) == {} and phone_items(table) == set()
    assert org.add(name="Again", emails=["b@x.example"])


# -- phones: any of them, extension ignored, not unique --------------------------------------


def test_find_by_phone_finds_any_phone_of_any_contact_extension_ignored(org: ck.OrgStore) -> None:
    ada = org.add(name="Ada", phones=["+44 20 7946 0958", "+1 555 123 4567 x123"])
    desk = org.add(company="Front desk", phone="(555) 123-4567")
    found = org.find_by_phone("555.123.4567 ext 9")
    assert {c.id for c in found.items} == {ada.id, desk.id}
    assert [c.id for c in org.find_by_phone("+442079460958").items] == [ada.id]


# -- the bounds: kept, unindexed, with a warning, never refused -------------------------------


def test_values_past_the_bounds_are_kept_unindexed_with_a_warning(
    org: ck.OrgStore, table: ck.Table
) -> None:
    emails = [f"e{n}@example.com" for n in range(limits.MAX_INDEXED_EMAILS + 2)]
    phone_list = [f"+1 212 555 {n:04d}" for n in range(limits.MAX_INDEXED_PHONES + 1)]
    contact = org.add(name="Many", emails=emails, phones=phone_list)
    assert [e.value for e in org.get(contact.id).emails] == emails
    assert len(org.get(contact.id).phones) == len(phone_list)
    assert len(claims(table)) == limits.MAX_INDEXED_EMAILS
    assert len(phone_items(table)) == limits.MAX_INDEXED_PHONES
    assert org.find_by_email(emails[-1]) is None
    assert org.find_by_phone(phone_list[-1]).items == []
    assert any("e11@example.com" in w and "not indexed" in w for w in contact.warnings)
    assert any("+12125550020" in w and "not indexed" in w for w in contact.warnings)


# -- the transaction budget: measured on the worst cases --------------------------------------


def _full(prefix: str) -> dict[str, Any]:
    """A contact with every list at its indexed bound and every token slot used."""
    words = [f"{prefix}{chr(97 + n)}word" for n in range(limits.MAX_SEARCH_TOKENS)]
    return {
        "first_name": " ".join(words[:6]),
        "last_name": " ".join(words[6:12]),
        "company": " ".join(words[12:18]),
        "job_title": " ".join(words[18:]),
        "emails": [
            {"value": f"{prefix}{n}@example.com", "label": "x" * limits.LABEL_MAX}
            for n in range(limits.MAX_INDEXED_EMAILS)
        ],
        "phones": [
            {"value": f"+1 {212 + len(prefix)} 555 {n:04d} x{n}", "label": "work"}
            for n in range(limits.MAX_INDEXED_PHONES)
        ],
        "tags": [f"{prefix}-tag-{n}" for n in range(limits.MAX_TAGS)],
        "notes": "\U0001f600" * 20_000,  # a large item: the bytes count too
    }


def test_the_worst_case_add_and_update_fit_in_dynamodbs_transaction_limits(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(org, monkeypatch)
    contact = org.add(**_full("alpha"))
    org.create_group("Team")
    org.add_to_group("Team", contact.id)
    recorder.sent.clear()
    updated = org.update(contact.id, **_full("beta"))
    assert [e.value for e in updated.emails] == [e["value"] for e in _full("beta")["emails"]]
    counts = [len(actions) for actions in recorder.sent]
    sizes = [sum(action_bytes(a) for a in actions) for actions in recorder.sent]
    worst = limits.worst_case_actions()
    # the whole replacement needs more than one transaction: it went in steps, each within
    steps = [worst["update_emails"], worst["update_phones"], worst["update_others"]]
    assert len(counts) == 3 and all(c <= s for c, s in zip(counts, steps, strict=True))
    assert counts[1:] == steps[1:]  # every phone, tag and token replaced: the worst cases
    assert max(counts) <= limits.MAX_TRANSACTION_ACTIONS
    assert max(sizes) <= limits.MAX_TRANSACTION_BYTES
    assert org.get(contact.id) == updated
    assert {c.id for c in org.find_by_tag("beta-tag-3").items} == {contact.id}
    assert org.find_by_tag("alpha-tag-3").items == []


def test_the_worst_case_add_is_one_transaction_of_the_computed_size(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(org, monkeypatch)
    org.add(**_full("alpha"))
    (sent,) = recorder.sent
    assert len(sent) == limits.worst_case_actions()["add"]
    assert sum(action_bytes(a) for a in sent) <= limits.MAX_TRANSACTION_BYTES
