"""What one request reads, returns, writes and costs (pure: from its parameters and response).

:func:`request_cost` is the accounting of :class:`~contactkit.dynamo.meter.Meter`, which calls
it once per request; :func:`partition_keys` names the partitions a request addresses.

Definitions. A *request* is one API call (botocore's retries inside it are not counted again).
*Items returned* are the items in the response (``Item``, ``Items``, ``Responses``).
*Items read* are the items DynamoDB read to answer: ``ScannedCount`` for Query and Scan, the
items found for GetItem, BatchGetItem and TransactGetItems. *Read/write units* (``rcu``,
``wcu``) are computed from item sizes by DynamoDB's documented rules
(:mod:`contactkit.dynamo.capacity`), so they are the same on the embedded engine, DynamoDB
Local and AWS.

Approximations, because a client sees only requests and responses:

* A filter expression drops items after they were read and charged; their sizes are not
  visible. A page that DynamoDB ended at its 1 MB limit (``LastEvaluatedKey`` without ``Limit``
  being reached) read 1 MB, and the meter remembers the bytes per item that implies for the
  table or index. Other pages estimate the dropped items at that remembered size, else at the
  average size of the items the page returned, and never above 1 MB; when it returned
  nothing, only the minimum charge is counted. ``Select="COUNT"`` and projection
  expressions likewise hide sizes (DynamoDB charges the whole item), so ``bytes_read`` and
  ``rcu`` are then lower bounds.
  A page that ends (``LastEvaluatedKey``) before reaching ``Limit`` was cut by DynamoDB at
  1 MB of data read, so it counts at least 1 MB whatever the filter kept.
* UpdateItem and DeleteItem do not send the item, so they are counted at the minimum of one
  write unit, unless ``ReturnValues`` (``ALL_OLD``/``ALL_NEW``) returns the item, whose size is
  used. PutItem counts the larger of the new item and, with ``ReturnValues="ALL_OLD"``, the
  old one.
* Index writes (global secondary indexes, from ``index_keys``, default
  :data:`contactkit.dynamo.schema.INDEX_KEYS`): a Put whose item has an index's key attributes costs
  one index write of the item's size (an overwrite keeping the same index key costs the same;
  one that changes or removes the key costs one more, which is not visible without the old
  item). A Delete costs index writes only when ``ALL_OLD`` shows the deleted item; an Update
  costs one in-place index write per index of the returned item. Index writes count at the
  standard rate, also inside transactions.
* Transactions: every action counts twice (prepare + commit); Update, Delete and
  ConditionCheck actions at the minimum size, so at two units each.
* A write refused by its condition (``ConditionalCheckFailedException``) is charged like the
  write (DynamoDB charges conditional writes that fail); other errors are counted in
  ``errors`` with no units.
* A Query on an index is eventually consistent (global secondary indexes support nothing else).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import limits, schema
from .capacity import (
    IndexKeys,
    batch_read_units,
    index_write_units,
    query_read_units,
    read_units,
    transactional_read_units,
    transactional_write_units,
    write_units,
)
from .sizes import item_size
from .types import Item

SCAN_PARTITION = "(scan)"
UNKNOWN_PARTITION = "(unknown)"

# `name = :value` or `:value = name` (not <=, >=) in a key condition expression.
_EQUALITY = re.compile(r"([#:]?[\w.-]+)\s*(?<![<>])=\s*([#:]?[\w.-]+)")


@dataclass(frozen=True)
class RequestCost:
    """What one request read, returned, wrote and cost (from :func:`request_cost`)."""

    items_read: int = 0
    items_returned: int = 0
    items_written: int = 0
    bytes_read: int = 0
    rcu: float = 0.0
    wcu: float = 0.0
    partitions: tuple[str, ...] = ()
    # Bytes per item read, known when a filtered page stopped at 1 MB (for later estimates).
    page_item_bytes: float | None = None


@dataclass(frozen=True)
class Capacity:
    """The units of one request's ``ConsumedCapacity`` as a backend reported them."""

    read: float = 0.0
    write: float = 0.0
    # (table, index) -> units; index "" is the table itself (only with INDEXES).
    parts: tuple[tuple[str, str, float], ...] = ()

    @property
    def total(self) -> float:
        return self.read + self.write


