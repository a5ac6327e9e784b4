"""Writes whose answer is lost after the server applied them (a dropped connection) are
retried by botocore; the store must recognise its own success instead of reporting a conflict.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts import keys
from contactkit.dynamo.batches import batch_write
from contactkit.dynamo.client import DynamoClient
from contactkit.dynamo.transactions import is_conflict
from contactkit.dynamo.types import serialize
from contactkit.engine.faults import FaultInjector
from tests.conftest import data_items, items_of_type, scan_all

pytestmark = pytest.mark.reliability  # the orphan checker scans the table after each test
# Tests of the batch plumbing write raw items (no contactkit type): nothing for the checker.
RAW_ITEMS = pytest.mark.reliability(orphan_check=False)


@pytest.fixture
def faults(db: ck.Database) -> Iterator[FaultInjector]:
    with FaultInjector(db.client) as injector:
        yield injector


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore sleeps between retries; the faults here need no real waiting."""
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _seconds: None)


def test_add_retried_after_success_is_one_contact(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector
) -> None:
    faults.add("TransactWriteItems", "drop_after_send")
    contact = org.add(first_name="A", last_name="B", email="a@example.com", tags=["x"])
    assert faults.injected == [("TransactWriteItems", "drop_after_send")]
    assert org.get(contact.id) == contact
    assert len(items_of_type(table, "contact")) == 1
    assert len(items_of_type(table, "email")) == 1
    assert len(items_of_type(table, "tag")) == 1


def test_update_retried_after_success_is_not_a_conflict(
    org: ck.OrgStore, faults: FaultInjector
) -> None:
    contact = org.add(first_name="A", last_name="B", email="a@example.com")
    faults.add("TransactWriteItems", "drop_after_send")
    updated = org.update(contact.id, expected_version=1, email="new@example.com")
    assert faults.injected and updated.version == 2
    assert org.get(contact.id) == updated


def test_interaction_retried_after_success_is_recorded_once(
    org: ck.OrgStore, faults: FaultInjector
) -> None:
    contact = org.add(first_name="A", last_name="B", email="a@example.com")
    faults.add("TransactWriteItems", "drop_after_send")
    org.record_interaction(contact.id, kind="call")
    assert len(org.activity(contact.id)) == 1
    assert org.get(contact.id).version == 2


def test_delete_retried_after_success_succeeds(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector
) -> None:
    contact = org.add(first_name="A", last_name="B", email="a@example.com", tags=["x"])
    faults.add("TransactWriteItems", "drop_after_send")
    org.delete(contact.id)
    assert data_items(table) == []
    assert [e.action for e in org.audit()] == ["delete", "add"]  # the retry wrote nothing


def test_throttling_and_server_errors_are_retried(org: ck.OrgStore, faults: FaultInjector) -> None:
    faults.add("TransactWriteItems", "throttle", times=2)
    faults.add("GetItem", "server_error", times=2)
    contact = org.add(first_name="A", last_name="B", email="a@example.com")
    assert org.get(contact.id) == contact
    assert len(faults.injected) == 4


def test_throttling_beyond_the_retries_is_a_throttled_error(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector
) -> None:
    faults.add("TransactWriteItems", "throttle", times=None)
    with pytest.raises(ck.ThrottledError) as exc:
        org.add(first_name="A", last_name="B", email="a@example.com")
    assert exc.value.operation == "add"
    assert scan_all(table) == []


# -- the faults DynamoDB produces under load: partial batches, capacity, conflicts ----------


def _puts(count: int) -> list[dict[str, Any]]:
    return [
        {"PutRequest": {"Item": {"PK": {"S": "ORG#org-test#X"}, "SK": {"S": f"{n:03d}"}}}}
        for n in range(count)
    ]


@RAW_ITEMS
@pytest.mark.parametrize(("share", "times", "calls"), [(0.4, 1, 2), (0.4, 2, 3), (1.0, 3, 4)])
def test_unprocessed_items_are_resent_until_written(
    table: ck.Table, faults: FaultInjector, share: float, times: int, calls: int
) -> None:
    faults.add("BatchWriteItem", "unprocessed", times=times, share=share)
    made = batch_write(DynamoClient(table.client, sleep=lambda _s: None), table.name, _puts(25))
    assert made == calls
    assert faults.injected == [("BatchWriteItem", "unprocessed")] * times
    assert sorted(i["SK"] for i in scan_all(table)) == [f"{n:03d}" for n in range(25)]


