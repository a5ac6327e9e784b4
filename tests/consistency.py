"""The orphan checker: whole-table invariants the reliability tests check after every run.

:func:`find_orphans` scans a table once and reads it as contactkit's key layout declares it:

* every item type is one of the ``*_TYPE`` constants of :mod:`contactkit.contacts.items`;
* every type but contacts, groups, activity and audit entries is *derived*: it follows from a
  contact, and ``contactkit.contacts.shapes.derived_items(contact)`` lists every such item a
  contact implies (email claims, tag, phone, token and member items). So a contact whose
  derived item is absent or differs lacks it ("missing"), and a derived item that no contact
  derives is stale or an orphan. A type added to ``items.py`` is derived until it is given a
  rule here, and ``derived_items`` must then produce it or the check fails on it;
* an email key held by two contacts of one org; a member of a group without its group item;
  activity of a contact that is gone; contact items the model cannot read.

``pytest -m reliability`` runs it after every test so marked (``tests/conftest.py``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import contactkit as ck
from contactkit.contacts import items, keys
from contactkit.contacts.shapes import derived_items
from contactkit.dynamo.types import Item, serialize
from tests.conftest import scan_all

DECLARED_TYPES = frozenset(
    value
    for name, value in vars(items).items()
    if name.endswith("_TYPE") and isinstance(value, str)
)
# The types with rules of their own; every other declared type follows from a contact.
OWN_RULES = frozenset({items.CONTACT_TYPE, items.GROUP_TYPE, items.ACTIVITY_TYPE, items.AUDIT_TYPE})
DERIVED_TYPES = DECLARED_TYPES - OWN_RULES

Key = tuple[str, str]


@dataclass
class OrphanReport:
    """What one scan found: items by type, contacts read, and one line per problem."""

    items: Counter[str] = field(default_factory=Counter)
    contacts: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(self.items.items()))
        head = f"{sum(self.items.values())} items ({counts}), {self.contacts} contacts"
        if not self.problems:
            return f"{head}: no orphan"
        shown = "\n  ".join(self.problems[:20])
        more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        return f"{head}: {len(self.problems)} problems\n  {shown}{more}"


def scan_items(table: ck.Table) -> list[Item]:
    """Every item of the table as DynamoDB returns it (strongly consistent reads)."""
    found: list[Item] = []
    kwargs: dict[str, Any] = {"TableName": table.name, "ConsistentRead": True}
    while True:
        page = table.client.scan(**kwargs)
        found.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _key(item: Item) -> Key:
    return (item["PK"]["S"], item["SK"]["S"])


def _kind(item: Item) -> str:
    return str(item.get("type", {}).get("S"))


def _text(item: Item, name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return None if value is None else str(value)


def find_orphans(table: ck.Table) -> OrphanReport:
    """Scan ``table`` once; report every item out of step with the contacts (see the module)."""
    everything = scan_items(table)
    report = OrphanReport(items=Counter(_kind(item) for item in everything))
    problems = report.problems
    contacts: dict[tuple[str, str], ck.Contact] = {}
    groups: set[Key] = set()
    found: dict[Key, Item] = {}
    for item in everything:
        kind = _kind(item)
        if kind not in DECLARED_TYPES:
            problems.append(f"{_key(item)}: type {kind!r} is not declared in contacts/items.py")
        elif kind == items.CONTACT_TYPE:
            try:
                contact = items.contact_from_item(item)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                problems.append(f"{_key(item)}: a contact the model cannot read ({exc!r})")
                continue
            contacts[(contact.org_id, contact.id)] = contact
        elif kind == items.GROUP_TYPE:
            groups.add(_key(item))
        elif kind in DERIVED_TYPES:
            found[_key(item)] = item
    report.contacts = len(contacts)
    expected: dict[Key, tuple[Item, ck.Contact]] = {}
    for contact in contacts.values():
        for derived in derived_items(contact):
            key = _key(derived)
            if key in expected:  # only an email claim can repeat: the others hold the id
                other = expected[key][1]
                problems.append(
                    f"{key}: {_kind(derived)} held twice, by contacts {other.id} and {contact.id}"
                )
                continue
            expected[key] = (derived, contact)
        for group in contact.groups:
            if (
                keys.tenant_partition_key(contact.org_id),
                keys.group_sort_key(group),
            ) not in groups:
                problems.append(f"contact {contact.id} is in group {group!r}, which has no item")
    for key, (derived, contact) in expected.items():
        stored = found.get(key)
        if stored is None:
            problems.append(f"{key}: missing {_kind(derived)} item of contact {contact.id}")
        elif stored != derived:
            problems.append(f"{key}: {_kind(derived)} item differs from contact {contact.id}'s")
    for key, item in found.items():
        if key not in expected:
            owner = _text(item, "contact_id")
            problems.append(f"{key}: stale {_kind(item)} item (contact {owner} does not derive it)")
    for item in everything:
        if _kind(item) == items.ACTIVITY_TYPE:
            owner = _text(item, "contact_id") or ""
            if (org_of(item["PK"]["S"]), owner) not in contacts:
                problems.append(f"{_key(item)}: activity of {owner}, a contact that is gone")
    return report


def assert_consistent(table: ck.Table) -> dict[str, ck.Contact]:
    """``AssertionError`` listing every orphan or missing item; returns the contacts by id."""
    report = find_orphans(table)
    assert not report.problems, str(report)
    return contacts_of(table)


def contacts_of(table: ck.Table) -> dict[str, ck.Contact]:
    """Every contact of the table by id, read outside the store."""
    found = [item for item in scan_all(table) if item.get("type") == items.CONTACT_TYPE]
    return {
        contact.id: contact
        for contact in (items.contact_from_item(serialize(values)) for values in found)
    }


def org_of(partition_key: str) -> str:
    """The org of any partition key (``ORG#<org>`` or ``ORG#<org>#...``)."""
    return partition_key.removeprefix("ORG#").split(keys.SEPARATOR, 1)[0]
