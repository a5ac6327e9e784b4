"""A fault injector for the failures the embedded engine never produces.

It hooks botocore's ``before-send`` event of one client, so the library's normal code path
(signing, retries, error parsing) handles each fault exactly as it would handle the real one:

* ``drop_after_send``: the request reaches the server and is applied, then the connection
  drops before the answer arrives (botocore retries; the write must not happen twice);
* ``throttle``: DynamoDB answers ``ThrottlingException`` (HTTP 400) without applying anything;
* ``server_error``: DynamoDB answers HTTP 500 without applying anything.

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
from typing import Any, Literal

import urllib3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ConnectionClosedError

FaultKind = Literal["drop_after_send", "throttle", "server_error"]


@dataclass
class _Rule:
    operation: str
    kind: FaultKind
    times: int | None  # None: no limit
    probability: float


class _Body:
    """A minimal raw body for ``AWSResponse``."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


class FaultInjector:
    """Injects faults into requests of one boto3 DynamoDB client; detach to stop."""

    def __init__(self, client: Any, seed: int = 0) -> None:
        self.client = client
        self.rules: list[_Rule] = []
        self.injected: list[tuple[str, str]] = []
        self._random = random.Random(seed)
        self._http = urllib3.PoolManager()
        self._attached = False

    def add(
        self, operation: str, kind: FaultKind, *, times: int | None = 1, probability: float = 1.0
    ) -> FaultInjector:
        """Inject ``kind`` into ``operation`` (for example ``"PutItem"``) ``times`` times."""
        self.rules.append(_Rule(operation, kind, times, probability))
        return self

    def attach(self) -> FaultInjector:
        if not self._attached:
            self.client.meta.events.register("before-send.dynamodb.*", self._before_send)
            self._attached = True
        return self

    def detach(self) -> None:
        if self._attached:
            self.client.meta.events.unregister("before-send.dynamodb.*", self._before_send)
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
            body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
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
        return _error_response(request.url, 500, "InternalServerError", "Internal server error")


def _error_response(url: str, status: int, error_type: str, message: str) -> AWSResponse:
    body = json.dumps({"__type": error_type, "message": message}).encode()
    headers = HTTPHeaders()
    headers["Content-Type"] = "application/x-amz-json-1.0"
    headers["Content-Length"] = str(len(body))
    return AWSResponse(url, status, headers, _Body(body))
