"""What every access pattern reads, counted outside the store, at two org sizes.

The counter is a pair of botocore hooks on the client registered by this file, not the store's own
meter: it sees the parameters of every request (to check each one names only the asking org's
keys) and every response (``ScannedCount`` for Query and Scan, the items found for GetItem and
BatchGetItem). Five orgs of 200 and then of 2,000 contacts are seeded through the store; every
lookup must stay within its bound, read exactly as many items at both sizes, and never return an
item of another org. The anti-pattern Scan, by contrast, reads every item of the table.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts.items import deserialize
from contactkit.lessons import antipatterns
from tests.conftest import scan_all

ORGS = [f"org-cost{n}" for n in range(5)]
SIZES = (200, 2000)
PAGE = 10
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"]
LAST = [
    "Smith",
    "Smythe",
    "Jones",
    "Brown",
    "Garcia",
    "Müller",
    "O'Brien",
    "Nguyen",
    "Kim",
    "Rossi",
]


@dataclass
class Counter:
    """Items read and keys touched by the requests of one client, from botocore's events."""

    requests: int = 0
    items_read: int = 0
    returned: list[dict[str, Any]] = field(default_factory=list)
    key_values: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.requests = self.items_read = 0
        self.returned.clear()
        self.key_values.clear()

    def before(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["cost_test_params"] = json.loads(json.dumps(params, default=str))

    def after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("cost_test_params", {})
        self.requests += 1
        name = model.name
        if name in ("Query", "Scan"):
            self.items_read += parsed.get("ScannedCount", 0)
            found = parsed.get("Items", [])
            self.key_values.extend(partition_values(params))
        elif name == "GetItem":
            found = [parsed["Item"]] if "Item" in parsed else []
            self.items_read += len(found)
            self.key_values.append(params["Key"]["PK"]["S"])
        elif name == "BatchGetItem":
            found = [i for items in parsed.get("Responses", {}).values() for i in items]
            self.items_read += len(found)
            for request in params["RequestItems"].values():
                self.key_values.extend(k["PK"]["S"] for k in request["Keys"])
        else:
            found = []
        self.returned.extend(deserialize(item) for item in found)


PARTITION_ATTRIBUTES = {"PK", "EmailPK", "PhonePK", "FavPK"}  # the table's and indexes' hash keys


def partition_values(params: dict[str, Any]) -> list[str]:
    """The partition key values a Query's key condition names (``#n = :v`` on a hash key)."""
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    condition = params.get("KeyConditionExpression", "")
    found = [
        values[value]["S"]
        for name, value in re.findall(r"(#\w+) = (:\w+)", condition)
        if names.get(name) in PARTITION_ATTRIBUTES
    ]
    assert found or not condition, f"no partition key in {condition!r}"
    return found


@dataclass
class Seeded:
    table: ck.Table
    size: int
    counter: Counter
    ids: dict[str, list[str]]  # org -> contact ids in creation order


def contact_fields(org_index: int, n: int) -> dict[str, Any]:
    """Contact ``n`` of an org: a few planted probes, the rest spread over common values."""
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    fields: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}.{n}@org{org_index}.example".replace("'", ""),
        "phone": f"+1 202 555 {n:04d}",
        "company": f"Company {n % 40}",
        "tags": ["common", f"team-{n % 5}"],
    }
    if n < 3:  # three contacts share a phone, a rare tag and a searchable company
        fields.update(phone="+1 (303) 555-0199", company="Probe Labs", tags=["common", "rare"])
    if n == 3:  # one planted name for the "last, first" lookup
        fields.update(first_name="Quinn", last_name="Zyxable")
    return fields


def seed(db: ck.Database, size: int) -> Iterator[Seeded]:
    table = db.table(f"contacts-cost-{size}-{uuid.uuid4().hex[:8]}").create()
    ids: dict[str, list[str]] = {}
    for index, org_id in enumerate(ORGS):
        org = table.org(org_id)
        ids[org_id] = []
        for n in range(size):
            contact = org.add(**contact_fields(index, n))
            ids[org_id].append(contact.id)
            if n % 10 == 0:
                org.set_favorite(contact.id)
    counter = Counter()
    events = table.client.meta.events
    events.register("provide-client-params.dynamodb", counter.before)
    events.register("after-call.dynamodb", counter.after)
    try:
        yield Seeded(table, size, counter, ids)
    finally:
        events.unregister("provide-client-params.dynamodb", counter.before)
        events.unregister("after-call.dynamodb", counter.after)
        table.delete()


