"""The orjson write path sends exactly what botocore would, or leaves the request to botocore."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ParamValidationError

import contactkit as ck
from contactkit.dynamo import fastwrite
from contactkit.dynamo.meter import Meter

ITEM: dict[str, Any] = {
    "PK": {"S": "org#a"},
    "SK": {"S": "contact#1"},
    "text": {"S": 'quotes " and \\ and unicode: Zoë 日本'},
    "number": {"N": "12345678901234567890.5"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "list": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"deep": {"SS": ["x", "y"]}}}]},
    "map": {"M": {"a": {"NS": ["1", "2"]}, "b": {"L": []}}},
}
TRANSACTION: dict[str, Any] = {
    "TransactItems": [
        {
            "Put": {
                "TableName": "contacts",
                "Item": ITEM,
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {
            "Update": {
                "TableName": "other",
                "Key": {"PK": {"S": "org#a"}, "SK": {"S": "n"}},
                "UpdateExpression": "SET #n = :v",
                "ExpressionAttributeNames": {"#n": "n"},
                "ExpressionAttributeValues": {":v": {"N": "1"}},
            }
        },
        {"Delete": {"TableName": "contacts", "Key": {"PK": {"S": "a"}, "SK": {"S": "b"}}}},
    ],
    "ClientRequestToken": "token-1",
    "ReturnConsumedCapacity": "TOTAL",
}
BATCH: dict[str, Any] = {
    "RequestItems": {
        "contacts": [{"PutRequest": {"Item": ITEM}}],
        "other": [{"DeleteRequest": {"Key": {"PK": {"S": "a"}, "SK": {"S": "b"}}}}],
    }
}


def client(*, fast: bool) -> Any:
    """A client that never sends: it records each body as signed and answers 200 ``{}``."""
    raw = boto3.client(
        "dynamodb",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )
    raw.sent = []

    def before_send(request: Any, **_: Any) -> AWSResponse:
        raw.sent.append((request.body, dict(request.headers)))
        return AWSResponse(request.url, 200, {}, _Raw(b"{}"))

    raw.meta.events.register("before-send.dynamodb.*", before_send)
    if fast:
        fastwrite.register(raw)
    return raw


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


@pytest.mark.parametrize(
    ("operation", "params"), [("TransactWriteItems", TRANSACTION), ("BatchWriteItem", BATCH)]
)
def test_the_body_is_the_document_botocore_sends(operation: str, params: dict[str, Any]) -> None:
    slow, fast = client(fast=False), client(fast=True)
    method = {"TransactWriteItems": "transact_write_items", "BatchWriteItem": "batch_write_item"}
    getattr(slow, method[operation])(**params)
    getattr(fast, method[operation])(**params)
    (slow_body, slow_headers), (fast_body, fast_headers) = slow.sent[0], fast.sent[0]
    assert fast_body != slow_body  # orjson wrote it (UTF-8, no spaces)
    assert json.loads(fast_body) == json.loads(slow_body)
    assert fast_headers["X-Amz-Target"] == slow_headers["X-Amz-Target"]
    assert int(fast_headers["Content-Length"]) == len(fast_body)


def test_the_signer_signs_the_real_body() -> None:
    fast = client(fast=True)
    signed: list[bytes] = []
    fast.meta.events.register(
        "before-sign.dynamodb.TransactWriteItems",
        lambda request, **_: signed.append(request.body),
    )
    fast.transact_write_items(**TRANSACTION)
    assert json.loads(signed[0]) == TRANSACTION


def outcome(raw: Any, request: dict[str, Any]) -> Any:
    """The body sent, or botocore's validation error."""
    try:
        raw.transact_write_items(**request)
    except ParamValidationError as exc:
        return str(exc)
    return raw.sent[0][0]


@pytest.mark.parametrize(
    "value",
    [
        {"S": 5},  # a number where a string belongs: botocore's error
        {"X": "a"},  # not a member: botocore's error
        {"L": [{"S": None}]},
        {"S": "a", "N": "1"},  # two members: botocore sends it (DynamoDB refuses it)
        {},
        {"B": b"\x00\x01"},  # binaries: botocore's base64
        {"BS": [b"x"]},
        {"L": [{"B": b"\xff"}]},
        {"N": Decimal("1")},
        {"SS": ("a", "b")},  # a tuple: botocore takes it as a list
    ],
)
def test_anything_unusual_takes_botocores_path(value: dict[str, Any]) -> None:
    request = {
        "TransactItems": [{"Put": {"TableName": "contacts", "Item": {**ITEM, "x": value}}}],
        "ClientRequestToken": "token-2",
    }
    slow, fast = client(fast=False), client(fast=True)
    assert outcome(fast, request) == outcome(slow, request)  # byte for byte


