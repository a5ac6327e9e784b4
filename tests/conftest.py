"""Shared fixtures. Store tests run on the embedded engine, or on any endpoint named by
``AWS_ENDPOINT_URL_DYNAMODB`` (DynamoDB Local, ``contactkit serve``): ``connect()`` honours it.

``CONTACTKIT_TEST_SCALE`` (default 1) multiplies the sizes of the heavier tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

import contactkit as ck

SCALE = max(1, int(os.environ.get("CONTACTKIT_TEST_SCALE", "1")))
os.environ.setdefault("CONTACTKIT_PROGRESS", "0")  # no import progress bars in test output
# No timed tests: on a shared 2-core machine an example may take longer than hypothesis allows.
settings.register_profile("contactkit", deadline=None)
settings.load_profile("contactkit")


@pytest.fixture(scope="session")
def db() -> Iterator[ck.Database]:
    database = ck.connect()
    yield database
    database.close()


@pytest.fixture
def table(db: ck.Database) -> Iterator[ck.Table]:
    table = db.table(f"contacts-test-{uuid.uuid4().hex[:10]}").create()
    yield table
    table.delete(missing_ok=True)


@pytest.fixture
def org(table: ck.Table) -> ck.OrgStore:
    return table.org("org-test")


@pytest.fixture(autouse=True)
def no_orphans_after_reliability_tests(
    request: pytest.FixtureRequest, record_property: Any
) -> Iterator[None]:
    """After a test marked ``reliability`` that used the ``table`` fixture, the orphan checker
    (``tests/consistency.py``) scans that table: any orphan fails the test at teardown.
    ``@pytest.mark.reliability(orphan_check=False)``: a test of raw, non-contactkit items."""
    marker = request.node.get_closest_marker("reliability")
    checked = marker is not None and marker.kwargs.get("orphan_check", True)
    if not checked or "table" not in request.fixturenames:
        yield
        return
    table = request.getfixturevalue("table")  # set up first, so torn down after this check
    yield
    from tests.consistency import find_orphans

    report = find_orphans(table)
    record_property("orphan_check", str(report).partition("\n")[0])
    assert not report.problems, f"orphan checker, table {table.name}: {report}"


def scan_all(table: ck.Table) -> list[dict[str, Any]]:
    """Every item of the table, read outside the store (plain Python values)."""
    from contactkit.contacts.items import deserialize

    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table.name, "ConsistentRead": True}
    while True:
        page = table.client.scan(**kwargs)
        found.extend(deserialize(item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def items_of_type(table: ck.Table, kind: str) -> list[dict[str, Any]]:
    return [item for item in scan_all(table) if item.get("type") == kind]


def data_items(table: ck.Table) -> list[dict[str, Any]]:
    """Every item except the audit trail (which outlives the contacts it mentions)."""
    return [item for item in scan_all(table) if item.get("type") != "audit"]
