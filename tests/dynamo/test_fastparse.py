"""The orjson before-parse path answers exactly what botocore's own parser answers."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import contactkit as ck
from contactkit.dynamo.fastparse import fast_items, parse_items

ITEMS: list[dict[str, Any]] = [
    {
        "PK": {"S": "P"},
        "SK": {"S": "1"},
        "text": {"S": 'quotes " and \\ and unicode: Zoë 日本'},
        "number": {"N": "12345678901234567890.5"},
        "flag": {"BOOL": True},
        "nothing": {"NULL": True},
        "list": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"deep": {"SS": ["x", "y"]}}}]},
        "map": {"M": {"a": {"NS": ["1", "2"]}, "b": {"L": []}}},
    },
    {"PK": {"S": "P"}, "SK": {"S": "2"}, "text": {"S": ""}},
    {"PK": {"S": "P"}, "SK": {"S": "3"}, "blob": {"B": b"\x00\x01binary"}},
    {"PK": {"S": "P"}, "SK": {"S": "4"}, "text": {"S": 'looks like "B": but is text'}},
]


@pytest.fixture
def raw_table(table: ck.Table) -> ck.Table:
    for item in ITEMS:
        table.client.put_item(TableName=table.name, Item=item)
    return table


def _strip(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


@pytest.mark.parametrize("limit", [1, 2, 10])
@pytest.mark.parametrize("operation", ["scan", "query"])
def test_fast_answers_equal_botocore_answers(
    raw_table: ck.Table, operation: str, limit: int
) -> None:
    request: dict[str, Any] = {"TableName": raw_table.name, "Limit": limit}
    if operation == "query":
        request.update(
            KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "P"}}
        )
    call = getattr(raw_table.client, operation)
    while True:
        slow = _strip(call(**request))
        with fast_items(raw_table.client):
            fast = _strip(call(**request))
        assert fast == slow
        if "LastEvaluatedKey" not in slow:
            break
        request["ExclusiveStartKey"] = slow["LastEvaluatedKey"]


def test_binary_pages_are_left_to_botocore() -> None:
    body = b'{"Count": 1, "Items": [{"b": {"B": "AAE="}}], "ScannedCount": 1}'
    response = {"status_code": 200, "body": body}
    custom: dict[str, Any] = {}
    parse_items(response, custom)
    assert custom == {} and response["body"] == body


@pytest.mark.parametrize("status", [400, 500])
def test_error_answers_are_left_to_botocore(status: int) -> None:
    body = b'{"__type": "x#ResourceNotFoundException", "Items": "not mine"}'
    response = {"status_code": status, "body": body}
    custom: dict[str, Any] = {}
    parse_items(response, custom)
    assert custom == {} and response["body"] == body


def test_successful_body_loses_its_items_to_the_custom_dict() -> None:
    response = {"status_code": 200, "body": b'{"Count": 1, "Items": [{"a": {"S": "x"}}]}'}
    custom: dict[str, Any] = {}
    parse_items(response, custom)
    assert custom == {"Items": [{"a": {"S": "x"}}]}
    assert response["body"] == b'{"Count":1}'


def test_errors_still_raise_through_botocore(table: ck.Table) -> None:
    with fast_items(table.client), pytest.raises(ClientError) as raised:
        table.client.scan(TableName="no-such-table")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_nested_blocks_keep_the_handler_until_the_last_one_ends(table: ck.Table) -> None:
    with fast_items(table.client):
        with fast_items(table.client):
            table.client.scan(TableName=table.name)
            assert parse_items in _registered(table)
        assert parse_items in _registered(table)
    assert parse_items not in _registered(table)


def _registered(table: ck.Table) -> list[Any]:
    emitter = table.client.meta.events._emitter
    return list(emitter._handlers.prefix_search("before-parse.dynamodb.Scan"))