def request_cost(
    operation: str,
    params: Mapping[str, Any],
    response: Mapping[str, Any],
    *,
    error: str | None = None,
    key_attribute: str = "PK",
    index_keys: IndexKeys = schema.INDEX_KEYS,
    unseen_item_bytes: float | None = None,
    write_units: bool = True,
) -> RequestCost:
    """What one request read, returned, wrote and cost, from its parameters and response.

    ``error`` is the error code when the request failed. ``unseen_item_bytes`` is the size to
    assume for items a filter dropped (see the module docstring for the rules and their
    approximations). ``write_units=False`` leaves a successful write's ``wcu`` at 0 and
    counts only its items: for a caller that has the backend's own figure, sizing every
    written item (most of the work on a bulk write) would be wasted.
    """
    partitions = tuple(partition_keys(operation, params, key_attribute, index_keys))
    if error is not None:
        if error == "ConditionalCheckFailedException" and operation in _SINGLE_WRITES:
            # A write refused by its condition is still charged (no index is touched).
            written = _single_write(operation, params, response, {})
            return RequestCost(wcu=written.wcu, partitions=partitions)
        return RequestCost(partitions=partitions)
    measure = _MEASURES.get(operation)
    if measure is None:
        return RequestCost(partitions=partitions)
    if not write_units and operation in _WRITES:
        count = _items_written(operation, params, response)
        return RequestCost(items_written=count, partitions=partitions)
    if measure is _query_or_scan:
        cost = _query_or_scan(operation, params, response, index_keys, unseen_item_bytes)
    else:
        cost = measure(operation, params, response, index_keys)
    return replace(cost, partitions=partitions)


def _get_item(
    op: str, params: Mapping[str, Any], response: Mapping[str, Any], _: Any
) -> RequestCost:
    item = response.get("Item")
    size = item_size(item) if item else 0
    found = int(bool(item))
    consistent = bool(params.get("ConsistentRead"))
    return RequestCost(
        items_read=found,
        items_returned=found,
        bytes_read=size,
        rcu=read_units(size, consistent=consistent),
    )


def _batch_get_item(
    op: str, params: Mapping[str, Any], response: Mapping[str, Any], _: Any
) -> RequestCost:
    found = returned_bytes = 0
    rcu = 0.0
    for table, request in params.get("RequestItems", {}).items():
        items = response.get("Responses", {}).get(table, [])
        unprocessed = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        sizes = [item_size(item) for item in items]
        # Keys that were processed but not found still cost the minimum each.
        missing = max(0, len(request.get("Keys", [])) - len(unprocessed) - len(items))
        rcu += batch_read_units(
            [*sizes, *[0] * missing], consistent=bool(request.get("ConsistentRead"))
        )
        found += len(items)
        returned_bytes += sum(sizes)
    return RequestCost(items_read=found, items_returned=found, bytes_read=returned_bytes, rcu=rcu)


def _query_or_scan(
    op: str,
    params: Mapping[str, Any],
    response: Mapping[str, Any],
    _: Any,
    unseen_item_bytes: float | None = None,
) -> RequestCost:
    items = response.get("Items", [])
    scanned = int(response.get("ScannedCount", response.get("Count", len(items))))
    returned_bytes = sum(item_size(item) for item in items)
    unseen = max(0, scanned - len(items))
    limit = params.get("Limit")
    stopped_at_size = "LastEvaluatedKey" in response and (limit is None or scanned < int(limit))
    page_item_bytes = None
    if unseen and stopped_at_size:
        # The page ended at DynamoDB's 1 MB read limit: that is what it read.
        bytes_read = max(returned_bytes, limits.MAX_PAGE_BYTES)
        page_item_bytes = bytes_read / scanned
    else:
        # Items a filter dropped (or Select=COUNT hid) were read but not returned: estimate them
        # at the size learnt from a full page, else at the average size of the returned ones.
        if unseen_item_bytes is not None:
            per_item = unseen_item_bytes
        else:
            per_item = returned_bytes / len(items) if items else 0.0
        # No page reads more than 1 MB (beyond the item that crossed the limit).
        bytes_read = min(
            returned_bytes + round(per_item * unseen), max(returned_bytes, limits.MAX_PAGE_BYTES)
        )
    consistent = bool(params.get("ConsistentRead")) and "IndexName" not in params
    return RequestCost(
        items_read=scanned,
        items_returned=len(items),
        bytes_read=bytes_read,
        rcu=query_read_units(bytes_read, consistent=consistent),
        page_item_bytes=page_item_bytes,
    )


