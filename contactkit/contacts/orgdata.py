"""Every item one org owns, found by key (no Scan): the walk behind ``purge`` and org backups.

An org's items live in these partitions (see :mod:`contactkit.contacts.keys`)::

    ORG#<org>                 contacts, tag and phone memberships, groups, group members
    ORG#<org>#EMAIL#<email>   one uniqueness item per indexed email (key derived from it)
    ORG#<org>#CONTACT#<id>    each contact's activity
    ORG#<org>#SEARCH          the token index
    ORG#<org>#AUDIT#<shard>   the audit trail (and ORG#<org>#AUDIT, its earlier single partition)

:func:`org_items` walks them with Queries only, so it reads this org's items and nothing
else: O(org), never O(table). For each page of the tenant partition it yields the contacts'
own partitions (activity, uniqueness) *before* the page itself: a clean-up that deletes in
this order and is interrupted still finds, on its next run, every contact whose dependent
items remain.

Costs: one Query page per 100 items of each partition; one Query of activity per contact that
has ever been contacted (``last_contacted_at``: every interaction sets it); for a full backup,
one GetItem per indexed email for its claim (``keys_only`` walks, used by ``purge``, derive the
claims' keys from the emails instead, in the current key form and the earlier one-email form).
A new kind of partition must be added here (the purge test scans the table to catch one that
was forgotten).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.conditions import Key

from ..dynamo import limits
from ..dynamo.client import DynamoClient
from ..dynamo.expressions import render
from ..dynamo.paging import pages
from ..dynamo.types import Item
from . import keys
from .items import CONTACT_TYPE, UNIQUE_TYPE

PAGE_SIZE = 100


def org_items(
    client: DynamoClient, table_name: str, org_id: str, *, keys_only: bool = False
) -> Iterator[Item]:
    """Every item of ``org_id`` (with ``keys_only``: ``PK``, ``SK`` and ``type`` only)."""
    keys.validate_org_id(org_id)
    tenant = keys.tenant_partition_key(org_id)
    for page in _pages(client, table_name, tenant, keys_only):
        for item in page:
            if item.get("type", {}).get("S") != CONTACT_TYPE:
                continue
            contact_id = item["SK"]["S"].removeprefix(keys.CONTACT_PREFIX)
            if "last_contacted_at" in item:  # every interaction sets it: no mark, no activity
                activity = keys.activity_partition_key(org_id, contact_id)
                for activity_page in _pages(client, table_name, activity, keys_only):
                    yield from activity_page
            emails = claimed_addresses(item)
            if keys_only:  # a key is all a delete needs (deleting a missing item is a no-op)
                claim_keys = {
                    claim["PK"]: claim
                    for email in emails
                    for claim in (
                        keys.uniqueness_key(org_id, email),
                        keys.legacy_uniqueness_key(org_id, email),
                    )
                }
                for claim_key in claim_keys.values():
                    yield {
                        "PK": {"S": claim_key["PK"]},
                        "SK": {"S": claim_key["SK"]},
                        "type": {"S": UNIQUE_TYPE},
                    }
                continue
            for email in emails:
                claim = _claim(client, table_name, org_id, email)
                if claim is not None and claim.get("contact_id", {}).get("S") == contact_id:
                    yield claim
        yield from (_trim(i, keys_only) for i in page)
    for partition in (keys.search_partition_key(org_id), *keys.audit_partition_keys(org_id)):
        for page in _pages(client, table_name, partition, keys_only):
            yield from page


def _pages(
    client: DynamoClient, table_name: str, partition: str, keys_only: bool
) -> Iterator[list[Item]]:
    """One partition's items, page by page (strongly consistent)."""
    request: dict[str, Any] = {
        "TableName": table_name,
        "ConsistentRead": True,
        "Limit": PAGE_SIZE,
        **render(Key("PK").eq(partition), key_condition=True, name="KeyConditionExpression"),
    }
    if keys_only:  # the email too: the walk derives each contact's uniqueness key from it
        request["ProjectionExpression"] = "PK, SK, #t, email, emails, last_contacted_at"
        request["ExpressionAttributeNames"] = {**request["ExpressionAttributeNames"], "#t": "type"}
    for response in pages(client, "Query", request):
        if found := list(response.get("Items", [])):
            yield found


def claimed_addresses(item: Item) -> list[str]:
    """The addresses a stored contact item claims: its first ``MAX_INDEXED_EMAILS`` emails (the
    single ``email`` of an item in the earlier one-email shape)."""
    listed = item.get("emails", {}).get("L")
    if listed:
        addresses = [entry["M"]["value"]["S"] for entry in listed]
        return addresses[: limits.MAX_INDEXED_EMAILS]
    return [item["email"]["S"]] if "email" in item else []


def _claim(client: DynamoClient, table_name: str, org_id: str, email: str) -> Item | None:
    key = keys.uniqueness_key(org_id, email)
    response = client.call(
        "GetItem",
        TableName=table_name,
        Key={"PK": {"S": key["PK"]}, "SK": {"S": key["SK"]}},
        ConsistentRead=True,
    )
    item = response.get("Item")
    return dict(item) if item is not None else None


def _trim(item: Item, keys_only: bool) -> Item:
    if not keys_only:
        return item
    return {k: v for k, v in item.items() if k in ("PK", "SK", "type")}
