"""A meter's totals (``contactkit/dynamo/totals.py``): records added up, one declared list."""

from __future__ import annotations

from typing import Any

import pytest

import contactkit as ck
from contactkit.dynamo.meter import Meter
from contactkit.dynamo.requestcost import RequestCost
from contactkit.dynamo.totals import TOTALS, OperationStats, RequestRecord, Total, percentile

INTS = ("requests", "errors", "items_read", "items_returned", "items_written", "bytes_read")
FLOATS = ("rcu", "wcu", "consumed_capacity")

READ = RequestRecord(
    "GetItem", RequestCost(items_read=1, items_returned=1, bytes_read=100, rcu=1.0), 0.5, 3.0
)
WRITE = RequestRecord("PutItem", RequestCost(items_written=1, wcu=2.0), 1.0, 5.0)
REFUSED = RequestRecord("PutItem", RequestCost(wcu=1.0), 0.0, 1.0, error=True)


def test_the_totals_are_the_fields_of_operation_stats() -> None:
    assert TOTALS == INTS + FLOATS


def test_the_meter_has_one_attribute_per_total() -> None:
    declared = {name for name, value in vars(Meter).items() if isinstance(value, Total)}
    assert declared == set(TOTALS)


def test_add_counts_each_record_into_every_total() -> None:
    stats = OperationStats()
    for record in (WRITE, REFUSED):
        stats.add(record)
    assert stats.row("PutItem") == {
        "operation": "PutItem",
        "requests": 2,
        "errors": 1,
        "items_read": 0,
        "items_returned": 0,
        "items_written": 1,
        "bytes_read": 0,
        "rcu": 0.0,
        "wcu": 3.0,
        "consumed_capacity": 1.0,
    }
    assert stats.latency() == (2, 1.0, 5.0)


def test_combined_adds_up_operations() -> None:
    reads, writes = OperationStats(), OperationStats()
    reads.add(READ)
    writes.add(WRITE)
    both = OperationStats.combined([reads, writes])
    for name in TOTALS:
        assert getattr(both, name) == getattr(reads, name) + getattr(writes, name), name
    assert sorted(both.latencies_ms) == [3.0, 5.0]
    assert OperationStats.combined([]) == OperationStats()


@pytest.mark.parametrize(
    ("samples", "p50", "p95"), [([], 0.0, 0.0), ([7.0], 7.0, 7.0), ([1.0, 2.0, 3.0, 4.0], 2.0, 4.0)]
)
def test_percentile_is_nearest_rank(samples: list[float], p50: float, p95: float) -> None:
    assert (percentile(samples, 50), percentile(samples, 95)) == (p50, p95)


class Owner:
    rcu = Total(float, "Read units.")
    requests = Total(int, "Requests.")

    def __init__(self, totals: dict[str, float]) -> None:
        self.totals = totals
        self.asked: list[str] = []

    def total(self, name: str) -> float:
        self.asked.append(name)
        return self.totals[name]


def test_a_total_reads_its_own_name_from_the_owner_in_its_type() -> None:
    owner = Owner({"rcu": 1, "requests": 2.0})
    assert (owner.rcu, owner.requests) == (1.0, 2)
    assert (type(owner.rcu), type(owner.requests)) == (float, int)
    assert owner.asked == ["rcu", "requests", "rcu", "requests"]
    assert isinstance(Owner.rcu, Total) and Owner.rcu.__doc__ == "Read units."


def test_a_total_must_name_a_field_of_operation_stats() -> None:
    with pytest.raises((TypeError, RuntimeError)) as raised:

        class Wrong:
            rcus = Total(float, "a typo")

    error: BaseException = raised.value
    message = str(error.__cause__ or error)  # Python 3.11 wraps __set_name__'s error
    assert "Wrong.rcus: not a total of OperationStats" in message


def put(table: ck.Table, sk: str) -> Any:
    item = {"PK": {"S": "p"}, "SK": {"S": sk}}
    return table.client.put_item(TableName=table.name, Item=item)


def test_each_meter_total_is_the_sum_over_operations(table: ck.Table) -> None:
    with table.meter() as m:
        put(table, "a")
        table.client.get_item(TableName=table.name, Key={"PK": {"S": "p"}, "SK": {"S": "a"}})
        table.client.query(
            TableName=table.name,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
        )
    by_operation = m.by_operation
    assert set(by_operation) == {"PutItem", "GetItem", "Query"}
    for name in TOTALS:
        value = getattr(m, name)
        assert value == sum(getattr(s, name) for s in by_operation.values()), name
        assert type(value) is (int if name in INTS else float), name
    assert m.requests == 3 and m.items_written == 1 and m.items_returned == 2
    assert m.totals().row("total") == m.summary()[-1]
    assert m.latency() == m.totals().latency()
    assert m.latency("GetItem")[0] == 1


def test_a_total_of_an_unknown_name_is_refused(table: ck.Table) -> None:
    with pytest.raises(ValueError, match="'latencies_ms' is not a meter total; the totals are"):
        table.meter().total("latencies_ms")
