"""Every bulk path under the issue's fault mix: 30% of batches partly unprocessed, 5% of
requests throttled, 2% answered 5xx, 1% dropped after the server applied them.

Each test ends with the whole-table invariants of :mod:`tests.consistency` (no orphan claim,
tag, membership or token; no email twice in an org). ``SIZE`` is 2,000 contacts;
``CONTACTKIT_TEST_SCALE=5`` runs the issue's 10,000.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.engine.faults import FaultInjector
from contactkit.io.formats import read_source
from contactkit.io.importer import Importer
from contactkit.io.progress import PROGRESS_VARIABLE
from tests.conftest import SCALE, scan_all
from tests.consistency import assert_consistent, contacts_of

pytestmark = pytest.mark.reliability  # the orphan checker scans the table after each test

SIZE = 2_000 * SCALE
SMALL = 200 * SCALE  # bulk delete, merge, backup and load_frame: many requests, fewer rows
BATCHES = ("BatchWriteItem", "BatchGetItem")
SINGLES = ("TransactWriteItems", "Query", "Scan", "GetItem", "PutItem", "UpdateItem", "DeleteItem")
UNPROCESSED, THROTTLED, SERVER_ERROR, DROPPED = 0.30, 0.05, 0.02, 0.01


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore and the store back off between retries; the faults here need no real waiting."""
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _seconds: None)
    monkeypatch.setenv(PROGRESS_VARIABLE, "0")


def inject_the_mix(faults: FaultInjector) -> FaultInjector:
    """The issue's fault rates, per request (rules are tried in order, hence the division)."""
    for operation in (*BATCHES, *SINGLES):
        left = 1.0
        if operation in BATCHES:
            faults.add(operation, "unprocessed", times=None, probability=UNPROCESSED, share=0.3)
            left -= UNPROCESSED
        for kind, rate in (
            ("throttle", THROTTLED),
            ("server_error", SERVER_ERROR),
            ("drop_after_send", DROPPED),
        ):
            faults.add(operation, kind, times=None, probability=rate / left)  # type: ignore[arg-type]
            left -= rate
    return faults


@pytest.fixture
def faults(db: ck.Database) -> Iterator[FaultInjector]:
    with FaultInjector(db.client, seed=8) as injector:
        yield inject_the_mix(injector)


def kinds(faults: FaultInjector) -> set[str]:
    return {kind for _operation, kind in faults.injected}


def rows_of(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "first_name": f"First{n}",
            "last_name": f"Last{n}",
            "email": f"p{n}@example.com",
            "company": f"Company {n % 13}",
            "tags": ["all", f"t{n % 7}"],
        }
        for n in range(start, start + count)
    ]


def by_key(item: dict[str, Any]) -> tuple[str, str]:
    return (str(item["PK"]), str(item["SK"]))


def run_import(org: ck.OrgStore, rows: Any, plan: Any = "atomic") -> ck.ImportReport:
    org.table.dynamo.sleep = lambda _s: None  # contactkit's own retries wait for nothing here
    return Importer(org.writer, plan=plan).run(read_source(rows))


def seed(org: ck.OrgStore, count: int, start: int = 0) -> list[ck.Contact]:
    report = run_import(org, rows_of(count, start))
    assert report.imported == count
    return [org.get(contact_id) for contact_id in report.contact_ids.values()]


# -- import ------------------------------------------------------------------------------------


@pytest.mark.parametrize("plan", ["atomic", "economy"])
def test_an_import_under_the_fault_mix_writes_every_valid_row_exactly_once(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector, plan: str
) -> None:
    rows = rows_of(SIZE)
    invalid = [{"first_name": "Bad", "last_name": f"Row{n}", "email": "nope"} for n in range(20)]
    repeated = rows[:30]  # the same emails again, later in the file: skipped
    report = run_import(org, rows + invalid + repeated, plan)
    assert {"unprocessed", "throttle", "server_error", "drop_after_send"} <= kinds(faults)
    faults.detach()
    assert report.failed == [] or all("backfill_search_index" in f.reason for f in report.failed)
    contacts = assert_consistent(table)
    assert sorted(c.email for c in contacts.values()) == sorted(r["email"] for r in rows)
    assert (report.imported, len(report.invalid_rows), len(report.skipped)) == (SIZE, 20, 30)
    assert report.imported == len(contacts) == len(set(report.contact_ids.values()))
    assert {f.field for f in report.invalid_rows} == {"email"}
    assert report.requests >= report.minimum_requests


