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
    assert any(emails[-1] in w and "not indexed" in w for w in contact.warnings)
    last = f"+1212555{limits.MAX_INDEXED_PHONES:04d}"
    assert any(last in w and "not indexed" in w for w in contact.warnings)


# -- the transaction budget: measured on the worst cases --------------------------------------


def _words(prefix: str, count: int = limits.MAX_SEARCH_TOKENS) -> list[str]:
    return [f"{prefix}{chr(97 + n)}word" for n in range(count)]


def _full(prefix: str) -> dict[str, Any]:
    """A contact with every list at its indexed bound, a source id and every token slot used
    (by name words, so that its other fields' words are past the cap)."""
    words = _words(prefix)
    return {
        "first_name": " ".join(words[:8]),
        "last_name": " ".join(words[8:]),
        "company": f"{prefix} company",
        "job_title": f"{prefix} title",
        "emails": [
            {"value": f"{prefix}{n}@example.com", "label": "x" * limits.LABEL_MAX}
            for n in range(limits.MAX_INDEXED_EMAILS)
        ],
        "phones": [
            {"value": f"+1 {212 + len(prefix)} 555 {n:04d} x{n}", "label": "work"}
            for n in range(limits.MAX_INDEXED_PHONES)
        ],
        "tags": [f"{prefix}-tag-{n}".ljust(limits.TAG_MAX, "t") for n in range(limits.MAX_TAGS)],
        "source_id": f"urn:uuid:{prefix}-" + "s" * (limits.SOURCE_ID_MAX - 20),
        "notes": "\U0001f600" * 20_000,  # a large item: the bytes count too
    }


def _sizes(sent: list[list[Action]]) -> list[tuple[int, int]]:
    """``(actions, bytes)`` of each transaction sent."""
    return [(len(actions), sum(action_bytes(a) for a in actions)) for actions in sent]


def test_the_worst_case_add_is_one_transaction_of_the_computed_size(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(org, monkeypatch)
    contact = org.add(**_full("alpha"))
    [(count, size)] = _sizes(recorder.sent)
    assert count == limits.worst_case_actions()["add"] <= limits.MAX_TRANSACTION_ACTIONS
    assert size <= limits.MAX_TRANSACTION_BYTES
    assert len(org.search("alphaoword")) == 1  # the 15th name word: every token slot used
    assert contact.warnings == ()  # every list at its bound, none past it


def test_the_worst_case_update_is_one_transaction_of_the_computed_size(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = org.add(**_full("alpha"))
    recorder = Recorder(org, monkeypatch)
    updated = org.update(contact.id, expected_version=contact.version, **_full("beta"))
    # every claim, phone item, tag item, token and the source claim replaced: one transaction
    [(count, size)] = _sizes(recorder.sent)
    assert count == limits.worst_case_actions()["update"] <= limits.MAX_TRANSACTION_ACTIONS
    assert size <= limits.MAX_TRANSACTION_BYTES
    assert updated.version == contact.version + 1
    assert [e.value for e in updated.emails] == [e["value"] for e in _full("beta")["emails"]]
    assert org.get(contact.id) == updated
    assert {c.id for c in org.find_by_tag(updated.tags[3]).items} == {contact.id}
    assert org.find_by_tag(contact.tags[3]).items == []


def _in_every_group(org: ck.OrgStore, contact_id: str) -> None:
    for n in range(limits.MAX_GROUPS_PER_CONTACT):
        org.create_group(f"group {n}")
        org.add_to_group(f"group {n}", contact_id)


def test_the_worst_case_delete_is_one_transaction_of_the_computed_size(
    org: ck.OrgStore, table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = org.add(**_full("alpha"))
    _in_every_group(org, contact.id)
    recorder = Recorder(org, monkeypatch)
    org.delete(contact.id)
    [(count, size)] = _sizes(recorder.sent)
    assert count == limits.worst_case_actions()["delete"] <= limits.MAX_TRANSACTION_ACTIONS
    assert size <= limits.MAX_TRANSACTION_BYTES
    assert items_of_type(table, "source") == [] and claims(table) == {}


def test_the_worst_case_merge_is_three_transactions_each_of_its_computed_size(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the kept contact: a company of 15 words, nothing else; the other: every list full, in
    # every group. The merge takes the other's 15 name words (which push the company's out of
    # the token slots), tags and groups; deletes the other; then takes over its emails,
    # phones and source id.
    keep = org.add(company=" ".join(_words("gamma")))
    other = org.add(**_full("beta"))
    _in_every_group(org, other.id)
    recorder = Recorder(org, monkeypatch)
    merged = org.merge(keep.id, other.id)
    worst = limits.worst_case_actions()
    sizes = _sizes(recorder.sent)
    assert [count for count, _ in sizes] == [
        worst["merge"],
        worst["delete"],
        1 + limits.MAX_INDEXED_EMAILS + limits.MAX_INDEXED_PHONES + 1 + 1,
    ]
    assert sizes[2][0] <= worst["merge_take_over"]
    assert max(count for count, _ in sizes) <= limits.MAX_TRANSACTION_ACTIONS
    assert max(size for _, size in sizes) <= limits.MAX_TRANSACTION_BYTES
    assert merged.source_id == other.source_id and len(merged.emails) == len(other.emails)
    assert len(merged.groups) == limits.MAX_GROUPS_PER_CONTACT


# -- the source id: stored, claimed in the org, moved and released -----------------------------


def source_claims(table: ck.Table) -> dict[str, str]:
    return {i["source_id"]: i["contact_id"] for i in items_of_type(table, "source")}


def test_a_source_id_is_stored_and_claimed_once_in_the_org(
    org: ck.OrgStore, table: ck.Table
) -> None:
    mom = org.add(name="Mom", source_id="urn:uuid:1")
    assert org.get(mom.id).source_id == "urn:uuid:1"
    assert source_claims(table) == {"urn:uuid:1": mom.id}
    with pytest.raises(ck.ValidationError) as taken:
        org.add(name="Mum", source_id="urn:uuid:1")
    assert taken.value.field == "source_id" and mom.id in taken.value.reason
    dad = org.add(name="Dad", source_id="urn:uuid:2")
    with pytest.raises(ck.ValidationError) as moved:
        org.update(dad.id, source_id="urn:uuid:1")
    assert moved.value.field == "source_id" and org.get(dad.id) == dad
    org.update(mom.id, source_id="urn:uuid:3")
    assert source_claims(table) == {"urn:uuid:3": mom.id, "urn:uuid:2": dad.id}
    org.update(mom.id, source_id=None)
    org.delete(dad.id)
    assert source_claims(table) == {} and org.get(mom.id).source_id is None
