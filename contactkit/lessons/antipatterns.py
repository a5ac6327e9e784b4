"""The seed app's access patterns, reproduced on purpose so the lessons can measure them.

Nothing in the store uses these. Each function shows one mistake of the Go example this project
started from, against a real endpoint, and returns what it cost:

* :func:`begins_with_on_partition_key` - ``Where("ID", "BEGINS_WITH", org + "#")`` as a Query:
  DynamoDB refuses it ("Query key condition not supported").
* :func:`scan_with_filter` - the usual "fix": a Scan of the whole table, filtered. It works,
  and reads every item of every tenant to return one tenant's contacts.
* :func:`global_email_index_lookup` - the seed's ``gsi-email`` keyed on the email alone, on a
  scratch table (:class:`SeedTable`): one tenant's lookup reads other tenants' items, and
  "unique within the org" cannot be enforced.
* :func:`seed_check_then_write` and :func:`seed_read_modify_write` - the seed's uniqueness check
  and whole-item update, as step-by-step writers for
  :func:`contactkit.lessons.interleave.interleave`: two writers interleaved create a duplicate
  email, or lose an update.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from ..contacts import items, keys
from ..contacts.model import ContactSummary
from ..dynamo.expressions import render
from ..dynamo.types import PlainItem, deserialize, serialize
from ..errors import BackendError, backend_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ..connection import Database
    from ..table import Table


def begins_with_on_partition_key(table: Table, org_id: str) -> BackendError:
    """Run the seed's ``BEGINS_WITH`` on the partition key as a Query; return DynamoDB's refusal.

    A Query must name exactly one partition (``PK = :value``); ``begins_with`` works only on
    the sort key. The error comes from the server, translated like any other.
    """
    condition = Key("PK").begins_with(keys.tenant_partition_key(org_id))
    try:
        with backend_errors("Query"):
            table.client.query(
                TableName=table.name,
                **render(condition, key_condition=True, name="KeyConditionExpression"),
            )
    except BackendError as error:
        return error
    raise AssertionError("the endpoint accepted begins_with on a partition key")


@dataclass(frozen=True)
class ScanResult:
    """What a filtered Scan returned, and what it had to read to return it."""

    contacts: list[ContactSummary]
    items_read: int  # ScannedCount summed over pages: every item of the table
    requests: int


def scan_with_filter(
    table: Table, org_id: str, matching: Callable[[PlainItem], bool] | None = None
) -> ScanResult:
    """One org's contacts the seed's way: Scan the whole table, keep the org's contacts.

    ``matching`` adds a test on each contact's values, as the seed's "search by name" and
    "search by tag" do: ``lambda c: "vip" in c.get("tags", ())``. The filter runs in the app,
    as a library emulating the seed's query would: DynamoDB reads and charges every item of
    every tenant either way (a ``FilterExpression`` is also applied after the read), and here
    the meter sees the size of each item it paid for, so its read units are exact.
    """
    request: dict[str, Any] = {"TableName": table.name}
    contacts: list[ContactSummary] = []
    scanned = requests = 0
    while True:
        with backend_errors("Scan"):
            page = table.client.scan(**request)
        requests += 1
        scanned += page["ScannedCount"]
        for item in page["Items"]:
            values = deserialize(item)
            if values.get("org_id") != org_id or values.get("type") != items.CONTACT_TYPE:
                continue
            if matching is None or matching(values):
                contacts.append(items.summary_from_item(item))
        if "LastEvaluatedKey" not in page:
            return ScanResult(contacts, scanned, requests)
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class SeedTable:
    """A scratch table with the seed's design: partition key ``ID`` = ``<org>#<contact>``, and a
    ``gsi-email`` keyed on ``Email`` alone, shared by every tenant.

    Example::

        seed = SeedTable(db.client, "scratch-seed").create()
        seed.put_contact("org-a", "contact-1", "ada@example.com")
        seed.find_by_email("ada@example.com")   # every tenant's items with that email
        seed.delete()
    """

    def __init__(self, client: DynamoDBClient, name: str) -> None:
        self.client = client
        self.name = name

    def create(self) -> SeedTable:
        with backend_errors("CreateTable"):
            self.client.create_table(
                TableName=self.name,
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "ID", "KeyType": "HASH"}],
                AttributeDefinitions=[
                    {"AttributeName": "ID", "AttributeType": "S"},
                    {"AttributeName": "Email", "AttributeType": "S"},
                ],
                GlobalSecondaryIndexes=[
                    {
                        "IndexName": "gsi-email",
                        "KeySchema": [{"AttributeName": "Email", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
            )
            self.client.get_waiter("table_exists").wait(TableName=self.name)
        return self

    def delete(self, missing_ok: bool = False) -> None:
        """Delete the table (``missing_ok``: no error if it does not exist)."""
        try:
            with backend_errors("DeleteTable"):
                self.client.delete_table(TableName=self.name)
                self.client.get_waiter("table_not_exists").wait(TableName=self.name)
        except BackendError as error:
            if not (missing_ok and error.code == "ResourceNotFoundException"):
                raise

    def put_contact(self, org_id: str, contact_id: str, email: str, **attributes: Any) -> None:
        """The seed's write: one unconditional PutItem of the whole contact."""
        item = {"ID": f"{org_id}#{contact_id}", "Email": email, "OrgID": org_id, **attributes}
        with backend_errors("PutItem"):
            self.client.put_item(TableName=self.name, Item=serialize(item))

    def find_by_email(self, email: str) -> list[PlainItem]:
        """The seed's lookup: Query ``gsi-email`` on the email alone (every tenant's items)."""
        with backend_errors("Query"):
            found = self.client.query(
                TableName=self.name,
                IndexName="gsi-email",
                **render(Key("Email").eq(email), key_condition=True, name="KeyConditionExpression"),
            )["Items"]
        return [deserialize(i) for i in found]


