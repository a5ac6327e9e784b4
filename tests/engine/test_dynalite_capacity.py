"""The engine's ConsumedCapacity checked against DynamoDB's rules and an independent engine.

dynalite (npm, pinned in ``.ci/dynalite/package.json``) computes consumed capacity on its own.
The same non-transactional operations run against the embedded engine and a dynalite started
here on 127.0.0.1; every operation's table-level units and every index read's index units
must be equal, except for dynalite's known deviations from DynamoDB, each asserted exactly:

* **No index writes.** dynalite charges a write to the table only and gives no per-index figure
  (DynamoDB charges each index write on the projected entry: a changed index key is a delete
  plus a put; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html,
  "Write capacity units").
* **An empty Query costs 0.** DynamoDB charges the minimum, 0.5 (eventually consistent) or 1
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html,
  "Query").
* **Strings in UTF-16 code units.** dynalite counts ``"é"`` as 1 byte; DynamoDB counts UTF-8
  bytes, 2 (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
* **Scan ignores ConsistentRead** (found by this test): dynalite 4.0.0's Scan validation drops
  the parameter and charges half; DynamoDB charges a strongly consistent Scan in full
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.ReadConsumption.html).
* **No transactions.** dynalite answers TransactWriteItems with UnknownOperationException.

Where to find dynalite: ``$CONTACTKIT_DYNALITE``, ``node_modules/.bin/dynalite`` or
``.ci/dynalite/node_modules/.bin/dynalite`` in the repository, or ``dynalite`` on PATH. Without
it the comparison is skipped (the documented figures are still checked on the engine) unless
``CONTACTKIT_REQUIRE_DYNALITE=1``, which makes a missing dynalite fail (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from contactkit.engine.embedded import EmbeddedEngine

ROOT = Path(__file__).resolve().parents[2]
TABLE = "capacity"
INDEX = "by-group"

# 5,000 bytes of UTF-8 (2 read blocks, 5 write units); 2,500 UTF-16 code units (1 block, 3 units).
ACCENTED = "é" * 2_490


def item(pk: str, sk: str, pad: str, **extra: dict[str, str]) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}, "pad": {"S": pad}, **extra}


ADA = item("a", "1", "x" * 4_980, G={"S": "g1"}, name={"S": "Ada"}, n={"N": "42"})
EDE = item("a", "2", ACCENTED, G={"S": "g1"}, name={"S": "Edé"})


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


@dataclass(frozen=True)
class Case:
    """One operation: the documented units (table, index) and what dynalite answers instead."""

    name: str
    call: Callable[[Any], dict[str, Any]]
    table: float
    index: float | None = None  # the index's units (reads and writes on INDEX)
    dynalite_table: float | None = None  # None: the same as `table`
    deviation: str = ""


def _put(it: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda c: c.put_item(TableName=TABLE, Item=it, ReturnConsumedCapacity="INDEXES")


CASES = [
    # 5,000 B item: 5 WCU; its index entry (keys, G, name) ~ 40 B: one put of 1 WCU.
    Case("PutItem 5 KB, into the index", _put(ADA), 5, 1, deviation="no index writes"),
    Case(
        "PutItem non-ASCII 5 KB",
        _put(EDE),
        5,
        1,
        dynalite_table=3,
        deviation="UTF-16 sizes, no index writes",
    ),
    Case(
        "GetItem with a projection (whole item charged)",
        lambda c: c.get_item(
            TableName=TABLE,
            Key=key("a", "1"),
            ProjectionExpression="PK",
            ReturnConsumedCapacity="INDEXES",
        ),
        1.0,
    ),
    Case(
        "GetItem of a missing item, eventually consistent",
        lambda c: c.get_item(TableName=TABLE, Key=key("a", "9"), ReturnConsumedCapacity="INDEXES"),
        0.5,
    ),
    Case(
        "GetItem of a missing item, strongly consistent",
        lambda c: c.get_item(
            TableName=TABLE,
            Key=key("a", "9"),
            ConsistentRead=True,
            ReturnConsumedCapacity="INDEXES",
        ),
        1.0,
    ),
    Case(
        "BatchGetItem: 2 + 2 + 1 (missing), rounded per item",
        lambda c: c.batch_get_item(
            RequestItems={
                TABLE: {
                    "Keys": [key("a", "1"), key("a", "2"), key("a", "9")],
                    "ConsistentRead": True,
                }
            },
            ReturnConsumedCapacity="INDEXES",
        ),
        5.0,
        dynalite_table=4.0,
        deviation="UTF-16 sizes",
    ),
    Case(
        "Query with a filter that keeps nothing (10 KB read)",
        lambda c: c.query(
            TableName=TABLE,
            KeyConditionExpression="PK = :p",
            FilterExpression="G = :none",
            ExpressionAttributeValues={":p": {"S": "a"}, ":none": {"S": "none"}},
            ReturnConsumedCapacity="INDEXES",
        ),
        1.5,
        dynalite_table=1.0,
        deviation="UTF-16 sizes",
    ),
    Case(
        "Query of an empty partition",
        lambda c: c.query(
            TableName=TABLE,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "nobody"}},
            ReturnConsumedCapacity="INDEXES",
        ),
        0.5,
        dynalite_table=0.0,
        deviation="empty Query costs 0",
    ),
    Case(
        "Query of the index (projected entries, charged to the index)",
        lambda c: c.query(
            TableName=TABLE,
            IndexName=INDEX,
            KeyConditionExpression="G = :g",
            ExpressionAttributeValues={":g": {"S": "g1"}},
            ReturnConsumedCapacity="INDEXES",
        ),
        0.0,
        0.5,
    ),
    Case(
        "Scan with a filter and a projection, strongly consistent",
        lambda c: c.scan(
            TableName=TABLE,
            FilterExpression="G = :g",
            ProjectionExpression="PK",
            ExpressionAttributeValues={":g": {"S": "g1"}},
            ConsistentRead=True,
            ReturnConsumedCapacity="INDEXES",
        ),
        3.0,
        dynalite_table=1.0,  # 7.5 KB (UTF-16): 2 blocks, halved as eventually consistent
        deviation="UTF-16 sizes, Scan ignores ConsistentRead",
    ),
    Case(
        "UpdateItem changing the index key (index: delete + put)",
        lambda c: c.update_item(
            TableName=TABLE,
            Key=key("a", "1"),
            UpdateExpression="SET G = :g",
            ExpressionAttributeValues={":g": {"S": "g2"}},
            ReturnConsumedCapacity="INDEXES",
        ),
        5,
        2,
        deviation="no index writes",
    ),
    Case(
        "UpdateItem of an attribute the index does not project",
        lambda c: c.update_item(
            TableName=TABLE,
            Key=key("a", "1"),
            UpdateExpression="SET n = :n",
            ExpressionAttributeValues={":n": {"N": "43"}},
            ReturnConsumedCapacity="INDEXES",
        ),
        5,
    ),
    Case(
        "DeleteItem non-ASCII 5 KB (index: delete)",
        lambda c: c.delete_item(
            TableName=TABLE, Key=key("a", "2"), ReturnConsumedCapacity="INDEXES"
        ),
        5,
        1,
        dynalite_table=3,
        deviation="UTF-16 sizes, no index writes",
    ),
    Case(
        "DeleteItem of a missing item",
        lambda c: c.delete_item(
            TableName=TABLE, Key=key("a", "9"), ReturnConsumedCapacity="INDEXES"
        ),
        1,
    ),
    Case(
        "BatchWriteItem: put 1 KB-, delete 5 KB (index: delete)",
        lambda c: c.batch_write_item(
            RequestItems={
                TABLE: [
                    {"PutRequest": {"Item": item("b", "1", "small")}},
                    {"DeleteRequest": {"Key": key("a", "1")}},
                ]
            },
            ReturnConsumedCapacity="INDEXES",
        ),
        6,
        1,
        deviation="no index writes",
    ),
]


def create_table(client: Any) -> None:
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "G")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX,
                "KeySchema": [
                    {"AttributeName": "G", "KeyType": "HASH"},
                    {"AttributeName": "SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]},
            }
        ],
    )
    for _ in range(100):
        described = client.describe_table(TableName=TABLE)["Table"]
        if described["TableStatus"] == "ACTIVE" and all(
            index.get("IndexStatus", "ACTIVE") == "ACTIVE"
            for index in described.get("GlobalSecondaryIndexes", [])
        ):
            return
        time.sleep(0.1)
    raise AssertionError(f"table {TABLE} did not become ACTIVE")


def client_for(url: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def units(response: dict[str, Any]) -> tuple[float, float | None]:
    """(table units, INDEX's units or None) of one response, batches added up."""
    consumed = response["ConsumedCapacity"]
    entries = consumed if isinstance(consumed, list) else [consumed]
    table = sum(float(e.get("Table", {}).get("CapacityUnits", 0.0)) for e in entries)
    index: float | None = None
    for entry in entries:
        found = entry.get("GlobalSecondaryIndexes", {}).get(INDEX)
        if found is not None:
            index = (index or 0.0) + float(found["CapacityUnits"])
    return table, index


def run_all(client: Any) -> list[tuple[float, float | None]]:
    create_table(client)
    return [units(case.call(client)) for case in CASES]


def find_dynalite() -> str | None:
    configured = os.environ.get("CONTACTKIT_DYNALITE")
    if configured:
        return configured
    for place in (
        ROOT / "node_modules" / ".bin" / "dynalite",
        ROOT / ".ci" / "dynalite" / "node_modules" / ".bin" / "dynalite",
    ):
        if place.exists():
            return str(place)
    return shutil.which("dynalite")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def dynalite() -> Iterator[str]:
    binary = find_dynalite()
    if binary is None:
        if os.environ.get("CONTACTKIT_REQUIRE_DYNALITE") == "1":
            pytest.fail("dynalite not found (CONTACTKIT_REQUIRE_DYNALITE=1): run .ci/run's npm ci")
        pytest.skip("dynalite not installed (set CONTACTKIT_DYNALITE or npm ci in .ci/dynalite)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"dynalite did not start on port {port}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def engine_units() -> list[tuple[float, float | None]]:
    with EmbeddedEngine() as engine:
        return run_all(client_for(engine.url))


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.name for case in CASES])
def test_the_engine_charges_the_documented_units(
    engine_units: list[tuple[float, float | None]], index: int
) -> None:
    case = CASES[index]
    assert engine_units[index] == (case.table, case.index)


def test_dynalite_agrees_but_for_its_known_deviations(
    engine_units: list[tuple[float, float | None]], dynalite: str
) -> None:
    found = run_all(client_for(dynalite))
    for case, engine, other in zip(CASES, engine_units, found, strict=True):
        expected_table = case.table if case.dynalite_table is None else case.dynalite_table
        # dynalite reports index units for index reads only; writes charge no index.
        expected_index = case.index if case.table == 0.0 else None
        assert other == (expected_table, expected_index), case.name
        if not case.deviation:
            assert other == engine, case.name


def test_dynalite_rejects_transactions(dynalite: str) -> None:
    client = client_for(dynalite)
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(
            TransactItems=[{"Put": {"TableName": TABLE, "Item": item("t", "1", "x")}}]
        )
    assert refused.value.response["Error"]["Code"] == "UnknownOperationException"
