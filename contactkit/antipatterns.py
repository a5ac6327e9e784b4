"""The seed app's access patterns, reproduced on purpose so the lessons can measure them.

Nothing in the store uses these. Each function shows one mistake of the Go example this project
started from, against a real endpoint, and returns what it cost:

* :func:`begins_with_on_partition_key` - ``Where("ID", "BEGINS_WITH", org + "#")`` as a Query:
  DynamoDB refuses it ("Query key condition not supported").
* :func:`scan_with_filter` - the usual "fix": a Scan of the whole table with a filter. It
  works, and reads every item of every tenant to return one tenant's contacts.
* :func:`global_email_index_lookup` - the seed's ``gsi-email`` keyed on the email alone, on a
  scratch table: one tenant's lookup reads other tenants' items, and "unique within the org"
  cannot be enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from . import items, keys
from .errors import BackendError, backend_errors
from .expressions import render
from .model import ContactSummary

if TYPE_CHECKING:
    from .connection import Database
    from .table import Table


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


def scan_with_filter(table: Table, org_id: str) -> ScanResult:
    """One org's contacts the seed's way: Scan the whole table, filter on the org.

    The filter is applied after the read: capacity is consumed for every item of every tenant.
    """
    condition = Attr("org_id").eq(org_id) & Attr("type").eq(items.CONTACT_TYPE)
    request: dict[str, Any] = {
        "TableName": table.name,
        **render(condition, name="FilterExpression"),
    }
    contacts: list[ContactSummary] = []
    scanned = requests = 0
    while True:
        with backend_errors("Scan"):
            page = table.client.scan(**request)
        requests += 1
        scanned += page["ScannedCount"]
        contacts.extend(items.summary_from_item(i) for i in page["Items"])
        if "LastEvaluatedKey" not in page:
            return ScanResult(contacts, scanned, requests)
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


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

    Builds a scratch table like the seed's (partition key ``ID`` = ``<org>#<contact>``,
    ``gsi-email`` keyed on ``Email`` alone), queries the index as the seed does, and deletes
    the table again. The index partition holds every tenant's copy of the address, so the
    query returns them all and the app must filter them out after reading them.
    """
    client = db.client
    with backend_errors("CreateTable"):
        client.create_table(
            TableName=table_name,
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
    try:
        client.get_waiter("table_exists").wait(TableName=table_name)
        for number, org_id in enumerate(org_ids):
            with backend_errors("PutItem"):
                client.put_item(
                    TableName=table_name,
                    Item=items.serialize(
                        {"ID": f"{org_id}#contact-{number}", "Email": email, "OrgID": org_id}
                    ),
                )
        with backend_errors("Query"):
            found = client.query(
                TableName=table_name,
                IndexName="gsi-email",
                **render(Key("Email").eq(email), key_condition=True, name="KeyConditionExpression"),
            )["Items"]
    finally:
        client.delete_table(TableName=table_name)
    orgs = sorted(items.deserialize(i)["OrgID"] for i in found)
    mine = org_ids[0]
    return GlobalIndexResult(
        org_id=mine,
        email=email,
        items_read=len(found),
        other_tenants_items=sum(1 for o in orgs if o != mine),
        orgs_seen=orgs,
    )
