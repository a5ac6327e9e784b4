"""Writes whose answer is lost after the server applied them (a dropped connection) are
retried by botocore; the store must recognise its own success instead of reporting a conflict.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import contactkit as ck
from contactkit.faults import FaultInjector

from .conftest import data_items, items_of_type, scan_all


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
