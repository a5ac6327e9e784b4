"""A fault injector for the failures the embedded engine never produces.

It hooks botocore's ``before-send`` event of one client, so the library's normal code path
(signing, retries, error parsing) handles each fault exactly as it would handle the real one:

* ``drop_after_send``: the request reaches the server and is applied, then the connection
  drops before the answer arrives (botocore retries; the write must not happen twice);
* ``throttle``: DynamoDB answers ``ThrottlingException`` (HTTP 400) without applying anything;
* ``provisioned_throughput``: ``ProvisionedThroughputExceededException`` (HTTP 400), what a
  table or partition over its capacity answers, without applying anything;
* ``server_error``: DynamoDB answers HTTP 500 without applying anything;
* ``unprocessed``: a ``BatchWriteItem`` or ``BatchGetItem`` is applied for only part of its
  items; a ``share`` of them (at least one, chosen by the seeded generator) comes back as
  ``UnprocessedItems`` / ``UnprocessedKeys``, as DynamoDB does under load;
* ``transaction_conflict``: a ``TransactWriteItems`` is cancelled with ``TransactionConflict``
  for a ``share`` of its actions (at least one) and ``None`` for the others, as when another
  transaction holds one of its items; nothing is applied.

Example::

    with FaultInjector(db.client) as faults:
        faults.add("TransactWriteItems", "drop_after_send", times=1)
        org.add(...)          # succeeds once, despite the retry
    faults.injected            # [("TransactWriteItems", "drop_after_send")]
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import urllib3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ConnectionClosedError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FaultKind = Literal[
    "drop_after_send",
    "throttle",
    "provisioned_throughput",
    "server_error",
    "unprocessed",
    "transaction_conflict",
]
_JSON = "application/x-amz-json-1.0"
_BATCH_OPERATIONS = {"BatchWriteItem": "UnprocessedItems", "BatchGetItem": "UnprocessedKeys"}


@dataclass
class _Rule:
    operation: str
    kind: FaultKind
    times: int | None  # None: no limit
    probability: float
    share: float = 0.5


class _Body:
    """A minimal raw body for ``AWSResponse``."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


