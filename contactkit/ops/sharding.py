"""Write sharding: spread one very busy partition over N partitions, and read them back merged.

A DynamoDB partition takes at most 1,000 write units a second. An org that writes faster into
one partition key (an activity feed of a very large org, say) is throttled however much the
table could take. The fix is to split that key into ``shards`` keys, ``<base>#SHARD#<n>``:
writes spread evenly, and a reader queries every shard and merges the results by sort key.

The shard of an item is a hash of its id (:func:`shard_of`), not a random choice, so a reader
that knows the id goes to one shard; a listing fans out over all of them
(:meth:`ShardedPartition.query`).
Every shard key still starts with ``ORG#<org>#``, so tenant isolation (and the IAM policy of
:mod:`contactkit.ops.iam`) is unchanged. The shards are the caller's own partitions, not part of
contactkit's design: ``org.purge()`` and ``table.backup(path, org=...)`` do not know them
(:mod:`contactkit.contacts.orgdata` walks the design's partitions by key); remove them with
:meth:`ShardedPartition.clear`.

Example::

    feed = ShardedPartition(table, "ORG#org-big#FEED", shards=4)
    feed.put("01J...", {"kind": "call"})
    feed.query(limit=20, newest_first=True)     # 4 Queries, one merged, sorted list
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..contacts.keys import SEPARATOR
from ..dynamo.batches import batch_write, chunks
from ..dynamo.limits import MAX_BATCH_WRITE_ITEMS
from ..dynamo.paging import pages, walk
from ..dynamo.types import PlainItem, deserialize, serialize
from ..errors import ValidationError

if TYPE_CHECKING:
    from ..table import Table

SHARD_LABEL = "SHARD"
MAX_SHARDS = 1000


def shard_of(item_id: str, shards: int) -> int:
    """The shard (0 to ``shards - 1``) of ``item_id``: a stable hash, even over many ids."""
    if not 1 <= shards <= MAX_SHARDS:
        raise ValidationError("shards", f"{shards} is not between 1 and {MAX_SHARDS}")
    digest = hashlib.sha256(item_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def shard_key(base: str, shard: int) -> str:
    """``<base>#SHARD#<n>``, with ``n`` zero-padded to 3 digits."""
    return f"{base}{SEPARATOR}{SHARD_LABEL}{SEPARATOR}{shard:03d}"


class ShardedPartition:
    """One logical partition ``base`` stored as ``shards`` physical ones in ``table``.

    Items are ``{"PK": <shard key>, "SK": <item id>, ...attributes}``; item ids should sort in
    the order a reader wants (ULIDs, timestamps).
    """

    def __init__(self, table: Table, base: str, shards: int) -> None:
        shard_of("", shards)  # validates the count
        self.table = table
        self.base = base
        self.shards = shards

    def __repr__(self) -> str:
        return f"<ShardedPartition {self.base!r} x{self.shards}>"

    def keys(self) -> list[str]:
        """Every shard's partition key, in shard order."""
        return [shard_key(self.base, n) for n in range(self.shards)]

    def key_of(self, item_id: str) -> dict[str, str]:
        """The primary key of ``item_id``: its shard's partition key and the id."""
        return {"PK": shard_key(self.base, shard_of(item_id, self.shards)), "SK": item_id}

    def put(self, item_id: str, attributes: Mapping[str, Any]) -> None:
        """Write one item into its shard (one PutItem)."""
        reserved = {"PK", "SK"} & set(attributes)
        if reserved:
            raise ValidationError("attributes", f"{sorted(reserved)} are the item's key")
        item = {**attributes, **self.key_of(item_id)}
        self.table.dynamo.call("PutItem", TableName=self.table.name, Item=serialize(item))

    def get(self, item_id: str) -> PlainItem | None:
        """One item by id (one GetItem, on its shard only), or ``None``."""
        response = self.table.dynamo.call(
            "GetItem",
            TableName=self.table.name,
            Key=serialize(self.key_of(item_id)),
            ConsistentRead=True,
        )
        return deserialize(response["Item"]) if "Item" in response else None

    def _shard_items(self, key: str, limit: int, newest_first: bool) -> Iterator[PlainItem]:
        request: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": key}},
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        returned = 0
        for page in pages(self.table.dynamo, "Query", request):
            for raw in page["Items"]:
                returned += 1
                yield deserialize(raw)
            if returned >= limit:
                return  # the merge takes at most ``limit`` from one shard: ask for no more

    def query(self, *, limit: int = 25, newest_first: bool = False) -> list[PlainItem]:
        """The first ``limit`` items over all shards, merged in sort-key order.

        One Query per shard, each for at most ``limit`` items (any shard might hold them all):
        a fan-out read costs up to ``shards`` times the items it returns.
        """
        if limit < 1:
            raise ValidationError("limit", f"{limit} is not a positive number of items")
        streams = [self._shard_items(key, limit, newest_first) for key in self.keys()]
        merged = heapq.merge(*streams, key=lambda item: str(item["SK"]), reverse=newest_first)
        found = []
        for item in merged:
            found.append(item)
            if len(found) == limit:
                break
        return found

    def clear(self) -> int:
        """Delete every item of every shard (Queries of keys, BatchWriteItem); returns how many."""
        deleted = 0
        for key in self.keys():
            request: dict[str, Any] = {
                "TableName": self.table.name,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": key}},
                "ProjectionExpression": "PK, SK",
                "ConsistentRead": True,
            }
            found = list(walk(self.table.dynamo, "Query", request))
            for chunk in chunks(found, MAX_BATCH_WRITE_ITEMS):
                requests = [{"DeleteRequest": {"Key": item}} for item in chunk]
                batch_write(self.table.dynamo, self.table.name, requests)
            deleted += len(found)
        return deleted
