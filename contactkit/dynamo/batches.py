"""``BatchWriteItem`` within DynamoDB's real limits, retrying ``UnprocessedItems``.

DynamoDB may accept part of a batch and hand the rest back as ``UnprocessedItems`` (under
throttling, for instance); the embedded engine never does, which is why this path is tested
with a fault injector. Unprocessed requests are re-sent with exponential backoff and full
jitter, up to a bound; whatever is still unprocessed then is raised, never dropped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..errors import BackendError, backend_errors
from . import limits

WriteRequest = dict[str, Any]  # {"PutRequest": {"Item": ...}} or {"DeleteRequest": {"Key": ...}}

MAX_ATTEMPTS = 8
BASE_DELAY = 0.05
MAX_DELAY = 5.0


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


def backoff_delay(attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return rng.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))


def batch_write(
    client: Any,
    table_name: str,
    requests: Sequence[WriteRequest],
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> int:
    """Send ``requests`` (at most 25) until all are processed; returns the number of calls."""
    if len(requests) > limits.MAX_BATCH_WRITE_ITEMS:
        raise ValueError(
            f"{len(requests)} requests in one BatchWriteItem; DynamoDB allows "
            f"{limits.MAX_BATCH_WRITE_ITEMS}"
        )
    rng = rng or random.Random()
    pending: dict[str, list[WriteRequest]] = {table_name: list(requests)}
    for attempt in range(MAX_ATTEMPTS):
        with backend_errors("BatchWriteItem"):
            response = client.batch_write_item(RequestItems=pending)
        pending = response.get("UnprocessedItems") or {}
        if not pending:
            return attempt + 1
        sleep(backoff_delay(attempt, rng))
    left = sum(len(v) for v in pending.values())
    raise BackendError(
        "BatchWriteItem",
        "UnprocessedItems",
        f"{left} items still unprocessed after {MAX_ATTEMPTS} attempts; try again later",
    )