@RAW_ITEMS
def test_unprocessed_items_hold_back_the_share_asked_for(
    table: ck.Table, faults: FaultInjector
) -> None:
    faults.add("BatchWriteItem", "unprocessed", share=0.4)
    response = table.client.batch_write_item(RequestItems={table.name: _puts(25)})
    assert len(response["UnprocessedItems"][table.name]) == 10
    assert len(scan_all(table)) == 15


@RAW_ITEMS
def test_items_never_processed_are_an_error_not_a_silent_loss(
    table: ck.Table, faults: FaultInjector
) -> None:
    faults.add("BatchWriteItem", "unprocessed", times=None, share=0.2)
    with pytest.raises(ck.BackendError) as exc:
        batch_write(DynamoClient(table.client, sleep=lambda _s: None), table.name, _puts(25))
    assert exc.value.code == "UnprocessedItems"
    assert "still unprocessed" in str(exc.value)


def test_unprocessed_keys_are_read_again(org: ck.OrgStore, faults: FaultInjector) -> None:
    added = [
        org.add(first_name="A", last_name=f"B{n}", email=f"a{n}@example.com") for n in range(6)
    ]
    wanted = [serialize(keys.contact_key(org.org_id, c.id)) for c in added]
    faults.add("BatchGetItem", "unprocessed", times=2, share=0.5)
    found = org.writer.reader.batch_get(wanted, consistent=True)
    assert [i["id"]["S"] for i in found] == [c.id for c in added]
    assert faults.injected == [("BatchGetItem", "unprocessed")] * 2


def test_provisioned_throughput_exceeded_is_retried(
    org: ck.OrgStore, faults: FaultInjector
) -> None:
    faults.add("TransactWriteItems", "provisioned_throughput", times=2)
    contact = org.add(first_name="A", last_name="B", email="a@example.com")
    assert org.get(contact.id) == contact
    assert len(faults.injected) == 2


def test_provisioned_throughput_beyond_the_retries_is_a_throttled_error(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector
) -> None:
    faults.add("TransactWriteItems", "provisioned_throughput", times=None)
    with pytest.raises(ck.ThrottledError) as exc:
        org.add(first_name="A", last_name="B", email="a@example.com")
    assert exc.value.code == "ProvisionedThroughputExceededException"
    assert scan_all(table) == []


def test_transaction_conflicts_are_retried(
    org: ck.OrgStore, faults: FaultInjector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(org.table.dynamo, "sleep", lambda _s: None)
    faults.add("TransactWriteItems", "transaction_conflict", times=2, share=0.3)
    contact = org.add(first_name="A", last_name="B", email="a@example.com", tags=["x", "y"])
    assert org.get(contact.id) == contact
    assert faults.injected == [("TransactWriteItems", "transaction_conflict")] * 2


def test_endless_transaction_conflicts_surface_with_their_reasons(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(org.table.dynamo, "sleep", lambda _s: None)
    faults.add("TransactWriteItems", "transaction_conflict", times=None, share=0.5)
    with pytest.raises(ck.TransactionCanceledError) as exc:
        org.add(first_name="A", last_name="B", email="a@example.com", tags=["x"])
    codes = [r.code for r in exc.value.reasons]
    assert is_conflict(exc.value)
    assert codes.count("TransactionConflict") == round(len(codes) * 0.5)
    assert set(codes) == {"TransactionConflict", "None"}
    assert scan_all(table) == []


@pytest.mark.parametrize(
    ("operation", "kind", "share"),
    [
        ("PutItem", "unprocessed", 0.5),
        ("BatchWriteItem", "transaction_conflict", 0.5),
        ("BatchWriteItem", "unprocessed", 0.0),
        ("BatchWriteItem", "unprocessed", 1.5),
    ],
)
def test_faults_that_cannot_happen_are_refused(
    faults: FaultInjector, operation: str, kind: Any, share: float
) -> None:
    with pytest.raises(ValueError):
        faults.add(operation, kind, share=share)


@RAW_ITEMS
def test_probability_is_seeded(db: ck.Database, table: ck.Table) -> None:
    def run() -> list[int]:
        with FaultInjector(db.client, seed=3) as injector:
            injector.add("BatchWriteItem", "unprocessed", times=None, probability=0.5, share=0.5)
            for _ in range(6):
                table.client.batch_write_item(RequestItems={table.name: _puts(4)})
            return [len(injector.injected)]

    assert run() == run()
