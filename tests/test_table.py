"""Table.create / delete: every index of the design, idempotent, waits until usable."""

from __future__ import annotations

import uuid

import pytest

import contactkit as ck
from contactkit.dynamo import schema


def test_create_makes_the_table_and_every_index(db: ck.Database) -> None:
    table = db.table(f"t-{uuid.uuid4().hex[:8]}").create()
    try:
        description = table.describe()
        assert description["TableStatus"] == "ACTIVE"
        assert schema.describe_schema(description) == schema.expected_schema()
        assert {i["IndexName"] for i in description["GlobalSecondaryIndexes"]} == {
            "gsi-email",
            "gsi-phone",
            "gsi-name",
            "gsi-favorites",
        }
    finally:
        table.delete()


def test_create_twice_needs_exist_ok(db: ck.Database) -> None:
    table = db.table(f"t-{uuid.uuid4().hex[:8]}").create()
    try:
        assert table.create(exist_ok=True) is table
        with pytest.raises(ck.BackendError) as exc:
            table.create()
        assert exc.value.code == "ResourceInUseException"
    finally:
        table.delete()


def test_exist_ok_refuses_a_table_with_another_design(db: ck.Database) -> None:
    name = f"t-{uuid.uuid4().hex[:8]}"
    db.client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        with pytest.raises(ck.ConfigurationError, match="another table name"):
            db.table(name).create(exist_ok=True)
    finally:
        db.table(name).delete()


def test_delete_waits_until_gone_and_missing_ok(db: ck.Database) -> None:
    table = db.table(f"t-{uuid.uuid4().hex[:8]}").create()
    table.delete()
    assert not table.exists()
    table.delete(missing_ok=True)
    with pytest.raises(ck.BackendError) as exc:
        table.delete()
    assert exc.value.code == "ResourceNotFoundException"


def test_create_request_matches_the_design() -> None:
    request = schema.create_table_request("contacts")
    assert request["BillingMode"] == "PAY_PER_REQUEST"
    defined = {a["AttributeName"] for a in request["AttributeDefinitions"]}
    used = {k["AttributeName"] for k in request["KeySchema"]} | {
        k["AttributeName"] for i in request["GlobalSecondaryIndexes"] for k in i["KeySchema"]
    }
    assert defined == used  # DynamoDB refuses unused or missing attribute definitions
