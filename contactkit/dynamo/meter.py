"""Meter: what every request made through one client costs, measured while it runs.

It hooks botocore's events of *one* client (nothing global), so it sees exactly the requests the
library and the caller make, on any backend::

    with table.meter() as m:
        org.get(contact_id)
    m.requests, m.items_read, m.items_returned, m.rcu, m.wcu, m.bytes_read
    m.by_operation["GetItem"].requests
    m.latency("GetItem")              # (count, p50 ms, p95 ms)
    m.partition_requests              # Counter of partition key values (hot partitions)
    m.consumed_capacity               # what the backend itself reported (0 if it did not)

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

The meter asks each request for ``ReturnConsumedCapacity="TOTAL"`` when the caller did not
set it, records the backend's answer in ``consumed_capacity`` and removes it from the response
again, so the caller sees the response it would have seen without the meter. The embedded
engine reports constant values there; DynamoDB Local and AWS report real ones.

Meters are thread-safe, may be nested (each counts what happens inside its block) and may be
entered from several threads at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import limits, schema
from .capacity import (
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

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IndexKeys = Mapping[str, tuple[str, str | None]]

SCAN_PARTITION = "(scan)"
UNKNOWN_PARTITION = "(unknown)"

# Per-request state lives in botocore's request context (one dict per API call), shared by
# every meter on the client, so nested meters and threads never see each other's requests.
_PARAMS = "contactkit.dynamo.meter.params"
_STARTED = "contactkit.dynamo.meter.started"
_ADDED_CAPACITY = "contactkit.dynamo.meter.added_consumed_capacity"
_CONSUMED = "contactkit.dynamo.meter.consumed_capacity"

_EVENTS = (
    "before-parameter-build.dynamodb.*",
    "before-call.dynamodb.*",
    "after-call.dynamodb.*",
    "after-call-error.dynamodb.*",
)

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


@dataclass
class OperationStats:
    """Totals of one operation (``"Query"``, ``"PutItem"``...) while a meter was active."""

    requests: int = 0
    errors: int = 0
    items_read: int = 0
    items_returned: int = 0
    items_written: int = 0
    bytes_read: int = 0
    rcu: float = 0.0
    wcu: float = 0.0
    consumed_capacity: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def add(self, cost: RequestCost, consumed: float, latency_ms: float, error: bool) -> None:
        """Count one request into these totals."""
        self.requests += 1
        self.errors += int(error)
        self.items_read += cost.items_read
        self.items_returned += cost.items_returned
        self.items_written += cost.items_written
        self.bytes_read += cost.bytes_read
        self.rcu += cost.rcu
        self.wcu += cost.wcu
        self.consumed_capacity += consumed
        self.latencies_ms.append(latency_ms)


_TOTALS = tuple(f.name for f in fields(OperationStats) if f.name != "latencies_ms")


class Meter:
    """Records every request made through ``client`` while active (a ``with`` block).

    ``key_attribute`` is the table's partition key attribute and ``index_keys`` its global
    secondary indexes (name -> (hash, range)); both default to contactkit's design.

    Example::

        with Meter(db.client) as m:
            org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        m.wcu, m.by_operation["TransactWriteItems"].requests
    """

    def __init__(
        self,
        client: DynamoDBClient,
        *,
        key_attribute: str = "PK",
        index_keys: IndexKeys = schema.INDEX_KEYS,
    ) -> None:
        self.client = client
        self.key_attribute = key_attribute
        self.index_keys = index_keys
        self._stats: dict[str, OperationStats] = {}
        self._partitions: Counter[str] = Counter()
        self._item_bytes: dict[tuple[str, str], float] = {}  # (table, index) -> bytes per item
        self._lock = threading.Lock()
        self._depth = 0  # how many `with` blocks (any thread) are open

    # -- attaching -------------------------------------------------------------------------

    def attach(self) -> Meter:
        """Start recording (``with`` does this); calls nest, each needs a :meth:`detach`."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                events = self.client.meta.events
                events.register(_EVENTS[0], self._before_parameter_build)
                events.register(_EVENTS[1], self._before_call)
                events.register(_EVENTS[2], self._after_call)
                events.register(_EVENTS[3], self._after_call_error)
        return self

    def detach(self) -> None:
        """Stop recording once every :meth:`attach` has been matched."""
        with self._lock:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth == 0:
                events = self.client.meta.events
                events.unregister(_EVENTS[0], self._before_parameter_build)
                events.unregister(_EVENTS[1], self._before_call)
                events.unregister(_EVENTS[2], self._after_call)
                events.unregister(_EVENTS[3], self._after_call_error)

    def __enter__(self) -> Meter:
        return self.attach()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.detach()

    def reset(self) -> None:
        """Forget everything recorded so far."""
        with self._lock:
            self._stats.clear()
            self._partitions.clear()
            self._item_bytes.clear()

    # -- results ---------------------------------------------------------------------------

    @property
    def by_operation(self) -> defaultdict[str, OperationStats]:
        """A snapshot of the totals per operation (an operation never seen reads as zeros)."""
        with self._lock:
            return defaultdict(
                OperationStats,
                {
                    name: replace(stats, latencies_ms=list(stats.latencies_ms))
                    for name, stats in self._stats.items()
                },
            )

    @property
    def partition_requests(self) -> Counter[str]:
        """How often each partition key value was requested (``"(scan)"`` for Scans)."""
        with self._lock:
            return Counter(self._partitions)

    def _total(self, name: str) -> Any:
        with self._lock:
            return sum(getattr(stats, name) for stats in self._stats.values())

    @property
    def requests(self) -> int:
        return int(self._total("requests"))

    @property
    def errors(self) -> int:
        return int(self._total("errors"))

    @property
    def items_read(self) -> int:
        return int(self._total("items_read"))

    @property
    def items_returned(self) -> int:
        return int(self._total("items_returned"))

    @property
    def items_written(self) -> int:
        return int(self._total("items_written"))

    @property
    def bytes_read(self) -> int:
        return int(self._total("bytes_read"))

    @property
    def rcu(self) -> float:
        return float(self._total("rcu"))

    @property
    def wcu(self) -> float:
        return float(self._total("wcu"))

    @property
    def consumed_capacity(self) -> float:
        """Capacity units the backend reported in ``ConsumedCapacity`` (0 if it reported none)."""
        return float(self._total("consumed_capacity"))

    def latency(self, operation: str | None = None) -> tuple[int, float, float]:
        """``(count, p50 ms, p95 ms)`` of one operation's requests, or of all of them."""
        with self._lock:
            samples = sorted(
                latency
                for name, stats in self._stats.items()
                if operation is None or name == operation
                for latency in stats.latencies_ms
            )
        return len(samples), _percentile(samples, 50), _percentile(samples, 95)

    def summary(self, *, latency: bool = False) -> list[dict[str, Any]]:
        """One row per operation plus a ``"total"`` row (plain dicts, e.g. for a DataFrame).

        Latencies vary from run to run, so they are included only when asked for.
        """
        snapshot = self.by_operation
        rows = [_row(name, [snapshot[name]], latency) for name in sorted(snapshot)]
        rows.append(_row("total", list(snapshot.values()), latency))
        return rows

    def __repr__(self) -> str:
        return (
            f"<Meter requests={self.requests} items_read={self.items_read} "
            f"items_returned={self.items_returned} rcu={self.rcu:g} wcu={self.wcu:g} "
            f"bytes_read={self.bytes_read}>"
        )

    # -- botocore event handlers -------------------------------------------------------------

    def _before_parameter_build(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        context.setdefault(_PARAMS, params)
        members = model.input_shape.members if model.input_shape is not None else {}
        if "ReturnConsumedCapacity" in members and "ReturnConsumedCapacity" not in params:
            params["ReturnConsumedCapacity"] = "TOTAL"
            context[_ADDED_CAPACITY] = True

    def _before_call(self, context: dict[str, Any], **_: Any) -> None:
        context.setdefault(_STARTED, time.perf_counter())

    def _after_call(
        self,
        http_response: Any,
        parsed: dict[str, Any],
        model: Any,
        context: dict[str, Any],
        **_: Any,
    ) -> None:
        if _PARAMS not in context:  # attached while this request was already under way
            return
        if context.get(_ADDED_CAPACITY) and "ConsumedCapacity" in parsed:
            # Hidden from the caller, kept for the other meters of this request.
            context[_CONSUMED] = parsed.pop("ConsumedCapacity")
        consumed = context.get(_CONSUMED, parsed.get("ConsumedCapacity"))
        error = parsed.get("Error", {}).get("Code") if http_response.status_code >= 300 else None
        params = context[_PARAMS]
        source = (str(params.get("TableName", "")), str(params.get("IndexName", "")))
        with self._lock:
            known_bytes = self._item_bytes.get(source)
        cost = request_cost(
            model.name,
            params,
            parsed,
            error=error,
            key_attribute=self.key_attribute,
            index_keys=self.index_keys,
            unseen_item_bytes=known_bytes,
        )
        if cost.page_item_bytes is not None:
            with self._lock:
                self._item_bytes[source] = cost.page_item_bytes
        self._record(model.name, cost, _capacity_units(consumed), context, error is not None)

    def _after_call_error(self, context: dict[str, Any], event_name: str, **_: Any) -> None:
        # The request never got an answer (connection lost after botocore's retries).
        if _PARAMS in context:
            operation = event_name.rsplit(".", 1)[-1]
            self._record(operation, RequestCost(), 0.0, context, True)

    def _record(
        self,
        operation: str,
        cost: RequestCost,
        consumed: float,
        context: dict[str, Any],
        error: bool,
    ) -> None:
        started = context.get(_STARTED)
        latency_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        with self._lock:
            stats = self._stats.setdefault(operation, OperationStats())
            stats.add(cost, consumed, latency_ms, error)
            self._partitions.update(cost.partitions)


# -- pure accounting -----------------------------------------------------------------------


def request_cost(
    operation: str,
    params: Mapping[str, Any],
    response: Mapping[str, Any],
    *,
    error: str | None = None,
    key_attribute: str = "PK",
    index_keys: IndexKeys = schema.INDEX_KEYS,
    unseen_item_bytes: float | None = None,
) -> RequestCost:
    """What one request read, returned, wrote and cost, from its parameters and response.

    ``error`` is the error code when the request failed. ``unseen_item_bytes`` is the size to
    assume for items a filter dropped (see the module docstring for the rules and their
    approximations).
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
                units += write_units(item_size(item)) + index_write_units(None, item, index_keys)
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
            units += transactional_write_units(item_size(item))
            units += index_write_units(None, item, index_keys)
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


def _capacity_units(consumed: Any) -> float:
    """Total ``CapacityUnits`` of a ``ConsumedCapacity`` (a dict, or a list for batches)."""
    if not consumed:
        return 0.0
    entries = consumed if isinstance(consumed, list) else [consumed]
    return float(sum(entry.get("CapacityUnits", 0.0) for entry in entries))


def _percentile(sorted_samples: list[float], percent: float) -> float:
    """Nearest-rank percentile (0.0 when there are no samples)."""
    if not sorted_samples:
        return 0.0
    rank = max(1, -(-len(sorted_samples) * percent // 100))
    return sorted_samples[int(rank) - 1]


def _row(name: str, stats: list[OperationStats], latency: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"operation": name}
    for total in _TOTALS:
        row[total] = sum(getattr(s, total) for s in stats)
    if latency:
        samples = sorted(x for s in stats for x in s.latencies_ms)
        row["p50_ms"] = _percentile(samples, 50)
        row["p95_ms"] = _percentile(samples, 95)
    return row
