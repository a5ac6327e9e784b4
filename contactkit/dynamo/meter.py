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
    m.records[0].params, m.records[0].source   # every request, and where its units come from
    m.dropped_foreign                 # index items of another org that a reader dropped

Three modules, one concept each: this one records (botocore's events to one
:class:`~contactkit.dynamo.totals.RequestRecord` per request), :mod:`contactkit.dynamo.requestcost`
says what a request costs and defines the counts (items read and returned, units, and their
approximations), :mod:`contactkit.dynamo.totals` adds records up per operation.

The meter asks each request for ``ReturnConsumedCapacity="INDEXES"`` when the caller did not
set it, and removes the answer from the response again, so the caller sees the response it
would have seen without the meter. ``rcu`` and ``wcu`` are what the backend reported there
(AWS, DynamoDB Local, and the embedded engine, which charges by DynamoDB's documented rules:
:mod:`contactkit.engine.charges`). Only when a backend reports nothing, and for failed
requests (a write refused by its condition is charged, but an error response carries no
``ConsumedCapacity``), are they the meter's own computation
(:mod:`contactkit.dynamo.requestcost`); each record says which (``source``: ``"backend"`` or
``"computed"``). ``items_read``, ``items_returned`` and ``bytes_read`` are always the meter's.
A write the backend reported units for is not sized at all (its record's ``cost.wcu`` stays
0): sizing every item of a bulk write was most of a meter's work.

Every request is kept (:attr:`Meter.records`, at most ``max_records``, oldest first): its
operation, its parameters as boto3 sent them, what it read, returned and cost.

Meters are thread-safe, may be nested (each counts what happens inside its block) and may be
entered from several threads at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import schema
from .capacity import IndexKeys
from .fastwrite import sent_params
from .requestcost import RequestCost, reported_capacity, request_cost
from .totals import TOTALS, OperationStats, RequestRecord, Total

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

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

# Emitted on the client's events by OrgReader when an index Query returned items whose table
# key is another org's (planted through an index key, which IAM's LeadingKeys cannot guard).
FOREIGN_ITEMS_EVENT = "contactkit.foreign-items-dropped"


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
        max_records: int = 10_000,
    ) -> None:
        self.client = client
        self.max_records = max_records
        self._records: list[RequestRecord] = []
        self.dropped_records = 0  # requests past max_records: counted, not kept
        self.dropped_foreign = 0  # index items of another org, dropped by the reader
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
                events.register(FOREIGN_ITEMS_EVENT, self._foreign_items_dropped)
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
                events.unregister(FOREIGN_ITEMS_EVENT, self._foreign_items_dropped)

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
            self._records.clear()
            self.dropped_records = 0
            self.dropped_foreign = 0
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
    def records(self) -> list[RequestRecord]:
        """Every request recorded so far, oldest first (a snapshot; see ``max_records``)."""
        with self._lock:
            return list(self._records)

    @property
    def partition_requests(self) -> Counter[str]:
        """How often each partition key value was requested (``"(scan)"`` for Scans)."""
        with self._lock:
            return Counter(self._partitions)

    # The totals over every operation, one per field of OperationStats (see Total).
    requests = Total(int, "Requests sent (botocore's retries inside one are not counted again).")
    errors = Total(int, "Requests that failed (a refused condition, or no answer at all).")
    items_read = Total(int, "Items DynamoDB read to answer (ScannedCount for Query and Scan).")
    items_returned = Total(int, "Items in the responses (Item, Items, Responses).")
    items_written = Total(int, "Items written (a ConditionCheck writes none).")
    bytes_read = Total(int, "Bytes read, by DynamoDB's item size rules.")
    rcu = Total(float, "Read capacity units the backend reported (computed where it did not).")
    wcu = Total(float, "Write capacity units, index writes included (reported, else computed).")
    consumed_capacity = Total(
        float, "Capacity units the backend reported in ConsumedCapacity (0 if it reported none)."
    )

    def totals(self) -> OperationStats:
        """Every operation's totals added up (a snapshot)."""
        with self._lock:
            return OperationStats.combined(self._stats.values())

    def total(self, name: str) -> float:
        """One total (``"rcu"``, ``"requests"``..., one of :data:`TOTALS`) over every operation."""
        if name not in TOTALS:
            raise ValueError(f"{name!r} is not a meter total; the totals are {', '.join(TOTALS)}")
        with self._lock:
            return float(sum(getattr(stats, name) for stats in self._stats.values()))

    def latency(self, operation: str | None = None) -> tuple[int, float, float]:
        """``(count, p50 ms, p95 ms)`` of one operation's requests, or of all of them."""
        if operation is None:
            return self.totals().latency()
        return self.by_operation[operation].latency()

    def summary(self, *, latency: bool = False) -> list[dict[str, Any]]:
        """One row per operation plus a ``"total"`` row (plain dicts, e.g. for a DataFrame).

        Latencies vary from run to run, so they are included only when asked for.
        """
        snapshot = self.by_operation
        rows = [snapshot[name].row(name, latency=latency) for name in sorted(snapshot)]
        rows.append(OperationStats.combined(snapshot.values()).row("total", latency=latency))
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
            params["ReturnConsumedCapacity"] = "INDEXES"
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
        params = sent_params(context, context[_PARAMS])
        source = (str(params.get("TableName", "")), str(params.get("IndexName", "")))
        with self._lock:
            known_bytes = self._item_bytes.get(source)
        reported = None if error is not None else reported_capacity(model.name, consumed)
        cost = request_cost(
            model.name,
            params,
            parsed,
            error=error,
            key_attribute=self.key_attribute,
            index_keys=self.index_keys,
            unseen_item_bytes=known_bytes,
            write_units=reported is None,  # the backend's figure is the one recorded
        )
        if cost.page_item_bytes is not None:
            with self._lock:
                self._item_bytes[source] = cost.page_item_bytes
        record = RequestRecord(
            model.name,
            cost,
            consumed_capacity=reported.total if reported is not None else 0.0,
            error=error is not None,
            reported=reported,
            params=_as_sent(params, added=bool(context.get(_ADDED_CAPACITY))),
        )
        self._record(record, context)

    def _after_call_error(self, context: dict[str, Any], event_name: str, **_: Any) -> None:
        # The request never got an answer (connection lost after botocore's retries).
        if _PARAMS in context:
            operation = event_name.rsplit(".", 1)[-1]
            sent = sent_params(context, context[_PARAMS])
            params = _as_sent(sent, added=bool(context.get(_ADDED_CAPACITY)))
            self._record(
                RequestRecord(operation, RequestCost(), error=True, params=params), context
            )

    def _foreign_items_dropped(self, count: int, **_: Any) -> None:
        with self._lock:
            self.dropped_foreign += count

    def _record(self, record: RequestRecord, context: dict[str, Any]) -> None:
        started = context.get(_STARTED)
        latency_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        record = replace(record, latency_ms=latency_ms)
        with self._lock:
            self._stats.setdefault(record.operation, OperationStats()).add(record)
            self._partitions.update(record.cost.partitions)
            if len(self._records) < self.max_records:
                self._records.append(record)
            else:
                self.dropped_records += 1


def _as_sent(params: dict[str, Any], *, added: bool) -> dict[str, Any]:
    """The caller's parameters (a shallow copy), without the meter's ReturnConsumedCapacity."""
    sent = dict(params)
    if added:
        sent.pop("ReturnConsumedCapacity", None)
    return sent
