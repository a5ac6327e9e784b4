"""The embedded DynamoDB engine: moto's DynamoDB served over HTTP inside this process.

The engine is a real HTTP endpoint on 127.0.0.1 with a free port, so the library talks to it
through boto3 exactly as it talks to DynamoDB Local or AWS. It is built like moto's
``ThreadedMotoServer`` (werkzeug's threaded WSGI server in a daemon thread) but serves moto's
DynamoDB request handler directly instead of moto's Flask dispatcher, which needs moto's heavy
``server`` extra (Flask, cfn-lint, ...) and routes every request to process-global backends.
Two things differ from ``ThreadedMotoServer``:

* **Isolation.** Each engine owns its own ``DynamoDBBackend`` instead of moto's process-wide
  registry, so two ``connect()`` calls in one process never see each other's tables.
* **Correct, fast transactions.** Moto 5.2 deep-copies every table named in a
  ``TransactWriteItems`` before applying it (O(table) per transaction: 85 ms at 2,000 items,
  248 ms at 6,000) and restores that copy on failure without a lock, so concurrent
  transactions lose writes. Here every request to the engine is serialised by one lock, and a
  transaction checks every condition first, then applies, copying only the items it touches
  so that a failure part-way through can be rolled back. Cost: O(actions), not O(table).
* **Queries that seek, items kept compact.** moto filters and sorts the whole table for every
  Query page and rebuilds every item for every answer; the engine's tables
  (:mod:`contactkit.engine.tables`) keep partitions and index entries sorted on write, hold
  items as their JSON between requests and answer with it through orjson. Item requests are
  parsed with orjson instead of moto's shape-walking parser (:func:`item_request`).
* **Capacity as DynamoDB counts it.** moto answers ``ReturnConsumedCapacity`` with constants;
  here every item read and write reports what DynamoDB's documented rules charge, per table
  and per index (:mod:`contactkit.engine.charges`).
* **Connections kept open.** werkzeug's server closes the connection after every answer; the
  engine's (:mod:`contactkit.engine.server`) reads each SDK request's body whole and keeps
  the connection for the client's next request.
* **No browser gets in.** The engine has no authentication, and moto would take the operation
  from the query string (``POST /?Action=DeleteTable`` with a ``text/plain`` body is a "simple"
  request a web page may send without a CORS preflight). :class:`LoopbackGuard` answers 403
  unless the request is a POST with ``X-Amz-Target`` and the ``application/x-amz-json-1.0``
  body botocore sends to DynamoDB (and DynamoDB Streams), with no ``Origin`` header and a
  ``Host`` that is a loopback name with the bound port (a DNS-rebound name is refused).
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import orjson
from moto.core.request import Request as MotoRequest
from moto.core.responses import ActionResult
from moto.dynamodb import comparisons as moto_comparisons
from moto.dynamodb import models as moto_models
from moto.dynamodb import responses as moto_responses
from moto.dynamodb.comparisons import ConditionExpressionParser, Func, Op, get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    ResourceInUseException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.models import DynamoDBStreamsBackend
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from werkzeug.wrappers import Response

from ..gcpause import collector_paused
from .charges import Bill
from .keys import key_value
from .server import EngineServer
from .tables import BINARY, EngineTable, answer, compact_touched, with_bytes

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
_DYNAMODB_TARGET = "DynamoDB_20120810."
_STREAMS_TARGET = "DynamoDBStreams_20120810."
# botocore's model of both APIs: protocol "json", jsonVersion "1.0" (never 1.1 or CBOR).
_JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_PLAIN_JSON_READS = frozenset({"BatchGetItem", "GetItem", "Query", "Scan", "TransactGetItems"})
_ITEM_OPERATIONS = _PLAIN_JSON_READS | {
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
}

_READ_OPERATIONS = frozenset(
    {
        "BatchGetItem",
        "DescribeContinuousBackups",
        "DescribeTable",
        "DescribeTimeToLive",
        "GetItem",
        "ListTables",
        "ListTagsOfResource",
        "Query",
        "Scan",
        "TransactGetItems",
    }
)
_WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class CachedConditionParser(ConditionExpressionParser):
    """moto's condition expression parser, remembering what each expression parsed to.

    moto parses every condition twice per write (its handler's validation, then the check),
    and an import sends the same few expressions thousands of times. The parsed tree (moto's
    ``Op``) is not changed by evaluating it, so one parse serves every request with the same
    expression, names and values; errors are not remembered (each request raises its own).
    """

    CACHE_SIZE = 4096
    cache: dict[bytes, tuple[Op | Func, list[str], list[str]]] = {}  # noqa: RUF012
    lock = threading.Lock()

    def parse(self) -> Op | Func:
        try:
            key = orjson.dumps(
                [
                    self.condition_expression,
                    self.expression_attribute_names,
                    self.expression_attribute_values,
                ],
                option=orjson.OPT_SORT_KEYS,
            )
        except TypeError:  # binary values: parsed every time
            return super().parse()
        with self.lock:
            parsed = self.cache.get(key)
        if parsed is None:
            op = super().parse()
            parsed = (op, list(self.expr_attr_names_found), list(self.expr_attr_values_found))
            with self.lock:
                if len(self.cache) >= self.CACHE_SIZE:
                    self.cache.clear()
                self.cache[key] = parsed
            return op
        self.expr_attr_names_found.extend(parsed[1])
        self.expr_attr_values_found.extend(parsed[2])
        return parsed[0]


def cached_parser(
    expr: str | None,
    names: dict[str, str] | None,
    values: dict[str, dict[str, str]] | None,
) -> ConditionExpressionParser:
    """moto's ``create_condition_expression_parser``, with the parse cache."""
    return CachedConditionParser(expr, names, values)


# moto's handler, backend and get_filter_expression find the parser by these module names when
# they run (a process-wide change, invisible but for speed: tests/engine/test_embedded.py).
moto_comparisons.create_condition_expression_parser = cached_parser
moto_responses.create_condition_expression_parser = cached_parser  # type: ignore[attr-defined]
moto_models.create_condition_expression_parser = cached_parser  # type: ignore[attr-defined]

_moto_validate_put_has_empty_keys = moto_responses.validate_put_has_empty_keys


def validate_put_has_empty_keys(
    field_updates: dict[str, Any], table: Table, custom_error_msg: str | None = None
) -> None:
    """moto's check that no key attribute (of the table or a GSI) is an empty string or
    binary: moto lists every attribute's emptiness for every write; an item without an empty
    string or binary (nearly every item) cannot fail it, so only the others are checked."""
    if table:
        for value in field_updates.values():
            if type(value) is not dict or len(value) != 1:
                break  # an unusual value: moto's own check decides
            ((kind, payload),) = value.items()
            if kind in ("S", "B") and payload == "":
                break
        else:
            return
    _moto_validate_put_has_empty_keys(field_updates, table, custom_error_msg)


moto_responses.validate_put_has_empty_keys = validate_put_has_empty_keys


class _Action:
    """One TransactWriteItems action, resolved against its table before anything is applied."""

    def __init__(self, backend: DynamoDBBackend, entry: dict[str, Any]) -> None:
        if len(entry) != 1:
            raise TransactWriteSingleOpException()
        self.op_type, self.op = next(iter(entry.items()))
        if self.op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise MockValidationException(f"Unsupported transaction operation {self.op_type}")
        self.table: Table = backend.get_table(self.op["TableName"])
        key = self.op["Item"] if self.op_type == "Put" else self.op["Key"]
        for attr in (self.table.hash_key_attr, self.table.range_key_attr):
            if attr is not None and attr not in key:
                raise MockValidationException(
                    f"One or more parameter values were invalid: Missing the key {attr} in the item"
                )
        self.hash_key = key_value(key[self.table.hash_key_attr])
        self.range_key = (
            key_value(key[self.table.range_key_attr]) if self.table.range_key_attr else None
        )
        self._before: tuple[Item | None] | None = None

    @property
    def identity(self) -> tuple[str, Any, Any]:
        return (self.table.name, self.hash_key, self.range_key)

    def current(self) -> Item | None:
        """The item before the transaction (looked up once: nothing changes before apply)."""
        if self._before is None:
            self._before = (self.table.get_item(self.hash_key, self.range_key),)
        return self._before[0]

    def failed_condition(self) -> tuple[str, str, dict[str, Any] | None] | None:
        """Return the cancellation reason when this action's condition does not hold."""
        expression = self.op.get("ConditionExpression")
        if expression is None:
            return None
        current = self.current()
        condition = get_filter_expression(
            expression,
            self.op.get("ExpressionAttributeNames"),
            self.op.get("ExpressionAttributeValues"),
        )
        if condition.expr(current):
            return None
        old = None
        if self.op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
            old = current.to_json()["Attributes"]
        return ("ConditionalCheckFailed", "The conditional request failed", old)

    def apply(self, backend: DynamoDBBackend) -> None:
        """Apply the write; its condition was already checked under the engine lock."""
        name = self.table.name
        names = self.op.get("ExpressionAttributeNames")
        values = self.op.get("ExpressionAttributeValues")
        table = self.table
        if self.op_type == "Put" and isinstance(table, EngineTable) and self.range_key is not None:
            # its key values and current item are known already: not made again
            table.put_known(self.op["Item"], self.hash_key, self.range_key, self.current())
        elif self.op_type == "Put":
            backend.put_item(name, self.op["Item"])
        elif self.op_type == "Delete":
            backend.delete_item(name, self.op["Key"])
        elif self.op_type == "Update":
            backend.update_item(
                name,
                self.op["Key"],
                update_expression=self.op["UpdateExpression"],
                expression_attribute_names=names,
                expression_attribute_values=values,
            )

    def restore(self, saved: Item | None) -> None:
        """Put this action's item back exactly as it was before the transaction."""
        items: Any = self.table.items  # {hash: Item} or {hash: {range: Item}}
        if self.range_key is None:
            if saved is None:
                items.pop(self.hash_key, None)
            else:
                items[self.hash_key] = saved
        elif saved is None:
            items.get(self.hash_key, {}).pop(self.range_key, None)
        else:
            items[self.hash_key][self.range_key] = saved
        if isinstance(self.table, EngineTable):
            self.table.reindex(self.hash_key, self.range_key)


class EngineBackend(DynamoDBBackend):
    """moto's DynamoDB backend with an O(actions) all-or-nothing TransactWriteItems.

    Its Query and Scan also note what they read before the filter (``reads``), which the
    engine charges (:class:`~contactkit.engine.charges.Bill`); requests are serialised, so
    one list serves every request.
    """

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # (table, index or None, items or index entries read) of the request being served
        self.reads: list[tuple[str, str | None, list[Item]]] = []
        # (table, keys, item before, action kind) of each action of the transaction being
        # served, for its bill (charges.Bill.transacted)
        self.transacted: list[tuple[Table, tuple[Any, Any], Item | None, str]] = []

    def query(  # type: ignore[override]
        self,
        table_name: str,
        hash_key_dict: dict[str, Any] | None,
        range_comparison: str | None,
        range_value_dicts: list[dict[str, Any]],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: list[list[str]] | None,
        index_name: str | None = None,
        consistent_read: bool = False,
        expr_names: dict[str, str] | None = None,
        expr_values: dict[str, dict[str, str]] | None = None,
        filter_expression: str | None = None,
        **kwargs: Any,
    ) -> tuple[list[Item], int, dict[str, Any] | None]:
        # The page without filter and projection is what DynamoDB reads (and charges); the
        # filter and projection then apply to it exactly as moto's Table.query does.
        items, scanned, last_key = super().query(
            table_name,
            hash_key_dict,
            range_comparison,
            range_value_dicts,
            limit,
            exclusive_start_key,
            scan_index_forward,
            None,
            index_name,
            consistent_read,
            expr_names,
            expr_values,
            None,
            **kwargs,
        )
        self.reads.append((table_name, index_name, items))
        return (
            self._filtered(
                items, filter_expression, expr_names, expr_values, projection_expressions
            ),
            scanned,
            last_key,
        )

    def scan(
        self,
        table_name: str,
        filters: dict[str, Any],
        limit: int,
        exclusive_start_key: dict[str, Any],
        filter_expression: str | None,
        expr_names: dict[str, Any],
        expr_values: dict[str, Any],
        index_name: str,
        consistent_read: bool,
        projection_expression: list[list[str]] | None,
        segments: tuple[None, None] | tuple[int, int],
    ) -> tuple[list[Item], int, dict[str, Any] | None]:
        items, scanned, last_key = super().scan(
            table_name,
            filters,
            limit,
            exclusive_start_key,
            None,
            expr_names,
            expr_values,
            index_name,
            consistent_read,
            None,
            segments,
        )
        self.reads.append((table_name, index_name or None, items))
        return (
            self._filtered(
                items, filter_expression, expr_names, expr_values, projection_expression
            ),
            scanned,
            last_key,
        )

    @staticmethod
    def _filtered(
        items: list[Item],
        filter_expression: str | None,
        names: dict[str, Any] | None,
        values: dict[str, Any] | None,
        projection: list[list[str]] | None,
    ) -> list[Any]:
        """The page's answers: filtered, projected and serialised once (``Answer``)."""
        if filter_expression:
            condition = get_filter_expression(filter_expression, names, values)
            items = [item for item in items if condition.expr(item)]
        return [answer(item, projection) for item in items]

    def create_table(self, name: str, **params: Any) -> Table:  # type: ignore[override]
        if name in self.tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        table = EngineTable(  # type: ignore[abstract]  # moto's CloudFormation stubs
            name,
            account_id=self.account_id,
            region=self.region_name,
            schema=params["schema"],
            throughput=params["throughput"],
            attr=params["attr"],
            global_indexes=params["global_indexes"],
            indexes=params["indexes"],
            streams=params["streams"],
            billing_mode=params["billing_mode"],
            sse_specification=params["sse_specification"],
            tags=params["tags"],
            deletion_protection_enabled=params["deletion_protection_enabled"],
            warm_throughput=params["warm_throughput"],
        )
        self.tables[name] = table
        return table

    def update_table_global_indexes(
        self, table: Table, global_index_updates: list[dict[str, Any]]
    ) -> None:
        super().update_table_global_indexes(table, global_index_updates)
        if isinstance(table, EngineTable):  # a new index is backfilled from the items
            table.rebuild_indexes()

    def get_keys_value(
        self, table: Table, keys: dict[str, Any]
    ) -> tuple[DynamoType, DynamoType | None]:
        """moto's ``get_keys_value`` with key values that hash once (:mod:`.keys`)."""
        if table.hash_key_attr not in keys or (
            table.has_range_key and table.range_key_attr not in keys
        ):
            # "Table has a range key, but no range key was passed into get_item"
            raise MockValidationException("Validation Exception")
        range_attr = table.range_key_attr
        return (
            key_value(keys[table.hash_key_attr]),
            key_value(keys[range_attr]) if range_attr else None,
        )

    def update_item(self, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
        """moto's UpdateItem, which changes the stored item in place; then its index entries."""
        table = self.get_table(table_name)
        try:
            return super().update_item(table_name, key, *args, **kwargs)
        finally:
            if isinstance(table, EngineTable) and table.has_key(key):
                table.after_update(*self.get_keys_value(table, key))

    def transact_write_items(self, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        actions = [_Action(self, entry) for entry in transact_items]
        seen: set[tuple[str, Any, Any]] = set()
        for action in actions:
            if action.identity in seen:
                raise MultipleTransactionsException()
            seen.add(action.identity)

        # Phase 1: every condition, against the state before the transaction.
        reasons = [action.failed_condition() for action in actions]
        if any(reason is not None for reason in reasons):
            raise TransactionCanceledException([reason or (None, None, None) for reason in reasons])

        # Phase 2: apply, keeping a copy of only the touched items for rollback.
        # Only an Update changes the stored item in place; a Put or Delete replaces it.
        saved = [
            copy.deepcopy(action.current()) if action.op_type == "Update" else action.current()
            for action in actions
        ]
        self.transacted = [
            (a.table, (a.hash_key, a.range_key), old, a.op_type)
            for a, old in zip(actions, saved, strict=True)
        ]
        shards = {a.table.name: a.table.stream_shard for a in actions if a.table.stream_shard}
        stream_lengths = {name: len(shard.items) for name, shard in shards.items()}
        for index, action in enumerate(actions):
            try:
                action.apply(self)
            except (ConditionalCheckFailed, MockValidationException) as exc:
                for done, item in zip(actions[: index + 1], saved, strict=False):
                    done.restore(item)
                for name, shard in shards.items():
                    del shard.items[stream_lengths[name] :]
                errors: list[Any] = [(None, None, None)] * len(actions)
                errors[index] = ("ValidationError", exc.message, None)
                raise TransactionCanceledException(errors) from exc


class _ServerRequest(MotoRequest):
    """A request that arrived over a real socket (moto then lets werkzeug add the Date header)."""

    from_wsgi_server = True


class _StreamsBackend(DynamoDBStreamsBackend):
    """moto's DynamoDB Streams, reading this engine's tables instead of moto's global ones."""

    def __init__(self, tables: DynamoDBBackend) -> None:
        super().__init__(REGION, ACCOUNT_ID)
        self._tables = tables

    @property
    def dynamodb(self) -> DynamoDBBackend:
        return self._tables


class _FastReadsHandler(DynamoHandler):
    """moto's DynamoDB handler, answering item operations with ``orjson.dumps`` of the result.

    moto 5.2 serialises every response through a generic, shape-driven serializer that costs
    about 15 ms per kilobyte of items (a 1 MB Scan page: seconds) and most of a millisecond
    for a write's small answer. The results of the item operations below are already DynamoDB
    JSON, so dumping them gives the same body (checked against stock moto's answers in
    ``tests/engine/test_embedded.py``); anything else, errors included, still goes through
    moto's serializer.
    """

    def serialized(self, action_result: ActionResult) -> Any:
        result = action_result.result
        if self._get_action() in _ITEM_OPERATIONS and isinstance(result, dict):
            try:
                body = orjson.dumps(result, default=_binary_as_base64)
            except TypeError:  # orjson.JSONEncodeError: a value only moto's serializer knows
                return super().serialized(action_result)
            headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
            return 200, headers, body
        return super().serialized(action_result)


def _binary_as_base64(value: object) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def item_request(body: bytes) -> dict[str, Any]:
    """An item operation's JSON body as moto's shape-driven parser gives it, parsed by orjson.

    moto walks botocore's shapes for every member of every request (about 8 ms for a
    transaction of 100 puts). For DynamoDB's item operations the only conversion it makes is
    base64 binaries to bytes, and only an AttributeValue has a member named ``B`` or ``BS``
    holding a string (``tests/engine/test_embedded.py`` compares both parsers).
    """
    params = orjson.loads(body) if body else {}
    if BINARY.search(body):
        params = with_bytes(params)
    return params


class _ChargingHandler(_FastReadsHandler):
    """The handler of every item read and write, answering ``ConsumedCapacity`` by DynamoDB's
    rules (:class:`~contactkit.engine.charges.Bill`) instead of moto's constants."""

    def parse_parameters(self, request: MotoRequest) -> None:
        if self._get_action() in _ITEM_OPERATIONS:
            self.params = item_request(request.data)
        else:
            super().parse_parameters(request)

    @property
    def engine_backend(self) -> EngineBackend:
        backend = self.dynamodb_backend
        assert isinstance(backend, EngineBackend)
        return backend

    def _charged(self, run: Callable[[], ActionResult]) -> ActionResult:
        wanted = self.body.get("ReturnConsumedCapacity", "NONE")
        backend = self.engine_backend
        backend.reads.clear()
        backend.transacted = []
        operation = self._get_action()
        bill = Bill.before(backend, operation, self.body)
        result = run()
        if operation == "TransactWriteItems":
            bill.transacted(backend.transacted)
            backend.transacted = []
        body = result.result
        if isinstance(body, dict):
            body.pop("ConsumedCapacity", None)
            body.pop("ConsumedCapacityUnits", None)  # moto's DeleteItem adds it unasked
            if wanted in ("TOTAL", "INDEXES"):
                body["ConsumedCapacity"] = bill.consumed(
                    body, backend.reads, with_indexes=wanted == "INDEXES"
                )
        backend.reads.clear()
        return result

    def get_item(self) -> ActionResult:
        return self._charged(super().get_item)

    def batch_get_item(self) -> ActionResult:
        return self._charged(super().batch_get_item)

    def query(self) -> ActionResult:
        return self._charged(super().query)

    def scan(self) -> ActionResult:
        return self._charged(super().scan)

    def transact_get_items(self) -> ActionResult:
        return self._charged(super().transact_get_items)

    def put_item(self) -> ActionResult:
        return self._charged(super().put_item)

    def update_item(self) -> ActionResult:
        return self._charged(super().update_item)

    def delete_item(self) -> ActionResult:
        return self._charged(super().delete_item)

    def batch_write_item(self) -> ActionResult:
        return self._charged(super().batch_write_item)

    def transact_write_items(self) -> ActionResult:
        return self._charged(super().transact_write_items)


class _SerialisedApp:
    """WSGI app that feeds one request at a time to this engine's backend.

    Requests for the DynamoDB Streams API (``X-Amz-Target: DynamoDBStreams_20120810.*``, the
    same endpoint as DynamoDB Local uses) go to moto's Streams handler over the same tables.
    """

    def __init__(self, backend: EngineBackend) -> None:
        self.backend = backend
        self.lock = threading.Lock()
        engine_backend = backend
        streams_backend = _StreamsBackend(backend)

        class Handler(_ChargingHandler):
            @property
            def dynamodb_backend(self) -> DynamoDBBackend:
                return engine_backend

        class StreamsHandler(DynamoDBStreamsHandler):
            @property
            def backend(self) -> DynamoDBStreamsBackend:
                return streams_backend

        self.handler = Handler
        self.streams_handler = StreamsHandler
        # Requests that may have changed data; `contactkit serve` snapshots only when it moved.
        self.writes = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = _ServerRequest(environ)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        streams = target.startswith(_STREAMS_TARGET)
        handler = self.streams_handler if streams else self.handler
        with self.lock:
            if not streams and target.rpartition(".")[2] not in _READ_OPERATIONS:
                self.writes += 1
            try:
                # A write makes thousands of short-lived objects, freed by reference counting;
                # the collector would keep re-scanning the growing tables (contactkit.gcpause).
                with collector_paused():
                    status, headers, body = handler.dispatch(request)
            finally:
                # moto's BaseModel keeps every Item ever made (copies, projections) in a
                # class-wide list that only its mock reset empties: a leak in a long-lived engine.
                Item.instances_tracked.clear()  # type: ignore[attr-defined]
                compact_touched()  # the items this request expanded go back to their JSON
        response = Response(body, status=status, headers=headers)
        return response(environ, start_response)


class LoopbackGuard:
    """WSGI middleware: only a local SDK's DynamoDB requests reach ``app``; the rest get 403.

    Custom headers and a non-form content type force a browser to send a CORS preflight, which
    is refused (an ``OPTIONS`` request), so a web page cannot send an accepted request; the
    ``Host`` check stops DNS rebinding, and a request carrying ``Origin`` came from a page.
    """

    def __init__(self, app: _WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        reason = refusal(environ)
        if reason is None:
            return self.app(environ, start_response)
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#AccessDeniedException",
                "message": f"contactkit engine: {reason}",
            }
        )
        response = Response(body, status=403, content_type=_JSON_CONTENT_TYPE)
        return response(environ, start_response)


def refusal(environ: dict[str, Any]) -> str | None:
    """Why the guard refuses this request (``None``: a local SDK's DynamoDB request)."""
    if "HTTP_ORIGIN" in environ:
        return "cross-origin requests (with an Origin header) are refused"
    port = environ.get("SERVER_PORT", "")
    host = environ.get("HTTP_HOST", "").lower()
    if host not in {f"{name}:{port}" for name in _LOOPBACK_NAMES}:
        return f"Host must be 127.0.0.1:{port} or localhost:{port}, not {host or 'missing'!r}"
    if environ.get("REQUEST_METHOD") != "POST":
        return "only POST requests are served"
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if not target.startswith((_DYNAMODB_TARGET, _STREAMS_TARGET)):
        return f"X-Amz-Target must name a DynamoDB operation ({_DYNAMODB_TARGET}<Operation>)"
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if content_type != _JSON_CONTENT_TYPE:
        return f"Content-Type must be {_JSON_CONTENT_TYPE}"
    return None


class EmbeddedEngine:
    """moto's DynamoDB on 127.0.0.1:<free port>, silent, isolated and serialised.

    Example::

        with EmbeddedEngine() as engine:
            print(engine.url)      # http://127.0.0.1:53817
    """

    def __init__(self, port: int = 0) -> None:
        self.backend = EngineBackend(REGION, ACCOUNT_ID)
        self.app = _SerialisedApp(self.backend)
        self._port = port
        self._server: EngineServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Bind the port and serve requests in a daemon thread."""
        server = EngineServer("127.0.0.1", self._port, LoopbackGuard(self.app))
        # A short poll interval makes stop() return in ~50 ms instead of werkzeug's 0.5 s.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._server = server
        self._thread.start()

    def stop(self) -> None:
        """Stop serving; the engine's data is discarded with it."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the engine is not running; call start() first")
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> EmbeddedEngine:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
