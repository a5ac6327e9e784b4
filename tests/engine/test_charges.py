"""The engine's ConsumedCapacity where dynalite cannot check it: transactions, failed writes.

The non-transactional rules are checked, with dynalite, in ``test_dynalite_capacity.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from contactkit.dynamo.meter import Meter
from contactkit.engine.embedded import EmbeddedEngine
from tests.engine.test_dynalite_capacity import (
    ADA,
    EDE,
    TABLE,
    client_for,
    create_table,
    item,
    key,
)


@pytest.fixture
def client() -> Iterator[Any]:
    with EmbeddedEngine() as engine:
        found = client_for(engine.url)
        create_table(found)
        yield found


def test_a_transaction_doubles_item_writes_but_not_index_writes(client: Any) -> None:
    response = client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": ADA}},  # 5 KB: 2 x 5, and 1 index put
            {
                "ConditionCheck": {
                    "TableName": TABLE,
                    "Key": key("z", "1"),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ],
        ReturnConsumedCapacity="INDEXES",
    )
    (consumed,) = response["ConsumedCapacity"]
    assert consumed["Table"]["CapacityUnits"] == 10 + 2  # the check: a transactional write
    assert consumed["GlobalSecondaryIndexes"] == {
        "by-group": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
    }
    assert consumed["CapacityUnits"] == consumed["WriteCapacityUnits"] == 13


def test_a_transactional_read_costs_two_per_4_kb(client: Any) -> None:
    client.put_item(TableName=TABLE, Item=ADA)
    response = client.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": TABLE, "Key": key("a", "1")}},
            {"Get": {"TableName": TABLE, "Key": key("a", "9")}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["ConsumedCapacity"] == [
        {"TableName": TABLE, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}
    ]


def test_no_consumed_capacity_unless_asked(client: Any) -> None:
    for response in (
        client.put_item(TableName=TABLE, Item=ADA),
        client.delete_item(TableName=TABLE, Key=key("a", "1")),
        client.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": ADA}}]),
        client.query(
            TableName=TABLE,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
    ):
        assert "ConsumedCapacity" not in response
        assert "ConsumedCapacityUnits" not in response


def test_a_refused_write_reports_nothing_and_the_meter_computes_it(client: Any) -> None:
    client.put_item(TableName=TABLE, Item=ADA)
    with Meter(client, index_keys={}) as meter:
        with pytest.raises(ClientError):
            client.put_item(
                TableName=TABLE,
                Item=item("a", "1", "x"),
                ConditionExpression="attribute_not_exists(PK)",
            )
        client.put_item(TableName=TABLE, Item=item("a", "2", "x"))
    refused, written = meter.records
    assert (refused.error, refused.source, refused.wcu) == (True, "computed", 1.0)
    assert (written.error, written.source, written.wcu) == (False, "backend", 1.0)
    assert meter.consumed_capacity == 1.0  # only what the backend reported


def _units(consumed: dict[str, Any]) -> tuple[float, float]:
    """(table units, index units) of one ConsumedCapacity."""
    indexes = consumed.get("GlobalSecondaryIndexes", {}).values()
    return consumed["Table"]["CapacityUnits"], sum(i["CapacityUnits"] for i in indexes)


def test_a_transaction_charges_updates_and_deletes_as_the_same_writes_doubled() -> None:
    # The oracle: the same update and delete outside a transaction (checked against dynalite
    # in test_dynalite_capacity.py); in one, the table's units double and the index's do not.
    update = {
        "TableName": TABLE,
        "Key": key("a", "1"),
        "UpdateExpression": "SET #p = :p",
        "ExpressionAttributeNames": {"#p": "pad"},
        "ExpressionAttributeValues": {":p": {"S": "y" * 1_000}},
    }
    delete = {"TableName": TABLE, "Key": key("a", "2")}
    measured = []
    for transaction in (False, True):
        with EmbeddedEngine() as engine:
            found = client_for(engine.url)
            create_table(found)
            found.put_item(TableName=TABLE, Item=ADA)
            found.put_item(TableName=TABLE, Item=EDE)
            if transaction:
                response = found.transact_write_items(
                    TransactItems=[{"Update": update}, {"Delete": delete}],
                    ReturnConsumedCapacity="INDEXES",
                )
                measured.append(_units(response["ConsumedCapacity"][0]))
            else:
                alone = [
                    found.update_item(**update, ReturnConsumedCapacity="INDEXES"),
                    found.delete_item(**delete, ReturnConsumedCapacity="INDEXES"),
                ]
                parts = [_units(r["ConsumedCapacity"]) for r in alone]
                measured.append((sum(t for t, _ in parts), sum(i for _, i in parts)))
    (table, index), (in_transaction, index_in_transaction) = measured
    assert table > 0 and index > 0
    assert (in_transaction, index_in_transaction) == (2 * table, index)
