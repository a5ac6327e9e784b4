"""Fast parsing of Scan and Query answers: orjson for the items, botocore for everything else.

botocore parses a response by walking its shape model value by value, which is most of the
client's time on large Scans (every attribute of every item is a nested ``{"S": ...}`` map).
The ``before-parse`` handler here takes the raw body of a *successful* Scan or Query, parses it
with orjson, and gives botocore back the same body without ``Items``; the items go into
``customized_response_dict``, which botocore merges into its parsed answer. The result is the
same dict botocore would have built (DynamoDB JSON, numbers as strings), so every caller and
every other handler (the cost meter included) sees no difference.

Signing, retries and error handling are untouched: errors (status >= 300) are left to botocore,
and each attempt has its own ``customized_response_dict``, so a retried page replaces the failed
attempt's answer instead of adding to it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

OPERATIONS = ("Scan", "Query")
_UNIQUE_ID = "contactkit-fast-items"
_lock = threading.Lock()
_users: dict[int, int] = {}  # id(client) -> number of open fast_items() blocks


def parse_items(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """botocore ``before-parse`` handler: move ``Items`` out of a successful JSON body."""
    if response_dict.get("status_code") != 200:
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes | bytearray) or b'"Items"' not in body:
        return
    if b'"B":' in body or b'"BS":' in body:
        # Binary values need botocore's base64 decoding (contacts hold none). A string that
        # merely contains these bytes also lands here: slower, still exact.
        return
    document = orjson.loads(body)
    items = document.pop("Items", None)
    if not isinstance(items, list):
        return
    response_dict["body"] = orjson.dumps(document)
    customized_response_dict["Items"] = items


def register(client: DynamoDBClient) -> None:
    """Parse this client's Scan and Query answers with orjson from now on."""
    for operation in OPERATIONS:
        client.meta.events.register(
            f"before-parse.dynamodb.{operation}", parse_items, unique_id=f"{_UNIQUE_ID}-{operation}"
        )


def unregister(client: DynamoDBClient) -> None:
    for operation in OPERATIONS:
        client.meta.events.unregister(
            f"before-parse.dynamodb.{operation}", unique_id=f"{_UNIQUE_ID}-{operation}"
        )


@contextmanager
def fast_items(client: DynamoDBClient) -> Iterator[None]:
    """Use the fast path on ``client`` inside the block (nested and concurrent blocks are fine).

    Example::

        with fast_items(db.client):
            page = db.client.scan(TableName="contacts")
    """
    key = id(client)
    with _lock:
        if _users.get(key, 0) == 0:
            register(client)
        _users[key] = _users.get(key, 0) + 1
    try:
        yield
    finally:
        with _lock:
            _users[key] -= 1
            if _users[key] == 0:
                del _users[key]
                unregister(client)