@dataclass(frozen=True)
class GlobalIndexResult:
    """A lookup on an index that is not tenant-scoped."""

    org_id: str
    email: str
    items_read: int  # items the index query returned to the app
    other_tenants_items: int  # ... of which belong to other orgs
    orgs_seen: list[str]


def global_email_index_lookup(
    db: Database, org_ids: list[str], email: str, *, table_name: str = "scratch-seed-design"
) -> GlobalIndexResult:
    """Store ``email`` once in each org with the seed's design, then look it up for the first.

    Builds a :class:`SeedTable`, queries its index as the seed does, and deletes the table
    again. The index partition holds every tenant's copy of the address, so the query returns
    them all and the app must filter them out after reading them.
    """
    seed = SeedTable(db.client, table_name).create()
    try:
        for number, org_id in enumerate(org_ids):
            seed.put_contact(org_id, f"contact-{number}", email)
        found = seed.find_by_email(email)
    finally:
        seed.delete()
    orgs = sorted(i["OrgID"] for i in found)
    mine = org_ids[0]
    return GlobalIndexResult(
        org_id=mine,
        email=email,
        items_read=len(found),
        other_tenants_items=sum(1 for o in orgs if o != mine),
        orgs_seen=orgs,
    )


def seed_check_then_write(
    seed: SeedTable, org_id: str, contact_id: str, email: str
) -> Iterator[tuple[str, str]]:
    """The seed's uniqueness check as a writer of :func:`contactkit.lessons.interleave.interleave`.

    Step 1 looks the email up on the index; step 2 writes the contact if none was found.
    Between the two, another writer can do the same: both see "free", both write.
    """
    taken = [i for i in seed.find_by_email(email) if i["OrgID"] == org_id]
    yield f"Query gsi-email for {email}", f"{len(taken)} found" if taken else "not found: free"
    if taken:
        yield "give up", "email already exists"
        return
    seed.put_contact(org_id, contact_id, email)
    yield f"PutItem {org_id}#{contact_id}", "written"


def seed_read_modify_write(
    table: Table, org_id: str, contact_id: str, **changes: Any
) -> Iterator[tuple[str, str]]:
    """The seed's update as a writer: read the whole item, change it, put it back unconditionally.

    A write made by someone else between the read and the put is silently overwritten.
    """
    key = serialize(keys.contact_key(org_id, contact_id))
    with backend_errors("GetItem"):
        item = table.client.get_item(TableName=table.name, Key=key, ConsistentRead=True)["Item"]
    yield "GetItem", f"read version {items.version_of(item)}"
    item.update(serialize(changes))
    with backend_errors("PutItem"):
        table.client.put_item(TableName=table.name, Item=item)
    yield f"PutItem (whole item, no condition) {_describe(changes)}", "written"


def _describe(changes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in changes.items())