def test_a_rerun_after_faults_writes_nothing_new(
    table: ck.Table, org: ck.OrgStore, faults: FaultInjector
) -> None:
    rows = rows_of(SIZE // 4)
    first = run_import(org, rows)
    again = run_import(org, rows)
    faults.detach()
    assert (first.imported, again.imported, len(again.skipped)) == (len(rows), 0, len(rows))
    assert len(assert_consistent(table)) == len(rows)


def test_two_concurrent_imports_of_overlapping_files_never_duplicate(table: ck.Table) -> None:
    org = table.org("org-race")
    half = SIZE // 4
    files = [rows_of(2 * half, 0), rows_of(2 * half, half)]  # rows half..2*half in both
    reports: list[ck.ImportReport] = []
    barrier = threading.Barrier(2)

    def run(rows: list[dict[str, Any]]) -> None:
        barrier.wait()
        reports.append(run_import(org, rows))

    threads = [threading.Thread(target=run, args=(rows,)) for rows in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    contacts = assert_consistent(table)
    assert len(contacts) == 3 * half
    assert sum(r.imported for r in reports) == 3 * half
    assert sum(len(r.skipped) for r in reports) == half
    assert all(r.failed == [] for r in reports)


# -- bulk delete, merge, backup and restore, load_frame ----------------------------------------


def test_a_bulk_delete_under_the_fault_mix_deletes_exactly_its_targets(
    db: ck.Database, table: ck.Table, org: ck.OrgStore
) -> None:
    contacts = seed(org, SMALL)
    doomed = {c.id for c in contacts if "t0" in c.tags or "t1" in c.tags}
    with inject_the_mix(FaultInjector(db.client, seed=3)) as faults:
        first = org.bulk_delete(tag="t0")
        second = org.bulk_delete(ids=[c.id for c in contacts if "t1" in c.tags])
    assert faults.injected
    assert first.failed == second.failed == []
    assert set(first.done) | set(second.done) == doomed
    left = assert_consistent(table)
    assert set(left) == {c.id for c in contacts} - doomed


def test_merges_under_the_fault_mix_leave_one_contact_per_pair(
    db: ck.Database, table: ck.Table, org: ck.OrgStore
) -> None:
    org.create_group("Team")
    pairs = []
    for n in range(SMALL // 10):
        keep = org.add(first_name=f"A{n}", last_name="Pair", email=f"a{n}@example.com", tags=["x"])
        other = org.add(
            first_name=f"A{n}", last_name="Pair", email=f"b{n}@example.com", tags=["y", "x"]
        )
        org.add_to_group("Team", other.id)
        pairs.append((keep.id, other.id))
    with inject_the_mix(FaultInjector(db.client, seed=5)) as faults:
        merged = [org.merge(keep, other) for keep, other in pairs]
    assert faults.injected
    left = assert_consistent(table)
    assert set(left) == {keep for keep, _other in pairs}
    for contact in merged:
        assert left[contact.id] == contact
        assert set(contact.tags) == {"x", "y"} and list(contact.groups) == ["Team"]


def test_backup_and_restore_under_the_fault_mix_give_identical_items(
    db: ck.Database, table: ck.Table, org: ck.OrgStore, tmp_path: Path
) -> None:
    seed(org, SMALL)
    seed(table.org("org-other"), SMALL // 4)
    before = sorted(scan_all(table), key=by_key)
    copy = db.table(f"{table.name}-copy")
    try:
        with inject_the_mix(FaultInjector(db.client, seed=7)) as faults:
            backup = table.backup(tmp_path / "all.json.gz")
            restore = copy.restore(tmp_path / "all.json.gz", whole_table=True)
        assert faults.injected
        assert backup.items == restore.items == len(before)
        assert sorted(scan_all(copy), key=by_key) == before
        assert_consistent(copy)
    finally:
        copy.delete(missing_ok=True)


@pytest.mark.parametrize("whole_table", [False, True])
def test_load_frame_under_the_fault_mix_never_duplicates_or_drops_rows(
    db: ck.Database, table: ck.Table, org: ck.OrgStore, whole_table: bool
) -> None:
    seed(org, SMALL)
    seed(table.org("org-other"), SMALL // 2, start=SMALL)
    expected = (
        contacts_of(table)
        if whole_table
        else {i: c for i, c in contacts_of(table).items() if c.org_id == org.org_id}
    )
    with inject_the_mix(FaultInjector(db.client, seed=9)) as faults:
        frame = ck.load_frame(
            table if whole_table else org, page_size=17 if not whole_table else 80, segments=3
        )
    assert faults.injected
    assert sorted(frame["id"]) == sorted(expected)
    assert sorted(frame["email"]) == sorted(c.email for c in expected.values())