@pytest.mark.parametrize(
    "item",
    [
        {**ITEM, 5: {"S": "a"}},  # a name that is not a string
        {**ITEM, "x": "a"},  # a value that is not an AttributeValue
        {**ITEM, "x": {"S": "a", "BOOL": True}},
        [("PK", {"S": "a"})],  # pairs, not a dict
    ],
)
def test_unusual_items_take_botocores_path(item: Any) -> None:
    request = {
        "TransactItems": [{"Put": {"TableName": "contacts", "Item": item}}],
        "ClientRequestToken": "token-3",
    }
    slow, fast = client(fast=False), client(fast=True)
    assert outcome(fast, request) == outcome(slow, request)  # byte for byte


@pytest.mark.parametrize(
    "request_",
    [
        {"TransactItems": []},  # botocore: fewer than 1 item
        {"TransactItems": [{"Put": {"TableName": "contacts"}}]},  # no Item
        {"TransactItems": [{"Put": {"TableName": "", "Item": ITEM}}]},  # a name too short
        {"RequestItems": {"contacts": []}},
        {"RequestItems": {"contacts": [{"PutRequest": {"Item": ITEM}, "Extra": 1}]}},
    ],
)
def test_invalid_requests_get_botocores_error(request_: dict[str, Any]) -> None:
    method = "transact_write_items" if "TransactItems" in request_ else "batch_write_item"
    errors = []
    for raw in (client(fast=False), client(fast=True)):
        with pytest.raises(ParamValidationError) as error:
            getattr(raw, method)(**request_)
        errors.append(str(error.value))
        assert raw.sent == []
    assert errors[0] == errors[1]


def test_the_meter_records_the_real_request() -> None:
    fast = client(fast=True)
    with Meter(fast) as meter:
        fast.batch_write_item(**BATCH)
    (record,) = meter.records
    assert record.params["RequestItems"] == BATCH["RequestItems"]
    assert meter.items_written == 2


def test_connect_registers_the_fast_path(db: ck.Database) -> None:
    table = db.table("fastwrite").create()
    db.client.transact_write_items(TransactItems=[{"Put": {"TableName": table.name, "Item": ITEM}}])
    got = db.client.get_item(TableName=table.name, Key={"PK": ITEM["PK"], "SK": ITEM["SK"]})
    assert got["Item"] == ITEM
    fastwrite.unregister(db.client)
    fastwrite.register(db.client)  # idempotent: the unique ids replace, never duplicate


def test_the_callers_parameters_are_left_as_they_are() -> None:
    fast = client(fast=True)
    seen: list[dict[str, Any]] = []
    fast.meta.events.register(
        "provide-client-params.dynamodb.TransactWriteItems",
        lambda params, **_: seen.append(params),
    )
    items = [dict(action) for action in TRANSACTION["TransactItems"]]
    fast.transact_write_items(TransactItems=items, ClientRequestToken="t")
    assert seen[0]["TransactItems"] == TRANSACTION["TransactItems"]
    assert items == TRANSACTION["TransactItems"]
    assert json.loads(fast.sent[0][0])["TransactItems"] == TRANSACTION["TransactItems"]


def test_added_members_reach_the_real_body() -> None:
    """botocore's idempotency token and the meter's ReturnConsumedCapacity are in the body."""
    fast = client(fast=True)
    with Meter(fast):
        fast.transact_write_items(TransactItems=TRANSACTION["TransactItems"])
    body = json.loads(fast.sent[0][0])
    assert body["ClientRequestToken"]
    assert body["ReturnConsumedCapacity"] == "INDEXES"
    assert body["TransactItems"] == TRANSACTION["TransactItems"]


def test_another_handlers_parameters_win_and_take_botocores_path() -> None:
    slow, fast = client(fast=False), client(fast=True)
    replaced = {**TRANSACTION, "TransactItems": TRANSACTION["TransactItems"][:1]}
    for raw in (slow, fast):
        raw.meta.events.register_first(
            "provide-client-params.dynamodb.TransactWriteItems", lambda **_: dict(replaced)
        )
        raw.transact_write_items(**TRANSACTION)
    assert fast.sent[0][0] == slow.sent[0][0]  # byte for byte: botocore serialised both


def test_a_body_reader_on_the_wildcard_event_sees_the_real_body() -> None:
    """What PolicyGuard (ops/iam.py, ``before-call.dynamodb.*``) reads is the real request."""
    fast = client(fast=True)
    bodies: list[Any] = []
    fast.meta.events.register(
        "before-call.dynamodb.*", lambda params, **_: bodies.append(params["body"])
    )
    fast.transact_write_items(**TRANSACTION)
    assert json.loads(bodies[0])["TransactItems"] == TRANSACTION["TransactItems"]
