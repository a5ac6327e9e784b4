"""batch_write: 25-item limit enforced, UnprocessedItems retried with backoff, never dropped."""

from __future__ import annotations

import random
from typing import Any

import pytest

import contactkit as ck
from contactkit.dynamo.batches import MAX_ATTEMPTS, batch_write, chunks
from contactkit.dynamo.client import DynamoClient


def request(n: int) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"PK": {"S": f"p{n}"}, "SK": {"S": "s"}}}}


class PartialClient:
    """Processes at most ``per_call`` requests per call, like a throttled DynamoDB."""

    def __init__(self, per_call: int) -> None:
        self.per_call = per_call
        self.written: list[dict[str, Any]] = []
        self.calls = 0

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        self.calls += 1
        ((table, requests),) = RequestItems.items()
        self.written.extend(requests[: self.per_call])
        rest = requests[self.per_call :]
        return {"UnprocessedItems": {table: rest} if rest else {}}


def test_unprocessed_items_are_retried_until_written() -> None:
    client = PartialClient(per_call=7)
    sleeps: list[float] = []
    calls = batch_write(
        DynamoClient(client, sleep=sleeps.append), "t", [request(n) for n in range(25)]
    )
    assert calls == 4 and client.written == [request(n) for n in range(25)]
    assert len(sleeps) == 3


def test_what_stays_unprocessed_is_raised_not_dropped() -> None:
    client = PartialClient(per_call=0)
    instant = DynamoClient(client, sleep=lambda _s: None)
    with pytest.raises(ck.BackendError, match="25 items still unprocessed"):
        batch_write(instant, "t", [request(n) for n in range(25)])
    assert client.calls == MAX_ATTEMPTS


def test_more_than_25_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="25"):
        batch_write(DynamoClient(PartialClient(25)), "t", [request(n) for n in range(26)])


def test_chunks_of_25() -> None:
    sizes = [len(c) for c in chunks(request(n) for n in range(60))]
    assert sizes == [25, 25, 10]


@pytest.mark.parametrize("attempt", range(10))
def test_backoff_is_jittered_and_capped(attempt: int) -> None:
    delays = [
        DynamoClient(None, rng=random.Random(seed)).backoff_delay(attempt) for seed in range(50)
    ]
    assert all(0 <= d <= min(5.0, 0.05 * 2**attempt) for d in delays)
    assert len(set(delays)) > 1