@pytest.fixture(scope="module")
def small(db: ck.Database) -> Iterator[Seeded]:
    yield from seed(db, SIZES[0])


@pytest.fixture(scope="module")
def large(db: ck.Database) -> Iterator[Seeded]:
    yield from seed(db, SIZES[1])


ORG = ORGS[2]  # a middle org: data on both sides of it in the table


def probe_email(seeded: Seeded) -> str:
    """Contact 5's email in upper case (lookups ignore case)."""
    return str(contact_fields(ORGS.index(ORG), 5)["email"]).upper()


Lookup = Callable[[ck.OrgStore, Seeded], Any]

# name -> (lookup, bound on items read given the number returned)
EXACT: dict[str, Lookup] = {
    "get": lambda org, s: [org.get(s.ids[ORG][5])],
    "find_by_email": lambda org, s: [org.find_by_email(probe_email(s))],
    "find_by_email consistent": lambda org, s: [org.find_by_email(probe_email(s), consistent=True)],
}
PAGED: dict[str, Lookup] = {
    "find_by_name": lambda org, s: org.find_by_name("sm", limit=PAGE),
    "find_by_name last, first": lambda org, s: org.find_by_name("ZYXABLE, qu", limit=PAGE),
    "find_by_tag": lambda org, s: org.find_by_tag("common", limit=PAGE),
    # phone membership items, then the contacts: like a tag (phones are not unique)
    "find_by_phone": lambda org, s: org.find_by_phone("303.555.0199", limit=PAGE),
    "find_by_tag rare": lambda org, s: org.find_by_tag("RARE", limit=PAGE),
    "favorites": lambda org, s: org.favorites(limit=PAGE),
    "list": lambda org, s: org.list(limit=PAGE),
    "list by name": lambda org, s: org.list(limit=PAGE, order="name"),
    "recent": lambda org, s: org.recent(limit=PAGE),
    "search": lambda org, s: org.search("probe labs", limit=PAGE),
}


def run(seeded: Seeded, lookup: Lookup, *, page: int = 1) -> tuple[list[Any], Counter]:
    """Run a lookup (its ``page``-th page for paged ones), counting only that request."""
    org = seeded.table.org(ORG)
    cursor: str | None = None
    for _ in range(page - 1):
        cursor = lookup_with_cursor(lookup, org, seeded, cursor).next_cursor
        assert cursor is not None, "the pattern has fewer pages than the test needs"
    seeded.counter.reset()
    result = lookup_with_cursor(lookup, org, seeded, cursor) if page > 1 else lookup(org, seeded)
    found = list(result)
    return [f for f in found if f is not None], seeded.counter


def lookup_with_cursor(lookup: Lookup, org: ck.OrgStore, seeded: Seeded, cursor: str | None) -> Any:
    """Call a paged lookup with a cursor by wrapping the store's method for one call."""
    wrapped = _CursorOrg(org, cursor)
    return lookup(wrapped, seeded)  # type: ignore[arg-type]


class _CursorOrg:
    """Delegates to an OrgStore, passing ``cursor=`` to the paged lookup it wraps."""

    def __init__(self, org: ck.OrgStore, cursor: str | None) -> None:
        self._org, self._cursor = org, cursor

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._org, name)
        return lambda *args, **kwargs: method(*args, cursor=self._cursor, **kwargs)


def assert_only_own_org(counter: Counter) -> None:
    own = f"ORG#{ORG}"
    for value in counter.key_values:
        assert value == own or value.startswith(own + "#"), f"request touched {value!r}"
    for item in counter.returned:
        org_id = item.get("org_id")
        pk = item.get("PK", own)
        assert org_id in (None, ORG), f"returned an item of {org_id}"
        assert pk == own or pk.startswith(own + "#"), f"returned an item of partition {pk}"


