"""The request meter (``contactkit/dynamo/meter.py``), against the embedded engine.

Counts and capacity units are asserted exactly; times never (only that they were taken).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

import contactkit as ck
from contactkit.contacts import keys
from contactkit.dynamo import limits
from contactkit.dynamo.expressions import render
from contactkit.dynamo.meter import Meter
from contactkit.dynamo.requestcost import partition_keys, request_cost
from contactkit.dynamo.sizes import item_size
from contactkit.dynamo.totals import OperationStats

KB = 1024


def sized_item(pk: str, sk: str, size: int, **extra: str) -> dict[str, Any]:
    """An item of exactly ``size`` bytes by DynamoDB's rules."""
    item: dict[str, Any] = {"PK": {"S": pk}, "SK": {"S": sk}}
    item |= {name: {"S": value} for name, value in extra.items()}
    pad = size - item_size(item) - len("pad")
    assert pad >= 0
    item["pad"] = {"S": "x" * pad}
    assert item_size(item) == size
    return item


def put(table: ck.Table, *items: dict[str, Any]) -> None:
    for item in items:
        table.client.put_item(TableName=table.name, Item=item)


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


# -- reads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("consistent", "rcu"), [(True, 1.0), (False, 0.5)])
def test_get_item_of_3_kb(table: ck.Table, consistent: bool, rcu: float) -> None:
    put(table, sized_item("p", "s", 3 * KB))
    with table.meter() as m:
        table.client.get_item(TableName=table.name, Key=key("p", "s"), ConsistentRead=consistent)
    assert (m.requests, m.items_read, m.items_returned) == (1, 1, 1)
    assert m.bytes_read == 3 * KB
    assert m.rcu == rcu
    assert m.wcu == 0


@pytest.mark.parametrize(("consistent", "rcu"), [(True, 1.0), (False, 0.5)])
def test_get_item_not_found_still_costs_the_minimum(
    table: ck.Table, consistent: bool, rcu: float
) -> None:
    with table.meter() as m:
        response = table.client.get_item(
            TableName=table.name, Key=key("p", "missing"), ConsistentRead=consistent
        )
    assert "Item" not in response
    assert (m.requests, m.items_read, m.items_returned, m.bytes_read) == (1, 0, 0, 0)
    assert m.rcu == rcu


def test_get_item_larger_than_4_kb(table: ck.Table) -> None:
    put(table, sized_item("p", "s", 4_198))  # 4.1 KB
    with table.meter() as m:
        table.client.get_item(TableName=table.name, Key=key("p", "s"), ConsistentRead=True)
    assert m.rcu == 2.0


@pytest.mark.parametrize(("consistent", "rcu"), [(True, 2.0), (False, 1.0)])
def test_query_is_charged_on_the_sum_of_item_sizes(
    table: ck.Table, consistent: bool, rcu: float
) -> None:
    put(table, *(sized_item("ORG#a", f"C#{i:02}", 500) for i in range(10)))
    put(table, sized_item("ORG#b", "C#00", 500))  # another partition: not read
    with table.meter() as m:
        response = table.client.query(
            TableName=table.name,
            ConsistentRead=consistent,
            **render(Key("PK").eq("ORG#a"), key_condition=True, name="KeyConditionExpression"),
        )
    assert response["Count"] == 10
    assert (m.items_read, m.items_returned, m.bytes_read) == (10, 10, 5_000)
    assert m.rcu == rcu  # 5,000 bytes -> 8 KB, not ten times 4 KB
    assert m.partition_requests == {"ORG#a": 1}


def test_query_on_an_index_is_eventually_consistent(table: ck.Table) -> None:
    put(table, sized_item("ORG#a", "C#1", 3 * KB, EmailPK="ORG#a#EMAIL#x"))
    with table.meter() as m:
        table.client.query(
            TableName=table.name,
            IndexName="gsi-email",
            KeyConditionExpression="EmailPK = :e",
            ExpressionAttributeValues={":e": {"S": "ORG#a#EMAIL#x"}},
        )
    assert (m.items_read, m.items_returned, m.rcu) == (1, 1, 0.5)
    assert m.partition_requests == {"ORG#a#EMAIL#x": 1}


