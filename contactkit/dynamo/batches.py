"""``BatchWriteItem`` within DynamoDB's real limits, retrying ``UnprocessedItems``.

DynamoDB may accept part of a batch and hand the rest back as ``UnprocessedItems`` (under
throttling, for instance); the embedded engine never does, which is why this path is tested
with a fault injector. Unprocessed requests are re-sent with exponential backoff and full
jitter, up to a bound; whatever is still unprocessed then is raised, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..errors import BackendError
from . import limits
from .client import DynamoClient

WriteRequest = dict[str, Any]  # {"PutRequest": {"Item": ...}} or {"DeleteRequest": {"Key": ...}}

MAX_ATTEMPTS = 8


def chunks(
    requests: Iterable[WriteRequest], size: int = limits.MAX_BATCH_WRITE_ITEMS
) -> Iterator[list[WriteRequest]]:
    chunk: list[WriteRequest] = []
    for request in requests:
        chunk.append(request)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def batch_write(client: DynamoClient, table_name: str, requests: Sequence[WriteRequest]) -> int:
    """Send ``requests`` (at most 25) until all are processed; returns the number of calls.

    The wait between attempts is the client's (:meth:`DynamoClient.back_off`).
    """
    if len(requests) > limits.MAX_BATCH_WRITE_ITEMS:
        raise ValueError(
            f"{len(requests)} requests in one BatchWriteItem; DynamoDB allows "
            f"{limits.MAX_BATCH_WRITE_ITEMS}"
        )
    pending: dict[str, list[WriteRequest]] = {table_name: list(requests)}
    for attempt in range(MAX_ATTEMPTS):
        response = client.call("BatchWriteItem", RequestItems=pending)
        pending = response.get("UnprocessedItems") or {}
        if not pending:
            return attempt + 1
        client.back_off(attempt)
    left = sum(len(v) for v in pending.values())
    raise BackendError(
        "BatchWriteItem",
        "UnprocessedItems",
        f"{left} items still unprocessed after {MAX_ATTEMPTS} attempts; try again later",
    )
