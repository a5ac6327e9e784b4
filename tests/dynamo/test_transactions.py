"""TransactionWriter: DynamoDB's limits enforced client-side, conflicts retried, no more."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import contactkit as ck
from contactkit.dynamo.client import DynamoClient
from contactkit.dynamo.transactions import TransactionWriter, check_limits


def put(pk: str, size: int = 0) -> dict[str, Any]:
    item = {"PK": {"S": pk}, "SK": {"S": "s"}}
    if size:
        item["blob"] = {"S": "x" * size}
    return {"Put": {"Item": item}}


class FakeClient:
    """Answers TransactWriteItems from a script of error codes (None = success)."""

    def __init__(self, script: list[list[str] | None]) -> None:
        self.script = script
        self.calls: list[dict[str, Any]] = []

    def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        codes = self.script.pop(0)
        if codes is None:
            return {}
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                "CancellationReasons": [{"Code": c} for c in codes],
            },
            "TransactWriteItems",
        )


def test_more_than_100_actions_are_refused_before_sending() -> None:
    with pytest.raises(ck.ContactKitError, match="100"):
        check_limits([put(f"p{n}") for n in range(101)])
    check_limits([put(f"p{n}") for n in range(100)])


def test_more_than_4_mb_is_refused_before_sending() -> None:
    with pytest.raises(ck.ContactKitError, match="bytes"):
        check_limits([put(f"p{n}", size=300_000) for n in range(15)])


def test_one_item_twice_is_refused() -> None:
    with pytest.raises(ck.ContactKitError, match="twice"):
        check_limits([put("same"), {"Delete": {"Key": {"PK": {"S": "same"}, "SK": {"S": "s"}}}}])


def test_conflicts_are_retried_with_fresh_request_tokens() -> None:
    client = FakeClient([["TransactionConflict", "None"], ["None", "TransactionConflict"], None])
    writer = TransactionWriter(DynamoClient(client, sleep=lambda _s: None), "t")
    writer.write([put("a"), put("b")], "token", "add")
    assert [c["ClientRequestToken"] for c in client.calls] == ["token", "token-1", "token-2"]
    assert all(a["Put"]["TableName"] == "t" for a in client.calls[0]["TransactItems"])


def test_condition_failures_are_not_retried() -> None:
    client = FakeClient([["ConditionalCheckFailed", "TransactionConflict"]])
    writer = TransactionWriter(DynamoClient(client, sleep=lambda _s: None), "t")
    with pytest.raises(ck.TransactionCanceledError) as exc:
        writer.write([put("a"), put("b")], "token", "add")
    assert [r.code for r in exc.value.reasons] == ["ConditionalCheckFailed", "TransactionConflict"]
    assert len(client.calls) == 1


def test_endless_conflicts_give_up() -> None:
    client = FakeClient([["TransactionConflict"]] * 10)
    writer = TransactionWriter(DynamoClient(client, sleep=lambda _s: None), "t")
    with pytest.raises(ck.TransactionCanceledError):
        writer.write([put("a")], "token", "add")
    assert len(client.calls) == 7