def test_scan_with_a_filter_counts_every_item_read(table: ck.Table) -> None:
    put(table, *(sized_item(f"ORG#{i}", "C", 500, kind="a" if i < 2 else "b") for i in range(20)))
    with table.meter() as m:
        response = table.client.scan(
            TableName=table.name,
            FilterExpression="kind = :k",
            ExpressionAttributeValues={":k": {"S": "a"}},
        )
    assert (response["Count"], response["ScannedCount"]) == (2, 20)
    assert m.items_read == 20  # ScannedCount: the filter ran after the reads
    assert m.items_returned == 2
    assert m.bytes_read == 20 * 500  # the dropped 18 estimated at the returned items' size
    assert m.rcu == 1.5  # 10,000 bytes -> 12 KB, eventually consistent
    assert m.partition_requests == {"(scan)": 1}


def test_scan_whose_filter_drops_everything_counts_the_minimum(table: ck.Table) -> None:
    put(table, *(sized_item(f"ORG#{i}", "C", 500) for i in range(5)))
    with table.meter() as m:
        table.client.scan(
            TableName=table.name,
            FilterExpression="attribute_exists(nothing)",
            ConsistentRead=True,
        )
    assert (m.items_read, m.items_returned, m.bytes_read) == (5, 0, 0)
    assert m.rcu == 1.0


@pytest.mark.parametrize(("consistent", "rcu"), [(True, 4.0), (False, 2.0)])
def test_batch_get_rounds_each_item_and_charges_missing_keys(
    table: ck.Table, consistent: bool, rcu: float
) -> None:
    put(table, sized_item("p", "a", 1_536), sized_item("p", "b", 6_656))
    with table.meter() as m:
        response = table.client.batch_get_item(
            RequestItems={
                table.name: {
                    "Keys": [key("p", "a"), key("p", "b"), key("q", "missing")],
                    "ConsistentRead": consistent,
                }
            }
        )
    assert len(response["Responses"][table.name]) == 2
    assert (m.items_read, m.items_returned, m.bytes_read) == (2, 2, 1_536 + 6_656)
    assert m.rcu == rcu  # 4 KB + 8 KB + the minimum for the missing key
    assert m.partition_requests == {"p": 2, "q": 1}


def test_transact_get_items_costs_two_units_per_4_kb(table: ck.Table) -> None:
    put(table, sized_item("p", "a", 3 * KB))
    with table.meter() as m:
        table.client.transact_get_items(
            TransactItems=[
                {"Get": {"TableName": table.name, "Key": key("p", "a")}},
                {"Get": {"TableName": table.name, "Key": key("p", "missing")}},
            ]
        )
    assert (m.items_read, m.items_returned, m.rcu) == (1, 1, 4.0)


# -- writes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "wcu"),
    [
        ({}, 2),  # 1.5 KB, in no index
        ({"EmailPK": "ORG#a#EMAIL#x"}, 2 + 2),  # plus one gsi-email write of the same size
        ({"EmailPK": "ORG#a#EMAIL#x", "NameSK": "lovelace#ada#1"}, 2 + 2 + 2),  # and gsi-name
    ],
)
def test_put_item_of_1_5_kb(table: ck.Table, extra: dict[str, str], wcu: int) -> None:
    with table.meter() as m:
        put(table, sized_item("ORG#a", "C#1", 1_536, **extra))
    assert (m.requests, m.items_written, m.wcu, m.rcu) == (1, 1, wcu, 0)


def test_delete_and_update_count_the_minimum_unless_the_item_is_returned(
    table: ck.Table,
) -> None:
    put(table, sized_item("p", "a", 1_536, EmailPK="e"), sized_item("p", "b", 1_536))
    with table.meter() as m:  # the backend's figures: it knows the items
        table.client.delete_item(TableName=table.name, Key=key("p", "c"))
    assert (m.wcu, m.records[0].source) == (1, "backend")
    with table.meter() as m:  # computed (the caller asked for no ConsumedCapacity)
        table.client.delete_item(
            TableName=table.name, Key=key("p", "b"), ReturnConsumedCapacity="NONE"
        )
        table.client.update_item(
            TableName=table.name,
            Key=key("p", "a"),
            UpdateExpression="SET note = :n",
            ExpressionAttributeValues={":n": {"S": "x"}},
            ReturnConsumedCapacity="NONE",
        )
    assert m.wcu == 1 + 1
    assert [r.source for r in m.records] == ["computed", "computed"]
    put(table, sized_item("p", "b", 1_536))
    with table.meter() as m:
        table.client.delete_item(TableName=table.name, Key=key("p", "a"), ReturnValues="ALL_OLD")
    assert m.wcu == 2 + 2  # the returned item: 2 units, and its gsi-email entry


