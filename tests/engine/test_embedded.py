"""The embedded engine: DynamoDB transaction semantics, isolation, silence, serialisation."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

import contactkit as ck
from contactkit.engine.embedded import EmbeddedEngine, EngineBackend


@pytest.fixture
def engine_db() -> Iterator[ck.Database]:
    """Always the embedded engine, even when the suite targets another endpoint."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
        database = ck.connect()
    yield database
    database.close()


@pytest.fixture
def client(engine_db: ck.Database) -> Any:
    engine_db.table("t").create()
    return engine_db.client


def key(pk: str, sk: str = "s") -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def put(pk: str, condition: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"TableName": "t", "Item": {**key(pk), "v": {"S": pk}}, **extra}
    if condition:
        body["ConditionExpression"] = condition
    return {"Put": body}


def add_one_to_text() -> dict[str, Any]:
    """An update that passes every condition but fails when applied to a string."""
    return {
        "Update": {
            "TableName": "t",
            "Key": key("s"),
            "UpdateExpression": "ADD #t :one",
            "ExpressionAttributeNames": {"#t": "text"},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }


def stored(client: Any, pk: str) -> dict[str, Any] | None:
    return client.get_item(TableName="t", Key=key(pk), ConsistentRead=True).get("Item")


def cancellation(exc: pytest.ExceptionInfo[ClientError]) -> list[dict[str, Any]]:
    assert exc.value.response["Error"]["Code"] == "TransactionCanceledException"
    return list(exc.value.response["CancellationReasons"])


def test_transaction_applies_every_action(client: Any) -> None:
    client.put_item(TableName="t", Item={**key("old"), "n": {"N": "1"}})
    client.transact_write_items(
        TransactItems=[
            put("a", "attribute_not_exists(PK)"),
            {"Delete": {"TableName": "t", "Key": key("old")}},
            {
                "ConditionCheck": {
                    "TableName": "t",
                    "Key": key("zzz"),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
    )
    assert stored(client, "a") is not None
    assert stored(client, "old") is None


def test_one_failed_condition_cancels_all_with_reasons_and_all_old(client: Any) -> None:
    client.put_item(TableName="t", Item={**key("taken"), "owner": {"S": "someone"}})
    with pytest.raises(ClientError) as exc:
        client.transact_write_items(
            TransactItems=[
                put("new"),
                put(
                    "taken",
                    "attribute_not_exists(PK)",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                ),
                put("other", "attribute_not_exists(PK)"),
            ]
        )
    reasons = cancellation(exc)
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"]["owner"] == {"S": "someone"}
    assert stored(client, "new") is None and stored(client, "other") is None
    assert stored(client, "taken") == {**key("taken"), "owner": {"S": "someone"}}


def test_all_old_is_omitted_unless_asked(client: Any) -> None:
    client.put_item(TableName="t", Item=key("taken"))
    with pytest.raises(ClientError) as exc:
        client.transact_write_items(TransactItems=[put("taken", "attribute_not_exists(PK)")])
    assert "Item" not in cancellation(exc)[0]


def test_conditions_see_the_state_before_the_transaction(client: Any) -> None:
    # The delete of "a" must not make the condition on "a"'s existence of another action pass.
    client.put_item(TableName="t", Item=key("a"))
    client.transact_write_items(
        TransactItems=[
            {
                "Delete": {
                    "TableName": "t",
                    "Key": key("a"),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            put("b", "attribute_not_exists(PK)"),
        ]
    )
    assert stored(client, "a") is None and stored(client, "b") is not None


def test_failure_while_applying_rolls_back_earlier_actions(client: Any) -> None:
    client.put_item(TableName="t", Item={**key("s"), "text": {"S": "not a number"}})
    with pytest.raises(ClientError) as exc:
        client.transact_write_items(
            TransactItems=[
                put("first"),
                add_one_to_text(),
            ]
        )
    assert [r["Code"] for r in cancellation(exc)] == ["None", "ValidationError"]
    assert stored(client, "first") is None
    assert stored(client, "s") == {**key("s"), "text": {"S": "not a number"}}


def test_a_put_refused_while_applying_rolls_back_earlier_actions(client: Any) -> None:
    # The put's own checks (here the 2,048-byte partition key limit) run when it is applied,
    # after every condition held: the transaction is cancelled and undone.
    too_long = {"Put": {"TableName": "t", "Item": {**key("x" * 2_049), "v": {"S": "x"}}}}
    with pytest.raises(ClientError) as exc:
        client.transact_write_items(TransactItems=[put("first"), too_long])
    assert [r["Code"] for r in cancellation(exc)] == ["None", "ValidationError"]
    assert stored(client, "first") is None


def test_rollback_restores_an_overwritten_item(client: Any) -> None:
    client.put_item(TableName="t", Item={**key("a"), "v": {"S": "original"}})
    client.put_item(TableName="t", Item={**key("s"), "text": {"S": "x"}})
    with pytest.raises(ClientError):
        client.transact_write_items(
            TransactItems=[
                put("a"),
                add_one_to_text(),
            ]
        )
    assert stored(client, "a") == {**key("a"), "v": {"S": "original"}}


def test_more_than_100_actions_is_a_validation_error(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.transact_write_items(TransactItems=[put(f"i{n}") for n in range(101)])
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert stored(client, "i0") is None


def test_100_actions_are_accepted(client: Any) -> None:
    client.transact_write_items(TransactItems=[put(f"i{n}") for n in range(100)])
    assert stored(client, "i99") is not None


def test_two_actions_on_one_item_are_refused(client: Any) -> None:
    with pytest.raises(ClientError) as exc:
        client.transact_write_items(
            TransactItems=[put("a"), {"Delete": {"TableName": "t", "Key": key("a")}}]
        )
    assert exc.value.response["Error"]["Code"] == "ValidationException"
    assert "multiple operations on one item" in exc.value.response["Error"]["Message"]
    assert stored(client, "a") is None


def test_engines_are_isolated_from_each_other(engine_db: ck.Database) -> None:
    engine_db.table("only-here").create()
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
        other = ck.connect()
    try:
        assert not other.table("only-here").exists()
        assert engine_db.table("only-here").exists()
    finally:
        other.close()


def test_engine_is_silent(capfd: pytest.CaptureFixture[str]) -> None:
    engine = EmbeddedEngine()
    engine.start()
    try:
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError):  # an unsigned request is refused, quietly
            urllib.request.urlopen(engine.url, data=b"{}", timeout=5)
    finally:
        engine.stop()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_engine_binds_loopback_on_a_free_port() -> None:
    first, second = EmbeddedEngine(), EmbeddedEngine()
    first.start()
    second.start()
    try:
        assert first.url.startswith("http://127.0.0.1:")
        assert first.url != second.url
    finally:
        first.stop()
        second.stop()


def test_concurrent_transactions_never_lose_writes(client: Any) -> None:
    # Under moto's own implementation a cancelled transaction restores a stale table copy,
    # erasing writes that landed meanwhile. Here every committed write must survive.
    cancelled: list[str] = []

    def worker(n: int) -> None:
        for i in range(20):
            item = f"w{n}-{i}"
            client.transact_write_items(TransactItems=[put(item, "attribute_not_exists(PK)")])
            try:  # a transaction that is cancelled, concurrently with the others
                client.transact_write_items(TransactItems=[put(item, "attribute_not_exists(PK)")])
            except ClientError as exc:
                cancelled.append(exc.response["Error"]["Code"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    count = client.scan(TableName="t", Select="COUNT")["Count"]
    assert count == 8 * 20
    assert cancelled == ["TransactionCanceledException"] * (8 * 20)


@pytest.mark.parametrize(
    ("operation", "request_body"),
    [
        ("Scan", {"ReturnConsumedCapacity": "TOTAL"}),
        ("Scan", {"Limit": 1}),
        ("Scan", {"ProjectionExpression": "bin, l"}),
        (
            "Query",
            {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "b"}}},
        ),
        (
            "Query",
            {
                "KeyConditionExpression": "PK = :p",
                "ExpressionAttributeValues": {":p": {"S": "b"}},
                "ProjectionExpression": "ns, bin, absent",
            },
        ),
        (
            "Query",
            {
                "KeyConditionExpression": "PK = :p",
                "ExpressionAttributeValues": {":p": {"S": "b"}},
                "ProjectionExpression": "m.a, m.b.c, m.none, PK, m.b.d",
            },
        ),
        (
            "Query",
            {
                "KeyConditionExpression": "PK = :p",
                "ExpressionAttributeValues": {":p": {"S": "b"}},
                "ProjectionExpression": "l[2].x, bin",
            },
        ),
        ("GetItem", {"Key": {"PK": {"S": "b"}, "SK": {"S": "b"}}}),
        ("GetItem", {"Key": {"PK": {"S": "none"}, "SK": {"S": "none"}}}),
        ("PutItem", {"Item": {"PK": {"S": "b"}, "SK": {"S": "b"}}, "ReturnValues": "ALL_OLD"}),
        (
            "UpdateItem",
            {
                "Key": {"PK": {"S": "b"}, "SK": {"S": "b"}},
                "UpdateExpression": "SET n = :n",
                "ExpressionAttributeValues": {":n": {"N": "2"}},
                "ReturnValues": "ALL_NEW",
                "ReturnConsumedCapacity": "INDEXES",
            },
        ),
        ("DeleteItem", {"Key": {"PK": {"S": "b"}, "SK": {"S": "b"}}, "ReturnValues": "ALL_OLD"}),
        ("DeleteItem", {"Key": {"PK": {"S": "c"}, "SK": {"S": "c"}}}),
        (
            "BatchWriteItem",
            {
                "RequestItems": {
                    "t": [{"DeleteRequest": {"Key": {"PK": {"S": "c"}, "SK": {"S": "c"}}}}]
                }
            },
        ),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Delete": {"TableName": "t", "Key": {"PK": {"S": "c"}, "SK": {"S": "c"}}}}
                ]
            },
        ),
    ],
)
def test_fast_reads_answer_exactly_like_moto(operation: str, request_body: dict[str, Any]) -> None:
    """The engine's bodies (orjson, items serialised once) equal stock moto's for one request."""
    item = {
        "PK": {"S": "b"},
        "SK": {"S": "b"},
        "bin": {"B": b"\x00\xff"},
        "ns": {"NS": ["1", "2.5"]},
        "l": {"L": [{"BOOL": True}, {"NULL": True}, {"M": {"x": {"SS": ["a"]}}}]},
        "m": {"M": {"a": {"N": "1.50"}, "b": {"M": {"c": {"S": "x"}, "e": {"S": "y"}}}}},
    }
    bodies = [answer_of(operation, request_body, item, stock=stock) for stock in (False, True)]
    engine_body, moto_body = bodies
    # the engine charges by DynamoDB's rules, moto answers constants (test_charges.py)
    engine_body.pop("ConsumedCapacity", None)
    moto_body.pop("ConsumedCapacity", None)
    assert engine_body == moto_body


def answer_of(
    operation: str, request_body: dict[str, Any], item: dict[str, Any], *, stock: bool
) -> Any:
    """The JSON body the engine (or, ``stock``, moto's own handler) answers one request with."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    from contactkit.engine.embedded import ACCOUNT_ID, REGION

    with EmbeddedEngine() as engine:
        if stock:  # moto's own handler and backend, served the same way
            backend = DynamoDBBackend(REGION, ACCOUNT_ID)

            class Stock(DynamoHandler):
                @property
                def dynamodb_backend(self) -> DynamoDBBackend:
                    return backend

            engine.app.handler = Stock  # type: ignore[assignment]
        db = ck.connect(endpoint_url=engine.url)
        db.table("t").create()
        db.client.put_item(TableName="t", Item=item)
        db.client.put_item(TableName="t", Item={"PK": {"S": "c"}, "SK": {"S": "c"}})
        captured: list[bytes] = []

        def keep(http_response: Any, **_: Any) -> None:
            captured.append(http_response.content)

        db.client.meta.events.register("after-call.dynamodb.*", keep)
        table = {} if operation in ("BatchWriteItem", "TransactWriteItems") else {"TableName": "t"}
        getattr(db.client, _snake(operation))(**table, **request_body)
        return json.loads(captured[-1])


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


# --- Cross-site and DNS-rebinding requests (a browser page must not reach the engine) ---------

TARGET = "DynamoDB_20120810.ListTables"
JSON_1_0 = "application/x-amz-json-1.0"


def raw_post(
    url: str,
    headers: dict[str, str],
    body: bytes = b"{}",
    path: str = "/",
    method: str = "POST",
) -> tuple[int, dict[str, Any]]:
    """One request with exactly these headers (``Host`` included), no boto3, no signing."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read()
    finally:
        connection.close()
    try:
        answer = json.loads(text) if text else {}
    except ValueError:
        answer = {"raw": text.decode("utf-8", "replace")}
    return response.status, answer


def host_of(url: str) -> str:
    return url.removeprefix("http://")


def browser_attacks(url: str) -> list[tuple[str, dict[str, str], bytes, str]]:
    """(label, headers, body, path) of requests a web page (or a rebound DNS name) can send."""
    host = host_of(url)
    port = host.rpartition(":")[2]
    delete = json.dumps({"TableName": "t"}).encode()
    return [
        (
            "simple text/plain POST with the action in the query string",
            {"Host": host, "Content-Type": "text/plain"},
            delete,
            "/?Action=DeleteTable",
        ),
        (
            "form POST with the action in the query string",
            {"Host": host, "Content-Type": "application/x-www-form-urlencoded"},
            b"TableName=t",
            "/?Action=DeleteTable&TableName=t",
        ),
        (
            "no X-Amz-Target",
            {"Host": host, "Content-Type": JSON_1_0},
            delete,
            "/?Action=DeleteTable",
        ),
        (
            "X-Amz-Target but a text/plain body",
            {"Host": host, "Content-Type": "text/plain", "X-Amz-Target": TARGET},
            b"{}",
            "/",
        ),
        (
            "a cross-origin request (Origin header)",
            {
                "Host": host,
                "Content-Type": JSON_1_0,
                "X-Amz-Target": "DynamoDB_20120810.DeleteTable",
                "Origin": "https://evil.example",
            },
            delete,
            "/",
        ),
        (
            "DNS rebinding (a foreign Host)",
            {
                "Host": f"evil.example:{port}",
                "Content-Type": JSON_1_0,
                "X-Amz-Target": "DynamoDB_20120810.DeleteTable",
            },
            delete,
            "/",
        ),
        (
            "a loopback name on another port",
            {
                "Host": "localhost:1",
                "Content-Type": JSON_1_0,
                "X-Amz-Target": "DynamoDB_20120810.DeleteTable",
            },
            delete,
            "/",
        ),
        (
            "no Host at all",
            {"Content-Type": JSON_1_0, "X-Amz-Target": "DynamoDB_20120810.DeleteTable"},
            delete,
            "/",
        ),
    ]


def assert_refused(url: str, client: Any) -> None:
    """Every browser-style request gets a DynamoDB-style 403 and leaves table ``t`` alone."""
    for label, headers, body, path in browser_attacks(url):
        status, answer = raw_post(url, headers, body, path)
        assert status == 403, f"{label}: answered {status} {answer}"
        assert answer.get("__type", "").endswith("#AccessDeniedException"), label
        assert answer.get("message"), label
        assert client.list_tables()["TableNames"] == ["t"], f"{label}: the table is gone"


def test_browser_style_requests_are_refused_with_403(engine_db: ck.Database, client: Any) -> None:
    assert engine_db.endpoint_url is not None
    assert_refused(engine_db.endpoint_url, client)


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_the_loopback_names_with_the_bound_port_are_served(
    engine_db: ck.Database, client: Any, name: str
) -> None:
    assert engine_db.endpoint_url is not None
    port = engine_db.endpoint_url.rpartition(":")[2]
    headers = {"Host": f"{name}:{port}", "Content-Type": JSON_1_0, "X-Amz-Target": TARGET}
    status, answer = raw_post(engine_db.endpoint_url, headers)
    assert (status, answer) == (200, {"TableNames": ["t"]})


def test_an_options_preflight_is_refused(engine_db: ck.Database, client: Any) -> None:
    assert engine_db.endpoint_url is not None
    host = host_of(engine_db.endpoint_url)
    headers = {
        "Host": host,
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target",
    }
    status, _ = raw_post(engine_db.endpoint_url, headers, b"", method="OPTIONS")
    assert status == 403


@pytest.mark.parametrize(
    "body",
    [
        {"TableName": "t", "Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1.50"}}},
        {
            "TableName": "t",
            "Item": {
                "PK": {"S": "a"},
                "B": {"B": "AP8="},
                "BS": {"BS": ["AA==", "AP8="]},
                "m": {"M": {"B": {"S": "a map member named B"}, "x": {"B": "AQ=="}}},
                "l": {"L": [{"B": "Ag=="}, {"BS": ["Aw=="]}, {"S": "B"}]},
                "s": {"S": '"B": not a binary'},
            },
            "ConditionExpression": "attribute_not_exists(#B)",
            "ExpressionAttributeNames": {"#B": "B"},
        },
        {
            "TransactItems": [
                {"Put": {"TableName": "t", "Item": {"PK": {"B": "AP8="}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"PK": {"S": "x"}},
                        "UpdateExpression": "SET a = :v",
                        "ExpressionAttributeValues": {":v": {"BS": ["AQ=="]}},
                    }
                },
            ],
            "ReturnConsumedCapacity": "INDEXES",
        },
        {
            "RequestItems": {
                "t": [{"PutRequest": {"Item": {"PK": {"S": "a"}, "b": {"BOOL": True}}}}]
            }
        },
        {
            "TableName": "t",
            "KeyConditionExpression": "PK = :p",
            "Limit": 5,
            "ExclusiveStartKey": {"PK": {"B": "AP8="}},
            "ExpressionAttributeValues": {":p": {"B": "AP8="}},
        },
    ],
)
def test_item_requests_are_parsed_like_moto(body: dict[str, Any]) -> None:
    """The engine's orjson parse of an item operation equals moto's shape-driven parse."""
    from moto.core.parse import PROTOCOL_PARSERS
    from moto.core.utils import get_service_model

    from contactkit.engine.embedded import item_request

    operation = {
        "Item": "PutItem",
        "TransactItems": "TransactWriteItems",
        "RequestItems": "BatchWriteItem",
        "KeyConditionExpression": "Query",
    }[
        next(
            k
            for k in ("Item", "TransactItems", "RequestItems", "KeyConditionExpression")
            if k in body
        )
    ]
    raw = json.dumps(body).encode()
    model = get_service_model("dynamodb").operation_model(operation)
    parsed = PROTOCOL_PARSERS["json"](model, map_type=dict).parse(
        {
            "method": "POST",
            "values": {},
            "headers": {},
            "body": raw,
            "url_path": "/",
            "url_params": {},
        }
    )
    assert item_request(raw) == parsed


# -- the condition parse cache ----------------------------------------------------------------

PARSE_CASES: list[tuple[str, dict[str, str] | None, dict[str, Any] | None]] = [
    ("attribute_not_exists(PK)", None, None),
    ("attribute_exists(#n) AND #n = :v", {"#n": "name"}, {":v": {"S": "Ann"}}),
    ("#n = :v", {"#n": "name"}, {":v": {"S": "Bob"}}),  # same expression, other value
    (
        "size(tags) > :n OR begins_with(#n, :p)",
        {"#n": "name"},
        {":n": {"N": "1"}, ":p": {"S": "A"}},
    ),
    ("NOT contains(tags, :t)", None, {":t": {"S": "x"}}),
    ("v BETWEEN :a AND :b", None, {":a": {"N": "1"}, ":b": {"N": "5"}}),
    ("#b = :b", {"#b": "blob"}, {":b": {"B": b"\x00"}}),  # binary: parsed every time
]
PARSE_ITEMS = [
    None,
    {"PK": {"S": "p"}, "name": {"S": "Ann"}, "tags": {"SS": ["x", "y"]}, "v": {"N": "3"}},
    {"PK": {"S": "p"}, "name": {"S": "Bob"}, "tags": {"SS": ["z"]}, "v": {"N": "9"}},
    {"PK": {"S": "p"}, "blob": {"B": b"\x00"}},
]


@pytest.mark.parametrize(("expression", "names", "values"), PARSE_CASES)
def test_cached_conditions_decide_like_moto(
    expression: str, names: dict[str, str] | None, values: dict[str, Any] | None
) -> None:
    from moto.dynamodb.comparisons import ConditionExpressionParser
    from moto.dynamodb.models.dynamo_type import Item

    from contactkit.engine.embedded import CachedConditionParser

    items = [
        None if attrs is None else Item(attrs["PK"], None, attrs)  # type: ignore[arg-type]
        for attrs in PARSE_ITEMS
    ]

    def decisions(op: Any) -> list[Any]:
        out = []
        for item in items:
            try:
                out.append(op.expr(item))
            except ValueError as exc:  # compared, not swallowed: both must raise alike
                out.append(str(exc))
        return out

    moto = ConditionExpressionParser(expression, names, values)
    expected = decisions(moto.parse())
    for _ in range(2):  # the first parse fills the cache, the second reads it
        cached = CachedConditionParser(expression, names, values)
        assert decisions(cached.parse()) == expected
        assert cached.expr_attr_names_found == moto.expr_attr_names_found
        assert cached.expr_attr_values_found == moto.expr_attr_values_found


def test_a_parse_is_remembered_and_errors_are_not() -> None:
    from contactkit.engine.embedded import CachedConditionParser

    def parse(values: dict[str, Any]) -> Any:
        return CachedConditionParser("#n = :v", {"#n": "name"}, values).parse()

    assert parse({":v": {"S": "a"}}) is parse({":v": {"S": "a"}})
    assert parse({":v": {"S": "a"}}) is not parse({":v": {"S": "b"}})
    for _ in range(2):
        with pytest.raises(Exception, match=":v"):  # moto's error for a missing value
            parse({})


def test_the_engine_and_moto_use_the_cached_parser() -> None:
    from moto.dynamodb import comparisons, models, responses

    from contactkit.engine.embedded import cached_parser

    assert comparisons.create_condition_expression_parser is cached_parser
    assert responses.create_condition_expression_parser is cached_parser  # type: ignore[attr-defined]
    assert models.create_condition_expression_parser is cached_parser  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "attrs",
    [
        {"PK": {"S": "p"}, "SK": {"S": "s"}, "note": {"S": ""}},
        {"PK": {"S": ""}, "SK": {"S": "s"}},
        {"PK": {"S": "p"}, "SK": {"B": ""}},
        {"PK": {"S": "p"}, "SK": {"S": "s"}, "EmailPK": {"S": ""}},
        {"PK": {"S": "p"}, "SK": {"S": "s"}, "n": {"N": "1"}, "b": {"B": b""}},
        {"PK": {"S": "p"}, "SK": {"S": "s"}, "odd": {"S": "", "N": "1"}},
        {"PK": {"S": "p"}, "SK": {"S": "s"}, "odd": {}},
    ],
)
@pytest.mark.parametrize("message", [None, "custom {}"])
def test_empty_key_values_are_refused_as_moto_refuses_them(
    client: Any, engine_db: ck.Database, attrs: dict[str, Any], message: str | None
) -> None:
    from moto.dynamodb import responses

    from contactkit.engine.embedded import _moto_validate_put_has_empty_keys

    assert engine_db.engine is not None
    table = engine_db.engine.backend.get_table("t")
    assert table.global_indexes  # the GSI keys are checked too

    def outcome(check: Any) -> Any:
        try:
            check(attrs, table, message)
        except Exception as error:  # the exception moto raises is what is compared
            return type(error), str(error)
        return None

    assert responses.validate_put_has_empty_keys is not _moto_validate_put_has_empty_keys
    expected = outcome(_moto_validate_put_has_empty_keys)
    assert outcome(responses.validate_put_has_empty_keys) == expected


def test_a_request_is_served_with_the_collector_paused(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine's writes make thousands of short-lived objects; the collector would re-scan
    # its tables meanwhile. Paused per request, it is back on between requests.
    seen: list[bool] = []
    get_table = EngineBackend.get_table

    def spying(self: EngineBackend, name: str) -> Any:
        seen.append(gc.isenabled())
        return get_table(self, name)

    monkeypatch.setattr(EngineBackend, "get_table", spying)
    was = gc.isenabled()
    gc.enable()
    try:
        client.put_item(TableName="t", Item=put("a")["Put"]["Item"])
        assert seen and not any(seen)
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
