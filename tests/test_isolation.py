"""Tenant isolation, tested by a hypothesis state machine across three orgs.

Random operations (add, update, delete, tag, favourite, group, merge, import, list with cursors,
search) run against one table; every id they use may belong to any org. An operation on a
foreign id must fail with ``NotFoundError`` and change nothing; a foreign cursor must fail with
``InvalidCursorError``; every read returns exactly the org's own contacts, as a plain model
predicts. After each step the table holds no orphan or cross-org item.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

import contactkit as ck
from contactkit.contacts import keys
from contactkit.dynamo.meter import Meter
from contactkit.ops import iam
from tests.consistency import assert_consistent

ORGS = ("org-iso-a", "org-iso-b", "org-iso-c")
orgs = st.sampled_from(ORGS)
names = st.sampled_from(["Ada", "Grace", "Alan", "Edsger", "Barbara"])
emails = st.sampled_from([f"{n}@example.com" for n in ("ann", "bob", "cy", "dee", "eve", "fay")])
NOBODY = "01J00000000000000000000000"  # a well-formed id of no contact in any org
tags = st.lists(st.sampled_from(["vip", "client", "Lead", "x"]), max_size=3, unique=True)


@dataclass
class Expected:
    """What the model predicts for one contact."""

    org: str
    email: str
    first_name: str
    last_name: str
    tags: set[str] = field(default_factory=set)
    favorite: bool = False
    groups: set[str] = field(default_factory=set)
    other_emails: set[str] = field(default_factory=set)  # taken over from merged contacts


class Tenants(RuleBasedStateMachine):
    """Three orgs in one table and a model of each org's contacts."""

    db: ck.Database  # set by the test below

    contacts = Bundle("contacts")

    def __init__(self) -> None:
        super().__init__()
        self.table = self.db.table(f"contacts-iso-{uuid.uuid4().hex[:10]}").create()
        self.stores = {org: self.table.org(org) for org in ORGS}
        self.model: dict[str, Expected] = {}

    def teardown(self) -> None:
        self.table.delete(missing_ok=True)

    def owned(self, org: str) -> dict[str, Expected]:
        return {i: e for i, e in self.model.items() if e.org == org}

    def email_used(self, org: str, email: str) -> bool:
        return any(email in {e.email, *e.other_emails} for e in self.owned(org).values())

    def foreign(self, org: str, contact_id: str) -> bool:
        return contact_id not in self.owned(org)

    # -- writes ------------------------------------------------------------------------------

    @rule(target=contacts, org=orgs, name=names, email=emails, tags=tags)
    def add(self, org: str, name: str, email: str, tags: list[str]) -> str:
        if self.email_used(org, email):
            with pytest.raises(ck.EmailTakenError):
                self.stores[org].add(first_name=name, last_name=name, email=email)
            return NOBODY
        contact = self.stores[org].add(first_name=name, last_name=name, email=email, tags=tags)
        self.model[contact.id] = Expected(org, email, name, name, {t.lower() for t in tags})
        return contact.id

    @rule(target=contacts, org=orgs, name=names, email=emails)
    def import_one(self, org: str, name: str, email: str) -> str:
        report = self.stores[org].import_contacts(
            [{"first_name": name, "last_name": name, "email": email}], progress=False
        )
        if self.email_used(org, email):
            assert (report.imported, len(report.skipped)) == (0, 1)
            return NOBODY
        assert report.imported == 1
        (contact_id,) = report.contact_ids.values()
        self.model[contact_id] = Expected(org, email, name, name)
        return contact_id

    @rule(org=orgs, contact_id=contacts, name=names)
    def update(self, org: str, contact_id: str, name: str) -> None:
        if self.foreign(org, contact_id):
            with pytest.raises(ck.NotFoundError):
                self.stores[org].update(contact_id, last_name=name)
            return
        self.stores[org].update(contact_id, last_name=name)
        self.model[contact_id].last_name = name

    @rule(org=orgs, contact_id=contacts, tags=tags)
    def tag(self, org: str, contact_id: str, tags: list[str]) -> None:
        if self.foreign(org, contact_id):
            with pytest.raises(ck.NotFoundError):
                self.stores[org].update(contact_id, tags=tags)
            return
        self.stores[org].update(contact_id, tags=tags)
        self.model[contact_id].tags = {t.lower() for t in tags}

    @rule(org=orgs, contact_id=contacts, favorite=st.booleans())
    def favourite(self, org: str, contact_id: str, favorite: bool) -> None:
        if self.foreign(org, contact_id):
            with pytest.raises(ck.NotFoundError):
                self.stores[org].set_favorite(contact_id, favorite)
            return
        self.stores[org].set_favorite(contact_id, favorite)
        self.model[contact_id].favorite = favorite

    @rule(org=orgs, contact_id=contacts)
    def group(self, org: str, contact_id: str) -> None:
        store = self.stores[org]
        if "Team" not in {g.name for g in store.groups()}:
            store.create_group("Team")
        if self.foreign(org, contact_id):
            with pytest.raises(ck.NotFoundError):
                store.add_to_group("Team", contact_id)
            return
        store.add_to_group("Team", contact_id)
        self.model[contact_id].groups.add("Team")

    @rule(org=orgs, contact_id=consumes(contacts))
    def delete(self, org: str, contact_id: str) -> None:
        if self.foreign(org, contact_id):
            with pytest.raises(ck.NotFoundError):
                self.stores[org].delete(contact_id)
            return
        self.stores[org].delete(contact_id)
        del self.model[contact_id]

    @rule(org=orgs, keep=contacts, other=consumes(contacts))
    def merge(self, org: str, keep: str, other: str) -> None:
        if keep == other:
            return
        if self.foreign(org, keep) or self.foreign(org, other):
            with pytest.raises(ck.NotFoundError):
                self.stores[org].merge(keep, other)
            return
        merged = self.stores[org].merge(keep, other)
        gone = self.model.pop(other)
        kept = self.model[keep]
        kept.email = merged.email
        kept.other_emails |= ({gone.email} | gone.other_emails) - {kept.email}
        kept.first_name = merged.first_name
        kept.last_name = merged.last_name
        kept.tags |= gone.tags
        kept.groups |= gone.groups
        kept.favorite = merged.favorite

    # -- reads -------------------------------------------------------------------------------

    @rule(org=orgs, contact_id=contacts)
    def get(self, org: str, contact_id: str) -> None:
        if self.foreign(org, contact_id):
            with pytest.raises(ck.NotFoundError):
                self.stores[org].get(contact_id)
            return
        contact = self.stores[org].get(contact_id)
        expected = self.model[contact_id]
        assert (contact.org_id, contact.email, contact.last_name) == (
            org,
            expected.email,
            expected.last_name,
        )
        assert {t.lower() for t in contact.tags} == expected.tags
        assert (contact.favorite, set(contact.groups)) == (expected.favorite, expected.groups)

    @rule(org=orgs, other=orgs, limit=st.integers(1, 3), order=st.sampled_from(["created", "name"]))
    def list_with_cursors(self, org: str, other: str, limit: int, order: str) -> None:
        store = self.stores[org]
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = store.list(limit=limit, cursor=cursor, order=order)  # type: ignore[arg-type]
            seen.extend(summary.id for summary in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
            if other != org:
                with pytest.raises(ck.InvalidCursorError):
                    self.stores[other].list(limit=limit, cursor=cursor, order=order)  # type: ignore[arg-type]
        assert sorted(seen) == sorted(self.owned(org))

    @rule(org=orgs, name=names)
    def search(self, org: str, name: str) -> None:
        found = {s.id for s in self.stores[org].iter_pages(self.stores[org].search, name)}
        assert found == {
            i for i, e in self.owned(org).items() if name in (e.first_name, e.last_name)
        }

    @rule(org=orgs, email=emails)
    def find_by_email(self, org: str, email: str) -> None:
        contact = self.stores[org].find_by_email(email, consistent=True)
        owners = [i for i, e in self.owned(org).items() if email in {e.email, *e.other_emails}]
        assert (contact.id if contact else None) == (owners[0] if owners else None)

    @invariant()
    def the_table_holds_exactly_the_model(self) -> None:
        contacts = assert_consistent(self.table)
        assert {i: c.org_id for i, c in contacts.items()} == {
            i: e.org for i, e in self.model.items()
        }
        for contact in contacts.values():
            assert keys.normalise_email(contact.email) == self.model[contact.id].email


def test_no_operation_reaches_another_org(db: ck.Database) -> None:
    Tenants.db = db
    run_state_machine_as_test(
        Tenants,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# -- items planted in another org's index partition ------------------------------------------

PLANTED = "01J00000000000000000000PLA"


@pytest.fixture
def planted(table: ck.Table) -> ck.OrgStore:
    """org-a's Ada, and a copy org-b wrote under its own PK with org-a's index keys."""
    victim = table.org("org-a")
    ada = victim.add(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", phone="+1 202 555 0101"
    )
    victim.set_favorite(ada.id)
    stored = table.client.get_item(
        TableName=table.name, Key={"PK": {"S": "ORG#org-a"}, "SK": {"S": f"CONTACT#{ada.id}"}}
    )["Item"]
    forged = {
        **stored,
        "PK": {"S": keys.tenant_partition_key("org-b")},
        "SK": {"S": keys.contact_sort_key(PLANTED)},
        "id": {"S": PLANTED},
        "first_name": {"S": "Mallory"},
        "NameSK": {"S": keys.name_sort_key("Lovelace", "Mallory", PLANTED)},
    }
    # IAM's LeadingKeys checks only PK: org-b's policy lets org-b write this item.
    with iam.PolicyGuard(table.client, iam.tenant_policy("org-b", table_name=table.name)) as guard:
        table.client.put_item(TableName=table.name, Item=forged)
    assert guard.denied == []
    return victim


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        (lambda org: org.favorites(), "gsi-favorites"),
        (lambda org: org.lookups.find_by_primary_email("ADA@example.com"), "gsi-email"),
        (lambda org: org.lookups.find_by_primary_phone("(202) 555-0101"), "gsi-phone"),
    ],
)
def test_planted_index_items_are_dropped_and_counted(
    table: ck.Table, planted: ck.OrgStore, lookup: Any, index: str
) -> None:
    raw = table.client.query(
        TableName=table.name,
        IndexName=index,
        **{
            "gsi-favorites": {
                "KeyConditionExpression": "FavPK = :k",
                "ExpressionAttributeValues": {":k": {"S": "ORG#org-a#FAV"}},
            },
            "gsi-email": {
                "KeyConditionExpression": "EmailPK = :k",
                "ExpressionAttributeValues": {":k": {"S": "ORG#org-a#EMAIL#ada@example.com"}},
            },
            "gsi-phone": {
                "KeyConditionExpression": "PhonePK = :k",
                "ExpressionAttributeValues": {":k": {"S": "ORG#org-a#PHONE#+12025550101"}},
            },
        }[index],
    )
    assert PLANTED in {i["id"]["S"] for i in raw["Items"]}  # the index does hold it
    with table.meter() as meter:
        found = lookup(planted)
    assert [c.first_name for c in found] == ["Ada"]
    assert meter.dropped_foreign == 1
    assert planted.lookups.reader.dropped_foreign == 1


def test_planted_items_reach_no_lookup(planted: ck.OrgStore) -> None:
    with _meter(planted) as meter:
        results = [
            *planted.find_by_name("lovelace"),
            *planted.list(order="name"),
            *planted.list(),
            *planted.search("lovelace"),
            *planted.find_by_phone("+1 202 555 0101"),
            *planted.iter_pages(planted.favorites),
        ]
        assert planted.find_by_email("ada@example.com") is not None
    assert {c.first_name for c in results} == {"Ada"}
    assert PLANTED not in {c.id for c in results}
    assert meter.dropped_foreign == 1  # the favourites; gsi-name is keyed on PK itself


def _meter(org: ck.OrgStore) -> Meter:
    return Meter(org.lookups.reader.client.raw)