def test_deleting_a_missing_item_costs_one_unit(table: ck.Table) -> None:
    with table.meter() as m:
        table.client.delete_item(TableName=table.name, Key=key("p", "missing"))
    assert (m.requests, m.wcu) == (1, 1)


def test_batch_write_counts_each_request(table: ck.Table) -> None:
    with table.meter() as m:
        table.client.batch_write_item(
            RequestItems={
                table.name: [
                    *({"PutRequest": {"Item": sized_item("p", f"{i}", 1_536)}} for i in range(3)),
                    {"DeleteRequest": {"Key": key("p", "missing")}},
                ]
            }
        )
    assert (m.requests, m.items_written, m.wcu) == (1, 4, 3 * 2 + 1)
    assert m.partition_requests == {"p": 4}


def test_transactions_cost_twice_as_much(table: ck.Table) -> None:
    with table.meter() as m:
        table.client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table.name, "Item": sized_item("p", "a", 1_536)}},
                {"Put": {"TableName": table.name, "Item": sized_item("q", "b", 500)}},
            ]
        )
    assert (m.requests, m.items_written, m.items_returned) == (1, 2, 0)
    assert m.wcu == 2 * 2 + 2 * 1
    assert m.by_operation["TransactWriteItems"].wcu == m.wcu
    assert m.partition_requests == {"p": 1, "q": 1}


def test_a_failed_condition_is_an_error_still_charged(table: ck.Table) -> None:
    put(table, sized_item("p", "a", 500))
    with table.meter() as m, pytest.raises(table.client.exceptions.ConditionalCheckFailedException):
        table.client.put_item(
            TableName=table.name,
            Item=sized_item("p", "a", 500),
            ConditionExpression="attribute_not_exists(PK)",
        )
    assert (m.requests, m.errors, m.items_written, m.wcu) == (1, 1, 0, 1)


def test_adding_a_contact_through_the_store(table: ck.Table, org: ck.OrgStore) -> None:
    with table.meter() as m:
        org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    transactions = m.by_operation["TransactWriteItems"]
    assert transactions.requests == 1
    assert transactions.items_written >= 2  # the contact and its email uniqueness item
    assert m.wcu >= 2 * 2 + 1  # two transactional writes and at least one index write
    assert m.partition_requests[keys.tenant_partition_key("org-test")] >= 1


# -- bookkeeping ---------------------------------------------------------------------------


def test_requests_latency_and_partitions_per_operation(table: ck.Table) -> None:
    put(table, sized_item("a", "1", 100), sized_item("b", "1", 100))
    with table.meter() as m:
        for pk in ("a", "a", "b"):
            table.client.get_item(TableName=table.name, Key=key(pk, "1"))
        table.client.query(
            TableName=table.name,
            KeyConditionExpression="#p = :p AND SK >= :s",
            ExpressionAttributeNames={"#p": "PK"},
            ExpressionAttributeValues={":p": {"S": "a"}, ":s": {"S": "0"}},
        )
    assert m.requests == 4
    assert m.by_operation["GetItem"].requests == 3
    assert m.by_operation["Query"].requests == 1
    assert m.by_operation["Scan"] == OperationStats()  # never seen: zeros
    assert m.partition_requests == {"a": 3, "b": 1}
    count, p50, p95 = m.latency("GetItem")
    assert count == 3
    assert 0 < p50 <= p95
    assert m.latency()[0] == 4
    assert m.latency("Scan") == (0, 0.0, 0.0)


def test_metering_happens_only_inside_the_block(table: ck.Table) -> None:
    with table.meter() as m:
        table.client.get_item(TableName=table.name, Key=key("p", "a"))
    table.client.get_item(TableName=table.name, Key=key("p", "a"))
    assert m.requests == 1


