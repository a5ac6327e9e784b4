"""TransactionWriter: DynamoDB's limits enforced client-side, conflicts retried, no more."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

import contactkit as ck
from contactkit.dynamo import limits
from contactkit.dynamo.client import DynamoClient
from contactkit.dynamo.sizes import json_bound
from contactkit.dynamo.transactions import TransactionWriter, action_bytes, check_limits


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


def test_more_than_4_mb_of_binaries_is_refused_before_sending() -> None:
    # bytes have no JSON: the limit is checked on the items' sizes
    actions = [put(f"p{n}") for n in range(15)]
    for action in actions:
        action["Put"]["Item"]["blob"] = {"B": b"x" * 300_000}
    with pytest.raises(ck.ContactKitError, match="bytes"):
        check_limits(actions)


def test_a_transaction_longer_than_4_mb_as_json_but_smaller_as_dynamodb_counts_passes() -> None:
    numbers = {f"n{i}": {"N": "1"} for i in range(3000)}  # 4-7 bytes each, 14-17 of JSON
    actions = [{"Put": {"Item": {**put(f"p{n}")["Put"]["Item"], **numbers}}} for n in range(100)]
    assert json_bound(actions) > limits.MAX_TRANSACTION_BYTES
    assert sum(action_bytes(a) for a in actions) <= limits.MAX_TRANSACTION_BYTES
    check_limits(actions)


_names = st.text(min_size=1, max_size=6)
_scalars = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=12)),
    st.builds(lambda n: {"N": str(n)}, st.decimals(allow_nan=False, allow_infinity=False)),
    st.builds(lambda n: {"N": n}, st.integers()),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(max_size=5), min_size=1, max_size=3)),
    st.builds(lambda s: {"NS": [str(n) for n in s]}, st.sets(st.integers(), min_size=1)),
    st.builds(lambda s: {"B": s}, st.text(alphabet="QUJD=", max_size=8)),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.builds(lambda v: {"L": v}, st.lists(inner, max_size=4)),
        st.builds(lambda v: {"M": v}, st.dictionaries(_names, inner, max_size=4)),
    ),
    max_leaves=12,
)


@given(st.dictionaries(_names, _values, max_size=6), st.dictionaries(_names, _values, max_size=2))
def test_the_json_length_bounds_an_actions_size_from_above(
    attributes: dict[str, Any], values: dict[str, Any]
) -> None:
    action = {
        "Put": {"Item": {**attributes, "PK": {"S": "p"}}, "ExpressionAttributeValues": values}
    }
    assert json_bound([action]) >= action_bytes(action)


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