def _transact_get_items(
    op: str, params: Mapping[str, Any], response: Mapping[str, Any], _: Any
) -> RequestCost:
    entries = response.get("Responses", [])
    items = [entry["Item"] for entry in entries if entry.get("Item")]
    sizes = [item_size(item) for item in items]
    missing = max(0, len(params.get("TransactItems", [])) - len(items))
    rcu = sum(transactional_read_units(size) for size in [*sizes, *[0] * missing])
    return RequestCost(
        items_read=len(items), items_returned=len(items), bytes_read=sum(sizes), rcu=rcu
    )


_SINGLE_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem"})


def _single_write(
    op: str, params: Mapping[str, Any], response: Mapping[str, Any], index_keys: IndexKeys
) -> RequestCost:
    returned: Item | None = response.get("Attributes") or None
    if op == "PutItem":
        new: Item = params["Item"]
        old = returned if params.get("ReturnValues") == "ALL_OLD" else None
        size = max(item_size(new), item_size(old) if old else 0)
        indexes = index_write_units(old, new, index_keys)
    elif op == "DeleteItem":
        old = returned if params.get("ReturnValues") == "ALL_OLD" else None
        size = item_size(old) if old else 0
        indexes = index_write_units(old, None, index_keys)
    else:  # UpdateItem: only a whole returned item tells its size
        image = returned if params.get("ReturnValues") in ("ALL_OLD", "ALL_NEW") else None
        size = item_size(image) if image else 0
        indexes = index_write_units(image, image, index_keys)
    return RequestCost(items_written=1, wcu=float(write_units(size) + indexes))


def _batch_write_item(
    op: str, params: Mapping[str, Any], response: Mapping[str, Any], index_keys: IndexKeys
) -> RequestCost:
    sent = _batch_write_units(params.get("RequestItems", {}), index_keys)
    unprocessed = _batch_write_units(response.get("UnprocessedItems", {}), index_keys)
    return RequestCost(items_written=sent[0] - unprocessed[0], wcu=float(sent[1] - unprocessed[1]))


def _batch_write_units(
    requests_by_table: Mapping[str, Iterable[Mapping[str, Any]]], index_keys: IndexKeys
) -> tuple[int, int]:
    """``(requests, write units)`` of BatchWriteItem's ``RequestItems``-shaped map."""
    count = units = 0
    for requests in requests_by_table.values():
        for request in requests:
            count += 1
            if "PutRequest" in request:
                item = request["PutRequest"]["Item"]
                size = item_size(item)
                units += write_units(size)
                units += index_write_units(None, item, index_keys, new_size=size)
            else:
                units += write_units(0)
    return count, units


def _transact_write_items(
    op: str, params: Mapping[str, Any], response: Mapping[str, Any], index_keys: IndexKeys
) -> RequestCost:
    written = units = 0
    for action in params.get("TransactItems", []):
        if "Put" in action:
            item = action["Put"]["Item"]
            size = item_size(item)
            units += transactional_write_units(size)
            units += index_write_units(None, item, index_keys, new_size=size)
        else:  # Update, Delete, ConditionCheck: the item is not visible
            units += transactional_write_units(0)
        written += int("ConditionCheck" not in action)
    return RequestCost(items_written=written, wcu=float(units))


_MEASURES = {
    "GetItem": _get_item,
    "BatchGetItem": _batch_get_item,
    "Query": _query_or_scan,
    "Scan": _query_or_scan,
    "TransactGetItems": _transact_get_items,
    "PutItem": _single_write,
    "UpdateItem": _single_write,
    "DeleteItem": _single_write,
    "BatchWriteItem": _batch_write_item,
    "TransactWriteItems": _transact_write_items,
}


_WRITES = frozenset({*_SINGLE_WRITES, "BatchWriteItem", "TransactWriteItems"})


def _items_written(operation: str, params: Mapping[str, Any], response: Mapping[str, Any]) -> int:
    """The items a successful write wrote, as its measure counts them, without sizing any."""
    if operation == "TransactWriteItems":
        return sum("ConditionCheck" not in action for action in params.get("TransactItems", []))
    if operation == "BatchWriteItem":
        sent = params.get("RequestItems", {}).values()
        unprocessed = response.get("UnprocessedItems", {}).values()
        return sum(map(len, sent)) - sum(map(len, unprocessed))
    return 1


_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})