def test_nested_meters_both_count(table: ck.Table) -> None:
    with table.meter() as outer:
        table.client.get_item(TableName=table.name, Key=key("p", "a"))
        with table.meter() as inner:
            table.client.get_item(TableName=table.name, Key=key("p", "b"))
    assert (outer.requests, inner.requests) == (2, 1)
    assert outer.rcu == 1.0 and inner.rcu == 0.5
    assert outer.consumed_capacity > inner.consumed_capacity > 0


def test_one_meter_shared_by_threads(table: ck.Table) -> None:
    put(table, sized_item("p", "a", 100))
    meter = table.meter()
    start = threading.Barrier(4)

    def work() -> None:
        start.wait()
        with meter:
            for _ in range(10):
                table.client.get_item(TableName=table.name, Key=key("p", "a"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (meter.requests, meter.items_read, meter.rcu) == (40, 40, 20.0)
    assert meter.latency("GetItem")[0] == 40
    table.client.get_item(TableName=table.name, Key=key("p", "a"))  # all blocks closed
    assert meter.requests == 40


def test_the_meter_does_not_change_responses(table: ck.Table) -> None:
    put(table, *(sized_item("p", f"{i}", 300) for i in range(3)))
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_item", {"TableName": table.name, "Key": key("p", "1")}),
        ("query", {**_query_p(table.name)}),
        ("scan", {"TableName": table.name}),
        ("put_item", {"TableName": table.name, "Item": sized_item("p", "1", 300)}),
        ("delete_item", {"TableName": table.name, "Key": key("p", "2"), "ReturnValues": "ALL_OLD"}),
    ]
    for method, kwargs in calls:
        plain = getattr(table.client, method)(**kwargs)
        if method == "delete_item":
            put(table, sized_item("p", "2", 300))
        with table.meter():
            metered = getattr(table.client, method)(**kwargs)
        assert without_metadata(metered) == without_metadata(plain), method
        assert "ReturnConsumedCapacity" not in kwargs  # the caller's arguments are untouched


def test_the_backends_consumed_capacity_is_recorded(table: ck.Table) -> None:
    put(table, sized_item("p", "a", 100))
    with table.meter() as m:
        response = table.client.get_item(
            TableName=table.name, Key=key("p", "a"), ReturnConsumedCapacity="TOTAL"
        )
    assert "ConsumedCapacity" in response  # asked for by the caller: kept
    assert m.consumed_capacity == response["ConsumedCapacity"]["CapacityUnits"]
    with table.meter() as m:
        response = table.client.get_item(TableName=table.name, Key=key("p", "a"))
    assert "ConsumedCapacity" not in response  # asked for by the meter: removed
    assert m.consumed_capacity > 0


def test_summary_and_repr(table: ck.Table) -> None:
    put(table, sized_item("p", "a", 100))
    with table.meter() as m:
        table.client.get_item(TableName=table.name, Key=key("p", "a"), ConsistentRead=True)
        put(table, sized_item("p", "b", 100))
    rows = m.summary()
    assert [row["operation"] for row in rows] == ["GetItem", "PutItem", "total"]
    assert rows[-1] | {"consumed_capacity": 0} == {
        "operation": "total",
        "requests": 2,
        "errors": 0,
        "items_read": 1,
        "items_returned": 1,
        "items_written": 1,
        "bytes_read": 100,
        "rcu": 1.0,
        "wcu": 1.0,
        "consumed_capacity": 0,
    }
    assert {"p50_ms", "p95_ms"} <= set(m.summary(latency=True)[0])
    assert repr(m) == (
        "<Meter requests=2 items_read=1 items_returned=1 rcu=1 wcu=1 bytes_read=100>"
    )
    m.reset()
    assert (m.requests, m.summary()[-1]["requests"]) == (0, 0)


# -- pure accounting, for responses the embedded engine never gives -------------------------


def test_a_reported_write_is_not_sized_by_the_meter(
    table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    sized: list[Any] = []
    monkeypatch.setattr(
        "contactkit.dynamo.requestcost.item_size", lambda item: sized.append(item) or 1_536
    )
    items = [sized_item("ORG#a", f"C#{n}", 1_536) for n in range(3)]
    actions = [{"Put": {"TableName": table.name, "Item": item}} for item in items]
    with table.meter() as m:  # the backend reports: its figure is recorded, nothing is sized
        table.client.transact_write_items(TransactItems=actions[:2])
    assert sized == []
    assert (m.items_written, m.wcu, m.records[0].source) == (2, 2 * 4, "backend")
    assert m.records[0].cost.wcu == 0
    with table.meter() as m:  # nothing reported: the meter sizes the item and computes
        table.client.transact_write_items(TransactItems=actions[2:], ReturnConsumedCapacity="NONE")
    assert sized == [items[2]]
    assert (m.items_written, m.wcu, m.records[0].source) == (1, 4, "computed")


@pytest.mark.parametrize(
    ("operation", "params", "response"),
    [
        ("PutItem", {"Item": key("p", "a")}, {}),
        ("DeleteItem", {"Key": key("p", "a")}, {}),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"Item": key("p", "a")}},
                    {"ConditionCheck": {"Key": key("p", "b")}},
                    {"Delete": {"Key": key("p", "c")}},
                ]
            },
            {},
        ),
        (
            "BatchWriteItem",
            {"RequestItems": {"t": [{"PutRequest": {"Item": key("p", str(n))}} for n in range(3)]}},
            {"UnprocessedItems": {"t": [{"PutRequest": {"Item": key("p", "0")}}]}},
        ),
    ],
)
def test_writes_count_the_same_items_with_or_without_units(
    operation: str, params: dict[str, Any], response: dict[str, Any]
) -> None:
    full = request_cost(operation, params, response)
    counted = request_cost(operation, params, response, write_units=False)
    assert full.wcu > 0
    assert (counted.items_written, counted.wcu) == (full.items_written, 0)
    assert counted.partitions == full.partitions