@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact_lookups_read_at_most_one_more_than_they_return(
    small: Seeded, large: Seeded, name: str
) -> None:
    reads = []
    for seeded in (small, large):
        found, counter = run(seeded, EXACT[name])
        assert found, f"{name} found nothing at {seeded.size} contacts per org"
        assert counter.items_read <= len(found) + 1, (name, seeded.size, counter.items_read)
        assert_only_own_org(counter)
        reads.append(counter.items_read)
    assert reads[0] == reads[1], f"{name} reads {reads[0]} items at 200 but {reads[1]} at 2,000"


# The rare tag, the search, the probe's phone and "zyxable, qu" fit on one page by construction.
SECOND_PAGES = sorted(
    set(PAGED) - {"find_by_tag rare", "search", "find_by_name last, first", "find_by_phone"}
)


@pytest.mark.parametrize(
    ("name", "page"), [(n, 1) for n in sorted(PAGED)] + [(n, 2) for n in SECOND_PAGES]
)
def test_paged_lookups_read_at_most_twice_the_page(
    small: Seeded, large: Seeded, name: str, page: int
) -> None:
    reads = []
    for seeded in (small, large):
        found, counter = run(seeded, PAGED[name], page=page)
        assert found, f"{name} page {page} found nothing at {seeded.size} contacts per org"
        assert len(found) <= PAGE
        assert counter.items_read <= 2 * PAGE + 1, (name, seeded.size, counter.items_read)
        assert_only_own_org(counter)
        reads.append(counter.items_read)
    assert reads[0] == reads[1], f"{name} reads {reads[0]} items at 200 but {reads[1]} at 2,000"


def test_search_finds_exactly_the_planted_contacts(large: Seeded) -> None:
    found, counter = run(large, PAGED["search"])
    assert {c.id for c in found} == set(large.ids[ORG][:3])
    assert counter.items_read == 3 * 2 + 3  # two words x three entries, then three contacts


def test_the_anti_pattern_scan_reads_every_item_of_the_table(small: Seeded) -> None:
    everything = scan_all(small.table)
    small.counter.reset()
    result = antipatterns.scan_with_filter(small.table, ORG)
    assert len(result.contacts) == small.size
    assert {c.org_id for c in result.contacts} == {ORG}
    assert result.items_read == len(everything) == small.counter.items_read
    assert small.counter.items_read > len(ORGS) * small.size  # every tenant, every item type


def test_write_cost_counts_items_by_type_and_prices_them(table: ck.Table) -> None:
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "tags": ["vip", "math"],
        "source_id": "urn:uuid:ada",
    }
    add, update, delete = table.write_cost(fields)
    assert [c.operation for c in (add, update, delete)] == ["add", "update", "delete"]
    assert add.items["Put contact"] == add.items["Put email"] == add.items["Put source"] == 1
    assert delete.items["Delete source"] == 1 and "Delete other" not in delete.items
    assert add.items["Put tag"] == 2 and add.items["Put token"] >= 2
    assert delete.items["Delete contact"] == delete.items["Delete email"] == 1
    assert update.items["Put contact"] == 1 or update.items.get("Update contact") == 1
    for cost in (add, update, delete):
        assert cost.source == "backend"
        assert cost.usd_per_million == pytest.approx(cost.wcu * 0.625 + cost.rcu * 0.125)
    # Every item of a transaction costs at least 2 units.
    assert add.wcu >= 2 * sum(add.items.values())
    assert not [i for i in scan_all(table) if "write-cost" in str(i.get("PK"))]


def test_an_add_writes_no_token_for_web_noise_and_one_sharded_audit_entry(table: ck.Table) -> None:
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "+1 202 555 0101",
        "company": "Analytical Engines Ltd",
        "tags": ["vip", "math"],
    }
    add, _, delete = table.write_cost(fields)
    # ada, lovelace, analytical, engines: not example, com, ltd (7 tokens before stop-words)
    assert add.items["Put token"] == delete.items["Delete token"] == 4
    assert add.items["Put audit"] == 1 and delete.items["Delete phone"] == 1
    assert add.wcu == 2 * sum(add.items.values()) + 3  # + gsi-email, gsi-phone, gsi-name