class FaultInjector:
    """Injects faults into requests of one boto3 DynamoDB client; detach to stop."""

    def __init__(self, client: DynamoDBClient, seed: int = 0) -> None:
        self.client = client
        self.rules: list[_Rule] = []
        self.injected: list[tuple[str, str]] = []
        self._random = random.Random(seed)
        self._http = urllib3.PoolManager()
        self._attached = False

    def add(
        self,
        operation: str,
        kind: FaultKind,
        *,
        times: int | None = 1,
        probability: float = 1.0,
        share: float = 0.5,
    ) -> FaultInjector:
        """Inject ``kind`` into ``operation`` (for example ``"PutItem"``) ``times`` times.

        ``probability`` makes each matching request faulty with that chance (seeded);
        ``share`` is the part of a batch left unprocessed, or of a transaction's actions
        reported in conflict.
        """
        if kind == "unprocessed" and operation not in _BATCH_OPERATIONS:
            raise ValueError("unprocessed faults apply to BatchWriteItem and BatchGetItem only")
        if kind == "transaction_conflict" and operation != "TransactWriteItems":
            raise ValueError("transaction_conflict faults apply to TransactWriteItems only")
        if not 0.0 < share <= 1.0:
            raise ValueError(f"share must be in (0, 1], not {share}")
        self.rules.append(_Rule(operation, kind, times, probability, share))
        return self

    def attach(self) -> FaultInjector:
        if not self._attached:
            # A before-send handler that returns a response short-circuits the request: that
            # is botocore's documented hook, though botocore-stubs types handlers as -> None.
            self.client.meta.events.register(
                "before-send.dynamodb.*",
                self._before_send,  # type: ignore[arg-type]
            )
            self._attached = True
        return self

    def detach(self) -> None:
        if self._attached:
            self.client.meta.events.unregister(
                "before-send.dynamodb.*",
                self._before_send,  # type: ignore[arg-type]
            )
            self._attached = False

    def __enter__(self) -> FaultInjector:
        return self.attach()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.detach()

    def _pick(self, operation: str) -> _Rule | None:
        for rule in self.rules:
            if rule.operation != operation or rule.times == 0:
                continue
            if self._random.random() >= rule.probability:
                continue
            if rule.times is not None:
                rule.times -= 1
            return rule
        return None

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        target = request.headers.get("X-Amz-Target", "")  # "DynamoDB_20120810.PutItem"
        if isinstance(target, bytes):
            target = target.decode("ascii")
        operation = target.rsplit(".", 1)[-1]
        rule = self._pick(operation)
        if rule is None:
            return None
        self.injected.append((operation, rule.kind))
        if rule.kind == "drop_after_send":
            body = _body_bytes(request)
            self._http.request(
                request.method, request.url, body=body, headers=dict(request.headers.items())
            )
            raise ConnectionClosedError(endpoint_url=request.url)
        if rule.kind == "throttle":
            return _error_response(
                request.url,
                400,
                "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                "Rate of requests exceeds the allowed throughput.",
            )
        if rule.kind == "provisioned_throughput":
            return _error_response(
                request.url,
                400,
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.",
            )
        if rule.kind == "unprocessed":
            return self._partly_processed(request, operation, rule.share)
        if rule.kind == "transaction_conflict":
            return self._conflict(request, rule.share)
        return _error_response(request.url, 500, "InternalServerError", "Internal server error")

    def _pick_share(self, count: int, share: float) -> set[int]:
        """Which of ``count`` entries the fault hits: ``share`` of them, at least one."""
        chosen = max(1, min(count, round(count * share)))
        return set(self._random.sample(range(count), chosen))

    def _partly_processed(self, request: Any, operation: str, share: float) -> AWSResponse:
        """Send part of a batch to the server; answer the rest as unprocessed."""
        payload = json.loads(_body_bytes(request))
        entries = [
            (table, entry)
            for table, value in payload["RequestItems"].items()
            for entry in (value if operation == "BatchWriteItem" else value["Keys"])
        ]
        held = self._pick_share(len(entries), share)
        sent: dict[str, Any] = {}
        unprocessed: dict[str, Any] = {}
        for index, (table, entry) in enumerate(entries):
            target = unprocessed if index in held else sent
            if operation == "BatchWriteItem":
                target.setdefault(table, []).append(entry)
            else:
                spec = {k: v for k, v in payload["RequestItems"][table].items() if k != "Keys"}
                target.setdefault(table, {**spec, "Keys": []})["Keys"].append(entry)
        answer: dict[str, Any] = {"Responses": {}} if operation == "BatchGetItem" else {}
        status = 200
        if sent:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            reply = self._http.request(
                request.method,
                request.url,
                body=json.dumps({**payload, "RequestItems": sent}).encode(),
                headers=headers,
            )
            status = reply.status
            if status != 200:
                return _raw_response(request.url, status, reply.data)
            answer = json.loads(reply.data)
        answer[_BATCH_OPERATIONS[operation]] = unprocessed
        return _raw_response(request.url, status, json.dumps(answer).encode())

    def _conflict(self, request: Any, share: float) -> AWSResponse:
        """Cancel a transaction as DynamoDB does when another one holds some of its items."""
        actions = json.loads(_body_bytes(request))["TransactItems"]
        hit = self._pick_share(len(actions), share)
        reasons = [
            {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
            if index in hit
            else {"Code": "None"}
            for index in range(len(actions))
        ]
        codes = ", ".join(r["Code"] for r in reasons)
        body = {
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message": f"Transaction cancelled, please refer cancellation reasons for specific "
            f"reasons [{codes}]",
            "CancellationReasons": reasons,
        }
        return _raw_response(request.url, 400, json.dumps(body).encode())


def _body_bytes(request: Any) -> bytes:
    body = request.body
    if hasattr(body, "read"):  # a file-like body: read it without consuming it for good
        position = body.tell()
        data = body.read()
        body.seek(position)
        return data if isinstance(data, bytes) else str(data).encode()
    return body if isinstance(body, bytes) else str(body).encode()


def _error_response(url: str, status: int, error_type: str, message: str) -> AWSResponse:
    body = json.dumps({"__type": error_type, "message": message}).encode()
    return _raw_response(url, status, body)


def _raw_response(url: str, status: int, body: bytes) -> AWSResponse:
    headers = HTTPHeaders()
    headers["Content-Type"] = _JSON
    headers["Content-Length"] = str(len(body))
    return AWSResponse(url, status, headers, _Body(body))