def test_unprocessed_batch_requests_are_not_charged() -> None:
    item = sized_item("p", "a", 1_536)
    params = {"RequestItems": {"t": [{"PutRequest": {"Item": item}}] * 3}}
    response = {"UnprocessedItems": {"t": [{"PutRequest": {"Item": item}}]}}
    cost = request_cost("BatchWriteItem", params, response)
    assert (cost.items_written, cost.wcu) == (2, 4)

    get_params = {"RequestItems": {"t": {"Keys": [key("p", "a"), key("p", "b")]}}}
    get_response = {
        "Responses": {"t": [item]},
        "UnprocessedKeys": {"t": {"Keys": [key("p", "b")]}},
    }
    cost = request_cost("BatchGetItem", get_params, get_response)
    assert (cost.items_read, cost.rcu) == (1, 0.5)


@pytest.mark.parametrize(
    ("params", "rcu"),
    [
        ({"TableName": "t"}, 128.0),  # cut at 1 MB: 1 MB eventually consistent
        ({"TableName": "t", "ConsistentRead": True}, 256.0),
        ({"TableName": "t", "Limit": 1000}, 128.0),  # more than was read: still the 1 MB cut
        ({"TableName": "t", "Limit": 20}, 1.5),  # the Limit ended the page, not the size
    ],
)
def test_a_page_cut_before_its_limit_counts_the_1_mb_read(
    params: dict[str, Any], rcu: float
) -> None:
    item = sized_item("p", "a", 500)
    response = {"Items": [item], "Count": 1, "ScannedCount": 20, "LastEvaluatedKey": key("p", "a")}
    cost = request_cost("Scan", params, response)
    assert cost.items_read == 20
    assert cost.rcu == rcu