def reported_capacity(operation: str, consumed: Any) -> Capacity | None:
    """A response's ``ConsumedCapacity`` (a dict, or a list for batches and transactions) as
    read and write units, with the per-table and per-index parts when the backend gave them.

    ``None`` when the backend reported nothing. Units a backend does not split into
    ``ReadCapacityUnits``/``WriteCapacityUnits`` count by the operation (a read or a write).
    """
    if not consumed:
        return None
    entries = consumed if isinstance(consumed, list) else [consumed]
    read = write = 0.0
    parts: list[tuple[str, str, float]] = []
    for entry in entries:
        units = float(entry.get("CapacityUnits", 0.0))
        if "ReadCapacityUnits" in entry or "WriteCapacityUnits" in entry:
            read += float(entry.get("ReadCapacityUnits", 0.0))
            write += float(entry.get("WriteCapacityUnits", 0.0))
        elif operation in _READS:
            read += units
        else:
            write += units
        table = str(entry.get("TableName", ""))
        if "Table" in entry:
            parts.append((table, "", float(entry["Table"].get("CapacityUnits", 0.0))))
        for section in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            for index, found in sorted(entry.get(section, {}).items()):
                parts.append((table, index, float(found.get("CapacityUnits", 0.0))))
    return Capacity(read=read, write=write, parts=tuple(parts))


def written_items(operation: str, params: Mapping[str, Any]) -> list[tuple[str, Item, str]]:
    """``(action, key or item, type)`` of every item a write request names.

    ``action`` is ``Put``, ``Update``, ``Delete`` or ``ConditionCheck``; ``type`` is the item's
    ``type`` attribute when the request carries the item (a put), else ``""``.
    """
    found: list[tuple[str, Item, str]] = []

    def add(action: str, body: Mapping[str, Any], key_field: str) -> None:
        item = body.get(key_field) or {}
        kind = item.get("type", {}).get("S", "") if action == "Put" else ""
        found.append((action, item, str(kind)))

    if operation == "PutItem":
        add("Put", params, "Item")
    elif operation in ("UpdateItem", "DeleteItem"):
        add(operation.removesuffix("Item"), params, "Key")
    elif operation == "BatchWriteItem":
        for requests in params.get("RequestItems", {}).values():
            for request in requests:
                if "PutRequest" in request:
                    add("Put", request["PutRequest"], "Item")
                else:
                    add("Delete", request.get("DeleteRequest", {}), "Key")
    elif operation == "TransactWriteItems":
        for action in params.get("TransactItems", []):
            ((kind, body),) = action.items()
            add(kind, body, "Item" if kind == "Put" else "Key")
    return found


def partition_keys(
    operation: str,
    params: Mapping[str, Any],
    key_attribute: str = "PK",
    index_keys: IndexKeys = schema.INDEX_KEYS,
) -> list[str]:
    """The partition key values one request addresses (one per key or item it names)."""
    if operation == "Scan":
        return [SCAN_PARTITION]
    if operation == "Query":
        index = str(params.get("IndexName", ""))
        hash_attr = index_keys[index][0] if index in index_keys else key_attribute
        return [_query_partition(params, hash_attr)]
    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        return [_key_value(params.get("Key"), key_attribute)]
    if operation == "PutItem":
        return [_key_value(params.get("Item"), key_attribute)]
    if operation == "BatchGetItem":
        return [
            _key_value(key, key_attribute)
            for request in params.get("RequestItems", {}).values()
            for key in request.get("Keys", [])
        ]
    if operation == "BatchWriteItem":
        return [
            _key_value(
                request["PutRequest"]["Item"]
                if "PutRequest" in request
                else request.get("DeleteRequest", {}).get("Key"),
                key_attribute,
            )
            for requests in params.get("RequestItems", {}).values()
            for request in requests
        ]
    if operation in ("TransactGetItems", "TransactWriteItems"):
        found = []
        for action in params.get("TransactItems", []):
            ((_, body),) = action.items()
            found.append(_key_value(body.get("Item") or body.get("Key"), key_attribute))
        return found
    return []


def _query_partition(params: Mapping[str, Any], hash_attr: str) -> str:
    """The value bound to ``hash_attr`` by the equality of the key condition."""
    legacy = params.get("KeyConditions", {}).get(hash_attr)
    if legacy and legacy.get("AttributeValueList"):
        return _scalar(legacy["AttributeValueList"][0])
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    for left, right in _EQUALITY.findall(params.get("KeyConditionExpression", "")):
        for name, value in ((left, right), (right, left)):
            if names.get(name, name) == hash_attr and value in values:
                return _scalar(values[value])
    return UNKNOWN_PARTITION


def _key_value(key: Mapping[str, Any] | None, attribute: str) -> str:
    if not key or attribute not in key:
        return UNKNOWN_PARTITION
    return _scalar(key[attribute])


def _scalar(value: Mapping[str, Any]) -> str:
    ((_, payload),) = value.items()
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