def test_put_with_all_old_counts_the_larger_image_and_index_changes() -> None:
    old = sized_item("p", "a", 3 * KB, EmailPK="old")
    new = sized_item("p", "a", 500, EmailPK="new")
    cost = request_cost("PutItem", {"Item": new, "ReturnValues": "ALL_OLD"}, {"Attributes": old})
    assert cost.wcu == 3 + (3 + 1)  # the larger image; delete old + put new index entry


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "x"}}},
            "x",
        ),
        (
            {"KeyConditionExpression": ":p = PK", "ExpressionAttributeValues": {":p": {"S": "x"}}},
            "x",
        ),
        (
            {
                "KeyConditionExpression": "(#a = :a) AND #b <= :b",
                "ExpressionAttributeNames": {"#a": "PK", "#b": "SK"},
                "ExpressionAttributeValues": {":a": {"S": "x"}, ":b": {"S": "y"}},
            },
            "x",
        ),
        (
            {
                "KeyConditionExpression": "SK = :s AND PK = :p",
                "ExpressionAttributeValues": {":s": {"S": "y"}, ":p": {"N": "12"}},
            },
            "12",
        ),
        (
            {
                "IndexName": "gsi-phone",
                "KeyConditionExpression": "PK = :a AND PhonePK = :b",
                "ExpressionAttributeValues": {":a": {"S": "x"}, ":b": {"S": "+15550100"}},
            },
            "+15550100",
        ),
        (
            {
                "KeyConditions": {
                    "PK": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}
                }
            },
            "x",
        ),
        (
            {
                "KeyConditionExpression": "other = :p",
                "ExpressionAttributeValues": {":p": {"S": "x"}},
            },
            "(unknown)",
        ),
    ],
)
def test_query_partition_is_the_value_bound_to_the_hash_key(
    params: dict[str, Any], expected: str
) -> None:
    assert partition_keys("Query", params) == [expected]


def _query_p(table_name: str) -> dict[str, Any]:
    return {
        "TableName": table_name,
        **render(Key("PK").eq("p"), key_condition=True, name="KeyConditionExpression"),
    }


def test_meter_works_on_any_client(db: ck.Database, table: ck.Table) -> None:
    with Meter(db.client, key_attribute="PK", index_keys={}) as m:
        put(table, sized_item("p", "a", 500, EmailPK="e"))
        db.client.put_item(
            TableName=table.name,
            Item=sized_item("p", "b", 500, EmailPK="f"),
            ReturnConsumedCapacity="NONE",
        )
    # The backend knows the table's indexes (1 + 1); the computation only those declared.
    assert [r.wcu for r in m.records] == [2, 1]


def test_a_filtered_page_ended_at_1_mb_read_1_mb_and_teaches_the_item_size() -> None:
    params = {"TableName": "t", "FilterExpression": "x = :x"}
    full = {"Items": [], "Count": 0, "ScannedCount": 256, "LastEvaluatedKey": {"PK": {"S": "a"}}}
    cost = request_cost("Scan", params, full)
    assert (cost.items_read, cost.bytes_read, cost.rcu) == (256, 1024 * 1024, 128.0)
    assert cost.page_item_bytes == 4096
    last = {"Items": [], "Count": 0, "ScannedCount": 10}
    assert request_cost("Scan", params, last, unseen_item_bytes=4096).bytes_read == 40_960
    assert request_cost("Scan", params, last).bytes_read == 0  # nothing known: the minimum


def test_a_page_ended_by_limit_is_not_a_1_mb_page() -> None:
    params = {"TableName": "t", "Limit": 5, "FilterExpression": "x = :x"}
    response = {"Items": [], "Count": 0, "ScannedCount": 5, "LastEvaluatedKey": {"PK": {"S": "a"}}}
    cost = request_cost("Scan", params, response)
    assert (cost.bytes_read, cost.page_item_bytes) == (0, None)


def test_meter_estimates_the_last_filtered_page_from_a_full_one(table: ck.Table) -> None:
    put(table, *(sized_item(f"ORG#{i}", "C", 40 * KB) for i in range(40)))
    with table.meter() as m:
        request: dict[str, Any] = {
            "TableName": table.name,
            "FilterExpression": "attribute_exists(nothing)",
        }
        pages = 0
        while True:
            page = table.client.scan(**request)
            pages += 1
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert pages >= 2 and m.items_read == 40
    # Every page, the last one included, is charged near the true 40 KB per item read.
    assert 0.9 * 40 * 40 * KB <= m.bytes_read <= 1.2 * 40 * 40 * KB


def test_a_filtered_last_page_is_never_estimated_above_1_mb() -> None:
    big = {"PK": {"S": "p"}, "SK": {"S": "s"}, "blob": {"S": "x" * 10_000}}
    response = {"Items": [big], "Count": 1, "ScannedCount": 5_000}
    cost = request_cost("Scan", {"TableName": "t", "FilterExpression": "x"}, response)
    assert cost.bytes_read == limits.MAX_PAGE_BYTES
